package dev.fathom.bench;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import java.io.IOException;
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
 * The DJL ONNX Runtime engine, the library a Java team would most likely pick instead of Fathom,
 * used the way its documentation shows: one {@link ZooModel} shared by all threads, one {@link
 * Predictor} per thread, and a single-row translator ({@code float[]} in, the one score out) that
 * is a {@link NoBatchifyTranslator} (a batchifying translator would add a batch dimension to a
 * row that already has one).
 *
 * <p>The session gets Fathom's options through DJL's string options: all graph optimizations, one
 * intra-op and one inter-op thread, sequential execution. DJL has no option for spinning, which
 * matters only for pool threads, and with one thread each there are none. DJL runs on the same
 * ONNX Runtime (1.24.2) as every other case; its own dependency (1.21.1) is excluded in the POM.
 */
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DjlBenchmark {

  /** The shared model. */
  @State(Scope.Benchmark)
  public static class Model {
    @Param({"tiny", "medium"})
    public String model;

    ZooModel<float[], Float> zoo;
    private Path directory;

    @Setup(Level.Trial)
    public void load() throws IOException, ModelNotFoundException, MalformedModelException {
      JitRealism.likeAnApplication();
      offline();
      BenchModel m = BenchModel.of(model);
      directory = BenchModel.tempDirectory("djl");
      Path file = m.writeTo(directory);
      Criteria<float[], Float> criteria = Criteria.builder()
          .setTypes(float[].class, Float.class)
          .optEngine("OnnxRuntime")
          .optModelPath(file)
          .optOption("intraOpNumThreads", "1")
          .optOption("interOpNumThreads", "1")
          .optOption("executionMode", "SEQUENTIAL")
          .optOption("optLevel", "ALL_OPT")
          .optTranslator(new RowTranslator())
          .build();
      zoo = criteria.loadModel();
    }

    @TearDown(Level.Trial)
    public void close() {
      if (zoo != null) {
        zoo.close();
      }
      BenchModel.deleteRecursively(directory);
    }
  }

  /** One thread's predictor (DJL predictors are not thread-safe). */
  @State(Scope.Thread)
  public static class ThreadPredictor {
    Predictor<float[], Float> predictor;
    float[] row;

    @Setup(Level.Trial)
    public void open(Model m) {
      predictor = m.zoo.newPredictor();
      row = BenchModel.of(m.model).row();
    }

    @TearDown(Level.Trial)
    public void close() {
      predictor.close();
    }
  }

  @Benchmark
  public Float predict(ThreadPredictor t) throws TranslateException {
    return t.predictor.predict(t.row);
  }

  /**
   * DJL must not reach for the network (to find an engine or a model zoo) nor look for another
   * engine; these are the flags DJL documents for running offline. Set before DJL's first use.
   */
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("ai.djl.onnx.disable_alternative", "true");
    if (System.getProperty("DJL_CACHE_DIR") == null) {
      System.setProperty("DJL_CACHE_DIR", Path.of(System.getProperty("java.io.tmpdir"), "fathom-bench-djl-cache").toString());
    }
  }

  /** One row in, the first output value out. */
  static final class RowTranslator implements NoBatchifyTranslator<float[], Float> {
    @Override
    public NDList processInput(TranslatorContext ctx, float[] row) {
      return new NDList(ctx.getNDManager().create(row, new Shape(1, row.length)));
    }

    @Override
    public Float processOutput(TranslatorContext ctx, NDList list) {
      return list.singletonOrThrow().toFloatArray()[0];
    }
  }
}
