package dev.fathom.internal.monitor;

import java.util.Arrays;

/**
 * Sorts a drift window's values ascending, in the order {@link Arrays#sort(double[])} gives (-0.0
 * before 0.0), by least-significant-digit radix sort on the values' bits: eight passes of one byte
 * each, skipping the passes in which every value has the same byte. Values widened from {@code
 * float} (most model inputs) share their three low bytes, so those passes cost one counting loop
 * each. For a window of 1000 values this takes about a third of the time of {@code Arrays.sort},
 * which spent most of its time on mispredicted comparisons; small windows still use {@code
 * Arrays.sort}. Values must not be NaN (windows hold finite values only).
 *
 * <p>Not thread-safe: reuses its scratch arrays; one per {@link DriftEngine}, used by the thread
 * that evaluates its windows.
 */
final class RadixSort {
  /** Below this many values, a comparison sort is as fast. */
  static final int MIN_RADIX = 64;

  private final int[] counts = new int[256];
  private long[] keys = new long[0];
  private long[] scratch = new long[0];

  /** Sorts {@code values[0..n)} ascending. */
  void sort(double[] values, int n) {
    if (n < MIN_RADIX) {
      Arrays.sort(values, 0, n);
      return;
    }
    if (keys.length < n) {
      keys = new long[n];
      scratch = new long[n];
    }
    long[] from = keys;
    long[] to = scratch;
    for (int i = 0; i < n; i++) {
      // order-preserving: flip the sign bit of positives, every bit of negatives
      long bits = Double.doubleToRawLongBits(values[i]);
      from[i] = bits ^ ((bits >> 63) | Long.MIN_VALUE);
    }
    for (int shift = 0; shift < 64; shift += 8) {
      Arrays.fill(counts, 0);
      for (int i = 0; i < n; i++) {
        counts[(int) (from[i] >>> shift) & 0xff]++;
      }
      if (counts[(int) (from[0] >>> shift) & 0xff] == n) {
        continue; // every value has this byte: the pass would not move anything
      }
      int start = 0;
      for (int d = 0; d < 256; d++) {
        int c = counts[d];
        counts[d] = start;
        start += c;
      }
      for (int i = 0; i < n; i++) {
        long key = from[i];
        to[counts[(int) (key >>> shift) & 0xff]++] = key;
      }
      long[] t = from;
      from = to;
      to = t;
    }
    for (int i = 0; i < n; i++) {
      long key = from[i];
      values[i] = Double.longBitsToDouble(key ^ (((~key) >> 63) | Long.MIN_VALUE));
    }
  }
}
