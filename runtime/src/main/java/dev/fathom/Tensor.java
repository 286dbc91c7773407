package dev.fathom;

import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor as plain Java data: an {@link ElementType}, a shape and a flat row-major array.
 *
 * <p>A rank-0 tensor (shape {@code []}) is a scalar and holds one element. The array type is the
 * one {@link ElementType#arrayType()} names. Factories wrap the given array without copying it, so
 * the caller must not modify it afterwards; accessors return the same array without copying.
 * Instances are otherwise immutable and safe to share between threads.
 */
public final class Tensor {
  private static final long[] SCALAR = new long[0];

  private final ElementType type;
  private final long[] shape;
  private final Object data;
  private final int size;

  private Tensor(ElementType type, long[] shape, Object data) {
    this.type = Objects.requireNonNull(type, "type");
    this.shape = shape.clone();
    this.data = Objects.requireNonNull(data, "data");
    if (!type.arrayType().isInstance(data)) {
      throw new IllegalArgumentException(
          "a "
              + type
              + " tensor holds "
              + type.arrayType().getSimpleName()
              + ", not "
              + data.getClass().getSimpleName());
    }
    long elements = elementCount(this.shape);
    int length = Array.getLength(data);
    if (elements != length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(this.shape) + " holds " + elements + " elements but data has " + length);
    }
    this.size = length;
  }

  /**
   * Creates a tensor over {@code data} (not copied).
   *
   * @throws IllegalArgumentException if the array type does not match {@code type}, a dimension is
   *     negative or the element count of {@code shape} differs from the array length
   */
  public static Tensor of(ElementType type, long[] shape, Object data) {
    Objects.requireNonNull(shape, "shape");
    return new Tensor(type, shape, data);
  }

  public static Tensor ofFloats(float[] data, long... shape) {
    return new Tensor(ElementType.FLOAT32, shape, data);
  }

  public static Tensor ofDoubles(double[] data, long... shape) {
    return new Tensor(ElementType.FLOAT64, shape, data);
  }

  public static Tensor ofLongs(long[] data, long... shape) {
    return new Tensor(ElementType.INT64, shape, data);
  }

  public static Tensor ofInts(int[] data, long... shape) {
    return new Tensor(ElementType.INT32, shape, data);
  }

  public static Tensor ofShorts(short[] data, long... shape) {
    return new Tensor(ElementType.INT16, shape, data);
  }

  public static Tensor ofBooleans(boolean[] data, long... shape) {
    return new Tensor(ElementType.BOOL, shape, data);
  }

  public static Tensor ofStrings(String[] data, long... shape) {
    for (int i = 0; i < data.length; i++) {
      if (data[i] == null) {
        throw new IllegalArgumentException("string tensor element " + i + " is null");
      }
    }
    return new Tensor(ElementType.STRING, shape, data);
  }

  /** A rank-0 float32 tensor. */
  public static Tensor scalar(float value) {
    return new Tensor(ElementType.FLOAT32, SCALAR, new float[] {value});
  }

  /** A rank-0 float64 tensor. */
  public static Tensor scalar(double value) {
    return new Tensor(ElementType.FLOAT64, SCALAR, new double[] {value});
  }

  /** A rank-0 int64 tensor. */
  public static Tensor scalar(long value) {
    return new Tensor(ElementType.INT64, SCALAR, new long[] {value});
  }

  /** A rank-0 bool tensor. */
  public static Tensor scalar(boolean value) {
    return new Tensor(ElementType.BOOL, SCALAR, new boolean[] {value});
  }

  /** A rank-0 string tensor. */
  public static Tensor scalar(String value) {
    return ofStrings(new String[] {Objects.requireNonNull(value, "value")});
  }

  public ElementType type() {
    return type;
  }

  /** A copy of the shape; empty for a scalar. */
  public long[] shape() {
    return shape.clone();
  }

  /** The size of dimension {@code axis}. */
  public long dim(int axis) {
    return shape[axis];
  }

  public int rank() {
    return shape.length;
  }

  /** Number of elements. */
  public int size() {
    return size;
  }

  /** The backing array (not a copy), of the class {@link ElementType#arrayType()} names. */
  public Object data() {
    return data;
  }

  public float[] floats() {
    return (float[]) typed(float[].class);
  }

  public double[] doubles() {
    return (double[]) typed(double[].class);
  }

  public long[] longs() {
    return (long[]) typed(long[].class);
  }

  public int[] ints() {
    return (int[]) typed(int[].class);
  }

  public short[] shorts() {
    return (short[]) typed(short[].class);
  }

  public byte[] bytes() {
    return (byte[]) typed(byte[].class);
  }

  public boolean[] booleans() {
    return (boolean[]) typed(boolean[].class);
  }

  public String[] strings() {
    return (String[]) typed(String[].class);
  }

  /**
   * Element {@code index} (flat, row-major) as a double; {@code uint8} reads unsigned and {@code
   * bool} as 0 or 1.
   *
   * @throws IllegalStateException for a string tensor
   */
  public double getDouble(int index) {
    switch (type) {
      case FLOAT32:
      case FLOAT16:
        return ((float[]) data)[index];
      case FLOAT64:
        return ((double[]) data)[index];
      case INT8:
        return ((byte[]) data)[index];
      case UINT8:
        return ((byte[]) data)[index] & 0xFF;
      case INT16:
        return ((short[]) data)[index];
      case INT32:
        return ((int[]) data)[index];
      case INT64:
        return ((long[]) data)[index];
      case BOOL:
        return ((boolean[]) data)[index] ? 1.0 : 0.0;
      default:
        throw new IllegalStateException("a string tensor has no numeric values");
    }
  }

  /** Element {@code index} as a Java value: a boxed number, Boolean or String. */
  public Object get(int index) {
    switch (type) {
      case STRING:
        return ((String[]) data)[index];
      case BOOL:
        return ((boolean[]) data)[index];
      case INT64:
        return ((long[]) data)[index];
      case INT32:
        return ((int[]) data)[index];
      case INT16:
        return ((short[]) data)[index];
      case INT8:
        return ((byte[]) data)[index];
      case UINT8:
        return ((byte[]) data)[index] & 0xFF;
      case FLOAT64:
        return ((double[]) data)[index];
      default:
        return ((float[]) data)[index];
    }
  }

  /** Number of elements a shape holds; 1 for a scalar. */
  public static long elementCount(long[] shape) {
    long n = 1;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 0) {
        throw new IllegalArgumentException("dimension " + i + " of shape " + Arrays.toString(shape) + " is negative");
      }
      n = Math.multiplyExact(n, shape[i]);
    }
    return n;
  }

  private Object typed(Class<?> wanted) {
    if (!wanted.isInstance(data)) {
      throw new IllegalStateException(
          "this is a " + type + " tensor; it holds " + data.getClass().getSimpleName() + ", not " + wanted.getSimpleName());
    }
    return data;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Tensor)) {
      return false;
    }
    Tensor other = (Tensor) o;
    return type == other.type
        && Arrays.equals(shape, other.shape)
        && Arrays.deepEquals(new Object[] {data}, new Object[] {other.data});
  }

  @Override
  public int hashCode() {
    return 31 * (31 * type.hashCode() + Arrays.hashCode(shape)) + Arrays.deepHashCode(new Object[] {data});
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Tensor{").append(type).append(' ').append(Arrays.toString(shape)).append(' ');
    int shown = Math.min(size, 8);
    sb.append('[');
    for (int i = 0; i < shown; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(get(i));
    }
    if (shown < size) {
      sb.append(", ... (").append(size).append(" elements)");
    }
    return sb.append("]}").toString();
  }
}
