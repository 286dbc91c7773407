package dev.fathom.internal.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fathom.monitor.DriftReport;
import dev.fathom.monitor.DriftThresholds;
import dev.fathom.monitor.FeatureDrift;
import dev.fathom.monitor.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seeded simulation of the "done when": 20 features (19 numeric N(0, 1) and one
 * categorical with 5 categories), a reference of 5,000 rows, windows of 1,000, default thresholds.
 * Several seeds, each with its own reference, so the rates do not rest on one lucky draw; the
 * engine is driven directly (no ONNX) and the whole simulation takes a few seconds.
 */
class DriftSimulationTest {
  static final int FEATURES = 20;
  static final int NUMERIC = FEATURES - 1;
  static final int CATEGORICAL = NUMERIC; // column index of the categorical feature
  static final int REFERENCE_ROWS = 5000;
  static final int WINDOW = 1000;
  static final double[] CATEGORY_SHARES = {0.40, 0.25, 0.15, 0.12, 0.08};
  static final long[] SEEDS = {1, 2, 3, 4, 5};
  static final int NULL_WINDOWS = 200;
  static final int DRIFT_WINDOWS = 100;

  static final List<Scenario> RESULTS = new ArrayList<>();

  record Scenario(String name, int windows, int anyWarn, int anyAlert, int targetWarn, int targetAlert) {
    double rate(int count) {
      return (double) count / windows;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%-34s windows %5d  any warn %5.1f%%  any alert %5.1f%%  target warn %5.1f%%  target alert %5.1f%%", name, windows,
          100 * rate(anyWarn), 100 * rate(anyAlert), 100 * rate(targetWarn), 100 * rate(targetAlert));
    }
  }

  /** One simulated world: a reference and a generator of windows. */
  static final class World {
    final SplittableRandom random;
    final DriftEngine engine;

    World(long seed) {
      random = new SplittableRandom(seed);
      List<ProfileColumn> columns = new ArrayList<>();
      for (int f = 0; f < NUMERIC; f++) {
        columns.add(ProfileColumn.numeric("x" + f));
      }
      columns.add(ProfileColumn.categorical("c", List.of("a", "b", "c", "d", "e")));
      double[] row = new double[FEATURES];
      for (int r = 0; r < REFERENCE_ROWS; r++) {
        fill(row, -1, 0, null);
        for (int f = 0; f < FEATURES; f++) {
          columns.get(f).add(row[f]);
        }
      }
      List<ColumnReference> refs = new ArrayList<>();
      for (ProfileColumn c : columns) {
        refs.add(ColumnReference.feature(c.build(), null));
      }
      engine = new DriftEngine(refs, WINDOW);
    }

    /** One row: N(0,1) features, {@code shiftedFeature} shifted by {@code shift} sd, the category drawn from {@code shares}. */
    void fill(double[] row, int shiftedFeature, double shift, double[] shares) {
      for (int f = 0; f < NUMERIC; f += 2) {
        double u = 1 - random.nextDouble();
        double v = 2 * Math.PI * random.nextDouble();
        double radius = Math.sqrt(-2 * Math.log(u));
        row[f] = radius * Math.cos(v);
        if (f + 1 < NUMERIC) {
          row[f + 1] = radius * Math.sin(v);
        }
      }
      if (shiftedFeature >= 0) {
        row[shiftedFeature] += shift;
      }
      double[] p = shares != null ? shares : CATEGORY_SHARES;
      double u = random.nextDouble();
      int code = 0;
      while (code < p.length - 1 && u >= p[code]) {
        u -= p[code];
        code++;
      }
      row[CATEGORICAL] = code;
    }

    DriftReport window(int shiftedFeature, double shift, double[] shares) {
      engine.reset();
      double[] row = new double[FEATURES];
      for (int r = 0; r < WINDOW; r++) {
        fill(row, shiftedFeature, shift, shares);
        engine.addRow(row);
      }
      return engine.evaluate("sim", 1L, DriftThresholds.defaults(), Instant.EPOCH, Instant.EPOCH);
    }
  }

  static Scenario run(String name, int windowsPerSeed, int target, double shift, double[] shares) {
    int windows = 0;
    int anyWarn = 0;
    int anyAlert = 0;
    int targetWarn = 0;
    int targetAlert = 0;
    StringBuilder perSeed = new StringBuilder();
    for (long seed : SEEDS) {
      World world = new World(seed * 7919 + name.hashCode());
      int seedWarn = 0;
      for (int w = 0; w < windowsPerSeed; w++) {
        DriftReport report = world.window(target == CATEGORICAL ? -1 : target, shift, shares);
        windows++;
        anyWarn += report.severity().atLeast(Severity.WARN) ? 1 : 0;
        anyAlert += report.severity() == Severity.ALERT ? 1 : 0;
        if (target >= 0) {
          FeatureDrift t = report.columns().get(target);
          targetWarn += t.severity().atLeast(Severity.WARN) ? 1 : 0;
          targetAlert += t.severity() == Severity.ALERT ? 1 : 0;
          seedWarn += t.severity().atLeast(Severity.WARN) ? 1 : 0;
        } else {
          seedWarn += report.severity() == Severity.ALERT ? 1 : 0;
        }
      }
      perSeed.append(String.format(Locale.ROOT, " %d:%.0f%%", seed, 100.0 * seedWarn / windowsPerSeed));
    }
    Scenario s = new Scenario(name, windows, anyWarn, anyAlert, targetWarn, targetAlert);
    RESULTS.add(s);
    System.out.println(s + "   per seed (" + (target >= 0 ? "target warn" : "any alert") + "):" + perSeed);
    return s;
  }

  @BeforeAll
  static void header() {
    System.out.printf(Locale.ROOT, "drift simulation: %d features, reference %d rows, windows of %d, seeds %s, defaults %s%n", FEATURES, REFERENCE_ROWS, WINDOW,
        java.util.Arrays.toString(SEEDS), DriftThresholds.defaults());
  }

  @Test
  void withoutDriftAtMostOnePercentOfWindowsAlert() {
    Scenario s = run("no drift", NULL_WINDOWS, -1, 0, null);
    assertThat(s.rate(s.anyAlert())).isLessThanOrEqualTo(0.01);
    // the correction holds the family-wise warning rate near its 5%
    assertThat(s.rate(s.anyWarn())).isLessThanOrEqualTo(0.08);
  }

  @Test
  void meanShiftOfPointTwoSdIsDetectedInAtLeast95PercentOfWindows() {
    Scenario s = run("mean shift 0.20 sd (feature x3)", DRIFT_WINDOWS, 3, 0.20, null);
    assertThat(s.rate(s.targetWarn())).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void meanShiftOfPointFifteenSdIsDetectedInAtLeast80PercentOfWindows() {
    Scenario s = run("mean shift 0.15 sd (feature x3)", DRIFT_WINDOWS, 3, 0.15, null);
    assertThat(s.rate(s.targetWarn())).isGreaterThanOrEqualTo(0.80);
  }

  @Test
  void tenPointChangeOfOneCategoryIsDetectedInAtLeast99PercentOfWindows() {
    // the rarest category gains 10 points, the others give them up in proportion
    Scenario up = run("category e +10 points (0.08 -> 0.18)", DRIFT_WINDOWS, CATEGORICAL, 0, shifted(4, 0.10));
    assertThat(up.rate(up.targetWarn())).isGreaterThanOrEqualTo(0.99);
    // the most frequent category loses 10 points
    Scenario down = run("category a -10 points (0.40 -> 0.30)", DRIFT_WINDOWS, CATEGORICAL, 0, shifted(0, -0.10));
    assertThat(down.rate(down.targetWarn())).isGreaterThanOrEqualTo(0.99);
  }

  static double[] shifted(int category, double change) {
    double[] p = CATEGORY_SHARES.clone();
    double rest = 1 - p[category];
    for (int i = 0; i < p.length; i++) {
      p[i] = i == category ? p[i] + change : p[i] * (rest - change) / rest;
    }
    return p;
  }
}
