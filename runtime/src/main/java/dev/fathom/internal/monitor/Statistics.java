package dev.fathom.internal.monitor;

import java.util.Arrays;

/**
 * The drift statistics as pure functions on arrays: PSI, Jensen-Shannon distance, two-sample
 * Kolmogorov-Smirnov (statistic and asymptotic p-value), Wasserstein-1, the z-test on the mean,
 * the chi-square test of homogeneity, the two-proportion test, and the special functions they need
 * (log-gamma, regularized incomplete gamma, normal tail, Kolmogorov distribution). Written here so
 * the runtime needs no statistics library; the tests check each against Apache Commons Math.
 * Stateless and thread-safe; nothing allocates except {@link #holm} and {@link #bonferroni}.
 */
public final class Statistics {
  /**
   * Fractions below this count as this in PSI, so an empty bin gives a large but finite term. The
   * same floor is in the Prometheus rules ({@code clamp_min(x, 1e-4)}), so fleet-wide PSI matches.
   */
  public static final double PSI_FLOOR = 1e-4;

  private static final double EPS = 1e-16;
  private static final double FPMIN = Double.MIN_NORMAL / EPS;
  private static final double[] LANCZOS = {
    57.1562356658629235, -59.5979603554754912, 14.1360979747417471, -0.491913816097620199, .339946499848118887e-4,
    .465236289270485756e-4, -.983744753048795646e-4, .158088703224912494e-3, -.210264441724104883e-3, .217439618115212643e-3,
    -.164318106536763890e-3, .844182239838527433e-4, -.261908384015814087e-4, .368991826595316234e-5
  };

  private Statistics() {}

  // ---- distances on reference bins -----------------------------------------------------------

  /**
   * Population stability index {@code sum((a - e) * ln(a / e))} of observed fractions {@code
   * actual} against reference fractions {@code expected}, both floored at {@link #PSI_FLOOR}.
   */
  public static double psi(double[] actual, double[] expected, int bins) {
    double psi = 0;
    for (int i = 0; i < bins; i++) {
      double a = Math.max(actual[i], PSI_FLOOR);
      double e = Math.max(expected[i], PSI_FLOOR);
      psi += (a - e) * Math.log(a / e);
    }
    return psi;
  }

  /** Jensen-Shannon distance (square root of the divergence, base-2 logs, so in [0, 1]). */
  public static double jensenShannon(double[] p, double[] q, int bins) {
    double js = 0;
    for (int i = 0; i < bins; i++) {
      double m = 0.5 * (p[i] + q[i]);
      if (p[i] > 0) {
        js += 0.5 * p[i] * log2(p[i] / m);
      }
      if (q[i] > 0) {
        js += 0.5 * q[i] * log2(q[i] / m);
      }
    }
    return Math.sqrt(Math.max(0, js));
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  // ---- empirical distributions ----------------------------------------------------------------

  /** Where {@link #compareWithReference} writes the Kolmogorov-Smirnov statistic. */
  public static final int KS = 0;
  /** Where {@link #compareWithReference} writes the Wasserstein-1 distance. */
  public static final int WASSERSTEIN = 1;
  /** Where {@link #compareWithReference} writes the rank-shift z statistic. */
  public static final int RANK_SHIFT = 2;

  /**
   * Three statistics of one sorted sample against one weighted reference, in a single walk of the
   * two merged sequences: the two-sample Kolmogorov-Smirnov statistic {@code sup |F1 - F2|} in
   * {@code out[KS]}, the Wasserstein-1 distance {@code integral |F1 - F2| dx} in {@code
   * out[WASSERSTEIN]}, and in {@code out[RANK_SHIFT]} the Mann-Whitney (Wilcoxon rank-sum) test as a
   * z statistic: each sample value's mid-rank in the reference ({@code (F(x-) + F(x)) / 2}) averages
   * 1/2 when both come from one distribution, with variance {@code ((N + 1) - sum(t^3 - t) / (N (N -
   * 1))) / (12 n m)}, {@code N = n + m}, {@code t} the sizes of the pooled sample's tied groups
   * (positive when the sample lies higher; robust where the z-test on the mean is not, on skewed
   * columns such as saturated probabilities). The drift window spent most of its evaluation in
   * separate walks, on branches the processor cannot predict; the tests keep those walks as oracles
   * and check that this one gives exactly the same values. Allocates nothing.
   *
   * @param refN the reference's sample size {@code m} (its CDF may come from a sketch)
   */
  public static void compareWithReference(double[] sorted, int n, double[] refValues, double[] refCumulative, int m, long refN, double[] out) {
    if (n == 0 || m == 0) {
      out[KS] = Double.NaN;
      out[WASSERSTEIN] = Double.NaN;
      out[RANK_SHIFT] = Double.NaN;
      return;
    }
    int i = 0;
    int j = 0;
    double d = 0;
    double f1 = 0;
    double f2 = 0;
    double area = 0;
    double previous = Math.min(sorted[0], refValues[0]);
    double rankSum = 0;
    double ties = 0;
    // one step per distinct value t of the pooled sample, ascending
    while (i < n || j < m) {
      double t = j >= m || (i < n && sorted[i] <= refValues[j]) ? sorted[i] : refValues[j];
      area += Math.abs(f1 - f2) * (t - previous);
      previous = t;
      int sampleFrom = i;
      while (i < n && sorted[i] <= t) {
        i++;
      }
      double below = f2; // reference share < t
      int refFrom = j;
      while (j < m && refValues[j] <= t) {
        f2 = refCumulative[j];
        j++;
      }
      // each sample copy of t sits at its mid-rank in the reference: (F(t-) + F(t)) / 2
      for (int k = sampleFrom; k < i; k++) {
        rankSum += 0.5 * (below + f2);
      }
      int items = j - refFrom;
      double inReference = items > 1 ? (f2 - below) * refN : 0;
      double tied = (i - sampleFrom) + inReference;
      if (tied > 1) {
        ties += tied * tied * tied - tied;
      }
      f1 = (double) i / n;
      d = Math.max(d, Math.abs(f1 - f2));
    }
    out[KS] = d;
    out[WASSERSTEIN] = area;
    out[RANK_SHIFT] = refN == 0 ? Double.NaN : rankShiftZ(rankSum, ties, n, refN);
  }

  /** The rank-shift z statistic from the sum of the sample's mid-ranks and the pooled ties (see {@link #compareWithReference}). */
  static double rankShiftZ(double sum, double ties, int n, long refN) {
    double total = (double) n + refN;
    double variance = ((total + 1) - ties / (total * (total - 1))) / (12.0 * n * refN);
    double centered = sum / n - 0.5;
    if (!(variance > 0)) {
      return centered == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, centered);
    }
    return centered / Math.sqrt(variance);
  }

