package dev.fathom.internal.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.fathom.ElementType;
import dev.fathom.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The general call path: any inputs of any element type and rank. Inputs are copied into new ONNX
 * Runtime tensors, outputs are copied out into {@link Tensor}s, and every native value is closed
 * before {@link #run} returns. The result doubles as the {@link CallView} for observers. Immutable
 * once built; before the run (see {@link #pending}) it has no outputs.
 */
final class GenericCall implements CallView {
  private final ModelSignature signature;
  private final Map<String, Tensor> inputs;
  private final Tensor[] outputs;
  private final int rows;
  private final long firstId;
  private final Tensor tabular;

  private GenericCall(ModelSignature signature, Map<String, Tensor> inputs, Tensor[] outputs, int rows, long firstId) {
    this.signature = signature;
    this.inputs = inputs;
    this.outputs = outputs;
    this.rows = rows;
    this.firstId = firstId;
    this.tabular = signature.features() == null ? null : inputs.get(signature.features().inputName());
  }

  /**
   * Runs {@code version} on already checked inputs.
   *
   * @param rows rows in the call, for splitting outputs and numbering predictions
   * @param firstId the prediction id of row 0
   */
  static GenericCall run(LoadedVersion version, Map<String, Tensor> inputs, int rows, long firstId) throws OrtException {
    Map<String, OnnxTensor> feeds = new HashMap<>();
    try {
      for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
        feeds.put(e.getKey(), TensorCodec.toOnnx(Onnx.environment(), e.getValue()));
      }
      List<String> names = version.signature().outputNames();
      Tensor[] outputs = new Tensor[names.size()];
      try (OrtSession.Result result = version.session().run(feeds)) {
        for (int i = 0; i < outputs.length; i++) {
          OnnxValue value = result.get(names.get(i)).orElseThrow(() -> new IllegalStateException("ONNX Runtime returned no output"));
          outputs[i] = TensorCodec.fromOnnx(value);
        }
      }
      return new GenericCall(version.signature(), inputs, outputs, rows, firstId);
    } finally {
      for (OnnxTensor t : feeds.values()) {
        t.close();
      }
    }
  }

  /** The view of a call before it runs, for the observer's input check: inputs only. */
  static GenericCall pending(ModelSignature signature, Map<String, Tensor> inputs, int rows, long firstId) {
    return new GenericCall(signature, inputs, null, rows, firstId);
  }

  Tensor[] outputs() {
    return outputs;
  }

  @Override
  public ModelSignature signature() {
    return signature;
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public long firstPredictionId() {
    return firstId;
  }

  @Override
  public double column(int row, int column) {
    if (tabular == null) {
      return Double.NaN;
    }
    int width = signature.features().columns();
    return tabular.getDouble(row * width + column);
  }

  @Override
  public int outputWidth(int output) {
    if (outputs == null) {
      return 0;
    }
    Tensor t = outputs[output];
    if (t.rank() == 0 || rows == 0) {
      return t.size();
    }
    return t.size() / rows;
  }

  @Override
  public double outputValue(int output, int row, int index) {
    if (outputs == null) {
      return Double.NaN;
    }
    Tensor t = outputs[output];
    if (t.type() == ElementType.STRING) {
      return Double.NaN;
    }
    return t.getDouble(row * outputWidth(output) + index);
  }

  @Override
  public Tensor input(int index) {
    return inputs.get(signature.inputNames().get(index));
  }

  @Override
  public Tensor output(int index) {
    if (outputs == null) {
      throw new IllegalStateException("the call has not run yet");
    }
    return outputs[index];
  }
}
