package dev.fathom.bench;

import dev.fathom.Model;
import dev.fathom.Predictor;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Fathom serving the model from a local registry, two ways:
 *
 * <ul>
 *   <li>{@link #predictor}: the fast path, one {@link Predictor} per thread: the row goes into a
 *       reused native buffer and the output is read in place from a pinned native buffer;
 *   <li>{@link #modelPredict}: the thread-safe convenience path {@link Model#predict(float[])},
 *       which borrows a pooled binding and returns an immutable {@code Prediction}.
 * </ul>
 *
 * <p>The {@code mode} parameter says what Fathom watches while it serves; see {@link FathomModes}.
 * The model is published with numeric features {@code f0..f(n-1)} so monitoring modes can name them,
 * and, in the monitored modes, with a reference profile of generated training rows (see {@link
 * BenchRegistry}).
 */
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class FathomBenchmark {

  /** One Fathom instance and model shared by all threads. */
  @State(Scope.Benchmark)
  public static class Serving {
    @Param({"tiny", "medium"})
    public String model;

    /** What Fathom monitors; values are listed in {@link FathomModes}. */
    @Param({FathomModes.OFF, FathomModes.LATENCY, FathomModes.SAMPLED_1PCT, FathomModes.SAMPLED_100PCT})
    public String mode;

    FathomModes.Instance instance;
    Model served;
    private Path directory;

    @Setup(Level.Trial)
    public void start() {
      JitRealism.likeAnApplication();
      BenchModel m = BenchModel.of(model);
      directory = BenchModel.tempDirectory("fathom");
      Path file = m.writeTo(directory);
      Path registry = BenchRegistry.publish(directory, "bench", file, m.features(), FathomModes.needsProfile(mode));
      instance = FathomModes.open(mode, registry);
      served = instance.fathom.model("bench");
    }

    @TearDown(Level.Trial)
    public void stop() {
      if (instance != null) {
        String summary = instance.summary("bench", 1);
        if (!summary.isEmpty()) {
          System.out.println(summary);
        }
        instance.close();
      }
      BenchModel.deleteRecursively(directory);
    }
  }

  /** One thread's predictor and row. */
  @State(Scope.Thread)
  public static class ThreadPredictor {
    Predictor predictor;
    float[] row;

    @Setup(Level.Trial)
    public void open(Serving s) {
      predictor = s.served.predictor();
      row = BenchModel.of(s.model).row();
    }

    @TearDown(Level.Trial)
    public void close() {
      predictor.close();
    }
  }

  @Benchmark
  public double predictor(ThreadPredictor t) {
    t.predictor.predict(t.row);
    return t.predictor.output(0);
  }

  /** One thread's row, for the shared path. */
  @State(Scope.Thread)
  public static class ThreadRow {
    float[] row;

    @Setup(Level.Trial)
    public void make(Serving s) {
      row = BenchModel.of(s.model).row();
    }
  }

  @Benchmark
  public double modelPredict(Serving s, ThreadRow r) {
    return s.served.predict(r.row).value();
  }
}
