package dev.fathom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fathom.internal.util.Hashing;
import dev.fathom.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code list}, {@code inspect}, {@code verify} and the top-level exit codes. */
class RegistryCommandsTest {
  @TempDir Path dir;
  Path models;
  String reg;

  @BeforeEach
  void setUp() {
    models = dir.resolve("models");
    reg = models.toString();
  }

  void publish(String name, String testModel, String... extra) {
    List<String> args = new ArrayList<>(List.of("publish", name, "--registry", reg, "--model", TestData.model(testModel).toString(), "--code-dir", dir.toString()));
    args.addAll(List.of(extra));
    Cli.Result result = Cli.run(args.toArray(String[]::new));
    assertThat(result.status()).as("%s", result).isZero();
  }

  void populate() {
    publish("fraud", "tabular_classifier.onnx", "--features", "amount,age,score:nullable,country:cat(DE|FR)", "--labels", "legit,fraud");
    publish("fraud", "tabular_classifier.onnx", "--features", "amount,age,score,velocity", "--alias", "production", "--metric", "auc=0.91", "--param", "depth=4");
    publish("fraud", "tabular_classifier.onnx", "--alias", "canary", "--version", "5");
    publish("rnn", "recurrent.onnx");
    publish("ext", "external_data/model.onnx");
  }

  @Test
  void listShowsModelsVersionsAliasesAndLatest() {
    populate();
    Cli.Result text = Cli.run("list", "--registry", reg);
    assertThat(text.status()).as("%s", text).isZero();
    assertThat(text.out())
        .isEqualTo(
            "MODEL  VERSIONS  LATEST  ALIASES\n"
                + "ext    1         1       -\n"
                + "fraud  1-2, 5    5       canary=5, production=2\n"
                + "rnn    1         1       -\n");

    Cli.Result json = Cli.run("list", "--registry", reg, "--json");
    assertThat(json.status()).isZero();
    JsonNode root = json.json();
    assertThat(root.get("registry").asText()).isEqualTo(models.toAbsolutePath().toString());
    JsonNode fraud = root.get("models").get(1);
    assertThat(fraud.get("name").asText()).isEqualTo("fraud");
    assertThat(fraud.get("versions").toString()).isEqualTo("[1,2,5]");
    assertThat(fraud.get("latest").asLong()).isEqualTo(5);
    assertThat(fraud.get("aliases").toString()).isEqualTo("{\"canary\":5,\"production\":2}");
  }

  @Test
  void listOfAnEmptyOrMissingRegistry() throws IOException {
    Cli.Result missing = Cli.run("list", "--registry", reg);
    assertThat(missing.status()).isZero();
    assertThat(missing.out()).isEqualTo("no models in " + models.toAbsolutePath() + " (the directory does not exist)\n");
    Files.createDirectories(models);
    assertThat(Cli.run("list", "--registry", reg).out()).isEqualTo("no models in " + models.toAbsolutePath() + "\n");
    assertThat(Cli.run("list", "--registry", reg, "--json").json().get("models").size()).isZero();
  }

  @Test
  void listReportsAModelItCannotReadAndExitsOne() throws IOException {
    populate();
    Files.writeString(models.resolve("rnn/aliases.json"), "{\"prod\": \"three\"}");
    Cli.Result result = Cli.run("list", "--registry", reg);
    assertThat(result.status()).isEqualTo(1);
    assertThat(result.out()).contains("rnn    ?").contains("fraud  1-2, 5");
    assertThat(result.err()).contains("fathom list: rnn: invalid").contains("aliases.json");
  }

  @Test
  void inspectSummarizesSchemaLineageAndDigests() throws IOException {
    populate();
    Cli.Result result = Cli.run("inspect", "fraud@production", "--registry", reg);
    assertThat(result.status()).as("%s", result).isZero();
    String sha = Hashing.sha256(TestData.model("tabular_classifier.onnx"));
    assertThat(result.out())
        .startsWith("fraud@2  (fraud@production)\n")
        .contains("  model     model.onnx  368 bytes  sha256 " + sha + "\n")
        .contains("  aliases   production\n")
        .contains("  input     input  float32 [N, 4]\n")
        .contains("              amount    numeric\n")
        .contains("  output    probabilities  float32 [N, 2]\n")
        .contains("  output    label  int64 [N]\n")
        .contains("  params    depth=4\n")
        .contains("  metrics   auc=0.91\n")
        .contains("  parent    1\n");

    Cli.Result first = Cli.run("inspect", "fraud@1", "--registry", reg);
    assertThat(first.out())
        .startsWith("fraud@1\n")
        .contains("              score    numeric  nullable\n")
        .contains("              country  categorical index (DE | FR)\n")
        .contains("  output    probabilities  float32 [N, 2]  labels legit, fraud\n")
        .doesNotContain("parent");
    assertThat(Cli.run("inspect", "fraud", "--registry", reg).out()).startsWith("fraud@5  (fraud)\n").contains("aliases   canary");
    assertThat(Cli.run("inspect", "ext", "--registry", reg).out()).contains("  external  weights.bin  64 bytes  sha256 " + Hashing.sha256(TestData.model("external_data/weights.bin")));

    Cli.Result json = Cli.run("inspect", "fraud@production", "--registry", reg, "--json");
    assertThat(json.status()).isZero();
    assertThat(json.out()).isEqualTo(Files.readString(models.resolve("fraud/2/manifest.json")) + (Files.readString(models.resolve("fraud/2/manifest.json")).endsWith("\n") ? "" : "\n"));
    assertThat(json.json().at("/lineage/metrics/auc").asDouble()).isEqualTo(0.91);
  }

