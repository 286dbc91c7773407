package dev.fathom.agent;

import dev.fathom.ElementType;
import dev.fathom.Fathom;
import dev.fathom.FathomException;
import dev.fathom.Features;
import dev.fathom.InvalidInputException;
import dev.fathom.Model;
import dev.fathom.ModelLoadException;
import dev.fathom.ModelNotFoundException;
import dev.fathom.Prediction;
import dev.fathom.Predictor;
import dev.fathom.Tensor;
import dev.fathom.ValidationException;
import dev.fathom.VersionNotFoundException;
import dev.fathom.agent.bootstrap.BridgeException;
import dev.fathom.agent.bootstrap.FathomService;
import dev.fathom.internal.util.Json;
import dev.fathom.registry.Manifest;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The agent's {@link FathomService}: the application's {@code Fathom.global()} served by the
 * agent's own {@link Fathom} instance. Installed at premain, before that instance exists (it is
 * built on the agent's start-up thread): calls wait for it, at most {@link #READY_TIMEOUT_SECONDS}.
 * When serving is disabled (no registry, an unusable ONNX Runtime) every call fails with a {@link
 * FathomException} that says why. Fathom exceptions cross as {@link BridgeException}s; JDK
 * exceptions ({@link IllegalArgumentException}, {@link IllegalStateException}) pass as they are.
 *
 * <p>Thread-safe; predictor handles belong to one thread at a time.
 */
public final class AgentService implements FathomService {
  static final long READY_TIMEOUT_SECONDS = 60;

  private final String registry;
  private final Runnable needed;
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile Fathom fathom;
  private volatile String disabled;

  /**
   * @param registry the configured registry directory
   * @param needed told on every call that needs the agent's {@link Fathom}: the agent starts it
   *     now if it has not yet
   */
  public AgentService(String registry, Runnable needed) {
    this.registry = registry;
    this.needed = needed;
  }

  /** Serving is ready: calls go to {@code instance}. */
  public void ready(Fathom instance) {
    this.fathom = instance;
    ready.countDown();
  }

  /** Serving is off; calls fail with {@code reason}. */
  public void disable(String reason) {
    this.disabled = reason;
    ready.countDown();
  }

