package dev.fathom.internal.telemetry;

import io.opentelemetry.api.common.Attributes;
import java.util.List;

/**
 * The metric series of one model version (or the overflow series that stands for all versions
 * over the cardinality cap): its pre-built attributes, its percentile window and how many loaded
 * versions use it. Everything a call needs is built once here, so recording allocates nothing.
 *
 * <p>Thread-safe: attributes are immutable; error attributes are a copy-on-write array read
 * without locking; the reference count is guarded by the owning {@link SeriesRegistry}.
 */
final class Series {
  /** Distinct error types per series before they fold into {@code error.type=_other}. */
  static final int MAX_ERROR_TYPES = 16;

  final String key;
  final boolean overflow;
  /** {@code model.name}, {@code model.version}. */
  final Attributes attributes;
  /** {@link #attributes} plus lineage, for {@code fathom.model.info}. */
  final Attributes infoAttributes;
  /** {@link #attributes} plus {@code quantile}, one per configured quantile. */
  final Attributes[] quantileAttributes;
  /** Null when metrics are off. */
  final PercentileWindow window;
  /**
   * Rows of successful calls beyond one per timed call, for {@code fathom.inference.rows}: that
   * counter is {@link PercentileWindow#recorded()} plus this, so a single-row call adds to nothing.
   */
  final java.util.concurrent.atomic.LongAdder extraRows = new java.util.concurrent.atomic.LongAdder();

  private volatile ErrorAttributes[] errors = new ErrorAttributes[0];
  /** Loaded versions using this series; guarded by the registry. */
  volatile int refs;

  Series(String key, boolean overflow, Attributes attributes, Attributes infoAttributes, List<Double> quantiles, PercentileWindow window) {
    this.key = key;
    this.overflow = overflow;
    this.attributes = attributes;
    this.infoAttributes = infoAttributes;
    this.quantileAttributes = new Attributes[quantiles.size()];
    for (int i = 0; i < quantileAttributes.length; i++) {
      quantileAttributes[i] = attributes.toBuilder().put(FathomAttributes.QUANTILE, quantileLabel(quantiles.get(i))).build();
    }
    this.window = window;
  }

  /** {@code 0.5}, {@code 0.99}, {@code 0.999}, {@code 1}: the shortest decimal form. */
  static String quantileLabel(double q) {
    String s = java.math.BigDecimal.valueOf(q).stripTrailingZeros().toPlainString();
    return s;
  }

  /**
   * {@link #attributes} plus {@code error.type}; built on the first error of each type, then
   * found without allocation. Types beyond {@link #MAX_ERROR_TYPES} share {@code _other}.
   */
  Attributes errorAttributes(String errorType) {
    String type = errorType == null || errorType.isEmpty() ? "unknown" : errorType;
    ErrorAttributes[] known = errors;
    for (ErrorAttributes e : known) {
      if (e.type.equals(type)) {
        return e.attributes;
      }
    }
    return addErrorType(type);
  }

  private synchronized Attributes addErrorType(String type) {
    ErrorAttributes[] known = errors;
    for (ErrorAttributes e : known) {
      if (e.type.equals(type)) {
        return e.attributes;
      }
    }
    String label = known.length < MAX_ERROR_TYPES - 1 ? type : FathomAttributes.OTHER;
    if (label.equals(FathomAttributes.OTHER)) {
      for (ErrorAttributes e : known) {
        if (e.type.equals(FathomAttributes.OTHER)) {
          return e.attributes;
        }
      }
    }
    Attributes attrs = attributes.toBuilder().put(FathomAttributes.ERROR_TYPE, label).build();
    ErrorAttributes[] grown = java.util.Arrays.copyOf(known, known.length + 1);
    grown[known.length] = new ErrorAttributes(label, attrs);
    errors = grown;
    return attrs;
  }

  private record ErrorAttributes(String type, Attributes attributes) {}
}
