package dev.fathom.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fathom.ChecksumMismatchException;
import dev.fathom.Fathom;
import dev.fathom.FathomException;
import dev.fathom.Features;
import dev.fathom.InputShapeException;
import dev.fathom.InputTypeException;
import dev.fathom.InvalidInputException;
import dev.fathom.InvalidReferenceException;
import dev.fathom.MissingInputException;
import dev.fathom.ModelLoadException;
import dev.fathom.ModelNotFoundException;
import dev.fathom.Prediction;
import dev.fathom.Tensor;
import dev.fathom.UnknownInputException;
import dev.fathom.ValidationException;
import dev.fathom.VersionNotFoundException;
import dev.fathom.agent.bootstrap.FathomBridge;
import dev.fathom.internal.agentbridge.AgentBridge;
import dev.fathom.internal.agentbridge.ModelBackend;
import dev.fathom.internal.agentbridge.PredictorBackend;
import dev.fathom.testing.TestRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge between the application's library and the agent, in one JVM: the agent's {@link
 * AgentService} over a real {@link Fathom}, reached through the library's {@link AgentBridge} the
 * way {@code Fathom.global()} reaches it (here the bridge classes come from the test class path
 * instead of the bootstrap loader). Predictions equal the local engine's, and every typed
 * exception comes back as the same class with the same message and fields.
 */
class AgentServiceBridgeTest {
  @TempDir Path dir;
  private Fathom fathom;
  private AgentService service;
  private AgentBridge bridge;

  @BeforeEach
  void setUp() {
    TestRegistry registry = new TestRegistry(dir.resolve("models"));
    registry.publishMlp("fraud");
    registry.publishClassifier("churn");
    fathom = Fathom.builder().registry(registry.root()).watchInterval(Duration.ZERO).build();
    service = new AgentService(registry.root().toString(), () -> {});
    service.ready(fathom);
    FathomBridge.installService(service);
    bridge = AgentBridge.connect(FathomBridge.class.getClassLoader());
  }

  @AfterEach
  void tearDown() {
    FathomBridge.installService(null);
    fathom.close();
  }

  @Test
  void predictionsThroughTheBridgeEqualLocalOnes() {
    assertThat(bridge).isNotNull();
    assertThat(bridge.registry()).isEqualTo(dir.resolve("models").toString());
    ModelBackend remote = bridge.model("churn");
    assertThat(remote.reference()).isEqualTo("churn");
    assertThat(remote.name()).isEqualTo("churn");
    assertThat(remote.version()).isEqualTo(1);
    assertThat(remote.manifest()).isEqualTo(fathom.model("churn").manifest());
    Map<String, Object> row = new LinkedHashMap<>(Map.of("amount", 3.0, "age", 0.5, "score", -1.0, "velocity", 2.5));
    Prediction viaBridge = remote.predict(Features.of(row));
    Prediction local = fathom.model("churn").predict(row);
    assertThat(viaBridge.model()).isEqualTo("churn");
    assertThat(viaBridge.outputs().keySet()).isEqualTo(local.outputs().keySet());
    assertThat(viaBridge.output("probabilities").getDouble(1)).isEqualTo(local.output("probabilities").getDouble(1));
    assertThat(viaBridge.label()).isEqualTo(local.label()).isNotNull();
    assertThat(viaBridge.id()).isNotEqualTo(local.id());

    List<Prediction> batch = remote.predictBatch(List.of(Features.of(row), Features.of(row)));
    assertThat(batch).hasSize(2);
    assertThat(batch.get(1).id()).isEqualTo(batch.get(0).id() + 1);
    assertThat(batch.get(1).score("fraud")).isEqualTo(local.score("fraud"));

    Prediction run = remote.run(Map.of("input", Tensor.ofFloats(new float[] {3f, 0.5f, -1f, 2.5f}, 1, 4)));
    assertThat(run.output("probabilities").getDouble(0)).isEqualTo(local.output("probabilities").getDouble(0));
  }

  @Test
  void predictorPassesPrimitivesAndReadsOutputsInPlace() {
    ModelBackend remote = bridge.model("fraud@1");
    float[] row = new float[16];
    for (int i = 0; i < row.length; i++) {
      row[i] = i / 16f;
    }
    double expected = fathom.model("fraud").predict(row).value();
    try (PredictorBackend predictor = remote.predictor()) {
      assertThatThrownBy(predictor::lastVersion).isInstanceOf(IllegalStateException.class);
      long id = predictor.predict(row);
      assertThat(predictor.lastPredictionId()).isEqualTo(id);
      assertThat(predictor.output(0, 0)).isEqualTo(expected);
      assertThat(predictor.outputSize(0)).isEqualTo(1);
      assertThat(predictor.lastVersion()).isEqualTo(1);
      assertThat(predictor.lastPrediction().value()).isEqualTo(expected);
      assertThat(predictor.lastPrediction().id()).isEqualTo(id);
      assertThat(predictor.predict(new double[16])).isGreaterThan(id);
    }
  }

