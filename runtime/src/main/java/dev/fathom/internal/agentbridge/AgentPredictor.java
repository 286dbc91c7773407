package dev.fathom.internal.agentbridge;

import dev.fathom.Prediction;

/**
 * A predictor of the Fathom agent: {@link #predict(float[])} and the output reads pass primitives
 * through exactly-typed method handles, so a call allocates nothing here and nothing in the agent's
 * predictor. Not thread-safe, like every predictor.
 */
final class AgentPredictor implements PredictorBackend {
  private final AgentModel model;
  private final AgentBridge bridge;
  private final Object handle;
  private long lastId;
  private boolean predicted;

  AgentPredictor(AgentModel model, AgentBridge bridge, Object handle) {
    this.model = model;
    this.bridge = bridge;
    this.handle = handle;
  }

  @Override
  public long predict(float[] row) {
    long id;
    try {
      id = (long) bridge.predictorRunFloats.invokeExact(handle, row);
    } catch (Throwable t) {
      throw bridge.errors.translate(t);
    }
    lastId = id;
    predicted = true;
    return id;
  }

  @Override
  public long predict(double[] row) {
    long id;
    try {
      id = (long) bridge.predictorRunDoubles.invokeExact(handle, row);
    } catch (Throwable t) {
      throw bridge.errors.translate(t);
    }
    lastId = id;
    predicted = true;
    return id;
  }

  @Override
  public double output(int output, int index) {
    try {
      return (double) bridge.predictorOutput.invokeExact(handle, output, index);
    } catch (Throwable t) {
      throw bridge.errors.translate(t);
    }
  }

  @Override
  public int outputSize(int output) {
    try {
      return (int) bridge.predictorOutputSize.invokeExact(handle, output);
    } catch (Throwable t) {
      throw bridge.errors.translate(t);
    }
  }

  @Override
  public long lastPredictionId() {
    return lastId;
  }

  @Override
  public long lastVersion() {
    checkPredicted();
    try {
      return (long) bridge.predictorLastVersion.invokeExact(handle);
    } catch (Throwable t) {
      throw bridge.errors.translate(t);
    }
  }

  @Override
  public Prediction lastPrediction() {
    checkPredicted();
    Object[] result;
    try {
      result = (Object[]) bridge.predictorLast.invokeExact(handle);
    } catch (Throwable t) {
      throw bridge.errors.translate(t);
    }
    return model.single(result);
  }

  private void checkPredicted() {
    if (!predicted) {
      throw new IllegalStateException("no prediction yet");
    }
  }

  @Override
  public void close() {
    try {
      bridge.predictorClose.invokeExact(handle);
    } catch (Throwable t) {
      throw bridge.errors.translate(t);
    }
  }
}
