package dev.fathom.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fathom.examples.data.TransactionCsv;
import dev.fathom.examples.data.TransactionGenerator;
import dev.fathom.examples.train.TrainingResult;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's examples as a user runs them, in child JVMs from the built jars: the library
 * example, and the service that calls ONNX Runtime itself, monitored by the agent.
 */
class ExamplesIT {
  static final PrintStream LOG = System.out;
  static Workspace ws;

  @BeforeAll
  static void publishAModel() throws Exception {
    ws = Workspace.prepare(Path.of("target", "examples-it").toAbsolutePath());
    ModelLifecycle lifecycle = new ModelLifecycle(ws, LOG);
    Path train = ws.file("train.csv");
    TransactionCsv.write(train, ModelLifecycle.generate(3, 20_000, TransactionGenerator.Shift.NONE));
    TrainingResult v1 = lifecycle.train(train, "model-v1.onnx", 0.85);
    assertThat(v1).as("version 1 passes the evaluation gate").isNotNull();
    lifecycle.publish(v1, train, "schema-v1.json");
  }

  @Test
  void libraryExamplePredictsJoinsAnOutcomeAndRunsTheFastPath() throws Exception {
    String out = run(List.of("-jar", ws.examplesJar().toString(), "library", "--registry", ws.registry().toString(), "--model", "fraud"), "library.log");
    assertThat(out).contains("fraud serves version 1, trained from").contains("prediction ").contains("outcome joined: true").contains("100,000 fast-path predictions");
  }

  @Test
  void rawOnnxRuntimeServiceIsMonitoredByTheAgentWithoutCodeChanges() throws Exception {
    int metricsPort = PrometheusServer.freePort();
    List<String> args =
        List.of(
            "-javaagent:" + ws.agentJar() + "=registry=" + ws.registry() + ",prometheus.port=" + metricsPort + ",sampling.rate=1.0",
            "-jar", ws.examplesJar().toString(), "raw-onnxruntime",
            "--model", ws.registry().resolve("fraud/1/model.onnx").toString(),
            "--schema", ws.file("schema-v1.json").toString(),
            "--seconds", "8", "--rate", "100");
    Process p = start(args, "raw-onnxruntime.log");
    try {
      // Scrape while the application runs: the agent identified its session by checksum.
      double calls = 0;
      double samples = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(7);
      while (System.nanoTime() < deadline && (calls < 50 || samples < 1)) {
        Thread.sleep(500);
        String metrics = scrape(metricsPort);
        PrometheusText text = PrometheusText.parse(metrics);
        calls = fraudVersion1(text, "fathom_inference_duration_seconds_count");
        samples = fraudVersion1(text, "fathom_sampling_samples_total");
      }
      assertThat(calls).as("ONNX Runtime calls timed by the agent").isGreaterThanOrEqualTo(50);
      assertThat(samples).as("calls sampled for validation and drift").isGreaterThanOrEqualTo(1);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the application finishes").isTrue();
      assertThat(p.exitValue()).isZero();
      assertThat(Files.readString(ws.file("raw-onnxruntime.log"))).contains("done: scored");
    } finally {
      Processes.stop(p);
    }
  }

  private static Process start(List<String> args, String log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Processes.java());
    command.addAll(args);
    return new ProcessBuilder(command).directory(ws.root().toFile()).redirectErrorStream(true).redirectOutput(ws.file(log).toFile()).start();
  }

  private static String run(List<String> args, String log) throws Exception {
    Process p = start(args, log);
    try {
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finishes", args).isTrue();
      String out = Files.readString(ws.file(log));
      assertThat(p.exitValue()).as(out).isZero();
      return out;
    } finally {
      Processes.stop(p);
    }
  }

  private static String scrape(int port) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : "";
    } catch (IOException e) {
      return ""; // the agent's endpoint is not up yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** The sum of the series {@code name} of fraud@1. */
  private static double fraudVersion1(PrometheusText text, String name) {
    return text.select(s -> s.name().equals(name) && "fraud".equals(s.label("model_name")) && "1".equals(s.label("model_version")))
        .stream()
        .mapToDouble(PrometheusText.Sample::value)
        .sum();
  }
}
