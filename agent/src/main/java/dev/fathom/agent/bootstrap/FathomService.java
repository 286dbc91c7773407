package dev.fathom.agent.bootstrap;

import java.util.List;
import java.util.Map;

/**
 * What the agent offers the application's own copy of {@code fathom-runtime}: its configured
 * instance (registry, preloaded and warmed models, telemetry), so that {@code Fathom.global()}
 * serves through the agent and every prediction is counted once. The application's Fathom classes
 * and the agent's are different classes in different class loaders, so this interface speaks only
 * JDK types; the library finds it through {@link FathomBridge#service()} and calls it with cached
 * method handles.
 *
 * <p>Handles ({@code Object model}, {@code Object predictor}) are opaque objects of the agent. A
 * prediction crosses as an {@code Object[]} laid out by the {@code RESULT_*} indexes. Errors cross
 * as {@link BridgeException}s that carry what the library needs to throw its own typed exception.
 *
 * <p>Implementations are thread-safe, except predictor handles, which (like {@code Predictor})
 * belong to one thread at a time.
 */
public interface FathomService {
  /** The protocol this interface describes; bumped on any incompatible change. */
  int PROTOCOL = 1;

  /** Index of the prediction id of row 0 (a {@code Long}) in a result. */
  int RESULT_ID = 0;
  /** Index of the model name (a {@code String}). */
  int RESULT_MODEL = 1;
  /** Index of the model version (a {@code Long}). */
  int RESULT_VERSION = 2;
  /** Index of the number of rows (an {@code Integer}). */
  int RESULT_ROWS = 3;
  /** Index of the output names in model order (a {@code String[]}). */
  int RESULT_NAMES = 4;
  /** Index of the output element types, ONNX names in lower case such as {@code float32} (a {@code String[]}). */
  int RESULT_TYPES = 5;
  /** Index of the output shapes (a {@code long[][]}). */
  int RESULT_SHAPES = 6;
  /** Index of the output data, flat row-major primitive or {@code String[]} arrays (an {@code Object[]}). */
  int RESULT_DATA = 7;
  /** Length of a result array. */
  int RESULT_LENGTH = 8;

  /** {@link #PROTOCOL} of the agent; the library refuses a protocol it does not know. */
  int protocolVersion();

  /** The registry directory the agent serves from. */
  String registry();

  /**
   * The model a reference names ({@code fraud}, {@code fraud@3}, {@code fraud@production}), loading
   * it if needed.
   *
   * @throws BridgeException for an invalid reference, unknown model or version, or a failed load
   */
  Object model(String reference);

  /** The reference a model handle serves, such as {@code fraud@production}. */
  String reference(Object model);

  /** The version the model serves now. */
  long version(Object model);

  /** The manifest of a version of the model, as {@code manifest.json} text. */
  String manifestJson(Object model, long version);

  /** Runs named tensors; {@code types} are ONNX element type names in lower case. */
  Object[] run(Object model, String[] names, String[] types, long[][] shapes, Object[] data);

  /** Predicts one row of encoded values. */
  Object[] predictRow(Object model, double[] row);

  /** Predicts one row of named features (values: Number, String, Boolean or null). */
  Object[] predictFeatures(Object model, Map<String, Object> features);

  /** Predicts rows of named features in one call; one result per row, in row order. */
  Object[][] predictBatch(Object model, List<Map<String, Object>> rows);

  /** A single-thread predictor on the model; close it with {@link #predictorClose}. */
  Object predictor(Object model);

  /** Predicts one row with a predictor; returns its prediction id. Allocates nothing. */
  long predictorRunFloats(Object predictor, float[] row);

  /** Predicts one row with a predictor; returns its prediction id. */
  long predictorRunDoubles(Object predictor, double[] row);

  /** Element {@code index} of output {@code output} of the predictor's last prediction. */
  double predictorOutput(Object predictor, int output, int index);

  /** Elements of output {@code output} of the predictor's last prediction. */
  int predictorOutputSize(Object predictor, int output);

  /** The version that ran the predictor's last prediction. */
  long predictorLastVersion(Object predictor);

  /** The predictor's last prediction as a result (copies its outputs). */
  Object[] predictorLast(Object predictor);

  void predictorClose(Object predictor);

  /** Looks at the registry now. */
  void refresh();

  boolean recordOutcome(long predictionId, double actual);

  boolean recordOutcomeLabel(long predictionId, String actualLabel);
}
