package dev.fathom.agent.monitor;

import dev.fathom.Tensor;
import dev.fathom.internal.inference.CallView;
import dev.fathom.internal.inference.FeatureLayout;
import dev.fathom.internal.inference.ModelSignature;
import dev.fathom.internal.inference.PredictionIds;
import java.util.Map;

/**
 * A {@link CallView} of one finished {@code OrtSession.run} of the application, reused per thread.
 * {@link #rows()} reads the first input's element count once (no allocation); the other accessors copy
 * the inputs or outputs into Fathom tensors on first use, which only sampled calls do. Valid only
 * during the observer callback. Not thread-safe (one per thread).
 */
final class OrtCallView implements CallView {
  private SessionState state;
  private ModelIdentity identity;
  private Map<?, ?> inputs;
  private Object result;
  private long firstId;
  /** The call's rows once read; 0 until then. */
  private int rows;
  private Tensor[] inputTensors;
  private Tensor[] outputTensors;

  void reset(SessionState state, ModelIdentity identity, Object inputs, Object result) {
    this.state = state;
    this.identity = identity;
    this.inputs = inputs instanceof Map ? (Map<?, ?>) inputs : null;
    this.result = result;
    this.firstId = 0L;
    this.rows = 0;
    this.inputTensors = null;
    this.outputTensors = null;
  }

  /** Drops the references to the call's objects so they can be collected. */
  void clear() {
    reset(null, null, null, null);
  }

  @Override
  public ModelSignature signature() {
    return identity.signature();
  }

  @Override
  public int rows() {
    if (rows == 0) {
      rows = countRows();
    }
    return rows;
  }

  private int countRows() {
    long perRow = state.elementsPerRow;
    String first = state.firstInput;
    if (perRow <= 0 || first == null || inputs == null) {
      return 1;
    }
    Object tensor = inputs.get(first);
    long elements = tensor == null ? -1 : state.access.elementCount(tensor);
    return elements <= 0 ? 1 : (int) Math.max(1, Math.min(Integer.MAX_VALUE, elements / perRow));
  }

  @Override
  public long firstPredictionId() {
    if (firstId == 0L) {
      int rows = rows();
      firstId = rows == 1 ? PredictionIds.next() : PredictionIds.reserve(rows);
    }
    return firstId;
  }

  @Override
  public double column(int row, int column) {
    FeatureLayout layout = identity.signature().features();
    if (layout == null) {
      return Double.NaN;
    }
    Tensor t = input(identity.signature().tabularInput());
    return t == null ? Double.NaN : t.getDouble(row * layout.columns() + column);
  }

  @Override
  public int outputWidth(int output) {
    Tensor t = output(output);
    if (t == null) {
      return 0;
    }
    return t.size() / Math.max(1, rows());
  }

  @Override
  public double outputValue(int output, int row, int index) {
    Tensor t = output(output);
    if (t == null) {
      return Double.NaN;
    }
    int width = t.size() / Math.max(1, rows());
    int i = row * width + index;
    return i < t.size() ? t.getDouble(i) : Double.NaN;
  }

  @Override
  public Tensor input(int index) {
    if (inputTensors == null) {
      inputTensors = new Tensor[identity.signature().inputs().size()];
    }
    if (index < 0 || index >= inputTensors.length || inputs == null) {
      return null;
    }
    if (inputTensors[index] == null) {
      try {
        inputTensors[index] = state.access.tensor(inputs.get(identity.signature().inputNames().get(index)));
      } catch (Throwable t) {
        return null;
      }
    }
    return inputTensors[index];
  }

  @Override
  public Tensor output(int index) {
    if (outputTensors == null) {
      outputTensors = new Tensor[identity.signature().outputs().size()];
    }
    if (index < 0 || index >= outputTensors.length || result == null) {
      return null;
    }
    if (outputTensors[index] == null) {
      try {
        outputTensors[index] = state.access.tensor(state.access.resultValue(result, identity.signature().outputNames().get(index)));
      } catch (Throwable t) {
        return null;
      }
    }
    return outputTensors[index];
  }
}
