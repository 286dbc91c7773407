package dev.fathom.registry;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One named feature of a tabular input and its constraints. Features occupy consecutive columns of
 * the input tensor in manifest order: a numeric feature one column, a categorical feature one column
 * holding the category index ({@link Encoding#INDEX}) or one column per category ({@link
 * Encoding#ONE_HOT}).
 *
 * @param name the feature name, as in the training data's header
 * @param kind numeric or categorical
 * @param encoding how a categorical feature becomes numbers; null for numeric features
 * @param categories the category domain, in column/index order; null for numeric features
 * @param min the smallest valid value of a numeric feature, or null
 * @param max the largest valid value of a numeric feature, or null
 * @param nullable whether the feature may be missing (a numeric feature is then NaN)
 */
public record FeatureSpec(
    String name,
    Kind kind,
    Encoding encoding,
    List<String> categories,
    Double min,
    Double max,
    boolean nullable) {

  /** The kind of values a feature takes. */
  public enum Kind {
    NUMERIC,
    CATEGORICAL;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How a categorical value is written into the input tensor. */
  public enum Encoding {
    /** One column holding the index of the category in {@link #categories()}. */
    INDEX,
    /** One column per category: 1 for the row's category, 0 elsewhere. */
    ONE_HOT;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public FeatureSpec {
    Objects.requireNonNull(name, "name");
    if (kind == null) {
      kind = categories == null ? Kind.NUMERIC : Kind.CATEGORICAL;
    }
    if (kind == Kind.CATEGORICAL) {
      if (categories == null || categories.isEmpty()) {
        throw new IllegalArgumentException("categorical feature '" + name + "' needs a non-empty list of categories");
      }
      categories = List.copyOf(categories);
      if (encoding == null) {
        encoding = Encoding.INDEX;
      }
    } else {
      categories = null;
      encoding = null;
      if (min != null && max != null && min > max) {
        throw new IllegalArgumentException("feature '" + name + "': min " + min + " is greater than max " + max);
      }
    }
  }

  /** A numeric feature without range constraints. */
  public static FeatureSpec numeric(String name) {
    return new FeatureSpec(name, Kind.NUMERIC, null, null, null, null, false);
  }

  /** A categorical feature. */
  public static FeatureSpec categorical(String name, Encoding encoding, List<String> categories) {
    return new FeatureSpec(name, Kind.CATEGORICAL, encoding, categories, null, null, false);
  }

  /** Columns this feature occupies in the input tensor. */
  public int width() {
    return encoding == Encoding.ONE_HOT ? categories.size() : 1;
  }

  public boolean isCategorical() {
    return kind == Kind.CATEGORICAL;
  }

  /** A copy with the given numeric range. */
  public FeatureSpec withRange(Double min, Double max) {
    return new FeatureSpec(name, kind, encoding, categories, min, max, nullable);
  }

  /** A copy with the given nullability. */
  public FeatureSpec withNullable(boolean nullable) {
    return new FeatureSpec(name, kind, encoding, categories, min, max, nullable);
  }
}
