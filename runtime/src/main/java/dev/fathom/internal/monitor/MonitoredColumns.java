package dev.fathom.internal.monitor;

import dev.fathom.ElementType;
import dev.fathom.Prediction;
import dev.fathom.Tensor;
import dev.fathom.internal.inference.CallView;
import dev.fathom.internal.inference.FeatureLayout;
import dev.fathom.internal.inference.ModelSignature;
import dev.fathom.monitor.ColumnProfile;
import dev.fathom.monitor.ReferenceProfile;
import dev.fathom.registry.FeatureSpec;
import dev.fathom.registry.TensorSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The columns Fathom monitors for one model version, in this order: each feature of the tabular
 * input; for each other numeric input tensor the mean of a row's elements ({@code <input>:mean}, a
 * cheap proxy for shifts in images or embeddings); each element of the numeric outputs with a small
 * fixed width per row ({@code prediction:<output>} when one element, {@code
 * prediction:<output>[<label or index>]} otherwise). Knows how to read a column's encoded value from
 * a call, a copied row or a prediction. Immutable.
 */
public final class MonitoredColumns {
  /** Outputs with more elements per row (embeddings, images) are not monitored element by element. */
  static final int MAX_OUTPUT_WIDTH = 16;

  private final FeatureLayout layout;
  private final List<FeatureSpec> features;
  private final boolean float32;
  private final List<InputColumn> inputs;
  private final List<OutputColumn> outputs;
  private final List<String> names;

  /**
   * The row-mean summary of a non-tabular input.
   *
   * @param name the column name, {@code <input>:mean}
   * @param input the input's index in the signature
   */
  public record InputColumn(String name, int input) {}

  /**
   * One monitored output element.
   *
   * @param name the column name
   * @param output the output's index in the signature
   * @param tensor the output's tensor name
   * @param element the element's index within a row
   * @param classifier whether the output carries class labels
   */
  public record OutputColumn(String name, int output, String tensor, int element, boolean classifier) {}

  public MonitoredColumns(ModelSignature signature) {
    this.layout = signature.features();
    this.features = layout == null ? List.of() : layout.features();
    this.float32 = layout != null && signature.inputs().get(signature.tabularInput()).elementType() == ElementType.FLOAT32;
    List<InputColumn> ins = new ArrayList<>();
    for (int i = 0; i < signature.inputs().size(); i++) {
      TensorSpec spec = signature.inputs().get(i);
      if (i != signature.tabularInput() && spec.elementType() != ElementType.STRING) {
        ins.add(new InputColumn(spec.name() + ":mean", i));
      }
    }
    this.inputs = Collections.unmodifiableList(ins);
    List<OutputColumn> outs = new ArrayList<>();
    for (int o = 0; o < signature.outputs().size(); o++) {
      TensorSpec spec = signature.outputs().get(o);
      int width = rowWidth(spec);
      if (spec.elementType() == ElementType.STRING || width < 1 || width > MAX_OUTPUT_WIDTH) {
        continue;
      }
      boolean labelled = spec.labels() != null && spec.labels().size() == width;
      for (int e = 0; e < width; e++) {
        String name = width == 1 ? "prediction:" + spec.name() : "prediction:" + spec.name() + "[" + (labelled ? spec.labels().get(e) : Integer.toString(e)) + "]";
        outs.add(new OutputColumn(name, o, spec.name(), e, labelled));
      }
    }
    this.outputs = Collections.unmodifiableList(outs);
    List<String> all = new ArrayList<>();
    for (FeatureSpec f : features) {
      all.add(f.name());
    }
    for (InputColumn c : inputs) {
      all.add(c.name());
    }
    for (OutputColumn c : outputs) {
      all.add(c.name());
    }
    this.names = Collections.unmodifiableList(all);
  }

  /** Elements per row of an output with a declared shape: the product of its non-batch dimensions; 0 when unknown. */
  static int rowWidth(TensorSpec spec) {
    long[] shape = spec.shapeArray();
    if (shape == null || shape.length == 0) {
      return 0;
    }
    long width = 1;
    for (int i = 1; i < shape.length; i++) {
      if (shape[i] < 0) {
        return 0;
      }
      width *= shape[i];
    }
    return (int) Math.min(Integer.MAX_VALUE, width);
  }

  public FeatureLayout layout() {
    return layout;
  }

  public List<FeatureSpec> features() {
    return features;
  }

  /** The summaries of the non-tabular inputs. */
  public List<InputColumn> inputs() {
    return inputs;
  }

  public List<OutputColumn> outputs() {
    return outputs;
  }

