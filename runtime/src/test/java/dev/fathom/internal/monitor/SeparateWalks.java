package dev.fathom.internal.monitor;

/**
 * The Kolmogorov-Smirnov statistic, the Wasserstein distance and the rank shift each by its own walk
 * over the two distributions: the plain definitions, kept as oracles for {@link
 * Statistics#compareWithReference}, which computes all three in one merged walk.
 */
final class SeparateWalks {
  private SeparateWalks() {}

  /**
   * The two-sample Kolmogorov-Smirnov statistic {@code sup |F1 - F2|} between a sample and a
   * weighted reference.
   *
   * @param sorted the sample, ascending, {@code n} values
   * @param refValues the reference's distinct-or-repeated values, ascending
   * @param refCumulative the reference CDF at each value (fraction of weight at or below it)
   */
  public static double ksStatistic(double[] sorted, int n, double[] refValues, double[] refCumulative, int m) {
    if (n == 0 || m == 0) {
      return Double.NaN;
    }
    int i = 0;
    int j = 0;
    double d = 0;
    double f1 = 0;
    double f2 = 0;
    while (i < n || j < m) {
      double t = j >= m || (i < n && sorted[i] <= refValues[j]) ? sorted[i] : refValues[j];
      while (i < n && sorted[i] <= t) {
        i++;
      }
      while (j < m && refValues[j] <= t) {
        f2 = refCumulative[j];
        j++;
      }
      f1 = (double) i / n;
      d = Math.max(d, Math.abs(f1 - f2));
    }
    return d;
  }

  /** Wasserstein-1 distance {@code integral |F1 - F2| dx} between a sample and a weighted reference (same arguments as {@link #ksStatistic}). */
  public static double wasserstein(double[] sorted, int n, double[] refValues, double[] refCumulative, int m) {
    if (n == 0 || m == 0) {
      return Double.NaN;
    }
    int i = 0;
    int j = 0;
    double f1 = 0;
    double f2 = 0;
    double area = 0;
    double previous = Math.min(sorted[0], refValues[0]);
    while (i < n || j < m) {
      double t = j >= m || (i < n && sorted[i] <= refValues[j]) ? sorted[i] : refValues[j];
      area += Math.abs(f1 - f2) * (t - previous);
      previous = t;
      while (i < n && sorted[i] <= t) {
        i++;
      }
      while (j < m && refValues[j] <= t) {
        f2 = refCumulative[j];
        j++;
      }
      f1 = (double) i / n;
    }
    return area;
  }

  /**
   * The Mann-Whitney (Wilcoxon rank-sum) test of a sample against a weighted reference, as a z
   * statistic: each sample value's mid-rank in the reference ({@code (F(x-) + F(x)) / 2}) averages
   * 1/2 when both come from one distribution, with variance {@code ((N + 1) - sum(t^3 - t) / (N (N -
   * 1))) / (12 n m)} where {@code N = n + m} and {@code t} are the sizes of the pooled sample's tied
   * groups (none for continuous data, so it is then exactly the textbook test). Robust where the z-test on the mean is not: skewed or heavy-tailed
   * columns such as saturated probabilities. Positive when the sample lies higher.
   *
   * @param refN the reference's sample size {@code m} (its CDF may come from a sketch)
   */
  static double rankShift(double[] sorted, int n, double[] refValues, double[] refCumulative, int refPoints, long refN) {
    if (n == 0 || refPoints == 0 || refN == 0) {
      return Double.NaN;
    }
    double sum = 0;
    int below = 0; // reference points < x
    int atOrBelow = 0; // reference points <= x
    for (int i = 0; i < n; i++) {
      double x = sorted[i];
      while (below < refPoints && refValues[below] < x) {
        below++;
      }
      if (atOrBelow < below) {
        atOrBelow = below;
      }
      while (atOrBelow < refPoints && refValues[atOrBelow] <= x) {
        atOrBelow++;
      }
      double lt = below == 0 ? 0 : refCumulative[below - 1];
      double le = atOrBelow == 0 ? 0 : refCumulative[atOrBelow - 1];
      sum += 0.5 * (lt + le);
    }
    return Statistics.rankShiftZ(sum, pooledTies(sorted, n, refValues, refCumulative, refPoints, refN), n, refN);
  }

  /**
   * {@code sum(t^3 - t)} over the tied groups of the pooled sample: each value the reference holds
   * more than once (a genuinely discrete value; a sketch's single weighted items stand for distinct
   * values) counts its reference share times {@code refN}, plus the sample's copies of it; values
   * repeated in the sample alone count their copies.
   */
  static double pooledTies(double[] sorted, int n, double[] refValues, double[] refCumulative, int refPoints, long refN) {
    double ties = 0;
    int i = 0;
    int j = 0;
    double previous = 0;
    while (i < n || j < refPoints) {
      double v = j >= refPoints || (i < n && sorted[i] < refValues[j]) ? sorted[i] : refValues[j];
      int inSample = 0;
      while (i < n && sorted[i] == v) {
        inSample++;
        i++;
      }
      int items = 0;
      double upTo = previous;
      while (j < refPoints && refValues[j] == v) {
        items++;
        upTo = refCumulative[j];
        j++;
      }
      double inReference = items > 1 ? (upTo - previous) * refN : 0;
      if (items > 0) {
        previous = upTo;
      }
      double t = inSample + inReference;
      if (t > 1) {
        ties += t * t * t - t;
      }
    }
    return ties;
  }
}
