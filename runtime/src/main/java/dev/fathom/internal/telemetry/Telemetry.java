package dev.fathom.internal.telemetry;

import dev.fathom.FathomException;
import dev.fathom.internal.inference.EngineListener;
import dev.fathom.internal.inference.InferenceObserver;
import dev.fathom.internal.inference.LoadedVersion;
import dev.fathom.internal.inference.ObserverFactory;
import dev.fathom.internal.util.ThrottledLog;
import dev.fathom.telemetry.TelemetryOptions.SpanMode;
import dev.fathom.telemetry.TelemetryOptions;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Fathom's OpenTelemetry instruments: latency (exact percentiles and a mergeable histogram),
 * errors, batch sizes, model loads, {@code fathom.model.info}, {@code fathom.predict} spans and
 * lifecycle events. Uses the OpenTelemetry API only; whichever SDK the host (or the agent)
 * installed exports the data.
 *
 * <p>Metrics, in scope {@value FathomAttributes#SCOPE}, with {@code model.name} and {@code
 * model.version} on every series:
 *
 * <ul>
 *   <li>{@code fathom.inference.duration} (histogram, s): every call that ran; failed ones carry
 *       {@code error.type}. Explicit buckets from 1 µs to 10 s, so backends can merge instances.
 *   <li>{@code fathom.inference.duration.percentile} (gauge, s, {@code quantile}): exact
 *       percentiles of successful calls over a sliding window, see {@link TelemetryOptions}.
 *   <li>{@code fathom.inference.rows} (counter): rows of successful calls.
 *   <li>{@code fathom.inference.batch.size} (histogram): rows per multi-row call. Single-row calls
 *       are left out to spare the hot path an SDK record: they are the duration count minus this
 *       count.
 *   <li>{@code fathom.inference.errors} (counter, {@code error.type}): failed and rejected calls.
 *   <li>{@code fathom.model.load.duration} (histogram, s): verify, load and warm up.
 *   <li>{@code fathom.model.load.failures} (counter, {@code model.name}, {@code error.type}).
 *   <li>{@code fathom.model.info} (gauge): 1 per loaded version, with its sha256 and lineage (1 for
 *       the overflow series while versions over the cap are loaded).
 * </ul>
 *
 * <p>At most {@code maxModelVersions} (model, version) pairs get their own series; the rest share
 * {@code model.name=model.version=_other}. A single daemon thread ({@code fathom-telemetry})
 * advances the percentile windows; it starts with the first loaded version.
 *
 * <p>Thread-safe. Nothing here throws into a prediction or a load: failures are logged (throttled)
 * and the measurement dropped. A misbehaving OpenTelemetry at creation disables telemetry with one
 * log line.
 */