  /**
   * Asymptotic p-value of a two-sample KS statistic {@code d} for samples of {@code n} and {@code m}:
   * the Kolmogorov distribution's upper tail at {@code d * sqrt(n m / (n + m))}.
   */
  public static double ksPValue(double d, long n, long m) {
    if (Double.isNaN(d) || n == 0 || m == 0) {
      return Double.NaN;
    }
    double ne = (double) n * m / (n + m);
    return kolmogorovQ(d * Math.sqrt(ne));
  }

  /** The Kolmogorov distribution's upper tail {@code Q(z) = 2 sum (-1)^(k-1) exp(-2 k^2 z^2)}. */
  public static double kolmogorovQ(double z) {
    if (z <= 0) {
      return 1;
    }
    if (z < 1.18) {
      // the series in exp(-2 k^2 z^2) converges slowly here; use the theta-function form of the CDF
      double y = Math.exp(-1.23370055013616983 / (z * z)); // pi^2 / 8
      double p = 2.50662827463100050 / z * (y + Math.pow(y, 9) + Math.pow(y, 25) + Math.pow(y, 49));
      return 1 - p;
    }
    double x = Math.exp(-2 * z * z);
    double q = 0;
    double sign = 1;
    for (int k = 1; k <= 100; k++) {
      double term = sign * Math.pow(x, (double) k * k);
      q += term;
      if (Math.abs(term) <= 1e-17 * Math.abs(q)) {
        break;
      }
      sign = -sign;
    }
    return Math.min(1, Math.max(0, 2 * q));
  }

  // ---- tests on moments and proportions -------------------------------------------------------

  /**
   * The z statistic of a window mean against the reference mean, in standard errors of the
   * difference computed from the reference standard deviation: {@code (mean - refMean) / (refSd *
   * sqrt(1/n + 1/refN))}.
   */
  public static double meanShift(double mean, long n, double refMean, double refSd, long refN) {
    if (n == 0 || refN == 0) {
      return Double.NaN;
    }
    double se = refSd * Math.sqrt(1.0 / n + 1.0 / refN);
    if (!(se > 0)) {
      // no spread in the reference: standard errors are undefined
      return mean == refMean ? 0 : Double.NaN;
    }
    return (mean - refMean) / se;
  }

  /** Two-sided p-value of a standard normal statistic. */
  public static double normalTwoSided(double z) {
    if (Double.isNaN(z)) {
      return Double.NaN;
    }
    if (Double.isInfinite(z)) {
      return 0;
    }
    return erfc(Math.abs(z) / Math.sqrt(2));
  }

  /**
   * Two-sided p-value of the pooled two-proportion z-test of {@code x1/n1} against {@code x2/n2}; 1
   * when neither sample has any.
   */
  public static double twoProportionPValue(long x1, long n1, long x2, long n2) {
    if (n1 == 0 || n2 == 0) {
      return Double.NaN;
    }
    double pooled = (double) (x1 + x2) / (n1 + n2);
    if (pooled == 0 || pooled == 1) {
      return 1;
    }
    double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
    double z = ((double) x1 / n1 - (double) x2 / n2) / se;
    return normalTwoSided(z);
  }

