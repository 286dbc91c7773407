package dev.fathom.examples.train;

import dev.fathom.examples.data.Transaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained and evaluated model: the ONNX file, its input columns and class labels in model order,
 * hold-out metrics, hyperparameters and data sizes.
 */
public record TrainingResult(
    java.nio.file.Path onnxFile,
    List<String> columns,
    List<String> labels,
    Map<String, Double> metrics,
    FraudTrainer.Hyperparameters hyperparameters,
    int trainRows,
    int testRows) {

  /**
   * The manifest schema for {@code fathom publish --schema}: named features in column order (a
   * run of {@code name=value} columns is one one-hot categorical feature) and the class labels.
   */
  public Map<String, Object> schema() {
    List<Map<String, Object>> features = new ArrayList<>();
    int i = 0;
    while (i < columns.size()) {
      String column = columns.get(i);
      int eq = column.indexOf('=');
      if (eq < 0) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("name", column);
        f.put("kind", "numeric");
        double[] range = FraudTrainer.NUMERIC.get(column);
        if (range != null) {
          f.put("min", range[0]);
          f.put("max", range[1]);
        }
        features.add(f);
        i++;
        continue;
      }
      String name = column.substring(0, eq);
      List<String> categories = new ArrayList<>();
      while (i < columns.size() && columns.get(i).startsWith(name + "=")) {
        categories.add(columns.get(i).substring(eq + 1));
        i++;
      }
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("name", name);
      f.put("kind", "categorical");
      f.put("encoding", "one_hot");
      f.put("categories", categories);
      features.add(f);
    }
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("features", features);
    schema.put("labels", labels);
    return schema;
  }

  /** Whether every categorical value of the data has a column (Tribuo drops unseen ones). */
  public boolean coversAllCategories() {
    for (String c : Transaction.MERCHANT_CATEGORIES) {
      if (!columns.contains("merchant_category=" + c)) {
        return false;
      }
    }
    for (String c : Transaction.COUNTRIES) {
      if (!columns.contains("country=" + c)) {
        return false;
      }
    }
    return true;
  }
}
