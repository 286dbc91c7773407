package dev.fathom.cli.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fathom.ElementType;
import dev.fathom.InputShapeException;
import dev.fathom.InputTypeException;
import dev.fathom.InvalidInputException;
import dev.fathom.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class TensorJsonTest {
  static JsonNode parse(String json) {
    try {
      return TensorJson.reader().readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  static Tensor decode(String json, ElementType declared) {
    return TensorJson.decode("x", parse(json), declared);
  }

  static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(String json, ElementType declared, String rule) {
    return assertThatThrownBy(() -> decode(json, declared))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'x'")
        .satisfies(e -> assertThat(((InvalidInputException) e).rule()).isEqualTo(rule))
        .satisfies(e -> assertThat(((InvalidInputException) e).input()).isEqualTo("x"));
  }

  @Test
  void bareValuesAreScalarsOfTheDeclaredType() {
    assertThat(decode("1.5", ElementType.FLOAT32)).isEqualTo(Tensor.of(ElementType.FLOAT32, new long[0], new float[] {1.5f}));
    assertThat(decode("-2.25", ElementType.FLOAT64)).isEqualTo(Tensor.of(ElementType.FLOAT64, new long[0], new double[] {-2.25}));
    assertThat(decode("0.5", ElementType.FLOAT16)).isEqualTo(Tensor.of(ElementType.FLOAT16, new long[0], new float[] {0.5f}));
    assertThat(decode("-128", ElementType.INT8)).isEqualTo(Tensor.of(ElementType.INT8, new long[0], new byte[] {-128}));
    assertThat(decode("255", ElementType.UINT8)).isEqualTo(Tensor.of(ElementType.UINT8, new long[0], new byte[] {(byte) 255}));
    assertThat(decode("-32768", ElementType.INT16)).isEqualTo(Tensor.of(ElementType.INT16, new long[0], new short[] {Short.MIN_VALUE}));
    assertThat(decode("2147483647", ElementType.INT32)).isEqualTo(Tensor.of(ElementType.INT32, new long[0], new int[] {Integer.MAX_VALUE}));
    assertThat(decode("-9223372036854775808", ElementType.INT64)).isEqualTo(Tensor.of(ElementType.INT64, new long[0], new long[] {Long.MIN_VALUE}));
    assertThat(decode("true", ElementType.BOOL)).isEqualTo(Tensor.of(ElementType.BOOL, new long[0], new boolean[] {true}));
    assertThat(decode("\"héllo\"", ElementType.STRING)).isEqualTo(Tensor.of(ElementType.STRING, new long[0], new String[] {"héllo"}));
  }

  @Test
  void nestingGivesTheShapeAndRowMajorOrder() {
    assertThat(decode("[1, 2, 3]", ElementType.INT32)).isEqualTo(Tensor.ofInts(new int[] {1, 2, 3}, 3));
    assertThat(decode("[[1, 2, 3], [4, 5, 6]]", ElementType.INT64)).isEqualTo(Tensor.ofLongs(new long[] {1, 2, 3, 4, 5, 6}, 2, 3));
    assertThat(decode("[[[1], [2]], [[3], [4]]]", ElementType.INT16)).isEqualTo(Tensor.ofShorts(new short[] {1, 2, 3, 4}, 2, 2, 1));
    assertThat(decode("[[[[true, false]]]]", ElementType.BOOL)).isEqualTo(Tensor.ofBooleans(new boolean[] {true, false}, 1, 1, 1, 2));
    assertThat(decode("[[\"a\", \"b\"]]", ElementType.STRING)).isEqualTo(Tensor.ofStrings(new String[] {"a", "b"}, 1, 2));
  }

  @Test
  void emptyArraysAreZeroSizedTensors() {
    assertThat(decode("[]", ElementType.FLOAT32)).isEqualTo(Tensor.ofFloats(new float[0], 0));
    assertThat(decode("[[], []]", ElementType.STRING)).isEqualTo(Tensor.ofStrings(new String[0], 2, 0));
    assertThat(decode("{\"shape\": [0, 3], \"data\": []}", ElementType.INT8)).isEqualTo(Tensor.of(ElementType.INT8, new long[] {0, 3}, new byte[0]));
  }

  @Test
  void explicitFormTakesFlatOrNestedData() {
    Tensor expected = Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertThat(decode("{\"dtype\": \"float32\", \"shape\": [2, 3], \"data\": [1, 2, 3, 4, 5, 6]}", ElementType.FLOAT32)).isEqualTo(expected);
    assertThat(decode("{\"dtype\": \"float32\", \"shape\": [2, 3], \"data\": [[1, 2, 3], [4, 5, 6]]}", ElementType.FLOAT32)).isEqualTo(expected);
    assertThat(decode("{\"data\": [[1, 2, 3], [4, 5, 6]]}", ElementType.FLOAT32)).as("shape from nesting, dtype declared").isEqualTo(expected);
    assertThat(decode("{\"shape\": [], \"data\": [7]}", ElementType.INT64)).isEqualTo(Tensor.scalar(7L));
    assertThat(decode("{\"shape\": [], \"data\": 7}", ElementType.INT64)).isEqualTo(Tensor.scalar(7L));
    assertThat(decode("{\"shape\": [1, 1, 1, 1, 1, 2], \"data\": [1, 2]}", ElementType.INT32))
        .isEqualTo(Tensor.ofInts(new int[] {1, 2}, 1, 1, 1, 1, 1, 2));
  }

  @Test
  void explicitDtypeOverridesTheDeclaredType() {
    // The model then refuses the mismatch with its own typed error; the codec keeps what was sent.
    assertThat(decode("{\"dtype\": \"float64\", \"data\": [1.5]}", ElementType.FLOAT32)).isEqualTo(Tensor.ofDoubles(new double[] {1.5}, 1));
  }

  @Test
  void refusesMalformedTensorObjects() {
    assertRefused("{\"dtype\": \"float\", \"data\": [1]}", ElementType.FLOAT32, "dtype").hasMessageContaining("unknown dtype \"float\"").hasMessageContaining("float32");
    assertRefused("{\"dtype\": \"FLOAT32\", \"data\": [1]}", ElementType.FLOAT32, "dtype");
    assertRefused("{\"dtype\": 1, \"data\": [1]}", ElementType.FLOAT32, "dtype");
    assertRefused("{\"shape\": [1]}", ElementType.FLOAT32, "encoding").hasMessageContaining("needs \"data\"");
    assertRefused("{\"data\": [1], \"type\": \"float32\"}", ElementType.FLOAT32, "encoding").hasMessageContaining("unknown key 'type'");
    assertRefused("{\"shape\": [-1], \"data\": [1]}", ElementType.FLOAT32, "encoding").hasMessageContaining("non-negative");
    assertRefused("{\"shape\": [1.5], \"data\": [1]}", ElementType.FLOAT32, "encoding");
    assertRefused("{\"shape\": 3, \"data\": [1, 2, 3]}", ElementType.FLOAT32, "encoding");
    assertRefused("{\"shape\": [2, 2], \"data\": [1, 2, 3]}", ElementType.FLOAT32, "shape").hasMessageContaining("holds 4 elements but data has 3");
    assertRefused("{\"shape\": [3, 2], \"data\": [[1, 2, 3], [4, 5, 6]]}", ElementType.FLOAT32, "shape").hasMessageContaining("nested as [2, 3]");
    assertRefused("{\"shape\": [2], \"data\": 1}", ElementType.FLOAT32, "shape");
  }

  @Test
  void refusesRaggedArraysNamingTheElement() {
    assertRefused("[[1, 2], [3]]", ElementType.FLOAT32, "shape").hasMessageContaining("ragged").hasMessageContaining("element [1] has 1 elements");
    assertRefused("[1, [2]]", ElementType.FLOAT32, "shape").hasMessageContaining("element [1] is an array");
    assertRefused("[[1], 2]", ElementType.FLOAT32, "shape").hasMessageContaining("element [1] is not an array");
    assertRefused("[[], [1]]", ElementType.FLOAT32, "shape");
    assertRefused("[[[1, 2], [3, 4]], [[5, 6], [7]]]", ElementType.INT32, "shape").hasMessageContaining("element [1][1]");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"1\"      | FLOAT32 | string \"1\"",
        "true       | FLOAT64 | boolean true",
        "null       | FLOAT16 | null",
        "[{}]       | INT32   | an object at [0]",
        "\"7\"      | INT64   | string \"7\"",
        "false      | UINT8   | boolean false",
        "1          | BOOL    | number 1",
        "\"true\"   | BOOL    | string \"true\"",
        "5          | STRING  | number 5",
        "[\"a\", null] | STRING | null at [1]",
      })
  void refusesWrongJsonTypes(String json, ElementType type, String described) {
    assertRefused(json, type, "dtype").isInstanceOf(InputTypeException.class).hasMessageContaining(described).hasMessageContaining("not a " + type);
  }

  @ParameterizedTest
  @CsvSource({
    "INT8, -129", "INT8, 128", "UINT8, -1", "UINT8, 256", "INT16, -32769", "INT16, 32768",
    "INT32, -2147483649", "INT32, 2147483648", "INT64, -9223372036854775809", "INT64, 9223372036854775808",
    "INT64, 1e30", "INT64, 1e999999999", "INT8, -1e999999999",
    "FLOAT32, 1e39", "FLOAT32, -3.5e38", "FLOAT16, 65520", "FLOAT16, -70000", "FLOAT64, 1e309",
  })
  void refusesNumbersOutsideTheType(ElementType type, String number) {
    assertRefused("[0, " + number + "]", type, "range").hasMessageContaining("at [1]").hasMessageContaining("out of range for " + type);
  }

  @Test
  void integersMustBeIntegral() {
    assertThat(decode("[3.0, 1e2, -0.0]", ElementType.INT32)).isEqualTo(Tensor.ofInts(new int[] {3, 100, 0}, 3));
    assertRefused("[1, 3.5]", ElementType.INT64, "dtype").hasMessageContaining("number 3.5 at [1]").hasMessageContaining("expected an integer");
    assertRefused("1e-999999999", ElementType.INT64, "dtype");
  }

  @Test
  void keepsEveryInt64Digit() {
    // 2^53 + 1 is not a double: it must never pass through one.
    assertThat(decode("[9007199254740993, -9007199254740993]", ElementType.INT64).longs()).containsExactly(9007199254740993L, -9007199254740993L);
    assertThat(decode("9223372036854775807", ElementType.INT64).longs()).containsExactly(Long.MAX_VALUE);
  }

  @Test
  void roundsDecimalsOnceToTheTargetType() {
    assertThat(decode("0.1", ElementType.FLOAT32).floats()[0]).isEqualTo(0.1f);
    assertThat(decode("0.1", ElementType.FLOAT64).doubles()[0]).isEqualTo(0.1);
    // Halfway between two floats after rounding to double first; exact rounding picks the upper one.
    assertThat(decode("1.00000005960464477539062500000001", ElementType.FLOAT32).floats()[0]).isEqualTo(Math.nextUp(1.0f));
    assertThat(decode("65504", ElementType.FLOAT16).floats()[0]).isEqualTo(65504f);
    assertThat(decode("1e-50", ElementType.FLOAT32).floats()[0]).isEqualTo(0f);
  }

  @Test
  void nonFiniteFloatsTravelAsStrings() {
    Tensor t = decode("[\"NaN\", \"Infinity\", \"-Infinity\", 1]", ElementType.FLOAT32);
    assertThat(t.floats()).containsExactly(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f);
    assertThat(TensorJson.encode(t).get("data").toString()).isEqualTo("[\"NaN\",\"Infinity\",\"-Infinity\",1.0]");
    assertThat(TensorJson.encode(Tensor.ofDoubles(new double[] {Double.NaN}, 1)).get("data").toString()).isEqualTo("[\"NaN\"]");
    assertRefused("\"nan\"", ElementType.FLOAT64, "dtype");
    assertRefused("\"NaN\"", ElementType.INT32, "dtype");
  }

  @Test
  void encodesTheExplicitFormWithFlatData() {
    assertThat(TensorJson.encode(Tensor.ofLongs(new long[] {1, 2, 3, 4}, 2, 2)).toString())
        .isEqualTo("{\"dtype\":\"int64\",\"shape\":[2,2],\"data\":[1,2,3,4]}");
    assertThat(TensorJson.encode(Tensor.scalar(true)).toString()).isEqualTo("{\"dtype\":\"bool\",\"shape\":[],\"data\":[true]}");
    assertThat(TensorJson.encode(Tensor.of(ElementType.UINT8, new long[] {2}, new byte[] {(byte) 255, 7})).toString())
        .isEqualTo("{\"dtype\":\"uint8\",\"shape\":[2],\"data\":[255,7]}");
    assertThat(TensorJson.encode(Tensor.of(ElementType.INT8, new long[] {1}, new byte[] {-5})).toString())
        .isEqualTo("{\"dtype\":\"int8\",\"shape\":[1],\"data\":[-5]}");
    assertThat(TensorJson.encode(Tensor.of(ElementType.FLOAT16, new long[0], new float[] {0.5f})).toString())
        .isEqualTo("{\"dtype\":\"float16\",\"shape\":[],\"data\":[0.5]}");
    assertThat(TensorJson.encode(Tensor.ofStrings(new String[0], 0, 3)).toString()).isEqualTo("{\"dtype\":\"string\",\"shape\":[0,3],\"data\":[]}");
  }

  @Test
  void writesAsciiOnly() throws Exception {
    ObjectNode node = TensorJson.encode(Map.of("y", Tensor.scalar("héllo ✓")));
    String line = TensorJson.writer().writeValueAsString(node);
    assertThat(line).isEqualTo("{\"y\":{\"dtype\":\"string\",\"shape\":[],\"data\":[\"h\\u00E9llo \\u2713\"]}}");
    assertThat(TensorJson.decode("y", parse(line).get("y"), ElementType.STRING).strings()).containsExactly("héllo ✓");
  }

  @Test
  void encodesNamedTensorsInOrder() {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("b", Tensor.scalar(1L));
    tensors.put("a", Tensor.scalar(2L));
    assertThat(TensorJson.encode(tensors).properties()).extracting(Map.Entry::getKey).containsExactly("b", "a");
  }

  @ParameterizedTest
  @EnumSource(ElementType.class)
  void everyTypeRoundTripsAtEveryRank(ElementType type) throws Exception {
    Random random = new Random(type.ordinal());
    for (int rank = 0; rank <= 5; rank++) {
      long[] shape = new long[rank];
      int size = 1;
      for (int i = 0; i < rank; i++) {
        shape[i] = 1 + random.nextInt(3);
        size *= shape[i];
      }
      Tensor original = Tensor.of(type, shape, randomData(type, size, random));
      String line = TensorJson.writer().writeValueAsString(TensorJson.encode(original));
      // Declared type deliberately different: the explicit dtype must win.
      ElementType declared = type == ElementType.STRING ? ElementType.FLOAT32 : ElementType.STRING;
      assertThat(TensorJson.decode("x", parse(line), declared)).as("%s rank %d: %s", type, rank, line).isEqualTo(original);
    }
  }

  @Test
  void readerRefusesDuplicateKeysAndTrailingContent() {
    assertThatThrownBy(() -> TensorJson.reader().readTree("{\"a\": 1, \"a\": 2}")).hasMessageContaining("Duplicate field 'a'");
    assertThatThrownBy(() -> TensorJson.reader().readTree("{\"a\": 1} {}")).hasMessageContaining("Trailing token");
  }

  @Test
  void shapeErrorsAreShapeExceptions() {
    assertThatThrownBy(() -> decode("[[1], [2, 3]]", ElementType.INT8)).isInstanceOf(InputShapeException.class);
  }

  private static Object randomData(ElementType type, int size, Random random) {
    switch (type) {
      case FLOAT32: {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
          a[i] = random.nextFloat() * 2000 - 1000;
        }
        return a;
      }
      case FLOAT16: {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
          a[i] = (random.nextInt(4096) - 2048) / 8f; // exact in float16
        }
        return a;
      }
      case FLOAT64: {
        double[] a = new double[size];
        for (int i = 0; i < size; i++) {
          a[i] = random.nextGaussian() * 1e10;
        }
        return a;
      }
      case INT8:
      case UINT8: {
        byte[] a = new byte[size];
        random.nextBytes(a);
        return a;
      }
      case INT16: {
        short[] a = new short[size];
        for (int i = 0; i < size; i++) {
          a[i] = (short) random.nextInt();
        }
        return a;
      }
      case INT32: {
        int[] a = new int[size];
        for (int i = 0; i < size; i++) {
          a[i] = random.nextInt();
        }
        return a;
      }
      case INT64: {
        long[] a = new long[size];
        for (int i = 0; i < size; i++) {
          a[i] = random.nextLong();
        }
        return a;
      }
      case BOOL: {
        boolean[] a = new boolean[size];
        for (int i = 0; i < size; i++) {
          a[i] = random.nextBoolean();
        }
        return a;
      }
      default: {
        String[] a = new String[size];
        for (int i = 0; i < size; i++) {
          a[i] = "s" + random.nextInt(1000) + (i % 2 == 0 ? "é\"\\\n" : "");
        }
        return a;
      }
    }
  }
}
