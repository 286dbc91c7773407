package dev.fathom.internal.telemetry;

import static dev.fathom.internal.telemetry.OtelHarness.doubleValue;
import static dev.fathom.internal.telemetry.OtelHarness.histogram;
import static dev.fathom.internal.telemetry.OtelHarness.longValue;
import static dev.fathom.internal.telemetry.OtelHarness.points;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.within;

import dev.fathom.internal.inference.DatalessCall;
import dev.fathom.internal.inference.CallView;
import dev.fathom.internal.inference.InferenceObserver;
import dev.fathom.internal.inference.ObserverFactory;
import dev.fathom.registry.FileDigest;
import dev.fathom.registry.Lineage;
import dev.fathom.registry.Manifest;
import dev.fathom.telemetry.TelemetryOptions;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Metrics recorded through the observer with a fake clock, read through the real SDK. */
class TelemetryMetricsTest {
  static final String DURATION = "fathom.inference.duration";
  static final String PERCENTILE = "fathom.inference.duration.percentile";
  static final String ERRORS = "fathom.inference.errors";
  static final String BATCH = "fathom.inference.batch.size";
  static final String ROWS = "fathom.inference.rows";
  static final String INFO = "fathom.model.info";

  final OtelHarness otel = new OtelHarness();
  final FakeTicker ticker = new FakeTicker();
  Telemetry telemetry;

  @AfterEach
  void tearDown() {
    if (telemetry != null) {
      telemetry.close();
    }
    otel.close();
  }

  Telemetry telemetry(TelemetryOptions options) {
    telemetry = Telemetry.create(otel.sdk, options, ticker, false);
    return telemetry;
  }

  static ObserverFactory.VersionInfo version(String name, long version) {
    return version(name, version, Lineage.unknown());
  }

  static ObserverFactory.VersionInfo version(String name, long version, Lineage lineage) {
    String sha = "ab".repeat(32);
    Manifest manifest =
        new Manifest(Manifest.FORMAT_VERSION, name, version, "2026-01-01T00:00:00Z", new FileDigest("model.onnx", sha, 100), null, null, null, lineage, null);
    return new ObserverFactory.VersionInfo(manifest, null, Path.of("unused"));
  }

  /** Records one successful call that took exactly {@code nanos}. */
  void call(InferenceObserver observer, long nanos, int rows) {
    long token = observer.start();
    ticker.advance(nanos);
    observer.succeeded(token, new DatalessCall(rows, 42));
  }

  static Attributes model(String name, String version) {
    return Attributes.of(FathomAttributes.MODEL_NAME, name, FathomAttributes.MODEL_VERSION, version);
  }

  static Attributes quantile(Attributes base, String q) {
    return base.toBuilder().put(FathomAttributes.QUANTILE, q).build();
  }

