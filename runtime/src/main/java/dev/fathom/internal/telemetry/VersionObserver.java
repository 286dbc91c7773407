package dev.fathom.internal.telemetry;

import dev.fathom.internal.inference.CallView;
import dev.fathom.internal.inference.InferenceObserver;
import dev.fathom.telemetry.TelemetryOptions.SpanMode;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Records the calls of one loaded version: latency into the percentile window and the {@code
 * fathom.inference.duration} histogram, rows into {@code fathom.inference.rows} (and {@code
 * fathom.inference.batch.size} for multi-row calls), failures into {@code fathom.inference.errors},
 * and a {@code fathom.predict} span when the span mode asks for one.
 *
 * <p>The hot path ({@link #start}, {@link #succeeded} of a single-row call without a span) reads
 * the clock twice, records into a wait-free HdrHistogram recorder and one OpenTelemetry histogram
 * with attributes built at load, and checks the current context for a parent span: no allocation,
 * no lock of its own. Its rows are counted by the recorder (multi-row calls add their extra rows
 * to a {@link java.util.concurrent.atomic.LongAdder}). The
 * span, when there is one, is created after the call with the call's own start time, so nothing is
 * held between {@link #start} and {@link #succeeded}. Thread-safe; never throws.
 */
final class VersionObserver implements InferenceObserver {
  private final Telemetry telemetry;
  private final Series series;
  private final Attributes attributes;
  private final PercentileWindow window;
  private final boolean metrics;
  private final SpanMode spanMode;
  private final AtomicBoolean closed = new AtomicBoolean();

  VersionObserver(Telemetry telemetry, Series series) {
    this.telemetry = telemetry;
    this.series = series;
    this.attributes = series.attributes;
    this.window = series.window;
    this.metrics = telemetry.metrics;
    this.spanMode = telemetry.tracer == null ? SpanMode.NEVER : telemetry.spanMode;
  }

  @Override
  public long start() {
    return telemetry.ticker.nanoTime();
  }

  @Override
  public void succeeded(long token, CallView call) {
    try {
      long end = telemetry.ticker.nanoTime();
      long nanos = token == 0L ? -1L : Math.max(0L, end - token);
      // One context lookup serves the histogram (trace-based exemplars) and the parent-span check.
      Context context = Context.current();
      if (metrics) {
        int rows = call.rows();
        // fathom.inference.rows is the window's count of timed calls plus the extra rows of
        // multi-row calls, so a timed single-row call, the common case, adds to no counter here
        int uncounted = rows;
        if (nanos >= 0) {
          window.record(nanos);
          telemetry.duration.record(nanos / 1e9, attributes, context);
          uncounted = rows - 1;
        }
        if (uncounted != 0) {
          series.extraRows.add(uncounted);
        }
        if (rows != 1) {
          // Single-row calls, the common case, are left out: they are the duration count minus this
          // histogram's count, and skipping them saves an SDK record on the hot path.
          telemetry.batchSize.record(rows, attributes, context);
        }
      }
      if (spanMode != SpanMode.NEVER) {
        span(context, nanos, call, null);
      }
    } catch (RuntimeException | LinkageError e) {
      telemetry.log.warn("recording a call of " + series.key + " failed", e);
    }
  }

  @Override
  public void failed(long token, String errorType) {
    try {
      long nanos = token == 0L ? -1L : Math.max(0L, telemetry.ticker.nanoTime() - token);
      String type = errorType == null ? "unknown" : errorType;
      Context context = Context.current();
      if (metrics) {
        Attributes errorAttributes = series.errorAttributes(type);
        telemetry.errors.add(1, errorAttributes, context);
        if (nanos >= 0) {
          telemetry.duration.record(nanos / 1e9, errorAttributes, context);
        }
      }
      if (spanMode != SpanMode.NEVER) {
        span(context, nanos, null, type);
      }
    } catch (RuntimeException | LinkageError e) {
      telemetry.log.warn("recording a failed call of " + series.key + " failed", e);
    }
  }

  /**
   * Records {@code fathom.predict} after the fact, from the call's start to now, under the span
   * active on this thread (or as a root span in {@link SpanMode#ALWAYS}).
   *
   * @param nanos the call's duration, or -1 when it was rejected before it started
   */
  private void span(Context context, long nanos, CallView call, String errorType) {
    if (spanMode == SpanMode.PARENT_ONLY && !Span.fromContext(context).getSpanContext().isValid()) {
      return;
    }
    long endEpoch = telemetry.ticker.epochNanos();
    long startEpoch = nanos > 0 ? endEpoch - nanos : endEpoch;
    var builder =
        telemetry.tracer
            .spanBuilder("fathom.predict")
            .setParent(context)
            .setSpanKind(SpanKind.INTERNAL)
            .setStartTimestamp(startEpoch, TimeUnit.NANOSECONDS)
            .setAllAttributes(attributes);
    if (call != null) {
      builder.setAttribute(FathomAttributes.PREDICTION_ID, call.firstPredictionId());
      builder.setAttribute(FathomAttributes.ROWS, (long) call.rows());
    }
    Span span = builder.startSpan();
    if (errorType != null) {
      span.setAttribute(FathomAttributes.ERROR_TYPE, errorType);
      span.setStatus(StatusCode.ERROR, errorType);
    }
    span.end(endEpoch, TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        telemetry.release(series);
      } catch (RuntimeException e) {
        telemetry.log.warn("releasing " + series.key + " failed", e);
      }
    }
  }
}
