package dev.fathom.internal.inference;

import dev.fathom.Tensor;

/**
 * A call known only by its row count and first prediction id, without inputs or outputs: all that
 * timing observers read (the agent's timed method calls). Immutable and thread-safe.
 */
public class DatalessCall implements CallView {
  private final int rows;
  private final long firstId;

  public DatalessCall(int rows, long firstId) {
    this.rows = rows;
    this.firstId = firstId;
  }

  /** No signature: the call carries no data to map to features. */
  @Override
  public ModelSignature signature() {
    return null;
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
    return Double.NaN;
  }

  @Override
  public int outputWidth(int output) {
    return 0;
  }

  @Override
  public double outputValue(int output, int row, int index) {
    return Double.NaN;
  }

  @Override
  public Tensor input(int index) {
    throw new UnsupportedOperationException("a dataless call has no inputs");
  }

  @Override
  public Tensor output(int index) {
    throw new UnsupportedOperationException("a dataless call has no outputs");
  }
}
