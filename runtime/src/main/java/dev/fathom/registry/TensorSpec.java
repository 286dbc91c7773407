package dev.fathom.registry;

import dev.fathom.ElementType;
import java.util.List;
import java.util.Objects;

/**
 * The declared name, element type and shape of a model input or output.
 *
 * @param name the tensor name in the ONNX graph
 * @param elementType the element type
 * @param shape dimensions, -1 where a dimension is dynamic; null when the model declares no shape
 *     (any rank)
 * @param dimensionNames the symbolic name of each dynamic dimension ({@code N}), null entries for
 *     fixed ones; may be null
 * @param features for a tabular input, the named features laid out along the last axis; null
 *     otherwise
 * @param labels for a classifier output, the class label of each position along the last axis;
 *     null otherwise
 */
public record TensorSpec(
    String name,
    ElementType elementType,
    List<Long> shape,
    List<String> dimensionNames,
    List<FeatureSpec> features,
    List<String> labels) {

  public TensorSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(elementType, "elementType");
    shape = shape == null ? null : List.copyOf(shape);
    dimensionNames = dimensionNames == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(dimensionNames));
    features = features == null || features.isEmpty() ? null : List.copyOf(features);
    labels = labels == null || labels.isEmpty() ? null : List.copyOf(labels);
  }

  /** The shape as an array (-1 for dynamic dimensions); null when the rank is unknown. */
  public long[] shapeArray() {
    if (shape == null) {
      return null;
    }
    long[] dims = new long[shape.size()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = shape.get(i);
    }
    return dims;
  }

  /** Whether the shape declares a rank. */
  public boolean hasShape() {
    return shape != null;
  }

  /** Total columns the features occupy. */
  public int featureColumns() {
    int columns = 0;
    if (features != null) {
      for (FeatureSpec feature : features) {
        columns += feature.width();
      }
    }
    return columns;
  }

  /** A copy with the given features. */
  public TensorSpec withFeatures(List<FeatureSpec> newFeatures) {
    return new TensorSpec(name, elementType, shape, dimensionNames, newFeatures, labels);
  }

  /** A copy with the given labels. */
  public TensorSpec withLabels(List<String> newLabels) {
    return new TensorSpec(name, elementType, shape, dimensionNames, features, newLabels);
  }
}
