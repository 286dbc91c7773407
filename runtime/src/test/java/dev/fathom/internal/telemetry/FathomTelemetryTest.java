package dev.fathom.internal.telemetry;

import static dev.fathom.internal.telemetry.OtelHarness.histogram;
import static dev.fathom.internal.telemetry.OtelHarness.longValue;
import static dev.fathom.internal.telemetry.OtelHarness.points;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fathom.Fathom;
import dev.fathom.Features;
import dev.fathom.InferenceOptions;
import dev.fathom.InputShapeException;
import dev.fathom.Model;
import dev.fathom.ModelLoadException;
import dev.fathom.Prediction;
import dev.fathom.Predictor;
import dev.fathom.telemetry.TelemetryOptions;
import dev.fathom.testing.TestRegistry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Telemetry of a real {@link Fathom} running real models in ONNX Runtime, read through the SDK. */
class FathomTelemetryTest {
  @TempDir Path dir;
  TestRegistry registry;
  OtelHarness otel;
  Fathom fathom;

  @BeforeEach
  void setUp() {
    registry = new TestRegistry(dir.resolve("models"));
    otel = new OtelHarness();
  }

  @AfterEach
  void tearDown() {
    if (fathom != null) {
      fathom.close();
    }
    otel.close();
  }

  Fathom fathom(TelemetryOptions options) {
    fathom =
        Fathom.builder()
            .registry(registry.root())
            .watchInterval(Duration.ZERO)
            .inference(InferenceOptions.builder().optimizedModelCache(dir.resolve("cache")).build())
            .openTelemetry(otel.sdk)
            .telemetry(options)
            .build();
    return fathom;
  }

  static Attributes model(String name, String version) {
    return Attributes.of(FathomAttributes.MODEL_NAME, name, FathomAttributes.MODEL_VERSION, version);
  }

  static float[] row(float value) {
    float[] row = new float[16];
    java.util.Arrays.fill(row, value);
    return row;
  }

  @Test
  void everyCallPathIsCountedWithItsRows() {
    registry.publishMlp("mlp");
    Model model = fathom(TelemetryOptions.defaults()).model("mlp");
    for (int i = 0; i < 5; i++) {
      model.predict(row(0.1f * i));
    }
    try (Predictor predictor = model.predictor()) {
      for (int i = 0; i < 4; i++) {
        predictor.predict(row(0.2f));
      }
    }
    List<Features> batch = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      Features.Builder f = Features.builder();
      for (int c = 0; c < 16; c++) {
        f.put("f" + c, r + c);
      }
      batch.add(f.build());
    }
    model.predictBatch(batch);

