package dev.fathom.agent.telemetry;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * Exporter wrappers that count the items of every failed export into a {@link DropCounter}. They
 * run on the SDK's export threads (the periodic metric reader, the batch processors), never on a
 * request thread. An exporter that throws is treated as a failed export. Thread-safe as their
 * delegates are.
 */
final class CountingExporters {
  static final String METRICS = "metrics";
  static final String TRACES = "traces";
  static final String LOGS = "logs";

  private CountingExporters() {}

  /**
   * Runs one export and counts its {@code items} as dropped if it throws or its result fails, now
   * or later.
   */
  private static CompletableResultCode counted(Supplier<CompletableResultCode> export, DropCounter drops, String signal, long items) {
    CompletableResultCode result;
    try {
      result = export.get();
    } catch (RuntimeException e) {
      drops.add(signal, items);
      return CompletableResultCode.ofExceptionalFailure(e);
    }
    result.whenComplete(() -> {
      if (!result.isSuccess()) {
        drops.add(signal, items);
      }
    });
    return result;
  }

  static final class Metrics implements MetricExporter {
    private final MetricExporter delegate;
    private final DropCounter drops;

    Metrics(MetricExporter delegate, DropCounter drops) {
      this.delegate = delegate;
      this.drops = drops;
      drops.signal(METRICS);
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      // Count before exporting: with reusable memory the collection is recycled after the call.
      long points = 0;
      for (MetricData m : metrics) {
        points += m.getData().getPoints().size();
      }
      return counted(() -> delegate.export(metrics), drops, METRICS, points);
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return delegate.getAggregationTemporality(instrumentType);
    }

    @Override
    public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
      return delegate.getDefaultAggregation(instrumentType);
    }

    @Override
    public MemoryMode getMemoryMode() {
      return delegate.getMemoryMode();
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }

    @Override
    public String toString() {
      return "Counting{" + delegate + "}";
    }
  }

  static final class Spans implements SpanExporter {
    private final SpanExporter delegate;
    private final DropCounter drops;

    Spans(SpanExporter delegate, DropCounter drops) {
      this.delegate = delegate;
      this.drops = drops;
      drops.signal(TRACES);
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return counted(() -> delegate.export(spans), drops, TRACES, spans.size());
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }

    @Override
    public String toString() {
      return "Counting{" + delegate + "}";
    }
  }

  static final class Logs implements LogRecordExporter {
    private final LogRecordExporter delegate;
    private final DropCounter drops;

    Logs(LogRecordExporter delegate, DropCounter drops) {
      this.delegate = delegate;
      this.drops = drops;
      drops.signal(LOGS);
    }

    @Override
    public CompletableResultCode export(Collection<LogRecordData> logs) {
      return counted(() -> delegate.export(logs), drops, LOGS, logs.size());
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }

    @Override
    public String toString() {
      return "Counting{" + delegate + "}";
    }
  }
}
