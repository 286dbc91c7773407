package dev.fathom.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fathom.agent.it.apps.HelloApp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever goes wrong in the agent, the service starts and prints its normal output; the agent
 * disables the part concerned and says so in one line.
 */
class FailureCasesIT {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.fathom.agent.it.It#javas")
  void badConfigurationValue(It.Named java) {
    ForkedJvm app = hello(java, Scenario.on(It.java(java)).setting("registry=" + Scenario.fraudRegistry(dir)).setting("sampling.rate=lots").setting("prometheus.port=" + It.freePort()));
    assertThat(app.errorLines("sampling.rate=lots")).as(app.describe()).singleElement().asString().contains("[fathom-agent] WARN configuration: sampling.rate=lots (agent argument) ignored");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.fathom.agent.it.It#javas")
  void missingRegistry(It.Named java) {
    Path missing = dir.resolve("no-such-registry");
    ForkedJvm app = hello(java, Scenario.on(It.java(java)).setting("registry=" + missing).setting("models=fraud").setting("prometheus.port=" + It.freePort()));
    assertThat(app.errorLines("registry")).as(app.describe()).singleElement().asString().contains("[fathom-agent] WARN serving disabled: the registry " + missing + " does not exist");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.fathom.agent.it.It#javas")
  void prometheusPortInUse(It.Named java) throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      ForkedJvm app = hello(java, Scenario.on(It.java(java)).setting("registry=" + Scenario.fraudRegistry(dir)).setting("prometheus.port=" + port));
      assertThat(app.errorLines("Prometheus endpoint disabled")).as(app.describe()).singleElement().asString().contains(":" + port);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.fathom.agent.it.It#javas")
  void brokenNativeLibrary(It.Named java) throws IOException {
    Path empty = Files.createDirectories(dir.resolve("no-natives"));
    ForkedJvm app =
        hello(
            java,
            Scenario.on(It.java(java))
                .jvm("-Donnxruntime.native.path=" + empty)
                .setting("registry=" + Scenario.fraudRegistry(dir))
                .setting("models=fraud")
                .setting("prometheus.port=" + It.freePort()));
    assertThat(app.errorLines("native library")).as(app.describe()).singleElement().asString().contains("[fathom-agent] WARN serving disabled: the native library of the bundled ONNX Runtime cannot be loaded");
  }

  /** Runs the hello service to its end (after the agent said it started) and checks its output. */
  private ForkedJvm hello(It.Named java, Scenario scenario) {
    Path classes = It.classes(dir.resolve("classes"), HelloApp.class);
    try (ForkedJvm app = scenario.classPath(classes.toString()).main(HelloApp.class.getName(), "wait").start(dir)) {
      app.awaitOutput(l -> l.equals("hello from the application"), "'hello'");
      app.awaitError(l -> l.startsWith("[fathom-agent] INFO started"), "'[fathom-agent] INFO started'");
      app.completes();
      assertThat(app.stdout()).isEqualTo("hello from the application\nbye\n");
      return app;
    }
  }
}
