package dev.fathom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fathom.testing.TestData;
import dev.fathom.testing.TestRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InferenceTest {
  @TempDir Path dir;
  TestRegistry registry;
  Fathom fathom;

  @BeforeEach
  void setUp() {
    registry = new TestRegistry(dir.resolve("models"));
    fathom = Fathom.builder().registry(registry.root()).watchInterval(Duration.ZERO).inference(InferenceOptions.builder().optimizedModelCache(dir.resolve("cache")).build()).build();
  }

  @AfterEach
  void tearDown() {
    fathom.close();
  }

  @Test
  void predictsRowsLikeNumpyOnEveryPath() {
    registry.publishMlp("mlp");
    Model model = fathom.model("mlp");
    for (JsonNode example : TestData.expected("mlp16")) {
      Tensor input = TestData.tensors(example.get("inputs"), Map.of()).get("input");
      Tensor expected = TestData.tensors(example.get("outputs"), Map.of()).get("output");
      int rows = (int) input.dim(0);
      float[] all = input.floats();
      List<Features> batch = new ArrayList<>();
      try (Predictor predictor = model.predictor()) {
        for (int r = 0; r < rows; r++) {
          float[] row = java.util.Arrays.copyOfRange(all, r * 16, r * 16 + 16);
          float want = expected.floats()[r];
          assertThat(model.predict(row).value()).isCloseTo(want, within(1e-5));
          predictor.predict(row);
          assertThat(predictor.output(0)).isCloseTo(want, within(1e-5));
          Features.Builder features = Features.builder();
          for (int c = 0; c < 16; c++) {
            features.put("f" + c, row[c]);
          }
          batch.add(features.build());
          assertThat(model.predict(batch.get(r)).value()).isCloseTo(want, within(1e-5));
        }
      }
      List<Prediction> predictions = model.predictBatch(batch);
      assertThat(predictions).hasSize(rows);
      for (int r = 0; r < rows; r++) {
        assertThat(predictions.get(r).value()).isCloseTo(expected.floats()[r], within(1e-5));
        assertThat(predictions.get(r).version()).isEqualTo(1);
        assertThat(predictions.get(r).model()).isEqualTo("mlp");
      }
      assertThat(predictions.stream().map(Prediction::id).distinct()).hasSize(rows);
      Prediction whole = model.run(Map.of("input", input));
      assertThat(whole.output("output").floats()).containsExactly(expected.floats(), within(1e-5f));
    }
  }

  @Test
  void rejectsBadInputsWithTypedErrors() {
    registry.publishMlp("mlp");
    Model model = fathom.model("mlp");
    assertThatThrownBy(() -> model.predict(new float[3]))
        .isInstanceOf(InputShapeException.class)
        .hasMessageContaining("input")
        .hasMessageContaining("16");
    assertThatThrownBy(() -> model.predict(Map.of("f0", 1.0)))
        .isInstanceOf(MissingInputException.class)
        .hasMessageContaining("f1");
    assertThatThrownBy(() -> model.run(Map.of("nope", Tensor.scalar(1f))))
        .isInstanceOf(UnknownInputException.class)
        .hasMessageContaining("nope");
    assertThatThrownBy(() -> model.run(Map.of("input", Tensor.ofDoubles(new double[16], 1, 16))))
        .isInstanceOf(InputTypeException.class)
        .hasMessageContaining("float32");
    assertThatThrownBy(() -> model.run(Map.of("input", Tensor.ofFloats(new float[15], 1, 15))))
        .isInstanceOf(InputShapeException.class);
  }
}
