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

  private final Cache<Long, Pending> held;
  private final Cache<Long, Object> early;
  /** Recently sampled ids, direct-mapped by id (a newer id may evict an older one: best effort). */
  private final AtomicLongArray recent = new AtomicLongArray(RECENT);

  OutcomeStore(int capacity, Duration expiry) {
    this.held = Caffeine.newBuilder().maximumSize(capacity).expireAfterWrite(expiry).executor(Runnable::run).build();
    this.early = Caffeine.newBuilder().maximumSize(RECENT).expireAfterWrite(Duration.ofMinutes(1)).executor(Runnable::run).build();
  }

  /** Request thread, sampled rows only: remembers an id on its way to the analyzer. */
  void sampled(long predictionId) {
    recent.setRelease((int) (predictionId & (RECENT - 1)), predictionId);
  }

  private boolean recentlySampled(long predictionId) {
    return recent.getAcquire((int) (predictionId & (RECENT - 1))) == predictionId;
  }

  /** Analyzer: holds a sampled prediction for its outcome. */
  void hold(long predictionId, Pending pending) {
    held.put(predictionId, pending);
    recent.compareAndSet((int) (predictionId & (RECENT - 1)), predictionId, 0);
    Object outcome = early.asMap().remove(predictionId);
    if (outcome != null && held.asMap().remove(predictionId) != null) {
      pending.owner().joinOutcome(pending.outputs(), outcome);
    }
  }

  /** Joins an outcome; whether its prediction was held (or on its way to being held). */
  boolean record(long predictionId, Object outcome) {
    Pending pending = held.asMap().remove(predictionId);
    if (pending != null) {
      return join(predictionId, pending, outcome);
    }
    if (!recentlySampled(predictionId)) {
      // The analyzer holds a prediction before it clears the recent mark, so a cleared mark means
      // a second look finds it held (or it was never sampled).
      pending = held.asMap().remove(predictionId);
      return pending != null && join(predictionId, pending, outcome);
    }
    early.put(predictionId, outcome);
    // the analyzer may have held it in between: whoever removes the held entry joins
    pending = held.asMap().remove(predictionId);
    if (pending != null) {
      early.invalidate(predictionId);
      return join(predictionId, pending, outcome);
    }
    return true;
  }

  /** Joins, or holds the prediction again when the outcome does not fit it (a label it does not know). */
  private boolean join(long predictionId, Pending pending, Object outcome) {
    if (pending.owner().joinOutcome(pending.outputs(), outcome)) {
      return true;
    }
    held.asMap().putIfAbsent(predictionId, pending);
    return false;
  }

  void clear() {
    held.invalidateAll();
    early.invalidateAll();
  }
}
