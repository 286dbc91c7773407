package dev.fathom;

import dev.fathom.internal.agentbridge.ModelBackend;
import dev.fathom.internal.agentbridge.PredictorBackend;
import dev.fathom.internal.agentbridge.Predictions;
import dev.fathom.internal.inference.CallResult;
import dev.fathom.internal.inference.Calls;
import dev.fathom.internal.inference.LoadedVersion;
import dev.fathom.internal.inference.ModelSlot;
import dev.fathom.internal.inference.SingleThreadCaller;
import dev.fathom.registry.Manifest;
import dev.fathom.registry.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A model served by this class loader's own engine: one {@link ModelSlot}. Thread-safe. */
final class LocalModel implements ModelBackend {
  private final ModelSlot slot;

  LocalModel(ModelSlot slot) {
    this.slot = slot;
  }

  @Override
  public String reference() {
    return slot.reference().toString();
  }

  @Override
  public String name() {
    return slot.reference().model();
  }

  @Override
  public long version() {
    return slot.current().version();
  }

  @Override
  public Manifest manifest() {
    return slot.current().manifest();
  }

  @Override
  public Prediction predict(Features features) {
    return single(Calls.predict(slot, features));
  }

  @Override
  public Prediction predictRow(double[] row) {
    return single(Calls.predictRow(slot, row));
  }

  @Override
  public Prediction predictRow(float[] row) {
    return single(Calls.predictRow(slot, row));
  }

  @Override
  public List<Prediction> predictBatch(List<Features> rows) {
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
    CallResult result = Calls.predictBatch(slot, rows);
    LoadedVersion v = result.version();
    return Predictions.split(result.firstId(), v.model(), v.version(), result.rows(), v.signature().outputNames(), result.outputs(), v.signature().outputLabels());
  }

  @Override
  public Prediction run(Map<String, Tensor> inputs) {
    return single(Calls.run(slot, inputs));
  }

  @Override
  public PredictorBackend predictor() {
    return new LocalPredictor(new SingleThreadCaller(slot));
  }

  private static Prediction single(CallResult result) {
    LoadedVersion v = result.version();
    return prediction(result.firstId(), v, result.outputs());
  }

  private static Prediction prediction(long id, LoadedVersion v, Tensor[] outputs) {
    return Prediction.owning(id, v.model(), v.version(), v.signature().outputNames(), outputs, v.signature().outputLabels());
  }

  /** The engine side of a predictor. Not thread-safe. */
  private static final class LocalPredictor implements PredictorBackend {
    private final SingleThreadCaller caller;

    LocalPredictor(SingleThreadCaller caller) {
      this.caller = caller;
    }

    @Override
    public long predict(float[] row) {
      return caller.predict(row);
    }

    @Override
    public long predict(double[] row) {
      return caller.predict(row);
    }

    @Override
    public double output(int output, int index) {
      return caller.output(output, index);
    }

    @Override
    public int outputSize(int output) {
      return caller.outputSize(output);
    }

    @Override
    public long lastPredictionId() {
      return caller.lastId();
    }

    @Override
    public long lastVersion() {
      return last().version();
    }

    @Override
    public Prediction lastPrediction() {
      return prediction(caller.lastId(), last(), caller.outputs());
    }

    private LoadedVersion last() {
      LoadedVersion v = caller.lastVersion();
      if (v == null) {
        throw new IllegalStateException("no prediction yet");
      }
      return v;
    }

    @Override
    public void close() {
      caller.close();
    }
  }
}
