package dev.fathom.internal.inference;

import ai.onnxruntime.OrtException;
import dev.fathom.ElementType;
import dev.fathom.FathomException;
import dev.fathom.Features;
import dev.fathom.InferenceException;
import dev.fathom.InputShapeException;
import dev.fathom.Tensor;
import dev.fathom.registry.TensorSpec;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The thread-safe call paths of a model: named tensors, one row, a batch of rows. Each call
 * acquires the slot's current version for its whole duration, runs the observer's check, times the
 * inference, and reports success or the typed error to the observer. Observers never break a call:
 * their own failures are logged and swallowed.
 */
public final class Calls {
  private static final Logger LOG = Logger.getLogger(Calls.class.getName());

  private Calls() {}

  /** Runs named tensors of any type and rank. */
  public static CallResult run(ModelSlot slot, Map<String, Tensor> inputs) {
    LoadedVersion v = slot.acquire();
    try {
      InferenceObserver observer = v.observer();
      try {
        v.signature().check(inputs);
      } catch (FathomException e) {
        failed(observer, 0L, e.errorType());
        throw e;
      }
      int rows = rowsOf(v.signature(), inputs);
      return generic(v, observer, inputs, rows);
    } finally {
      v.release();
    }
  }

  /** Runs one row of a tabular or single-vector model. */
  public static CallResult predictRow(ModelSlot slot, double[] row) {
    return predictRow(slot, row, null);
  }

  /** Runs one row of floats: a float32 model's fast path takes it without widening to doubles. */
  public static CallResult predictRow(ModelSlot slot, float[] row) {
    return predictRow(slot, null, row);
  }

  /** One row given as {@code doubles} or as {@code floats} (the other is null). */
  private static CallResult predictRow(ModelSlot slot, double[] doubles, float[] floats) {
    LoadedVersion v = slot.acquire();
    try {
      InferenceObserver observer = v.observer();
      checkRowLength(v, doubles != null ? doubles.length : floats.length, observer);
      if (!v.bindable()) {
        double[] row = doubles != null ? doubles : widen(floats);
        return generic(v, observer, Map.of(v.signature().inputNames().get(0), rowTensor(v, row, 1)), 1);
      }
      Binding binding;
      try {
        binding = v.borrow();
      } catch (OrtException e) {
        throw new InferenceException("cannot prepare buffers for " + v + ": " + e.getMessage(), e);
      }
      try {
        if (doubles != null) {
          binding.write(doubles);
        } else {
          binding.write(floats);
        }
        checkInput(observer, binding);
        long token = start(observer);
        try {
          binding.run();
        } catch (OrtException | RuntimeException e) {
          failed(observer, token, "inference_failed");
          throw new InferenceException(v + " failed: " + e.getMessage(), e);
        }
        succeeded(observer, token, binding);
        Tensor[] outputs = new Tensor[v.signature().outputs().size()];
        for (int i = 0; i < outputs.length; i++) {
          outputs[i] = binding.output(i);
        }
        return new CallResult(v, binding.lastId(), 1, outputs);
      } finally {
        v.giveBack(binding);
      }
    } finally {
      v.release();
    }
  }

  /** The row as doubles, for paths that take no floats. */
  public static double[] widen(float[] row) {
    double[] wide = new double[row.length];
    for (int i = 0; i < row.length; i++) {
      wide[i] = row[i];
    }
    return wide;
  }

  /** Encodes and runs one row of named features. */
  public static CallResult predict(ModelSlot slot, Features features) {
    LoadedVersion current = slot.current();
    FeatureLayout layout = requireTabular(current);
    double[] row = new double[layout.columns()];
    try {
      layout.encode(features, row, 0);
    } catch (FathomException e) {
      failed(current.observer(), 0L, e.errorType());
      throw e;
    }
    return predictRow(slot, row);
  }

  /** Encodes a batch of named feature rows and runs them in one call. */
  public static CallResult predictBatch(ModelSlot slot, List<Features> rows) {
    LoadedVersion current = slot.current();
    FeatureLayout layout = requireTabular(current);
    int columns = layout.columns();
    double[] data = new double[rows.size() * columns];
    try {
      for (int r = 0; r < rows.size(); r++) {
        layout.encode(rows.get(r), data, r * columns);
      }
    } catch (FathomException e) {
      failed(current.observer(), 0L, e.errorType());
      throw e;
    }
    LoadedVersion v = slot.acquire();
    try {
      if (rows.isEmpty()) {
        return new CallResult(v, 0, 0, new Tensor[0]);
      }
      TensorSpec input = v.signature().inputs().get(v.signature().tabularInput());
      long[] declared = input.shapeArray();
      if (declared[0] >= 0 && declared[0] != rows.size()) {
        throw new InputShapeException(input.name(), "the model takes batches of exactly " + declared[0] + " rows, got " + rows.size());
      }
      return generic(v, v.observer(), Map.of(input.name(), rowTensor(v, data, rows.size())), rows.size());
    } finally {
      v.release();
    }
  }

