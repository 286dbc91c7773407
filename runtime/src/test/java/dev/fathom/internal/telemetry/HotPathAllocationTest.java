package dev.fathom.internal.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fathom.internal.inference.DatalessCall;
import dev.fathom.internal.inference.InferenceObserver;
import dev.fathom.telemetry.TelemetryOptions;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The unsampled hot path (start, succeeded, no parent span) allocates nothing, SDK included. */
class HotPathAllocationTest {
  @Test
  void recordingACallAllocatesNothing() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs per-thread allocation counters");
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
    threads.setThreadAllocatedMemoryEnabled(true);

    try (OtelHarness otel = new OtelHarness()) {
      Telemetry telemetry = Telemetry.create(otel.sdk, TelemetryOptions.defaults(), Ticker.SYSTEM, false);
      InferenceObserver observer = telemetry.observer(TelemetryMetricsTest.version("fraud", 3));
      DatalessCall call = new DatalessCall(1, 7);
      // Enough calls for C2 to compile the path (escape analysis removes what the interpreter allocates).
      for (int i = 0; i < 200_000; i++) {
        observer.succeeded(observer.start(), call);
      }
      otel.collect(); // the series exist in the SDK now, as in steady state
      long thread = Thread.currentThread().getId();
      int calls = 200_000;
      long allocated = Long.MAX_VALUE;
      // The JIT compiles in the background: on a busy machine a round may still run interpreted
      // code, so take the best of a few rounds. One object per call would be >= 3.2 MB a round.
      for (int round = 0; round < 10 && allocated >= 16 * 1024; round++) {
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < calls; i++) {
          observer.succeeded(observer.start(), call);
        }
        allocated = threads.getThreadAllocatedBytes(thread) - before;
      }
      assertThat(allocated).as("bytes allocated by %d calls", calls).isLessThan(16 * 1024);
      telemetry.close();
    }
  }
}
