package dev.fathom.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.ElementType;
import dev.fathom.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shared test models under {@code testdata/models} (made by {@code testdata/generate_models.py})
 * and the reference outputs numpy computed for them, shared by every module's tests.
 */
public final class TestData {
  private TestData() {}

  /** The {@code testdata} directory: the {@code fathom.testdata} property, else found upwards. */
  public static Path root() {
    String configured = System.getProperty("fathom.testdata");
    if (configured != null && Files.isDirectory(Path.of(configured))) {
      return Path.of(configured);
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("testdata");
      if (Files.isDirectory(candidate.resolve("models"))) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("cannot find testdata/; set -Dfathom.testdata");
  }

  /** A model file, for example {@code mlp16.onnx} or {@code external_data/model.onnx}. */
  public static Path model(String name) {
    Path file = root().resolve("models").resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("missing test model " + file + "; run testdata/generate_models.py");
    }
    return file;
  }

  /** The reference cases of {@code expected.json} for one model. */
  public static JsonNode expected(String model) {
    try {
      JsonNode all = new ObjectMapper().readTree(root().resolve("models/expected.json").toFile());
      return all.get(model);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Tensors of one side ({@code inputs} or {@code outputs}) of a reference case. */
  public static Map<String, Tensor> tensors(JsonNode side, Map<String, ElementType> types) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    side.properties().forEach(e -> {
      JsonNode node = e.getValue();
      long[] shape = new long[node.get("shape").size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = node.get("shape").get(i).asLong();
      }
      JsonNode data = node.get("data");
      ElementType type = types.getOrDefault(e.getKey(), ElementType.FLOAT32);
      if (type == ElementType.INT64) {
        long[] values = new long[data.size()];
        for (int i = 0; i < values.length; i++) {
          values[i] = data.get(i).asLong();
        }
        out.put(e.getKey(), Tensor.ofLongs(values, shape));
      } else {
        float[] values = new float[data.size()];
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) data.get(i).asDouble();
        }
        out.put(e.getKey(), Tensor.ofFloats(values, shape));
      }
    });
    return out;
  }
}
