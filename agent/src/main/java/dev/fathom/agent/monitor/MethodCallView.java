package dev.fathom.agent.monitor;

import dev.fathom.ElementType;
import dev.fathom.Features;
import dev.fathom.Tensor;
import dev.fathom.internal.inference.CallView;
import dev.fathom.internal.inference.FeatureLayout;
import dev.fathom.internal.inference.ModelSignature;
import dev.fathom.internal.inference.PredictionIds;
import dev.fathom.registry.TensorSpec;
import java.lang.reflect.Array;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link CallView} of one sampled call of a monitored method: the arguments mapped to the model's
 * features and the return value to its outputs. Arguments map by parameter name when the class was
 * compiled with {@code -parameters} and the names are features, else by position; a primitive array
 * spreads over the features in order; a {@code Map<String, ?>} maps by key. A return value that is
 * a number, a primitive array or a map (by output name) becomes the outputs. Built only for sampled
 * calls. Not thread-safe.
 */
final class MethodCallView implements CallView {
  private final ModelSignature signature;
  private final double[] columns;
  private final Tensor[] outputs;
  private final long firstId = PredictionIds.next();

  MethodCallView(ModelSignature signature, String[] parameterNames, Object[] arguments, Object result) {
    this.signature = signature;
    FeatureLayout layout = signature.features();
    this.columns = layout == null ? new double[0] : columns(layout, parameterNames, arguments);
    this.outputs = outputs(signature.outputs(), result);
  }

  private static double[] columns(FeatureLayout layout, String[] names, Object[] arguments) {
    double[] row = new double[layout.columns()];
    java.util.Arrays.fill(row, Double.NaN);
    if (arguments == null) {
      return row;
    }
    for (Object arg : arguments) {
      if (arg != null && arg.getClass().isArray() && arg.getClass().getComponentType().isPrimitive()) {
        int n = Math.min(Array.getLength(arg), row.length);
        for (int i = 0; i < n; i++) {
          row[i] = ((Number) toNumber(Array.get(arg, i))).doubleValue();
        }
        return row;
      }
      if (arg instanceof Map) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) arg).entrySet()) {
          if (e.getKey() instanceof String && layout.indexOf((String) e.getKey()) >= 0) {
            values.put((String) e.getKey(), scalar(e.getValue()));
          }
        }
        encode(layout, values, row);
        return row;
      }
    }
    Map<String, Object> values = new LinkedHashMap<>();
    List<String> features = layout.names();
    boolean byName = names != null && names.length == arguments.length;
    if (byName) {
      for (int i = 0; i < names.length; i++) {
        if (names[i] == null || layout.indexOf(names[i]) < 0) {
          byName = false;
          break;
        }
      }
    }
    for (int i = 0; i < arguments.length; i++) {
      String feature = byName ? names[i] : i < features.size() ? features.get(i) : null;
      if (feature != null) {
        values.put(feature, scalar(arguments[i]));
      }
    }
    encode(layout, values, row);
    return row;
  }

  private static void encode(FeatureLayout layout, Map<String, Object> values, double[] row) {
    Map<String, Object> complete = new LinkedHashMap<>();
    for (String name : layout.names()) {
      complete.put(name, values.get(name));
    }
    try {
      layout.encode(Features.of(complete), row, 0);
    } catch (RuntimeException e) {
      // a value the layout refuses (an unknown category, say) leaves its columns missing
    }
  }

  /** Numbers, strings, booleans and null pass; chars become strings; anything else is missing. */
  private static Object scalar(Object value) {
    if (value == null || value instanceof Number || value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Character) {
      return value.toString();
    }
    return null;
  }

  private static Object toNumber(Object element) {
    if (element instanceof Boolean) {
      return ((Boolean) element) ? 1 : 0;
    }
    if (element instanceof Character) {
      return (int) (Character) element;
    }
    return element;
  }

  private static Tensor[] outputs(List<TensorSpec> specs, Object result) {
    Tensor[] out = new Tensor[specs.size()];
    if (result == null || specs.isEmpty()) {
      return out;
    }
    if (result instanceof Map) {
      Map<?, ?> map = (Map<?, ?>) result;
      for (int i = 0; i < specs.size(); i++) {
        out[i] = tensor(map.get(specs.get(i).name()));
      }
      return out;
    }
    out[0] = tensor(result);
    return out;
  }

  private static Tensor tensor(Object value) {
    if (value instanceof Number) {
      return Tensor.of(ElementType.FLOAT64, new long[] {1}, new double[] {((Number) value).doubleValue()});
    }
    if (value != null && value.getClass().isArray() && value.getClass().getComponentType().isPrimitive() && value.getClass() != boolean[].class) {
      int n = Array.getLength(value);
      double[] data = new double[n];
      for (int i = 0; i < n; i++) {
        data[i] = ((Number) toNumber(Array.get(value, i))).doubleValue();
      }
      return Tensor.of(ElementType.FLOAT64, new long[] {1, n}, data);
    }
    return null;
  }

  @Override
  public ModelSignature signature() {
    return signature;
  }

  @Override
  public int rows() {
    return 1;
  }

  @Override
  public long firstPredictionId() {
    return firstId;
  }

  @Override
  public double column(int row, int column) {
    return column < columns.length ? columns[column] : Double.NaN;
  }

  @Override
  public int outputWidth(int output) {
    return output < outputs.length && outputs[output] != null ? outputs[output].size() : 0;
  }

  @Override
  public double outputValue(int output, int row, int index) {
    Tensor t = output < outputs.length ? outputs[output] : null;
    return t == null || index >= t.size() ? Double.NaN : t.getDouble(index);
  }

  @Override
  public Tensor input(int index) {
    if (index == signature.tabularInput() && signature.features() != null) {
      return Tensor.of(ElementType.FLOAT64, new long[] {1, columns.length}, columns.clone());
    }
    return null;
  }

  @Override
  public Tensor output(int index) {
    return index < outputs.length ? outputs[index] : null;
  }
}
