package dev.fathom;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The outputs of one prediction with its identity: a process-unique prediction id (to join ground
 * truth later), and the model name and version that produced it. Immutable.
 */
public final class Prediction {
  private final long id;
  private final String model;
  private final long version;
  private final Map<String, Tensor> outputs;
  private final Map<String, List<String>> labels;

  private Prediction(long id, String model, long version, Map<String, Tensor> outputs, Map<String, List<String>> labels) {
    this.id = id;
    this.model = Objects.requireNonNull(model, "model");
    this.version = version;
    this.outputs = outputs;
    this.labels = labels;
  }

  /**
   * Creates a prediction.
   *
   * @param labels output name to its class labels (along the last axis), for {@link #label()}
   */
  public static Prediction of(long id, String model, long version, Map<String, Tensor> outputs, Map<String, List<String>> labels) {
    return new Prediction(id, model, version, Collections.unmodifiableMap(new LinkedHashMap<>(outputs)), labels == null ? Map.of() : Map.copyOf(labels));
  }

  /**
   * A prediction over maps built for it alone, without the defensive copies of {@link #of}: Fathom's
   * own call paths, which build one outputs map per call. {@code outputs} is one tensor per output in
   * model order, by name ({@code names}); {@code labels} must be immutable.
   */
  static Prediction owning(long id, String model, long version, List<String> names, Tensor[] outputs, Map<String, List<String>> labels) {
    Map<String, Tensor> map;
    if (outputs.length == 1) {
      map = Collections.singletonMap(names.get(0), outputs[0]);
    } else {
      Map<String, Tensor> ordered = new LinkedHashMap<>();
      for (int i = 0; i < outputs.length; i++) {
        ordered.put(names.get(i), outputs[i]);
      }
      map = Collections.unmodifiableMap(ordered);
    }
    return new Prediction(id, model, version, map, labels);
  }

  /** The prediction id, unique within this process; pass it to {@code recordOutcome}. */
  public long id() {
    return id;
  }

  public String model() {
    return model;
  }

  public long version() {
    return version;
  }

  /** Outputs by name, in the model's output order. */
  public Map<String, Tensor> outputs() {
    return outputs;
  }

  /**
   * The output of the given name.
   *
   * @throws IllegalArgumentException naming the outputs if there is none of that name
   */
  public Tensor output(String name) {
    Tensor t = outputs.get(name);
    if (t == null) {
      throw new IllegalArgumentException("no output '" + name + "'; outputs are " + outputs.keySet());
    }
    return t;
  }

  /** The first output. */
  public Tensor output() {
    return outputs.values().iterator().next();
  }

  /** The first element of the first output as a number, for single-score models. */
  public double value() {
    return output().getDouble(0);
  }

  /**
   * For a classifier published with class labels: the label with the highest score in the first
   * labelled output; null if no output has labels.
   */
  public String label() {
    for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
      List<String> names = labels.get(e.getKey());
      if (names != null && e.getValue().size() >= names.size()) {
        Tensor t = e.getValue();
        int best = 0;
        for (int i = 1; i < names.size(); i++) {
          if (t.getDouble(i) > t.getDouble(best)) {
            best = i;
          }
        }
        return names.get(best);
      }
    }
    return null;
  }

  /**
   * The score of {@code label} in the first labelled output.
   *
   * @throws IllegalArgumentException if no output has that label
   */
  public double score(String label) {
    for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
      List<String> names = labels.get(e.getKey());
      if (names != null) {
        int i = names.indexOf(label);
        if (i >= 0) {
          return e.getValue().getDouble(i);
        }
      }
    }
    throw new IllegalArgumentException("no output has the label '" + label + "'");
  }

  @Override
  public String toString() {
    return "Prediction{id=" + id + ", model=" + model + "@" + version + ", outputs=" + outputs + '}';
  }
}