public final class Telemetry implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Telemetry.class.getName());

  final TelemetryOptions options;
  final Ticker ticker;
  final boolean metrics;
  final SpanMode spanMode;
  final ThrottledLog log = new ThrottledLog(LOG, 5);
  final DoubleHistogram duration;
  final LongHistogram batchSize;
  final LongCounter errors;
  final Tracer tracer;
  private final boolean enabled;
  private final boolean schedule;
  private final SeriesRegistry registry;
  private final DoubleHistogram loadDuration;
  private final LongCounter loadFailures;
  private final BatchCallback callback;
  private final FathomEvents events;
  private final Object tickerLock = new Object();
  private ScheduledExecutorService tickerThread;
  private volatile boolean closed;

  private Telemetry() {
    this.options = TelemetryOptions.disabled();
    this.ticker = Ticker.SYSTEM;
    this.enabled = false;
    this.metrics = false;
    this.spanMode = SpanMode.NEVER;
    this.schedule = false;
    this.registry = null;
    this.duration = null;
    this.batchSize = null;
    this.errors = null;
    this.loadDuration = null;
    this.loadFailures = null;
    this.callback = null;
    this.tracer = null;
    this.events = FathomEvents.noop();
  }

  private Telemetry(OpenTelemetry otel, TelemetryOptions options, Ticker ticker, boolean schedule) {
    this.options = options;
    this.ticker = ticker;
    this.enabled = true;
    this.schedule = schedule;
    this.spanMode = options.spanMode();
    MeterProvider meterProvider = otel.getMeterProvider();
    // A no-op provider never turns into a real one: skip the recorders and the ticker entirely.
    this.metrics = meterProvider != MeterProvider.noop();
    TracerProvider tracerProvider = otel.getTracerProvider();
    this.tracer = spanMode == SpanMode.NEVER || tracerProvider == TracerProvider.noop() ? null : tracerProvider.get(FathomAttributes.SCOPE);
    this.events = options.events() ? FathomEvents.create(otel) : FathomEvents.noop();
    List<Double> quantiles = options.percentiles();
    this.registry =
        new SeriesRegistry(
            options.maxModelVersions(),
            options.lineageAttributes(),
            quantiles,
            () -> metrics ? new PercentileWindow(quantiles, options.percentileWindowSlices(), options.percentilePrecision()) : null);
    if (!metrics) {
      this.duration = null;
      this.batchSize = null;
      this.errors = null;
      this.loadDuration = null;
      this.loadFailures = null;
      this.callback = null;
      return;
    }
    Meter meter = meterProvider.meterBuilder(FathomAttributes.SCOPE).build();
    this.duration =
        meter
            .histogramBuilder("fathom.inference.duration")
            .setUnit("s")
            .setDescription("Duration of inference calls that ran; failed calls carry error.type.")
            .setExplicitBucketBoundariesAdvice(options.durationBuckets())
            .build();
    this.batchSize =
        meter
            .histogramBuilder("fathom.inference.batch.size")
            .ofLongs()
            .setUnit("{row}")
            .setDescription("Rows per successful multi-row inference call (single-row calls are not recorded).")
            .setExplicitBucketBoundariesAdvice(List.of(2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 512L, 1024L, 4096L))
            .build();
    this.errors = meter.counterBuilder("fathom.inference.errors").setUnit("{error}").setDescription("Failed or rejected inference calls, by error.type.").build();
    this.loadDuration =
        meter
            .histogramBuilder("fathom.model.load.duration")
            .setUnit("s")
            .setDescription("Time to verify, load and warm up a model version.")
            .setExplicitBucketBoundariesAdvice(List.of(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0))
            .build();
    this.loadFailures =
        meter.counterBuilder("fathom.model.load.failures").setUnit("{failure}").setDescription("Model versions that failed to verify or load, by error.type.").build();
    ObservableDoubleMeasurement percentiles =
        meter
            .gaugeBuilder("fathom.inference.duration.percentile")
            .setUnit("s")
            .setDescription("Exact inference duration percentiles of successful calls over the last " + options.percentileWindow().toSeconds() + " s.")
            .buildObserver();
    ObservableLongMeasurement info =
        meter.gaugeBuilder("fathom.model.info").ofLongs().setDescription("1 for each loaded model version (and for the overflow series while it has any).").buildObserver();
    ObservableLongMeasurement rows = meter.counterBuilder("fathom.inference.rows").setUnit("{row}").setDescription("Rows of successful inference calls.").buildObserver();
    this.callback = meter.batchCallback(() -> observe(percentiles, info, rows), percentiles, info, rows);
  }

  /** Telemetry through {@code openTelemetry} as {@code options} say; never throws. */
  public static Telemetry create(OpenTelemetry openTelemetry, TelemetryOptions options) {
    return create(openTelemetry, options, Ticker.SYSTEM, true);
  }

  /**
   * @param schedule whether a thread advances the percentile windows; tests pass false and call
   *     {@link #tick()}
   */
  static Telemetry create(OpenTelemetry openTelemetry, TelemetryOptions options, Ticker ticker, boolean schedule) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    Objects.requireNonNull(options, "options");
    if (!options.enabled()) {
      return new Telemetry();
    }
    try {
      return new Telemetry(openTelemetry, options, ticker, schedule);
    } catch (RuntimeException | LinkageError e) {
      LOG.log(Level.WARNING, "Fathom: telemetry disabled, the OpenTelemetry instance failed: " + e, e);
      return new Telemetry();
    }
  }

  /** The observer recording one version's calls. */
  public InferenceObserver observer(ObserverFactory.VersionInfo version) {
    if (!enabled || (!metrics && tracer == null)) {
      return InferenceObserver.NOOP;
    }
    try {
      Series series = registry.acquire(version.manifest());
      if (metrics) {
        startTicker();
      }
      return new VersionObserver(this, series);
    } catch (RuntimeException e) {
      log.warn("telemetry disabled for " + version.model() + "@" + version.version(), e);
      return InferenceObserver.NOOP;
    }
  }

  /** The listener recording model loads and failed loads (duration, failures, events). */
  public EngineListener engineListener() {
    return enabled ? new Lifecycle() : EngineListener.NOOP;
  }

  /** The events emitter, for other modules that share this telemetry's OpenTelemetry instance. */
  public FathomEvents events() {
    return events;
  }

  void release(Series series) {
    registry.release(series);
  }

  /** Advances every percentile window by one slice and forgets idle series. */
  void tick() {
    Set<Series> emptied = new HashSet<>();
    for (Series s : registry.all()) {
      if (s.window != null && s.window.tick()) {
        emptied.add(s);
      }
    }
    if (!emptied.isEmpty()) {
      registry.expireIdle(emptied);
    }
  }

  private void tickQuietly() {
    try {
      tick();
    } catch (RuntimeException | Error e) {
      // A task that throws is never run again by the executor: keep ticking.
      log.warn("advancing percentile windows failed", e);
    }
  }

  private void observe(ObservableDoubleMeasurement percentiles, ObservableLongMeasurement info, ObservableLongMeasurement rows) {
    for (Series s : registry.all()) {
      try {
        PercentileWindow.Snapshot snapshot = s.window.collect();
        double[] seconds = snapshot.seconds();
        for (int i = 0; i < seconds.length; i++) {
          percentiles.record(seconds[i], s.quantileAttributes[i]);
        }
        if (s.refs > 0) {
          info.record(1, s.infoAttributes);
        }
        // the collect above drained the recorder: its count is current
        rows.record(s.window.recorded() + s.extraRows.sum(), s.attributes);
      } catch (RuntimeException e) {
        log.warn("collecting " + s.key + " failed", e);
      }
    }
  }

  private void startTicker() {
    if (!schedule) {
      return;
    }
    synchronized (tickerLock) {
      if (tickerThread != null || closed) {
        return;
      }
      tickerThread =
          Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fathom-telemetry");
            t.setDaemon(true);
            return t;
          });
      long slice = options.percentileWindow().dividedBy(options.percentileWindowSlices()).toMillis();
      tickerThread.scheduleAtFixedRate(this::tickQuietly, slice, slice, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (tickerLock) {
      if (tickerThread != null) {
        tickerThread.shutdownNow();
        tickerThread = null;
      }
    }
    if (callback != null) {
      try {
        callback.close();
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "closing the metrics callback failed", e);
      }
    }
  }

  /** Load metrics and events. Never throws. */
  private final class Lifecycle implements EngineListener {
    @Override
    public void loaded(LoadedVersion version) {
      try {
        if (metrics) {
          loadDuration.record(version.loadNanos() / 1e9, registry.attributesFor(version.model(), version.version()));
        }
        events.modelLoaded(version.model(), version.version(), version.loadNanos(), version.fromOptimizedCache());
      } catch (RuntimeException | LinkageError e) {
        log.warn("recording the load of " + version + " failed", e);
      }
    }

    @Override
    public void loadFailed(String model, long version, long nanos, FathomException error) {
      try {
        String errorType = error == null ? "unknown" : error.errorType();
        if (metrics) {
          loadFailures.add(1, Attributes.of(FathomAttributes.MODEL_NAME, registry.failureName(model), FathomAttributes.ERROR_TYPE, errorType));
        }
        events.modelLoadFailed(model, version, errorType, error);
      } catch (RuntimeException | LinkageError e) {
        log.warn("recording the failed load of " + model + "@" + version + " failed", e);
      }
    }
  }
}
