package dev.fathom.internal.telemetry;

import dev.fathom.Tensor;
import dev.fathom.internal.inference.CallView;
import dev.fathom.internal.inference.ModelSignature;

/** A finished call with a number of rows and a prediction id; holds no data. */
class FakeCall implements CallView {
  private final int rows;
  private final long firstId;

  FakeCall(int rows, long firstId) {
    this.rows = rows;
    this.firstId = firstId;
  }

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
    throw new UnsupportedOperationException();
  }

  @Override
  public Tensor output(int index) {
    throw new UnsupportedOperationException();
  }
}
