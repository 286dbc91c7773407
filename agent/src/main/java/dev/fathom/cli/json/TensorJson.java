package dev.fathom.cli.json;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fathom.ElementType;
import dev.fathom.InputShapeException;
import dev.fathom.InputTypeException;
import dev.fathom.InvalidInputException;
import dev.fathom.Tensor;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The JSON encoding of tensors used by {@code fathom predict} (and any other JSON front end).
 *
 * <p>A tensor value is one of:
 *
 * <ul>
 *   <li>a JSON number, string or boolean: a scalar (rank 0) of the input's declared element type;
 *   <li>a (nested) JSON array: a tensor of the declared element type whose shape is the nesting
 *       ({@code [[1,2,3],[4,5,6]]} has shape {@code [2, 3]}; {@code []} has shape {@code [0]});
 *   <li>an object {@code {"dtype": "int64", "shape": [2, 3], "data": [...]}}: {@code dtype} (an
 *       ONNX element type name in lower case: {@code float32, float64, float16, int8, int16, int32,
 *       int64, uint8, bool, string}) defaults to the declared type, {@code shape} defaults to the
 *       nesting of {@code data}, and {@code data} is either the flat row-major list of elements or
 *       nested arrays of exactly {@code shape} (a bare value when {@code shape} is {@code []}).
 * </ul>
 *
 * <p>Elements: float types take JSON numbers and the strings {@code "NaN"}, {@code "Infinity"} and
 * {@code "-Infinity"} (JSON has no literal for them); integer types take JSON numbers with an
 * integral value inside the type's range ({@code 3.0} is 3, {@code 3.5} is refused; {@code uint8}
 * is 0..255); {@code bool} takes {@code true}/{@code false}; {@code string} takes JSON strings. A
 * finite number that a float type cannot hold ({@code 1e39} as float32, {@code 70000} as float16)
 * is refused rather than silently becoming infinity. Every violation is an {@link
 * InvalidInputException} naming the input, the element position and the rule: {@code dtype} (wrong
 * JSON type or dtype name), {@code shape} (ragged nesting, data that does not fill the shape),
 * {@code range} (a number the type cannot hold) or {@code encoding} (a malformed tensor object).
 *
 * <p>{@link #encode} always writes the explicit form with a flat {@code data} list, so element type
 * and shape round-trip exactly: an encoded output can be fed back as an input.
 *
 * <p>Stateless and thread-safe.
 */
public final class TensorJson {
  /** Largest float16 magnitude that does not round to infinity (65504 plus half an ulp). */
  private static final double FLOAT16_LIMIT = 65520.0;

  private static final List<String> TENSOR_KEYS = List.of("dtype", "shape", "data");

  /**
   * A mapper for reading requests: numbers keep their exact decimal value (so integers never pass
   * through a double and floats are rounded once, to their target type), duplicate keys and
   * trailing content are errors.
   */
  private static final ObjectMapper READER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  /** A compact writer that escapes non-ASCII, so output lines are correct in any console encoding. */
  private static final ObjectMapper WRITER = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  private TensorJson() {}

  /** The mapper requests are read with (exact numbers, no duplicate keys, no trailing tokens). */
  public static ObjectMapper reader() {
    return READER;
  }

  /** The mapper output lines are written with (compact, ASCII only). */
  public static ObjectMapper writer() {
    return WRITER;
  }

  /**
   * Decodes one tensor value.
   *
   * @param input the input name, for error messages
   * @param value the JSON value (read with {@link #reader()} so numbers are exact)
   * @param declared the element type used for bare values and when the object form leaves out
   *     {@code dtype}
   * @throws InvalidInputException naming the input and the rule the value breaks
   */
  public static Tensor decode(String input, JsonNode value, ElementType declared) {
    if (value == null || value.isMissingNode()) {
      throw new InvalidInputException(input, "encoding", "input '" + input + "': no value");
    }
    if (value.isObject()) {
      return decodeObject(input, value, declared);
    }
    Nested nested = Nested.of(input, value);
    return Tensor.of(declared, nested.shape, elements(input, declared, nested.leaves, nested.shape));
  }

  /** Encodes a tensor in the explicit form {@code {"dtype", "shape", "data"}} with flat data. */
  public static ObjectNode encode(Tensor tensor) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("dtype", tensor.type().onnxName());
    ArrayNode shape = node.putArray("shape");
    for (long dim : tensor.shape()) {
      shape.add(dim);
    }
    ArrayNode data = node.putArray("data");
    Object array = tensor.data();
    int size = tensor.size();
    switch (tensor.type()) {
      case FLOAT32:
      case FLOAT16:
        for (float f : (float[]) array) {
          if (Float.isFinite(f)) {
            data.add(f);
          } else {
            data.add(nonFinite(f));
          }
        }
        break;
      case FLOAT64:
        for (double d : (double[]) array) {
          if (Double.isFinite(d)) {
            data.add(d);
          } else {
            data.add(nonFinite(d));
          }
        }
        break;
      case INT8:
        for (byte b : (byte[]) array) {
          data.add(b);
        }
        break;
      case UINT8:
        for (byte b : (byte[]) array) {
          data.add(b & 0xFF);
        }
        break;
      case INT16:
        for (short s : (short[]) array) {
          data.add(s);
        }
        break;
      case INT32:
        for (int i : (int[]) array) {
          data.add(i);
        }
        break;
      case INT64:
        for (long l : (long[]) array) {
          data.add(l);
        }
        break;
      case BOOL:
        for (boolean b : (boolean[]) array) {
          data.add(b);
        }
        break;
      case STRING:
        for (int i = 0; i < size; i++) {
          data.add(((String[]) array)[i]);
        }
        break;
      default:
        throw new IllegalArgumentException("unsupported element type " + tensor.type());
    }
    return node;
  }

  /** Encodes named tensors as an object of explicit-form tensors, in map order. */
  public static ObjectNode encode(Map<String, Tensor> tensors) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    tensors.forEach((name, tensor) -> node.set(name, encode(tensor)));
    return node;
  }

  private static Tensor decodeObject(String input, JsonNode value, ElementType declared) {
    for (Map.Entry<String, JsonNode> entry : value.properties()) {
      String key = entry.getKey();
      if (!TENSOR_KEYS.contains(key)) {
        throw new InvalidInputException(
            input, "encoding", "input '" + input + "': unknown key '" + key + "' in a tensor object; the keys are dtype, shape and data");
      }
    }
    ElementType type = declared;
    JsonNode dtype = value.get("dtype");
    if (dtype != null) {
      type = dtype(input, dtype);
    }
    JsonNode dataNode = value.get("data");
    if (dataNode == null) {
      throw new InvalidInputException(input, "encoding", "input '" + input + "': a tensor object needs \"data\"");
    }
    Nested nested = Nested.of(input, dataNode);
    long[] shape = nested.shape;
    JsonNode shapeNode = value.get("shape");
    if (shapeNode != null) {
      long[] declaredShape = shape(input, shapeNode);
      long count = count(input, declaredShape);
      boolean flat = nested.shape.length == 1 && nested.shape[0] == count;
      if (!flat && !Arrays.equals(nested.shape, declaredShape)) {
        throw new InputShapeException(
            input,
            "shape "
                + Arrays.toString(declaredShape)
                + " holds "
                + count
                + " elements but data "
                + (nested.shape.length == 1 ? "has " + nested.shape[0] : "is nested as " + Arrays.toString(nested.shape)));
      }
      shape = declaredShape;
    }
    return Tensor.of(type, shape, elements(input, type, nested.leaves, shape));
  }

  private static ElementType dtype(String input, JsonNode dtype) {
    if (dtype.isTextual()) {
      for (ElementType type : ElementType.values()) {
        if (type.onnxName().equals(dtype.textValue())) {
          return type;
        }
      }
    }
    throw new InputTypeException(input, "unknown dtype " + dtype + "; expected one of " + ElementType.names());
  }

  private static long[] shape(String input, JsonNode node) {
    if (!node.isArray()) {
      throw new InvalidInputException(input, "encoding", "input '" + input + "': \"shape\" must be an array of dimensions, got " + node);
    }
    long[] shape = new long[node.size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode dim = node.get(i);
      if (!dim.isIntegralNumber() || !dim.canConvertToInt() || dim.intValue() < 0) {
        throw new InvalidInputException(
            input, "encoding", "input '" + input + "': dimension " + i + " of \"shape\" must be a non-negative integer, got " + dim);
      }
      shape[i] = dim.intValue();
    }
    return shape;
  }

  private static long count(String input, long[] shape) {
    long n = 1;
    for (long dim : shape) {
      n *= dim;
      if (n > Integer.MAX_VALUE - 8) {
        throw new InputShapeException(input, "shape " + Arrays.toString(shape) + " has more elements than a tensor can hold");
      }
    }
    return n;
  }

  /** Converts the leaves to the Java array of {@code type}. */
  private static Object elements(String input, ElementType type, List<JsonNode> leaves, long[] shape) {
    int n = leaves.size();
    Object array = Array.newInstance(type.arrayType().getComponentType(), n);
    for (int i = 0; i < n; i++) {
      JsonNode leaf = leaves.get(i);
      switch (type) {
        case FLOAT32:
          ((float[]) array)[i] = (float) floating(input, type, leaf, i, shape);
          break;
        case FLOAT16:
          ((float[]) array)[i] = (float) floating(input, type, leaf, i, shape);
          break;
        case FLOAT64:
          ((double[]) array)[i] = floating(input, type, leaf, i, shape);
          break;
        case INT8:
          ((byte[]) array)[i] = (byte) integer(input, type, leaf, i, shape, Byte.MIN_VALUE, Byte.MAX_VALUE);
          break;
        case UINT8:
          ((byte[]) array)[i] = (byte) integer(input, type, leaf, i, shape, 0, 255);
          break;
        case INT16:
          ((short[]) array)[i] = (short) integer(input, type, leaf, i, shape, Short.MIN_VALUE, Short.MAX_VALUE);
          break;
        case INT32:
          ((int[]) array)[i] = (int) integer(input, type, leaf, i, shape, Integer.MIN_VALUE, Integer.MAX_VALUE);
          break;
        case INT64:
          ((long[]) array)[i] = integer(input, type, leaf, i, shape, Long.MIN_VALUE, Long.MAX_VALUE);
          break;
        case BOOL:
          if (!leaf.isBoolean()) {
            throw wrongType(input, type, leaf, i, shape, "true or false");
          }
          ((boolean[]) array)[i] = leaf.booleanValue();
          break;
        case STRING:
          if (!leaf.isTextual()) {
            throw wrongType(input, type, leaf, i, shape, "a JSON string");
          }
          ((String[]) array)[i] = leaf.textValue();
          break;
        default:
          throw new IllegalArgumentException("unsupported element type " + type);
      }
    }
    return array;
  }

  private static double floating(String input, ElementType type, JsonNode leaf, int i, long[] shape) {
    if (leaf.isTextual()) {
      switch (leaf.textValue()) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          throw wrongType(input, type, leaf, i, shape, "a number (or \"NaN\", \"Infinity\", \"-Infinity\")");
      }
    }
    if (!leaf.isNumber()) {
      throw wrongType(input, type, leaf, i, shape, "a number");
    }
    double value;
    if (type == ElementType.FLOAT64) {
      value = leaf.isBigDecimal() ? leaf.decimalValue().doubleValue() : leaf.doubleValue();
    } else {
      // Round the exact decimal once, straight to float (no double rounding through a double).
      value = leaf.isBigDecimal() ? leaf.decimalValue().floatValue() : leaf.floatValue();
    }
    if (Double.isInfinite(value) || type == ElementType.FLOAT16 && Math.abs(value) >= FLOAT16_LIMIT) {
      throw new InvalidInputException(input, "range", "input '" + input + "': " + leaf + at(i, shape) + " is out of range for " + type);
    }
    return value;
  }

  private static long integer(String input, ElementType type, JsonNode leaf, int i, long[] shape, long min, long max) {
    if (!leaf.isNumber()) {
      throw wrongType(input, type, leaf, i, shape, "an integer");
    }
    BigInteger value;
    if (leaf.isIntegralNumber()) {
      value = leaf.bigIntegerValue();
    } else {
      BigDecimal decimal = leaf.decimalValue().stripTrailingZeros();
      if (decimal.scale() > 0) {
        throw wrongType(input, type, leaf, i, shape, "an integer");
      }
      if (decimal.precision() - decimal.scale() > 20) {
        // Far outside every integer type; never expand 1e999999999 into a BigInteger.
        throw outOfRange(input, type, leaf, i, shape, min, max);
      }
      value = decimal.toBigIntegerExact();
    }
    if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
      throw outOfRange(input, type, leaf, i, shape, min, max);
    }
    return value.longValue();
  }

  private static InvalidInputException outOfRange(String input, ElementType type, JsonNode leaf, int i, long[] shape, long min, long max) {
    return new InvalidInputException(
        input, "range", "input '" + input + "': " + leaf + at(i, shape) + " is out of range for " + type + " (" + min + ".." + max + ")");
  }

  private static InputTypeException wrongType(String input, ElementType type, JsonNode leaf, int i, long[] shape, String expected) {
    return new InputTypeException(input, describe(leaf) + at(i, shape) + " is not a " + type + " value; expected " + expected);
  }

  /** The position of flat element {@code i} for messages, for example {@code " at [1, 2]"}; nothing for a scalar. */
  private static String at(int i, long[] shape) {
    if (shape.length == 0) {
      return "";
    }
    long[] index = new long[shape.length];
    long rest = i;
    for (int axis = shape.length - 1; axis >= 0; axis--) {
      index[axis] = shape[axis] == 0 ? 0 : rest % shape[axis];
      rest = shape[axis] == 0 ? rest : rest / shape[axis];
    }
    return " at " + Arrays.toString(index);
  }

  private static String describe(JsonNode node) {
    if (node.isNull()) {
      return "null";
    }
    if (node.isTextual()) {
      return "string " + node;
    }
    if (node.isBoolean()) {
      return "boolean " + node;
    }
    if (node.isNumber()) {
      return "number " + node;
    }
    if (node.isObject()) {
      return "an object";
    }
    return node.toString();
  }

  private static String nonFinite(double value) {
    return Double.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
  }

  /** A nested array (or a bare value) checked to be rectangular, with its leaves in row-major order. */
  private static final class Nested {
    final long[] shape;
    final List<JsonNode> leaves;

    private Nested(long[] shape, List<JsonNode> leaves) {
      this.shape = shape;
      this.leaves = leaves;
    }

    static Nested of(String input, JsonNode value) {
      // The first element at each depth fixes the shape; every other array must match it.
      List<Long> dims = new ArrayList<>();
      JsonNode probe = value;
      while (probe.isArray()) {
        dims.add((long) probe.size());
        if (probe.size() == 0) {
          break;
        }
        probe = probe.get(0);
      }
      long[] shape = new long[dims.size()];
      long count = 1;
      for (int i = 0; i < shape.length; i++) {
        shape[i] = dims.get(i);
        count *= shape[i];
        if (count > Integer.MAX_VALUE - 8) {
          throw new InputShapeException(input, "the array has more elements than a tensor can hold");
        }
      }
      List<JsonNode> leaves = new ArrayList<>((int) count);
      collect(input, value, shape, 0, new int[shape.length], leaves);
      return new Nested(shape, leaves);
    }

    private static void collect(String input, JsonNode node, long[] shape, int depth, int[] path, List<JsonNode> leaves) {
      if (depth == shape.length) {
        if (node.isArray()) {
          throw ragged(input, path, depth, "is an array but the first element at this depth is not");
        }
        leaves.add(node);
        return;
      }
      if (!node.isArray()) {
        throw ragged(input, path, depth, "is not an array but the first element at this depth is an array of " + shape[depth]);
      }
      if (node.size() != shape[depth]) {
        throw ragged(input, path, depth, "has " + node.size() + " elements but the first array at this depth has " + shape[depth]);
      }
      for (int i = 0; i < node.size(); i++) {
        path[depth] = i;
        collect(input, node.get(i), shape, depth + 1, path, leaves);
      }
    }

    private static InputShapeException ragged(String input, int[] path, int depth, String problem) {
      StringBuilder where = new StringBuilder("element ");
      for (int i = 0; i < depth; i++) {
        where.append('[').append(path[i]).append(']');
      }
      return new InputShapeException(input, "ragged array: " + where + " " + problem);
    }
  }
}
