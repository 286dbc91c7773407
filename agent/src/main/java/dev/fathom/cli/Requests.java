package dev.fathom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fathom.Features;
import dev.fathom.InputTypeException;
import dev.fathom.InvalidInputException;
import dev.fathom.Tensor;
import dev.fathom.UnknownInputException;
import dev.fathom.cli.json.TensorJson;
import dev.fathom.registry.Manifest;
import dev.fathom.registry.TensorSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one JSON request of {@code fathom predict} into model inputs, and shapes the outputs.
 *
 * <p>A request is a JSON object keyed by input tensor name (values in the {@link TensorJson}
 * encoding), or, for a model published with named features on its only input, keyed by feature
 * name (values: numbers, strings for categories, booleans, {@code null} for missing). A request to
 * a tabular model whose keys are not all input names is a feature request.
 *
 * <p>Batch-free requests: an input declared with a leading dynamic (batch) dimension may be given
 * without it, as one row ({@code [3, 0, 0, 2.5]} for {@code input [N, 4]}); it gets a batch of one.
 * When every batched input of a request comes that way, and for every feature request (one row by
 * definition), the batch dimension of one is removed again from outputs declared with a leading
 * dynamic dimension, so a row in gives a row out. Stateless.
 */
final class Requests {
  private Requests() {}

  /** A decoded request: either {@code features} or {@code tensors} is set. */
  record Request(Features features, Map<String, Tensor> tensors, boolean batchFree, int rows) {}

  /**
   * Decodes a request for the model {@code manifest} describes.
   *
   * @throws InvalidInputException naming the input and the rule it breaks
   */
  static Request decode(Manifest manifest, JsonNode request) {
    TensorSpec tabular = manifest.inputs().size() == 1 ? manifest.tabularInput() : null;
    if (request == null || !request.isObject()) {
      throw new InvalidInputException(
          null,
          "encoding",
          "a request is a JSON object keyed by input name" + (tabular != null ? " or feature name" : "") + ", got " + kind(request));
    }
    List<String> keys = new ArrayList<>();
    for (Map.Entry<String, JsonNode> entry : request.properties()) {
      keys.add(entry.getKey());
    }
    List<String> inputNames = new ArrayList<>();
    manifest.inputs().forEach(spec -> inputNames.add(spec.name()));
    if (tabular != null && (keys.isEmpty() || !inputNames.containsAll(keys))) {
      return new Request(features(request), null, true, 1);
    }
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    int promoted = 0;
    int batched = 0;
    for (Map.Entry<String, JsonNode> entry : request.properties()) {
      String name = entry.getKey();
      TensorSpec spec = manifest.input(name);
      if (spec == null) {
        throw new UnknownInputException(name, "input", inputNames);
      }
      Tensor tensor = TensorJson.decode(name, entry.getValue(), spec.elementType());
      if (hasBatchDimension(spec)) {
        if (tensor.rank() == spec.shape().size() - 1) {
          tensor = withLeadingOne(tensor);
          promoted++;
        } else {
          batched++;
        }
      }
      tensors.put(name, tensor);
    }
    boolean batchFree = promoted > 0 && batched == 0;
    return new Request(null, tensors, batchFree, batchFree ? 1 : rows(manifest, tensors));
  }

  /**
   * The outputs as the request wants them: for a batch-free request the batch dimension of one is
   * removed from outputs declared with a leading dynamic dimension.
   */
  static Map<String, Tensor> outputs(Manifest manifest, Request request, Map<String, Tensor> outputs) {
    if (!request.batchFree()) {
      return outputs;
    }
    Map<String, Tensor> shaped = new LinkedHashMap<>();
    outputs.forEach((name, tensor) -> {
      TensorSpec spec = manifest.output(name);
      if (spec != null && hasBatchDimension(spec) && tensor.rank() >= 1 && tensor.dim(0) == 1) {
        long[] shape = tensor.shape();
        long[] squeezed = new long[shape.length - 1];
        System.arraycopy(shape, 1, squeezed, 0, squeezed.length);
        tensor = Tensor.of(tensor.type(), squeezed, tensor.data());
      }
      shaped.put(name, tensor);
    });
    return shaped;
  }

  private static Features features(JsonNode request) {
    Features.Builder row = Features.builder();
    for (Map.Entry<String, JsonNode> entry : request.properties()) {
      String name = entry.getKey();
      JsonNode value = entry.getValue();
      if (value.isNull()) {
        row.missing(name);
      } else if (value.isNumber()) {
        double number = value.isBigDecimal() ? value.decimalValue().doubleValue() : value.doubleValue();
        if (Double.isInfinite(number)) {
          throw new InvalidInputException(name, "range", "feature '" + name + "': " + value + " is out of range for a number");
        }
        row.put(name, number);
      } else if (value.isTextual()) {
        row.put(name, value.textValue());
      } else if (value.isBoolean()) {
        row.put(name, (Object) value.booleanValue());
      } else {
        throw new InputTypeException(name, "a feature value is a number, a string, a boolean or null, not " + kind(value));
      }
    }
    return row.build();
  }

  /** Whether the declared shape starts with a dynamic dimension. */
  private static boolean hasBatchDimension(TensorSpec spec) {
    return spec.shape() != null && !spec.shape().isEmpty() && spec.shape().get(0) < 0;
  }

  private static Tensor withLeadingOne(Tensor tensor) {
    long[] shape = tensor.shape();
    long[] batched = new long[shape.length + 1];
    batched[0] = 1;
    System.arraycopy(shape, 0, batched, 1, shape.length);
    return Tensor.of(tensor.type(), batched, tensor.data());
  }

  /** Rows in a batched request: the batch dimension of the first input that has one, else 1. */
  private static int rows(Manifest manifest, Map<String, Tensor> tensors) {
    for (TensorSpec spec : manifest.inputs()) {
      Tensor tensor = tensors.get(spec.name());
      if (tensor != null && hasBatchDimension(spec) && tensor.rank() > 0) {
        return (int) Math.min(Integer.MAX_VALUE, tensor.dim(0));
      }
    }
    return 1;
  }

  private static String kind(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    if (node.isArray()) {
      return "an array";
    }
    if (node.isObject()) {
      return "an object";
    }
    if (node.isTextual()) {
      return "a string";
    }
    if (node.isNumber()) {
      return "a number";
    }
    if (node.isBoolean()) {
      return "a boolean";
    }
    return "null";
  }
}
