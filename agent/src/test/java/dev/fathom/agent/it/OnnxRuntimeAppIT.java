package dev.fathom.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fathom.agent.it.apps.ConflictApp;
import dev.fathom.agent.it.apps.OrtLoopApp;
import dev.fathom.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Services that use ONNX Runtime directly, started with the agent and no code change: their calls
 * show up on the agent's Prometheus endpoint under the registry's name for the model file (matched
 * by checksum), whichever ONNX Runtime version they bring, and beside libraries of other versions
 * than the agent bundles.
 */
class OnnxRuntimeAppIT {
  static final String COUNT = "fathom_inference_duration_seconds_count";
  static final String FRAUD = "model_name=\"fraud\"";
  static final int CALLS = 300;

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.fathom.agent.it.It#javas")
  void plainApplicationIsMonitoredAndServedWithTheSameOnnxRuntime(It.Named java) {
    Path registry = Scenario.fraudRegistry(dir);
    Path classes = It.classes(dir.resolve("classes"), OrtLoopApp.class);
    monitored(java, registry, It.classPath(classes, It.lib("runtime", "onnxruntime-")), "1.24.2", OrtLoopApp.class.getName());
    assertThat(dir.resolve("agent-cache")).as("the bundled version's OrtSession comes woven in the agent jar: nothing is woven at run time").doesNotExist();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.fathom.agent.it.It#javas")
  void applicationWithAnotherOnnxRuntimeVersionRunsAndIsMonitored(It.Named java) {
    Path registry = Scenario.fraudRegistry(dir);
    Path classes = It.classes(dir.resolve("classes"), OrtLoopApp.class);
    monitored(java, registry, It.classPath(classes, It.lib("other", "onnxruntime-1.20.0")), "1.20.0", OrtLoopApp.class.getName());
    try (Stream<Path> cached = Files.list(dir.resolve("agent-cache"))) {
      assertThat(cached.map(p -> p.getFileName().toString())).as("woven at run time, kept for the next start").singleElement().asString().startsWith("OrtSession-").endsWith(".woven");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.fathom.agent.it.It#javas")
  void applicationWithConflictingLibraryVersionsWorksUnchanged(It.Named java) {
    Path registry = Scenario.fraudRegistry(dir);
    Path classes = It.classes(dir.resolve("classes"), ConflictApp.class, OrtLoopApp.class);
    List<Path> path = new ArrayList<>(List.of(classes, It.lib("runtime", "onnxruntime-")));
    for (String lib : new String[] {"jackson-databind-2.17.2", "jackson-core-2.17.2", "jackson-annotations-2.17.2", "caffeine-2.9.3", "opentelemetry-api-1.62.0", "opentelemetry-context-1.62.0", "byte-buddy-1.14.18"}) {
      path.add(It.lib("other", lib));
    }
    ForkedJvm app = monitored(java, registry, It.classPath(path), "1.24.2", ConflictApp.class.getName());
    assertThat(app.stdout())
        .contains("jackson jackson-databind-2.17.2.jar {\"k\":1}")
        .contains("caffeine caffeine-2.9.3.jar b")
        .contains("opentelemetry opentelemetry-api-1.62.0.jar")
        .contains("bytebuddy byte-buddy-1.14.18.jar conflict.Generated");
  }

  /**
   * With nothing to preload, the agent leaves telemetry and serving until the application needs
   * them: its first session starts them, and the session's calls are monitored.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.fathom.agent.it.It#javas")
  void theApplicationsFirstSessionStartsTheAgentsTelemetry(It.Named java) {
    Path registry = Scenario.fraudRegistry(dir);
    Path classes = It.classes(dir.resolve("classes"), OrtLoopApp.class);
    int port = It.freePort();
    try (ForkedJvm app =
        Scenario.on(It.java(java))
            .setting("registry=" + registry)
            .setting("prometheus.port=" + port)
            .setting("debug=true")
            .classPath(It.classPath(classes, It.lib("runtime", "onnxruntime-")))
            .main(OrtLoopApp.class.getName(), TestData.model("mlp16.onnx").toString(), "-1", "5")
            .start(dir)) {
      app.awaitOutput(l -> l.startsWith("first call done"), "'first call done'");
      String metrics = It.scrapeUntil(port, t -> It.value(t, COUNT, FRAUD) > 0, app);
      assertThat(It.value(metrics, COUNT, FRAUD)).isPositive();
      app.completes();
      assertThat(app.errorLines("[fathom-agent] DEBUG the application needs the agent after")).as(app.describe()).hasSize(1);
      assertThat(app.errorLines("[fathom-agent] WARN")).as(app.describe()).isEmpty();
    }
  }

  /**
   * Runs the application with the agent serving {@code fraud} and checks everything about it in one
   * go: normal output and exit, monitored calls under the registry name, the agent's own model
   * served on the application's ONNX Runtime.
   */
  private ForkedJvm monitored(It.Named java, Path registry, String classPath, String ortVersion, String main) {
    int port = It.freePort();
    try (ForkedJvm app =
        Scenario.on(It.java(java))
            .setting("registry=" + registry)
            .setting("models=fraud")
            .setting("prometheus.port=" + port)
            .setting("sampling.rate=1")
            .classPath(classPath)
            .main(main, TestData.model("mlp16.onnx").toString(), Integer.toString(CALLS), "10")
            .start(dir)) {
      app.awaitOutput(l -> l.startsWith("calls done: " + CALLS), "'calls done'");
      String metrics = It.scrapeUntil(port, t -> It.value(t, COUNT, FRAUD) > 0 && !Double.isNaN(It.value(t, "fathom_model_info", FRAUD)), app);
      double count = It.value(metrics, COUNT, FRAUD);
      // calls before the agent identified the session's model are not recorded; none is counted twice
      assertThat(count).as("monitored calls\n%s", metrics).isBetween(1.0, (double) CALLS);
      assertThat(metrics).as("the file's own name is not used when the registry knows it").doesNotContain("model_name=\"mlp16\"");
      app.completes();
      assertThat(app.stdout()).contains("session created").contains("bye");
      assertThat(app.errorLines("[fathom-agent] INFO started")).as(app.describe()).singleElement().asString().contains("the application's ONNX Runtime " + ortVersion).contains("1 of 1 models preloaded");
      assertThat(app.errorLines("[fathom-agent] WARN")).as(app.describe()).isEmpty();
      return app;
    }
  }
}
