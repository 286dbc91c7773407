package dev.fathom.internal.inference;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Process-unique prediction ids. Ids start at a random point so that ids from before a restart do
 * not collide with new ones when late ground truth arrives, and are handed out in blocks so the
 * single-threaded fast path takes an id without touching shared memory.
 */
public final class PredictionIds {
  static final int BLOCK = 1024;
  private static final AtomicLong NEXT = new AtomicLong(initial());

  private PredictionIds() {}

  /** One id, for paths that already allocate. */
  public static long next() {
    return NEXT.getAndIncrement();
  }

  /** Reserves {@code count} consecutive ids and returns the first. */
  public static long reserve(int count) {
    return NEXT.getAndAdd(count);
  }

  private static long initial() {
    // 2^40 .. 2^61: positive, far from zero, with room for 2^61 predictions.
    long random = new SecureRandom().nextLong() >>> 24;
    return (1L << 40) + random;
  }

  /** A block of ids owned by one thread at a time. Not thread-safe. */
  public static final class Block {
    private long next;
    private long end;

    public long take() {
      if (next == end) {
        next = reserve(BLOCK);
        end = next + BLOCK;
      }
      return next++;
    }

    /** Takes {@code count} consecutive ids and returns the first. */
    public long take(int count) {
      if (end - next < count) {
        if (count > BLOCK) {
          return reserve(count);
        }
        next = reserve(BLOCK);
        end = next + BLOCK;
      }
      long first = next;
      next += count;
      return first;
    }
  }
}
