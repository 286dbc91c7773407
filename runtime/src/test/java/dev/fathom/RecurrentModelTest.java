package dev.fathom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fathom.testing.TestData;
import dev.fathom.testing.TestRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several inputs and outputs, an int64 scalar and a recurrent state, through the public API. */
class RecurrentModelTest {
  @TempDir Path dir;

  @Test
  void carriesStateAcrossStepsLikeNumpy() {
    TestRegistry registry = new TestRegistry(dir.resolve("models"));
    registry.publish("rnn", "recurrent.onnx");
    try (Fathom fathom = Fathom.builder().registry(registry.root()).watchInterval(Duration.ZERO).build()) {
      Model rnn = fathom.model("rnn");
      JsonNode cases = TestData.expected("recurrent");
      Map<String, ElementType> types = Map.of("step", ElementType.INT64, "step_out", ElementType.INT64);
      Tensor state = null;
      for (JsonNode example : cases) {
        Map<String, Tensor> inputs = new HashMap<>(TestData.tensors(example.get("inputs"), types));
        if (state != null) {
          inputs.put("state_in", state);
        }
        Prediction p = rnn.run(inputs);
        Map<String, Tensor> expected = TestData.tensors(example.get("outputs"), types);
        assertThat(p.output("y").floats()).containsExactly(expected.get("y").floats(), within(1e-5f));
        assertThat(p.output("state_out").floats()).containsExactly(expected.get("state_out").floats(), within(1e-5f));
        assertThat(p.output("step_out").rank()).isZero();
        assertThat(p.output("step_out").longs()).containsExactly(expected.get("step_out").longs());
        state = p.output("state_out");
      }
    }
  }
}
