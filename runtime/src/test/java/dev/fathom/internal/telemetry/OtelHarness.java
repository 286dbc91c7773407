package dev.fathom.internal.telemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A real OpenTelemetry SDK for tests: two in-memory metric readers (like a Prometheus scrape and
 * an OTLP exporter, each collecting on its own), an in-memory span exporter and an in-memory log
 * record exporter, all synchronous.
 */
final class OtelHarness implements AutoCloseable {
  final InMemoryMetricReader reader = InMemoryMetricReader.create();
  final InMemoryMetricReader secondReader = InMemoryMetricReader.create();
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final InMemoryLogRecordExporter logs = InMemoryLogRecordExporter.create();
  final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).registerMetricReader(secondReader).build())
          .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
          .setLoggerProvider(SdkLoggerProvider.builder().addLogRecordProcessor(SimpleLogRecordProcessor.create(logs)).build())
          .build();

  /** One collection of {@code reader}: metric name to metric. */
  static Map<String, MetricData> collect(InMemoryMetricReader reader) {
    return reader.collectAllMetrics().stream().collect(Collectors.toMap(MetricData::getName, m -> m));
  }

  Map<String, MetricData> collect() {
    return collect(reader);
  }

  static Collection<? extends PointData> points(Map<String, MetricData> metrics, String name) {
    MetricData m = metrics.get(name);
    return m == null ? List.of() : m.getData().getPoints();
  }

  /** The histogram point with exactly these attributes, or null. */
  static HistogramPointData histogram(Map<String, MetricData> metrics, String name, Attributes attributes) {
    MetricData m = metrics.get(name);
    if (m == null) {
      return null;
    }
    return m.getHistogramData().getPoints().stream().filter(p -> p.getAttributes().equals(attributes)).findFirst().orElse(null);
  }

  /** The long value (sum or gauge) with exactly these attributes, or null. */
  static Long longValue(Map<String, MetricData> metrics, String name, Attributes attributes) {
    for (PointData p : points(metrics, name)) {
      if (p.getAttributes().equals(attributes)) {
        return ((LongPointData) p).getValue();
      }
    }
    return null;
  }

  /** The double gauge value with exactly these attributes, or null. */
  static Double doubleValue(Map<String, MetricData> metrics, String name, Attributes attributes) {
    for (PointData p : points(metrics, name)) {
      if (p.getAttributes().equals(attributes)) {
        return ((DoublePointData) p).getValue();
      }
    }
    return null;
  }

  List<SpanData> spans(String name) {
    return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).collect(Collectors.toList());
  }

  List<LogRecordData> events(String name) {
    List<LogRecordData> out = new ArrayList<>();
    for (LogRecordData r : logs.getFinishedLogRecordItems()) {
      if (name.equals(r.getEventName())) {
        out.add(r);
      }
    }
    return out;
  }

  @Override
  public void close() {
    sdk.close();
  }
}
