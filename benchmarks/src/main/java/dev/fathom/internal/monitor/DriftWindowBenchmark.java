package dev.fathom.internal.monitor;

import dev.fathom.monitor.DriftReport;
import dev.fathom.monitor.DriftThresholds;
import dev.fathom.monitor.MonitoringOptions;
import dev.fathom.monitor.ReferenceProfile;
import dev.fathom.registry.LocalRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What closing one drift window costs the analyzer, for a model of {@code features} numeric
 * features (100, the case) and windows of {@value #WINDOW} samples. Before each invocation
 * a fresh window is filled (not measured) with rows of the training distribution; one operation
 * then closes it:
 *
 * <ul>
 *   <li>{@link #closeWindow}: what the analyzer does when a window is due: {@code
 *       DriftEngine.evaluate} over every feature and the prediction, then the published gauges and
 *       the per-feature severity states (and a drift event when a severity rises);
 *   <li>{@link #evaluate}: {@code DriftEngine.evaluate} alone: the statistics (PSI, JS, KS,
 *       Wasserstein, mean and rank shift, missing rate; Holm's correction).
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DriftWindowBenchmark {
  static final int WINDOW = 1000;
  /** A "now" that never makes a window due: the benchmark decides when windows close. */
  private static final long NEVER_DUE = Long.MIN_VALUE / 4;

  /** The monitored version; its windows close only when the benchmark asks. */
  @State(Scope.Thread)
  public static class Pipeline {
    @Param({"20", "100"})
    public int features;

    MonitorHarness harness;
    DriftEngine engine;
    float[][] rows;
    private int at;

    @Setup(Level.Trial)
    public void open() {
      // windows close by time only (1 ns, so at the first drain the benchmark lets see the time)
      harness = new MonitorHarness(features, 4096, MonitoringOptions.builder().samplingRate(1.0).maxSamplesPerSecond(100_000_000).queueCapacity(2048)
          .window(1_000_000, Duration.ofNanos(1)).build());
      LocalRegistry registry = new LocalRegistry(harness.directory.resolve("registry"));
      ReferenceProfile profile = ReferenceProfile.read(registry.profileFile("monitored", 1));
      List<ColumnReference> refs = new ArrayList<>();
      for (ColumnReference r : new MonitoredColumns(harness.call.signature()).references(profile)) {
        if (r != null) {
          refs.add(r);
        }
      }
      engine = new DriftEngine(refs, WINDOW);
      rows = dev.fathom.bench.BenchRegistry.rows(4096, features, 13L);
    }

    @TearDown(Level.Trial)
    public void close() {
      if (harness != null) {
        DriftReport last = harness.monitor().lastReport();
        System.out.println("fathom-bench: last window closed by the monitor: " + (last == null ? "none" : last.samples() + " samples, "
            + last.columns().size() + " columns, severity " + last.severity()));
        harness.close();
      }
    }

    /** The engine's next window: {@value DriftWindowBenchmark#WINDOW} rows, features then the prediction. */
    void fillEngine() {
      engine.reset();
      double[] values = new double[engine.columns()];
      for (int r = 0; r < WINDOW; r++) {
        float[] row = rows[at];
        at = (at + 1) % rows.length;
        for (int c = 0; c < values.length; c++) {
          values[c] = c < row.length ? row[c] : 0.5;
        }
        engine.addRow(values);
      }
    }
  }

  /**
   * A window of the monitor filled before each invocation. Benchmarks reach the pipeline through
   * these states only: JMH gives a state that is both a helper's argument and a benchmark's
   * argument two separate instances.
   */
  @State(Scope.Thread)
  public static class MonitorWindow {
    Pipeline pipeline;

    @Setup(Level.Invocation)
    public void fill(Pipeline p) {
      pipeline = p;
      for (int r = 0; r < WINDOW; r++) {
        p.harness.request();
        if ((r & 511) == 511) {
          p.harness.analyze(NEVER_DUE);
        }
      }
      p.harness.analyze(NEVER_DUE);
    }
  }

  /** A window of the bare engine filled before each invocation. */
  @State(Scope.Thread)
  public static class EngineWindow {
    Pipeline pipeline;

    @Setup(Level.Invocation)
    public void fill(Pipeline p) {
      pipeline = p;
      p.fillEngine();
    }
  }

  @Benchmark
  public int closeWindow(MonitorWindow w) {
    return w.pipeline.harness.analyze(System.nanoTime());
  }

  @Benchmark
  public DriftReport evaluate(EngineWindow w) {
    return w.pipeline.engine.evaluate("monitored", 1L, DriftThresholds.defaults(), Instant.EPOCH, Instant.EPOCH);
  }
}