  @Test
  void exactPercentilesAndBucketCountsFromKnownLatencies() {
    InferenceObserver observer = telemetry(TelemetryOptions.defaults()).observer(version("fraud", 3));
    // 1 µs, 2 µs, ... 1000 µs, recorded in a shuffled order.
    List<Integer> micros = new java.util.ArrayList<>();
    for (int k = 1; k <= 1000; k++) {
      micros.add(k);
    }
    java.util.Collections.shuffle(micros, new java.util.Random(7));
    for (int k : micros) {
      call(observer, k * 1000L, 1);
    }

    Map<String, MetricData> metrics = otel.collect();
    Attributes attrs = model("fraud", "3");
    // Nearest-rank percentiles of 1..1000 µs; precision 2 reports the top of each value's 1% range.
    double[][] expected = {{0.5, 500e-6}, {0.9, 900e-6}, {0.99, 990e-6}, {0.999, 999e-6}};
    String[] labels = {"0.5", "0.9", "0.99", "0.999"};
    for (int i = 0; i < expected.length; i++) {
      Double value = doubleValue(metrics, PERCENTILE, quantile(attrs, labels[i]));
      assertThat(value).as("p" + labels[i]).isNotNull();
      assertThat(value).isGreaterThanOrEqualTo(expected[i][1]).isLessThanOrEqualTo(expected[i][1] * 1.01);
    }
    assertThat(points(metrics, PERCENTILE)).hasSize(4);

    HistogramPointData h = histogram(metrics, DURATION, attrs);
    assertThat(h.getCount()).isEqualTo(1000);
    assertThat(h.getSum()).isCloseTo(0.5005, within(1e-9));
    assertThat(h.getMin()).isEqualTo(1e-6);
    assertThat(h.getMax()).isEqualTo(1e-3);
    assertThat(h.getBoundaries()).isEqualTo(TelemetryOptions.DEFAULT_DURATION_BUCKETS);
    // Buckets are (previous, boundary]: 1 | 2 | 3..5 | 6..10 | 11..25 | 26..50 | 51..100 | 101..250 | 251..500 | 501..1000 µs
    assertThat(h.getCounts().subList(0, 11)).containsExactly(1L, 1L, 3L, 5L, 15L, 25L, 50L, 150L, 250L, 500L, 0L);
    assertThat(h.getCounts().stream().mapToLong(Long::longValue).sum()).isEqualTo(1000);

    assertThat(longValue(metrics, ROWS, attrs)).isEqualTo(1000);
    assertThat(histogram(metrics, BATCH, attrs)).as("single-row calls are not in the batch histogram").isNull();
  }

  @Test
  void percentilesAreExactBelowThePrecisionLimit() {
    // With 3 digits, every value below 2048 ns has its own bucket: the percentiles are the values.
    InferenceObserver observer = telemetry(TelemetryOptions.builder().percentilePrecision(3).percentiles(0.5, 0.9, 0.99, 0.999, 1.0).build()).observer(version("fraud", 3));
    for (int k = 1000; k >= 1; k--) {
      call(observer, k, 1);
    }
    Map<String, MetricData> metrics = otel.collect();
    Attributes attrs = model("fraud", "3");
    assertThat(doubleValue(metrics, PERCENTILE, quantile(attrs, "0.5"))).isEqualTo(500 / 1e9);
    assertThat(doubleValue(metrics, PERCENTILE, quantile(attrs, "0.9"))).isEqualTo(900 / 1e9);
    assertThat(doubleValue(metrics, PERCENTILE, quantile(attrs, "0.99"))).isEqualTo(990 / 1e9);
    assertThat(doubleValue(metrics, PERCENTILE, quantile(attrs, "0.999"))).isEqualTo(999 / 1e9);
    assertThat(doubleValue(metrics, PERCENTILE, quantile(attrs, "1"))).isEqualTo(1000 / 1e9);
  }

  @Test
  void readersDoNotStealTheWindowFromEachOther() {
    InferenceObserver observer = telemetry(TelemetryOptions.defaults()).observer(version("fraud", 3));
    Attributes p50 = quantile(model("fraud", "3"), "0.5");
    for (int i = 0; i < 100; i++) {
      call(observer, 10_000, 1);
    }
    // The first reader collects: the second still sees the same calls, and so does the first again.
    double first = doubleValue(otel.collect(), PERCENTILE, p50);
    assertThat(doubleValue(OtelHarness.collect(otel.secondReader), PERCENTILE, p50)).isEqualTo(first);
    assertThat(doubleValue(otel.collect(), PERCENTILE, p50)).isEqualTo(first);
    assertThat(first).isBetween(10e-6, 10.1e-6);

    // 300 slower calls: only the second reader collects, then the first sees them too.
    for (int i = 0; i < 300; i++) {
      call(observer, 1_000_000, 1);
    }
    double second = doubleValue(OtelHarness.collect(otel.secondReader), PERCENTILE, p50);
    assertThat(second).isBetween(1e-3, 1.01e-3);
    assertThat(doubleValue(otel.collect(), PERCENTILE, p50)).isEqualTo(second);
  }

