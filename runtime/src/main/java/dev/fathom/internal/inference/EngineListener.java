package dev.fathom.internal.inference;

import dev.fathom.FathomException;

/**
 * Hears about model lifecycle events in the engine: loads, failed loads, swaps and closes. Used by
 * telemetry for load metrics, {@code fathom.model.info} and events. Implementations must be
 * thread-safe and must not throw.
 */
public interface EngineListener {
  EngineListener NOOP = new EngineListener() {};

  /** A version finished loading and warming up. */
  default void loaded(LoadedVersion version) {}

  /** A version failed to verify or load; the serving version, if any, keeps serving. */
  default void loadFailed(String model, long version, long nanos, FathomException error) {}

  /** {@code reference} now serves {@code current} instead of {@code previous} (null on first load). */
  default void swapped(String reference, LoadedVersion previous, LoadedVersion current) {}

  /** A version was retired: it takes no new calls and closes once calls in flight finish. */
  default void retired(LoadedVersion version) {}
}
