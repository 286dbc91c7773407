package dev.fathom.internal.monitor;

import dev.fathom.internal.inference.InferenceObserver;
import dev.fathom.internal.inference.ObserverFactory;
import dev.fathom.monitor.DriftReport;
import dev.fathom.monitor.MonitoringOptions;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sampling, validation, drift and ground truth for every loaded version: creates each version's
 * {@link VersionMonitor}, runs the background {@link Analyzer}, owns the OpenTelemetry instruments
 * and the store of predictions waiting for late outcomes. Monitoring never breaks a prediction: a
 * version whose monitor cannot be built is served unmonitored (with one log line). Thread-safe.
 */
public final class Monitoring implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Monitoring.class.getName());

  private final MonitoringOptions options;
  private final MonitorMetrics metrics;
  private final OutcomeStore outcomes;
  private final List<VersionMonitor> versions = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private Analyzer analyzer;
  private volatile boolean closed;

  private Monitoring(MonitoringOptions options, OpenTelemetry otel) {
    this.options = options;
    this.metrics = options.enabled() ? new MonitorMetrics(otel, () -> versions) : null;
    this.outcomes = new OutcomeStore(options.outcomeCapacity(), options.outcomeExpiry());
  }

  public static Monitoring create(MonitoringOptions options, OpenTelemetry openTelemetry) {
    return new Monitoring(Objects.requireNonNull(options, "options"), Objects.requireNonNull(openTelemetry, "openTelemetry"));
  }

  /** The observer sampling and validating one version's calls. */
  public InferenceObserver observer(ObserverFactory.VersionInfo version) {
    if (metrics == null || closed) {
      return InferenceObserver.NOOP;
    }
    try {
      VersionMonitor monitor = new VersionMonitor(this, version);
      versions.add(monitor);
      startAnalyzer();
      return monitor;
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Fathom: cannot monitor " + version.model() + "@" + version.version() + " (" + e + "); serving it unmonitored", e);
      return InferenceObserver.NOOP;
    }
  }

  private void startAnalyzer() {
    synchronized (lock) {
      if (analyzer == null && !closed) {
        analyzer = new Analyzer(() -> versions, options.queueCapacity());
      }
    }
  }

  /** Joins a late label to a sampled prediction; false when the prediction is not (or no longer) held. */
  public boolean recordOutcome(long predictionId, Object actual) {
    if (metrics == null || actual == null) {
      return false;
    }
    try {
      return outcomes.record(predictionId, actual);
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "recording an outcome failed", e);
      return false;
    }
  }

  /**
   * Waits until every sample handed off before this call has been analyzed (windows that filled up
   * are closed and published); false on timeout or when monitoring is off. For tests and tools.
   */
  public boolean flush(Duration timeout) {
    Analyzer a;
    synchronized (lock) {
      a = analyzer;
    }
    return a != null && a.flush(timeout);
  }

  /** The report of the last closed window of a version, or null. */
  public DriftReport lastReport(String model, long version) {
    VersionMonitor v = find(model, version);
    return v == null ? null : v.lastReport();
  }

  /** Where a version's reference comes from ({@code profile.json}, a live baseline, or none), for diagnostics. */
  public String referenceSource(String model, long version) {
    VersionMonitor v = find(model, version);
    return v == null ? null : v.referenceSource();
  }

  private VersionMonitor find(String model, long version) {
    for (VersionMonitor v : versions) {
      if (v.model.equals(model) && v.version == version) {
        return v;
      }
    }
    return null;
  }

  MonitoringOptions options() {
    return options;
  }

  MonitorMetrics metrics() {
    return metrics;
  }

  OutcomeStore outcomeStore() {
    return outcomes;
  }

  void remove(VersionMonitor version) {
    versions.remove(version);
  }

  @Override
  public void close() {
    Analyzer a;
    synchronized (lock) {
      closed = true;
      a = analyzer;
      analyzer = null;
    }
    if (a != null) {
      a.stop(Duration.ofSeconds(2));
    }
    versions.clear();
    outcomes.clear();
    if (metrics != null) {
      metrics.close();
    }
  }
}
