package dev.fathom.internal.monitor;

/**
 * The Kolmogorov-Smirnov statistic and the Wasserstein distance each by its own walk over the two
 * distributions: the plain definitions, kept as oracles for {@link Statistics#compareWithReference},
 * which computes both (and the rank shift) in one merged walk.
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
}
