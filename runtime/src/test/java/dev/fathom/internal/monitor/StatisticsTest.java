package dev.fathom.internal.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.special.Gamma;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;
import org.junit.jupiter.api.Test;

/** Each statistic against hand-worked values and against Apache Commons Math. */
class StatisticsTest {
  private static final NormalDistribution NORMAL = new NormalDistribution(0, 1);

  @Test
  void psiMatchesHandWorkedValue() {
    // (0.5-0.25) ln(0.5/0.25) + (0.5-0.75) ln(0.5/0.75) = 0.25 ln 2 + 0.25 ln 1.5
    double psi = Statistics.psi(new double[] {0.5, 0.5}, new double[] {0.25, 0.75}, 2);
    assertThat(psi).isCloseTo(0.25 * Math.log(2) + 0.25 * Math.log(1.5), within(1e-15)).isCloseTo(0.274653, within(1e-6));
    assertThat(Statistics.psi(new double[] {0.2, 0.8}, new double[] {0.2, 0.8}, 2)).isZero();
    // an empty bin counts as 1e-4, so the term is finite: (0.1 - 1e-4) ln(0.1 / 1e-4)
    assertThat(Statistics.psi(new double[] {0.1, 0.9}, new double[] {0, 1}, 2))
        .isCloseTo((0.1 - 1e-4) * Math.log(1000) + (0.9 - 1) * Math.log(0.9), within(1e-12));
  }

  @Test
  void jensenShannonMatchesHandWorkedValues() {
    assertThat(Statistics.jensenShannon(new double[] {1, 0}, new double[] {0, 1}, 2)).isCloseTo(1, within(1e-12));
    assertThat(Statistics.jensenShannon(new double[] {0.3, 0.7}, new double[] {0.3, 0.7}, 2)).isCloseTo(0, within(1e-12));
    // m = (0.75, 0.25); KL(p||m) = 0.5 log2(2/3) + 0.5 log2 2; KL(q||m) = log2(4/3); JS = sqrt of their mean
    double kl1 = 0.5 * Math.log(0.5 / 0.75) / Math.log(2) + 0.5;
    double kl2 = Math.log(1 / 0.75) / Math.log(2);
    assertThat(Statistics.jensenShannon(new double[] {0.5, 0.5}, new double[] {1, 0}, 2))
        .isCloseTo(Math.sqrt(0.5 * (kl1 + kl2)), within(1e-12))
        .isCloseTo(0.557923, within(1e-6));
  }

  @Test
  void ksStatisticAndPValueMatchCommonsMath() {
    KolmogorovSmirnovTest commons = new KolmogorovSmirnovTest();
    SplittableRandom random = new SplittableRandom(7);
    for (int trial = 0; trial < 20; trial++) {
      int n = 200 + random.nextInt(800);
      int m = 300 + random.nextInt(3000);
      double shift = trial * 0.01;
      double[] x = gaussians(random, n, shift);
      double[] y = gaussians(random, m, 0);
      // ties too: round half of the trials to a coarse grid
      if (trial % 2 == 1) {
        round(x, 0.25);
        round(y, 0.25);
      }
      double[] sx = x.clone();
      Arrays.sort(sx);
      double[] sy = y.clone();
      Arrays.sort(sy);
      double[] cumulative = new double[m];
      for (int i = 0; i < m; i++) {
        cumulative[i] = (i + 1.0) / m;
      }
      double d = SeparateWalks.ksStatistic(sx, n, sy, cumulative, m);
      assertThat(d).isCloseTo(commons.kolmogorovSmirnovStatistic(x, y), within(1e-12));
      assertThat(Statistics.ksPValue(d, n, m)).isCloseTo(commons.approximateP(d, n, m), within(1e-9));
    }
  }

