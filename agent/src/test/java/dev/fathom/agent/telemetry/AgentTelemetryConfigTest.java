package dev.fathom.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How Fathom's settings and the standard OpenTelemetry ones combine, and how bad ones degrade. */
class AgentTelemetryConfigTest {
  /** The overrides Fathom computes for a Fathom configuration and what autoconfigure already found. */
  static Map<String, String> overrides(Map<String, String> fathom, Map<String, String> otel, List<String> signals) {
    return AgentTelemetry.properties(fathom, DefaultConfigProperties.createFromMap(otel), true, signals);
  }

  @Test
  void withoutAnEndpointNothingGoesOverOtlp() {
    List<String> signals = new ArrayList<>();
    Map<String, String> out = overrides(Map.of(), Map.of(), signals);
    assertThat(out).containsEntry("otel.metrics.exporter", "none").containsEntry("otel.traces.exporter", "none").containsEntry("otel.logs.exporter", "none");
    assertThat(out).containsEntry("otel.service.name", "fathom");
    assertThat(signals).isEmpty();
  }

  @Test
  void aFathomEndpointTurnsOnOtlpOverHttpForEverySignal() {
    List<String> signals = new ArrayList<>();
    Map<String, String> out = overrides(Map.of("otlp.endpoint", "http://collector:4318", "service.name", "fraud"), Map.of(), signals);
    assertThat(out)
        .containsEntry("otel.exporter.otlp.endpoint", "http://collector:4318")
        .containsEntry("otel.metrics.exporter", "otlp")
        .containsEntry("otel.traces.exporter", "otlp")
        .containsEntry("otel.logs.exporter", "otlp")
        .containsEntry("otel.exporter.otlp.metrics.protocol", "http/protobuf")
        .containsEntry("otel.service.name", "fraud");
    assertThat(signals).containsExactly("metrics", "traces", "logs");
  }

  @Test
  void theStandardSettingsAreHonoured() {
    List<String> signals = new ArrayList<>();
    Map<String, String> otel = new HashMap<>();
    otel.put("otel.exporter.otlp.traces.endpoint", "http://tempo:4318/v1/traces");
    otel.put("otel.metrics.exporter", "logging");
    otel.put("otel.exporter.otlp.protocol", "grpc");
    otel.put("otel.resource.attributes", "deployment.environment=prod,service.name=checkout");
    Map<String, String> out = overrides(Map.of(), otel, signals);
    assertThat(out).containsEntry("otel.traces.exporter", "otlp").containsEntry("otel.logs.exporter", "none");
    assertThat(out).doesNotContainKey("otel.metrics.exporter"); // the user's choice stands
    assertThat(out).doesNotContainKeys("otel.exporter.otlp.traces.protocol", "otel.service.name");
    assertThat(signals).containsExactly("traces");
  }

  @Test
  void otelKeysInTheFathomConfigurationWin() {
    List<String> signals = new ArrayList<>();
    Map<String, String> out =
        overrides(
            Map.of("fathom.otel.metric.export.interval", "5000", "otel.service.name", "billing", "otel.traces.exporter", "none", "otlp.endpoint", "http://c:4318"),
            Map.of("otel.service.name", "from-env"),
            signals);
    assertThat(out).containsEntry("otel.metric.export.interval", "5000").containsEntry("otel.service.name", "billing").containsEntry("otel.traces.exporter", "none");
    assertThat(signals).containsExactly("metrics", "logs");
  }

  @Test
  void disabledTelemetryIsANoop() {
    AgentTelemetry agent = AgentTelemetry.start(Map.of("telemetry.enabled", "false"));
    assertThat(agent.enabled()).isFalse();
    assertThat(agent.openTelemetry()).isSameAs(OpenTelemetry.noop());
    assertThat(agent.sdk()).isNull();
    assertThat(agent.flush(Duration.ofSeconds(1))).isTrue();
    assertThat(agent.shutdown(Duration.ofSeconds(1))).isTrue();
  }

