package dev.fathom.telemetry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What Fathom exports through OpenTelemetry: latency histograms and exact percentiles, errors,
 * batch sizes, model loads, {@code fathom.predict} spans and lifecycle events. Immutable; build
 * with {@link #builder()}.
 *
 * <p>Percentiles are exact to the configured {@linkplain Builder#percentilePrecision precision}
 * and cover a sliding {@linkplain Builder#percentileWindow window}: the gauge {@code
 * fathom.inference.duration.percentile} reports, at every collection, the percentiles of the
 * successful calls of the last {@code window} (the completed slices plus the slice in progress, so
 * between {@code window} and {@code window + window/slices} of calls). Collecting does not consume
 * anything, so several metric readers (a Prometheus scrape and an OTLP exporter, say) each see the
 * same window; a reader that collects at least once per window sees every call.
 *
 * <p>Raw input values are never exported: attributes carry model names, versions, error types
 * and prediction ids only.
 */
public final class TelemetryOptions {
  /** When a {@code fathom.predict} span is recorded. */
  public enum SpanMode {
    /** Only as the child of a span active on the calling thread (the default). */
    PARENT_ONLY,
    /** For every call; calls without an active span start a new trace. */
    ALWAYS,
    /** Never. */
    NEVER
  }

  /** The percentiles exported by default: p50, p90, p99, p99.9. */
  public static final List<Double> DEFAULT_PERCENTILES = List.of(0.5, 0.9, 0.99, 0.999);

  /**
   * Default bucket boundaries of {@code fathom.inference.duration}, in seconds: 1-2.5-5 steps from
   * 1 µs to 10 s, which covers a tiny model on the pinned path (a few µs) up to a large batch.
   */
  public static final List<Double> DEFAULT_DURATION_BUCKETS =
      List.of(
          1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
          10.0);

  /** Most (model, version) series by default; see {@link Builder#maxModelVersions(int)}. */
  public static final int DEFAULT_MAX_MODEL_VERSIONS = 64;

  /** Shortest slice of the percentile window. */
  public static final Duration MIN_SLICE = Duration.ofMillis(100);

  private static final TelemetryOptions DEFAULTS = builder().build();
  private static final TelemetryOptions DISABLED = builder().enabled(false).build();

  private final boolean enabled;
  private final SpanMode spanMode;
  private final boolean events;
  private final int maxModelVersions;
  private final List<Double> percentiles;
  private final Duration percentileWindow;
  private final int percentileWindowSlices;
  private final int percentilePrecision;
  private final List<Double> durationBuckets;
  private final boolean lineageAttributes;

  private TelemetryOptions(Builder b) {
    this.enabled = b.enabled;
    this.spanMode = b.spanMode;
    this.events = b.events;
    this.maxModelVersions = b.maxModelVersions;
    this.percentiles = b.percentiles;
    this.percentileWindow = b.percentileWindow;
    this.percentileWindowSlices = b.percentileWindowSlices;
    this.percentilePrecision = b.percentilePrecision;
    this.durationBuckets = b.durationBuckets;
    this.lineageAttributes = b.lineageAttributes;
  }

  public static TelemetryOptions defaults() {
    return DEFAULTS;
  }

  /** Exports nothing and records nothing: every call skips telemetry entirely. */
  public static TelemetryOptions disabled() {
    return DISABLED;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public boolean enabled() {
    return enabled;
  }

  public SpanMode spanMode() {
    return spanMode;
  }

  /** Whether lifecycle events ({@code fathom.model.loaded}, ...) are emitted as log records. */
  public boolean events() {
    return events;
  }

  public int maxModelVersions() {
    return maxModelVersions;
  }

  /** Quantiles in (0, 1], ascending. */
  public List<Double> percentiles() {
    return percentiles;
  }

  public Duration percentileWindow() {
    return percentileWindow;
  }

  public int percentileWindowSlices() {
    return percentileWindowSlices;
  }

  /** Significant decimal digits of recorded latencies (2: within 1%). */
  public int percentilePrecision() {
    return percentilePrecision;
  }

  /** Bucket boundaries of {@code fathom.inference.duration} in seconds, ascending. */
  public List<Double> durationBuckets() {
    return durationBuckets;
  }

  /** Whether {@code fathom.model.info} carries the code commit and data checksum of each version. */
  public boolean lineageAttributes() {
    return lineageAttributes;
  }

  @Override
  public String toString() {
    return "TelemetryOptions{enabled="
        + enabled
        + ", spans="
        + spanMode
        + ", events="
        + events
        + ", maxModelVersions="
        + maxModelVersions
        + ", percentiles="
        + percentiles
        + ", window="
        + percentileWindow
        + "/"
        + percentileWindowSlices
        + ", precision="
        + percentilePrecision
        + "}";
  }

  /** Builds {@link TelemetryOptions}; every setter validates its argument. Not thread-safe. */
  public static final class Builder {
    private boolean enabled = true;
    private SpanMode spanMode = SpanMode.PARENT_ONLY;
    private boolean events = true;
    private int maxModelVersions = DEFAULT_MAX_MODEL_VERSIONS;
    private List<Double> percentiles = DEFAULT_PERCENTILES;
    private Duration percentileWindow = Duration.ofSeconds(60);
    private int percentileWindowSlices = 4;
    private int percentilePrecision = 2;
    private List<Double> durationBuckets = DEFAULT_DURATION_BUCKETS;
    private boolean lineageAttributes = true;

    private Builder() {}

    private Builder(TelemetryOptions o) {
      this.enabled = o.enabled;
      this.spanMode = o.spanMode;
      this.events = o.events;
      this.maxModelVersions = o.maxModelVersions;
      this.percentiles = o.percentiles;
      this.percentileWindow = o.percentileWindow;
      this.percentileWindowSlices = o.percentileWindowSlices;
      this.percentilePrecision = o.percentilePrecision;
      this.durationBuckets = o.durationBuckets;
      this.lineageAttributes = o.lineageAttributes;
    }

    /** Whether Fathom records telemetry at all; true by default. */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /** When {@code fathom.predict} spans are recorded; {@link SpanMode#PARENT_ONLY} by default. */
    public Builder spans(SpanMode mode) {
      this.spanMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** Whether lifecycle events are emitted as OpenTelemetry log records; true by default. */
    public Builder events(boolean events) {
      this.events = events;
      return this;
    }

    /**
     * The most (model, version) pairs that get their own metric series; 64 by default. Versions
     * loaded beyond the cap share one series whose {@code model.name} and {@code model.version}
     * are {@code _other}. A version's slot is freed once it is closed and its window has passed.
     */
    public Builder maxModelVersions(int max) {
      if (max < 1 || max > 10_000) {
        throw new IllegalArgumentException("maxModelVersions must be between 1 and 10000, was " + max);
      }
      this.maxModelVersions = max;
      return this;
    }

    /**
     * The quantiles exported by {@code fathom.inference.duration.percentile}, each in (0, 1] (1 is
     * the maximum); {@code 0.5, 0.9, 0.99, 0.999} by default. At most 16, no duplicates.
     */
    public Builder percentiles(double... quantiles) {
      Objects.requireNonNull(quantiles, "quantiles");
      if (quantiles.length == 0 || quantiles.length > 16) {
        throw new IllegalArgumentException("percentiles must list 1 to 16 quantiles, got " + quantiles.length);
      }
      double[] sorted = quantiles.clone();
      Arrays.sort(sorted);
      List<Double> list = new ArrayList<>();
      for (int i = 0; i < sorted.length; i++) {
        double q = sorted[i];
        if (!(q > 0.0 && q <= 1.0)) {
          throw new IllegalArgumentException("percentiles must be quantiles in (0, 1], got " + q);
        }
        if (i > 0 && q == sorted[i - 1]) {
          throw new IllegalArgumentException("percentiles must not repeat a quantile, got " + q + " twice");
        }
        list.add(q);
      }
      this.percentiles = List.copyOf(list);
      return this;
    }

    /**
     * The sliding window the percentiles cover and the number of slices it advances by: with the
     * default 60 s and 4 slices, the window moves every 15 s and always covers the last 60 to 75
     * s. One slice makes a tumbling window. Each slice must be at least 100 ms.
     */
    public Builder percentileWindow(Duration window, int slices) {
      Objects.requireNonNull(window, "window");
      if (slices < 1 || slices > 60) {
        throw new IllegalArgumentException("percentileWindow slices must be between 1 and 60, was " + slices);
      }
      if (window.isNegative() || window.dividedBy(slices).compareTo(MIN_SLICE) < 0) {
        throw new IllegalArgumentException(
            "percentileWindow divided into " + slices + " slices must give slices of at least " + MIN_SLICE.toMillis() + " ms, was " + window);
      }
      if (window.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("percentileWindow must be at most 1 hour, was " + window);
      }
      this.percentileWindow = window;
      this.percentileWindowSlices = slices;
      return this;
    }

    /**
     * Significant decimal digits kept for each latency: 2 (the default) keeps every value within 1%
     * and costs about 170 KiB per (model, version) series with the default window; 3 keeps 0.1%
     * for about 1 MiB per series. Recording costs the same either way. Between 1 and 4.
     */
    public Builder percentilePrecision(int digits) {
      if (digits < 1 || digits > 4) {
        throw new IllegalArgumentException("percentilePrecision must be between 1 and 4 significant digits, was " + digits);
      }
      this.percentilePrecision = digits;
      return this;
    }

    /**
     * Bucket boundaries advised for {@code fathom.inference.duration}, in seconds, strictly
     * increasing, finite and positive; at most 64. A view configured in the SDK still wins.
     */
    public Builder durationBuckets(double... boundaries) {
      Objects.requireNonNull(boundaries, "boundaries");
      if (boundaries.length == 0 || boundaries.length > 64) {
        throw new IllegalArgumentException("durationBuckets must list 1 to 64 boundaries, got " + boundaries.length);
      }
      List<Double> list = new ArrayList<>();
      for (int i = 0; i < boundaries.length; i++) {
        double b = boundaries[i];
        if (!(b > 0.0) || Double.isInfinite(b)) {
          throw new IllegalArgumentException("durationBuckets must be finite and positive, got " + b);
        }
        if (i > 0 && !(b > boundaries[i - 1])) {
          throw new IllegalArgumentException("durationBuckets must be strictly increasing, got " + boundaries[i - 1] + " then " + b);
        }
        list.add(b);
      }
      this.durationBuckets = List.copyOf(list);
      return this;
    }

    /**
     * Whether {@code fathom.model.info} carries {@code model.code.commit} and {@code
     * model.data.sha256} from the manifest's lineage; true by default. One value per version, so
     * this adds no series.
     */
    public Builder lineageAttributes(boolean include) {
      this.lineageAttributes = include;
      return this;
    }

    public TelemetryOptions build() {
      return new TelemetryOptions(this);
    }
  }
}