  private Fathom fathom() {
    if (ready.getCount() > 0) {
      needed.run();
    }
    try {
      if (!ready.await(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw error(new FathomException("the Fathom agent is still starting after " + READY_TIMEOUT_SECONDS + " s"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw error(new FathomException("interrupted while waiting for the Fathom agent to start"));
    }
    Fathom instance = fathom;
    if (instance == null) {
      throw error(new FathomException("the Fathom agent does not serve models: " + disabled));
    }
    return instance;
  }

  @Override
  public int protocolVersion() {
    return PROTOCOL;
  }

  @Override
  public String registry() {
    return registry;
  }

  @Override
  public Object model(String reference) {
    try {
      return fathom().model(reference);
    } catch (FathomException e) {
      throw error(e);
    } catch (LinkageError e) {
      // ONNX Runtime's native library failed to load: the application gets a Fathom error, not an Error
      throw error(new FathomException("the Fathom agent cannot load ONNX Runtime: " + e));
    }
  }

  @Override
  public String reference(Object model) {
    return ((Model) model).reference();
  }

  @Override
  public long version(Object model) {
    try {
      return ((Model) model).version();
    } catch (FathomException e) {
      throw error(e);
    }
  }

  @Override
  public String manifestJson(Object model, long version) {
    Model m = (Model) model;
    try {
      Manifest manifest = m.version() == version ? m.manifest() : fathom().registry().manifest(m.name(), version);
      return Json.COMPACT.writeValueAsString(manifest);
    } catch (FathomException e) {
      throw error(e);
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Object[] run(Object model, String[] names, String[] types, long[][] shapes, Object[] data) {
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      inputs.put(names[i], Tensor.of(ElementType.fromName(types[i]), shapes[i], data[i]));
    }
    try {
      return encode(((Model) model).run(inputs));
    } catch (FathomException e) {
      throw error(e);
    }
  }

  @Override
  public Object[] predictRow(Object model, double[] row) {
    try {
      return encode(((Model) model).predict(row));
    } catch (FathomException e) {
      throw error(e);
    }
  }

  @Override
  public Object[] predictFeatures(Object model, Map<String, Object> features) {
    try {
      return encode(((Model) model).predict(Features.of(features)));
    } catch (FathomException e) {
      throw error(e);
    }
  }

  @Override
  public Object[][] predictBatch(Object model, List<Map<String, Object>> rows) {
    try {
      Features[] batch = new Features[rows.size()];
      for (int i = 0; i < batch.length; i++) {
        batch[i] = Features.of(rows.get(i));
      }
      List<Prediction> predictions = ((Model) model).predictBatch(List.of(batch));
      Object[][] out = new Object[predictions.size()][];
      for (int i = 0; i < out.length; i++) {
        out[i] = encode(predictions.get(i));
      }
      return out;
    } catch (FathomException e) {
      throw error(e);
    }
  }

  @Override
  public Object predictor(Object model) {
    try {
      return ((Model) model).predictor();
    } catch (FathomException e) {
      throw error(e);
    }
  }

  @Override
  public long predictorRunFloats(Object predictor, float[] row) {
    try {
      return ((Predictor) predictor).predict(row);
    } catch (FathomException e) {
      throw error(e);
    }
  }

  @Override
  public long predictorRunDoubles(Object predictor, double[] row) {
    try {
      return ((Predictor) predictor).predict(row);
    } catch (FathomException e) {
      throw error(e);
    }
  }

  @Override
  public double predictorOutput(Object predictor, int output, int index) {
    return ((Predictor) predictor).output(output, index);
  }

  @Override
  public int predictorOutputSize(Object predictor, int output) {
    return ((Predictor) predictor).outputSize(output);
  }

  @Override
  public long predictorLastVersion(Object predictor) {
    return ((Predictor) predictor).lastVersion();
  }

  @Override
  public Object[] predictorLast(Object predictor) {
    return encode(((Predictor) predictor).lastPrediction());
  }

  @Override
  public void predictorClose(Object predictor) {
    ((Predictor) predictor).close();
  }

  @Override
  public void refresh() {
    try {
      fathom().refresh();
    } catch (FathomException e) {
      throw error(e);
    }
  }

  @Override
  public boolean recordOutcome(long predictionId, double actual) {
    return fathom().recordOutcome(predictionId, actual);
  }

  @Override
  public boolean recordOutcomeLabel(long predictionId, String actualLabel) {
    return fathom().recordOutcome(predictionId, actualLabel);
  }

  static Object[] encode(Prediction p) {
    Map<String, Tensor> outputs = p.outputs();
    int n = outputs.size();
    String[] names = new String[n];
    String[] types = new String[n];
    long[][] shapes = new long[n][];
    Object[] data = new Object[n];
    int i = 0;
    for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
      names[i] = e.getKey();
      types[i] = e.getValue().type().onnxName();
      shapes[i] = e.getValue().shape();
      data[i] = e.getValue().data();
      i++;
    }
    Object[] result = new Object[RESULT_LENGTH];
    result[RESULT_ID] = p.id();
    result[RESULT_MODEL] = p.model();
    result[RESULT_VERSION] = p.version();
    result[RESULT_ROWS] = 1;
    result[RESULT_NAMES] = names;
    result[RESULT_TYPES] = types;
    result[RESULT_SHAPES] = shapes;
    result[RESULT_DATA] = data;
    return result;
  }

  /** A Fathom exception as bridge data, with the fields the library needs to rebuild it. */
  static BridgeException error(FathomException e) {
    List<ValidationException.Violation> violations = e instanceof ValidationException ? ((ValidationException) e).violations() : List.of();
    String[] d = new String[BridgeException.DETAIL_LENGTH + BridgeException.VIOLATION_FIELDS * violations.size()];
    for (int i = 0; i < violations.size(); i++) {
      ValidationException.Violation v = violations.get(i);
      int at = BridgeException.DETAIL_LENGTH + BridgeException.VIOLATION_FIELDS * i;
      d[at] = v.input();
      d[at + 1] = v.rule();
      d[at + 2] = Integer.toString(v.row());
      d[at + 3] = v.detail();
    }
    if (e instanceof ValidationException) {
      d[BridgeException.DETAIL_MODEL] = ((ValidationException) e).model();
    }
    d[BridgeException.DETAIL_TYPE] = e.getClass().getSimpleName();
    d[BridgeException.DETAIL_MESSAGE] = e.getMessage();
    if (e instanceof InvalidInputException) {
      d[BridgeException.DETAIL_INPUT] = ((InvalidInputException) e).input();
      d[BridgeException.DETAIL_RULE] = ((InvalidInputException) e).rule();
    }
    if (e instanceof ModelLoadException) {
      d[BridgeException.DETAIL_MODEL] = ((ModelLoadException) e).model();
      d[BridgeException.DETAIL_VERSION] = Long.toString(((ModelLoadException) e).version());
    }
    if (e instanceof ModelNotFoundException) {
      d[BridgeException.DETAIL_MODEL] = ((ModelNotFoundException) e).model();
    }
    if (e instanceof VersionNotFoundException) {
      d[BridgeException.DETAIL_REFERENCE] = ((VersionNotFoundException) e).reference();
    }
    return new BridgeException(d);
  }
}