  @Test
  void anInvalidPortDisablesOnlyPrometheus() {
    AgentTelemetry agent = AgentTelemetry.start(Map.of("prometheus.port", "ninety", "otlp.endpoint", "http://127.0.0.1:1", "otel.metric.export.interval", "3600000"));
    try {
      assertThat(agent.enabled()).isTrue();
      assertThat(agent.prometheusEndpoint()).isNull();
      assertThat(agent.otlpSignals()).containsExactly("metrics", "traces", "logs");
    } finally {
      agent.shutdown(Duration.ofSeconds(5));
    }
  }

  @Test
  void aPortInUseDisablesOnlyPrometheus() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      AgentTelemetry agent = AgentTelemetry.start(Map.of("prometheus.port", Integer.toString(taken.getLocalPort())));
      try {
        assertThat(agent.enabled()).isTrue();
        assertThat(agent.prometheusEndpoint()).isNull();
        agent.openTelemetry().getMeter("test").counterBuilder("still.works").build().add(1);
      } finally {
        agent.shutdown(Duration.ofSeconds(5));
      }
    }
  }

  @Test
  void anOtlpSetupTheSdkRefusesFallsBackToPrometheus() throws Exception {
    int port = Prometheus.freePort();
    // gRPC needs a sender the agent does not ship: the SDK refuses it, Prometheus still serves.
    AgentTelemetry agent =
        AgentTelemetry.start(Map.of("otlp.endpoint", "http://127.0.0.1:4317", "otel.exporter.otlp.protocol", "grpc", "prometheus.port", Integer.toString(port)));
    try {
      assertThat(agent.enabled()).isTrue();
      assertThat(agent.otlpSignals()).isEmpty();
      assertThat(agent.prometheusEndpoint()).isEqualTo("http://127.0.0.1:" + port + "/metrics");
      agent.openTelemetry().getMeter("test").counterBuilder("after.fallback").build().add(3);
      assertThat(Prometheus.find(Prometheus.parse(Prometheus.scrape(agent.prometheusEndpoint())), "after_fallback_total", Map.of())).singleElement().extracting(Prometheus.Sample::value).isEqualTo(3.0);
    } finally {
      agent.shutdown(Duration.ofSeconds(5));
    }
  }

  @Test
  void aBadBooleanKeepsTheDefault() throws Exception {
    int port = Prometheus.freePort();
    AgentTelemetry agent = AgentTelemetry.start(Map.of("fathom.prometheus.enabled", "maybe", "fathom.prometheus.port", Integer.toString(port)));
    try {
      assertThat(agent.prometheusEndpoint()).isEqualTo("http://127.0.0.1:" + port + "/metrics");
    } finally {
      agent.shutdown(Duration.ofSeconds(5));
    }
  }

  @Test
  void shutdownIsIdempotentAndFreesThePort() throws Exception {
    int port = Prometheus.freePort();
    AgentTelemetry agent = AgentTelemetry.start(Map.of("prometheus.port", Integer.toString(port)));
    assertThat(agent.shutdown(Duration.ofSeconds(5))).isTrue();
    assertThat(agent.shutdown(Duration.ofSeconds(5))).isTrue();
    try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertThat(again.getLocalPort()).isEqualTo(port);
    }
  }

  /** At the JVM's exit the agent stops only the endpoint (its server thread would hold the exit back). */
  @Test
  void stoppingThePrometheusEndpointFreesThePortAndLeavesTheSdkRunning() throws Exception {
    int port = Prometheus.freePort();
    AgentTelemetry agent = AgentTelemetry.start(Map.of("prometheus.port", Integer.toString(port)));
    assertThat(Prometheus.scrape(agent.prometheusEndpoint())).isNotNull();
    agent.stopPrometheus();
    agent.stopPrometheus();
    try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertThat(again.getLocalPort()).isEqualTo(port);
    }
    agent.openTelemetry().getMeter("test").counterBuilder("still.recording").build().add(1);
    assertThat(agent.shutdown(Duration.ofSeconds(5))).isTrue();
  }
}
