package dev.fathom.agent.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongCounter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts telemetry that never reached its destination: items (metric points, spans, log records)
 * in exports that failed or timed out, per signal. Exported as {@code fathom.telemetry.dropped}
 * with {@code signal} ({@code metrics}, {@code traces}, {@code logs}) and {@code reason} ({@code
 * export_failed}); a signal appears once it has an exporter. Thread-safe, lock-free.
 *
 * <p>Metric points are cumulative, so a failed metrics export loses resolution rather than counts:
 * the next successful export carries the totals again. Spans and events in a failed export are
 * gone.
 */
final class DropCounter {
  static final String METRIC = "fathom.telemetry.dropped";
  static final AttributeKey<String> SIGNAL = AttributeKey.stringKey("signal");
  static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");
  static final String EXPORT_FAILED = "export_failed";

  private final Map<String, LongAdder> bySignal = new ConcurrentHashMap<>();

  /** Declares a signal (it is exported from now on, at 0 until something drops). */
  LongAdder signal(String signal) {
    return bySignal.computeIfAbsent(signal, s -> new LongAdder());
  }

  void add(String signal, long items) {
    signal(signal).add(items);
  }

  /** Items of {@code signal} dropped so far. */
  long dropped(String signal) {
    LongAdder adder = bySignal.get(signal);
    return adder == null ? 0 : adder.sum();
  }

  /** Registers {@value #METRIC} on {@code meter}; close the result to unregister. */
  ObservableLongCounter register(Meter meter) {
    return meter
        .counterBuilder(METRIC)
        .setUnit("{item}")
        .setDescription("Telemetry items (metric points, spans, log records) in exports that failed or timed out.")
        .buildWithCallback(m -> bySignal.forEach((signal, adder) -> m.record(adder.sum(), Attributes.of(SIGNAL, signal, REASON, EXPORT_FAILED))));
  }
}
