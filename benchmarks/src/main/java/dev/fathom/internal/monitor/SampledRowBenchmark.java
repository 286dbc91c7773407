package dev.fathom.internal.monitor;

import dev.fathom.monitor.MonitoringOptions;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What one sampled row costs monitoring, for a model of {@code features} numeric features (20, the
 * issue's case): the request thread's share (the sampling draw and cap, the copy into a pooled
 * sample, the hand-off) and the analyzer's share (observe-mode validation, the drift window, the
 * feature-value metrics, holding the prediction for its outcome, and the window evaluation every
 * 1000 samples, amortized), with Fathom's default monitoring settings except that every row is
 * sampled. One operation is one sampled row; each invocation hands over {@value #BATCH} rows.
 *
 * <ul>
 *   <li>{@link #requestAndAnalyzer}: both sides on one thread, back to back: the figure the
 *       target (at most 40 ns per feature) is about;
 *   <li>{@link #requestThread}: the request side only (the slots are freed unanalyzed);
 *   <li>{@link #analyzer}: the analyzer side only, on a hand-off filled before each invocation.
 * </ul>
 *
 * Rows cycle through 1024 rows of the training distribution, so windows look like production
 * without drift. See {@link MonitorHarness} for the set-up.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SampledRowBenchmark {
  static final int BATCH = 64;

  /** The monitored version and its call. */
  @State(Scope.Thread)
  public static class Pipeline {
    @Param({"20"})
    public int features;

    MonitorHarness harness;

    @Setup(Level.Trial)
    public void open() {
      harness = new MonitorHarness(features, 1024, MonitoringOptions.builder().samplingRate(1.0).maxSamplesPerSecond(100_000_000).build());
    }

    @TearDown(Level.Trial)
    public void close() {
      if (harness != null) {
        System.out.println("fathom-bench: " + harness.sampled() + " rows sampled, " + harness.dropped() + " dropped; last window: "
            + (harness.monitor().lastReport() == null ? "none" : harness.monitor().lastReport().samples() + " samples"));
        harness.close();
      }
    }
  }

  /**
   * A hand-off filled with {@value SampledRowBenchmark#BATCH} rows before each invocation, for
   * {@link #analyzer}. The benchmark reaches the pipeline through this state only: JMH gives a
   * state that is both a helper's argument and a benchmark's argument two separate instances.
   */
  @State(Scope.Thread)
  public static class Filled {
    Pipeline pipeline;

    @Setup(Level.Invocation)
    public void fill(Pipeline p) {
      pipeline = p;
      for (int i = 0; i < BATCH; i++) {
        p.harness.request();
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int requestAndAnalyzer(Pipeline p) {
    for (int i = 0; i < BATCH; i++) {
      p.harness.request();
    }
    return p.harness.analyze(System.nanoTime());
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int requestThread(Pipeline p) {
    for (int i = 0; i < BATCH; i++) {
      p.harness.request();
    }
    return p.harness.discard();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int analyzer(Filled filled) {
    return filled.pipeline.harness.analyze(System.nanoTime());
  }
}
