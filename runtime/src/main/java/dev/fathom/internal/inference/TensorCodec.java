package dev.fathom.internal.inference;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;
import dev.fathom.ElementType;
import dev.fathom.Tensor;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/** Converts between Fathom's plain {@link Tensor} and ONNX Runtime tensors, for every element type. */
public final class TensorCodec {
  private TensorCodec() {}

  /** Creates an ONNX Runtime tensor holding a copy of {@code tensor}; the caller closes it. */
  public static OnnxTensor toOnnx(OrtEnvironment env, Tensor tensor) throws OrtException {
    long[] shape = tensor.shape();
    Object data = tensor.data();
    switch (tensor.type()) {
      case FLOAT32:
        return OnnxTensor.createTensor(env, FloatBuffer.wrap((float[]) data), shape);
      case FLOAT64:
        return OnnxTensor.createTensor(env, DoubleBuffer.wrap((double[]) data), shape);
      case FLOAT16:
        return OnnxTensor.createTensor(env, toFp16((float[]) data), shape, OnnxJavaType.FLOAT16);
      case INT8:
        return OnnxTensor.createTensor(env, ByteBuffer.wrap((byte[]) data), shape, OnnxJavaType.INT8);
      case UINT8:
        return OnnxTensor.createTensor(env, ByteBuffer.wrap((byte[]) data), shape, OnnxJavaType.UINT8);
      case BOOL:
        return OnnxTensor.createTensor(env, toBytes((boolean[]) data), shape, OnnxJavaType.BOOL);
      case INT16:
        return OnnxTensor.createTensor(env, ShortBuffer.wrap((short[]) data), shape);
      case INT32:
        return OnnxTensor.createTensor(env, IntBuffer.wrap((int[]) data), shape);
      case INT64:
        return OnnxTensor.createTensor(env, LongBuffer.wrap((long[]) data), shape);
      case STRING:
        return OnnxTensor.createTensor(env, (String[]) data, shape);
      default:
        throw new IllegalArgumentException("unsupported element type " + tensor.type());
    }
  }

  /**
   * Copies an ONNX Runtime output into a {@link Tensor}.
   *
   * @throws IllegalArgumentException for outputs that are not tensors (sequences, maps)
   */
  public static Tensor fromOnnx(OnnxValue value) throws OrtException {
    if (!(value instanceof OnnxTensor)) {
      throw new IllegalArgumentException("output is a " + value.getType() + ", only tensors are supported");
    }
    OnnxTensor onnx = (OnnxTensor) value;
    TensorInfo info = onnx.getInfo();
    long[] shape = info.getShape();
    ElementType type = elementType(info);
    int size = Math.toIntExact(Tensor.elementCount(shape));
    switch (type) {
      case FLOAT32:
      case FLOAT16:
        return Tensor.of(type, shape, copy(onnx.getFloatBuffer(), size));
      case FLOAT64: {
        double[] out = new double[size];
        onnx.getDoubleBuffer().get(out);
        return Tensor.of(type, shape, out);
      }
      case INT8:
      case UINT8: {
        byte[] out = new byte[size];
        onnx.getByteBuffer().get(out);
        return Tensor.of(type, shape, out);
      }
      case BOOL: {
        ByteBuffer bytes = onnx.getByteBuffer();
        boolean[] out = new boolean[size];
        for (int i = 0; i < size; i++) {
          out[i] = bytes.get(i) != 0;
        }
        return Tensor.of(type, shape, out);
      }
      case INT16: {
        short[] out = new short[size];
        onnx.getShortBuffer().get(out);
        return Tensor.of(type, shape, out);
      }
      case INT32: {
        int[] out = new int[size];
        onnx.getIntBuffer().get(out);
        return Tensor.of(type, shape, out);
      }
      case INT64: {
        long[] out = new long[size];
        onnx.getLongBuffer().get(out);
        return Tensor.of(type, shape, out);
      }
      case STRING:
        return Tensor.of(type, shape, strings(onnx, size));
      default:
        throw new IllegalArgumentException("unsupported element type " + type);
    }
  }

