package dev.fathom.internal.monitor;

import dev.fathom.monitor.ColumnProfile;
import dev.fathom.registry.FeatureSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * Accumulates the values of one column and builds its {@link ColumnProfile}. Values arrive encoded
 * as the model sees them: a number for a numeric column, the category index for a categorical one
 * (NaN when missing, anything else outside {@code 0..k-1} unknown). Not thread-safe.
 *
 * <p>Mean and standard deviation are streamed (Welford); the reference bins are the distinct
 * deciles, computed exactly from the kept values up to {@value #EXACT_LIMIT} values and from the
 * quantile sketch beyond.
 */
public final class ProfileColumn {
  static final int EXACT_LIMIT = 200_000;
  private static final int DECILES = 10;

  private final String name;
  private final List<String> categories;
  private long missing;
  // numeric
  private long count;
  private double mean;
  private double m2;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;
  private KllDoublesSketch sketch;
  private double[] values;
  // categorical
  private long[] categoryCounts;
  private long unknown;

  private ProfileColumn(String name, List<String> categories) {
    this.name = name;
    this.categories = categories;
    if (categories == null) {
      this.sketch = Sketches.newSketch();
      this.values = new double[64];
    } else {
      this.categoryCounts = new long[categories.size()];
    }
  }

  public static ProfileColumn numeric(String name) {
    return new ProfileColumn(name, null);
  }

  public static ProfileColumn categorical(String name, List<String> categories) {
    return new ProfileColumn(name, List.copyOf(categories));
  }

  public static ProfileColumn of(FeatureSpec spec) {
    return spec.isCategorical() ? categorical(spec.name(), spec.categories()) : numeric(spec.name());
  }

  public String name() {
    return name;
  }

  public boolean isCategorical() {
    return categories != null;
  }

  /** Adds one value; NaN and infinities count as missing. */
  public void add(double value) {
    if (!Double.isFinite(value)) {
      missing++;
      return;
    }
    if (categories != null) {
      int code = (int) value;
      if (code == value && code >= 0 && code < categoryCounts.length) {
        categoryCounts[code]++;
      } else {
        unknown++;
      }
      return;
    }
    count++;
    double delta = value - mean;
    mean += delta / count;
    m2 += delta * (value - mean);
    min = Math.min(min, value);
    max = Math.max(max, value);
    sketch.update(value);
    if (values != null) {
      if (count > EXACT_LIMIT) {
        values = null;
      } else {
        if (count > values.length) {
          values = Arrays.copyOf(values, (int) Math.min(EXACT_LIMIT, values.length * 2L));
        }
        values[(int) count - 1] = value;
      }
    }
  }

  /** Values added, missing ones included. */
  public long rows() {
    return categories != null ? Arrays.stream(categoryCounts).sum() + unknown + missing : count + missing;
  }

  public ColumnProfile build() {
    return categories != null ? buildCategorical() : buildNumeric();
  }

  private ColumnProfile buildNumeric() {
    long rows = count + missing;
    if (count == 0) {
      return new ColumnProfile(name, FeatureSpec.Kind.NUMERIC, 0, missing, null, null, null, null, List.of(), List.of(0.0), Sketches.encode(sketch), null,
          null, null);
    }
    double sd = count > 1 ? Math.sqrt(m2 / (count - 1)) : 0.0;
    double[] edges;
    double[] fractions;
    if (values != null) {
      double[] sorted = Arrays.copyOf(values, (int) count);
      Arrays.sort(sorted);
      edges = distinctDeciles(sorted);
      fractions = new double[edges.length + 1];
      int previous = 0;
      for (int i = 0; i < edges.length; i++) {
        int upTo = upperBound(sorted, edges[i]);
        fractions[i] = (double) (upTo - previous) / rows;
        previous = upTo;
      }
      fractions[edges.length] = (double) (sorted.length - previous) / rows;
    } else {
      double[] ranks = new double[DECILES - 1];
      for (int i = 0; i < ranks.length; i++) {
        ranks[i] = (i + 1.0) / DECILES;
      }
      edges = distinct(sketch.getQuantiles(ranks, QuantileSearchCriteria.INCLUSIVE));
      double[] cdf = sketch.getCDF(edges, QuantileSearchCriteria.INCLUSIVE);
      fractions = new double[edges.length + 1];
      double previous = 0;
      for (int i = 0; i <= edges.length; i++) {
        fractions[i] = (cdf[i] - previous) * count / rows;
        previous = cdf[i];
      }
    }
    return new ColumnProfile(name, FeatureSpec.Kind.NUMERIC, count, missing, min, max, mean, sd, boxed(edges), boxed(fractions), Sketches.encode(sketch),
        null, null, null);
  }

  /** The distinct values at ranks 0.1 .. 0.9: the smallest value whose empirical CDF reaches the rank. */
  static double[] distinctDeciles(double[] sorted) {
    double[] deciles = new double[DECILES - 1];
    for (int i = 0; i < deciles.length; i++) {
      long index = (long) Math.ceil((i + 1.0) / DECILES * sorted.length) - 1;
      deciles[i] = sorted[(int) Math.max(0, Math.min(sorted.length - 1, index))];
    }
    return distinct(deciles);
  }

  private static double[] distinct(double[] ascending) {
    double[] out = new double[ascending.length];
    int n = 0;
    for (double v : ascending) {
      if (n == 0 || v > out[n - 1]) {
        out[n++] = v;
      }
    }
    return Arrays.copyOf(out, Math.min(n, ColumnProfile.MAX_EDGES));
  }

  /** Index of the first element greater than {@code key}. */
  static int upperBound(double[] sorted, double key) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private ColumnProfile buildCategorical() {
    Map<String, Long> frequencies = new LinkedHashMap<>();
    long known = 0;
    for (int i = 0; i < categories.size(); i++) {
      frequencies.put(categories.get(i), categoryCounts[i]);
      known += categoryCounts[i];
    }
    List<String> bins;
    if (categories.size() <= ColumnProfile.MAX_VALUE_BINS) {
      bins = categories;
    } else {
      Integer[] order = new Integer[categories.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      // most frequent first; ties keep the domain order (the sort is stable)
      Arrays.sort(order, (a, b) -> Long.compare(categoryCounts[b], categoryCounts[a]));
      bins = new ArrayList<>();
      for (int i = 0; i < ColumnProfile.MAX_VALUE_BINS; i++) {
        bins.add(categories.get(order[i]));
      }
    }
    return new ColumnProfile(name, FeatureSpec.Kind.CATEGORICAL, known + unknown, missing, null, null, null, null, null, null, null, frequencies, unknown,
        bins);
  }

  private static List<Double> boxed(double[] values) {
    List<Double> list = new ArrayList<>(values.length);
    for (double v : values) {
      list.add(v);
    }
    return list;
  }
}
