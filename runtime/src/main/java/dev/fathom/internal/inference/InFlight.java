package dev.fathom.internal.inference;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts calls in flight on one version without a shared hot counter: acquisitions and releases
 * go to two striped adders, so request threads do not contend on one cache line.
 *
 * <p>Draining is safe without a lock. A caller increments {@link #acquired} and then reads the
 * version's retired flag; the retiring thread sets the flag and then sums {@link #released} before
 * {@link #acquired}. If the retiring thread misses an acquisition, that acquisition came after the
 * flag was set, so its caller sees the flag and backs out; a release is counted only after its
 * acquisition, so the sums can show calls in flight but never hide one.
 */
final class InFlight {
  private final LongAdder acquired = new LongAdder();
  private final LongAdder released = new LongAdder();

  void acquire() {
    acquired.increment();
  }

  void release() {
    released.increment();
  }

  /** Whether no call is in flight; only meaningful once no new call can start. */
  boolean drained() {
    long out = released.sum();
    return acquired.sum() == out;
  }

  long inFlight() {
    return Math.max(0, acquired.sum() - released.sum());
  }
}