  private static CallResult generic(LoadedVersion v, InferenceObserver observer, Map<String, Tensor> inputs, int rows) {
    long firstId = rows == 1 ? PredictionIds.next() : PredictionIds.reserve(Math.max(1, rows));
    CallView pending = GenericCall.pending(v.signature(), inputs, rows, firstId);
    checkInput(observer, pending);
    long token = start(observer);
    GenericCall call;
    try {
      call = GenericCall.run(v, inputs, rows, firstId);
    } catch (OrtException | RuntimeException e) {
      failed(observer, token, "inference_failed");
      throw new InferenceException(v + " failed: " + e.getMessage(), e);
    }
    succeeded(observer, token, call);
    return new CallResult(v, firstId, rows, call.outputs());
  }

  static FeatureLayout requireTabular(LoadedVersion v) {
    FeatureLayout layout = v.signature().features();
    if (layout == null) {
      throw new FathomException(v + " has no named features; call it with named tensors (run) or publish it with --features");
    }
    if (v.signature().inputs().size() != 1) {
      throw new FathomException(v + " has several inputs; call it with named tensors (run)");
    }
    return layout;
  }

  private static void checkRowLength(LoadedVersion v, int length, InferenceObserver observer) {
    ModelSignature signature = v.signature();
    if (signature.inputs().size() != 1) {
      throw new FathomException(v + " has " + signature.inputs().size() + " inputs; call it with named tensors (run)");
    }
    TensorSpec input = signature.inputs().get(0);
    if (!input.elementType().isFloatingPoint() || input.elementType() == ElementType.FLOAT16) {
      throw new FathomException(v + " takes " + input.elementType() + " input; rows of numbers need float32 or float64; call it with named tensors (run)");
    }
    long[] shape = ModelSignature.concreteShape(input, 1);
    long expected = Tensor.elementCount(shape);
    if (length != expected) {
      InputShapeException e = new InputShapeException(input.name(), "a row must have " + expected + " values " + ModelSignature.describe(input) + ", got " + length);
      failed(observer, 0L, e.errorType());
      throw e;
    }
  }

  /** A tensor of {@code rows} rows in the input's element type and declared layout. */
  static Tensor rowTensor(LoadedVersion v, double[] data, int rows) {
    TensorSpec input = v.signature().inputs().get(0);
    long[] shape = ModelSignature.concreteShape(input, rows);
    if (input.elementType() == ElementType.FLOAT64) {
      return Tensor.of(ElementType.FLOAT64, shape, data);
    }
    float[] floats = new float[data.length];
    for (int i = 0; i < data.length; i++) {
      floats[i] = (float) data[i];
    }
    return Tensor.of(ElementType.FLOAT32, shape, floats);
  }

  /** Rows in a named-tensor call: the size of the first dynamic dimension of the first input. */
  static int rowsOf(ModelSignature signature, Map<String, Tensor> inputs) {
    for (TensorSpec spec : signature.inputs()) {
      long[] declared = spec.shapeArray();
      if (declared != null && declared.length > 0 && declared[0] < 0) {
        return (int) Math.min(Integer.MAX_VALUE, inputs.get(spec.name()).dim(0));
      }
    }
    return 1;
  }

  static void checkInput(InferenceObserver observer, CallView call) {
    try {
      observer.check(call);
    } catch (FathomException e) {
      failed(observer, 0L, e.errorType());
      throw e;
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "observer check failed", e);
    }
  }

  static long start(InferenceObserver observer) {
    try {
      return observer.start();
    } catch (RuntimeException e) {
      return 0L;
    }
  }

  static void succeeded(InferenceObserver observer, long token, CallView call) {
    try {
      observer.succeeded(token, call);
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "observer failed", e);
    }
  }

  static void failed(InferenceObserver observer, long token, String errorType) {
    try {
      observer.failed(token, errorType);
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "observer failed", e);
    }
  }
}
