package dev.fathom;

import dev.fathom.internal.agentbridge.ModelBackend;
import dev.fathom.internal.inference.ModelSlot;
import dev.fathom.registry.Manifest;
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
  private final ModelBackend backend;

  Model(ModelSlot slot) {
    this(new LocalModel(slot));
  }

  Model(ModelBackend backend) {
    this.backend = backend;
  }

  /** The reference this model serves, for example {@code fraud@production}. */
  public String reference() {
    return backend.reference();
  }

  public String name() {
    return backend.name();
  }

  /** The version serving now. */
  public long version() {
    return backend.version();
  }

  /** The manifest of the version serving now. */
  public Manifest manifest() {
    return backend.manifest();
  }

  /** Predicts one row of named features (see {@link Features}). */
  public Prediction predict(Features features) {
    Objects.requireNonNull(features, "features");
    return backend.predict(features);
  }

  /** Predicts one row given as a map of feature name to value. */
  public Prediction predict(Map<String, ?> features) {
    return predict(Features.of(features));
  }

  /** Predicts one row of already encoded values (all columns of the model's one input). */
  public Prediction predict(float[] row) {
    Objects.requireNonNull(row, "row");
    return backend.predictRow(row);
  }

  /** Predicts one row of already encoded values (all columns of the model's one input). */
  public Prediction predict(double[] row) {
    Objects.requireNonNull(row, "row");
    return backend.predictRow(row);
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
    return backend.predictBatch(rows);
  }

  /**
   * Runs the model on named tensors of any element type and rank. Every input must be present with
   * its declared element type and shape.
   */
  public Prediction run(Map<String, Tensor> inputs) {
    Objects.requireNonNull(inputs, "inputs");
    return backend.run(inputs);
  }

  /**
   * A predictor for calls from one thread that reuses native buffers between calls: the fastest
   * path. Close it when done.
   */
  public Predictor predictor() {
    return new Predictor(this, backend.predictor());
  }

  @Override
  public String toString() {
    return "Model{" + reference() + " serving version " + version() + "}";
  }
}