  @Test
  void kolmogorovDistributionMatchesCommonsMathOnBothBranches() {
    KolmogorovSmirnovTest commons = new KolmogorovSmirnovTest();
    for (double z = 0.3; z < 4; z += 0.05) {
      double expected = 1 - commons.ksSum(z, 1e-20, 100_000);
      assertThat(Statistics.kolmogorovQ(z)).as("Q(%s)", z).isCloseTo(expected, within(1e-12));
    }
    // the upper tail keeps relative precision where 1 - ksSum cannot: Q(z) ~ 2 exp(-2 z^2)
    assertThat(Statistics.kolmogorovQ(5)).isCloseTo(2 * Math.exp(-50), within(1e-30));
  }

  @Test
  void wassersteinMatchesSortedPairDistanceForEqualSizes() {
    // for two samples of equal size W1 is the mean distance between their order statistics
    SplittableRandom random = new SplittableRandom(11);
    double[] x = gaussians(random, 500, 0.3);
    double[] y = gaussians(random, 500, 0);
    Arrays.sort(x);
    Arrays.sort(y);
    double expected = 0;
    for (int i = 0; i < 500; i++) {
      expected += Math.abs(x[i] - y[i]) / 500;
    }
    double[] cumulative = new double[500];
    for (int i = 0; i < 500; i++) {
      cumulative[i] = (i + 1.0) / 500;
    }
    assertThat(SeparateWalks.wasserstein(x, 500, y, cumulative, 500)).isCloseTo(expected, within(1e-12));
    // hand-worked: {0, 1} against {2, 3} is a shift by 2
    assertThat(SeparateWalks.wasserstein(new double[] {0, 1}, 2, new double[] {2, 3}, new double[] {0.5, 1}, 2)).isCloseTo(2, within(1e-15));
    // a weighted reference: {0 (weight 3/4), 4 (1/4)} against {1}: 3/4 * 1 + 1/4 * 3
    assertThat(SeparateWalks.wasserstein(new double[] {1}, 1, new double[] {0, 4}, new double[] {0.75, 1}, 2)).isCloseTo(1.5, within(1e-15));
  }

  @Test
  void rankShiftIsTheMannWhitneyTestOfCommonsMath() {
    MannWhitneyUTest commons = new MannWhitneyUTest();
    SplittableRandom random = new SplittableRandom(13);
    for (int trial = 0; trial < 10; trial++) {
      int n = 100 + random.nextInt(900);
      int m = 200 + random.nextInt(2000);
      double[] x = gaussians(random, n, trial * 0.03);
      double[] y = gaussians(random, m, 0);
      double[] sx = x.clone();
      Arrays.sort(sx);
      double[] sy = y.clone();
      Arrays.sort(sy);
      double[] cumulative = new double[m];
      for (int i = 0; i < m; i++) {
        cumulative[i] = (i + 1.0) / m;
      }
      double z = SeparateWalks.rankShift(sx, n, sy, cumulative, m, m);
      // Commons reports max(U1, U2) and the normal approximation without tie correction (no ties here)
      double u = commons.mannWhitneyU(x, y);
      double mean = (double) n * m / 2;
      assertThat(Math.abs(z) * Math.sqrt((double) n * m * (n + m + 1) / 12) + mean).isCloseTo(u, within(1e-6 * u));
      assertThat(Statistics.normalTwoSided(z)).isCloseTo(commons.mannWhitneyUTest(x, y), within(1e-9));
    }
    // ties, hand-worked: reference {0, 0, 0, 1, 1, 1} against {1, 1}: mid-rank of 1 is (1/2 + 1)/2 = 3/4;
    // the pooled sample has 3 zeros and 5 ones: sum(t^3 - t) = 24 + 120 = 144, N = 8
    double[] ref = {0, 0, 0, 1, 1, 1};
    double[] refCumulative = {1 / 6.0, 2 / 6.0, 0.5, 4 / 6.0, 5 / 6.0, 1};
    double z = SeparateWalks.rankShift(new double[] {1, 1}, 2, ref, refCumulative, 6, 6);
    assertThat(z).isCloseTo((0.75 - 0.5) / Math.sqrt((9 - 144.0 / 56) / (12.0 * 2 * 6)), within(1e-12));
    // a reference with one value only: the window's other values keep the variance finite, and the
    // test agrees with the two-proportion test, as it must for two categories
    double[] zeros = new double[1000];
    double[] cumulative = new double[1000];
    for (int i = 0; i < 1000; i++) {
      cumulative[i] = (i + 1) / 1000.0;
    }
    double[] window = new double[500];
    for (int i = 495; i < 500; i++) {
      window[i] = 1;
    }
    double rank = SeparateWalks.rankShift(window, 500, zeros, cumulative, 1000, 1000);
    double pooled = 5.0 / 1500;
    double twoProportion = (5.0 / 500) / Math.sqrt(pooled * (1 - pooled) * (1.0 / 500 + 1.0 / 1000));
    assertThat(rank).isCloseTo(twoProportion, within(1e-2 * twoProportion));
    assertThat(Statistics.meanShift(0.01, 500, 0, 0, 1000)).isNaN();
  }

