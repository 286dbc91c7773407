package dev.fathom.internal.inference;

import ai.onnxruntime.OrtException;
import dev.fathom.FathomException;
import dev.fathom.InferenceException;
import dev.fathom.Tensor;

/**
 * The engine side of {@link dev.fathom.Predictor}: keeps one fast-path binding for the slot's
 * current version and rebinds when the version changes, so a steady-state call copies the row in,
 * runs and reads outputs in place without allocating beyond what ONNX Runtime allocates itself.
 * Versions that cannot use the fast path fall back to the general path. Not thread-safe.
 */
public final class SingleThreadCaller implements AutoCloseable {
  private final ModelSlot slot;
  private Binding binding;
  private Tensor[] fallbackOutputs;
  private LoadedVersion last;
  private long lastId;
  private boolean closed;

  public SingleThreadCaller(ModelSlot slot) {
    this.slot = slot;
  }

  /** Runs one row; returns its prediction id. */
  public long predict(float[] row) {
    checkOpen();
    LoadedVersion v = slot.acquire();
    try {
      InferenceObserver observer = v.observer();
      Binding b = bindingFor(v);
      if (b == null || row.length != b.columns()) {
        return fallback(Calls.widen(row));
      }
      b.write(row);
      return runBound(v, observer, b);
    } finally {
      v.release();
    }
  }

  /** Runs one row; returns its prediction id. */
  public long predict(double[] row) {
    checkOpen();
    LoadedVersion v = slot.acquire();
    try {
      Binding b = bindingFor(v);
      if (b == null || row.length != b.columns()) {
        return fallback(row);
      }
      b.write(row);
      return runBound(v, v.observer(), b);
    } finally {
      v.release();
    }
  }

  private long runBound(LoadedVersion v, InferenceObserver observer, Binding b) {
    Calls.checkInput(observer, b);
    long token = Calls.start(observer);
    try {
      b.run();
    } catch (OrtException | RuntimeException e) {
      Calls.failed(observer, token, "inference_failed");
      throw new InferenceException(v + " failed: " + e.getMessage(), e);
    }
    Calls.succeeded(observer, token, b);
    fallbackOutputs = null;
    last = v;
    lastId = b.lastId();
    return lastId;
  }

  /** The general path, which also produces the typed error for a row of the wrong length. */
  private long fallback(double[] row) {
    CallResult result = Calls.predictRow(slot, row);
    fallbackOutputs = result.outputs();
    last = result.version();
    lastId = result.firstId();
    return lastId;
  }

  private Binding bindingFor(LoadedVersion v) {
    if (binding != null && binding.version() == v) {
      return binding;
    }
    if (binding != null) {
      binding.version().discard(binding);
      binding = null;
    }
    if (!v.bindable()) {
      return null;
    }
    try {
      binding = v.newBinding();
    } catch (OrtException e) {
      throw new InferenceException("cannot prepare buffers for " + v + ": " + e.getMessage(), e);
    }
    return binding;
  }

  /** Element {@code index} of output {@code output} of the last call. */
  public double output(int output, int index) {
    if (last == null) {
      throw new IllegalStateException("no prediction yet");
    }
    if (fallbackOutputs != null) {
      return fallbackOutputs[output].getDouble(index);
    }
    return binding.read(output, index);
  }

  /** Elements of output {@code output} of the last call. */
  public int outputSize(int output) {
    if (last == null) {
      throw new IllegalStateException("no prediction yet");
    }
    return fallbackOutputs != null ? fallbackOutputs[output].size() : binding.outputSize(output);
  }

  /** The outputs of the last call as tensors (copies). */
  public Tensor[] outputs() {
    if (last == null) {
      throw new IllegalStateException("no prediction yet");
    }
    if (fallbackOutputs != null) {
      return fallbackOutputs.clone();
    }
    Tensor[] copies = new Tensor[last.signature().outputs().size()];
    for (int i = 0; i < copies.length; i++) {
      copies[i] = binding.output(i);
    }
    return copies;
  }

  /** The version that ran the last call, or null. */
  public LoadedVersion lastVersion() {
    return last;
  }

  public long lastId() {
    return lastId;
  }

  private void checkOpen() {
    if (closed) {
      throw new FathomException("this predictor is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      if (binding != null) {
        binding.version().discard(binding);
        binding = null;
      }
    }
  }
}