  @Test
  void typedErrorsComeBackAsTheLibrarysOwnClasses() {
    ModelBackend remote = bridge.model("fraud");
    InputShapeException local = catchLocal(() -> fathom.model("fraud").predict(new float[3]), InputShapeException.class);
    assertThatThrownBy(() -> remote.predictRow(new double[3]))
        .isInstanceOfSatisfying(InputShapeException.class, e -> {
          assertThat(e.getMessage()).isEqualTo(local.getMessage());
          assertThat(e.input()).isEqualTo("input");
          assertThat(e.rule()).isEqualTo("shape");
        });
    assertThatThrownBy(() -> bridge.model("nope")).isInstanceOfSatisfying(ModelNotFoundException.class, e -> assertThat(e.model()).isEqualTo("nope"));
    assertThatThrownBy(() -> bridge.model("fraud@9")).isInstanceOf(VersionNotFoundException.class).hasMessageContaining("fraud@9");
    assertThatThrownBy(() -> bridge.model("Bad Name")).isInstanceOf(InvalidReferenceException.class);
    assertThatThrownBy(() -> remote.run(Map.of("input", Tensor.ofLongs(new long[16], 1, 16)))).isInstanceOf(InputTypeException.class);
  }

  @Test
  void everyExceptionTypeRoundTripsWithItsFields() {
    List<FathomException> samples =
        List.of(
            new InputShapeException("x", "expected rank 2, got shape [3]"),
            new InputTypeException("x", "expected element type float32, got int64"),
            new MissingInputException("amount", "feature"),
            new UnknownInputException("colour", "feature", List.of("amount", "age")),
            new InvalidInputException("amount", "range", "amount 5 is above the maximum 3"),
            new ModelNotFoundException("fraud", "/models"),
            new VersionNotFoundException("fraud@4", "unknown version: fraud@4 does not exist"),
            new ModelLoadException("fraud", 2, "warm-up failed: boom", null),
            new ChecksumMismatchException("fraud", 3, "checksum mismatch"),
            new InvalidReferenceException("bad reference"),
            new ValidationException(
                "fraud@2",
                List.of(
                    new ValidationException.Violation("amount", ValidationException.RANGE, 0, "5 is above the maximum 3"),
                    new ValidationException.Violation("country", ValidationException.CATEGORY, 1, "'XX' is not one of [DE, FR]"))),
            new FathomException("plain"));
    for (FathomException original : samples) {
      RuntimeException back = bridge.translate(AgentService.error(original));
      assertThat(back).as(original.getClass().getSimpleName()).isExactlyInstanceOf(original.getClass()).hasMessage(original.getMessage());
      assertThat(((FathomException) back).errorType()).isEqualTo(original.errorType());
      if (original instanceof InvalidInputException) {
        assertThat(((InvalidInputException) back).input()).isEqualTo(((InvalidInputException) original).input());
        assertThat(((InvalidInputException) back).rule()).isEqualTo(((InvalidInputException) original).rule());
      }
      if (original instanceof ValidationException) {
        assertThat(((ValidationException) back).model()).isEqualTo(((ValidationException) original).model());
        assertThat(((ValidationException) back).violations()).isEqualTo(((ValidationException) original).violations());
      }
      if (original instanceof ModelLoadException) {
        assertThat(((ModelLoadException) back).model()).isEqualTo(((ModelLoadException) original).model());
        assertThat(((ModelLoadException) back).version()).isEqualTo(((ModelLoadException) original).version());
      }
    }
  }

  @Test
  void disabledServingSaysWhy() {
    AgentService off = new AgentService("/nowhere", () -> {});
    off.disable("the registry /nowhere does not exist");
    FathomBridge.installService(off);
    AgentBridge offBridge = AgentBridge.connect(FathomBridge.class.getClassLoader());
    assertThatThrownBy(() -> offBridge.model("fraud")).isExactlyInstanceOf(FathomException.class).hasMessageContaining("does not serve models: the registry /nowhere does not exist");
  }

  /** The agent starts its Fathom when the application first needs it: a call before that asks for it and waits. */
  @Test
  void aCallBeforeServingIsReadyAsksTheAgentToStartAndWaits() throws Exception {
    java.util.concurrent.CountDownLatch asked = new java.util.concurrent.CountDownLatch(1);
    AgentService starting = new AgentService(dir.resolve("models").toString(), asked::countDown);
    FathomBridge.installService(starting);
    AgentBridge early = AgentBridge.connect(FathomBridge.class.getClassLoader());
    java.util.concurrent.CompletableFuture<Object> model = java.util.concurrent.CompletableFuture.supplyAsync(() -> early.model("fraud"));
    assertThat(asked.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("the agent was asked to start").isTrue();
    assertThat(model).isNotDone();
    starting.ready(fathom);
    assertThat(model.get(10, java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
  }

  private static <T extends Throwable> T catchLocal(Runnable call, Class<T> type) {
    try {
      call.run();
    } catch (Throwable t) {
      return type.cast(t);
    }
    throw new AssertionError("no exception");
  }
}
