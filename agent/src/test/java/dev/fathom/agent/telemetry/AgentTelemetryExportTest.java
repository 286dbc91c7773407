package dev.fathom.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fathom.Fathom;
import dev.fathom.Features;
import dev.fathom.InferenceOptions;
import dev.fathom.InputShapeException;
import dev.fathom.Model;
import dev.fathom.Prediction;
import dev.fathom.testing.TestRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's SDK exporting a real Fathom's telemetry over real OTLP/HTTP and Prometheus. */
class AgentTelemetryExportTest {
  static final Duration FLUSH = Duration.ofSeconds(30);

  @TempDir Path dir;
  AgentTelemetry agent;
  Fathom fathom;

  @AfterEach
  void tearDown() {
    if (fathom != null) {
      fathom.close();
    }
    if (agent != null) {
      agent.shutdown(Duration.ofSeconds(10));
    }
  }

  Model mlp() {
    TestRegistry registry = new TestRegistry(dir.resolve("models"));
    registry.publishMlp("mlp");
    fathom =
        Fathom.builder()
            .registry(registry.root())
            .watchInterval(Duration.ZERO)
            .inference(InferenceOptions.builder().optimizedModelCache(dir.resolve("cache")).build())
            .openTelemetry(agent.openTelemetry())
            .build();
    return fathom.model("mlp");
  }

  static float[] row(float value) {
    float[] row = new float[16];
    java.util.Arrays.fill(row, value);
    return row;
  }

  static Map<String, String> attributes(List<KeyValue> kvs) {
    return kvs.stream().collect(Collectors.toMap(KeyValue::getKey, kv -> kv.getValue().hasStringValue() ? kv.getValue().getStringValue() : kv.getValue().toString()));
  }

  @Test
  void otlpReceiverDecodesFathomMetricsSpansAndEvents() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      agent = AgentTelemetry.start(Map.of("otlp.endpoint", receiver.url(), "prometheus.enabled", "false", "service.name", "fraud-service"));
      assertThat(agent.otlpSignals()).containsExactly("metrics", "traces", "logs");
      assertThat(agent.prometheusEndpoint()).isNull();
      Model model = mlp();
      for (int i = 0; i < 20; i++) {
        model.predict(row(0.05f * i));
      }
      assertThatThrownBy(() -> model.predict(new float[2])).isInstanceOf(InputShapeException.class);
      Span request = agent.openTelemetry().getTracer("test").spanBuilder("request").startSpan();
      Prediction traced;
      try (Scope ignored = request.makeCurrent()) {
        traced = model.predict(row(0.3f));
      } finally {
        request.end();
      }

      assertThat(agent.flush(FLUSH)).isTrue();
      assertThat(receiver.contentTypes).allMatch("application/x-protobuf"::equals);

      // Resource and scope.
      var resource = receiver.metrics.get(0).getResourceMetrics(0).getResource();
      assertThat(attributes(resource.getAttributesList())).containsEntry("service.name", "fraud-service");
      assertThat(receiver.metrics.get(0).getResourceMetrics(0).getScopeMetricsList()).anyMatch(sm -> sm.getScope().getName().equals("dev.fathom"));

      // The histogram: 21 calls ran, one of them under a span; the bad input never ran.
      Metric duration = last(receiver.metrics("fathom.inference.duration"));
      assertThat(duration.getUnit()).isEqualTo("s");
      HistogramDataPoint point = duration.getHistogram().getDataPointsList().stream().filter(p -> attributes(p.getAttributesList()).equals(Map.of("model.name", "mlp", "model.version", "1"))).findFirst().orElseThrow();
      assertThat(point.getCount()).isEqualTo(21);
      assertThat(point.getExplicitBoundsList()).hasSize(22).startsWith(1e-6).endsWith(10.0);
      assertThat(point.getBucketCountsList().stream().mapToLong(Long::longValue).sum()).isEqualTo(21);

      Metric percentiles = last(receiver.metrics("fathom.inference.duration.percentile"));
      assertThat(percentiles.getGauge().getDataPointsList()).extracting(p -> attributes(p.getAttributesList()).get("quantile")).containsExactlyInAnyOrder("0.5", "0.9", "0.99", "0.999");
      assertThat(percentiles.getGauge().getDataPointsList()).allMatch(p -> p.getAsDouble() > 0 && p.getAsDouble() <= point.getMax() * 1.01);

      NumberDataPoint info = last(receiver.metrics("fathom.model.info")).getGauge().getDataPoints(0);
      assertThat(info.getAsInt()).isEqualTo(1);
      assertThat(attributes(info.getAttributesList())).containsEntry("model.name", "mlp").containsEntry("model.version", "1").containsKey("model.sha256");

