package dev.fathom;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One row of named feature values for a tabular model: numbers for numeric features, strings for
 * categorical ones, {@code null} for a missing value. Immutable and thread-safe.
 *
 * <pre>{@code
 * Features row = Features.builder().put("amount", 129.5).put("country", "DE").build();
 * }</pre>
 */
public final class Features {
  private final Map<String, Object> values;

  private Features(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Copies a map of feature name to value.
   *
   * @throws IllegalArgumentException if a value is not a number, string, boolean or null
   */
  public static Features of(Map<String, ?> values) {
    Builder builder = builder();
    values.forEach(builder::put);
    return builder.build();
  }

  /** The value of {@code name}: a Number, String, Boolean or null (missing). */
  public Object get(String name) {
    return values.get(name);
  }

  /** Whether the row has an entry for {@code name} (possibly null). */
  public boolean contains(String name) {
    return values.containsKey(name);
  }

  public Set<String> names() {
    return values.keySet();
  }

  public int size() {
    return values.size();
  }

  /** The row as an unmodifiable map in insertion order. */
  public Map<String, Object> asMap() {
    return values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Features && values.equals(((Features) o).values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** Feature names only: raw values stay out of logs. */
  @Override
  public String toString() {
    return "Features" + values.keySet();
  }

  /** Builds {@link Features}; not thread-safe. */
  public static final class Builder {
    private final Map<String, Object> values = new LinkedHashMap<>();

    private Builder() {}

    public Builder put(String name, double value) {
      values.put(Objects.requireNonNull(name, "name"), value);
      return this;
    }

    public Builder put(String name, String value) {
      values.put(Objects.requireNonNull(name, "name"), value);
      return this;
    }

    /**
     * Sets a value of any supported kind.
     *
     * @throws IllegalArgumentException if {@code value} is not a Number, String, Boolean or null
     */
    public Builder put(String name, Object value) {
      Objects.requireNonNull(name, "name");
      if (value != null && !(value instanceof Number) && !(value instanceof String) && !(value instanceof Boolean)) {
        throw new IllegalArgumentException(
            "feature '" + name + "': values are numbers, strings, booleans or null, not " + value.getClass().getName());
      }
      values.put(name, value);
      return this;
    }

    /** Marks {@code name} as missing. */
    public Builder missing(String name) {
      values.put(Objects.requireNonNull(name, "name"), null);
      return this;
    }

    public Features build() {
      return new Features(new LinkedHashMap<>(values));
    }
  }
}
