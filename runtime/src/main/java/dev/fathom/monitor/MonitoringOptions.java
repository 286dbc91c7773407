package dev.fathom.monitor;

import dev.fathom.registry.ModelReference;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Sampling, validation, drift and ground-truth settings. Immutable; build with {@link #builder()}.
 *
 * <pre>{@code
 * MonitoringOptions options = MonitoringOptions.builder()
 *     .samplingRate(0.05)
 *     .validation(ValidationMode.OBSERVE)
 *     .model("fraud", m -> m.validation(ValidationMode.ENFORCE).samplingRate(1.0))
 *     .build();
 * }</pre>
 *
 * <p>Model settings set on this builder are the defaults of every model; {@link #model} overrides
 * some of them for one model (whatever order the calls come in).
 */
public final class MonitoringOptions {
  /** Default of {@link Builder#maxExportedColumns}: 2 versions x 60 columns x 16 bins stays under the SDK's 2000 series. */
  public static final int DEFAULT_MAX_EXPORTED_COLUMNS = 60;

  private static final MonitoringOptions DEFAULTS = builder().build();
  private static final MonitoringOptions DISABLED = builder().enabled(false).build();

  private final boolean enabled;
  private final ModelSettings defaults;
  private final Map<String, ModelSettings> models;
  private final int outcomeCapacity;
  private final Duration outcomeExpiry;
  private final int outcomeWindow;
  private final int queueCapacity;
  private final int maxExportedColumns;

  private MonitoringOptions(Builder b) {
    this.enabled = b.enabled;
    this.defaults = b.defaults.over(null);
    Map<String, ModelSettings> resolved = new LinkedHashMap<>();
    for (Map.Entry<String, ModelSettings.Builder> e : b.models.entrySet()) {
      resolved.put(e.getKey(), e.getValue().over(defaults));
    }
    this.models = Collections.unmodifiableMap(resolved);
    this.outcomeCapacity = b.outcomeCapacity;
    this.outcomeExpiry = b.outcomeExpiry;
    this.outcomeWindow = b.outcomeWindow;
    this.queueCapacity = b.queueCapacity;
    this.maxExportedColumns = b.maxExportedColumns;
  }

  /** 1% sampling capped at 1000 rows/s per version, observe mode, windows of 1000 samples or 60 s. */
  public static MonitoringOptions defaults() {
    return DEFAULTS;
  }

  /** No sampling, validation, drift or outcomes at all. */
  public static MonitoringOptions disabled() {
    return DISABLED;
  }

  public static Builder builder() {
    return new Builder();
  }

  public boolean enabled() {
    return enabled;
  }

  /** The settings of {@code model}: its overrides over the defaults. */
  public ModelSettings settings(String model) {
    ModelSettings s = models.get(model);
    return s != null ? s : defaults;
  }

  /** The default settings of models without overrides. */
  public ModelSettings defaultSettings() {
    return defaults;
  }

  /** The models with overrides and their resolved settings. */
  public Map<String, ModelSettings> modelSettings() {
    return models;
  }

  /** Most sampled predictions held for late ground truth. */
  public int outcomeCapacity() {
    return outcomeCapacity;
  }

  /** How long a sampled prediction waits for its ground truth. */
  public Duration outcomeExpiry() {
    return outcomeExpiry;
  }

  /** Joined outcomes per version the accuracy metrics are computed over (the latest ones). */
  public int outcomeWindow() {
    return outcomeWindow;
  }

  /** Pooled samples per version waiting for the analyzer; when all are taken, samples are dropped. */
  public int queueCapacity() {
    return queueCapacity;
  }

  /**
   * Most columns (features and outputs) per version exported with their own {@code feature}
   * attribute. The drift and bin instruments leave the rest out (their values cannot share a
   * series) and violations count them under {@code feature=_other}; drift is still decided for
   * every column (reports and {@code fathom.drift.detected} events name them all).
   */
  public int maxExportedColumns() {
    return maxExportedColumns;
  }

  @Override
  public String toString() {
    return "MonitoringOptions{enabled=" + enabled + ", defaults=" + defaults + ", models=" + models + ", outcomes=" + outcomeCapacity + " for "
        + outcomeExpiry + ", outcomeWindow=" + outcomeWindow + ", queueCapacity=" + queueCapacity + "}";
  }

  /** Builds {@link MonitoringOptions}; every setter validates its argument. Not thread-safe. */
  public static final class Builder {
    private boolean enabled = true;
    private final ModelSettings.Builder defaults = ModelSettings.builder();
    private final Map<String, ModelSettings.Builder> models = new LinkedHashMap<>();
    private int outcomeCapacity = 100_000;
    private Duration outcomeExpiry = Duration.ofHours(1);
    private int outcomeWindow = 1000;
    private int queueCapacity = 256;
    private int maxExportedColumns = DEFAULT_MAX_EXPORTED_COLUMNS;

    private Builder() {}

    /** Whether monitoring runs at all; true by default. */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /** Fraction of rows sampled, 0 to 1; 0.01 by default. */
    public Builder samplingRate(double rate) {
      defaults.samplingRate(rate);
      return this;
    }

    /** Most rows sampled per second per version; 1000 by default. */
    public Builder maxSamplesPerSecond(int samples) {
      defaults.maxSamplesPerSecond(samples);
      return this;
    }

    /** Enforce, observe (the default) or off. */
    public Builder validation(ValidationMode mode) {
      defaults.validation(mode);
      return this;
    }

    /** Drift windows of {@code samples} samples or {@code duration}; 1000 or 60 s by default. */
    public Builder window(int samples, Duration duration) {
      defaults.window(samples, duration);
      return this;
    }

    public Builder thresholds(DriftThresholds thresholds) {
      defaults.thresholds(thresholds);
      return this;
    }

    /** Live baseline size for versions without a profile; 1000 by default, 0 for none. */
    public Builder baselineSamples(int samples) {
      defaults.baselineSamples(samples);
      return this;
    }

    /**
     * Overrides settings for one model, for example {@code model("fraud", m ->
     * m.validation(ValidationMode.ENFORCE))}. Calling it again for the same model adds to its
     * overrides.
     */
    public Builder model(String model, Consumer<ModelSettings.Builder> overrides) {
      ModelReference.checkModelName(model);
      Objects.requireNonNull(overrides, "overrides");
      overrides.accept(models.computeIfAbsent(model, m -> ModelSettings.builder()));
      return this;
    }

    /**
     * Sampled predictions held for late ground truth: at most {@code capacity} (at least 1), each
     * for at most {@code expiry}; 100,000 for 1 hour by default.
     */
    public Builder outcomes(int capacity, Duration expiry) {
      if (capacity < 1) {
        throw new IllegalArgumentException("outcome capacity must be at least 1, was " + capacity);
      }
      Objects.requireNonNull(expiry, "expiry");
      if (expiry.isNegative() || expiry.isZero()) {
        throw new IllegalArgumentException("outcome expiry must be positive, was " + expiry);
      }
      this.outcomeCapacity = capacity;
      this.outcomeExpiry = expiry;
      return this;
    }

    /** Latest joined outcomes the accuracy metrics are computed over (10 to 1,000,000); 1000 by default. */
    public Builder outcomeWindow(int outcomes) {
      if (outcomes < 10 || outcomes > 1_000_000) {
        throw new IllegalArgumentException("outcomeWindow must be between 10 and 1000000, was " + outcomes);
      }
      this.outcomeWindow = outcomes;
      return this;
    }

    /** Pooled samples per version waiting for the analyzer (16 to 65536); 256 by default. */
    public Builder queueCapacity(int samples) {
      if (samples < 16 || samples > 65536) {
        throw new IllegalArgumentException("queueCapacity must be between 16 and 65536, was " + samples);
      }
      this.queueCapacity = samples;
      return this;
    }

    /**
     * Most columns per version exported with their own {@code feature} attribute (1 to 10000);
     * {@value MonitoringOptions#DEFAULT_MAX_EXPORTED_COLUMNS} by default. The widest instruments
     * have up to 16 series per column ({@code fathom.feature.values} and {@code
     * fathom.feature.reference}, one per reference bin), and the OpenTelemetry SDK keeps at most
     * 2000 series per instrument unless a view raises the limit: the default keeps two loaded
     * versions of a model (a swap) under it. Raise both together for wider models (the Fathom
     * agent raises the SDK's limit for Fathom's instruments itself).
     */
    public Builder maxExportedColumns(int columns) {
      if (columns < 1 || columns > 10_000) {
        throw new IllegalArgumentException("maxExportedColumns must be between 1 and 10000, was " + columns);
      }
      this.maxExportedColumns = columns;
      return this;
    }

    public MonitoringOptions build() {
      return new MonitoringOptions(this);
    }
  }
}
