package dev.fathom.internal.inference;

import dev.fathom.ElementType;
import dev.fathom.InputShapeException;
import dev.fathom.InputTypeException;
import dev.fathom.MissingInputException;
import dev.fathom.Tensor;
import dev.fathom.UnknownInputException;
import dev.fathom.registry.Manifest;
import dev.fathom.registry.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The inputs and outputs of one model version, with the checks a request must pass before ONNX
 * Runtime sees it. ONNX Runtime itself does not report a missing input until a kernel fails, accepts
 * a rank-1 tensor for a declared scalar and cannot tell "any rank" from "rank 0", so Fathom checks
 * against the shapes the model file declares. Immutable.
 */
public final class ModelSignature {
  private final List<TensorSpec> inputs;
  private final List<TensorSpec> outputs;
  private final List<String> inputNames;
  private final List<String> outputNames;
  private final Map<String, Integer> inputIndex;
  private final Map<String, Integer> outputIndex;
  private final int tabularInput;
  private final FeatureLayout features;
  private final Map<String, List<String>> outputLabels;

  public ModelSignature(Manifest manifest) {
    this.inputs = manifest.inputs();
    this.outputs = manifest.outputs();
    this.inputNames = names(inputs);
    this.outputNames = names(outputs);
    this.inputIndex = index(inputNames);
    this.outputIndex = index(outputNames);
    int tabular = -1;
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i).features() != null) {
        tabular = i;
        break;
      }
    }
    this.tabularInput = tabular;
    this.features = tabular < 0 ? null : new FeatureLayout(inputs.get(tabular));
    Map<String, List<String>> labels = new java.util.HashMap<>();
    for (TensorSpec out : outputs) {
      if (out.labels() != null) {
        labels.put(out.name(), out.labels());
      }
    }
    this.outputLabels = Map.copyOf(labels);
  }

  /** Output name to its class labels, for the outputs that have them; immutable, built once per version. */
  public Map<String, List<String>> outputLabels() {
    return outputLabels;
  }

  public List<TensorSpec> inputs() {
    return inputs;
  }

  public List<TensorSpec> outputs() {
    return outputs;
  }

  public List<String> inputNames() {
    return inputNames;
  }

  public List<String> outputNames() {
    return outputNames;
  }

  public int inputIndex(String name) {
    Integer i = inputIndex.get(name);
    return i == null ? -1 : i;
  }

  public int outputIndex(String name) {
    Integer i = outputIndex.get(name);
    return i == null ? -1 : i;
  }

  /** The index of the input carrying named features, or -1. */
  public int tabularInput() {
    return tabularInput;
  }

  /** The feature layout of the tabular input, or null. */
  public FeatureLayout features() {
    return features;
  }

  /**
   * Checks a request of named tensors: every input present, no unknown name, element types and
   * shapes as declared, and symbolic dimensions of one name equal across inputs.
   */
  public void check(Map<String, Tensor> request) {
    for (String name : request.keySet()) {
      if (!inputIndex.containsKey(name)) {
        throw new UnknownInputException(name, "input", inputNames);
      }
    }
    Map<String, Long> symbols = new HashMap<>();
    for (TensorSpec spec : inputs) {
      Tensor tensor = request.get(spec.name());
      if (tensor == null) {
        throw new MissingInputException(spec.name(), "input");
      }
      checkType(spec, tensor.type());
      checkShape(spec, tensor.shape(), symbols);
    }
  }

  static void checkType(TensorSpec spec, ElementType actual) {
    if (actual != spec.elementType()) {
      throw new InputTypeException(spec.name(), "expected element type " + spec.elementType() + ", got " + actual);
    }
  }

  static void checkShape(TensorSpec spec, long[] actual, Map<String, Long> symbols) {
    long[] declared = spec.shapeArray();
    if (declared == null) {
      return;
    }
    if (declared.length != actual.length) {
      throw new InputShapeException(
          spec.name(), "expected rank " + declared.length + " " + describe(spec) + ", got shape " + Arrays.toString(actual));
    }
    for (int axis = 0; axis < declared.length; axis++) {
      if (declared[axis] >= 0 && declared[axis] != actual[axis]) {
        throw new InputShapeException(
            spec.name(), "dimension " + axis + " must be " + declared[axis] + " " + describe(spec) + ", got shape " + Arrays.toString(actual));
      }
      String symbol = spec.dimensionNames() == null ? null : spec.dimensionNames().get(axis);
      if (symbol != null && symbols != null) {
        Long previous = symbols.putIfAbsent(symbol, actual[axis]);
        if (previous != null && previous != actual[axis]) {
          throw new InputShapeException(
              spec.name(), "dimension '" + symbol + "' is " + actual[axis] + " here but " + previous + " in another input");
        }
      }
    }
  }

  /** The declared shape for messages, for example {@code [N, 16]} or {@code (any rank)}. */
  public static String describe(TensorSpec spec) {
    long[] declared = spec.shapeArray();
    if (declared == null) {
      return "(any rank)";
    }
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < declared.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      String symbol = spec.dimensionNames() == null ? null : spec.dimensionNames().get(i);
      sb.append(declared[i] >= 0 ? Long.toString(declared[i]) : symbol != null ? symbol : "?");
    }
    return sb.append(']').toString();
  }

  /** The shape used for warm-up and for single-row bindings: dynamic dimensions become 1. */
  static long[] concreteShape(TensorSpec spec, long dynamic) {
    long[] declared = spec.shapeArray();
    if (declared == null) {
      return new long[0];
    }
    long[] shape = declared.clone();
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 0) {
        shape[i] = dynamic;
      }
    }
    return shape;
  }

  private static List<String> names(List<TensorSpec> specs) {
    List<String> names = new ArrayList<>(specs.size());
    for (TensorSpec spec : specs) {
      names.add(spec.name());
    }
    return Collections.unmodifiableList(names);
  }

  private static Map<String, Integer> index(List<String> names) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      index.put(names.get(i), i);
    }
    return Collections.unmodifiableMap(index);
  }
}
