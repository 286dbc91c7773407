package dev.fathom.agent.bootstrap;

/**
 * What the agent does when instrumented code runs: the application's ONNX Runtime sessions and the
 * methods named in configuration. Implemented inside the agent's class loader and installed in
 * {@link FathomBridge}; called from advice through the bridge's static methods. Implementations
 * must be thread-safe, never throw and allocate nothing on calls that are not sampled.
 */
public interface CallHandler {
  /** A session is about to be created from {@code source} (a path, byte array or buffer); returns a token for {@link #sessionCreated}. */
  Object sessionCreating(Object source);

  /** A session was created; {@code token} is what {@link #sessionCreating} returned. */
  void sessionCreated(Object session, Object token);

  /** An inference call on {@code session} starts; returns a token for {@link #runEnd} (0: not observed). */
  long runStart(Object session);

  /** An inference call ended, with its result or error. */
  void runEnd(Object session, Object inputs, Object result, Throwable error, long token);

  /** A monitored method (by its id in the configuration) starts; returns a token for {@link #methodEnd}. */
  long methodStart(int method);

  /**
   * A monitored method ended; records latency or the error.
   *
   * @return whether the call is sampled: the advice then passes its arguments and result to {@link
   *     #methodSample}
   */
  boolean methodEnd(int method, long token, Throwable error);

  /** A sampled call's arguments and return value. */
  void methodSample(int method, Object[] arguments, Object result);
}
