package dev.fathom.internal.telemetry;

/**
 * Time for telemetry: a monotonic clock for latencies and the wall clock for span timestamps.
 * Tests substitute a fixed one to record known latencies. Implementations are thread-safe.
 */
interface Ticker {
  Ticker SYSTEM =
      new Ticker() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public long epochNanos() {
          java.time.Instant now = java.time.Instant.now();
          return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }
      };

  /** Monotonic nanoseconds, as {@link System#nanoTime()}. */
  long nanoTime();

  /** Nanoseconds since the epoch. */
  long epochNanos();
}
