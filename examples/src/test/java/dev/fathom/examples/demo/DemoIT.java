package dev.fathom.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's first command as a user runs it, shortened: {@code fathom-examples.jar demo --quick}
 * in a child JVM from the built jar, which must end by itself and say what it showed.
 */
class DemoIT {
  @Test
  void quickDemoShowsDriftOnlyOnShiftedTrafficAndTheRetrainedVersionServing() throws Exception {
    Workspace ws = Workspace.prepare(Path.of("target", "demo-it").toAbsolutePath());
    Path log = ws.file("demo.log");
    List<String> command =
        List.of(
            Processes.java(), "-jar", ws.examplesJar().toString(), "demo", "--quick",
            "--work-dir", ws.file("work").toString(),
            "--port", Integer.toString(PrometheusServer.freePort()),
            "--metrics-port", Integer.toString(PrometheusServer.freePort()));
    Process demo = new ProcessBuilder(command).directory(ws.root().toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      assertThat(demo.waitFor(3, TimeUnit.MINUTES)).as("the demo ends by itself").isTrue();
      String out = Files.readString(log);
      assertThat(demo.exitValue()).as(out).isZero();
      assertThat(out)
          .contains("normal traffic:      drift alerts: none")
          .containsPattern("holiday traffic: +drift alerts: \\[amount, card_present, merchant_category\\]")
          .contains("holiday, retrained:  drift alerts: none")
          .contains(", 0 failed;")
          .contains("the service answered with version 2 at the end")
          .contains("demo OK");
    } finally {
      Processes.stop(demo);
    }
  }
}
