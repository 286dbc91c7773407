package dev.fathom.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.fathom.internal.util.Json;
import dev.fathom.registry.FeatureSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code --schema FILE} of {@code fathom publish}: the features and labels the compact
 * syntax cannot express (names with punctuation, exact bounds written by a training script).
 *
 * <pre>
 * {
 *   "features": [ FeatureSpec, ... ]                 features of the model's only input, or
 *   "features": { "input": [ FeatureSpec, ... ] },   features per input tensor
 *   "labels":   [ "legit", "fraud" ]                 labels of the first output, or
 *   "labels":   { "probabilities": [ "legit", "fraud" ] }
 * }
 * FeatureSpec = {"name": "country", "kind": "categorical", "encoding": "one_hot",
 *                "categories": ["DE", "FR"], "nullable": true}
 *             | {"name": "amount", "kind": "numeric", "min": 0, "max": 10000}
 * </pre>
 *
 * A bare array is the features of the only input. Field names and values are those of {@code
 * manifest.json}; unknown fields are errors (a typo must not silently drop a constraint). Stateless.
 */
final class SchemaFile {
  private static final ObjectReader FEATURE = Json.MAPPER.readerFor(FeatureSpec.class).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private SchemaFile() {}

  /** What a schema file declares. */
  record Schema(List<FeatureSyntax.InputFeatures> features, List<FeatureSyntax.OutputLabels> labels) {}

  /**
   * Reads a schema file.
   *
   * @throws IllegalArgumentException naming the file and the problem
   */
  static Schema read(Path file) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("schema " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read schema " + file + ": " + e.getMessage(), e);
    }
    if (root == null || root.isMissingNode()) {
      throw new IllegalArgumentException("schema " + file + " is empty");
    }
    List<FeatureSyntax.InputFeatures> features = new ArrayList<>();
    List<FeatureSyntax.OutputLabels> labels = new ArrayList<>();
    if (root.isArray()) {
      features.add(new FeatureSyntax.InputFeatures("", featureList(file, "", root)));
      return new Schema(features, labels);
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException("schema " + file + " must be a JSON object with \"features\" and/or \"labels\", or an array of features");
    }
    for (Map.Entry<String, JsonNode> entry : root.properties()) {
      JsonNode value = entry.getValue();
      switch (entry.getKey()) {
        case "features":
          if (value.isArray()) {
            features.add(new FeatureSyntax.InputFeatures("", featureList(file, "", value)));
          } else if (value.isObject()) {
            for (Map.Entry<String, JsonNode> input : value.properties()) {
              features.add(new FeatureSyntax.InputFeatures(input.getKey(), featureList(file, input.getKey(), input.getValue())));
            }
          } else {
            throw new IllegalArgumentException("schema " + file + ": \"features\" must be an array or an object of input name to array");
          }
          break;
        case "labels":
          if (value.isArray()) {
            labels.add(new FeatureSyntax.OutputLabels("", labelList(file, "", value)));
          } else if (value.isObject()) {
            for (Map.Entry<String, JsonNode> output : value.properties()) {
              labels.add(new FeatureSyntax.OutputLabels(output.getKey(), labelList(file, output.getKey(), output.getValue())));
            }
          } else {
            throw new IllegalArgumentException("schema " + file + ": \"labels\" must be an array or an object of output name to array");
          }
          break;
        default:
          throw new IllegalArgumentException("schema " + file + ": unknown key '" + entry.getKey() + "'; expected \"features\" and/or \"labels\"");
      }
    }
    return new Schema(features, labels);
  }

  private static List<FeatureSpec> featureList(Path file, String input, JsonNode node) {
    String where = "schema " + file + (input.isEmpty() ? "" : " (input '" + input + "')");
    if (!node.isArray() || node.isEmpty()) {
      throw new IllegalArgumentException(where + ": features must be a non-empty array");
    }
    List<FeatureSpec> features = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      try {
        FeatureSpec spec = FEATURE.readValue(node.get(i));
        if (spec == null || spec.name() == null || spec.name().isEmpty()) {
          throw new IllegalArgumentException(where + ": feature " + i + " has no name");
        }
        features.add(spec);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(where + ": feature " + i + ": " + rootMessage(e), e);
      } catch (IOException e) {
        throw new IllegalArgumentException(where + ": feature " + i + ": " + e.getMessage(), e);
      }
    }
    return features;
  }

  private static List<String> labelList(Path file, String output, JsonNode node) {
    String where = "schema " + file + (output.isEmpty() ? "" : " (output '" + output + "')");
    if (!node.isArray() || node.isEmpty()) {
      throw new IllegalArgumentException(where + ": labels must be a non-empty array of strings");
    }
    List<String> labels = new ArrayList<>();
    for (JsonNode label : node) {
      if (!label.isTextual()) {
        throw new IllegalArgumentException(where + ": labels must be strings, got " + label);
      }
      labels.add(label.textValue());
    }
    return labels;
  }

  /** The message of the innermost cause: the record constructor's rule, not Jackson's wrapping. */
  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof JsonProcessingException) {
      return ((JsonProcessingException) root).getOriginalMessage();
    }
    return root.getMessage();
  }
}
