package dev.fathom.internal.monitor;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Sampled predictions waiting for their ground truth: bounded in number and in time, so late labels
 * for unsampled or long-gone predictions cost nothing and memory stays flat. A label that arrives
 * while its prediction is still in the hand-off to the analyzer (recent ids are remembered on the
 * request thread) is parked until the analyzer holds the prediction. Thread-safe.
 */
final class OutcomeStore {
  private static final int RECENT = 4096;

  /** A held prediction: the version that made it and its monitored output values. */
  record Pending(VersionMonitor owner, double[] outputs) {}

  private final HeldPredictions held;
  private final Cache<Long, Object> early;
  /** Whether any outcome was ever parked in {@link #early}; until then holding skips looking there. */
  private volatile boolean anyEarly;
  /** Recently sampled ids, direct-mapped by id (a newer id may evict an older one: best effort). */
  private final AtomicLongArray recent = new AtomicLongArray(RECENT);

  OutcomeStore(int capacity, Duration expiry) {
    this.held = new HeldPredictions(capacity, expiry.toNanos());
    this.early = Caffeine.newBuilder().maximumSize(RECENT).expireAfterWrite(Duration.ofMinutes(1)).executor(Runnable::run).build();
  }

  /** Request thread, sampled rows only: remembers an id on its way to the analyzer. */
  void sampled(long predictionId) {
    recent.setRelease((int) (predictionId & (RECENT - 1)), predictionId);
  }

  private boolean recentlySampled(long predictionId) {
    return recent.getAcquire((int) (predictionId & (RECENT - 1))) == predictionId;
  }

  /** Analyzer: holds a sampled prediction for its outcome ({@code outputs} is copied). */
  void hold(long predictionId, VersionMonitor owner, double[] outputs, long nowNanos) {
    held.put(predictionId, owner, outputs, nowNanos);
    recent.compareAndSet((int) (predictionId & (RECENT - 1)), predictionId, 0);
    // record() sets anyEarly before it parks an outcome and then looks in held (under held's
    // lock), so either it finds this prediction or this read sees the flag
    if (!anyEarly) {
      return;
    }
    Object outcome = early.asMap().remove(predictionId);
    if (outcome != null) {
      Pending pending = held.remove(predictionId, nowNanos);
      if (pending != null) {
        pending.owner().joinOutcome(pending.outputs(), outcome);
      }
    }
  }

  /** Joins an outcome; whether its prediction was held (or on its way to being held). */
  boolean record(long predictionId, Object outcome) {
    long now = System.nanoTime();
    Pending pending = held.remove(predictionId, now);
    if (pending != null) {
      return join(predictionId, pending, outcome, now);
    }
    if (!recentlySampled(predictionId)) {
      // The analyzer holds a prediction before it clears the recent mark, so a cleared mark means
      // a second look finds it held (or it was never sampled).
      pending = held.remove(predictionId, now);
      return pending != null && join(predictionId, pending, outcome, now);
    }
    anyEarly = true;
    early.put(predictionId, outcome);
    // the analyzer may have held it in between: whoever removes the held entry joins
    pending = held.remove(predictionId, now);
    if (pending != null) {
      early.invalidate(predictionId);
      return join(predictionId, pending, outcome, now);
    }
    return true;
  }

  /** Joins, or holds the prediction again when the outcome does not fit it (a label it does not know). */
  private boolean join(long predictionId, Pending pending, Object outcome, long nowNanos) {
    if (pending.owner().joinOutcome(pending.outputs(), outcome)) {
      return true;
    }
    held.putIfAbsent(predictionId, pending.owner(), pending.outputs(), nowNanos);
    return false;
  }

  void clear() {
    held.clear();
    early.invalidateAll();
  }
}