  @Test
  void theWindowSlidesOneSliceAtATime() {
    InferenceObserver observer = telemetry(TelemetryOptions.builder().percentileWindow(Duration.ofSeconds(60), 4).build()).observer(version("fraud", 3));
    Attributes p50 = quantile(model("fraud", "3"), "0.5");
    for (int i = 0; i < 30; i++) {
      call(observer, 1_000_000, 1); // 1 ms
    }
    telemetry.tick(); // closes the 1 ms slice
    for (int i = 0; i < 10; i++) {
      call(observer, 2_000_000, 1); // 2 ms, in the slice in progress
    }
    assertThat(doubleValue(otel.collect(), PERCENTILE, p50)).isBetween(1e-3, 1.01e-3);
    telemetry.tick(); // closes the 2 ms slice
    telemetry.tick();
    telemetry.tick();
    // Four slices are kept: the 1 ms slice is still in the window.
    assertThat(doubleValue(otel.collect(), PERCENTILE, p50)).isBetween(1e-3, 1.01e-3);
    telemetry.tick();
    // The fifth tick since it closed drops it: only the 2 ms calls remain.
    assertThat(doubleValue(otel.collect(), PERCENTILE, p50)).isBetween(2e-3, 2.02e-3);
    telemetry.tick();
    assertThat(points(otel.collect(), PERCENTILE)).isEmpty();
    // The cumulative histogram keeps everything.
    assertThat(histogram(otel.collect(), DURATION, model("fraud", "3")).getCount()).isEqualTo(40);
  }

  @Test
  void percentilesLeaveTheWindowExactlyAfterItsSlices() {
    InferenceObserver observer = telemetry(TelemetryOptions.builder().percentileWindow(Duration.ofSeconds(4), 4).build()).observer(version("fraud", 3));
    call(observer, 5_000, 1);
    Attributes p50 = quantile(model("fraud", "3"), "0.5");
    telemetry.tick();
    for (int i = 0; i < 3; i++) {
      telemetry.tick();
      assertThat(doubleValue(otel.collect(), PERCENTILE, p50)).as("after %d more ticks", i + 1).isNotNull();
    }
    telemetry.tick();
    assertThat(doubleValue(otel.collect(), PERCENTILE, p50)).isNull();
  }

  @Test
  void errorsAreCountedByTypeAndTimedWhenTheCallRan() {
    InferenceObserver observer = telemetry(TelemetryOptions.defaults()).observer(version("fraud", 3));
    observer.failed(0L, "invalid_input");
    observer.failed(0L, "invalid_input");
    long token = observer.start();
    ticker.advance(7_000);
    observer.failed(token, "inference_failed");
    call(observer, 3_000, 1);

    Map<String, MetricData> metrics = otel.collect();
    Attributes base = model("fraud", "3");
    assertThat(longValue(metrics, ERRORS, base.toBuilder().put(FathomAttributes.ERROR_TYPE, "invalid_input").build())).isEqualTo(2);
    assertThat(longValue(metrics, ERRORS, base.toBuilder().put(FathomAttributes.ERROR_TYPE, "inference_failed").build())).isEqualTo(1);
    assertThat(points(metrics, ERRORS)).hasSize(2);
    // Only the call that ran has a duration; the failed one carries its error type.
    HistogramPointData failed = histogram(metrics, DURATION, base.toBuilder().put(FathomAttributes.ERROR_TYPE, "inference_failed").build());
    assertThat(failed.getCount()).isEqualTo(1);
    assertThat(failed.getSum()).isEqualTo(7e-6);
    assertThat(histogram(metrics, DURATION, base).getCount()).isEqualTo(1);
    // Percentiles cover successful calls only.
    assertThat(doubleValue(metrics, PERCENTILE, quantile(base, "0.999"))).isBetween(3e-6, 3.03e-6);
  }

