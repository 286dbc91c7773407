package dev.fathom.internal.agentbridge;

import dev.fathom.Prediction;
import dev.fathom.Tensor;
import dev.fathom.registry.TensorSpec;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds {@link Prediction}s from call outputs, for both model backends. Stateless. */
public final class Predictions {
  private Predictions() {}

  /** Output name to its class labels, for the outputs that have them; immutable. */
  static Map<String, List<String>> labels(List<TensorSpec> outputs) {
    Map<String, List<String>> labels = new HashMap<>();
    for (TensorSpec out : outputs) {
      if (out.labels() != null) {
        labels.put(out.name(), out.labels());
      }
    }
    return Map.copyOf(labels);
  }

  /** Outputs keyed by name, in model order. */
  static Map<String, Tensor> named(List<String> names, Tensor[] outputs) {
    Map<String, Tensor> named = new LinkedHashMap<>();
    for (int i = 0; i < outputs.length; i++) {
      named.put(names.get(i), outputs[i]);
    }
    return named;
  }

  /** One prediction per row of a batched call, ids {@code firstId}, {@code firstId + 1}, ... */
  public static List<Prediction> split(
      long firstId, String model, long version, int rows, List<String> names, Tensor[] outputs, Map<String, List<String>> labels) {
    List<Prediction> predictions = new ArrayList<>(rows);
    for (int r = 0; r < rows; r++) {
      Map<String, Tensor> row = new LinkedHashMap<>();
      for (int o = 0; o < names.size(); o++) {
        row.put(names.get(o), row(outputs[o], r, rows));
      }
      predictions.add(Prediction.of(firstId + r, model, version, row, labels));
    }
    return predictions;
  }

  /** Row {@code r} of a batched output, keeping a batch dimension of 1; unbatched outputs are shared. */
  private static Tensor row(Tensor batch, int r, int rows) {
    if (batch.rank() == 0 || batch.dim(0) != rows) {
      return batch;
    }
    long[] shape = batch.shape();
    int width = batch.size() / rows;
    shape[0] = 1;
    Object data = Array.newInstance(batch.type().arrayType().getComponentType(), width);
    System.arraycopy(batch.data(), r * width, data, 0, width);
    return Tensor.of(batch.type(), shape, data);
  }
}
