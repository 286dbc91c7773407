package dev.fathom.internal.monitor;

import dev.fathom.monitor.ColumnProfile;
import java.util.List;

/**
 * One column's reference in the form the drift computations use: expected fractions per histogram
 * bin, the reference CDF decoded from the sketch, category counts in the live encoding's order.
 * Immutable after construction; shared by the analyzer thread and metric callbacks.
 */
public final class ColumnReference {
  final String name;
  final boolean output;
  final boolean categorical;
  /** Fraction of reference rows per histogram bin ({@link ColumnProfile#HISTOGRAM_BINS} entries). */
  final double[] expected = new double[ColumnProfile.HISTOGRAM_BINS];
  /** Which histogram bins this column uses. */
  final boolean[] used = new boolean[ColumnProfile.HISTOGRAM_BINS];
  final long rows;
  final long missing;
  // numeric
  final long count;
  final double mean;
  final double sd;
  final double[] edges;
  final double[] cdfValues;
  final double[] cdfCumulative;
  // categorical: index = category code of the live encoding; the last entry counts unknown values
  final long[] categoryCounts;
  final int[] categoryBin;

  private ColumnReference(ColumnProfile profile, boolean output, List<String> domain) {
    this.name = profile.name();
    this.output = output;
    this.categorical = profile.isCategorical();
    this.rows = profile.rows();
    this.missing = profile.missing();
    this.count = profile.count();
    double rowsD = Math.max(1, rows);
    if (!categorical) {
      this.mean = profile.mean() == null ? Double.NaN : profile.mean();
      this.sd = profile.sd() == null ? Double.NaN : profile.sd();
      this.edges = new double[profile.edges().size()];
      for (int i = 0; i < edges.length; i++) {
        edges[i] = profile.edges().get(i);
      }
      for (int i = 0; i < profile.fractions().size(); i++) {
        expected[i] = profile.fractions().get(i);
        used[i] = true;
      }
      Sketches.Cdf cdf = profile.sketch() == null ? new Sketches.Cdf(new double[0], new double[0]) : Sketches.cdf(profile.sketch());
      this.cdfValues = cdf.values();
      this.cdfCumulative = cdf.cumulative();
      this.categoryCounts = null;
      this.categoryBin = null;
    } else {
      this.mean = Double.NaN;
      this.sd = Double.NaN;
      this.edges = null;
      this.cdfValues = null;
      this.cdfCumulative = null;
      List<String> codes = domain != null ? domain : List.copyOf(profile.categories().keySet());
      this.categoryCounts = new long[codes.size() + 1];
      this.categoryBin = new int[codes.size()];
      long known = 0;
      for (int c = 0; c < codes.size(); c++) {
        Long n = profile.categories().get(codes.get(c));
        categoryCounts[c] = n == null ? 0 : n;
        known += categoryCounts[c];
        int bin = profile.bins().indexOf(codes.get(c));
        categoryBin[c] = bin >= 0 ? bin : ColumnProfile.OTHER_BIN;
        expected[categoryBin[c]] += categoryCounts[c] / rowsD;
        used[categoryBin[c]] = true;
      }
      // categories the profile knows but the live domain does not count as unknown here
      long unknown = profile.count() - known;
      categoryCounts[codes.size()] = Math.max(0, unknown);
      expected[ColumnProfile.OTHER_BIN] += Math.max(0, unknown) / rowsD;
      used[ColumnProfile.OTHER_BIN] = true;
    }
    expected[ColumnProfile.MISSING_BIN] = missing / rowsD;
    used[ColumnProfile.MISSING_BIN] = true;
  }

  /** A feature's reference; {@code domain} is the manifest's category list of a categorical feature (null: the profile's order). */
  public static ColumnReference feature(ColumnProfile profile, List<String> domain) {
    return new ColumnReference(profile, false, domain);
  }

  /** A model output's reference. */
  public static ColumnReference output(ColumnProfile profile) {
    return new ColumnReference(profile, true, null);
  }

  public String name() {
    return name;
  }

  public boolean isCategorical() {
    return categorical;
  }

  /** The expected fraction of histogram bin {@code bin}, or NaN when the column does not use it. */
  public double expectedFraction(int bin) {
    return used[bin] ? expected[bin] : Double.NaN;
  }

  /**
   * The histogram bin of a value: its reference bin for a numeric column, its category's bin for a
   * categorical one (values outside the domain go to {@link ColumnProfile#OTHER_BIN}); non-finite
   * values are missing.
   */
  public int bin(double value) {
    if (!Double.isFinite(value)) {
      return ColumnProfile.MISSING_BIN;
    }
    if (categorical) {
      int code = (int) value;
      return code == value && code >= 0 && code < categoryBin.length ? categoryBin[code] : ColumnProfile.OTHER_BIN;
    }
    // bins are (edges[i-1], edges[i]]: the first edge not below the value, which for strictly
    // ascending edges is the number of edges below it. Counted without branches: a binary search
    // over a dozen edges mispredicts on every sampled value.
    int bin = 0;
    for (double edge : edges) {
      bin += edge < value ? 1 : 0;
    }
    return bin;
  }
}
