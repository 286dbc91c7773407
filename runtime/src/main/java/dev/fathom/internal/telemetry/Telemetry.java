package dev.fathom.internal.telemetry;

import dev.fathom.internal.inference.EngineListener;
import dev.fathom.internal.inference.InferenceObserver;
import dev.fathom.internal.inference.ObserverFactory;
import dev.fathom.telemetry.TelemetryOptions;
import io.opentelemetry.api.OpenTelemetry;

/** Fathom's OpenTelemetry instruments: latency, errors, model lifecycle. Thread-safe. */
public final class Telemetry implements AutoCloseable {
  private Telemetry() {}

  public static Telemetry create(OpenTelemetry openTelemetry, TelemetryOptions options) {
    return new Telemetry();
  }

  /** The observer recording one version's calls. */
  public InferenceObserver observer(ObserverFactory.VersionInfo version) {
    return InferenceObserver.NOOP;
  }

  /** The listener recording model loads, failures and swaps. */
  public EngineListener engineListener() {
    return EngineListener.NOOP;
  }

  @Override
  public void close() {}
}
