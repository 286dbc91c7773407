package dev.fathom.internal.monitor;

import dev.fathom.monitor.ColumnProfile;
import dev.fathom.monitor.Correction;
import dev.fathom.monitor.DriftReport;
import dev.fathom.monitor.DriftThresholds;
import dev.fathom.monitor.FeatureDrift;
import dev.fathom.monitor.Severity;
import dev.fathom.registry.FeatureSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects one window of values per column and computes its {@link DriftReport} against the
 * columns' references. The live analyzer, the offline CSV analysis and the simulation tests all
 * use this one class, so they agree by construction.
 *
 * <p>Values arrive encoded as the model sees them (numbers, or category indexes for categorical
 * columns; NaN for missing). The window's arrays are allocated once and reused: adding a value
 * does not allocate (until a window outgrows its initial capacity). Not thread-safe: one thread
 * (the analyzer) owns an engine.
 */
public final class DriftEngine {
  private final ColumnReference[] references;
  private final Window[] windows;
  private final RadixSort sort = new RadixSort();
  private long rows;

  public DriftEngine(List<ColumnReference> references, int capacity) {
    this.references = references.toArray(new ColumnReference[0]);
    this.windows = new Window[this.references.length];
    for (int i = 0; i < windows.length; i++) {
      windows[i] = new Window(this.references[i], Math.max(16, capacity));
    }
  }

  public int columns() {
    return references.length;
  }

  /** Adds one value of a column and returns its histogram bin. */
  public int add(int column, double value) {
    return windows[column].add(value);
  }

  /** Marks the end of one row (all its columns added). */
  public void endRow() {
    rows++;
  }

  /** Adds a whole row, one value per column in column order. */
  public void addRow(double[] values) {
    for (int c = 0; c < references.length; c++) {
      windows[c].add(values[c]);
    }
    rows++;
  }

  /** Rows in the current window. */
  public long rows() {
    return rows;
  }

  /** Starts a new, empty window. */
  public void reset() {
    rows = 0;
    for (Window w : windows) {
      w.reset();
    }
  }

  /** The report of the current window; the window is left as it is (call {@link #reset()} for a new one). */
  public DriftReport evaluate(String model, Long version, DriftThresholds thresholds, Instant start, Instant end) {
    int n = references.length;
    Stats[] stats = new Stats[n];
    double[] p = new double[n];
    for (int c = 0; c < n; c++) {
      stats[c] = windows[c].evaluate(thresholds.minSamples(), sort);
      p[c] = stats[c].pValue;
    }
    double[] adjusted =
        thresholds.correction() == Correction.HOLM ? Statistics.holm(p) : thresholds.correction() == Correction.BONFERRONI ? Statistics.bonferroni(p) : p;
    List<FeatureDrift> columns = new ArrayList<>(n);
    for (int c = 0; c < n; c++) {
      Stats s = stats[c];
      ColumnReference r = references[c];
      Severity severity = Double.isNaN(adjusted[c]) ? Severity.NONE : thresholds.severity(adjusted[c], s.psi);
      columns.add(new FeatureDrift(r.name, r.output, r.categorical ? FeatureSpec.Kind.CATEGORICAL : FeatureSpec.Kind.NUMERIC, s.count, s.missing,
          s.missingRate, s.referenceMissingRate, s.psi, s.js, s.ks, s.ksP, s.wasserstein, s.meanShift, s.meanShiftP, s.rankShift, s.rankShiftP, s.chi, s.chiP, s.categoryShift, s.categoryShiftP, s.missingP, s.pValue,
          adjusted[c], severity));
    }
    return new DriftReport(model, version, rows, start, end, columns, thresholds);
  }

  /** One column's statistics in a window. */
  private static final class Stats {
    long count;
    long missing;
    double missingRate = Double.NaN;
    double referenceMissingRate = Double.NaN;
    double psi = Double.NaN;
    double js = Double.NaN;
    double ks = Double.NaN;
    double ksP = Double.NaN;
    double wasserstein = Double.NaN;
    double meanShift = Double.NaN;
    double meanShiftP = Double.NaN;
    double rankShift = Double.NaN;
    double rankShiftP = Double.NaN;
    double chi = Double.NaN;
    double chiP = Double.NaN;
    double categoryShift = Double.NaN;
    double categoryShiftP = Double.NaN;
    double missingP = Double.NaN;
    double pValue = Double.NaN;
  }

  /** The window of one column. */
  private static final class Window {
    private final ColumnReference ref;
    private double[] values;
    private int n;
    private long missing;
    private double sum;
    private final long[] bins = new long[ColumnProfile.HISTOGRAM_BINS];
    private final long[] categoryCounts;
    private final int[] dfOut = new int[1];
    private final double[] compared = new double[3];

    Window(ColumnReference ref, int capacity) {
      this.ref = ref;
      this.values = ref.categorical ? null : new double[capacity];
      this.categoryCounts = ref.categorical ? new long[ref.categoryCounts.length] : null;
    }

