package dev.fathom;

import dev.fathom.internal.inference.LoadedVersion;
import dev.fathom.internal.inference.SingleThreadCaller;

/**
 * The fastest way to call a model from one thread: the input row goes into a reused native buffer
 * and the outputs land in pre-allocated native buffers that the accessors read in place, so a call
 * allocates nothing beyond what ONNX Runtime allocates itself. Follows new versions like its {@link
 * Model}; the first call after a swap prepares buffers for the new version.
 *
 * <pre>{@code
 * try (Predictor p = model.predictor()) {
 *   long id = p.predict(row);
 *   double score = p.output(0);
 * }
 * }</pre>
 *
 * <p>Not thread-safe: use one predictor per thread. Close it to free its native buffers.
 */
public final class Predictor implements AutoCloseable {
  private final Model model;
  private final SingleThreadCaller caller;

  Predictor(Model model, SingleThreadCaller caller) {
    this.model = model;
    this.caller = caller;
  }

  /** The model this predictor calls. */
  public Model model() {
    return model;
  }

  /**
   * Predicts one row (every column of the model's one input) and returns its prediction id.
   *
   * @throws InvalidInputException if the row has the wrong length or fails enforced validation
   */
  public long predict(float[] row) {
    return caller.predict(row);
  }

  /** Predicts one row of doubles and returns its prediction id. */
  public long predict(double[] row) {
    return caller.predict(row);
  }

  /** Element {@code index} of the first output of the last prediction. */
  public double output(int index) {
    return caller.output(0, index);
  }

  /** Element {@code index} of output {@code output} (in model order) of the last prediction. */
  public double output(int output, int index) {
    return caller.output(output, index);
  }

  /** Number of elements of output {@code output} of the last prediction. */
  public int outputSize(int output) {
    return caller.outputSize(output);
  }

  /** The id of the last prediction. */
  public long lastPredictionId() {
    return caller.lastId();
  }

  /** The model version that ran the last prediction. */
  public long lastVersion() {
    LoadedVersion v = caller.lastVersion();
    if (v == null) {
      throw new IllegalStateException("no prediction yet");
    }
    return v.version();
  }

  /** The last prediction as a {@link Prediction} (copies its outputs). */
  public Prediction lastPrediction() {
    LoadedVersion v = caller.lastVersion();
    if (v == null) {
      throw new IllegalStateException("no prediction yet");
    }
    return Prediction.owning(caller.lastId(), v.model(), v.version(), v.signature().outputNames(), caller.outputs(), Model.labels(v));
  }

  @Override
  public void close() {
    caller.close();
  }
}
