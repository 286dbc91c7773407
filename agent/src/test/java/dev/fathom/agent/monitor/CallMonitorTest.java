package dev.fathom.agent.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.sun.management.ThreadMXBean;
import dev.fathom.internal.inference.ObserverFactory;
import dev.fathom.testing.TestData;
import dev.fathom.testing.TestRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's handler driven by hand the way the advice drives it, around a real ONNX Runtime
 * session of the application's kind: the model is identified by checksum off the calling thread,
 * every call reaches the observer once with its row count, sampled calls read the real inputs and
 * outputs, and unsampled calls allocate nothing.
 */
class CallMonitorTest {
  @TempDir Path dir;
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final Recording recording = new Recording();
  private Path registry;
  private CallMonitor monitor;
  private OrtSession session;
  private final java.util.concurrent.atomic.AtomicInteger sessionsSeen = new java.util.concurrent.atomic.AtomicInteger();

  @BeforeEach
  void setUp() {
    TestRegistry r = new TestRegistry(dir.resolve("models"));
    r.publishMlp("fraud");
    registry = r.root();
    monitor = new CallMonitor(registry, List.of(), sessionsSeen::incrementAndGet);
    monitor.start(recording, ObserverFactory.NOOP, ObserverFactory.NOOP, 0.0);
  }

  @AfterEach
  void tearDown() throws OrtException {
    if (session != null) {
      session.close();
    }
    monitor.close();
  }

  @Test
  void callsOfARegisteredModelFileAreRecordedUnderItsRegistryName() throws Exception {
    session = created(TestData.model("mlp16.onnx"));
    awaitIdentity(session);
    Recording.Observer fraud = recording.observer("fraud@1");
    assertThat(fraud).as("identified by checksum as fraud@1: %s", recording.byModel.keySet()).isNotNull();
    assertThat(recording.versions.get(0).signature().features().columns()).as("the registry's features").isEqualTo(16);
    long before = fraud.succeeded.get();

    float[][] row = {values(16, 0.25f)};
    recording.sample = true;
    float expected = run(row);
    recording.sample = false;
    run(new float[4][16]);
    assertThat(fraud.succeeded.get() - before).isEqualTo(2);
    assertThat(fraud.columns).hasSize(1);
    assertThat(fraud.columns.get(0)).containsExactly(toDouble(row[0]));
    assertThat(fraud.outputs.get(0)).isEqualTo((double) expected);
    assertThat(fraud.rows.get()).as("1 row, then a batch of 4, after the identity probes").isGreaterThanOrEqualTo(5);

    long token = monitor.runStart(session);
    monitor.runEnd(session, Map.of(), null, new OrtException("boom"), token);
    assertThat(fraud.errors).containsExactly("inference_failed");
    assertThat(sessionsSeen.get()).as("the agent is told a session was created").isEqualTo(1);
  }

  @Test
  void anUnregisteredFileIsNamedAfterItAndASessionCreatedBeforeTheAgentAfterItsGraph() throws Exception {
    Path copy = Files.copy(TestData.model("regressor.onnx"), dir.resolve("House Prices.onnx"));
    session = created(copy);
    awaitIdentity(session);
    assertThat(recording.byModel).containsKey("house-prices@0");
    assertThat(recording.versions.get(0).signature().inputs()).isNotEmpty();

    try (OrtSession unseen = env.createSession(TestData.model("mlp16.onnx").toString(), new OrtSession.SessionOptions())) {
      awaitIdentity(unseen);
      assertThat(recording.versions).hasSize(2);
      String graph = recording.versions.get(1).model();
      assertThat(graph).matches("[a-z0-9][a-z0-9._-]{0,63}").isNotEqualTo("fraud");
      assertThat(recording.versions.get(1).version()).isZero();
    }
  }

  @Test
  void unsampledCallsAllocateNothing() throws Exception {
    session = created(TestData.model("mlp16.onnx"));
    awaitIdentity(session);
    String input = session.getInputNames().iterator().next();
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, new float[1][16]);
        OrtSession.Result result = session.run(Map.of(input, tensor))) {
      Map<String, OnnxTensor> inputs = Map.of(input, tensor);
      ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
      long best = Long.MAX_VALUE;
      for (int round = 0; round < 8 && best > 0; round++) {
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 20_000; i++) {
          long token = monitor.runStart(session);
          monitor.runEnd(session, inputs, result, null, token);
        }
        best = Math.min(best, threads.getCurrentThreadAllocatedBytes() - before);
      }
      // a few bytes of slack for the measurement itself; a per-call allocation would be >= 20,000 x 16
      assertThat(best).as("bytes allocated by 20,000 unsampled calls, best round").isLessThan(1024);
    }
  }

  @Test
  void methodCallsAreTimedAndSampledCallsMappedToTheModelsFeatures() {
    List<MethodTarget> targets = MethodTarget.parse(List.of("com.acme.Scorer#score=fraud"), new java.util.ArrayList<>());
    Recording timing = new Recording();
    Recording samples = new Recording();
    samples.sample = true;
    CallMonitor methods = new CallMonitor(registry, targets, () -> {});
    methods.start(ObserverFactory.NOOP, timing, samples, 1.0);
    try {
      long token = methods.methodStart(0);
      assertThat(methods.methodEnd(0, token, null)).as("sampled at rate 1").isTrue();
      float[] row = values(16, 0.5f);
      methods.methodSample(0, new Object[] {row}, 0.75);
      token = methods.methodStart(0);
      assertThat(methods.methodEnd(0, token, new IllegalStateException())).isFalse();
      assertThat(timing.observer("fraud@1").succeeded.get()).isEqualTo(1);
      assertThat(timing.observer("fraud@1").errors).containsExactly("IllegalStateException");
      assertThat(samples.observer("fraud@1").columns.get(0)).containsExactly(toDouble(row));
      assertThat(samples.observer("fraud@1").outputs).containsExactly(0.75);
    } finally {
      methods.close();
    }
  }

  private OrtSession created(Path model) throws OrtException {
    Object token = monitor.sessionCreating(model.toString());
    OrtSession s = env.createSession(model.toString(), new OrtSession.SessionOptions());
    monitor.sessionCreated(s, token);
    return s;
  }

  /** Identification runs on the agent's resolver thread: probe until calls are recorded. */
  private void awaitIdentity(OrtSession s) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      long token = monitor.runStart(s);
      if (token != 0L) {
        monitor.runEnd(s, Map.of(), null, null, token);
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the session's model was never identified");
  }

  private float run(float[][] rows) throws OrtException {
    String input = session.getInputNames().iterator().next();
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, rows)) {
      Map<String, OnnxTensor> inputs = Map.of(input, tensor);
      long token = monitor.runStart(session);
      try (OrtSession.Result result = session.run(inputs)) {
        monitor.runEnd(session, inputs, result, null, token);
        return ((float[][]) result.get(0).getValue())[0][0];
      }
    }
  }

  private static float[] values(int n, float step) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (i % 4) * step - 0.5f;
    }
    return v;
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
