package dev.fathom.agent.telemetry;

import java.util.Map;

/**
 * The agent's telemetry settings, each declared once with its key, default and meaning. Keys are
 * read from the Fathom configuration the agent assembled (agent arguments, {@code fathom.*}
 * system properties, {@code FATHOM_*} environment, config file), with or without the {@code
 * fathom.} prefix. The standard OpenTelemetry settings ({@code OTEL_*} environment, {@code otel.*}
 * system properties) are honoured as well; {@code otel.*} keys in the Fathom configuration are
 * passed to the SDK and win over both.
 */
public enum TelemetrySetting {
  ENABLED("telemetry.enabled", "true", "Whether the agent exports telemetry at all (false: no SDK, Fathom records nothing)."),
  PROMETHEUS_ENABLED("prometheus.enabled", "true", "Whether to serve Prometheus metrics over HTTP."),
  PROMETHEUS_HOST("prometheus.host", "127.0.0.1", "Address the Prometheus endpoint binds to; 0.0.0.0 exposes it beyond this host."),
  PROMETHEUS_PORT("prometheus.port", "9464", "Port of the Prometheus endpoint (path /metrics)."),
  OTLP_ENDPOINT(
      "otlp.endpoint",
      null,
      "OTLP/HTTP base URL (for example http://collector:4318); metrics, traces and events are sent there. OTEL_EXPORTER_OTLP_ENDPOINT works"
          + " too. Without either, nothing is sent over OTLP."),
  SERVICE_NAME("service.name", "fathom", "The service.name resource attribute, unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES set one.");

  private final String key;
  private final String defaultValue;
  private final String description;

  TelemetrySetting(String key, String defaultValue, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  public String key() {
    return key;
  }

  /** The default, or null when unset by default. */
  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  /** The configured value (trimmed, empty counts as unset), else the default. */
  String from(Map<String, String> config) {
    String value = config.get(key);
    if (value == null) {
      value = config.get("fathom." + key);
    }
    if (value != null) {
      value = value.trim();
    }
    return value == null || value.isEmpty() ? defaultValue : value;
  }
}
