package dev.fathom.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
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
 * Raw ONNX Runtime Java, the baseline every other case is measured against, called three ways on
 * one session shared by all benchmark threads (as a service would share it):
 *
 * <ul>
 *   <li>{@link #usual}: the code most Java teams write: {@code OnnxTensor.createTensor(env,
 *       float[][])}, {@code session.run}, {@code getValue()};
 *   <li>{@link #directPerCall}: a new direct buffer per call, so ONNX Runtime reads the input
 *       without copying it, and the output read through {@code getFloatBuffer()};
 *   <li>{@link #best}: ONNX Runtime's fastest path: a reused direct input buffer and outputs pinned
 *       in pre-allocated native buffers ({@code session.run(inputs, pinnedOutputs)}), one set per
 *       thread; this is what Fathom's {@code Predictor} does internally.
 * </ul>
 *
 * <p>The session has the options Fathom uses by default: all graph optimizations, one intra-op and
 * one inter-op thread, sequential execution, no spinning. Every case writes the same row and
 * returns the one output value.
 */
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RawOrtBenchmark {

  /** The shared session. */
  @State(Scope.Benchmark)
  public static class Session {
    @Param({"tiny", "medium"})
    public String model;

    OrtEnvironment env;
    OrtSession session;
    String inputName;
    long[] shape;
    private Path directory;

    @Setup(Level.Trial)
    public void open() throws OrtException {
      JitRealism.likeAnApplication();
      BenchModel m = BenchModel.of(model);
      directory = BenchModel.tempDirectory("ort");
      env = OrtEnvironment.getEnvironment();
      session = createSession(env, m.writeTo(directory));
      inputName = m.inputName();
      shape = new long[] {1, m.features()};
    }

    @TearDown(Level.Trial)
    public void close() throws OrtException {
      if (session != null) {
        session.close();
      }
      BenchModel.deleteRecursively(directory);
    }
  }

  /** Creates a session with Fathom's default options (see {@code SessionFactory}). */
  static OrtSession createSession(OrtEnvironment env, Path file) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      options.addConfigEntry("session.inter_op.allow_spinning", "0");
      return env.createSession(file.toString(), options);
    }
  }

  /** The row a thread predicts. */
  @State(Scope.Thread)
  public static class Row {
    float[] row;

    @Setup(Level.Trial)
    public void make(Session s) {
      row = BenchModel.of(s.model).row();
    }
  }

  /** One thread's reused direct input and pinned output for {@link #best}. */
  @State(Scope.Thread)
  public static class Pinned {
    FloatBuffer input;
    ByteBuffer output;
    Map<String, OnnxTensor> inputs;
    Map<String, OnnxTensor> outputs;
    private OnnxTensor inputTensor;
    private OnnxTensor outputTensor;

    @Setup(Level.Trial)
    public void allocate(Session s) throws OrtException {
      BenchModel m = BenchModel.of(s.model);
      ByteBuffer in = ByteBuffer.allocateDirect(m.features() * Float.BYTES).order(ByteOrder.nativeOrder());
      input = in.asFloatBuffer();
      inputTensor = OnnxTensor.createTensor(s.env, input, s.shape);
      output = ByteBuffer.allocateDirect(Float.BYTES).order(ByteOrder.nativeOrder());
      outputTensor = OnnxTensor.createTensor(s.env, output.asFloatBuffer(), new long[] {1, 1});
      inputs = Collections.singletonMap(m.inputName(), inputTensor);
      outputs = Collections.singletonMap(m.outputName(), outputTensor);
    }

    @TearDown(Level.Trial)
    public void free() {
      inputTensor.close();
      outputTensor.close();
    }
  }

  @Benchmark
  public float usual(Session s, Row r) throws OrtException {
    try (OnnxTensor input = OnnxTensor.createTensor(s.env, new float[][] {r.row});
        OrtSession.Result result = s.session.run(Map.of(s.inputName, input))) {
      float[][] output = (float[][]) result.get(0).getValue();
      return output[0][0];
    }
  }

  @Benchmark
  public float directPerCall(Session s, Row r) throws OrtException {
    FloatBuffer buffer = ByteBuffer.allocateDirect(r.row.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    buffer.put(0, r.row);
    try (OnnxTensor input = OnnxTensor.createTensor(s.env, buffer, s.shape);
        OrtSession.Result result = s.session.run(Map.of(s.inputName, input))) {
      return ((OnnxTensor) result.get(0)).getFloatBuffer().get(0);
    }
  }

  @Benchmark
  public float best(Session s, Row r, Pinned p) throws OrtException {
    p.input.put(0, r.row);
    // Pinned outputs are not owned by the result; closing it frees only ONNX Runtime's bookkeeping.
    s.session.run(p.inputs, p.outputs).close();
    return p.output.getFloat(0);
  }
}
