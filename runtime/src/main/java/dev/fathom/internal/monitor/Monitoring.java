package dev.fathom.internal.monitor;

import dev.fathom.internal.inference.InferenceObserver;
import dev.fathom.internal.inference.ObserverFactory;
import dev.fathom.monitor.MonitoringOptions;
import io.opentelemetry.api.OpenTelemetry;

/** Sampling, validation, drift and ground truth for every loaded version. Thread-safe. */
public final class Monitoring implements AutoCloseable {
  private Monitoring() {}

  public static Monitoring create(MonitoringOptions options, OpenTelemetry openTelemetry) {
    return new Monitoring();
  }

  /** The observer sampling and validating one version's calls. */
  public InferenceObserver observer(ObserverFactory.VersionInfo version) {
    return InferenceObserver.NOOP;
  }

  /** Joins a late label to a sampled prediction; false when the prediction is not (or no longer) held. */
  public boolean recordOutcome(long predictionId, Object actual) {
    return false;
  }

  @Override
  public void close() {}
}
