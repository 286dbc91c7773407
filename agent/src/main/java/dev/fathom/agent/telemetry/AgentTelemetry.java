package dev.fathom.agent.telemetry;

import dev.fathom.internal.config.Setting;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.ObservableLongCounter;
import dev.fathom.internal.telemetry.FathomAttributes;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The OpenTelemetry SDK the agent runs Fathom with: built by SDK autoconfigure (every standard
 * {@code OTEL_*} / {@code otel.*} setting is honoured) with Fathom's defaults on top:
 *
 * <ul>
 *   <li>a Prometheus endpoint on {@code http://127.0.0.1:9464/metrics} ({@link
 *       Setting#PROMETHEUS_HOST host}, {@link Setting#PROMETHEUS_PORT port},
 *       {@link Setting#PROMETHEUS_ENABLED can be turned off});
 *   <li>OTLP over HTTP/protobuf for a signal only when an endpoint is configured ({@link
 *       Setting#OTLP_ENDPOINT otlp.endpoint}, {@code OTEL_EXPORTER_OTLP_ENDPOINT} or a
 *       per-signal endpoint); otherwise metrics, traces and logs exporters are {@code none}
 *       unless {@code otel.*.exporter} says otherwise;
 *   <li>{@code service.name} {@code fathom} unless set.
 * </ul>
 *
 * <p>Telemetry never holds a prediction back: metrics are aggregated in memory and exported by
 * the periodic reader's thread or served by the Prometheus server's threads; spans and events
 * are queued (bounded) and exported by batch processor threads. A collector that is down or slow
 * costs those threads time, not the request threads. Items in exports that fail or time out are
 * counted in {@code fathom.telemetry.dropped} ({@code signal}, {@code reason}); spans and log
 * records that overflow the batch queues are counted by the SDK's own processor metrics.
 *
 * <p>A bad setting disables only the part concerned, with one log line: a Prometheus port that
 * cannot be bound leaves OTLP working; an OTLP configuration the SDK rejects (gRPC asked for,
 * say: the agent ships only the HTTP sender) falls back to Prometheus only; anything else turns
 * telemetry off. {@link #start} never throws.
 *
 * <p>No global state: nothing is registered as {@code GlobalOpenTelemetry} and no shutdown hook
 * is installed; the caller owns the instance and calls {@link #shutdown(Duration)}. Thread-safe.
 */
public final class AgentTelemetry implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(AgentTelemetry.class.getName());
  /** How long {@link #close()} waits for the last exports. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  private static final String[] SIGNALS = {CountingExporters.METRICS, CountingExporters.TRACES, CountingExporters.LOGS};

  private final OpenTelemetrySdk sdk;
  private final DropCounter drops;
  private final ObservableLongCounter dropMetric;
  private final String prometheusEndpoint;
  private final List<PrometheusEndpoint> prometheusServers;
  private final List<String> otlpSignals;
  private final AtomicBoolean shutdown = new AtomicBoolean();

  private AgentTelemetry(OpenTelemetrySdk sdk, DropCounter drops, String prometheusEndpoint, List<PrometheusEndpoint> prometheusServers, List<String> otlpSignals) {
    this.sdk = sdk;
    this.drops = drops;
    this.prometheusEndpoint = prometheusEndpoint;
    this.prometheusServers = List.copyOf(prometheusServers);
    this.otlpSignals = List.copyOf(otlpSignals);
    this.dropMetric = sdk == null ? null : drops.register(sdk.getMeterProvider().get("dev.fathom"));
  }

  /**
   * Builds and starts the SDK (binds the Prometheus port, starts the export threads).
   *
   * @param fathomConfig the agent's configuration: the keys of {@link Setting} (telemetry, prometheus, otlp and service keys) (with or
   *     without the {@code fathom.} prefix), and any {@code otel.*} SDK setting
   */
  public static AgentTelemetry start(Map<String, String> fathomConfig) {
    Objects.requireNonNull(fathomConfig, "fathomConfig");
    Map<String, String> config = Map.copyOf(fathomConfig);
    if (!bool(config, Setting.TELEMETRY_ENABLED)) {
      LOG.info("Fathom: telemetry is disabled (" + Setting.TELEMETRY_ENABLED.key() + "=false)");
      return disabled();
    }
    try {
      return build(config, true);
    } catch (RuntimeException | LinkageError e) {
      LOG.warning("Fathom: OTLP export disabled, the OpenTelemetry configuration was refused: " + reason(e));
    }
    try {
      return build(config, false);
    } catch (RuntimeException | LinkageError e) {
      LOG.log(Level.WARNING, "Fathom: telemetry disabled, the OpenTelemetry SDK could not start: " + reason(e), e);
      return disabled();
    }
  }

  private static AgentTelemetry disabled() {
    return new AgentTelemetry(null, new DropCounter(), null, List.of(), List.of());
  }

  private static AgentTelemetry build(Map<String, String> config, boolean allowOtlp) {
    DropCounter drops = new DropCounter();
    List<PrometheusEndpoint> servers = new ArrayList<>();
    List<String> endpoint = new ArrayList<>();
    List<String> otlpSignals = new ArrayList<>();
    try {
      AutoConfiguredOpenTelemetrySdk auto =
          AutoConfiguredOpenTelemetrySdk.builder()
              .disableShutdownHook()
              .addPropertiesCustomizer(props -> properties(config, props, allowOtlp, otlpSignals))
              .addMetricExporterCustomizer((exporter, props) -> new CountingExporters.Metrics(exporter, drops))
              .addSpanExporterCustomizer((exporter, props) -> new CountingExporters.Spans(exporter, drops))
              .addLogRecordExporterCustomizer((exporter, props) -> new CountingExporters.Logs(exporter, drops))
              .addMeterProviderCustomizer((builder, props) -> fathomSeriesLimit(builder))
              .addMeterProviderCustomizer((builder, props) -> prometheus(builder, props, config, servers, endpoint))
              .build();
      return new AgentTelemetry(auto.getOpenTelemetrySdk(), drops, endpoint.isEmpty() ? null : endpoint.get(0), servers, otlpSignals);
    } catch (RuntimeException | LinkageError e) {
      // The Prometheus server may already be bound: free the port before trying again.
      for (PrometheusEndpoint server : servers) {
        server.close();
      }
      throw e;
    }
  }

  /**
   * The properties Fathom sets over what autoconfigure found (defaults, system properties,
   * environment): the {@code otel.*} keys of the Fathom configuration, the OTLP endpoint, and the
   * defaults that apply only where nothing is configured.
   */
  static Map<String, String> properties(Map<String, String> config, ConfigProperties props, boolean allowOtlp, List<String> otlpSignals) {
    Map<String, String> out = new HashMap<>();
    config.forEach((key, value) -> {
      String k = key.startsWith("fathom.otel.") ? key.substring("fathom.".length()) : key;
      if (k.startsWith("otel.") && value != null) {
        out.put(k, value.trim());
      }
    });
    String fathomEndpoint = value(config, Setting.OTLP_ENDPOINT);
    if (fathomEndpoint != null && !out.containsKey("otel.exporter.otlp.endpoint")) {
      out.put("otel.exporter.otlp.endpoint", fathomEndpoint);
    }
    boolean anyEndpoint = get(out, props, "otel.exporter.otlp.endpoint") != null;
    otlpSignals.clear();
    for (String signal : SIGNALS) {
      String exporterKey = "otel." + signal + ".exporter";
      if (!allowOtlp) {
        out.put(exporterKey, "none");
        continue;
      }
      boolean configured = anyEndpoint || get(out, props, "otel.exporter.otlp." + signal + ".endpoint") != null;
      if (get(out, props, exporterKey) == null) {
        // Autoconfigure would default to otlp on localhost: export only where someone configured it.
        out.put(exporterKey, configured ? "otlp" : "none");
      }
      String exporters = get(out, props, exporterKey);
      if (exporters != null && exporters.contains("otlp")) {
        otlpSignals.add(signal);
        if (get(out, props, "otel.exporter.otlp." + signal + ".protocol") == null && get(out, props, "otel.exporter.otlp.protocol") == null) {
          out.put("otel.exporter.otlp." + signal + ".protocol", "http/protobuf");
        }
      }
    }
    String resource = get(out, props, "otel.resource.attributes");
    boolean hasServiceName = get(out, props, "otel.service.name") != null || (resource != null && resource.matches("(^|.*,)\\s*service\\.name\\s*=.*"));
    if (!hasServiceName) {
      out.put("otel.service.name", value(config, Setting.SERVICE_NAME));
    }
    return out;
  }

  private static String get(Map<String, String> overrides, ConfigProperties props, String key) {
    String value = overrides.containsKey(key) ? overrides.get(key) : props.getString(key);
    return value == null || value.isBlank() ? null : value;
  }

  /**
   * Series per instrument the SDK keeps for Fathom's own instruments, instead of its default 2000:
   * the per-bin instruments have up to 16 series per exported column, so 2000 would cover about
   * two models of 60 columns during a swap. Enough here for some twenty such models at once.
   */
  static final int FATHOM_SERIES_LIMIT = 20_000;

  private static SdkMeterProviderBuilder fathomSeriesLimit(SdkMeterProviderBuilder builder) {
    return builder.registerView(
        InstrumentSelector.builder().setMeterName(FathomAttributes.SCOPE).build(),
        View.builder().setCardinalityLimit(FATHOM_SERIES_LIMIT).build());
  }

  private static SdkMeterProviderBuilder prometheus(
      SdkMeterProviderBuilder builder, ConfigProperties props, Map<String, String> config, List<PrometheusEndpoint> servers, List<String> endpoint) {
    if (!bool(config, Setting.PROMETHEUS_ENABLED)) {
      return builder;
    }
    if (props.getList("otel.metrics.exporter").contains("prometheus")) {
      LOG.info("Fathom: otel.metrics.exporter includes prometheus; the SDK's own Prometheus endpoint serves the metrics");
      return builder;
    }
    String host = value(config, Setting.PROMETHEUS_HOST);
    String portText = value(config, Setting.PROMETHEUS_PORT);
    int port;
    try {
      port = Integer.parseInt(portText);
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      LOG.warning("Fathom: Prometheus endpoint disabled: " + Setting.PROMETHEUS_PORT.key() + " must be a port number 0-65535, was '" + portText + "'");
      return builder;
    }
    try {
      // The SDK's reader with the agent's own endpoint (see PrometheusEndpoint for why not the
      // exporter's JDK HTTP server).
      PrometheusMetricReader reader = PrometheusMetricReader.create();
      InfoMetricsRegistry registry = new InfoMetricsRegistry();
      registry.register(reader);
      PrometheusEndpoint server = PrometheusEndpoint.start(host, port, registry);
      servers.add(server);
      endpoint.add("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.port() + "/metrics");
      return builder.registerMetricReader(reader);
    } catch (IOException | RuntimeException e) {
      LOG.warning("Fathom: Prometheus endpoint disabled: cannot serve on " + host + ":" + port + ": " + reason(e));
      return builder;
    }
  }

  /** Every distinct message along the cause chain: the top one is often generic. */
  static String reason(Throwable error) {
    StringBuilder sb = new StringBuilder();
    java.util.Set<Throwable> seen = new java.util.HashSet<>();
    for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
      String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (sb.indexOf(message) < 0) {
        sb.append(sb.length() == 0 ? "" : ": ").append(message);
      }
    }
    return sb.toString();
  }

  /**
   * A telemetry setting from the agent's configuration map (keys with or without the {@code fathom.}
   * prefix), trimmed; its default when absent; null when both are empty.
   */
  static String value(Map<String, String> config, Setting setting) {
    String value = config.get(setting.key());
    if (value == null) {
      value = config.get(setting.property());
    }
    if (value != null) {
      value = value.trim();
    }
    if (value == null || value.isEmpty()) {
      value = setting.defaultValue();
    }
    return value.isEmpty() ? null : value;
  }

  private static boolean bool(Map<String, String> config, Setting setting) {
    String value = value(config, setting);
    if ("true".equalsIgnoreCase(value)) {
      return true;
    }
    if ("false".equalsIgnoreCase(value)) {
      return false;
    }
    LOG.warning("Fathom: " + setting.key() + " must be true or false, was '" + value + "'; using " + setting.defaultValue());
    return Boolean.parseBoolean(setting.defaultValue());
  }

  /** The OpenTelemetry instance to give Fathom; a no-op one when telemetry is disabled. */
  public OpenTelemetry openTelemetry() {
    return sdk != null ? sdk : OpenTelemetry.noop();
  }

  /** The SDK, or null when telemetry is disabled. */
  public OpenTelemetrySdk sdk() {
    return sdk;
  }

  public boolean enabled() {
    return sdk != null;
  }

  /** The Prometheus scrape URL, or null when no Prometheus endpoint is served by Fathom. */
  public String prometheusEndpoint() {
    return prometheusEndpoint;
  }

  /** The signals ({@code metrics}, {@code traces}, {@code logs}) exported over OTLP. */
  public List<String> otlpSignals() {
    return otlpSignals;
  }

  /** Items of a signal ({@code metrics}, {@code traces}, {@code logs}) dropped by failed exports so far. */
  public long dropped(String signal) {
    return drops.dropped(signal);
  }

  /**
   * Exports what is pending now (a metrics collection, queued spans and events) and waits for it,
   * at most {@code timeout}.
   *
   * @return whether the flush finished in time with no export failing meanwhile (the SDK's own
   *     flush result does not report failed exports)
   */
  public boolean flush(Duration timeout) {
    if (sdk == null) {
      return true;
    }
    long droppedBefore = droppedTotal();
    CompletableResultCode all =
        CompletableResultCode.ofAll(List.of(sdk.getSdkMeterProvider().forceFlush(), sdk.getSdkTracerProvider().forceFlush(), sdk.getSdkLoggerProvider().forceFlush()));
    boolean done = all.join(timeout.toMillis(), TimeUnit.MILLISECONDS).isSuccess();
    return done && droppedTotal() == droppedBefore;
  }

  private long droppedTotal() {
    long total = 0;
    for (String signal : SIGNALS) {
      total += drops.dropped(signal);
    }
    return total;
  }

  /**
   * Stops the Prometheus endpoint's HTTP server now, without touching the rest of the SDK. For the
   * JVM's exit: a thread blocked in the server's native {@code accept} holds the JVM's final
   * safepoint back for about 300 ms (HotSpot waits for threads in native code), which would make
   * every short-lived application slower to exit. Idempotent; never throws.
   */
  public void stopPrometheus() {
    for (PrometheusEndpoint server : prometheusServers) {
      try {
        server.close();
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "stopping the Prometheus endpoint failed", e);
      }
    }
  }

  /**
   * Flushes and stops every exporter and the Prometheus server, waiting at most {@code timeout}.
   * Idempotent.
   *
   * @return whether everything shut down cleanly in time
   */
  public boolean shutdown(Duration timeout) {
    if (sdk == null || !shutdown.compareAndSet(false, true)) {
      return true;
    }
    try {
      dropMetric.close();
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "closing fathom.telemetry.dropped failed", e);
    }
    boolean clean = sdk.shutdown().join(timeout.toMillis(), TimeUnit.MILLISECONDS).isSuccess();
    stopPrometheus();
    return clean;
  }

  /** {@link #shutdown(Duration)} with {@link #DEFAULT_SHUTDOWN_TIMEOUT}. */
  @Override
  public void close() {
    shutdown(DEFAULT_SHUTDOWN_TIMEOUT);
  }
}