  /**
   * The chi-square statistic of homogeneity of two count vectors (a 2 x k contingency table),
   * ignoring categories empty in both; its degrees of freedom are written to {@code dfOut[0]}.
   */
  public static double chiSquareHomogeneity(long[] a, long[] b, int k, int[] dfOut) {
    long sumA = 0;
    long sumB = 0;
    int used = 0;
    for (int i = 0; i < k; i++) {
      sumA += a[i];
      sumB += b[i];
      if (a[i] + b[i] > 0) {
        used++;
      }
    }
    dfOut[0] = Math.max(0, used - 1);
    if (sumA == 0 || sumB == 0 || used < 2) {
      return 0;
    }
    double total = sumA + sumB;
    double chi = 0;
    for (int i = 0; i < k; i++) {
      long col = a[i] + b[i];
      if (col == 0) {
        continue;
      }
      double ea = col * (sumA / total);
      double eb = col * (sumB / total);
      chi += (a[i] - ea) * (a[i] - ea) / ea + (b[i] - eb) * (b[i] - eb) / eb;
    }
    return chi;
  }

  /** Upper-tail p-value of a chi-square statistic with {@code df} degrees of freedom. */
  public static double chiSquarePValue(double chi, int df) {
    if (df <= 0 || Double.isNaN(chi)) {
      return 1;
    }
    return regularizedGammaQ(df / 2.0, chi / 2.0);
  }

  // ---- multiple testing -----------------------------------------------------------------------

  /** Bonferroni-adjusted p-values ({@code min(1, m p)}); NaN entries stay NaN and do not count. */
  public static double[] bonferroni(double[] p) {
    int m = tested(p);
    double[] adjusted = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      adjusted[i] = Double.isNaN(p[i]) ? Double.NaN : Math.min(1, p[i] * m);
    }
    return adjusted;
  }

  /**
   * Holm step-down adjusted p-values: sorted ascending, the i-th (from 0) is {@code max over j <= i
   * of min(1, (m - j) p_(j))}. NaN entries stay NaN and do not count.
   */
  public static double[] holm(double[] p) {
    int m = tested(p);
    Integer[] order = new Integer[p.length];
    for (int i = 0; i < p.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> {
      boolean nx = Double.isNaN(p[x]);
      boolean ny = Double.isNaN(p[y]);
      return nx || ny ? Boolean.compare(nx, ny) : Double.compare(p[x], p[y]);
    });
    double[] adjusted = new double[p.length];
    double running = 0;
    for (int rank = 0; rank < p.length; rank++) {
      int i = order[rank];
      if (Double.isNaN(p[i])) {
        adjusted[i] = Double.NaN;
        continue;
      }
      running = Math.max(running, Math.min(1, (m - rank) * p[i]));
      adjusted[i] = running;
    }
    return adjusted;
  }

  private static int tested(double[] p) {
    int m = 0;
    for (double v : p) {
      if (!Double.isNaN(v)) {
        m++;
      }
    }
    return m;
  }

  // ---- special functions ----------------------------------------------------------------------

  /** ln Gamma(x) for x > 0 (Lanczos approximation, about 1e-15 relative). */
  public static double logGamma(double x) {
    if (x <= 0) {
      throw new IllegalArgumentException("logGamma needs x > 0, was " + x);
    }
    double y = x;
    double tmp = x + 5.24218750000000000;
    tmp = (x + 0.5) * Math.log(tmp) - tmp;
    double ser = 0.999999999999997092;
    for (double c : LANCZOS) {
      ser += c / ++y;
    }
    return tmp + Math.log(2.5066282746310005 * ser / x);
  }

  /** The regularized upper incomplete gamma function Q(a, x) = Gamma(a, x) / Gamma(a). */
  public static double regularizedGammaQ(double a, double x) {
    if (x <= 0) {
      return 1;
    }
    if (x < a + 1) {
      return 1 - gammaSeries(a, x);
    }
    return gammaContinuedFraction(a, x);
  }

  /** The regularized lower incomplete gamma function P(a, x). */
  public static double regularizedGammaP(double a, double x) {
    if (x <= 0) {
      return 0;
    }
    if (x < a + 1) {
      return gammaSeries(a, x);
    }
    return 1 - gammaContinuedFraction(a, x);
  }

  private static double gammaSeries(double a, double x) {
    double ap = a;
    double del = 1 / a;
    double sum = del;
    for (int n = 0; n < 10_000; n++) {
      ap++;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) {
        break;
      }
    }
    return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
  }

  private static double gammaContinuedFraction(double a, double x) {
    double b = x + 1 - a;
    double c = 1 / FPMIN;
    double d = 1 / b;
    double h = d;
    for (int i = 1; i < 10_000; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      if (Math.abs(d) < FPMIN) {
        d = FPMIN;
      }
      c = b + an / c;
      if (Math.abs(c) < FPMIN) {
        c = FPMIN;
      }
      d = 1 / d;
      double del = d * c;
      h *= del;
      if (Math.abs(del - 1) < EPS) {
        break;
      }
    }
    return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
  }

  /** The complementary error function, through {@code erfc(x) = Q(1/2, x^2)} for x >= 0. */
  public static double erfc(double x) {
    if (x < 0) {
      return 2 - erfc(-x);
    }
    return regularizedGammaQ(0.5, x * x);
  }
}