      NumberDataPoint errors = last(receiver.metrics("fathom.inference.errors")).getSum().getDataPoints(0);
      assertThat(errors.getAsInt()).isEqualTo(1);
      assertThat(attributes(errors.getAttributesList())).containsEntry("error.type", "invalid_input");
      assertThat(receiver.metrics("fathom.model.load.duration")).isNotEmpty();
      assertThat(last(receiver.metrics("fathom.inference.rows")).getSum().getDataPoints(0).getAsInt()).isEqualTo(21);
      // Nothing dropped: the drop counter is exported at zero.
      NumberDataPoint dropped =
          last(receiver.metrics("fathom.telemetry.dropped")).getSum().getDataPointsList().stream().filter(p -> attributes(p.getAttributesList()).get("signal").equals("metrics")).findFirst().orElseThrow();
      assertThat(dropped.getAsInt()).isZero();

      // The span, under the caller's.
      var spans = receiver.spans("fathom.predict");
      assertThat(spans).hasSize(1);
      assertThat(HexFormat.of().formatHex(spans.get(0).getParentSpanId().toByteArray())).isEqualTo(request.getSpanContext().getSpanId());
      assertThat(spans.get(0).getAttributesList()).filteredOn(kv -> kv.getKey().equals("fathom.prediction.id")).singleElement().extracting(kv -> kv.getValue().getIntValue()).isEqualTo(traced.id());

      // The load event.
      List<LogRecord> loaded = receiver.events("fathom.model.loaded");
      assertThat(loaded).hasSize(1);
      assertThat(attributes(loaded.get(0).getAttributesList())).containsEntry("model.name", "mlp").containsEntry("model.version", "1");
      assertThat(loaded.get(0).getBody().getStringValue()).startsWith("mlp@1 loaded in ");

