package dev.fathom.internal.monitor;

import dev.fathom.ElementType;
import dev.fathom.Tensor;
import dev.fathom.ValidationException;
import dev.fathom.internal.inference.CallView;
import dev.fathom.internal.inference.FeatureLayout;
import dev.fathom.internal.inference.ModelSignature;
import dev.fathom.registry.FeatureSpec;
import dev.fathom.registry.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Checks inputs against the manifest schema of one model version: per feature of the tabular input
 * NaN, infinity, missing values, the numeric range and the category domain; per other input tensor
 * its element type, shape, NaN and infinity.
 *
 * <p>{@link #valid} is the fast check of enforce mode on the request thread: it reads the call's
 * columns and allocates nothing while the input is valid (a non-tabular floating-point input is read
 * as a {@link Tensor}, which the pinned single-row path copies). {@link #violations} then lists
 * every violation. {@link #check} checks a sampled row already copied, for observe mode on the
 * analyzer. Immutable and thread-safe.
 */
final class Validator {
  static final int OK = -1;

  private final FeatureLayout layout;
  private final FeatureSpec[] features;
  private final int[] offsets;
  private final double[] min;
  private final double[] max;
  private final int tabularInput;
  private final TensorSpec[] inputs;
  private final boolean anyTensorCheck;

  Validator(ModelSignature signature) {
    this.layout = signature.features();
    int n = layout == null ? 0 : layout.featureCount();
    this.features = new FeatureSpec[n];
    this.offsets = new int[n];
    this.min = new double[n];
    this.max = new double[n];
    for (int f = 0; f < n; f++) {
      features[f] = layout.features().get(f);
      offsets[f] = layout.offset(f);
      min[f] = features[f].min() == null ? Double.NEGATIVE_INFINITY : features[f].min();
      max[f] = features[f].max() == null ? Double.POSITIVE_INFINITY : features[f].max();
    }
    this.tabularInput = signature.tabularInput();
    this.inputs = signature.inputs().toArray(new TensorSpec[0]);
    boolean tensors = false;
    for (int i = 0; i < inputs.length; i++) {
      tensors |= i != tabularInput;
    }
    this.anyTensorCheck = tensors;
  }

  /** Whether the version has anything to check. */
  boolean hasRules() {
    return features.length > 0 || anyTensorCheck;
  }

  int featureCount() {
    return features.length;
  }

  String featureName(int feature) {
    return features[feature].name();
  }

  /** The index of a feature, or -1. */
  int indexOf(String feature) {
    return layout == null ? -1 : layout.indexOf(feature);
  }

  /** Whether every row and input of the call is valid. Allocates nothing for tabular inputs. */
  boolean valid(CallView call) {
    int rows = call.rows();
    for (int r = 0; r < rows; r++) {
      for (int f = 0; f < features.length; f++) {
        if (check(f, call, r, null) != OK) {
          return false;
        }
      }
    }
    if (anyTensorCheck) {
      for (int i = 0; i < inputs.length; i++) {
        if (i != tabularInput && tensorRule(inputs[i], call.input(i)) != OK) {
          return false;
        }
      }
    }
    return true;
  }

  /** Every violation of the call, in row then feature order. */
  List<ValidationException.Violation> violations(CallView call) {
    List<ValidationException.Violation> out = new ArrayList<>();
    int rows = call.rows();
    for (int r = 0; r < rows; r++) {
      for (int f = 0; f < features.length; f++) {
        int rule = check(f, call, r, null);
        if (rule != OK) {
          out.add(new ValidationException.Violation(features[f].name(), Rule.ALL[rule].id, r, detail(f, rule, call, r)));
        }
      }
    }
    for (int i = 0; anyTensorCheck && i < inputs.length; i++) {
      if (i == tabularInput) {
        continue;
      }
      Tensor t = call.input(i);
      int rule = tensorRule(inputs[i], t);
      if (rule != OK) {
        out.add(new ValidationException.Violation(inputs[i].name(), Rule.ALL[rule].id, 0, tensorDetail(inputs[i], t, rule)));
      }
    }
    return out;
  }

  /** Checks a copied row of the tabular input; writes the broken rule per feature ({@link #OK} when none). */
  void check(double[] row, int[] rulePerFeature) {
    for (int f = 0; f < features.length; f++) {
      rulePerFeature[f] = check(f, null, 0, row);
    }
  }

  /** The rule feature {@code f} breaks in a row (from the call, or from {@code copy} when the call is null), or {@link #OK}. */
  private int check(int f, CallView call, int row, double[] copy) {
    FeatureSpec spec = features[f];
    int at = offsets[f];
    if (!spec.isCategorical()) {
      double v = call != null ? call.column(row, at) : copy[at];
      if (v != v) {
        return spec.nullable() ? OK : Rule.NAN.ordinal();
      }
      if (v == Double.POSITIVE_INFINITY || v == Double.NEGATIVE_INFINITY) {
        return Rule.INFINITE.ordinal();
      }
      return v < min[f] || v > max[f] ? Rule.RANGE.ordinal() : OK;
    }
    if (spec.encoding() == FeatureSpec.Encoding.INDEX) {
      double v = call != null ? call.column(row, at) : copy[at];
      if (v != v) {
        return spec.nullable() ? OK : Rule.MISSING.ordinal();
      }
      int code = (int) v;
      return code == v && code >= 0 && code < spec.categories().size() ? OK : Rule.CATEGORY.ordinal();
    }
    int width = spec.width();
    int hot = 0;
    for (int c = 0; c < width; c++) {
      double v = call != null ? call.column(row, at + c) : copy[at + c];
      if (v == 1.0) {
        hot++;
      } else if (v != 0.0) {
        return Rule.CATEGORY.ordinal();
      }
    }
    if (hot == 1) {
      return OK;
    }
    // all zeros is how a missing value and an unknown category are both encoded
    return hot == 0 && spec.nullable() ? OK : Rule.CATEGORY.ordinal();
  }

  private String detail(int f, int rule, CallView call, int row) {
    FeatureSpec spec = features[f];
    int at = offsets[f];
    double v = call.column(row, at);
    switch (Rule.ALL[rule]) {
      case NAN:
        return "the value is NaN and the feature may not be missing";
      case INFINITE:
        return "the value is " + v;
      case RANGE:
        return v < min[f] ? "the value " + num(v) + " is below the minimum " + num(min[f]) : "the value " + num(v) + " is above the maximum " + num(max[f]);
      case MISSING:
        return "no value, and the feature may not be missing";
      default:
        if (spec.encoding() == FeatureSpec.Encoding.ONE_HOT) {
          double[] columns = new double[spec.width()];
          for (int c = 0; c < columns.length; c++) {
            columns[c] = call.column(row, at + c);
          }
          return "one-hot columns " + Arrays.toString(columns) + " are not exactly one of the categories " + spec.categories();
        }
        return v == -1 ? "an unknown category (not one of " + spec.categories() + ")" : "category index " + num(v) + " is outside 0.." + (spec.categories().size() - 1);
    }
  }

  private static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
  }

  /** The rule a non-tabular input tensor breaks, or {@link #OK}. */
  static int tensorRule(TensorSpec spec, Tensor t) {
    if (t == null) {
      return Rule.MISSING.ordinal();
    }
    if (t.type() != spec.elementType()) {
      return Rule.DTYPE.ordinal();
    }
    long[] declared = spec.shapeArray();
    if (declared != null) {
      if (declared.length != t.rank()) {
        return Rule.SHAPE.ordinal();
      }
      for (int d = 0; d < declared.length; d++) {
        if (declared[d] >= 0 && declared[d] != t.dim(d)) {
          return Rule.SHAPE.ordinal();
        }
      }
    }
    return nonFinite(t);
  }

  /** {@link Rule#NAN} or {@link Rule#INFINITE} if a floating-point tensor holds one, else {@link #OK}. */
  static int nonFinite(Tensor t) {
    return nonFinite(t, 0, t.size());
  }

  /**
   * {@link #nonFinite(Tensor)} over elements {@code from} to {@code from + count} only (one row of
   * a batch, see {@link MonitoredColumns#rowStart}).
   */
  static int nonFinite(Tensor t, int from, int count) {
    if (t.type() != ElementType.FLOAT32 && t.type() != ElementType.FLOAT16 && t.type() != ElementType.FLOAT64) {
      return OK;
    }
    for (int i = from; i < from + count; i++) {
      double v = t.getDouble(i);
      if (v != v) {
        return Rule.NAN.ordinal();
      }
      if (Double.isInfinite(v)) {
        return Rule.INFINITE.ordinal();
      }
    }
    return OK;
  }

  private static String tensorDetail(TensorSpec spec, Tensor t, int rule) {
    switch (Rule.ALL[rule]) {
      case MISSING:
        return "the input is absent";
      case DTYPE:
        return "expected element type " + spec.elementType() + ", got " + t.type();
      case SHAPE:
        return "expected shape " + ModelSignature.describe(spec) + ", got " + Arrays.toString(t.shape());
      case NAN:
        return "the tensor holds NaN";
      default:
        return "the tensor holds an infinite value";
    }
  }
}
