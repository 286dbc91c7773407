package dev.fathom.internal.agentbridge;

import dev.fathom.Prediction;

/**
 * What serves a {@link dev.fathom.Predictor}: a single-thread caller of the local engine or a
 * predictor of the agent. {@link #predict(float[])} allocates nothing in either. Not thread-safe.
 */
public interface PredictorBackend extends AutoCloseable {
  long predict(float[] row);

  long predict(double[] row);

  double output(int output, int index);

  int outputSize(int output);

  long lastPredictionId();

  /** The version that ran the last prediction; throws {@link IllegalStateException} before the first. */
  long lastVersion();

  /** The last prediction (copies); throws {@link IllegalStateException} before the first. */
  Prediction lastPrediction();

  @Override
  void close();
}
