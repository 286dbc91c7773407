package dev.fathom;

import dev.fathom.internal.inference.CallResult;
import dev.fathom.internal.inference.Calls;
import dev.fathom.internal.inference.LoadedVersion;
import dev.fathom.internal.inference.ModelSlot;
import dev.fathom.internal.inference.SingleThreadCaller;
import dev.fathom.registry.Manifest;
import dev.fathom.registry.TensorSpec;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model reference being served: {@code fraud} follows the model's policy and moves to new
 * versions as they are published, {@code fraud@3} stays on version 3, {@code fraud@production}
 * follows the alias. Every call runs entirely on the version current when it started.
 *
 * <p>Thread-safe: share one instance between request threads. For the lowest latency from one
 * thread, use a {@link #predictor()}.
 */
public final class Model {
  private final ModelSlot slot;

  Model(ModelSlot slot) {
    this.slot = slot;
  }

  /** The reference this model serves, for example {@code fraud@production}. */
  public String reference() {
    return slot.reference().toString();
  }

  public String name() {
    return slot.reference().model();
  }

  /** The version serving now. */
  public long version() {
    return slot.current().version();
  }

  /** The manifest of the version serving now. */
  public Manifest manifest() {
    return slot.current().manifest();
  }

  /** Predicts one row of named features (see {@link Features}). */
  public Prediction predict(Features features) {
    Objects.requireNonNull(features, "features");
    return single(Calls.predict(slot, features));
  }

  /** Predicts one row given as a map of feature name to value. */
  public Prediction predict(Map<String, ?> features) {
    return predict(Features.of(features));
  }

  /** Predicts one row of already encoded values (all columns of the model's one input). */
  public Prediction predict(float[] row) {
    Objects.requireNonNull(row, "row");
    return single(Calls.predictRow(slot, row));
  }

  /** Predicts one row of already encoded values (all columns of the model's one input). */
  public Prediction predict(double[] row) {
    Objects.requireNonNull(row, "row");
    return single(Calls.predictRow(slot, row));
  }

  /**
   * Predicts several rows of named features in one inference call; the predictions come back in
   * row order, each with its own id.
   */
  public List<Prediction> predictBatch(List<Features> rows) {
    Objects.requireNonNull(rows, "rows");
    if (rows.isEmpty()) {
      return List.of();
    }
    TensorSpec input = slot.current().signature().inputs().get(0);
    long[] shape = input.shapeArray();
    if (shape != null && shape.length > 0 && shape[0] == 1 && rows.size() > 1) {
      // A model exported with a fixed batch of one: run row by row.
      List<Prediction> out = new ArrayList<>(rows.size());
      for (Features row : rows) {
        out.add(predict(row));
      }
      return out;
    }
    return split(Calls.predictBatch(slot, rows));
  }

  /**
   * Runs the model on named tensors of any element type and rank. Every input must be present with
   * its declared element type and shape.
   */
  public Prediction run(Map<String, Tensor> inputs) {
    Objects.requireNonNull(inputs, "inputs");
    return single(Calls.run(slot, inputs));
  }

  /**
   * A predictor for calls from one thread that reuses native buffers between calls: the fastest
   * path. Close it when done.
   */
  public Predictor predictor() {
    return new Predictor(this, new SingleThreadCaller(slot));
  }

  private Prediction single(CallResult result) {
    LoadedVersion v = result.version();
    return Prediction.owning(result.firstId(), v.model(), v.version(), v.signature().outputNames(), result.outputs(), labels(v));
  }

  private List<Prediction> split(CallResult result) {
    LoadedVersion v = result.version();
    Map<String, List<String>> labels = labels(v);
    List<String> names = v.signature().outputNames();
    List<Prediction> predictions = new ArrayList<>(result.rows());
    for (int r = 0; r < result.rows(); r++) {
      Map<String, Tensor> outputs = new LinkedHashMap<>();
      for (int o = 0; o < names.size(); o++) {
        outputs.put(names.get(o), row(result.outputs()[o], r, result.rows()));
      }
      predictions.add(Prediction.of(result.firstId() + r, v.model(), v.version(), outputs, labels));
    }
    return predictions;
  }

  /** Output name to class labels; immutable, built once per version. */
  static Map<String, List<String>> labels(LoadedVersion v) {
    return v.signature().outputLabels();
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

  @Override
  public String toString() {
    return "Model{" + reference() + " serving version " + version() + "}";
  }
}
