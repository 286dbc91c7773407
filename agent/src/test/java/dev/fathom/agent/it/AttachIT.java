package dev.fathom.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fathom.agent.it.apps.OrtLoopApp;
import dev.fathom.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code java -jar fathom-agent.jar attach PID}: a service already running ONNX Runtime calls, with
 * no agent, gets monitored from the moment the agent is attached.
 */
class AttachIT {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.fathom.agent.it.It#javas")
  void attachedAgentMonitorsARunningService(It.Named java) {
    String javaBinary = It.java(java);
    Path registry = Scenario.fraudRegistry(dir);
    Path classes = It.classes(dir.resolve("classes"), OrtLoopApp.class);
    int port = It.freePort();
    try (ForkedJvm app =
        Scenario.on(javaBinary)
            .withoutAgent()
            .classPath(It.classPath(classes, It.lib("runtime", "onnxruntime-")))
            .main(OrtLoopApp.class.getName(), TestData.model("mlp16.onnx").toString(), "-1", "20")
            .start(dir)) {
      app.awaitOutput(l -> l.equals("first call done"), "'first call done'");
      try (ForkedJvm attach =
          ForkedJvm.start(dir, List.of(javaBinary, "-jar", It.agentJar().toString(), "attach", Long.toString(app.pid()), "--registry", registry.toString(), "prometheus.port=" + port, "instrument.cache=" + dir.resolve("agent-cache")))) {
        attach.completes();
        assertThat(attach.stdout()).contains("attached to " + app.pid());
      }
      String metrics = It.scrapeUntil(port, t -> It.value(t, OnnxRuntimeAppIT.COUNT) > 0, app);
      assertThat(It.value(metrics, OnnxRuntimeAppIT.COUNT)).isGreaterThan(0);
      app.completes();
      assertThat(app.stdout()).contains("bye");
      assertThat(app.errorLines("[fathom-agent] INFO started")).as(app.describe()).hasSize(1);
      // the JVM hands retransformation the class as it reconstitutes it, not the jar's bytes: woven at run time, then cached
      assertThat(dir.resolve("agent-cache")).isDirectoryContaining(p -> p.getFileName().toString().startsWith("OrtSession-"));
    }
  }
}
