package dev.fathom.internal.monitor;

import dev.fathom.FathomException;
import dev.fathom.Features;
import dev.fathom.Model;
import dev.fathom.Prediction;
import dev.fathom.internal.inference.FeatureLayout;
import dev.fathom.registry.FeatureSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a CSV file of feature rows for a model (header row = feature names, extra columns ignored)
 * and runs the model on them through its public API in batches, handing each row's encoded feature
 * values and its prediction to a consumer. Rows that cannot be predicted (a required feature is
 * missing, or the model rejects them) get a null prediction. Stateless.
 */
public final class ModelCsv {
  static final int BATCH = 256;

  private ModelCsv() {}

  /** Receives one row: encoded feature values (column order of the features) and its prediction or null. */
  @FunctionalInterface
  public interface RowConsumer {
    void accept(double[] features, Prediction prediction);
  }

  /**
   * Scans {@code csv}; returns the number of rows.
   *
   * @param predict whether to run the model (false: predictions are null)
   * @throws IllegalArgumentException if the header lacks a feature or a numeric cell is not a number
   */
  public static long scan(Model model, MonitoredColumns columns, Path csv, boolean predict, RowConsumer consumer) {
    FeatureLayout layout = columns.layout();
    if (layout == null) {
      throw new IllegalArgumentException(model.name() + "@" + model.version() + " has no named features; profiles and drift reports need a tabular model");
    }
    List<FeatureSpec> features = columns.features();
    long rows = 0;
    try (Csv reader = new Csv(Files.newBufferedReader(csv, StandardCharsets.UTF_8))) {
      List<String> header = reader.next();
      if (header == null) {
        throw new IllegalArgumentException(csv + " is empty; it needs a header row naming the features");
      }
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < header.size(); i++) {
        index.putIfAbsent(header.get(i).trim().replace("\uFEFF", ""), i);
      }
      int[] at = new int[features.size()];
      List<String> lacking = new ArrayList<>();
      for (int f = 0; f < features.size(); f++) {
        Integer i = index.get(features.get(f).name());
        if (i == null) {
          lacking.add(features.get(f).name());
        }
        at[f] = i == null ? -1 : i;
      }
      if (!lacking.isEmpty()) {
        throw new IllegalArgumentException(csv + " lacks the feature column(s) " + lacking + "; its header is " + header);
      }
      List<double[]> pendingValues = new ArrayList<>(BATCH);
      List<Features> pendingRows = new ArrayList<>(BATCH);
      List<String> record;
      while ((record = reader.next()) != null) {
        double[] values = new double[features.size()];
        Features.Builder row = Features.builder();
        boolean predictable = true;
        for (int f = 0; f < features.size(); f++) {
          FeatureSpec spec = features.get(f);
          String cell = at[f] < record.size() ? record.get(at[f]) : "";
          if (Csv.isMissing(cell)) {
            values[f] = Double.NaN;
            row.missing(spec.name());
            predictable &= spec.nullable();
          } else if (spec.isCategorical()) {
            String category = cell.trim();
            values[f] = layout.categoryCode(f, category);
            row.put(spec.name(), category);
          } else {
            double v = parse(cell, csv, reader.line(), spec.name());
            values[f] = columns.float32() ? (double) (float) v : v;
            row.put(spec.name(), v);
          }
        }
        rows++;
        if (!predict) {
          consumer.accept(values, null);
          continue;
        }
        pendingValues.add(values);
        pendingRows.add(predictable ? row.build() : null);
        if (pendingValues.size() == BATCH) {
          flush(model, pendingValues, pendingRows, consumer);
        }
      }
      flush(model, pendingValues, pendingRows, consumer);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + csv + ": " + e.getMessage(), e);
    }
    return rows;
  }

  private static double parse(String cell, Path csv, long line, String feature) {
    String t = cell.trim();
    if (t.equalsIgnoreCase("true")) {
      return 1;
    }
    if (t.equalsIgnoreCase("false")) {
      return 0;
    }
    try {
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(csv.getFileName() + " line " + line + ", feature '" + feature + "': '" + cell + "' is not a number");
    }
  }

  private static void flush(Model model, List<double[]> values, List<Features> rows, RowConsumer consumer) {
    if (values.isEmpty()) {
      return;
    }
    List<Features> runnable = new ArrayList<>();
    for (Features f : rows) {
      if (f != null) {
        runnable.add(f);
      }
    }
    List<Prediction> predictions = null;
    try {
      predictions = runnable.isEmpty() ? List.of() : model.predictBatch(runnable);
    } catch (FathomException e) {
      // one bad row fails the whole batch: predict row by row and skip the bad ones
    }
    int next = 0;
    for (int i = 0; i < values.size(); i++) {
      Prediction p = null;
      if (rows.get(i) != null) {
        if (predictions != null) {
          p = predictions.get(next++);
        } else {
          try {
            p = model.predict(rows.get(i));
          } catch (FathomException e) {
            p = null;
          }
        }
      }
      consumer.accept(values.get(i), p);
    }
    values.clear();
    rows.clear();
  }
}
