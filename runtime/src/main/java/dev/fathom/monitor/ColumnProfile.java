package dev.fathom.monitor;

import dev.fathom.internal.monitor.Sketches;
import dev.fathom.registry.FeatureSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The reference statistics of one column of a {@link ReferenceProfile}: a model input feature, or one
 * element of a model output ({@code prediction:<output>} or {@code prediction:<output>[<label>]}).
 * Immutable (the record's lists and map are copied).
 *
 * <p>Numeric columns carry {@code min, max, mean, sd} (sample standard deviation), a quantile sketch
 * and fixed reference bins: {@code edges} ascending, bin {@code i} holds values {@code x} with
 * {@code edges[i-1] < x <= edges[i]} (the first bin is unbounded below, the last unbounded above),
 * and {@code fractions[i]} is the share of all rows (missing included) in bin {@code i}; the edges
 * are the distinct deciles of the training data. Categorical columns carry the count of each
 * category of the manifest's domain, the count of {@code unknown} values outside it, and the
 * categories of the histogram bins (see {@link #bins()}).
 *
 * @param name the feature name, or {@code prediction:<output>[...]} for a model output
 * @param kind numeric or categorical
 * @param count rows with a value (for a categorical column, unknown categories included)
 * @param missing rows without a value (NaN, empty, null, or infinite)
 * @param min smallest value, numeric only, null without values
 * @param max largest value, numeric only
 * @param mean mean, numeric only
 * @param sd sample standard deviation, numeric only
 * @param edges reference bin edges, numeric only (at most {@value #MAX_EDGES})
 * @param fractions share of rows per reference bin ({@code edges.size() + 1} entries), numeric only
 * @param sketch the values' KLL quantile sketch (Apache DataSketches {@code KllDoublesSketch}
 *     serialization, base64), numeric only; mergeable across profiles
 * @param categories count per category of the domain, categorical only
 * @param unknown count of values outside the domain, categorical only
 * @param bins the categories of histogram bins 0, 1, ... (all categories in domain order when there
 *     are at most {@value #MAX_VALUE_BINS}, else the most frequent ones); the others and unknown
 *     values share bin {@value #OTHER_BIN}, missing values bin {@value #MISSING_BIN}
 */
public record ColumnProfile(
    String name,
    FeatureSpec.Kind kind,
    long count,
    long missing,
    Double min,
    Double max,
    Double mean,
    Double sd,
    List<Double> edges,
    List<Double> fractions,
    String sketch,
    Map<String, Long> categories,
    Long unknown,
    List<String> bins) {

  /** Histogram bins for values: numeric reference bins or categories. */
  public static final int MAX_VALUE_BINS = 14;
  /** Most numeric bin edges. */
  public static final int MAX_EDGES = MAX_VALUE_BINS - 1;
  /** The histogram bin of categories outside {@link #bins()} and of unknown categories. */
  public static final int OTHER_BIN = 14;
  /** The histogram bin of missing values. */
  public static final int MISSING_BIN = 15;
  /** Bins of the {@code fathom.feature.values} counter ({@code bin} attribute): 0 to {@value #MISSING_BIN}. */
  public static final int HISTOGRAM_BINS = 16;

  public ColumnProfile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    if (count < 0 || missing < 0) {
      throw new IllegalArgumentException("column '" + name + "': negative count");
    }
    if (kind == FeatureSpec.Kind.NUMERIC) {
      edges = edges == null ? List.of() : List.copyOf(edges);
      if (edges.size() > MAX_EDGES) {
        throw new IllegalArgumentException("column '" + name + "' has " + edges.size() + " bin edges; at most " + MAX_EDGES);
      }
      for (int i = 1; i < edges.size(); i++) {
        if (!(edges.get(i) > edges.get(i - 1))) {
          throw new IllegalArgumentException("column '" + name + "': bin edges must ascend strictly");
        }
      }
      fractions = fractions == null ? List.of() : List.copyOf(fractions);
      if (fractions.size() != edges.size() + 1) {
        throw new IllegalArgumentException("column '" + name + "' has " + edges.size() + " bin edges but " + fractions.size() + " fractions");
      }
      categories = null;
      unknown = null;
      bins = null;
    } else {
      Objects.requireNonNull(categories, "categories of " + name);
      categories = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(categories));
      unknown = unknown == null ? 0L : unknown;
      bins = bins == null ? List.of() : List.copyOf(bins);
      if (bins.size() > MAX_VALUE_BINS) {
        throw new IllegalArgumentException("column '" + name + "' has " + bins.size() + " category bins; at most " + MAX_VALUE_BINS);
      }
      edges = null;
      fractions = null;
      sketch = null;
    }
  }

  /** Rows profiled: {@code count + missing}. */
  public long rows() {
    return count + missing;
  }

  /** Share of rows missing. */
  public double missingFraction() {
    long rows = rows();
    return rows == 0 ? 0 : (double) missing / rows;
  }

  public boolean isCategorical() {
    return kind == FeatureSpec.Kind.CATEGORICAL;
  }

  /**
   * The approximate value at normalized rank {@code rank} (0 to 1) from the quantile sketch, for
   * example {@code quantile(0.5)} for the median; NaN without values.
   */
  public double quantile(double rank) {
    if (sketch == null || count == 0) {
      return Double.NaN;
    }
    return Sketches.quantile(sketch, rank);
  }
}
