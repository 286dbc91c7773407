package dev.fathom.internal.monitor;

import dev.fathom.bench.BenchModel;
import dev.fathom.bench.BenchRegistry;
import dev.fathom.bench.FathomModes;
import dev.fathom.bench.JitRealism;
import dev.fathom.internal.inference.InferenceObserver;
import dev.fathom.internal.inference.LoadedVersion;
import dev.fathom.registry.ModelReference;
import java.nio.file.Path;
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
 * What monitoring adds to one call on the request thread, measured without the call: the observer
 * Fathom builds for the tiny model's loaded version in each {@code mode} ({@link FathomModes}),
 * called as a prediction calls it ({@code start()} right before inference, {@code succeeded()}
 * right after), on a one-row call view. The p50 of a whole prediction (about 1.8 µs) moves by
 * ±30 ns between runs on a shared machine; this isolates the part monitoring adds, to a few ns.
 * Mode {@value FathomModes#OFF} is the empty observer (the baseline: nearly nothing). The
 * 100%-sampled mode is left out: at this benchmark's call rate the hand-off is always full, so it
 * would time the dropping path ({@link SampledRowBenchmark#requestThread} times a sampled row).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ObserverBenchmark {

  /** Fathom serving the tiny model in a mode, and that version's observer. */
  @State(Scope.Thread)
  public static class Hooks {
    @Param({FathomModes.OFF, FathomModes.LATENCY, FathomModes.SAMPLED_1PCT})
    public String mode;

    FathomModes.Instance instance;
    InferenceObserver observer;
    MonitorHarness.RowCall call;
    private Path directory;

    @Setup(Level.Trial)
    public void start() {
      JitRealism.likeAnApplication();
      BenchModel m = BenchModel.TINY;
      directory = java.nio.file.Path.of(System.getProperty("java.io.tmpdir")).resolve("fathom-bench-hooks-" + System.nanoTime());
      try {
        java.nio.file.Files.createDirectories(directory);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      Path registry = BenchRegistry.publish(directory, "bench", m.writeTo(directory), m.features(), FathomModes.needsProfile(mode));
      instance = FathomModes.open(mode, registry);
      LoadedVersion version = dev.fathom.BenchAccess.engine(instance.fathom).slot(ModelReference.parse("bench")).current();
      observer = version.observer();
      float[][] rows = BenchRegistry.rows(1024, m.features(), 5L);
      call = new MonitorHarness.RowCall(version.signature(), rows, new double[rows.length]);
    }

    @TearDown(Level.Trial)
    public void stop() {
      if (instance != null) {
        instance.close();
      }
      try (java.util.stream.Stream<Path> paths = java.nio.file.Files.walk(directory)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (java.io.IOException e) {
        // a leftover temporary directory is harmless
      }
    }
  }

  @Benchmark
  public long observedCall(Hooks h) {
    MonitorHarness.RowCall call = h.call.next();
    long token = h.observer.start();
    h.observer.succeeded(token, call);
    return token;
  }
}
