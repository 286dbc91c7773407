package dev.fathom.agent;

import dev.fathom.agent.bootstrap.AgentStarter;

/**
 * The agent's entry point inside its class loader: initializing this class (the bootstrap does it
 * with {@code Class.forName}) starts the agent with what premain handed over, which avoids
 * reflective calls across class loaders at start-up.
 */
final class AgentMain {
  static {
    AgentStarter.Handoff h = AgentStarter.takeHandoff();
    if (h != null) {
      Agent.start(h.arguments(), h.instrumentation(), h.attached(), h.loader(), h.startNanos());
    }
  }

  private AgentMain() {}
}
