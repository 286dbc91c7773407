package dev.fathom.internal.monitor;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The per-row sampling decision of one model version: a Bernoulli draw at the configured rate, then
 * a cap in samples per second. The draw is one {@link ThreadLocalRandom} call and a comparison (a few
 * nanoseconds, no allocation, no shared write); only a sampled row touches the cap's shared counters.
 * Thread-safe.
 */
final class Sampler {
  /** 2^53: draws are 53-bit integers, compared with {@code rate * 2^53}. */
  private static final double SCALE = 0x1p53;

  private final long threshold;
  private final boolean always;
  private final int maxPerSecond;
  private final AtomicLong second = new AtomicLong(Long.MIN_VALUE);
  private final AtomicInteger taken = new AtomicInteger();
  final LongAdder sampled = new LongAdder();
  final LongAdder rateLimited = new LongAdder();
  final LongAdder queueFull = new LongAdder();

  Sampler(double rate, int maxPerSecond) {
    this.threshold = (long) (rate * SCALE);
    this.always = rate >= 1.0;
    this.maxPerSecond = maxPerSecond;
  }

  /** Whether to sample a row; the cheap draw only. */
  boolean draw() {
    return always || (ThreadLocalRandom.current().nextLong() >>> 11) < threshold;
  }

  /** For a drawn row: whether this second's cap still has room; counts the row as rate-limited otherwise. */
  boolean admit() {
    // ~1.07 s buckets of System.nanoTime: the cap needs no calendar precision
    long now = System.nanoTime() >> 30;
    long current = second.get();
    if (now != current && second.compareAndSet(current, now)) {
      taken.set(0);
    }
    if (taken.incrementAndGet() > maxPerSecond) {
      rateLimited.increment();
      return false;
    }
    return true;
  }
}
