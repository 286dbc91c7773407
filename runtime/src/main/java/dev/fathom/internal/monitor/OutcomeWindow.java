package dev.fathom.internal.monitor;

import java.util.Arrays;
import java.util.List;

/**
 * The latest joined outcomes of one model version (predicted scores with their true label or value)
 * and the quality metrics over them: accuracy, precision, recall and AUC for a classifier (binary:
 * the second label is the positive class; more classes: macro averages, one-vs-rest AUC), MAE and
 * RMSE for a regressor. Thread-safe (synchronized: outcomes arrive on the host's threads, metrics are
 * read by the metric exporter).
 */
final class OutcomeWindow {
  enum Kind {
    CLASSIFIER,
    REGRESSOR
  }

  /**
   * Quality metrics of a window; NaN where undefined (for example AUC with one class only).
   *
   * @param count joined outcomes in the window
   */
  record Metrics(int count, double accuracy, double precision, double recall, double auc, double mae, double rmse) {
    static final Metrics EMPTY = new Metrics(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
  }

  final Kind kind;
  final List<String> labels;
  /** Index of the first score column among the version's monitored outputs. */
  final int firstOutput;
  private final int classes;
  private final int capacity;
  private final double[] scores;
  private final double[] actual;
  private int size;
  private int next;
  private long changes;
  private long computedAt = -1;
  private Metrics metrics = Metrics.EMPTY;

  OutcomeWindow(Kind kind, List<String> labels, int firstOutput, int capacity) {
    this.kind = kind;
    this.labels = labels;
    this.firstOutput = firstOutput;
    this.classes = kind == Kind.CLASSIFIER ? labels.size() : 1;
    this.capacity = capacity;
    this.scores = new double[capacity * classes];
    this.actual = new double[capacity];
  }

  /** The actual as a class index or value, or NaN when it cannot be one (an unknown label, text for a regressor). */
  double interpret(Object outcome) {
    if (kind == Kind.REGRESSOR) {
      if (outcome instanceof Number) {
        return ((Number) outcome).doubleValue();
      }
      try {
        return Double.parseDouble(outcome.toString().trim());
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    if (outcome instanceof Number) {
      double v = ((Number) outcome).doubleValue();
      if (v == Math.rint(v) && v >= 0 && v < classes) {
        return v;
      }
      int i = labels.indexOf(v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v));
      return i < 0 ? Double.NaN : i;
    }
    int i = labels.indexOf(outcome.toString());
    return i < 0 ? Double.NaN : i;
  }

  /** Adds a joined outcome; {@code outputs} are the sample's monitored output values. */
  synchronized void add(double[] outputs, double actualValue) {
    System.arraycopy(outputs, firstOutput, scores, next * classes, classes);
    actual[next] = actualValue;
    next = (next + 1) % capacity;
    size = Math.min(capacity, size + 1);
    changes++;
  }

  synchronized Metrics metrics() {
    if (computedAt != changes) {
      metrics = compute();
      computedAt = changes;
    }
    return metrics;
  }

  private Metrics compute() {
    if (size == 0) {
      return Metrics.EMPTY;
    }
    if (kind == Kind.REGRESSOR) {
      double abs = 0;
      double sq = 0;
      for (int i = 0; i < size; i++) {
        double e = scores[i] - actual[i];
        abs += Math.abs(e);
        sq += e * e;
      }
      return new Metrics(size, Double.NaN, Double.NaN, Double.NaN, Double.NaN, abs / size, Math.sqrt(sq / size));
    }
    int[] predicted = new int[size];
    int correct = 0;
    for (int i = 0; i < size; i++) {
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (scores[i * classes + c] > scores[i * classes + best]) {
          best = c;
        }
      }
      predicted[i] = best;
      correct += best == (int) actual[i] ? 1 : 0;
    }
    double accuracy = (double) correct / size;
    if (classes == 2) {
      return new Metrics(size, accuracy, precision(predicted, 1), recall(predicted, 1), auc(1), Double.NaN, Double.NaN);
    }
    double p = 0;
    double r = 0;
    double a = 0;
    int np = 0;
    int nr = 0;
    int na = 0;
    for (int c = 0; c < classes; c++) {
      double pc = precision(predicted, c);
      double rc = recall(predicted, c);
      double ac = auc(c);
      if (!Double.isNaN(pc)) {
        p += pc;
        np++;
      }
      if (!Double.isNaN(rc)) {
        r += rc;
        nr++;
      }
      if (!Double.isNaN(ac)) {
        a += ac;
        na++;
      }
    }
    return new Metrics(size, accuracy, np == 0 ? Double.NaN : p / np, nr == 0 ? Double.NaN : r / nr, na == 0 ? Double.NaN : a / na, Double.NaN, Double.NaN);
  }

  private double precision(int[] predicted, int c) {
    int tp = 0;
    int positive = 0;
    for (int i = 0; i < size; i++) {
      if (predicted[i] == c) {
        positive++;
        tp += (int) actual[i] == c ? 1 : 0;
      }
    }
    return positive == 0 ? Double.NaN : (double) tp / positive;
  }

  private double recall(int[] predicted, int c) {
    int tp = 0;
    int actualPositive = 0;
    for (int i = 0; i < size; i++) {
      if ((int) actual[i] == c) {
        actualPositive++;
        tp += predicted[i] == c ? 1 : 0;
      }
    }
    return actualPositive == 0 ? Double.NaN : (double) tp / actualPositive;
  }

  /** One-vs-rest AUC of class {@code c} by its score: the Mann-Whitney statistic with average ranks for ties. */
  private double auc(int c) {
    double[] s = new double[size];
    long positives = 0;
    for (int i = 0; i < size; i++) {
      s[i] = scores[i * classes + c];
      positives += (int) actual[i] == c ? 1 : 0;
    }
    long negatives = size - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    Integer[] order = new Integer[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Double.compare(s[x], s[y]));
    double rankSum = 0;
    int i = 0;
    while (i < size) {
      int j = i;
      while (j + 1 < size && s[order[j + 1]] == s[order[i]]) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if ((int) actual[order[k]] == c) {
          rankSum += rank;
        }
      }
      i = j + 1;
    }
    return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }
}
