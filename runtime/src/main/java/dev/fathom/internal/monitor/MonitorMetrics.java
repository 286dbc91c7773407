package dev.fathom.internal.monitor;

import dev.fathom.internal.telemetry.FathomAttributes;
import dev.fathom.internal.telemetry.FathomEvents;
import dev.fathom.internal.util.ThrottledLog;
import dev.fathom.monitor.ColumnProfile;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;

/**
 * The OpenTelemetry instruments of sampling, validation, drift and ground truth (scope {@code
 * dev.fathom}):
 *
 * <ul>
 *   <li>{@code fathom.validation.violations} counter {model.name, model.version, feature, rule}
 *   <li>{@code fathom.drift.score} gauge {feature, method} and {@code fathom.drift.severity} gauge
 *       {feature} (0 none, 1 warn, 2 alert), from each version's last closed window
 *   <li>{@code fathom.feature.values} counter {feature, bin}: sampled values per reference bin
 *       (value bins from 0, {@value ColumnProfile#OTHER_BIN} other categories, {@value
 *       ColumnProfile#MISSING_BIN} missing), cumulative since the version loaded, one series per
 *       bin the reference uses, so a backend sums bins across instances; {@code
 *       fathom.feature.reference} gauge {feature, bin, prev_bin}: the reference share of each bin,
 *       for fleet-wide PSI in PromQL (see {@code examples/prometheus})
 *   <li>{@code fathom.sampling.samples} and {@code fathom.sampling.dropped} {reason} counters
 *   <li>{@code fathom.outcome.accuracy|precision|recall|auc|mae|rmse|count} gauges
 *   <li>event {@code fathom.drift.detected} (a log record) when a column's severity rises
 * </ul>
 *
 * Thread-safe; the observable callbacks read the versions' published snapshots.
 */
final class MonitorMetrics implements AutoCloseable {
  private static final ThrottledLog LOG = new ThrottledLog(java.util.logging.Logger.getLogger(MonitorMetrics.class.getName()), 6);

  final LongCounter violations;
  final FathomEvents events;
  private final List<AutoCloseable> observers = new ArrayList<>();

  MonitorMetrics(OpenTelemetry otel, Supplier<Collection<VersionMonitor>> versions) {
    Meter meter = otel.getMeterProvider().meterBuilder(FathomAttributes.SCOPE).build();
    this.events = FathomEvents.create(otel);
    this.violations = meter.counterBuilder("fathom.validation.violations")
        .setDescription("Schema violations per feature and rule (enforce: every rejected call; observe: sampled rows)")
        .setUnit("{violation}")
        .build();
    // Counted by the analyzer in a primitive array and read here at collection: an SDK histogram
    // record per sampled value cost the analyzer about 23 ns per feature.
    observers.add(meter.counterBuilder("fathom.feature.values")
        .setDescription("Sampled values per reference bin (0.. value bins, 14 other, 15 missing), summable across instances")
        .setUnit("{value}")
        .buildWithCallback(m -> each(versions, v -> v.recordValueCounts(m))));
    observers.add(meter.gaugeBuilder("fathom.feature.reference")
        .setDescription("Reference share of each fathom.feature.values bin, for fleet-wide PSI")
        .buildWithCallback(m -> each(versions, v -> v.recordReference(m))));
    observers.add(meter.gaugeBuilder("fathom.drift.score")
        .setDescription("Drift of the last closed window per feature (or prediction:<output>) and method")
        .buildWithCallback(m -> each(versions, v -> v.recordScores(m))));
    observers.add(meter.gaugeBuilder("fathom.drift.severity")
        .setDescription("Drift severity of the last closed window: 0 none, 1 warn, 2 alert")
        .ofLongs()
        .buildWithCallback(m -> each(versions, v -> v.recordSeverities(m))));
    observers.add(meter.counterBuilder("fathom.sampling.samples")
        .setDescription("Rows sampled for validation and drift")
        .setUnit("{sample}")
        .buildWithCallback(m -> each(versions, v -> v.recordSampled(m))));
    observers.add(meter.counterBuilder("fathom.sampling.dropped")
        .setDescription("Rows drawn for sampling but dropped: over the per-second cap, or the hand-off full")
        .setUnit("{sample}")
        .buildWithCallback(m -> each(versions, v -> v.recordDropped(m))));
    for (OutcomeMetric metric : OutcomeMetric.values()) {
      if (metric == OutcomeMetric.COUNT) {
        observers.add(meter.gaugeBuilder(metric.instrument)
            .setDescription("Joined outcomes the outcome metrics are computed over")
            .ofLongs()
            .buildWithCallback(m -> each(versions, v -> v.recordOutcomeCount(m))));
      } else {
        observers.add(meter.gaugeBuilder(metric.instrument)
            .setDescription(metric.description)
            .buildWithCallback(m -> each(versions, v -> v.recordOutcome(metric, m))));
      }
    }
  }

  /** The outcome gauges. */
  enum OutcomeMetric {
    ACCURACY("fathom.outcome.accuracy", "Share of correct predictions among the latest joined outcomes"),
    PRECISION("fathom.outcome.precision", "Precision (binary: of the second label; else macro average) of the latest joined outcomes"),
    RECALL("fathom.outcome.recall", "Recall (binary: of the second label; else macro average) of the latest joined outcomes"),
    AUC("fathom.outcome.auc", "ROC AUC (binary; else macro one-vs-rest) of the latest joined outcomes"),
    MAE("fathom.outcome.mae", "Mean absolute error of the latest joined outcomes"),
    RMSE("fathom.outcome.rmse", "Root mean squared error of the latest joined outcomes"),
    COUNT("fathom.outcome.count", "");

    final String instrument;
    final String description;

    OutcomeMetric(String instrument, String description) {
      this.instrument = instrument;
      this.description = description;
    }
  }

  interface VersionCallback {
    void accept(VersionMonitor version);
  }

  private static void each(Supplier<Collection<VersionMonitor>> versions, VersionCallback callback) {
    for (VersionMonitor v : versions.get()) {
      try {
        callback.accept(v);
      } catch (RuntimeException e) {
        LOG.warn("a monitoring metric callback failed for " + v, e);
      }
    }
  }

  @Override
  public void close() {
    for (AutoCloseable o : observers) {
      try {
        o.close();
      } catch (Exception e) {
        java.util.logging.Logger.getLogger(MonitorMetrics.class.getName()).log(Level.FINE, "closing an instrument failed", e);
      }
    }
  }
}