  @Test
  void inspectNamesWhatItCannotFind() {
    populate();
    assertInspectFails("nope", "unknown model 'nope'");
    assertInspectFails("fraud@3", "unknown version: fraud@3 does not exist; versions of 'fraud': [1, 2, 5]");
    assertInspectFails("fraud@beta", "unknown alias: 'beta'");
    assertInspectFails("fraud@", "invalid model reference 'fraud@'");
    assertInspectFails("../etc", "invalid model name '../etc'");
  }

  void assertInspectFails(String ref, String message) {
    Cli.Result result = Cli.run("inspect", ref, "--registry", reg);
    assertThat(result.status()).as("%s", result).isEqualTo(1);
    assertThat(result.err()).startsWith("fathom inspect: ").contains(message);
  }

  @Test
  void verifyLoadsEveryVersionAndReportsEachFailure() throws IOException {
    populate();
    Cli.Result clean = Cli.run("verify", "--registry", reg);
    assertThat(clean.status()).as("%s", clean).isZero();
    assertThat(lines(clean.out()))
        .hasSize(6)
        .allSatisfy(line -> assertThat(line).matches("(OK    \\S+  checksums verified, loaded and warmed up \\(\\d+ ms\\)|5 OK, 0 FAIL)"));
    assertThat(clean.out()).contains("OK    ext@1").contains("OK    fraud@1").contains("OK    fraud@2").contains("OK    fraud@5").contains("OK    rnn@1");

    tamper(models.resolve("fraud/2/model.onnx"));
    tamper(models.resolve("ext/1/weights.bin"));
    Files.createDirectories(models.resolve("rnn/4"));
    Files.writeString(models.resolve("rnn/aliases.json"), "{\"production\": 3}");

    Cli.Result broken = Cli.run("verify", "--registry", reg);
    assertThat(broken.status()).as("%s", broken).isEqualTo(1);
    assertThat(broken.out())
        .contains("FAIL  ext@1  checksum mismatch: sha256 of weights.bin is")
        .contains("OK    fraud@1")
        .contains("FAIL  fraud@2  checksum mismatch: sha256 of model.onnx is")
        .contains("OK    fraud@5")
        .contains("OK    rnn@1")
        .contains("FAIL  rnn@4  incomplete version directory: missing model.onnx and manifest.json")
        .contains("FAIL  rnn@production  alias points at version 3, which does not exist")
        .endsWith("3 OK, 4 FAIL\n");

    Cli.Result some = Cli.run("verify", "fraud@production", "fraud@canary", "rnn@1", "nope", "fraud@9", "Bad!", "--registry", reg);
    assertThat(some.status()).isEqualTo(1);
    assertThat(some.out())
        .contains("FAIL  fraud@2  checksum mismatch")
        .contains("OK    fraud@5")
        .contains("OK    rnn@1")
        .contains("FAIL  nope  unknown model 'nope'")
        .contains("FAIL  fraud@9  unknown version")
        .contains("FAIL  Bad!  invalid model name 'Bad!'")
        .endsWith("2 OK, 4 FAIL\n");
    Cli.Result good = Cli.run("verify", "fraud@canary", "--registry", reg);
    assertThat(good.status()).isZero();
    assertThat(good.out()).contains("OK    fraud@5").endsWith("1 OK, 0 FAIL\n");
  }

  @Test
  void verifyRefusesExternalDataThatEscapesTheVersionDirectory() throws IOException {
    publish("ext", "external_data/model.onnx");
    // Hand-edit the published model to point its weights outside: the registry never writes this.
    Path model = models.resolve("ext/1/model.onnx");
    byte[] escaped = Files.readAllBytes(TestData.model("external_escape/model.onnx"));
    Files.write(model, escaped);
    Path manifest = models.resolve("ext/1/manifest.json");
    String text = Files.readString(manifest);
    String oldSha = Hashing.sha256(TestData.model("external_data/model.onnx"));
    text = text.replace(oldSha, Hashing.sha256(model)).replaceFirst("\"size\" : \\d+", "\"size\" : " + escaped.length);
    Files.writeString(manifest, text);
    Cli.Result result = Cli.run("verify", "ext", "--registry", reg);
    assertThat(result.status()).as("%s", result).isEqualTo(1);
    assertThat(result.out()).contains("FAIL  ext@1  external data location '../weights.bin' leaves the version directory");
  }

  @Test
  void topLevelExitCodes() {
    Cli.Result none = Cli.run();
    assertThat(none.status()).isEqualTo(2);
    assertThat(none.err()).contains("missing command").contains("publish").contains("Try 'fathom --help'");
    Cli.Result unknown = Cli.run("publsh");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).contains("Unmatched argument at index 0: 'publsh'").contains("Did you mean: fathom publish?");
    Cli.Result help = Cli.run("--help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).contains("publish").contains("predict").contains("Exit status: 0 ok, 1 a request or check failed, 2 usage error.");
    Cli.Result publishHelp = Cli.run("publish", "--help");
    assertThat(publishHelp.status()).isZero();
    assertThat(publishHelp.out()).contains("--features").contains("num(MIN..MAX)").contains("--registry=DIR");
    assertThat(Cli.run("help", "predict").out()).contains("--with-ids");
    Cli.Result version = Cli.run("--version");
    assertThat(version.status()).isZero();
    assertThat(version.out()).startsWith("fathom ");
    assertThat(Cli.run("list", "--registry").status()).isEqualTo(2);
    assertThat(Cli.run("verify", "--jsonn").status()).isEqualTo(2);
    assertThat(Cli.run("predict", "m").status()).as("--input is required").isEqualTo(2);
    assertThat(Cli.run("inspect").status()).isEqualTo(2);
  }

  static List<String> lines(String text) {
    return List.of(text.split("\n"));
  }

  static void tamper(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(file, bytes);
  }
}
