package dev.fathom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fathom.testing.TestRegistry;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/** Every element type at every rank from 0 to 4 (and an empty tensor) round-trips through ONNX Runtime. */
class ElementTypesTest {
  @TempDir static Path dir;
  static Fathom fathom;
  static Model identity;

  @BeforeAll
  static void setUp() {
    TestRegistry registry = new TestRegistry(dir.resolve("models"));
    registry.publish("identity", "all_types.onnx");
    fathom = Fathom.builder().registry(registry.root()).watchInterval(Duration.ZERO).build();
    identity = fathom.model("identity");
  }

  @AfterAll
  static void tearDown() {
    fathom.close();
  }

  static Stream<Arguments> typesAndShapes() {
    long[][] shapes = {{}, {3}, {2, 3}, {2, 1, 3}, {1, 2, 2, 2}, {0, 3}};
    Stream.Builder<Arguments> cases = Stream.builder();
    for (ElementType type : ElementType.values()) {
      for (long[] shape : shapes) {
        cases.add(Arguments.of(type, shape));
      }
    }
    return cases.build();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("typesAndShapes")
  void roundTrips(ElementType type, long[] shape) {
    Tensor input = sample(type, shape);
    Map<String, Tensor> inputs = new HashMap<>();
    for (ElementType t : ElementType.values()) {
      inputs.put("x_" + t.onnxName(), t == type ? input : sample(t, new long[] {1}));
    }
    Prediction prediction = identity.run(inputs);
    Tensor output = prediction.output("y_" + type.onnxName());
    assertThat(output.type()).isEqualTo(type);
    assertThat(output.shape()).containsExactly(shape);
    assertThat(output).isEqualTo(input);
    assertThat(prediction.outputs()).hasSize(ElementType.values().length);
  }

  /** Values that exercise each type's range: negatives, unsigned bytes above 127, unicode text. */
  static Tensor sample(ElementType type, long[] shape) {
    int size = (int) Tensor.elementCount(shape);
    Object data = Array.newInstance(type.arrayType().getComponentType(), size);
    for (int i = 0; i < size; i++) {
      switch (type) {
        case FLOAT32:
          ((float[]) data)[i] = i * 1.5f - 2f;
          break;
        case FLOAT16:
          ((float[]) data)[i] = i * 0.5f - 1f; // exactly representable in half precision
          break;
        case FLOAT64:
          ((double[]) data)[i] = Math.PI * i - 1e300 * (i % 2);
          break;
        case INT8:
          ((byte[]) data)[i] = (byte) (i * 37 - 128);
          break;
        case UINT8:
          ((byte[]) data)[i] = (byte) (200 + i);
          break;
        case INT16:
          ((short[]) data)[i] = (short) (i * 1000 - 32768);
          break;
        case INT32:
          ((int[]) data)[i] = Integer.MIN_VALUE + i * 7;
          break;
        case INT64:
          ((long[]) data)[i] = Long.MAX_VALUE - i;
          break;
        case BOOL:
          ((boolean[]) data)[i] = i % 3 == 0;
          break;
        default:
          ((String[]) data)[i] = "wert-" + i + "-\u00fc\u2713";
      }
    }
    return Tensor.of(type, shape, data);
  }
}
