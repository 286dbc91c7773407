package dev.fathom.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fathom.agent.it.apps.LibraryApp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A service written against the library API ({@code Fathom.global()}) with its own fathom-runtime
 * on the class path: under the agent it gets the agent's preloaded instance, typed exceptions cross
 * back as the library's own classes, and every prediction is counted once in the agent's metrics.
 * Without the agent the same service runs on a local instance configured from system properties.
 */
class LibraryAppIT {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.fathom.agent.it.It#javas")
  void libraryCallsAreServedByTheAgentAndCountedOnce(It.Named java) {
    Path registry = Scenario.fraudRegistry(dir);
    int port = It.freePort();
    try (ForkedJvm app =
        Scenario.on(It.java(java))
            .setting("registry=" + registry)
            .setting("models=fraud")
            .setting("prometheus.port=" + port)
            .classPath(classPath())
            .main(LibraryApp.class.getName())
            .start(dir)) {
      app.awaitOutput(l -> l.startsWith("global instance still serves"), "'global instance still serves'");
      String metrics = It.scrapeUntil(port, t -> It.value(t, OnnxRuntimeAppIT.COUNT, OnnxRuntimeAppIT.FRAUD) >= 100, app);
      assertThat(It.value(metrics, OnnxRuntimeAppIT.COUNT, OnnxRuntimeAppIT.FRAUD)).as("each of the 100 predictions counted once\n%s", metrics).isEqualTo(100.0);
      assertThat(metrics).doesNotContain("model_name=\"mlp16\"");
      app.completes();
      String out = app.stdout();
      assertThat(out)
          .contains("model fraud version 1 features 16")
          .contains("predictor last version 1 prediction fraud")
          .contains("predictions 100 distinct ids 100")
          .contains("caught InputShapeException input=input rule=shape")
          .contains("caught ModelNotFoundException model=nope")
          .contains("local instance predictions 10")
          .contains("global instance still serves: true 1");
      String values = out.lines().filter(l -> l.startsWith("predictions 100")).findFirst().orElseThrow();
      String[] parts = values.split(" ");
      assertThat(parts[parts.length - 1]).as("the predictor and the named features agree").isEqualTo(parts[parts.length - 3]);
      assertThat(app.errorLines("[fathom-agent] WARN")).as(app.describe()).isEmpty();
    }
  }

  @Test
  void withoutTheAgentTheGlobalInstanceIsLocalAndConfiguredFromSystemProperties() {
    Path registry = Scenario.fraudRegistry(dir);
    try (ForkedJvm app =
        Scenario.on(System.getProperty("fathom.it.java17"))
            .withoutAgent()
            .jvm("-Dfathom.registry=" + registry, "-Dfathom.models=fraud")
            .classPath(classPath())
            .main(LibraryApp.class.getName())
            .start(dir)) {
      app.completes();
      assertThat(app.stdout())
          .contains("model fraud version 1 features 16")
          .contains("predictions 100 distinct ids 100")
          .contains("caught InputShapeException input=input rule=shape")
          .contains("global instance still serves: true 1");
    }
  }

  private String classPath() {
    List<Path> path = new ArrayList<>();
    path.add(It.classes(dir.resolve("classes"), LibraryApp.class));
    path.addAll(It.libs("runtime"));
    return It.classPath(path);
  }
}