      // Shutting down while the receiver is up exports the last data cleanly.
      fathom.close();
      int before = receiver.metrics.size();
      assertThat(agent.shutdown(FLUSH)).isTrue();
      assertThat(receiver.metrics.size()).isGreaterThan(before);
    }
  }

  @Test
  void prometheusScrapeParsesAndCarriesTheFathomSeries() throws Exception {
    int port = Prometheus.freePort();
    agent = AgentTelemetry.start(Map.of("prometheus.port", Integer.toString(port)));
    assertThat(agent.prometheusEndpoint()).isEqualTo("http://127.0.0.1:" + port + "/metrics");
    assertThat(agent.otlpSignals()).isEmpty();
    Model model = mlp();
    for (int i = 0; i < 12; i++) {
      model.predict(row(0.1f));
    }
    List<Features> batch = new ArrayList<>();
    for (int r = 0; r < 5; r++) {
      Features.Builder f = Features.builder();
      for (int c = 0; c < 16; c++) {
        f.put("f" + c, 0.1 * c);
      }
      batch.add(f.build());
    }
    model.predictBatch(batch);
    assertThatThrownBy(() -> model.predict(new float[1])).isInstanceOf(InputShapeException.class);

    List<Prometheus.Sample> samples = Prometheus.parse(Prometheus.scrape(agent.prometheusEndpoint()));
    Map<String, String> mlp = Map.of("model_name", "mlp", "model_version", "1");
    assertThat(Prometheus.find(samples, "fathom_inference_duration_seconds_count", mlp)).singleElement().extracting(Prometheus.Sample::value).isEqualTo(13.0);
    List<Prometheus.Sample> buckets = Prometheus.find(samples, "fathom_inference_duration_seconds_bucket", mlp);
    assertThat(buckets).hasSize(23); // 22 boundaries and +Inf
    assertThat(Prometheus.find(samples, "fathom_inference_duration_seconds_bucket", Map.of("model_name", "mlp", "le", "+Inf")).get(0).value()).isEqualTo(13.0);
    assertThat(Prometheus.find(samples, "fathom_inference_duration_seconds_sum", mlp)).hasSize(1);
    for (String q : new String[] {"0.5", "0.9", "0.99", "0.999"}) {
      Map<String, String> labels = new HashMap<>(mlp);
      labels.put("quantile", q);
      assertThat(Prometheus.find(samples, "fathom_inference_duration_percentile_seconds", labels)).as("quantile " + q).singleElement().extracting(Prometheus.Sample::value).matches(v -> v > 0);
    }
    assertThat(Prometheus.find(samples, "fathom_model_info", mlp)).singleElement().extracting(Prometheus.Sample::value).isEqualTo(1.0);
    assertThat(Prometheus.find(samples, "fathom_inference_errors_total", Map.of("model_name", "mlp", "error_type", "invalid_input"))).singleElement().extracting(Prometheus.Sample::value).isEqualTo(1.0);
    assertThat(Prometheus.find(samples, "fathom_inference_rows_total", mlp)).singleElement().extracting(Prometheus.Sample::value).isEqualTo(17.0);
    assertThat(Prometheus.find(samples, "fathom_inference_batch_size_bucket", Map.of("model_name", "mlp", "le", "8.0"))).singleElement().extracting(Prometheus.Sample::value).isEqualTo(1.0);
    assertThat(Prometheus.find(samples, "fathom_inference_batch_size_bucket", Map.of("model_name", "mlp", "le", "4.0"))).singleElement().extracting(Prometheus.Sample::value).isEqualTo(0.0);
    assertThat(Prometheus.find(samples, "fathom_model_load_duration_seconds_count", mlp)).singleElement().extracting(Prometheus.Sample::value).isEqualTo(1.0);
  }

  @Test
  void fathomInstrumentsKeepMoreSeriesThanTheSdkDefault() throws Exception {
    int port = Prometheus.freePort();
    agent = AgentTelemetry.start(Map.of("prometheus.port", Integer.toString(port)));
    // 3000 series: over the SDK's default limit of 2000 per instrument, which still applies to
    // instruments of other scopes
    io.opentelemetry.api.metrics.LongCounter fathomCounter = agent.openTelemetry().getMeter("dev.fathom").counterBuilder("fathom.test.wide").build();
    io.opentelemetry.api.metrics.LongCounter otherCounter = agent.openTelemetry().getMeter("com.example").counterBuilder("example.wide").build();
    io.opentelemetry.api.common.AttributeKey<String> bin = io.opentelemetry.api.common.AttributeKey.stringKey("bin");
    for (int i = 0; i < 3000; i++) {
      fathomCounter.add(1, io.opentelemetry.api.common.Attributes.of(bin, Integer.toString(i)));
      otherCounter.add(1, io.opentelemetry.api.common.Attributes.of(bin, Integer.toString(i)));
    }
    List<Prometheus.Sample> samples = Prometheus.parse(Prometheus.scrape(agent.prometheusEndpoint()));
    List<Prometheus.Sample> fathom = Prometheus.find(samples, "fathom_test_wide_total", Map.of());
    assertThat(fathom).hasSize(3000);
    assertThat(fathom).noneMatch(s -> "true".equals(s.labels().get("otel_metric_overflow")));
    assertThat(Prometheus.find(samples, "example_wide_total", Map.of())).hasSizeLessThan(3000)
        .anyMatch(s -> "true".equals(s.labels().get("otel_metric_overflow")));
  }

  @Test
  void withTheCollectorDownPredictionsGoOnAndDropsAreCounted() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    int prometheusPort = Prometheus.freePort();
    agent =
        AgentTelemetry.start(
            Map.of(
                "otlp.endpoint", "http://127.0.0.1:" + closedPort,
                "prometheus.port", Integer.toString(prometheusPort),
                // Fail fast instead of retrying with backoff: the drop is the same, the test shorter.
                "otel.java.exporter.otlp.retry.disabled", "true"));
    Model model = mlp();
    int ok = 0;
    for (int i = 0; i < 200; i++) {
      model.predict(row(0.01f * i));
      ok++;
    }
    assertThat(ok).isEqualTo(200);

    assertThat(agent.flush(FLUSH)).as("nothing could be exported").isFalse();
    assertThat(agent.dropped("metrics")).isPositive();
    assertThat(agent.dropped("logs")).as("the fathom.model.loaded event").isEqualTo(1);
    assertThat(agent.dropped("traces")).isZero();

    // Predictions still work after the failed exports, and the drops are visible to Prometheus.
    assertThat(model.predict(row(0.5f)).version()).isEqualTo(1);
    List<Prometheus.Sample> samples = Prometheus.parse(Prometheus.scrape(agent.prometheusEndpoint()));
    assertThat(Prometheus.find(samples, "fathom_telemetry_dropped_total", Map.of("signal", "metrics", "reason", "export_failed")))
        .singleElement()
        .extracting(Prometheus.Sample::value)
        .isEqualTo((double) agent.dropped("metrics"));
    assertThat(Prometheus.find(samples, "fathom_inference_duration_seconds_count", Map.of("model_name", "mlp"))).singleElement().extracting(Prometheus.Sample::value).isEqualTo(201.0);
  }

  private static <T> T last(List<T> list) {
    assertThat(list).isNotEmpty();
    return list.get(list.size() - 1);
  }
}
