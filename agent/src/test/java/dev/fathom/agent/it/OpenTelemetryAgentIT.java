package dev.fathom.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fathom.agent.it.apps.OrtLoopApp;
import dev.fathom.testing.TestData;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The OpenTelemetry Java agent and Fathom's on the same JVM: the service runs and Fathom's metrics are served. */
class OpenTelemetryAgentIT {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.fathom.agent.it.It#javas")
  void bothAgentsOnOneJvm(It.Named java) {
    Path registry = Scenario.fraudRegistry(dir);
    Path classes = It.classes(dir.resolve("classes"), OrtLoopApp.class);
    int port = It.freePort();
    try (ForkedJvm app =
        Scenario.on(It.java(java))
            // the OpenTelemetry agent first, as services usually list it; it exports nowhere here
            .jvm(
                "-javaagent:" + It.lib("other", "opentelemetry-javaagent-"),
                "-Dotel.traces.exporter=none",
                "-Dotel.metrics.exporter=none",
                "-Dotel.logs.exporter=none")
            .setting("registry=" + registry)
            .setting("prometheus.port=" + port)
            .classPath(It.classPath(classes, It.lib("runtime", "onnxruntime-")))
            .main(OrtLoopApp.class.getName(), TestData.model("mlp16.onnx").toString(), Integer.toString(OnnxRuntimeAppIT.CALLS), "10")
            .start(dir)) {
      app.awaitOutput(l -> l.startsWith("calls done: " + OnnxRuntimeAppIT.CALLS), "'calls done'");
      String metrics = It.scrapeUntil(port, t -> It.value(t, OnnxRuntimeAppIT.COUNT, OnnxRuntimeAppIT.FRAUD) > 0, app);
      assertThat(It.value(metrics, OnnxRuntimeAppIT.COUNT, OnnxRuntimeAppIT.FRAUD)).isBetween(1.0, (double) OnnxRuntimeAppIT.CALLS);
      app.completes();
      assertThat(app.stdout()).contains("session created").contains("bye");
      assertThat(app.errorLines("[fathom-agent] INFO started")).as(app.describe()).hasSize(1);
      assertThat(app.errorLines("[fathom-agent] WARN")).as(app.describe()).isEmpty();
    }
  }
}
