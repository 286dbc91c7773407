package dev.fathom.agent;

import dev.fathom.agent.telemetry.AgentTelemetry;
import dev.fathom.internal.config.FathomConfig;
import dev.fathom.internal.config.Setting;
import io.opentelemetry.api.OpenTelemetry;
import java.util.HashMap;
import java.util.Map;

/**
 * The OpenTelemetry SDK the agent records through: {@link AgentTelemetry} (Prometheus endpoint,
 * OTLP when configured, standard {@code OTEL_*} settings) started from the agent's configuration.
 * Never throws: a part that cannot start is disabled by {@link AgentTelemetry} with one log line.
 */
final class AgentOpenTelemetry {
  private final AgentTelemetry telemetry;

  private AgentOpenTelemetry(AgentTelemetry telemetry) {
    this.telemetry = telemetry;
  }

  static AgentOpenTelemetry start(FathomConfig config) {
    Map<String, String> settings = new HashMap<>();
    for (Setting s : Setting.values()) {
      settings.put(s.key(), config.getString(s));
    }
    return new AgentOpenTelemetry(AgentTelemetry.start(settings));
  }

  OpenTelemetry openTelemetry() {
    return telemetry.openTelemetry();
  }

  /** Stops the Prometheus endpoint (at the JVM's exit). */
  void stopPrometheus() {
    telemetry.stopPrometheus();
  }

  /** For the start-up line, starting with "; " when not empty. */
  String describe() {
    String endpoint = telemetry.prometheusEndpoint();
    StringBuilder sb = new StringBuilder();
    if (endpoint != null) {
      sb.append("; metrics on ").append(endpoint);
    }
    if (!telemetry.otlpSignals().isEmpty()) {
      sb.append("; OTLP export of ").append(String.join(", ", telemetry.otlpSignals()));
    }
    return sb.toString();
  }
}
