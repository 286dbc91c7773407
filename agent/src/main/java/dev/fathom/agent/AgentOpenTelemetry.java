package dev.fathom.agent;

import dev.fathom.internal.config.FathomConfig;
import io.opentelemetry.api.OpenTelemetry;

/**
 * The OpenTelemetry SDK the agent records through. A seam over the telemetry module's SDK set-up
 * (Prometheus endpoint, OTLP when configured); until that is wired, a no-op instance.
 */
final class AgentOpenTelemetry {
  private final OpenTelemetry openTelemetry;
  private final String description;

  private AgentOpenTelemetry(OpenTelemetry openTelemetry, String description) {
    this.openTelemetry = openTelemetry;
    this.description = description;
  }

  static AgentOpenTelemetry start(FathomConfig config) {
    return new AgentOpenTelemetry(OpenTelemetry.noop(), "");
  }

  OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /** For the start-up line, starting with "; " when not empty. */
  String describe() {
    return description;
  }
}
