package dev.fathom.internal.agentbridge;

import dev.fathom.ElementType;
import dev.fathom.Features;
import dev.fathom.Prediction;
import dev.fathom.Tensor;
import dev.fathom.internal.inference.Calls;
import dev.fathom.internal.util.Json;
import dev.fathom.registry.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model served by the Fathom agent: calls cross the bridge with JDK types (names, element type
 * names, shapes and flat arrays; the arrays are handed over, not copied) and come back as this
 * library's {@link Prediction}s. Manifests are fetched once per version. Thread-safe.
 */
public final class AgentModel implements ModelBackend {
  private final AgentBridge bridge;
  private final Object handle;
  private final String reference;
  private final String name;

  AgentModel(AgentBridge bridge, Object handle) {
    this.bridge = bridge;
    this.handle = handle;
    try {
      this.reference = (String) bridge.reference.invokeExact(handle);
    } catch (Throwable t) {
      throw bridge.errors.translate(t);
    }
    int at = reference.indexOf('@');
    this.name = at < 0 ? reference : reference.substring(0, at);
  }

  @Override
  public String reference() {
    return reference;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long version() {
    try {
      return (long) bridge.version.invokeExact(handle);
    } catch (Throwable t) {
      throw bridge.errors.translate(t);
    }
  }

  @Override
  public Manifest manifest() {
    return manifest(version());
  }

  Manifest manifest(long version) {
    return schema(version).manifest();
  }

  /** A version's manifest and output labels, fetched once per process (see {@link AgentBridge#schemas}). */
  private AgentBridge.VersionSchema schema(long version) {
    String key = name + "@" + version;
    AgentBridge.VersionSchema cached = bridge.schemas.get(key);
    if (cached != null) {
      return cached;
    }
    String json;
    try {
      json = (String) bridge.manifestJson.invokeExact(handle, version);
    } catch (Throwable t) {
      throw bridge.errors.translate(t);
    }
    try {
      Manifest manifest = Json.MAPPER.readValue(json, Manifest.class);
      AgentBridge.VersionSchema schema = new AgentBridge.VersionSchema(manifest, Predictions.labels(manifest.outputs()));
      bridge.schemas.putIfAbsent(key, schema);
      return schema;
    } catch (IOException e) {
      throw new UncheckedIOException("the Fathom agent sent an unreadable manifest for " + reference + "@" + version, e);
    }
  }

  @Override
  public Prediction predict(Features features) {
    Object[] result;
    try {
      result = (Object[]) bridge.predictFeatures.invokeExact(handle, features.asMap());
    } catch (Throwable t) {
      throw bridge.errors.translate(t);
    }
    return single(result);
  }

  @Override
  public Prediction predictRow(double[] row) {
    Object[] result;
    try {
      result = (Object[]) bridge.predictRow.invokeExact(handle, row);
    } catch (Throwable t) {
      throw bridge.errors.translate(t);
    }
    return single(result);
  }

  /** The bridge carries JDK types only; float rows cross it widened to double. */
  @Override
  public Prediction predictRow(float[] row) {
    return predictRow(Calls.widen(row));
  }

  @Override
  public List<Prediction> predictBatch(List<Features> rows) {
    List<Map<String, Object>> maps = new ArrayList<>(rows.size());
    for (Features row : rows) {
      maps.add(row.asMap());
    }
    Object[][] results;
    try {
      results = (Object[][]) bridge.predictBatch.invokeExact(handle, maps);
    } catch (Throwable t) {
      throw bridge.errors.translate(t);
    }
    List<Prediction> predictions = new ArrayList<>(results.length);
    for (Object[] result : results) {
      predictions.add(single(result));
    }
    return predictions;
  }

  @Override
  public Prediction run(Map<String, Tensor> inputs) {
    int n = inputs.size();
    String[] names = new String[n];
    String[] types = new String[n];
    long[][] shapes = new long[n][];
    Object[] data = new Object[n];
    int i = 0;
    for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
      Tensor t = e.getValue();
      names[i] = e.getKey();
      types[i] = t.type().onnxName();
      shapes[i] = t.shape();
      data[i] = t.data();
      i++;
    }
    Object[] result;
    try {
      result = (Object[]) bridge.run.invokeExact(handle, names, types, shapes, data);
    } catch (Throwable t) {
      throw bridge.errors.translate(t);
    }
    return single(result);
  }

  @Override
  public PredictorBackend predictor() {
    Object predictor;
    try {
      predictor = (Object) bridge.predictor.invokeExact(handle);
    } catch (Throwable t) {
      throw bridge.errors.translate(t);
    }
    return new AgentPredictor(this, bridge, predictor);
  }

  // Indexes of a FathomService result; the protocol version pins them.
  static final int ID = 0;
  static final int MODEL = 1;
  static final int VERSION = 2;
  static final int NAMES = 4;
  static final int TYPES = 5;
  static final int SHAPES = 6;
  static final int DATA = 7;

  Prediction single(Object[] result) {
    Decoded d = decode(result);
    return Prediction.of(d.id, d.model, d.version, Predictions.named(d.names, d.outputs), labels(d.version));
  }

  private Map<String, List<String>> labels(long version) {
    return schema(version).labels();
  }

  private record Decoded(long id, String model, long version, List<String> names, Tensor[] outputs) {}

  private static Decoded decode(Object[] result) {
    String[] names = (String[]) result[NAMES];
    String[] types = (String[]) result[TYPES];
    long[][] shapes = (long[][]) result[SHAPES];
    Object[] data = (Object[]) result[DATA];
    Tensor[] outputs = new Tensor[names.length];
    for (int i = 0; i < names.length; i++) {
      outputs[i] = Tensor.of(ElementType.fromName(types[i]), shapes[i], data[i]);
    }
    return new Decoded((Long) result[ID], (String) result[MODEL], (Long) result[VERSION], List.of(names), outputs);
  }

  @Override
  public String toString() {
    return "AgentModel{" + reference + "}";
  }
}
