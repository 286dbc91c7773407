package dev.fathom.examples.train;

import dev.fathom.examples.data.Transaction;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-feature mean and standard deviation of the training data; numeric features are trained on
 * {@code (x - mean) / sd}, and the same affine transform is written into the exported ONNX graph so
 * the published model takes raw values. Immutable.
 */
record Standardizer(Map<String, double[]> stats) {
  static Standardizer fit(List<Transaction> rows, Collection<String> numeric) {
    Map<String, double[]> stats = new LinkedHashMap<>();
    for (String name : numeric) {
      double sum = 0;
      double sumSq = 0;
      for (Transaction t : rows) {
        double v = FraudTrainer.numericValues(t).get(name);
        sum += v;
        sumSq += v * v;
      }
      double mean = sum / rows.size();
      double variance = Math.max(sumSq / rows.size() - mean * mean, 1e-12);
      stats.put(name, new double[] {mean, Math.sqrt(variance)});
    }
    return new Standardizer(stats);
  }

  double apply(String feature, double value) {
    double[] s = stats.get(feature);
    return s == null ? value : (value - s[0]) / s[1];
  }

  /** Mean of a column, 0 for one-hot columns. */
  double mean(String column) {
    double[] s = stats.get(column);
    return s == null ? 0 : s[0];
  }

  /** Standard deviation of a column, 1 for one-hot columns. */
  double sd(String column) {
    double[] s = stats.get(column);
    return s == null ? 1 : s[1];
  }
}
