package dev.fathom.monitor;

import java.time.Duration;
import java.util.Objects;

/**
 * The monitoring settings of one model: sampling, validation, drift windows and thresholds, live
 * baseline. {@link MonitoringOptions} holds the defaults and per-model overrides; {@link
 * MonitoringOptions#settings(String)} resolves them. Immutable.
 */
public final class ModelSettings {
  static final double DEFAULT_SAMPLING_RATE = 0.01;
  static final int DEFAULT_MAX_SAMPLES_PER_SECOND = 1000;
  static final int DEFAULT_WINDOW_SAMPLES = 1000;
  static final Duration DEFAULT_WINDOW_DURATION = Duration.ofSeconds(60);
  static final int DEFAULT_BASELINE_SAMPLES = 1000;

  private final double samplingRate;
  private final int maxSamplesPerSecond;
  private final ValidationMode validation;
  private final int windowSamples;
  private final Duration windowDuration;
  private final DriftThresholds thresholds;
  private final int baselineSamples;

  private ModelSettings(double samplingRate, int maxSamplesPerSecond, ValidationMode validation, int windowSamples, Duration windowDuration,
      DriftThresholds thresholds, int baselineSamples) {
    this.samplingRate = samplingRate;
    this.maxSamplesPerSecond = maxSamplesPerSecond;
    this.validation = validation;
    this.windowSamples = windowSamples;
    this.windowDuration = windowDuration;
    this.thresholds = thresholds;
    this.baselineSamples = baselineSamples;
  }

  /** The built-in defaults: 1% sampling capped at 1000/s, observe, windows of 1000 samples or 60 s. */
  public static ModelSettings defaults() {
    return builder().over(null);
  }

  /** A builder whose unset values come from the settings it is resolved over. */
  public static Builder builder() {
    return new Builder();
  }

  /** Fraction of calls (rows) sampled for drift and observed validation, 0 to 1. */
  public double samplingRate() {
    return samplingRate;
  }

  /** Most rows sampled per second per model version; beyond, rows are dropped and counted. */
  public int maxSamplesPerSecond() {
    return maxSamplesPerSecond;
  }

  public ValidationMode validation() {
    return validation;
  }

  /** Samples per drift window; a window also closes after {@link #windowDuration()}. */
  public int windowSamples() {
    return windowSamples;
  }

  /**
   * Longest a drift window stays open; it then closes if it holds at least {@link
   * DriftThresholds#minSamples()} samples, otherwise it keeps filling.
   */
  public Duration windowDuration() {
    return windowDuration;
  }

  public DriftThresholds thresholds() {
    return thresholds;
  }

  /**
   * Samples a version without {@code profile.json} takes as its reference before drift is computed;
   * 0 turns drift off for such versions.
   */
  public int baselineSamples() {
    return baselineSamples;
  }

  @Override
  public String toString() {
    return "ModelSettings{sampling=" + samplingRate + " (max " + maxSamplesPerSecond + "/s), validation=" + validation + ", window=" + windowSamples
        + " samples or " + windowDuration + ", " + thresholds + ", baselineSamples=" + baselineSamples + "}";
  }

  /**
   * Sets some settings; the others come from what the builder is resolved over (the defaults of
   * {@link MonitoringOptions}). Every setter validates its argument. Not thread-safe.
   */
  public static final class Builder {
    private Double samplingRate;
    private Integer maxSamplesPerSecond;
    private ValidationMode validation;
    private Integer windowSamples;
    private Duration windowDuration;
    private DriftThresholds thresholds;
    private Integer baselineSamples;

    private Builder() {}

    /** Fraction of rows sampled, from 0 (none) to 1 (all); 0.01 by default. */
    public Builder samplingRate(double rate) {
      if (!(rate >= 0 && rate <= 1)) {
        throw new IllegalArgumentException("samplingRate must be between 0 and 1, was " + rate);
      }
      this.samplingRate = rate;
      return this;
    }

    /** Most rows sampled per second per version (at least 1); 1000 by default. */
    public Builder maxSamplesPerSecond(int samples) {
      if (samples < 1) {
        throw new IllegalArgumentException("maxSamplesPerSecond must be at least 1, was " + samples);
      }
      this.maxSamplesPerSecond = samples;
      return this;
    }

    /** Enforce, observe (the default) or off. */
    public Builder validation(ValidationMode mode) {
      this.validation = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Drift windows close after {@code samples} samples (10 to 1,000,000) or {@code duration},
     * whichever comes first; 1000 samples or 60 seconds by default.
     */
    public Builder window(int samples, Duration duration) {
      if (samples < 10 || samples > 1_000_000) {
        throw new IllegalArgumentException("window samples must be between 10 and 1000000, was " + samples);
      }
      Objects.requireNonNull(duration, "duration");
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("window duration must be positive, was " + duration);
      }
      this.windowSamples = samples;
      this.windowDuration = duration;
      return this;
    }

    public Builder thresholds(DriftThresholds thresholds) {
      this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
      return this;
    }

    /**
     * Samples taken as the reference of a version that has no profile: 0 (no drift for such
     * versions) or 30 to 1,000,000; 1000 by default.
     */
    public Builder baselineSamples(int samples) {
      if (samples != 0 && (samples < 30 || samples > 1_000_000)) {
        throw new IllegalArgumentException("baselineSamples must be 0 or between 30 and 1000000, was " + samples);
      }
      this.baselineSamples = samples;
      return this;
    }

    /** Resolves the settings: values set here, else those of {@code base}, else the built-in defaults. */
    ModelSettings over(ModelSettings base) {
      return new ModelSettings(
          samplingRate != null ? samplingRate : base != null ? base.samplingRate : DEFAULT_SAMPLING_RATE,
          maxSamplesPerSecond != null ? maxSamplesPerSecond : base != null ? base.maxSamplesPerSecond : DEFAULT_MAX_SAMPLES_PER_SECOND,
          validation != null ? validation : base != null ? base.validation : ValidationMode.OBSERVE,
          windowSamples != null ? windowSamples : base != null ? base.windowSamples : DEFAULT_WINDOW_SAMPLES,
          windowDuration != null ? windowDuration : base != null ? base.windowDuration : DEFAULT_WINDOW_DURATION,
          thresholds != null ? thresholds : base != null ? base.thresholds : DriftThresholds.defaults(),
          baselineSamples != null ? baselineSamples : base != null ? base.baselineSamples : DEFAULT_BASELINE_SAMPLES);
    }
  }
}