  @Test
  void errorTypesAreCapped() {
    InferenceObserver observer = telemetry(TelemetryOptions.defaults()).observer(version("fraud", 3));
    for (int i = 0; i < 40; i++) {
      observer.failed(0L, "type_" + i);
    }
    Map<String, MetricData> metrics = otel.collect();
    assertThat(points(metrics, ERRORS)).hasSize(Series.MAX_ERROR_TYPES);
    long other = longValue(metrics, ERRORS, model("fraud", "3").toBuilder().put(FathomAttributes.ERROR_TYPE, FathomAttributes.OTHER).build());
    assertThat(other).isEqualTo(40 - (Series.MAX_ERROR_TYPES - 1));
  }

  @Test
  void rowsAreCountedAndMultiRowCallsHistogrammed() {
    InferenceObserver observer = telemetry(TelemetryOptions.defaults()).observer(version("fraud", 3));
    call(observer, 1000, 1);
    call(observer, 1000, 1);
    call(observer, 1000, 2);
    call(observer, 1000, 3);
    call(observer, 1000, 100);
    Map<String, MetricData> metrics = otel.collect();
    assertThat(longValue(metrics, ROWS, model("fraud", "3"))).isEqualTo(107);
    HistogramPointData batches = histogram(metrics, BATCH, model("fraud", "3"));
    assertThat(batches.getCount()).isEqualTo(3);
    assertThat(batches.getSum()).isEqualTo(105.0);
    // boundaries 2, 4, 8, 16, 32, 64, 128, ...
    assertThat(batches.getCounts().subList(0, 7)).containsExactly(1L, 1L, 0L, 0L, 0L, 0L, 1L);
    assertThat(histogram(metrics, DURATION, model("fraud", "3")).getCount()).isEqualTo(5);
  }

  @Test
  void modelInfoIsOnePerLoadedVersionWithLineage() {
    Lineage lineage = new Lineage(new Lineage.CodeRevision("git@example:fraud.git", "0123abcd", false), new Lineage.DataVersion("s3://d/train.csv", "cd".repeat(32), 4000L), null, null, null);
    Telemetry t = telemetry(TelemetryOptions.defaults());
    InferenceObserver v3 = t.observer(version("fraud", 3, lineage));
    t.observer(version("fraud", 4));
    Map<String, MetricData> metrics = otel.collect();
    assertThat(points(metrics, INFO)).hasSize(2);
    Attributes info3 =
        model("fraud", "3").toBuilder()
            .put(FathomAttributes.MODEL_SHA256, "ab".repeat(32))
            .put(FathomAttributes.CODE_COMMIT, "0123abcd")
            .put(FathomAttributes.DATA_SHA256, "cd".repeat(32))
            .build();
    assertThat(longValue(metrics, INFO, info3)).isEqualTo(1);
    assertThat(longValue(metrics, INFO, model("fraud", "4").toBuilder().put(FathomAttributes.MODEL_SHA256, "ab".repeat(32)).build())).isEqualTo(1);

    v3.close();
    v3.close(); // idempotent
    assertThat(points(otel.collect(), INFO)).hasSize(1);
  }

  @Test
  void lineageCanBeLeftOut() {
    Lineage lineage = new Lineage(new Lineage.CodeRevision("repo", "0123abcd", false), null, null, null, null);
    telemetry(TelemetryOptions.builder().lineageAttributes(false).build()).observer(version("fraud", 3, lineage));
    assertThat(longValue(otel.collect(), INFO, model("fraud", "3").toBuilder().put(FathomAttributes.MODEL_SHA256, "ab".repeat(32)).build())).isEqualTo(1);
  }