  /** Fathom's element type for an ONNX Runtime tensor type. */
  public static ElementType elementType(TensorInfo info) {
    switch (info.onnxType) {
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT:
        return ElementType.FLOAT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE:
        return ElementType.FLOAT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16:
        return ElementType.FLOAT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8:
        return ElementType.INT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8:
        return ElementType.UINT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16:
        return ElementType.INT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32:
        return ElementType.INT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64:
        return ElementType.INT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL:
        return ElementType.BOOL;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING:
        return ElementType.STRING;
      default:
        throw new IllegalArgumentException("ONNX element type " + info.onnxType + " is not supported by Fathom");
    }
  }

  /** The ONNX Runtime Java type for a Fathom element type. */
  public static OnnxJavaType javaType(ElementType type) {
    switch (type) {
      case FLOAT32:
        return OnnxJavaType.FLOAT;
      case FLOAT64:
        return OnnxJavaType.DOUBLE;
      case FLOAT16:
        return OnnxJavaType.FLOAT16;
      case INT8:
        return OnnxJavaType.INT8;
      case UINT8:
        return OnnxJavaType.UINT8;
      case INT16:
        return OnnxJavaType.INT16;
      case INT32:
        return OnnxJavaType.INT32;
      case INT64:
        return OnnxJavaType.INT64;
      case BOOL:
        return OnnxJavaType.BOOL;
      default:
        return OnnxJavaType.STRING;
    }
  }

  /** A new direct buffer in native order, sized for {@code elements} values of {@code type}. */
  public static ByteBuffer directBuffer(ElementType type, int elements) {
    return ByteBuffer.allocateDirect(Math.max(1, elements) * type.byteSize()).order(ByteOrder.nativeOrder());
  }

  /** An ONNX Runtime tensor over a direct buffer (shared, not copied). */
  public static OnnxTensor overDirect(OrtEnvironment env, ElementType type, ByteBuffer buffer, long[] shape) throws OrtException {
    ByteBuffer view = buffer.duplicate().order(ByteOrder.nativeOrder());
    view.limit(Math.toIntExact(Tensor.elementCount(shape)) * type.byteSize());
    switch (type) {
      case FLOAT32:
        return OnnxTensor.createTensor(env, view.asFloatBuffer(), shape);
      case FLOAT64:
        return OnnxTensor.createTensor(env, view.asDoubleBuffer(), shape);
      case INT16:
        return OnnxTensor.createTensor(env, view.asShortBuffer(), shape);
      case FLOAT16:
        return OnnxTensor.createTensor(env, view.asShortBuffer(), shape, OnnxJavaType.FLOAT16);
      case INT32:
        return OnnxTensor.createTensor(env, view.asIntBuffer(), shape);
      case INT64:
        return OnnxTensor.createTensor(env, view.asLongBuffer(), shape);
      case INT8:
      case UINT8:
      case BOOL:
        return OnnxTensor.createTensor(env, view, shape, javaType(type));
      default:
        throw new IllegalArgumentException(type + " tensors cannot live in a direct buffer");
    }
  }

  private static float[] copy(FloatBuffer buffer, int size) {
    float[] out = new float[size];
    buffer.get(out);
    return out;
  }

  private static ShortBuffer toFp16(float[] data) {
    short[] bits = new short[data.length];
    for (int i = 0; i < data.length; i++) {
      bits[i] = Fp16Conversions.floatToFp16(data[i]);
    }
    return ShortBuffer.wrap(bits);
  }

  private static ByteBuffer toBytes(boolean[] data) {
    byte[] bytes = new byte[data.length];
    for (int i = 0; i < data.length; i++) {
      bytes[i] = data[i] ? (byte) 1 : (byte) 0;
    }
    return ByteBuffer.wrap(bytes);
  }

  private static String[] strings(OnnxTensor onnx, int size) throws OrtException {
    String[] out = new String[size];
    if (size == 0) {
      return out;
    }
    Object value = onnx.getValue();
    int[] next = {0};
    flatten(value, out, next);
    return out;
  }

  private static void flatten(Object value, String[] out, int[] next) {
    if (value instanceof String) {
      out[next[0]++] = (String) value;
    } else if (value != null && value.getClass().isArray()) {
      int length = Array.getLength(value);
      for (int i = 0; i < length; i++) {
        flatten(Array.get(value, i), out, next);
      }
    }
  }
}
