package dev.fathom.internal.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;

/**
 * The attribute keys and instrumentation scope Fathom's telemetry uses, in one place so that every
 * part (latency, validation, drift) labels its series the same way. {@code model.version} is a
 * string so that the overflow series of the cardinality cap can be {@code _other}. Stateless.
 */
public final class FathomAttributes {
  /** The instrumentation scope of every Fathom meter, tracer and logger. */
  public static final String SCOPE = "dev.fathom";

  public static final AttributeKey<String> MODEL_NAME = AttributeKey.stringKey("model.name");
  /** The version number as a decimal string, or {@link #OTHER} for the overflow series. */
  public static final AttributeKey<String> MODEL_VERSION = AttributeKey.stringKey("model.version");
  /** A short, low-cardinality failure name such as {@code invalid_input}. */
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  public static final AttributeKey<String> QUANTILE = AttributeKey.stringKey("quantile");
  public static final AttributeKey<String> FEATURE = AttributeKey.stringKey("feature");
  public static final AttributeKey<String> METHOD = AttributeKey.stringKey("method");
  public static final AttributeKey<String> RULE = AttributeKey.stringKey("rule");
  /** Why a sample was dropped: {@code rate_limit} or {@code queue_full}. */
  public static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");
  /** A reference bin index of {@code fathom.feature.reference}, and the index before it. */
  public static final AttributeKey<String> BIN = AttributeKey.stringKey("bin");
  public static final AttributeKey<String> PREV_BIN = AttributeKey.stringKey("prev_bin");
  /** Drift severity: {@code warn} or {@code alert}. */
  public static final AttributeKey<String> SEVERITY = AttributeKey.stringKey("severity");
  /** Event attributes of {@code fathom.drift.detected}: corrected p-value and PSI. */
  public static final AttributeKey<Double> P_VALUE = AttributeKey.doubleKey("p_value");
  public static final AttributeKey<Double> PSI = AttributeKey.doubleKey("psi");
  public static final AttributeKey<String> MODEL_SHA256 = AttributeKey.stringKey("model.sha256");
  public static final AttributeKey<String> CODE_COMMIT = AttributeKey.stringKey("model.code.commit");
  public static final AttributeKey<String> DATA_SHA256 = AttributeKey.stringKey("model.data.sha256");
  /** Span attribute: the prediction id of the call's first row. */
  public static final AttributeKey<Long> PREDICTION_ID = AttributeKey.longKey("fathom.prediction.id");
  /** Span attribute: rows in the call. */
  public static final AttributeKey<Long> ROWS = AttributeKey.longKey("fathom.rows");
  public static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
  public static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");

  /** The value of a capped attribute that stands for everything over the cap. */
  public static final String OTHER = "_other";

  private FathomAttributes() {}

  /** {@code model.name} and {@code model.version} of one version. */
  public static Attributes model(String name, long version) {
    return Attributes.of(MODEL_NAME, name, MODEL_VERSION, Long.toString(version));
  }

  /** The attributes of the overflow series. */
  public static Attributes overflow() {
    return Attributes.of(MODEL_NAME, OTHER, MODEL_VERSION, OTHER);
  }
}
