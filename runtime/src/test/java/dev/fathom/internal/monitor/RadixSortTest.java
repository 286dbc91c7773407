package dev.fathom.internal.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The drift window's radix sort orders values exactly as {@code Arrays.sort} does. */
class RadixSortTest {

  @Test
  void sortsLikeArraysSort() {
    RadixSort sort = new RadixSort();
    SplittableRandom random = new SplittableRandom(8);
    for (int trial = 0; trial < 300; trial++) {
      int n = random.nextInt(3000);
      double[] v = new double[n + 5];
      for (int i = 0; i < n; i++) {
        switch (trial % 5) {
          case 0:
            v[i] = (float) (random.nextDouble() * 2 - 1); // widened floats: most passes skipped
            break;
          case 1:
            v[i] = (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(40) - 20); // any magnitude and sign
            break;
          case 2:
            v[i] = random.nextInt(5) - 2; // few distinct values, many ties
            break;
          case 3:
            v[i] = random.nextBoolean() ? 0.0 : -0.0;
            break;
          default:
            v[i] = random.nextInt(10) == 0 ? (random.nextBoolean() ? Double.MAX_VALUE : -Double.MIN_VALUE) : random.nextLong();
        }
      }
      Arrays.fill(v, n, v.length, 42.0); // beyond n: left alone
      double[] expected = v.clone();
      Arrays.sort(expected, 0, n);
      sort.sort(v, n);
      for (int i = 0; i < v.length; i++) {
        // compare bits, so -0.0 and 0.0 must be in the same places
        assertThat(Double.doubleToRawLongBits(v[i])).as("trial %d, index %d of %d", trial, i, n).isEqualTo(Double.doubleToRawLongBits(expected[i]));
      }
    }
  }
}
