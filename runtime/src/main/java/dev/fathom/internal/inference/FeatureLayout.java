package dev.fathom.internal.inference;

import dev.fathom.Features;
import dev.fathom.InputTypeException;
import dev.fathom.MissingInputException;
import dev.fathom.UnknownInputException;
import dev.fathom.registry.FeatureSpec;
import dev.fathom.registry.TensorSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each named feature lives in the columns of a tabular input and how its value becomes
 * numbers. A numeric feature takes one column; a categorical feature one column with its category
 * index, or one column per category (one-hot). A missing nullable value is NaN (all zeros for
 * one-hot); an unknown category is -1 (all zeros for one-hot), which validation reports. Immutable.
 */
public final class FeatureLayout {
  private final String inputName;
  private final List<FeatureSpec> features;
  private final List<String> names;
  private final int[] offsets;
  private final int columns;
  private final Map<String, Integer> byName;
  private final List<Map<String, Integer>> categoryIndex;

  FeatureLayout(TensorSpec input) {
    this.inputName = input.name();
    this.features = input.features();
    this.offsets = new int[features.size()];
    List<String> featureNames = new ArrayList<>(features.size());
    Map<String, Integer> index = new HashMap<>();
    List<Map<String, Integer>> categories = new ArrayList<>(features.size());
    int column = 0;
    for (int i = 0; i < features.size(); i++) {
      FeatureSpec spec = features.get(i);
      offsets[i] = column;
      column += spec.width();
      featureNames.add(spec.name());
      index.put(spec.name(), i);
      if (spec.isCategorical()) {
        Map<String, Integer> codes = new HashMap<>();
        for (int c = 0; c < spec.categories().size(); c++) {
          codes.put(spec.categories().get(c), c);
        }
        categories.add(codes);
      } else {
        categories.add(null);
      }
    }
    this.columns = column;
    this.names = Collections.unmodifiableList(featureNames);
    this.byName = Collections.unmodifiableMap(index);
    this.categoryIndex = Collections.unmodifiableList(categories);
  }

  /** The tensor name of the tabular input. */
  public String inputName() {
    return inputName;
  }

  public List<FeatureSpec> features() {
    return features;
  }

  public List<String> names() {
    return names;
  }

  public int featureCount() {
    return features.size();
  }

  /** Total columns the features occupy. */
  public int columns() {
    return columns;
  }

  /** The first column of feature {@code feature}. */
  public int offset(int feature) {
    return offsets[feature];
  }

  /** The index of the named feature, or -1. */
  public int indexOf(String name) {
    Integer i = byName.get(name);
    return i == null ? -1 : i;
  }

  /**
   * The category code of a categorical value, or -1 when it is outside the domain.
   */
  public int categoryCode(int feature, String category) {
    Integer code = categoryIndex.get(feature).get(category);
    return code == null ? -1 : code;
  }

  /**
   * Writes one row of features into {@code row} from {@code offset}.
   *
   * @throws UnknownInputException if the row names a feature the model does not have
   * @throws MissingInputException if a required feature is absent or null
   * @throws InputTypeException if a numeric feature holds text or a categorical one a non-integer
   */
  public void encode(Features values, double[] row, int offset) {
    if (values.size() > features.size() || !byName.keySet().containsAll(values.names())) {
      for (String name : values.names()) {
        if (!byName.containsKey(name)) {
          throw new UnknownInputException(name, "feature", names);
        }
      }
    }
    for (int i = 0; i < features.size(); i++) {
      FeatureSpec spec = features.get(i);
      Object value = values.get(spec.name());
      int at = offset + offsets[i];
      if (value == null) {
        if (!spec.nullable()) {
          throw new MissingInputException(spec.name(), "feature");
        }
        writeMissing(spec, row, at);
      } else if (spec.isCategorical()) {
        writeCategory(i, spec, categoryText(spec, value), row, at);
      } else {
        row[at] = numeric(spec, value);
      }
    }
  }

  private static void writeMissing(FeatureSpec spec, double[] row, int at) {
    if (spec.encoding() == FeatureSpec.Encoding.ONE_HOT) {
      for (int c = 0; c < spec.width(); c++) {
        row[at + c] = 0.0;
      }
    } else {
      row[at] = Double.NaN;
    }
  }

  private void writeCategory(int feature, FeatureSpec spec, String category, double[] row, int at) {
    int code = categoryCode(feature, category);
    if (spec.encoding() == FeatureSpec.Encoding.ONE_HOT) {
      for (int c = 0; c < spec.width(); c++) {
        row[at + c] = c == code ? 1.0 : 0.0;
      }
    } else {
      row[at] = code;
    }
  }

  private static String categoryText(FeatureSpec spec, Object value) {
    if (value instanceof String) {
      return (String) value;
    }
    if (value instanceof Boolean) {
      return value.toString();
    }
    double number = ((Number) value).doubleValue();
    if (number == Math.rint(number) && !Double.isInfinite(number)) {
      return Long.toString((long) number);
    }
    throw new InputTypeException(spec.name(), "categorical feature expects a category (string), got number " + value);
  }

  private static double numeric(FeatureSpec spec, Object value) {
    if (value instanceof Number) {
      return ((Number) value).doubleValue();
    }
    if (value instanceof Boolean) {
      return ((Boolean) value) ? 1.0 : 0.0;
    }
    throw new InputTypeException(spec.name(), "numeric feature expects a number, got text");
  }
}
