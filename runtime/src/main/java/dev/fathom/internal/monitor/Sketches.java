package dev.fathom.internal.monitor;

import java.util.Base64;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.DoublesSortedView;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * The quantile sketches of reference profiles: Apache DataSketches KLL doubles sketches, stored in
 * {@code profile.json} as base64 of their standard serialization (so any DataSketches library can
 * read and merge them). Stateless and thread-safe.
 */
public final class Sketches {
  /**
   * The KLL accuracy parameter of profile sketches. At k = 400 the normalized rank error is about
   * 0.7% (99% confidence), small next to the Kolmogorov-Smirnov critical values of windows of a
   * thousand samples (about 6% after the correction): in the drift simulation the false-alarm rate
   * with k = 400 equals that with k = 1000, while k = 200 raises it measurably. The sketch keeps
   * about 1,200 values (some 13 KB of base64) however large the training data.
   */
  public static final int K = 400;

  private Sketches() {}

  public static KllDoublesSketch newSketch() {
    return KllDoublesSketch.newHeapInstance(K);
  }

  public static String encode(KllDoublesSketch sketch) {
    return Base64.getEncoder().encodeToString(sketch.toByteArray());
  }

  public static KllDoublesSketch decode(String base64) {
    try {
      return KllDoublesSketch.heapify(Memory.wrap(Base64.getDecoder().decode(base64)));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid quantile sketch in profile: " + e.getMessage(), e);
    }
  }

  /** The value at normalized rank {@code rank} of a serialized sketch. */
  public static double quantile(String base64, double rank) {
    KllDoublesSketch sketch = decode(base64);
    return sketch.isEmpty() ? Double.NaN : sketch.getQuantile(Math.min(1, Math.max(0, rank)), QuantileSearchCriteria.INCLUSIVE);
  }

  /**
   * The sketch as a weighted sorted sample: ascending values and the fraction of weight at or below
   * each, for the Kolmogorov-Smirnov and Wasserstein computations.
   */
  public static Cdf cdf(String base64) {
    KllDoublesSketch sketch = decode(base64);
    if (sketch.isEmpty()) {
      return new Cdf(new double[0], new double[0]);
    }
    DoublesSortedView view = sketch.getSortedView();
    double[] values = view.getQuantiles();
    long[] weights = ((org.apache.datasketches.quantilescommon.DoublesSketchSortedView) view).getCumulativeWeights();
    double n = view.getN();
    double[] cumulative = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      cumulative[i] = weights[i] / n;
    }
    return new Cdf(values, cumulative);
  }

  /** A weighted sorted sample: {@code cumulative[i]} is the share of weight at or below {@code values[i]}. */
  public record Cdf(double[] values, double[] cumulative) {
    public int size() {
      return values.length;
    }
  }
}
