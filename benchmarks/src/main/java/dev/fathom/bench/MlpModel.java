package dev.fathom.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A two-layer perceptron {@code Sigmoid(Gemm(Relu(Gemm(input, w1, b1)), w2, b2))} with {@code
 * inputs} features, {@code hidden} units and one output, written as an ONNX file (IR 8, opset 17,
 * input {@code input} float [N, inputs], output {@code output} float [N, 1]): the same graph as
 * {@code testdata/models/mlp16.onnx}, at any size. The benchmarks' medium model (256 features,
 * hidden 1024, about 1 MiB of weights) is made here at benchmark time rather than committed.
 *
 * <p>Deterministic: the weights come from a seeded {@link SplittableRandom} (whose {@code
 * nextDouble} is specified exactly), so the same arguments give byte-identical files on any JVM.
 * Weights are uniform in ±1/sqrt(fan-in), like a freshly initialised PyTorch {@code Linear}, so the
 * output stays well inside (0, 1). {@link #reference} computes the same function in plain Java to
 * check what ONNX Runtime returns. Immutable and thread-safe.
 *
 * <p>Run as a program to write a file: {@code java -cp benchmarks.jar dev.fathom.bench.MlpModel
 * out.onnx 256 1024}.
 */
public final class MlpModel {
  /** Seed of every generated model; change it and every benchmark compares against new weights. */
  static final long SEED = 20240611L;

  private final int inputs;
  private final int hidden;
  private final float[] w1; // [hidden, inputs] (Gemm transB=1, as a PyTorch Linear stores it)
  private final float[] b1; // [hidden]
  private final float[] w2; // [1, hidden]
  private final float[] b2; // [1]

  private MlpModel(int inputs, int hidden, long seed) {
    if (inputs < 1 || hidden < 1) {
      throw new IllegalArgumentException("inputs and hidden must be positive, were " + inputs + " and " + hidden);
    }
    this.inputs = inputs;
    this.hidden = hidden;
    SplittableRandom random = new SplittableRandom(seed);
    this.w1 = uniform(random, hidden * inputs, 1.0 / Math.sqrt(inputs));
    this.b1 = uniform(random, hidden, 1.0 / Math.sqrt(inputs));
    this.w2 = uniform(random, hidden, 1.0 / Math.sqrt(hidden));
    this.b2 = uniform(random, 1, 1.0 / Math.sqrt(hidden));
  }

  /** The model with {@code inputs} features and {@code hidden} units, weights from {@link #SEED}. */
  public static MlpModel of(int inputs, int hidden) {
    return new MlpModel(inputs, hidden, SEED);
  }

  public int inputs() {
    return inputs;
  }

  public int hidden() {
    return hidden;
  }

  /** The model's output for one row, computed in double precision. */
  public double reference(float[] row) {
    if (row.length != inputs) {
      throw new IllegalArgumentException("a row must have " + inputs + " values, got " + row.length);
    }
    double z = b2[0];
    for (int h = 0; h < hidden; h++) {
      double a = b1[h];
      for (int i = 0; i < inputs; i++) {
        a += (double) w1[h * inputs + i] * row[i];
      }
      z += w2[h] * Math.max(0.0, a);
    }
    return 1.0 / (1.0 + Math.exp(-z));
  }

  /** Writes the ONNX file. */
  public void write(Path file) throws IOException {
    Files.write(file, onnx());
  }

  /** The ONNX file's bytes (a protobuf {@code ModelProto}). */
  public byte[] onnx() {
    Proto graph = new Proto()
        .message(1, node("gemm1", "Gemm", new String[] {"input", "w1", "b1"}, "h1", true))
        .message(1, node("relu1", "Relu", new String[] {"h1"}, "r1", false))
        .message(1, node("gemm2", "Gemm", new String[] {"r1", "w2", "b2"}, "h2", true))
        .message(1, node("sigmoid", "Sigmoid", new String[] {"h2"}, "output", false))
        .string(2, "mlp" + inputs + "x" + hidden)
        .message(5, tensor("w1", new long[] {hidden, inputs}, w1))
        .message(5, tensor("b1", new long[] {hidden}, b1))
        .message(5, tensor("w2", new long[] {1, hidden}, w2))
        .message(5, tensor("b2", new long[] {1}, b2))
        .message(11, valueInfo("input", inputs))
        .message(12, valueInfo("output", 1));
    return new Proto()
        .varint(1, 8) // ir_version
        .string(2, "fathom-benchmarks") // producer_name
        .message(7, graph)
        .message(8, new Proto().string(1, "").varint(2, 17)) // opset_import: default domain, 17
        .toByteArray();
  }

  private static Proto node(String name, String op, String[] in, String out, boolean transB) {
    Proto node = new Proto();
    for (String i : in) {
      node.string(1, i);
    }
    node.string(2, out).string(3, name).string(4, op);
    if (transB) {
      // AttributeProto: name, i, type = INT (2)
      node.message(5, new Proto().string(1, "transB").varint(3, 1).varint(20, 2));
    }
    return node;
  }

  private static Proto tensor(String name, long[] dims, float[] values) {
    Proto t = new Proto();
    for (long d : dims) {
      t.varint(1, d);
    }
    ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    return t.varint(2, 1).string(8, name).bytes(9, raw.array()); // data_type FLOAT (1), name, raw_data
  }

  /** A float [N, width] tensor's ValueInfoProto. */
  private static Proto valueInfo(String name, int width) {
    Proto shape = new Proto()
        .message(1, new Proto().string(2, "N")) // dim_param
        .message(1, new Proto().varint(1, width)); // dim_value
    Proto tensorType = new Proto().varint(1, 1).message(2, shape); // elem_type FLOAT, shape
    return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
  }

  private static float[] uniform(SplittableRandom random, int n, double bound) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) ((random.nextDouble() * 2.0 - 1.0) * bound);
    }
    return a;
  }

  /** The few protobuf encodings an ONNX model needs: varints, strings, bytes, nested messages. */
  private static final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto varint(int field, long value) {
      tag(field, 0);
      raw(value);
      return this;
    }

    Proto string(int field, String value) {
      return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    Proto bytes(int field, byte[] value) {
      tag(field, 2);
      raw(value.length);
      out.writeBytes(value);
      return this;
    }

    Proto message(int field, Proto message) {
      return bytes(field, message.toByteArray());
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }

    private void tag(int field, int wireType) {
      raw(((long) field << 3) | wireType);
    }

    private void raw(long value) {
      while ((value & ~0x7FL) != 0) {
        out.write((int) ((value & 0x7F) | 0x80));
        value >>>= 7;
      }
      out.write((int) value);
    }
  }

  /** Writes a model: {@code MlpModel <out.onnx> <inputs> <hidden>}. */
  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: MlpModel <out.onnx> <inputs> <hidden>");
      System.exit(2);
    }
    of(Integer.parseInt(args[1]), Integer.parseInt(args[2])).write(Path.of(args[0]));
  }
}
