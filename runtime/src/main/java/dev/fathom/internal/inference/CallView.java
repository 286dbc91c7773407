package dev.fathom.internal.inference;

import dev.fathom.Tensor;

/**
 * A read-only view of one finished inference call, handed to {@link InferenceObserver}s. Valid only
 * during the observer callback: the buffers behind it are reused by the next call, so an observer
 * that keeps data must copy it. The primitive accessors do not allocate; {@link #input} and {@link
 * #output} build {@link Tensor}s and are meant for sampled calls only.
 */
public interface CallView {
  /** The model version's signature. */
  ModelSignature signature();

  /** Rows in the call (1 for a single prediction). */
  int rows();

  /** The prediction id of row 0; row {@code r} has id {@code firstPredictionId() + r}. */
  long firstPredictionId();

  /**
   * Column {@code column} of row {@code row} of the tabular input, as laid out by {@link
   * FeatureLayout}; only valid when {@link ModelSignature#features()} is not null.
   */
  double column(int row, int column);

  /** Number of elements of output {@code output} per row. */
  int outputWidth(int output);

  /** Element {@code index} of row {@code row} of output {@code output}, as a double (NaN for strings). */
  double outputValue(int output, int row, int index);

  /** Input {@code index} of the call as a tensor (copies; for sampled calls). */
  Tensor input(int index);

  /** Output {@code index} of the call as a tensor (copies; for sampled calls). */
  Tensor output(int index);
}
