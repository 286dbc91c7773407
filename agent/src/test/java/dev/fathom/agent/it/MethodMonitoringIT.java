package dev.fathom.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fathom.agent.it.apps.MethodApp;
import dev.fathom.agent.it.apps.Scorer;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Methods named in {@code instrument.methods} are monitored like models: every call timed, errors
 * counted by type, sampled calls' arguments mapped to the registry model's features.
 */
class MethodMonitoringIT {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.fathom.agent.it.It#javas")
  void configuredMethodsAreMonitoredAsModels(It.Named java) {
    Path registry = Scenario.fraudRegistry(dir);
    int port = It.freePort();
    try (ForkedJvm app =
        Scenario.on(It.java(java))
            .setting("registry=" + registry)
            .setting("prometheus.port=" + port)
            .setting("sampling.rate=1")
            .setting("instrument.methods=" + Scorer.class.getName() + "#score=fraud," + Scorer.class.getName() + "#explain")
            .classPath(It.classes(dir.resolve("classes"), MethodApp.class, Scorer.class).toString())
            .main(MethodApp.class.getName())
            .start(dir)) {
      app.awaitOutput(l -> l.startsWith("methods done"), "'methods done'");
      String metrics =
          It.scrapeUntil(port, t -> It.value(t, OnnxRuntimeAppIT.COUNT, OnnxRuntimeAppIT.FRAUD) >= 200 && It.value(t, "fathom_sampling_samples_total", OnnxRuntimeAppIT.FRAUD) > 0, app);
      assertThat(It.value(metrics, OnnxRuntimeAppIT.COUNT, OnnxRuntimeAppIT.FRAUD)).as("every call timed once\n%s", metrics).isEqualTo(200.0);
      assertThat(It.value(metrics, OnnxRuntimeAppIT.COUNT, "model_name=\"scorer.explain\"")).as("49 successful calls and the failed one").isEqualTo(50.0);
      assertThat(It.value(metrics, "fathom_inference_errors_total", "model_name=\"scorer.explain\"", "error_type=\"IllegalArgumentException\"")).isEqualTo(1.0);
      app.completes();
      assertThat(app.stdout()).contains("refused: empty request").contains("bye");
      assertThat(app.errorLines("[fathom-agent] INFO monitoring " + Scorer.class.getName() + "#score as model fraud (registry)")).as(app.describe()).hasSize(1);
      assertThat(app.errorLines("[fathom-agent] INFO monitoring " + Scorer.class.getName() + "#explain as model scorer.explain (method name)")).hasSize(1);
    }
  }
}
