package dev.fathom.bench;

import dev.fathom.Fathom;
import dev.fathom.monitor.MonitoringOptions;
import dev.fathom.monitor.ValidationMode;
import dev.fathom.telemetry.TelemetryOptions;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The values of {@link FathomBenchmark}'s {@code mode} parameter: what Fathom watches while it
 * serves, and the OpenTelemetry SDK it exports through.
 *
 * <ul>
 *   <li>{@value #OFF}: telemetry and monitoring switched off ({@link TelemetryOptions#disabled()},
 *       {@link MonitoringOptions#disabled()}, the no-op OpenTelemetry): the baseline.
 *   <li>{@value #LATENCY}: telemetry only, through a real SDK: latency percentiles and histogram,
 *       rows, spans as children of an active span (there is none here, so none is recorded, as in a
 *       service without tracing). Monitoring is on but samples nothing (rate 0, validation off).
 *   <li>{@value #SAMPLED_1PCT}: telemetry plus monitoring with its defaults: 1% of rows sampled
 *       (capped at 1000 a second), validation observe, drift windows of 1000 samples or 60 s
 *       against the reference profile published with the model.
 *   <li>{@value #SAMPLED_100PCT}: every row drawn for sampling (the per-second cap lifted), drift
 *       windows closing every 1000 samples; the analyzer thread takes what the hand-off can hold
 *       and drops (and counts) the rest.
 * </ul>
 *
 * The SDK has a meter provider with an {@link InMemoryMetricReader}, which collects only when
 * asked (once, at the end of a trial, to print what monitoring did), and a tracer provider without
 * processors: the shape of an application under the agent, minus the exporter threads. The
 * monitored modes publish the model with a reference profile built by the runtime's profile
 * builder from generated training rows, so the analyzer really tests drift.
 */
public final class FathomModes {
  public static final String OFF = "off";
  public static final String LATENCY = "latency";
  public static final String SAMPLED_1PCT = "sampled-1pct";
  public static final String SAMPLED_100PCT = "sampled-100pct-drift";
  public static final List<String> ALL = List.of(OFF, LATENCY, SAMPLED_1PCT, SAMPLED_100PCT);

  private FathomModes() {}

  /** Whether {@code mode} compares live rows with a reference profile (published with the model). */
  public static boolean needsProfile(String mode) {
    check(mode);
    return !OFF.equals(mode);
  }

  /** Fathom serving {@code registry} in {@code mode}; close it after the trial. */
  public static Instance open(String mode, Path registry) {
    check(mode);
    if (OFF.equals(mode)) {
      return new Instance(mode, configure(Fathom.builder().registry(registry), mode, OpenTelemetry.noop()).build(), null, null, null);
    }
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(reader).build();
    SdkTracerProvider traces = SdkTracerProvider.builder().build();
    OpenTelemetry otel = OpenTelemetrySdk.builder().setMeterProvider(meters).setTracerProvider(traces).build();
    Fathom fathom = configure(Fathom.builder().registry(registry), mode, otel).build();
    return new Instance(mode, fathom, reader, meters, traces);
  }

  /** Applies {@code mode}'s telemetry and monitoring options to a builder that already has its registry. */
  public static Fathom.Builder configure(Fathom.Builder builder, String mode, OpenTelemetry otel) {
    switch (check(mode)) {
      case OFF:
        return builder.openTelemetry(otel).telemetry(TelemetryOptions.disabled()).monitoring(MonitoringOptions.disabled());
      case LATENCY:
        return builder.openTelemetry(otel).telemetry(TelemetryOptions.defaults())
            .monitoring(MonitoringOptions.builder().samplingRate(0).validation(ValidationMode.OFF).build());
      case SAMPLED_1PCT:
        return builder.openTelemetry(otel).telemetry(TelemetryOptions.defaults()).monitoring(MonitoringOptions.defaults());
      default:
        return builder.openTelemetry(otel).telemetry(TelemetryOptions.defaults())
            .monitoring(MonitoringOptions.builder().samplingRate(1.0).maxSamplesPerSecond(100_000_000).build());
    }
  }

  private static String check(String mode) {
    if (!ALL.contains(mode)) {
      throw new IllegalArgumentException("unknown mode '" + mode + "'; this build knows: " + String.join(", ", ALL));
    }
    return mode;
  }

  /** One Fathom instance in a mode, with the SDK behind it. Not thread-safe; one per trial. */
  public static final class Instance implements AutoCloseable {
    public final String mode;
    public final Fathom fathom;
    private final InMemoryMetricReader reader;
    private final SdkMeterProvider meters;
    private final SdkTracerProvider traces;

    Instance(String mode, Fathom fathom, InMemoryMetricReader reader, SdkMeterProvider meters, SdkTracerProvider traces) {
      this.mode = mode;
      this.fathom = fathom;
      this.reader = reader;
      this.meters = meters;
      this.traces = traces;
    }

    /** The metrics exported so far (one collection), or none in mode {@value #OFF}. */
    public Collection<MetricData> collect() {
      return reader == null ? List.of() : reader.collectAllMetrics();
    }

    /**
     * One line on what monitoring did in the trial (sampled and dropped rows, drift windows), so a
     * benchmark log shows that the analyzer's work was real; empty in mode {@value #OFF}.
     */
    public String summary(String model, long version) {
      if (reader == null) {
        return "";
      }
      dev.fathom.BenchAccess.monitoring(fathom).flush(java.time.Duration.ofSeconds(5));
      long sampled = 0;
      long rateLimited = 0;
      long queueFull = 0;
      long calls = 0;
      for (MetricData m : collect()) {
        switch (m.getName()) {
          case "fathom.sampling.samples":
            sampled += m.getLongSumData().getPoints().stream().mapToLong(p -> p.getValue()).sum();
            break;
          case "fathom.sampling.dropped":
            for (var p : m.getLongSumData().getPoints()) {
              String reason = p.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("reason"));
              if ("rate_limit".equals(reason)) {
                rateLimited += p.getValue();
              } else {
                queueFull += p.getValue();
              }
            }
            break;
          case "fathom.inference.duration":
            calls += m.getHistogramData().getPoints().stream().mapToLong(p -> p.getCount()).sum();
            break;
          default:
            break;
        }
      }
      var report = dev.fathom.BenchAccess.monitoring(fathom).lastReport(model, version);
      String drift = report == null
          ? "no drift window closed"
          : String.format(Locale.ROOT, "last drift window: %d samples, %d columns tested, severity %s", report.samples(), report.columns().size(),
              report.severity());
      long analyzerNanos = analyzerCpuNanos();
      String analyzer = analyzerNanos < 0 || sampled == 0 ? "" : String.format(Locale.ROOT, "; analyzer thread CPU %.1f ms, %.2f µs per sampled row",
          analyzerNanos / 1e6, analyzerNanos / 1e3 / sampled);
      return String.format(Locale.ROOT, "fathom-bench: mode %s: %d calls timed, %d rows sampled, dropped %d over the cap and %d with the hand-off full; "
          + "reference: %s; %s%s", mode, calls, sampled, rateLimited, queueFull, dev.fathom.BenchAccess.monitoring(fathom).referenceSource(model, version), drift, analyzer);
    }

    /** CPU time of Fathom's analyzer thread so far (it starts with the first monitored version), or -1. */
    static long analyzerCpuNanos() {
      java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t.getName().equals("fathom-analyzer")) {
          return threads.getThreadCpuTime(t.getId());
        }
      }
      return -1;
    }

    @Override
    public void close() {
      try {
        fathom.close();
      } finally {
        if (meters != null) {
          meters.close();
        }
        if (traces != null) {
          traces.close();
        }
      }
    }
  }
}
