package dev.fathom.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fathom.agent.it.apps.JdkHttpServerApp;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent's Prometheus endpoint leaves the JDK's own HTTP server alone: the JDK reads its {@code
 * sun.net.httpserver.*} settings once, when its first server starts, so an agent that started one
 * would freeze them before the application's {@code main} could set them. With a model to preload
 * the agent starts its endpoint at once; the application, started after it, is the first to load
 * the JDK server's configuration (seen in the JVM's class-loading log).
 */
class JdkHttpServerIT {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.fathom.agent.it.It#javas")
  void theApplicationIsTheFirstToConfigureTheJdkHttpServer(It.Named java) {
    Path registry = Scenario.fraudRegistry(dir);
    Path classes = It.classes(dir.resolve("classes"), JdkHttpServerApp.class);
    int port = It.freePort();
    try (ForkedJvm app =
        Scenario.on(It.java(java))
            .jvm("-Xlog:class+load=info:stdout")
            .setting("registry=" + registry)
            .setting("models=fraud")
            .setting("prometheus.port=" + port)
            .classPath(It.classPath(classes, It.lib("runtime", "onnxruntime-")))
            .main(JdkHttpServerApp.class.getName(), Integer.toString(port))
            .start(dir)) {
      app.completes();
      List<String> lines = List.of(app.stdout().split("\n"));
      int up = lines.indexOf("agent endpoint up");
      assertThat(up).as(app.describe()).isNotNegative();
      int config = -1;
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).contains("sun.net.httpserver.ServerConfig ")) {
          config = i;
          break;
        }
      }
      assertThat(config).as("the JDK HTTP server's configuration is loaded, by the application").isGreaterThan(up);
      assertThat(lines).contains("application server started", "bye");
      assertThat(app.errorLines("[fathom-agent] WARN")).as(app.describe()).isEmpty();
    }
  }
}
