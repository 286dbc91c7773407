package dev.fathom.internal.config;

import java.util.Locale;

/**
 * Every configuration setting of Fathom, declared once: key, type, default and description. The
 * agent, {@code Fathom.global()} and the documentation all read this list. Keys are written without
 * the {@code fathom.} prefix in agent arguments and config files ({@code registry=/models}), with it
 * as system properties ({@code -Dfathom.registry=/models}) and as upper-case environment variables
 * ({@code FATHOM_REGISTRY}).
 */
public enum Setting {
  REGISTRY("registry", Type.PATH, "models", "Registry directory."),
  MODELS("models", Type.LIST, "", "Model references to load and warm up at start (comma-separated); empty loads none."),
  WATCH_INTERVAL("watch.interval", Type.DURATION, "1s", "How often to look for new versions; 0 disables watching."),
  CACHE_MAX_BYTES("cache.max.bytes", Type.BYTES, "1g", "Bytes of model files kept loaded beyond the versions being served."),
  IDLE_EXPIRY("cache.idle.expiry", Type.DURATION, "5m", "How long a version no reference serves stays loaded."),
  INTRA_OP_THREADS("inference.intra.op.threads", Type.INT, "1", "ONNX Runtime threads per inference."),
  OPTIMIZATION("inference.optimization", Type.STRING, "all", "Graph optimization: none, basic, extended or all."),
  WARMUP_RUNS("inference.warmup.runs", Type.INT, "3", "Inference runs on a new version before it takes traffic."),
  OPTIMIZED_CACHE("inference.optimized.cache", Type.STRING, "", "Directory of the optimized-model cache; empty for the default, 'off' to disable."),
  SAMPLING_RATE("sampling.rate", Type.DOUBLE, "0.01", "Fraction of calls whose inputs and outputs are sampled for validation and drift."),
  SAMPLING_MAX_PER_SECOND("sampling.max.per.second", Type.INT, "1000", "Most samples per second and model."),
  VALIDATION_MODE("validation.mode", Type.STRING, "observe", "enforce (reject invalid input), observe (count violations) or off."),
  DRIFT_WINDOW_SAMPLES("drift.window.samples", Type.INT, "1000", "Samples per drift window."),
  DRIFT_WINDOW_TIME("drift.window.time", Type.DURATION, "60s", "Longest time a drift window stays open."),
  MAX_EXPORTED_COLUMNS("monitoring.max.exported.columns", Type.INT, "60", "Most features and outputs per version with their own drift and bin series; drift is still judged on all."),
  PROMETHEUS_ENABLED("prometheus.enabled", Type.BOOLEAN, "true", "Serve metrics for Prometheus to scrape."),
  PROMETHEUS_HOST("prometheus.host", Type.STRING, "127.0.0.1", "Address the Prometheus endpoint binds to."),
  PROMETHEUS_PORT("prometheus.port", Type.INT, "9464", "Port of the Prometheus endpoint."),
  TELEMETRY_ENABLED("telemetry.enabled", Type.BOOLEAN, "true", "Export telemetry at all (the agent's OpenTelemetry SDK)."),
  OTLP_ENDPOINT("otlp.endpoint", Type.STRING, "", "OTLP/HTTP base URL (http://collector:4318); empty: no OTLP unless OTEL_EXPORTER_OTLP_ENDPOINT is set."),
  SERVICE_NAME("service.name", Type.STRING, "fathom", "The service.name resource attribute, unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES set one."),
  SPANS("telemetry.spans", Type.STRING, "parent_only", "fathom.predict spans: parent_only, always or never."),
  INSTRUMENT_ONNXRUNTIME("instrument.onnxruntime", Type.BOOLEAN, "true", "Monitor the application's own ONNX Runtime sessions."),
  INSTRUMENT_METHODS("instrument.methods", Type.LIST, "", "Methods to monitor as models: com.acme.Scorer#score[=model], comma-separated."),
  INSTRUMENT_CACHE("instrument.cache", Type.STRING, "", "Directory where the agent keeps instrumented classes of ONNX Runtime versions it does not bundle; empty for ~/.cache/fathom/agent, 'off' to disable."),
  ENABLED("enabled", Type.BOOLEAN, "true", "Set to false to turn the agent off without removing the flag."),
  DEBUG("debug", Type.BOOLEAN, "false", "Agent diagnostics on standard error (instrumentation, model identities)."),
  CONFIG_FILE("config", Type.PATH, "", "A properties file with more settings (lowest precedence but defaults).");

  /** How a setting's text is read. */
  public enum Type {
    STRING,
    PATH,
    LIST,
    INT,
    DOUBLE,
    BOOLEAN,
    DURATION,
    BYTES
  }

  private final String key;
  private final Type type;
  private final String defaultValue;
  private final String description;

  Setting(String key, Type type, String defaultValue, String description) {
    this.key = key;
    this.type = type;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  /** The key without prefix, as in agent arguments: {@code registry}. */
  public String key() {
    return key;
  }

  /** The system property: {@code fathom.registry}. */
  public String property() {
    return "fathom." + key;
  }

  /** The environment variable: {@code FATHOM_REGISTRY}. */
  public String environmentVariable() {
    return "FATHOM_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
  }

  public Type type() {
    return type;
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  /** The setting of the given key (without prefix), or null. */
  public static Setting forKey(String key) {
    for (Setting s : values()) {
      if (s.key.equals(key)) {
        return s;
      }
    }
    return null;
  }
}