  /** Columns in all. */
  public int size() {
    return names.size();
  }

  /** Every column name: features, input summaries, then outputs. */
  public List<String> names() {
    return names;
  }

  /** Whether the tabular input is float32, so reference values are rounded like live ones. */
  public boolean float32() {
    return float32;
  }

  /** A profile accumulator per column, in column order. */
  public List<ProfileColumn> profileColumns() {
    List<ProfileColumn> columns = new ArrayList<>();
    for (FeatureSpec f : features) {
      columns.add(ProfileColumn.of(f));
    }
    for (InputColumn c : inputs) {
      columns.add(ProfileColumn.numeric(c.name()));
    }
    for (OutputColumn c : outputs) {
      columns.add(ProfileColumn.numeric(c.name()));
    }
    return columns;
  }

  /**
   * Feature {@code feature}'s encoded value in a copied row of the tabular input: the number, or
   * the category index (NaN when missing, -1 when unknown).
   */
  public double featureValue(double[] row, int feature) {
    FeatureSpec spec = features.get(feature);
    int offset = layout.offset(feature);
    if (!spec.isCategorical() || spec.encoding() == FeatureSpec.Encoding.INDEX) {
      return row[offset];
    }
    int hot = -1;
    for (int c = 0; c < spec.width(); c++) {
      double v = row[offset + c];
      if (v == 1.0) {
        if (hot >= 0) {
          return -1;
        }
        hot = c;
      } else if (v != 0.0) {
        return -1;
      }
    }
    return hot >= 0 ? hot : spec.nullable() ? Double.NaN : -1;
  }

  /**
   * Where row {@code row} of a non-tabular input starts: 0 when the tensor's first dimension is not
   * the call's rows (the whole tensor belongs to every row).
   */
  static int rowStart(Tensor t, int row, int rows) {
    return batched(t, rows) ? row * (t.size() / rows) : 0;
  }

  /** Elements per row of a non-tabular input (see {@link #rowStart}). */
  static int rowLength(Tensor t, int rows) {
    return batched(t, rows) ? t.size() / rows : t.size();
  }

  private static boolean batched(Tensor t, int rows) {
    return rows > 1 && t.rank() > 0 && t.dim(0) == rows;
  }

  /**
   * The mean of the finite elements of row {@code row} of a non-tabular input tensor (the whole
   * tensor when its first dimension is not the call's rows); NaN when it has none.
   */
  public static double rowMean(Tensor t, int row, int rows) {
    int from = rowStart(t, row, rows);
    int count = rowLength(t, rows);
    if (t.type() == ElementType.STRING || count == 0) {
      return Double.NaN;
    }
    double sum = 0;
    int finite = 0;
    for (int i = from; i < from + count; i++) {
      double v = t.getDouble(i);
      if (Double.isFinite(v)) {
        sum += v;
        finite++;
      }
    }
    return finite == 0 ? Double.NaN : sum / finite;
  }

  /** Output column {@code column}'s value in row {@code row} of a finished call. */
  public double outputValue(CallView call, int row, int column) {
    OutputColumn c = outputs.get(column);
    if (call.outputWidth(c.output()) <= c.element()) {
      return Double.NaN;
    }
    return call.outputValue(c.output(), row, c.element());
  }

  /** Output column {@code column}'s value in a prediction of one row. */
  public double outputValue(Prediction prediction, int column) {
    OutputColumn c = outputs.get(column);
    Tensor t = prediction.outputs().get(c.tensor());
    if (t == null || t.type() == ElementType.STRING || t.size() <= c.element()) {
      return Double.NaN;
    }
    return t.getDouble(c.element());
  }

  /**
   * The references of the columns the profile covers, in column order (input summaries are looked
   * up among the profile's features); columns the profile lacks
   * have a null entry (they are validated but not tested for drift).
   */
  public List<ColumnReference> references(ReferenceProfile profile) {
    List<ColumnReference> refs = new ArrayList<>();
    for (FeatureSpec f : features) {
      ColumnProfile p = profile.feature(f.name());
      refs.add(p == null || p.isCategorical() != f.isCategorical() ? null : ColumnReference.feature(p, f.categories()));
    }
    for (InputColumn c : inputs) {
      ColumnProfile p = profile.feature(c.name());
      refs.add(p == null || p.isCategorical() ? null : ColumnReference.feature(p, null));
    }
    for (OutputColumn c : outputs) {
      ColumnProfile p = profile.output(c.name());
      refs.add(p == null || p.isCategorical() ? null : ColumnReference.output(p));
    }
    return refs;
  }
}
