package dev.fathom.internal.agentbridge;

import dev.fathom.Features;
import dev.fathom.Prediction;
import dev.fathom.Tensor;
import dev.fathom.registry.Manifest;
import java.util.List;
import java.util.Map;

/**
 * What serves a {@link dev.fathom.Model}: the local engine of a {@link dev.fathom.Fathom} built in
 * this class loader, or the Fathom agent's engine reached through its bridge. Arguments are
 * already checked for null. Implementations are thread-safe.
 */
public interface ModelBackend {
  String reference();

  String name();

  long version();

  Manifest manifest();

  Prediction predict(Features features);

  Prediction predictRow(double[] row);

  Prediction predictRow(float[] row);

  List<Prediction> predictBatch(List<Features> rows);

  Prediction run(Map<String, Tensor> inputs);

  PredictorBackend predictor();
}
