package dev.fathom.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fathom's {@code Predictor} must allocate nothing per call beyond what ONNX Runtime's Java API
 * allocates on its own best path ({@code session.run(inputs, pinnedOutputs)}: its result object and
 * name and handle arrays). Both run in this JVM, warmed up until the JIT has compiled them, and the
 * heap bytes each call allocates on this thread are compared: the report's "zero bytes beyond ONNX
 * Runtime's own" target, kept from regressing between benchmark runs, with monitoring off and with
 * telemetry recording every call (nothing sampled: the target's "unsampled path"). Counts bytes,
 * never time.
 */
class FastPathAllocationTest {
  private static final int WARMUP_ROUNDS = 40;
  private static final int CALLS = 5_000;
  /** Less than any object (16 B): what remains is an allocation made once every many calls. */
  private static final double TOLERANCE = 2.0;

  private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @ParameterizedTest
  @ValueSource(strings = {FathomModes.OFF, FathomModes.LATENCY})
  void predictorAllocatesNoMoreThanOnnxRuntimesBestPath(String mode) throws Exception {
    RawOrtBenchmark raw = new RawOrtBenchmark();
    RawOrtBenchmark.Session session = new RawOrtBenchmark.Session();
    session.model = "tiny";
    session.open();
    FathomBenchmark fathom = new FathomBenchmark();
    FathomBenchmark.Serving serving = new FathomBenchmark.Serving();
    serving.model = "tiny";
    serving.mode = mode;
    serving.start();
    try {
      RawOrtBenchmark.Row row = new RawOrtBenchmark.Row();
      row.make(session);
      RawOrtBenchmark.Pinned pinned = new RawOrtBenchmark.Pinned();
      pinned.allocate(session);
      FathomBenchmark.ThreadPredictor predictor = new FathomBenchmark.ThreadPredictor();
      predictor.open(serving);
      try {
        double best = Double.MAX_VALUE;
        double fast = Double.MAX_VALUE;
        // Interleaved rounds; the lowest per-call figure of each is the steady state, after the
        // JIT's escape analysis has removed what it can (equally for both).
        for (int round = 0; round < WARMUP_ROUNDS; round++) {
          best = Math.min(best, bytesPerCall(() -> raw.best(session, row, pinned)));
          fast = Math.min(fast, bytesPerCall(() -> fathom.predictor(predictor)));
        }
        assertThat(best).as("raw best path bytes per call").isGreaterThan(0.0);
        assertThat(fast).as("Fathom Predictor bytes per call (raw best path: %.1f)", best).isLessThan(best + TOLERANCE);
      } finally {
        predictor.close();
        pinned.free();
      }
    } finally {
      serving.stop();
      session.close();
    }
  }

  private interface Call {
    double run() throws Exception;
  }

  private static double bytesPerCall(Call call) throws Exception {
    double sink = 0;
    long before = THREADS.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < CALLS; i++) {
      sink += call.run();
    }
    long after = THREADS.getCurrentThreadAllocatedBytes();
    assertThat(sink).isPositive();
    return (after - before) / (double) CALLS;
  }
}
