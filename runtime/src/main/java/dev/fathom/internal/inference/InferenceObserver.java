package dev.fathom.internal.inference;

/**
 * Watches the calls of one loaded model version: latency, errors, sampling, validation. One
 * instance per version, created by an {@link ObserverFactory} when the version loads and closed
 * when the version closes.
 *
 * <p>Implementations must be thread-safe, must not block, must not allocate on unsampled calls and
 * must never throw from {@link #start}, {@link #succeeded} or {@link #failed}: the caller's
 * prediction matters more than any measurement. {@link #check} is the one method that may throw, to
 * reject an input in enforce mode.
 */
public interface InferenceObserver {
  /** Observes nothing. */
  InferenceObserver NOOP = new InferenceObserver() {};

  /**
   * Checks a call's input before it runs; throws {@link dev.fathom.InvalidInputException} to reject
   * it. The default accepts everything.
   */
  default void check(CallView call) {}

  /**
   * Called right before inference; the value, {@code System.nanoTime()} or 0 when this observer
   * does not time calls, is passed back to {@link #succeeded}/{@link #failed}.
   */
  default long start() {
    return 0L;
  }

  /** Called after a successful inference with a view of its inputs and outputs. */
  default void succeeded(long token, CallView call) {}

  /** Called when a call fails; {@code errorType} is a low-cardinality name such as {@code invalid_input}. */
  default void failed(long token, String errorType) {}

  /** The version is closing; release resources. */
  default void close() {}
}
