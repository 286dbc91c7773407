package dev.fathom;

import java.util.Locale;

/**
 * ONNX tensor element types that Fathom reads and writes, named as in the ONNX specification
 * (lower case in JSON and on the command line: {@code float32}, {@code int64}, {@code bool},
 * {@code string}, ...).
 *
 * <p>Each type has one Java array representation used by {@link Tensor}: {@code float[]} for
 * {@link #FLOAT32} and {@link #FLOAT16}, {@code double[]} for {@link #FLOAT64}, {@code byte[]} for
 * {@link #INT8} and {@link #UINT8} (unsigned values stored as their two's complement bit pattern),
 * {@code short[]} for {@link #INT16}, {@code int[]} for {@link #INT32}, {@code long[]} for {@link
 * #INT64}, {@code boolean[]} for {@link #BOOL} and {@code String[]} for {@link #STRING}.
 */
public enum ElementType {
  FLOAT32("float32", 4, float[].class),
  FLOAT64("float64", 8, double[].class),
  FLOAT16("float16", 2, float[].class),
  INT8("int8", 1, byte[].class),
  UINT8("uint8", 1, byte[].class),
  INT16("int16", 2, short[].class),
  INT32("int32", 4, int[].class),
  INT64("int64", 8, long[].class),
  BOOL("bool", 1, boolean[].class),
  STRING("string", 0, String[].class);

  private final String onnxName;
  private final int byteSize;
  private final Class<?> arrayType;

  ElementType(String onnxName, int byteSize, Class<?> arrayType) {
    this.onnxName = onnxName;
    this.byteSize = byteSize;
    this.arrayType = arrayType;
  }

  /** The lower-case ONNX name, for example {@code float32}. */
  public String onnxName() {
    return onnxName;
  }

  /** Bytes per element in a native tensor; 0 for {@link #STRING}. */
  public int byteSize() {
    return byteSize;
  }

  /** The Java array class that holds this type's data in a {@link Tensor}. */
  public Class<?> arrayType() {
    return arrayType;
  }

  /** Whether values of this type are floating point numbers. */
  public boolean isFloatingPoint() {
    return this == FLOAT32 || this == FLOAT64 || this == FLOAT16;
  }

  /** Whether values of this type can be read as numbers ({@code bool} reads as 0 or 1). */
  public boolean isNumeric() {
    return this != STRING;
  }

  /**
   * Parses an ONNX element type name. Accepts the ONNX names ({@code float32}), the common aliases
   * {@code float}, {@code double}, {@code half}, {@code boolean} and upper case.
   *
   * @throws IllegalArgumentException naming the accepted types when {@code name} is none of them
   */
  public static ElementType fromName(String name) {
    if (name != null) {
      String key = name.trim().toLowerCase(Locale.ROOT);
      for (ElementType type : values()) {
        if (type.onnxName.equals(key)) {
          return type;
        }
      }
      switch (key) {
        case "float":
          return FLOAT32;
        case "double":
          return FLOAT64;
        case "half":
          return FLOAT16;
        case "boolean":
          return BOOL;
        default:
          break;
      }
    }
    throw new IllegalArgumentException(
        "unknown element type '" + name + "'; expected one of " + names());
  }

  /** The ONNX names of all supported types, for error messages. */
  public static String names() {
    StringBuilder sb = new StringBuilder();
    for (ElementType type : values()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(type.onnxName);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return onnxName;
  }
}
