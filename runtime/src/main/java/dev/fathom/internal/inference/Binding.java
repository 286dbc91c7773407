package dev.fathom.internal.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.fathom.ElementType;
import dev.fathom.Tensor;
import dev.fathom.registry.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fast path for one model version: a single-row input in a reused direct buffer and every
 * output pinned in pre-allocated direct buffers, so a call copies the row in, runs, and reads the
 * outputs in place with no tensor created or copied. Only for versions whose one input is float32 or
 * float64 and whose outputs are numeric with fixed sizes once the batch dimension is 1 (see {@link
 * #supports}).
 *
 * <p>Not thread-safe: one thread uses a binding at a time (a {@link dev.fathom.Predictor} owns one,
 * the shared path borrows one from its version's pool).
 */
final class Binding implements CallView, AutoCloseable {
  private final LoadedVersion version;
  private final OrtSession session;
  private final ElementType inputType;
  private final int columns;
  private final ByteBuffer input;
  private final java.nio.FloatBuffer inputFloats;
  private final java.nio.DoubleBuffer inputDoubles;
  private final OnnxTensor inputTensor;
  private final Map<String, OnnxTensor> inputs;
  private final ElementType[] outputTypes;
  private final int[] outputSizes;
  private final ByteBuffer[] outputs;
  private final OnnxTensor[] outputTensors;
  /** Each output's shape for one row (never handed out: tensors copy their shape). */
  private final long[][] outputShapes;
  private final Map<String, OnnxTensor> pinned;
  private final PredictionIds.Block ids = new PredictionIds.Block();
  private long lastId;
  private boolean closed;

  Binding(LoadedVersion version) throws OrtException {
    this.version = version;
    this.session = version.session();
    OrtEnvironment env = Onnx.environment();
    ModelSignature signature = version.signature();
    TensorSpec in = signature.inputs().get(0);
    this.inputType = in.elementType();
    long[] inShape = ModelSignature.concreteShape(in, 1);
    this.columns = Math.toIntExact(Tensor.elementCount(inShape));
    this.input = TensorCodec.directBuffer(inputType, columns);
    this.inputFloats = input.asFloatBuffer();
    this.inputDoubles = input.asDoubleBuffer();
    List<TensorSpec> outs = signature.outputs();
    this.outputTypes = new ElementType[outs.size()];
    this.outputSizes = new int[outs.size()];
    this.outputs = new ByteBuffer[outs.size()];
    this.outputShapes = new long[outs.size()][];
    this.outputTensors = new OnnxTensor[outs.size()];
    OnnxTensor created = null;
    Map<String, OnnxTensor> pins = new LinkedHashMap<>();
    try {
      created = TensorCodec.overDirect(env, inputType, input, inShape);
      for (int i = 0; i < outs.size(); i++) {
        TensorSpec out = outs.get(i);
        long[] shape = ModelSignature.concreteShape(out, 1);
        outputShapes[i] = shape;
        outputTypes[i] = out.elementType();
        outputSizes[i] = Math.toIntExact(Tensor.elementCount(shape));
        outputs[i] = TensorCodec.directBuffer(out.elementType(), outputSizes[i]);
        outputTensors[i] = TensorCodec.overDirect(env, out.elementType(), outputs[i], shape);
        pins.put(out.name(), outputTensors[i]);
      }
    } catch (OrtException | RuntimeException e) {
      if (created != null) {
        created.close();
      }
      for (OnnxTensor t : outputTensors) {
        if (t != null) {
          t.close();
        }
      }
      throw e;
    }
    this.inputTensor = created;
    this.inputs = Collections.singletonMap(in.name(), inputTensor);
    // ONNX Runtime iterates this map on every run: a singleton map's iteration costs nothing after
    // escape analysis, while an unmodifiable wrapper adds an iterator and an entry wrapper per call
    // (32 B/op measured). The map never leaves this class, so it needs no wrapper.
    this.pinned = pins.size() == 1 ? Collections.singletonMap(outs.get(0).name(), outputTensors[0]) : pins;
  }

  /** Whether a version can use the fast path. */
  static boolean supports(ModelSignature signature) {
    if (signature.inputs().size() != 1) {
      return false;
    }
    TensorSpec in = signature.inputs().get(0);
    if (!in.hasShape() || (in.elementType() != ElementType.FLOAT32 && in.elementType() != ElementType.FLOAT64)) {
      return false;
    }
    if (dynamicDims(in) > 1) {
      return false;
    }
    for (TensorSpec out : signature.outputs()) {
      if (!out.hasShape() || out.elementType() == ElementType.STRING || dynamicDims(out) > 1) {
        return false;
      }
    }
    return true;
  }

  private static int dynamicDims(TensorSpec spec) {
    int dynamic = 0;
    for (long d : spec.shapeArray()) {
      if (d < 0) {
        dynamic++;
      }
    }
    return dynamic;
  }

  LoadedVersion version() {
    return version;
  }

  /** Elements the input row must have. */
  int columns() {
    return columns;
  }

  void write(float[] row) {
    if (inputType == ElementType.FLOAT32) {
      inputFloats.put(0, row, 0, columns);
    } else {
      for (int i = 0; i < columns; i++) {
        input.putDouble(i << 3, row[i]);
      }
    }
  }

  void write(double[] row) {
    if (inputType == ElementType.FLOAT64) {
      inputDoubles.put(0, row, 0, columns);
    } else {
      for (int i = 0; i < columns; i++) {
        input.putFloat(i << 2, (float) row[i]);
      }
    }
  }

  /** Runs on the current input; outputs land in the pinned buffers. */
  void run() throws OrtException {
    // Pinned outputs are not owned by the result; closing it frees only ONNX Runtime's bookkeeping.
    session.run(inputs, pinned).close();
    lastId = ids.take();
  }

  long lastId() {
    return lastId;
  }

  /** Element {@code index} of output {@code output} as a double; no allocation. */
  double read(int output, int index) {
    ByteBuffer b = outputs[output];
    switch (outputTypes[output]) {
      case FLOAT32:
        return b.getFloat(index << 2);
      case FLOAT64:
        return b.getDouble(index << 3);
      case INT64:
        return b.getLong(index << 3);
      case INT32:
        return b.getInt(index << 2);
      case INT16:
        return b.getShort(index << 1);
      case FLOAT16:
        return ai.onnxruntime.platform.Fp16Conversions.fp16ToFloat(b.getShort(index << 1));
      case UINT8:
        return b.get(index) & 0xFF;
      default:
        return b.get(index);
    }
  }

  int outputSize(int output) {
    return outputSizes[output];
  }

  @Override
  public ModelSignature signature() {
    return version.signature();
  }

  @Override
  public int rows() {
    return 1;
  }

  @Override
  public long firstPredictionId() {
    return lastId;
  }

  @Override
  public double column(int row, int column) {
    return inputType == ElementType.FLOAT32 ? input.getFloat(column << 2) : input.getDouble(column << 3);
  }

  @Override
  public int outputWidth(int output) {
    return outputSizes[output];
  }

  @Override
  public double outputValue(int output, int row, int index) {
    return read(output, index);
  }

  @Override
  public Tensor input(int index) {
    TensorSpec spec = signature().inputs().get(index);
    return copy(inputType, input, ModelSignature.concreteShape(spec, 1), columns);
  }

  @Override
  public Tensor output(int index) {
    return copy(outputTypes[index], outputs[index], outputShapes[index], outputSizes[index]);
  }

  /** Outputs up to this many elements are copied element by element (the bulk copy's views cost more). */
  private static final int SMALL = 64;

  /** Copies a direct buffer's first {@code size} elements into a tensor. */
  static Tensor copy(ElementType type, ByteBuffer buffer, long[] shape, int size) {
    if (size <= SMALL && buffer.order() == ByteOrder.nativeOrder()) {
      // absolute reads leave the buffer as it is: no duplicate and no typed view to allocate
      if (type == ElementType.FLOAT32) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
          a[i] = buffer.getFloat(i << 2);
        }
        return Tensor.of(type, shape, a);
      }
      if (type == ElementType.FLOAT64) {
        double[] a = new double[size];
        for (int i = 0; i < size; i++) {
          a[i] = buffer.getDouble(i << 3);
        }
        return Tensor.of(type, shape, a);
      }
    }
    ByteBuffer b = buffer.duplicate().order(ByteOrder.nativeOrder());
    switch (type) {
      case FLOAT32: {
        float[] a = new float[size];
        b.asFloatBuffer().get(a);
        return Tensor.of(type, shape, a);
      }
      case FLOAT16: {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
          a[i] = ai.onnxruntime.platform.Fp16Conversions.fp16ToFloat(b.getShort(i << 1));
        }
        return Tensor.of(type, shape, a);
      }
      case FLOAT64: {
        double[] a = new double[size];
        b.asDoubleBuffer().get(a);
        return Tensor.of(type, shape, a);
      }
      case INT64: {
        long[] a = new long[size];
        b.asLongBuffer().get(a);
        return Tensor.of(type, shape, a);
      }
      case INT32: {
        int[] a = new int[size];
        b.asIntBuffer().get(a);
        return Tensor.of(type, shape, a);
      }
      case INT16: {
        short[] a = new short[size];
        b.asShortBuffer().get(a);
        return Tensor.of(type, shape, a);
      }
      case BOOL: {
        boolean[] a = new boolean[size];
        for (int i = 0; i < size; i++) {
          a[i] = b.get(i) != 0;
        }
        return Tensor.of(type, shape, a);
      }
      default: {
        byte[] a = new byte[size];
        b.get(a);
        return Tensor.of(type, shape, a);
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    inputTensor.close();
    for (OnnxTensor t : outputTensors) {
      t.close();
    }
  }
}
