package dev.fathom.agent.monitor;

/**
 * What the agent knows about one application session: the model it runs (set once resolved, off the application's threads), and what a call needs to count rows
 * without allocating. Thread-safe: the fields a call reads are volatile or final.
 */
final class SessionState {
  /**
   * A session created by Fathom's own library in the application: its calls are counted there, so
   * its identity is never set.
   */
  static final SessionState NOT_MONITORED = new SessionState();

  /** Reads the session's ONNX Runtime objects; set by the resolver before {@link #identity}. */
  volatile OrtAccess access;
  /** The model the session runs; null until resolved. */
  volatile ModelIdentity identity;
  /** The first input's name and elements per row, for {@code rows()}; set with the identity. */
  volatile String firstInput;
  volatile long elementsPerRow = 1;
}