  @Test
  void versionsOverTheCapShareTheOverflowSeries() {
    Telemetry t = telemetry(TelemetryOptions.builder().maxModelVersions(2).percentileWindow(Duration.ofSeconds(1), 1).build());
    InferenceObserver a1 = t.observer(version("a", 1));
    InferenceObserver a2 = t.observer(version("a", 2));
    InferenceObserver a3 = t.observer(version("a", 3));
    InferenceObserver b1 = t.observer(version("b", 1));
    call(a1, 1000, 1);
    call(a3, 2000, 1);
    call(b1, 3000, 1);
    a3.failed(0L, "invalid_input");

    Map<String, MetricData> metrics = otel.collect();
    Attributes other = model(FathomAttributes.OTHER, FathomAttributes.OTHER);
    assertThat(histogram(metrics, DURATION, model("a", "1")).getCount()).isEqualTo(1);
    assertThat(histogram(metrics, DURATION, other).getCount()).isEqualTo(2);
    assertThat(points(metrics, DURATION)).hasSize(2);
    assertThat(longValue(metrics, ERRORS, other.toBuilder().put(FathomAttributes.ERROR_TYPE, "invalid_input").build())).isEqualTo(1);
    // model.info: one per version with its own series, and one for the overflow series.
    assertThat(longValue(metrics, INFO, other)).isEqualTo(1);
    assertThat(points(metrics, INFO)).hasSize(3);
    assertThat(points(metrics, PERCENTILE)).hasSize(4 * 2); // a@1 and _other (a@2 recorded nothing)

    // a@1 closes; once its window has passed its slot is free for the next version.
    a1.close();
    t.tick();
    t.tick();
    InferenceObserver c1 = t.observer(version("c", 1));
    call(c1, 1000, 1);
    metrics = otel.collect();
    assertThat(histogram(metrics, DURATION, model("c", "1")).getCount()).isEqualTo(1);
    assertThat(longValue(metrics, INFO, model("c", "1").toBuilder().put(FathomAttributes.MODEL_SHA256, "ab".repeat(32)).build())).isEqualTo(1);
    a2.close();
    b1.close();
  }

  @Test
  void aVersionLoadedAgainReusesItsSeries() {
    Telemetry t = telemetry(TelemetryOptions.builder().maxModelVersions(1).build());
    InferenceObserver first = t.observer(version("a", 1));
    call(first, 1000, 1);
    first.close();
    InferenceObserver again = t.observer(version("a", 1));
    call(again, 1000, 1);
    Map<String, MetricData> metrics = otel.collect();
    assertThat(histogram(metrics, DURATION, model("a", "1")).getCount()).isEqualTo(2);
    assertThat(points(metrics, DURATION)).hasSize(1);
  }

  @Test
  void observerNeverThrows() {
    InferenceObserver observer = telemetry(TelemetryOptions.defaults()).observer(version("fraud", 3));
    CallView broken =
        new DatalessCall(1, 1) {
          @Override
          public int rows() {
            throw new IllegalStateException("broken view");
          }
        };
    assertThatCode(() -> observer.succeeded(observer.start(), broken)).doesNotThrowAnyException();
    assertThatCode(() -> observer.failed(observer.start(), null)).doesNotThrowAnyException();
  }

  @Test
  void aFailingOpenTelemetryDisablesTelemetryWithoutThrowing() {
    OpenTelemetry broken =
        new OpenTelemetry() {
          @Override
          public io.opentelemetry.api.trace.TracerProvider getTracerProvider() {
            throw new IllegalStateException("no tracer for you");
          }

          @Override
          public io.opentelemetry.context.propagation.ContextPropagators getPropagators() {
            return io.opentelemetry.context.propagation.ContextPropagators.noop();
          }
        };
    Telemetry t = Telemetry.create(broken, TelemetryOptions.defaults());
    assertThat(t.observer(version("a", 1))).isSameAs(InferenceObserver.NOOP);
    t.close();
  }

  @Test
  void disabledOrNoopTelemetryRecordsNothing() {
    assertThat(telemetry(TelemetryOptions.disabled()).observer(version("a", 1))).isSameAs(InferenceObserver.NOOP);
    telemetry.close();
    Telemetry noop = Telemetry.create(OpenTelemetry.noop(), TelemetryOptions.defaults());
    assertThat(noop.observer(version("a", 1))).isSameAs(InferenceObserver.NOOP);
    noop.close();
  }
}