  @Test
  void oneWalkGivesExactlyTheThreeSeparateStatistics() {
    SplittableRandom random = new SplittableRandom(21);
    double[] out = new double[3];
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + random.nextInt(1500);
      int m = 1 + random.nextInt(1500);
      // coarse values in some trials, so both sides hold ties and shared values
      int grid = trial % 3 == 0 ? 7 : trial % 3 == 1 ? 1000 : 0;
      double[] x = sample(random, n, grid, trial * 0.01);
      double[] ref = sample(random, m, grid, 0);
      Arrays.sort(x);
      Arrays.sort(ref);
      // a weighted reference, as a sketch gives: uneven steps up to 1
      double[] cumulative = new double[m];
      double total = 0;
      for (int i = 0; i < m; i++) {
        total += 1 + random.nextInt(3);
        cumulative[i] = total;
      }
      for (int i = 0; i < m; i++) {
        cumulative[i] /= total;
      }
      long refN = m + random.nextInt(5000);
      Statistics.compareWithReference(x, n, ref, cumulative, m, refN, out);
      assertThat(out[Statistics.KS]).as("trial %d", trial).isEqualTo(SeparateWalks.ksStatistic(x, n, ref, cumulative, m));
      assertThat(out[Statistics.WASSERSTEIN]).as("trial %d", trial).isEqualTo(SeparateWalks.wasserstein(x, n, ref, cumulative, m));
      assertThat(out[Statistics.RANK_SHIFT]).as("trial %d", trial).isEqualTo(SeparateWalks.rankShift(x, n, ref, cumulative, m, refN));
    }
    Statistics.compareWithReference(new double[0], 0, new double[] {1}, new double[] {1}, 1, 1, out);
    assertThat(out).containsOnly(Double.NaN);
    Statistics.compareWithReference(new double[] {1}, 1, new double[] {1}, new double[] {1}, 1, 0, out);
    assertThat(out[Statistics.RANK_SHIFT]).isNaN();
    assertThat(out[Statistics.KS]).isEqualTo(0.0);
  }

  private static double[] sample(SplittableRandom random, int n, int grid, double shift) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      double g = gaussian(random) + shift;
      v[i] = grid > 0 ? Math.rint(g * grid) / grid : g;
    }
    return v;
  }

  @Test
  void meanShiftIsTheTwoSampleZStatistic() {
    double z = Statistics.meanShift(0.2, 1000, 0, 1, 5000);
    assertThat(z).isCloseTo(0.2 / Math.sqrt(1.0 / 1000 + 1.0 / 5000), within(1e-12)).isCloseTo(5.773503, within(1e-6));
    assertThat(Statistics.normalTwoSided(z)).isCloseTo(2 * NORMAL.cumulativeProbability(-z), within(1e-15));
    for (double v = 0; v < 8; v += 0.25) {
      assertThat(Statistics.normalTwoSided(v)).as("z=%s", v).isCloseTo(2 * NORMAL.cumulativeProbability(-v), within(1e-14 + 1e-9 * NORMAL.cumulativeProbability(-v)));
    }
  }

  @Test
  void chiSquareHomogeneityMatchesCommonsMath() {
    ChiSquareTest commons = new ChiSquareTest();
    long[] window = {220, 180, 310, 290, 0};
    long[] reference = {1000, 1000, 1500, 1490, 10};
    int[] df = new int[1];
    double chi = Statistics.chiSquareHomogeneity(window, reference, 5, df);
    assertThat(df[0]).isEqualTo(4);
    assertThat(chi).isCloseTo(commons.chiSquareDataSetsComparison(window, reference), within(1e-9));
    assertThat(Statistics.chiSquarePValue(chi, 4)).isCloseTo(commons.chiSquareTestDataSetsComparison(window, reference), within(1e-12));
    // a column empty on both sides does not count
    long[] w2 = {50, 0, 50};
    long[] r2 = {40, 0, 60};
    double chi2 = Statistics.chiSquareHomogeneity(w2, r2, 3, df);
    assertThat(df[0]).isEqualTo(1);
    assertThat(chi2).isCloseTo(commons.chiSquareDataSetsComparison(new long[] {50, 50}, new long[] {40, 60}), within(1e-12));
    // hand-worked 2x2: (50*60 - 50*40)^2 * 200 / (100 * 100 * 90 * 110) = 2.0202..
    assertThat(chi2).isCloseTo(1000.0 * 1000 * 200 / (100.0 * 100 * 90 * 110), within(1e-12));
  }

  @Test
  void twoProportionTestMatchesHandWorkedValue() {
    double pooled = 130.0 / 6000;
    double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / 1000 + 1.0 / 5000));
    double z = (0.03 - 0.02) / se;
    assertThat(z).isCloseTo(1.98275, within(1e-4));
    assertThat(Statistics.twoProportionPValue(30, 1000, 100, 5000)).isCloseTo(2 * NORMAL.cumulativeProbability(-z), within(1e-14));
    assertThat(Statistics.twoProportionPValue(0, 1000, 0, 5000)).isEqualTo(1);
  }

  @Test
  void holmAndBonferroniMatchHandWorkedValues() {
    double[] p = {0.01, 0.04, 0.03, 0.005};
    assertThat(Statistics.holm(p)).containsExactly(new double[] {0.03, 0.06, 0.06, 0.02}, within(1e-15));
    assertThat(Statistics.bonferroni(p)).containsExactly(new double[] {0.04, 0.16, 0.12, 0.02}, within(1e-15));
    // untested columns (NaN) neither count nor change
    double[] adjusted = Statistics.holm(new double[] {Double.NaN, 0.01, 0.5});
    assertThat(adjusted[0]).isNaN();
    assertThat(adjusted[1]).isCloseTo(0.02, within(1e-15));
    assertThat(adjusted[2]).isCloseTo(0.5, within(1e-15));
  }

  @Test
  void specialFunctionsMatchCommonsMath() {
    for (double a : new double[] {0.5, 1, 1.5, 2, 3.5, 10, 50.5, 200}) {
      assertThat(Statistics.logGamma(a)).as("logGamma(%s)", a).isCloseTo(Gamma.logGamma(a), within(1e-12 * Math.max(1, Math.abs(Gamma.logGamma(a)))));
      for (double x : new double[] {0.01, 0.3, 1, 2.5, 5, 12, 40, 150, 400}) {
        double q = Gamma.regularizedGammaQ(a, x);
        assertThat(Statistics.regularizedGammaQ(a, x)).as("Q(%s, %s)", a, x).isCloseTo(q, within(1e-13 + 1e-9 * q));
        assertThat(Statistics.regularizedGammaP(a, x)).as("P(%s, %s)", a, x).isCloseTo(Gamma.regularizedGammaP(a, x), within(1e-13));
      }
    }
    for (double x = -4; x <= 6; x += 0.125) {
      assertThat(Statistics.erfc(x)).as("erfc(%s)", x).isCloseTo(Erf.erfc(x), within(1e-15 + 1e-9 * Erf.erfc(x)));
    }
  }

  private static double[] gaussians(SplittableRandom random, int n, double shift) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = gaussian(random) + shift;
    }
    return v;
  }

  static double gaussian(SplittableRandom random) {
    // Box-Muller; SplittableRandom has no nextGaussian on Java 17
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private static void round(double[] v, double step) {
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.round(v[i] / step) * step;
    }
  }
}
