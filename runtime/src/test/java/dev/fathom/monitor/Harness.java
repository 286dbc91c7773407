package dev.fathom.monitor;

import dev.fathom.FathomTestAccess;
import dev.fathom.Fathom;
import dev.fathom.InferenceOptions;
import dev.fathom.registry.FeatureSpec;
import dev.fathom.registry.Manifest;
import dev.fathom.registry.PublishRequest;
import dev.fathom.testing.TestData;
import dev.fathom.testing.TestRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A registry in a temporary directory, a Fathom instance over it with the given monitoring options,
 * and a real OpenTelemetry SDK whose metrics and log records are read in memory.
 */
final class Harness implements AutoCloseable {
  final TestRegistry registry;
  final InMemoryMetricReader reader = InMemoryMetricReader.create();
  final InMemoryLogRecordExporter logs = InMemoryLogRecordExporter.create();
  final OpenTelemetrySdk otel;
  final Fathom fathom;
  private final Path dir;

  Harness(Path dir, MonitoringOptions options) {
    this.dir = dir;
    this.registry = new TestRegistry(dir.resolve("models"));
    this.otel = OpenTelemetrySdk.builder()
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
        .setLoggerProvider(SdkLoggerProvider.builder().addLogRecordProcessor(SimpleLogRecordProcessor.create(logs)).build())
        .build();
    this.fathom = Fathom.builder()
        .registry(registry.root())
        .watchInterval(Duration.ZERO)
        .openTelemetry(otel)
        .monitoring(options)
        .inference(InferenceOptions.builder().optimizedModelCache(dir.resolve("cache")).build())
        .build();
  }

  /**
   * tabular_classifier.onnx (4 float columns, probabilities [N,2] labelled legit/fraud, label [N])
   * with constrained features: amount in [0, 10000], age in [18, 120], score nullable, velocity a
   * categorical index over low/medium/high.
   */
  Manifest publishConstrainedClassifier(String name, Path profile) {
    PublishRequest.Builder b = PublishRequest.builder(name, TestData.model("tabular_classifier.onnx"))
        .features(List.of(
            FeatureSpec.numeric("amount").withRange(0.0, 10_000.0),
            FeatureSpec.numeric("age").withRange(18.0, 120.0),
            FeatureSpec.numeric("score").withNullable(true),
            FeatureSpec.categorical("velocity", FeatureSpec.Encoding.INDEX, List.of("low", "medium", "high"))))
        .labels("probabilities", List.of("legit", "fraud"));
    if (profile != null) {
      b.profile(profile);
    }
    return registry.publish(b.build());
  }

  /** mlp16.onnx with a one-hot country (3 columns) and numeric f0..f12. */
  Manifest publishOneHotMlp(String name) {
    List<FeatureSpec> features = new ArrayList<>();
    features.add(FeatureSpec.categorical("country", FeatureSpec.Encoding.ONE_HOT, List.of("DE", "FR", "IT")));
    features.addAll(TestRegistry.numericFeatures("f", 13));
    return registry.publish(PublishRequest.builder(name, TestData.model("mlp16.onnx")).features(features).build());
  }

  boolean flush() {
    return FathomTestAccess.monitoring(fathom).flush(Duration.ofSeconds(10));
  }

  Collection<MetricData> metrics() {
    return reader.collectAllMetrics();
  }

  static MetricData metric(Collection<MetricData> all, String name) {
    for (MetricData m : all) {
      if (m.getName().equals(name)) {
        return m;
      }
    }
    return null;
  }

  static List<PointData> points(Collection<MetricData> all, String name) {
    MetricData m = metric(all, name);
    return m == null ? List.of() : new ArrayList<>(m.getData().getPoints());
  }

  /** The long value (sum or gauge) of the point whose attributes include {@code match}; null when none. */
  static Long longValue(Collection<MetricData> all, String name, Map<String, String> match) {
    for (PointData p : points(all, name)) {
      if (matches(p.getAttributes(), match)) {
        if (p instanceof io.opentelemetry.sdk.metrics.data.LongPointData) {
          return ((io.opentelemetry.sdk.metrics.data.LongPointData) p).getValue();
        }
      }
    }
    return null;
  }

  static Double doubleValue(Collection<MetricData> all, String name, Map<String, String> match) {
    for (PointData p : points(all, name)) {
      if (matches(p.getAttributes(), match) && p instanceof io.opentelemetry.sdk.metrics.data.DoublePointData) {
        return ((io.opentelemetry.sdk.metrics.data.DoublePointData) p).getValue();
      }
    }
    return null;
  }

  static boolean matches(Attributes attributes, Map<String, String> match) {
    for (Map.Entry<String, String> e : match.entrySet()) {
      if (!e.getValue().equals(attributes.get(AttributeKey.stringKey(e.getKey())))) {
        return false;
      }
    }
    return true;
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

  Path dir() {
    return dir;
  }

  @Override
  public void close() {
    fathom.close();
    otel.close();
  }
}
