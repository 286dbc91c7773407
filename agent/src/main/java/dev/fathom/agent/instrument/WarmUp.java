package dev.fathom.agent.instrument;

/** A class the instrumentation transforms once at start-up to load its own machinery early. */
final class WarmUp {
  private WarmUp() {}

  static int run(java.util.Map<String, Object> inputs) {
    return inputs.size();
  }
}