    int add(double value) {
      int bin = ref.bin(value);
      bins[bin]++;
      if (bin == ColumnProfile.MISSING_BIN) {
        missing++;
        return bin;
      }
      if (ref.categorical) {
        int code = (int) value;
        categoryCounts[code == value && code >= 0 && code < ref.categoryBin.length ? code : ref.categoryBin.length]++;
        n++;
        return bin;
      }
      if (n == values.length) {
        values = Arrays.copyOf(values, values.length * 2);
      }
      values[n++] = value;
      sum += value;
      return bin;
    }

    void reset() {
      n = 0;
      missing = 0;
      sum = 0;
      Arrays.fill(bins, 0);
      if (categoryCounts != null) {
        Arrays.fill(categoryCounts, 0);
      }
    }

    /**
     * The chi-square test spreads its power over every category; a change concentrated in one
     * category (the common case: a new source, a broken upstream default) is found far more often
     * by testing each category's share on its own, Bonferroni-corrected over the categories.
     */
    private void categoryShift(Stats s) {
      long refKnown = ref.count;
      double bestP = Double.POSITIVE_INFINITY;
      double bestZ = Double.NaN;
      int compared = 0;
      for (int k = 0; k < categoryCounts.length; k++) {
        long x1 = categoryCounts[k];
        long x2 = ref.categoryCounts[k];
        if (x1 + x2 == 0) {
          continue;
        }
        compared++;
        double pooled = (double) (x1 + x2) / (n + refKnown);
        double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / n + 1.0 / refKnown));
        double z = se == 0 ? 0 : ((double) x1 / n - (double) x2 / refKnown) / se;
        double p = Statistics.normalTwoSided(z);
        if (p < bestP) {
          bestP = p;
          bestZ = z;
        }
      }
      if (compared >= 2) {
        s.categoryShift = bestZ;
        s.categoryShiftP = Math.min(1, bestP * compared);
      }
    }

    Stats evaluate(int minSamples, RadixSort sort) {
      Stats s = new Stats();
      s.count = n;
      s.missing = missing;
      long rows = n + missing;
      if (ref.rows > 0) {
        s.referenceMissingRate = (double) ref.missing / ref.rows;
      }
      if (rows == 0 || ref.rows == 0) {
        return s;
      }
      s.missingRate = (double) missing / rows;
      double[] actual = new double[ColumnProfile.HISTOGRAM_BINS];
      double[] expected = new double[ColumnProfile.HISTOGRAM_BINS];
      int used = 0;
      for (int b = 0; b < ColumnProfile.HISTOGRAM_BINS; b++) {
        if (ref.used[b] || bins[b] > 0) {
          actual[used] = (double) bins[b] / rows;
          expected[used] = ref.used[b] ? ref.expected[b] : 0;
          used++;
        }
      }
      s.psi = Statistics.psi(actual, expected, used);
      s.js = Statistics.jensenShannon(actual, expected, used);

      double best = Double.POSITIVE_INFINITY;
      int tests = 0;
      if (!ref.categorical) {
        if (n >= minSamples && ref.count >= minSamples && ref.cdfValues.length > 0) {
          sort.sort(values, n);
          Statistics.compareWithReference(values, n, ref.cdfValues, ref.cdfCumulative, ref.cdfValues.length, ref.count, compared);
          s.ks = compared[Statistics.KS];
          s.ksP = Statistics.ksPValue(s.ks, n, ref.count);
          double w = compared[Statistics.WASSERSTEIN];
          s.wasserstein = ref.sd > 0 ? w / ref.sd : w;
          s.meanShift = Statistics.meanShift(sum / n, n, ref.mean, ref.sd, ref.count);
          s.meanShiftP = Statistics.normalTwoSided(s.meanShift);
          s.rankShift = compared[Statistics.RANK_SHIFT];
          s.rankShiftP = Statistics.normalTwoSided(s.rankShift);
          best = Math.min(s.ksP, s.rankShiftP);
          tests += 2;
        }
      } else if (n >= minSamples && ref.count >= minSamples) {
        s.chi = Statistics.chiSquareHomogeneity(categoryCounts, ref.categoryCounts, categoryCounts.length, dfOut);
        s.chiP = Statistics.chiSquarePValue(s.chi, dfOut[0]);
        best = s.chiP;
        tests++;
        categoryShift(s);
        if (!Double.isNaN(s.categoryShiftP)) {
          best = Math.min(best, s.categoryShiftP);
          tests++;
        }
      }
      if ((missing > 0 || ref.missing > 0) && rows >= minSamples) {
        s.missingP = Statistics.twoProportionPValue(missing, rows, ref.missing, ref.rows);
        best = Math.min(best, s.missingP);
        tests++;
      }
      if (tests > 0) {
        s.pValue = Math.min(1, best * tests);
      }
      return s;
    }
  }
}
