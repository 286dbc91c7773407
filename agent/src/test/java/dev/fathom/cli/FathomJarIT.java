package dev.fathom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fathom.cli.json.TensorJson;
import dev.fathom.testing.TestData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as users run it: {@code java -jar agent/target/fathom-agent.jar}, in a separate
 * JVM, from inside a git repository. Publishes the recurrent model and runs two steps through
 * standard input and files, feeding step 1's state into step 2.
 */
class FathomJarIT {
  @TempDir Path dir;

  record Run(int status, String out, String err) {}

  @Test
  void publishesAndPredictsThroughTheExecutableJar() throws Exception {
    String jarProperty = System.getProperty("fathom.agent.jar");
    assertThat(jarProperty).as("failsafe passes the jar this build packaged").isNotNull();
    Path jar = Path.of(jarProperty);
    assertThat(jar).isRegularFile();
    Path repo = Files.createDirectories(dir.resolve("repo"));
    PublishCommandTest.git(repo, "init", "-q");
    Files.writeString(repo.resolve("train.py"), "print('train')\n");
    PublishCommandTest.git(repo, "add", "train.py");
    PublishCommandTest.git(repo, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "train");
    String head = PublishCommandTest.git(repo, "rev-parse", "HEAD");
    String registry = dir.resolve("models").toString();

    // Lineage comes from the repository the command runs in: no --code-dir.
    Run publish = fathom(repo, "", "publish", "rnn", "--registry", registry, "--model", TestData.model("recurrent.onnx").toString(), "--alias", "production");
    assertThat(publish.status()).as("%s", publish).isZero();
    assertThat(publish.out()).startsWith("rnn@1\n").contains("input     step  int64 []");

    Run inspect = fathom(repo, "", "inspect", "rnn@production", "--registry", registry, "--json");
    assertThat(inspect.status()).as("%s", inspect).isZero();
    JsonNode manifest = Cli.json(inspect.out());
    assertThat(manifest.at("/lineage/code/commit").asText()).isEqualTo(head);
    assertThat(manifest.at("/lineage/code/repository").asText()).isEqualTo(repo.toRealPath().toString());
    assertThat(manifest.at("/lineage/code/dirty").asBoolean()).isFalse();

    JsonNode cases = TestData.expected("recurrent");
    ObjectNode step1 = TensorJson.writer().createObjectNode();
    step1.set("x", PredictCommandTest.nested(PredictCommandTest.explicit("float32", cases.get(0).get("inputs").get("x"))));
    step1.put("step", 0);
    step1.set("state_in", PredictCommandTest.explicit("float32", cases.get(0).get("inputs").get("state_in")));
    Run first = fathom(repo, step1 + "\n", "predict", "rnn", "--registry", registry, "--input", "-");
    assertThat(first.status()).as("%s", first).isZero();
    JsonNode out1 = Cli.json(first.out().strip());
    PredictCommandTest.assertMatches(out1, cases.get(0).get("outputs"));

    ObjectNode step2 = TensorJson.writer().createObjectNode();
    step2.set("x", PredictCommandTest.explicit("float32", cases.get(1).get("inputs").get("x")));
    step2.set("step", out1.get("step_out"));
    step2.set("state_in", out1.get("state_out"));
    Path requests = dir.resolve("step2.jsonl");
    Files.writeString(requests, step2 + "\n{\"x\": [1, 2, 3]}\n");
    Path responses = dir.resolve("step2.out.jsonl");
    Run second = fathom(repo, "", "predict", "rnn@1", "--registry", registry, "--input", requests.toString(), "--output", responses.toString(), "--with-ids");
    assertThat(second.status()).as("the second request fails: %s", second).isEqualTo(1);
    assertThat(second.err()).contains("line 2:").contains("[rule");
    List<String> lines = Files.readAllLines(responses);
    assertThat(lines).hasSize(2);
    JsonNode out2 = Cli.json(lines.get(0));
    PredictCommandTest.assertMatches(out2, cases.get(1).get("outputs"));
    assertThat(out2.at("/@prediction/model").asText()).isEqualTo("rnn");
    assertThat(out2.at("/@prediction/version").asLong()).isEqualTo(1);
    assertThat(Cli.json(lines.get(1)).has("@error")).isTrue();

    Run usage = fathom(repo, "", "predict", "rnn", "--registry", registry);
    assertThat(usage.status()).as("%s", usage).isEqualTo(2);
    assertThat(usage.err()).contains("Missing required option: '--input=FILE|-'");

    Run verify = fathom(repo, "", "verify", "--registry", registry);
    assertThat(verify.status()).as("%s", verify).isZero();
    assertThat(verify.out()).contains("OK    rnn@1").endsWith("1 OK, 0 FAIL\n");
  }

  private static Run fathom(Path workingDir, String stdin, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(System.getProperty("fathom.agent.jar"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(workingDir.toFile()).start();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    try (OutputStream in = process.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("fathom " + String.join(" ", args) + " did not finish");
    }
    return new Run(process.exitValue(), out.join(), err.join());
  }

  private static String read(java.io.InputStream stream) {
    try {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
