package dev.fathom.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AgentOrtBenchmark} computes what raw ONNX Runtime computes, and the agent really monitors
 * it: a child JVM started with {@code -javaagent:fathom-agent.jar} (a registry holding the tiny
 * model, Prometheus on an ephemeral port) runs both cases, and must return the raw cases' values
 * (computed here, without the agent) and report calls timed for the registry's model. Needs {@code
 * agent/target/fathom-agent.jar} (system property {@code fathom.agent.jar}; build the agent module
 * first); skipped when it is not built.
 */
class AgentOrtBenchmarkTest {

  @Test
  void agentCasesReturnTheRawValuesAndAreMonitored(@TempDir Path dir) throws Exception {
    Path agent = Path.of(System.getProperty("fathom.agent.jar", "../agent/target/fathom-agent.jar"));
    assumeThat(Files.isRegularFile(agent)).as("the agent jar %s is built", agent).isTrue();

    RawOrtBenchmark raw = new RawOrtBenchmark();
    RawOrtBenchmark.Session session = new RawOrtBenchmark.Session();
    session.model = "tiny";
    session.open();
    float usual;
    float best;
    try {
      RawOrtBenchmark.Row row = new RawOrtBenchmark.Row();
      row.make(session);
      RawOrtBenchmark.Pinned pinned = new RawOrtBenchmark.Pinned();
      pinned.allocate(session);
      try {
        usual = raw.usual(session, row);
        best = raw.best(session, row, pinned);
      } finally {
        pinned.free();
      }
    } finally {
      session.close();
    }

    Path registry = BenchRegistry.agentRegistry(dir.resolve("agent"), BenchModel.TINY);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(List.of(java, "-javaagent:" + agent.toAbsolutePath() + "=registry=" + registry + ",prometheus.port=0",
        "-cp", System.getProperty("java.class.path"), AgentCaseMain.class.getName(), "tiny")).redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(output).isZero();

    assertThat(output).contains("values " + Float.floatToIntBits(usual) + " " + Float.floatToIntBits(best));
    String identified = output.lines().filter(l -> l.startsWith("fathom-bench: agent identified the session as bench-tiny@1")).findFirst()
        .orElseThrow(() -> new AssertionError(output));
    long setUpCalls = Long.parseLong(identified.replaceAll(".*\\((\\d+) calls timed during set-up.*", "$1"));
    String summary = output.lines().filter(l -> l.startsWith("fathom-bench: mode agent:")).findFirst().orElseThrow(() -> new AssertionError(output));
    assertThat(summary).contains("reference: registry bench-tiny@1");
    long calls = Long.parseLong(summary.replaceAll(".*mode agent: (\\d+) calls timed.*", "$1"));
    // every call after identification is timed: the set-up's, then 3 usual and 3 best ones
    assertThat(calls).as(summary).isEqualTo(setUpCalls + 6);
  }
}
