package dev.fathom.internal.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fathom.monitor.ColumnProfile;
import dev.fathom.monitor.DriftReport;
import dev.fathom.monitor.DriftThresholds;
import dev.fathom.monitor.FeatureDrift;
import dev.fathom.monitor.ReferenceProfile;
import dev.fathom.monitor.Severity;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;
import org.junit.jupiter.api.Test;

class DriftEngineTest {

  static ColumnProfile oneToTenWithTwoMissing() {
    ProfileColumn c = ProfileColumn.numeric("x");
    for (int v = 1; v <= 10; v++) {
      c.add(v);
    }
    c.add(Double.NaN);
    c.add(Double.POSITIVE_INFINITY);
    return c.build();
  }

  @Test
  void numericProfileHasDecileBinsMomentsAndSketch() {
    ColumnProfile p = oneToTenWithTwoMissing();
    assertThat(p.count()).isEqualTo(10);
    assertThat(p.missing()).isEqualTo(2);
    assertThat(p.min()).isEqualTo(1.0);
    assertThat(p.max()).isEqualTo(10.0);
    assertThat(p.mean()).isCloseTo(5.5, within(1e-12));
    assertThat(p.sd()).isCloseTo(Math.sqrt(82.5 / 9), within(1e-12));
    // deciles of 1..10 are 1..9: ten bins of one value each, over 12 rows
    assertThat(p.edges()).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0);
    assertThat(p.fractions()).hasSize(10).allSatisfy(f -> assertThat(f).isCloseTo(1.0 / 12, within(1e-15)));
    assertThat(p.missingFraction()).isCloseTo(2.0 / 12, within(1e-15));
    assertThat(p.quantile(0.5)).isEqualTo(5.0);
    assertThat(p.quantile(1.0)).isEqualTo(10.0);
  }

  @Test
  void momentsMatchCommonsMathAndBinsFollowTiedValues() {
    SplittableRandom random = new SplittableRandom(3);
    ProfileColumn c = ProfileColumn.numeric("y");
    DescriptiveStatistics commons = new DescriptiveStatistics();
    for (int i = 0; i < 5000; i++) {
      double v = Math.floor(random.nextDouble() * 4); // 0, 1, 2, 3: ties at every decile
      c.add(v);
      commons.addValue(v);
    }
    ColumnProfile p = c.build();
    assertThat(p.mean()).isCloseTo(commons.getMean(), within(1e-12));
    assertThat(p.sd()).isCloseTo(commons.getStandardDeviation(), within(1e-12));
    assertThat(p.edges()).containsExactly(0.0, 1.0, 2.0, 3.0);
    double[] share = new double[4];
    for (double v : commons.getValues()) {
      share[(int) v] += 1.0 / 5000;
    }
    for (int i = 0; i < 4; i++) {
      assertThat(p.fractions().get(i)).isCloseTo(share[i], within(1e-12));
    }
    assertThat(p.fractions().get(4)).isZero();
  }

  @Test
  void psiAndBinsOfASmallWindowMatchHandWorkedValuesAndPsiAloneDoesNotDecide() {
    ColumnReference ref = ColumnReference.feature(oneToTenWithTwoMissing(), null);
    assertThat(ref.bin(0.5)).isEqualTo(0);
    assertThat(ref.bin(1)).isEqualTo(0);
    assertThat(ref.bin(1.5)).isEqualTo(1);
    assertThat(ref.bin(9)).isEqualTo(8);
    assertThat(ref.bin(9.01)).isEqualTo(9);
    assertThat(ref.bin(Double.NaN)).isEqualTo(ColumnProfile.MISSING_BIN);
    DriftEngine engine = new DriftEngine(List.of(ref), 16);
    for (double v : new double[] {1, 1, 1, 1, 10, Double.NaN}) {
      engine.add(0, v);
      engine.endRow();
    }
    FeatureDrift d = engine.evaluate("m", 1L, DriftThresholds.defaults(), Instant.EPOCH, Instant.EPOCH).columns().get(0);
    // actual: bin 0 4/6, bins 1-8 empty (floored to 1e-4), bin 9 1/6, missing 1/6; expected 1/12 each, missing 2/12
    double e = 1.0 / 12;
    double expected = (4.0 / 6 - e) * Math.log((4.0 / 6) / e) + 8 * (1e-4 - e) * Math.log(1e-4 / e) + (1.0 / 6 - e) * Math.log((1.0 / 6) / e) + 0;
    assertThat(d.psi()).isCloseTo(expected, within(1e-12)).isCloseTo(5.749, within(1e-3));
    assertThat(d.missingRate()).isCloseTo(1.0 / 6, within(1e-15));
    assertThat(d.referenceMissingRate()).isCloseTo(2.0 / 12, within(1e-15));
    // six rows are too few to test (minSamples 30): a huge PSI alone is no drift
    assertThat(d.pValue()).isNaN();
    assertThat(d.severity()).isEqualTo(Severity.NONE);
  }

  @Test
  void numericWindowStatisticsMatchIndependentComputations() {
    SplittableRandom random = new SplittableRandom(5);
    double[] reference = new double[300]; // below the sketch's first compaction: the sketch is exact
    ProfileColumn c = ProfileColumn.numeric("x");
    for (int i = 0; i < reference.length; i++) {
      reference[i] = StatisticsTest.gaussian(random);
      c.add(reference[i]);
    }
    ColumnProfile profile = c.build();
    ColumnReference ref = ColumnReference.feature(profile, null);
    assertThat(ref.cdfValues).hasSize(300);
    DriftEngine engine = new DriftEngine(List.of(ref), 100);
    double[] window = new double[400];
    for (int i = 0; i < window.length; i++) {
      window[i] = 1.3 * StatisticsTest.gaussian(random) + 0.25;
      engine.add(0, window[i]);
      engine.endRow();
    }
    FeatureDrift d = engine.evaluate("m", 1L, DriftThresholds.defaults(), Instant.EPOCH, Instant.EPOCH).columns().get(0);
    KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
    assertThat(d.ks()).isCloseTo(ks.kolmogorovSmirnovStatistic(window, reference), within(1e-12));
    assertThat(d.ksPValue()).isCloseTo(ks.approximateP(d.ks(), 400, 300), within(1e-12));
    double mean = Arrays.stream(window).average().orElseThrow();
    double z = (mean - profile.mean()) / (profile.sd() * Math.sqrt(1.0 / 400 + 1.0 / 300));
    assertThat(d.meanShift()).isCloseTo(z, within(1e-9));
    // Wasserstein-1 by brute force: integrate |F1 - F2| over a fine grid
    double[] a = window.clone();
    double[] b = reference.clone();
    Arrays.sort(a);
    Arrays.sort(b);
    double w1 = 0;
    double lo = Math.min(a[0], b[0]);
    double hi = Math.max(a[a.length - 1], b[b.length - 1]);
    int steps = 400_000;
    double dx = (hi - lo) / steps;
    for (int i = 0; i < steps; i++) {
      double x = lo + (i + 0.5) * dx;
      w1 += Math.abs(ProfileColumn.upperBound(a, x) / 400.0 - ProfileColumn.upperBound(b, x) / 300.0) * dx;
    }
    assertThat(d.wasserstein() * profile.sd()).isCloseTo(w1, within(1e-3));
    MannWhitneyUTest mw = new MannWhitneyUTest();
    assertThat(d.rankShiftPValue()).isCloseTo(mw.mannWhitneyUTest(window, reference), within(1e-9));
    assertThat(d.rankShift()).isPositive();
    assertThat(d.pValue()).isCloseTo(Math.min(1, 2 * Math.min(d.ksPValue(), d.rankShiftPValue())), within(1e-15));
    assertThat(d.severity()).isNotEqualTo(Severity.NONE);
  }

  @Test
  void categoricalWindowUsesChiSquareAndCategoryShares() {
    ProfileColumn c = ProfileColumn.categorical("country", List.of("DE", "FR", "IT"));
    long[] refCounts = {500, 300, 200};
    for (int code = 0; code < 3; code++) {
      for (int i = 0; i < refCounts[code]; i++) {
        c.add(code);
      }
    }
    c.add(-1); // unknown
    c.add(Double.NaN); // missing
    ColumnProfile profile = c.build();
    assertThat(profile.categories()).containsEntry("DE", 500L).containsEntry("FR", 300L).containsEntry("IT", 200L);
    assertThat(profile.unknown()).isEqualTo(1);
    assertThat(profile.count()).isEqualTo(1001);
    // through JSON and back, where the map is written in key order: codes follow the manifest's domain
    ReferenceProfile wrapped = new ReferenceProfile(1, "m", 1L, "now", null, List.of(profile), List.of());
    ColumnProfile back = ReferenceProfile.fromJson(wrapped.toJson()).feature("country");
    assertThat(back).isEqualTo(profile);
    ColumnReference ref = ColumnReference.feature(back, List.of("IT", "FR", "DE"));
    assertThat(ref.bin(0)).isEqualTo(2); // IT is the third bin of the profile
    DriftEngine engine = new DriftEngine(List.of(ref), 16);
    long[] window = {100, 300, 600, 0}; // IT, FR, DE, unknown (live codes)
    for (int code = 0; code < 3; code++) {
      for (int i = 0; i < window[code]; i++) {
        engine.add(0, code);
        engine.endRow();
      }
    }
    FeatureDrift d = engine.evaluate("m", 1L, DriftThresholds.defaults(), Instant.EPOCH, Instant.EPOCH).columns().get(0);
    long[] referenceLive = {200, 300, 500, 1};
    ChiSquareTest chi = new ChiSquareTest();
    assertThat(d.chiSquare()).isCloseTo(chi.chiSquareDataSetsComparison(window, referenceLive), within(1e-9));
    assertThat(d.chiSquarePValue()).isCloseTo(chi.chiSquareTestDataSetsComparison(window, referenceLive), within(1e-12));
    // IT fell from 200/1001 to 100/1000: the largest single-category change
    double pooled = 300.0 / 2001;
    double z = (100.0 / 1000 - 200.0 / 1001) / Math.sqrt(pooled * (1 - pooled) * (1.0 / 1000 + 1.0 / 1001));
    assertThat(d.categoryShift()).isCloseTo(z, within(1e-9));
    // PSI on the bins DE, FR, IT, other, missing
    double rows = 1002;
    double psi = term(0.6, 500 / rows) + term(0.3, 300 / rows) + term(0.1, 200 / rows) + term(0, 1 / rows) + term(0, 1 / rows);
    assertThat(d.psi()).isCloseTo(psi, within(1e-12));
    assertThat(d.severity()).isEqualTo(Severity.ALERT);
  }

  private static double term(double a, double e) {
    a = Math.max(a, 1e-4);
    e = Math.max(e, 1e-4);
    return (a - e) * Math.log(a / e);
  }

  @Test
  void severityFollowsCorrectedPValuesAndLargePsi() {
    DriftThresholds t = DriftThresholds.defaults();
    assertThat(t.severity(0.2, 5)).isEqualTo(Severity.NONE);
    assertThat(t.severity(0.04, 0.01)).isEqualTo(Severity.WARN);
    assertThat(t.severity(0.04, 0.3)).isEqualTo(Severity.ALERT);
    assertThat(t.severity(0.004, 0.0)).isEqualTo(Severity.ALERT);
    assertThat(t.severity(Double.NaN, 1)).isEqualTo(Severity.NONE);
  }

  @Test
  void reportRendersTextAndJson() {
    ColumnReference ref = ColumnReference.feature(oneToTenWithTwoMissing(), null);
    DriftEngine engine = new DriftEngine(List.of(ref), 16);
    engine.add(0, 3);
    engine.endRow();
    DriftReport report = engine.evaluate("fraud", 3L, DriftThresholds.defaults(), Instant.EPOCH, Instant.EPOCH);
    assertThat(report.toText()).contains("fraud@3").contains("x").contains("severity NONE");
    assertThat(report.toJson()).contains("\"model\" : \"fraud\"").contains("\"ks\" : null").contains("\"severity\" : \"none\"");
  }
}