    Map<String, MetricData> metrics = otel.collect();
    Attributes attrs = model("mlp", "1");
    HistogramPointData duration = histogram(metrics, "fathom.inference.duration", attrs);
    assertThat(duration.getCount()).as("calls, warm-up excluded").isEqualTo(10);
    assertThat(duration.getMin()).isPositive();
    assertThat(longValue(metrics, "fathom.inference.rows", attrs)).isEqualTo(12);
    HistogramPointData batches = histogram(metrics, "fathom.inference.batch.size", attrs);
    assertThat(batches.getCount()).isEqualTo(1);
    assertThat(batches.getSum()).isEqualTo(3.0);
    assertThat(points(metrics, "fathom.inference.duration.percentile")).hasSize(4).allMatch(p -> p.getAttributes().get(FathomAttributes.MODEL_NAME).equals("mlp"));
    assertThat(longValue(metrics, "fathom.model.info", attrs.toBuilder().put(FathomAttributes.MODEL_SHA256, model.manifest().model().sha256()).build())).isEqualTo(1);
    HistogramPointData load = histogram(metrics, "fathom.model.load.duration", attrs);
    assertThat(load.getCount()).isEqualTo(1);
  }

  @Test
  void badInputsAreCountedAsInvalidInput() {
    registry.publishMlp("mlp");
    Model model = fathom(TelemetryOptions.defaults()).model("mlp");
    assertThatThrownBy(() -> model.predict(new float[3])).isInstanceOf(InputShapeException.class);
    assertThatThrownBy(() -> model.predict(Features.builder().put("f0", 1.0).build())).isInstanceOf(dev.fathom.InvalidInputException.class);
    model.predict(row(0.5f));

    Map<String, MetricData> metrics = otel.collect();
    Attributes invalid = model("mlp", "1").toBuilder().put(FathomAttributes.ERROR_TYPE, "invalid_input").build();
    assertThat(longValue(metrics, "fathom.inference.errors", invalid)).isEqualTo(2);
    assertThat(points(metrics, "fathom.inference.errors")).hasSize(1);
    // Rejected before running: no duration recorded for them.
    assertThat(histogram(metrics, "fathom.inference.duration", invalid)).isNull();
    assertThat(histogram(metrics, "fathom.inference.duration", model("mlp", "1")).getCount()).isEqualTo(1);
  }

  @Test
  void aCorruptVersionIsCountedAsChecksumMismatchAndReported() {
    registry.publishMlp("mlp");
    Model model = fathom(TelemetryOptions.defaults()).model("mlp");
    registry.dropCorruptVersion("mlp", 1, 2);
    fathom.refresh();
    assertThat(model.predict(row(0.5f)).version()).isEqualTo(1);
    // A corrupt version requested directly fails the same way.
    assertThatThrownBy(() -> fathom.model("mlp@2")).isInstanceOf(ModelLoadException.class);

    Map<String, MetricData> metrics = otel.collect();
    Attributes mismatch = Attributes.of(FathomAttributes.MODEL_NAME, "mlp", FathomAttributes.ERROR_TYPE, "checksum_mismatch");
    assertThat(longValue(metrics, "fathom.model.load.failures", mismatch)).isEqualTo(2);
    assertThat(points(metrics, "fathom.model.load.failures")).hasSize(1);
    assertThat(histogram(metrics, "fathom.model.load.duration", model("mlp", "1")).getCount()).isEqualTo(1);
    assertThat(histogram(metrics, "fathom.model.load.duration", model("mlp", "2"))).isNull();

    List<LogRecordData> loaded = otel.events(FathomEvents.MODEL_LOADED);
    assertThat(loaded).hasSize(1);
    assertThat(loaded.get(0).getAttributes().get(FathomAttributes.MODEL_VERSION)).isEqualTo("1");
    assertThat(loaded.get(0).getSeverity()).isEqualTo(Severity.INFO);
    assertThat(loaded.get(0).getInstrumentationScopeInfo().getName()).isEqualTo(FathomAttributes.SCOPE);

    List<LogRecordData> failed = otel.events(FathomEvents.MODEL_LOAD_FAILED);
    assertThat(failed).hasSize(2);
    LogRecordData event = failed.get(0);
    assertThat(event.getSeverity()).isEqualTo(Severity.WARN);
    assertThat(event.getAttributes().get(FathomAttributes.MODEL_NAME)).isEqualTo("mlp");
    assertThat(event.getAttributes().get(FathomAttributes.MODEL_VERSION)).isEqualTo("2");
    assertThat(event.getAttributes().get(FathomAttributes.ERROR_TYPE)).isEqualTo("checksum_mismatch");
    assertThat(event.getAttributes().get(FathomAttributes.EXCEPTION_TYPE)).isEqualTo(dev.fathom.ChecksumMismatchException.class.getName());
    assertThat(event.getAttributes().get(FathomAttributes.EXCEPTION_MESSAGE)).contains("mlp@2");
    assertThat(event.getBodyValue().asString()).contains("mlp@2 failed to load (checksum_mismatch)");
  }

  @Test
  void predictSpanNestsUnderTheCallersSpan() {
    registry.publishMlp("mlp");
    Model model = fathom(TelemetryOptions.defaults()).model("mlp");
    Tracer tracer = otel.sdk.getTracer("test");

    model.predict(row(0.1f));
    assertThat(otel.spans("fathom.predict")).as("no span without a parent").isEmpty();

    Span request = tracer.spanBuilder("request").startSpan();
    Prediction prediction;
    try (Scope ignored = request.makeCurrent()) {
      prediction = model.predict(row(0.2f));
    } finally {
      request.end();
    }
    List<SpanData> spans = otel.spans("fathom.predict");
    assertThat(spans).hasSize(1);
    SpanData span = spans.get(0);
    assertThat(span.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
    assertThat(span.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
    assertThat(span.getAttributes().get(FathomAttributes.MODEL_NAME)).isEqualTo("mlp");
    assertThat(span.getAttributes().get(FathomAttributes.MODEL_VERSION)).isEqualTo("1");
    assertThat(span.getAttributes().get(FathomAttributes.PREDICTION_ID)).isEqualTo(prediction.id());
    assertThat(span.getAttributes().get(FathomAttributes.ROWS)).isEqualTo(1L);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.getEndEpochNanos()).isGreaterThanOrEqualTo(span.getStartEpochNanos());

    // A failed call under a parent gets an error span.
    Span second = tracer.spanBuilder("request").startSpan();
    try (Scope ignored = second.makeCurrent()) {
      assertThatThrownBy(() -> model.predict(new float[2])).isInstanceOf(InputShapeException.class);
    } finally {
      second.end();
    }
    SpanData failed = otel.spans("fathom.predict").get(1);
    assertThat(failed.getParentSpanId()).isEqualTo(second.getSpanContext().getSpanId());
    assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(failed.getAttributes().get(FathomAttributes.ERROR_TYPE)).isEqualTo("invalid_input");
  }

  @Test
  void spanModesAlwaysAndNever() {
    registry.publishMlp("mlp");
    registry.publishMlp("other");
    Model always = fathom(TelemetryOptions.builder().spans(TelemetryOptions.SpanMode.ALWAYS).build()).model("mlp");
    always.predict(row(0.1f));
    assertThat(otel.spans("fathom.predict")).hasSize(1);
    assertThat(otel.spans("fathom.predict").get(0).getParentSpanContext().isValid()).isFalse();
    fathom.close();

    Model never = fathom(TelemetryOptions.builder().spans(TelemetryOptions.SpanMode.NEVER).build()).model("other");
    Span request = otel.sdk.getTracer("test").spanBuilder("request").startSpan();
    try (Scope ignored = request.makeCurrent()) {
      never.predict(row(0.1f));
    } finally {
      request.end();
    }
    assertThat(otel.spans("fathom.predict")).hasSize(1);
    assertThat(histogram(otel.collect(), "fathom.inference.duration", model("other", "1")).getCount()).isEqualTo(1);
  }

  @Test
  void rawInputValuesNeverLeaveTheProcess() {
    registry.publishClassifier("fraud");
    Model model = fathom(TelemetryOptions.builder().spans(TelemetryOptions.SpanMode.ALWAYS).build()).model("fraud");
    double[] secrets = {4242.4242, 17.171717, 0.31415926, 99.887766};
    model.predict(Features.builder().put("amount", secrets[0]).put("age", secrets[1]).put("score", secrets[2]).put("velocity", secrets[3]).build());
    assertThatThrownBy(() -> model.predict(Features.builder().put("amount", secrets[0]).build())).isInstanceOf(dev.fathom.InvalidInputException.class);

    List<Attributes> exported = new ArrayList<>();
    for (MetricData m : otel.collect().values()) {
      for (PointData p : m.getData().getPoints()) {
        exported.add(p.getAttributes());
      }
    }
    otel.spans.getFinishedSpanItems().forEach(s -> exported.add(s.getAttributes()));
    otel.logs.getFinishedLogRecordItems().forEach(r -> exported.add(r.getAttributes()));
    assertThat(exported).isNotEmpty();
    for (Attributes attrs : exported) {
      attrs.forEach((key, value) -> {
        for (double secret : secrets) {
          assertThat(String.valueOf(value)).as(key.getKey()).doesNotContain(String.valueOf(secret)).doesNotContain(String.valueOf((float) secret));
        }
      });
    }
  }
}
