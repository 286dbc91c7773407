package dev.fathom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fathom.internal.util.Hashing;
import dev.fathom.registry.FeatureSpec;
import dev.fathom.registry.FeatureSpec.Encoding;
import dev.fathom.registry.FeatureSpec.Kind;
import dev.fathom.registry.LocalRegistry;
import dev.fathom.registry.Manifest;
import dev.fathom.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fathom publish}: the version it writes, its lineage, and what it refuses. */
class PublishCommandTest {
  @TempDir Path dir;
  Path models;
  LocalRegistry registry;

  @BeforeEach
  void setUp() {
    models = dir.resolve("models");
    registry = new LocalRegistry(models);
  }

  Cli.Result publish(String name, String testModel, String... extra) {
    List<String> args = new ArrayList<>(List.of("publish", name, "--registry", models.toString(), "--model", TestData.model(testModel).toString()));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray(String[]::new));
  }

  @Test
  void recordsSchemaAliasesAndLineageFromFlagsDataAndGit() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    git(repo, "init", "-q");
    Files.writeString(repo.resolve("train.py"), "print('train')\n");
    git(repo, "add", "train.py");
    git(repo, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "train");
    git(repo, "remote", "add", "origin", "https://builder:s3cret-token@example.com/acme/fraud.git");
    String head = git(repo, "rev-parse", "HEAD");
    Path data = dir.resolve("train.csv");
    Files.writeString(data, "amount,age,note\n1,2,plain\n3,4,\"two\nlines\"\r\n5,6,\"quoted \"\"x\"\"\"\n\n", StandardCharsets.UTF_8);

    Cli.Result result =
        publish(
            "fraud",
            "tabular_classifier.onnx",
            "--features", "amount:num(0..10000),age,score:nullable,velocity",
            "--labels", "legit,fraud",
            "--alias", "production",
            "--alias", "canary",
            "--param", "lr=0.05",
            "--param", "depth=6",
            "--param", "optimizer=adam",
            "--param", "balanced=true",
            "--metric", "auc=0.93",
            "--metric", "f1=0.8",
            "--data-file", data.toString(),
            "--code-dir", repo.toString());

    assertThat(result.status()).as("%s", result).isZero();
    assertThat(result.out()).startsWith("fraud@1\n").contains("aliases   canary, production").contains("checked   verified, loaded and warmed up in ONNX Runtime");
    assertThat(result.out()).doesNotContain("s3cret");
    Manifest manifest = registry.manifest("fraud", 1);
    assertThat(manifest.inputs().get(0).features())
        .containsExactly(
            new FeatureSpec("amount", Kind.NUMERIC, null, null, 0.0, 10000.0, false),
            FeatureSpec.numeric("age"),
            FeatureSpec.numeric("score").withNullable(true),
            FeatureSpec.numeric("velocity"));
    assertThat(manifest.output("probabilities").labels()).containsExactly("legit", "fraud");
    assertThat(manifest.lineage().code().repository()).isEqualTo("https://example.com/acme/fraud.git");
    assertThat(manifest.lineage().code().commit()).isEqualTo(head).hasSize(40);
    assertThat(manifest.lineage().code().dirty()).isFalse();
    assertThat(manifest.lineage().data().uri()).isEqualTo(data.toUri().toString());
    assertThat(manifest.lineage().data().sha256()).isEqualTo(Hashing.sha256(data));
    assertThat(manifest.lineage().data().rows()).as("records after the header; quoted line breaks and blank lines do not count").isEqualTo(3);
    assertThat(manifest.lineage().hyperparameters()).containsExactlyInAnyOrderEntriesOf(Map.of("lr", 0.05, "depth", 6, "optimizer", "adam", "balanced", true));
    assertThat(manifest.lineage().metrics()).containsExactlyInAnyOrderEntriesOf(Map.of("auc", 0.93, "f1", 0.8));
    assertThat(manifest.lineage().parent()).isNull();
    assertThat(registry.aliases("fraud")).containsExactlyInAnyOrderEntriesOf(Map.of("production", 1L, "canary", 1L));
    // Numbers are stored as JSON numbers, not strings.
    JsonNode stored = Cli.json(Files.readString(models.resolve("fraud/1/manifest.json")));
    assertThat(stored.at("/lineage/hyperparameters/depth").isIntegralNumber()).isTrue();
    assertThat(stored.at("/lineage/hyperparameters/lr").isFloatingPointNumber()).isTrue();
    assertThat(stored.at("/lineage/hyperparameters/balanced").isBoolean()).isTrue();

    // An uncommitted change marks the next version dirty; its parent is the latest by default.
    Files.writeString(repo.resolve("train.py"), "print('changed')\n");
    Cli.Result second = publish("fraud", "tabular_classifier.onnx", "--code-dir", repo.toString(), "--data-file", data.toString(), "--data-uri", "s3://bucket/train.csv");
    assertThat(second.status()).as("%s", second).isZero();
    Manifest v2 = registry.manifest("fraud", 2);
    assertThat(v2.lineage().code().dirty()).isTrue();
    assertThat(v2.lineage().code().commit()).isEqualTo(head);
    assertThat(v2.lineage().parent()).isEqualTo(1);
    assertThat(v2.lineage().data().uri()).isEqualTo("s3://bucket/train.csv");
    assertThat(v2.lineage().data().rows()).isEqualTo(3);
    assertThat(second.out()).contains("(uncommitted changes)");

    Cli.Result third = publish("fraud", "tabular_classifier.onnx", "--code-dir", repo.toString(), "--parent", "1", "--version", "7");
    assertThat(third.status()).as("%s", third).isZero();
    assertThat(third.out()).startsWith("fraud@7\n");
    assertThat(registry.manifest("fraud", 7).lineage().parent()).isEqualTo(1);
    assertThat(publish("fraud", "tabular_classifier.onnx").out()).startsWith("fraud@8\n");
  }

  @Test
  void repositoryWithoutRemoteIsNamedByItsPath() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("local-repo"));
    git(repo, "init", "-q");
    Files.writeString(repo.resolve("a.txt"), "a");
    git(repo, "add", "a.txt");
    git(repo, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "a");
    Path sub = Files.createDirectories(repo.resolve("sub"));
    Cli.Result result = publish("m", "regressor.onnx", "--code-dir", sub.toString());
    assertThat(result.status()).as("%s", result).isZero();
    assertThat(registry.manifest("m", 1).lineage().code().repository()).isEqualTo(repo.toRealPath().toString());
  }

  @Test
  void noGitRepositoryMeansNoCodeLineageAndIsNoError() throws Exception {
    Path plain = Files.createDirectories(dir.resolve("plain"));
    Cli.Result result = publish("m", "regressor.onnx", "--code-dir", plain.toString(), "--data-uri", "s3://bucket/data.parquet");
    assertThat(result.status()).as("%s", result).isZero();
    assertThat(result.err()).contains("note: no code revision recorded").contains("not in a git repository");
    Manifest manifest = registry.manifest("m", 1);
    assertThat(manifest.lineage().code()).isNull();
    assertThat(manifest.lineage().data().uri()).isEqualTo("s3://bucket/data.parquet");
    assertThat(manifest.lineage().data().sha256()).isNull();
    assertThat(Files.readString(models.resolve("m/1/manifest.json"))).doesNotContain("\"code\"");

    Path empty = Files.createDirectories(dir.resolve("empty-repo"));
    git(empty, "init", "-q");
    Cli.Result noCommit = publish("m", "regressor.onnx", "--code-dir", empty.toString());
    assertThat(noCommit.status()).isZero();
    assertThat(noCommit.err()).contains("has no commit yet");
    assertThat(registry.manifest("m", 2).lineage().code()).isNull();
  }

  @Test
  void schemaFileDeclaresFeaturesAndLabels() throws IOException {
    Path schema = dir.resolve("schema.json");
    Files.writeString(
        schema,
        "{\"features\": {\"input\": ["
            + "{\"name\": \"amount (EUR)\", \"kind\": \"numeric\", \"min\": 0, \"max\": 1e4, \"nullable\": true},"
            + "{\"name\": \"age\"},"
            + "{\"name\": \"country\", \"kind\": \"categorical\", \"encoding\": \"one_hot\", \"categories\": [\"DE\", \"FR\"]}]},"
            + " \"labels\": {\"probabilities\": [\"legit\", \"fraud\"]}}");
    Cli.Result result = publish("fraud", "tabular_classifier.onnx", "--schema", schema.toString());
    assertThat(result.status()).as("%s", result).isZero();
    Manifest manifest = registry.manifest("fraud", 1);
    assertThat(manifest.input("input").features())
        .containsExactly(
            new FeatureSpec("amount (EUR)", Kind.NUMERIC, null, null, 0.0, 10000.0, true),
            FeatureSpec.numeric("age"),
            FeatureSpec.categorical("country", Encoding.ONE_HOT, List.of("DE", "FR")));
    assertThat(manifest.output("probabilities").labels()).containsExactly("legit", "fraud");
    assertThat(result.out()).contains("country       categorical one_hot (DE | FR)").contains("amount (EUR)  numeric  range 0..10000  nullable");

    Files.writeString(schema, "[{\"name\": \"a\", \"nullabel\": true}, {\"name\": \"b\"}, {\"name\": \"c\"}, {\"name\": \"d\"}]");
    Cli.Result typo = publish("fraud", "tabular_classifier.onnx", "--schema", schema.toString());
    assertThat(typo.status()).isEqualTo(1);
    assertThat(typo.err()).contains("schema " + schema).contains("feature 0").contains("nullabel");

    Files.writeString(schema, "{\"features\": [{\"name\": \"a\", \"kind\": \"categorical\"}]}");
    Cli.Result noCategories = publish("fraud", "tabular_classifier.onnx", "--schema", schema.toString());
    assertThat(noCategories.status()).isEqualTo(1);
    assertThat(noCategories.err()).contains("categorical feature 'a' needs a non-empty list of categories");

    Files.writeString(schema, "{\"feature\": []}");
    assertThat(publish("fraud", "tabular_classifier.onnx", "--schema", schema.toString()).err()).contains("unknown key 'feature'");
    Files.writeString(schema, "{not json");
    assertThat(publish("fraud", "tabular_classifier.onnx", "--schema", schema.toString()).err()).contains("is not valid JSON");
    assertThat(registry.versions("fraud")).containsExactly(1L);
  }

  @Test
  void refusesModelsWithExternalDataOutsideTheirDirectory() {
    for (String fixture : List.of("external_escape/model.onnx", "external_absolute/model.onnx")) {
      Cli.Result result = publish("evil", fixture);
      assertThat(result.status()).as("%s", result).isEqualTo(1);
      assertThat(result.err()).contains("cannot publish " + TestData.model(fixture)).contains("outside its directory; refusing to publish it");
      assertThat(result.out()).isEmpty();
    }
    assertThat(Files.exists(models.resolve("evil/1"))).isFalse();
    // A model with its external data next to it publishes both files.
    assertThat(publish("ext", "external_data/model.onnx").status()).isZero();
    assertThat(Files.isRegularFile(models.resolve("ext/1/weights.bin"))).isTrue();
  }

  @Test
  void neverPublishesAModelOnnxRuntimeRefuses() throws IOException {
    byte[] bytes = Files.readAllBytes(TestData.model("mlp16.onnx"));
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    assertThat(text).contains("Relu");
    Path broken = dir.resolve("broken.onnx");
    // Same length, so the protobuf stays well-formed and Fathom's own reader accepts it: only ONNX Runtime can tell.
    Files.write(broken, text.replace("Relu", "Relx").getBytes(StandardCharsets.ISO_8859_1));

    Cli.Result result = Cli.run("publish", "broken", "--registry", models.toString(), "--model", broken.toString(), "--alias", "production");

    assertThat(result.status()).as("%s", result).isEqualTo(1);
    assertThat(result.err()).contains("broken@1: refusing to publish").contains("Relx").contains(broken.toString()).doesNotContain("fathom-publish-check");
    assertThat(registry.versions("broken")).isEmpty();
    assertThat(registry.aliases("broken")).isEmpty();
    try (var entries = Files.list(models.resolve("broken"))) {
      assertThat(entries.map(p -> p.getFileName().toString())).as("no temporary directory left").containsOnly(".publish.lock");
    }
  }

  @Test
  void usageErrorsExitTwo() {
    String model = TestData.model("tabular_classifier.onnx").toString();
    String reg = models.toString();
    List<String[]> usages =
        List.of(
            new String[] {"publish", "fraud", "--registry", reg, "--model", model, "--features", "a:cat(x|y"},
            new String[] {"publish", "fraud", "--registry", reg, "--model", model, "--metric", "auc=high"},
            new String[] {"publish", "fraud", "--registry", reg, "--model", model, "--param", "novalue"},
            new String[] {"publish", "fraud", "--registry", reg, "--model", model, "--param", "a=1", "--param", "a=2"},
            new String[] {"publish", "fraud", "--registry", reg, "--model", model, "--version", "0"},
            new String[] {"publish", "fraud", "--registry", reg, "--model", model, "--parent", "x"},
            new String[] {"publish", "fraud", "--registry", reg, "--model", model, "--alias", "Prod"},
            new String[] {"publish", "fraud", "--registry", reg, "--model", model, "--alias", "latest"},
            new String[] {"publish", "fraud", "--registry", reg, "--model", model, "--features", "a,b", "--features", "c,d"},
            new String[] {"publish", "fraud", "--registry", reg, "--model", model, "--colour", "red"},
            new String[] {"publish", "fraud", "--registry", reg},
            new String[] {"publish", "--registry", reg, "--model", model});
    for (String[] args : usages) {
      Cli.Result result = Cli.run(args);
      assertThat(result.status()).as("%s -> %s", String.join(" ", args), result).isEqualTo(2);
      assertThat(result.err()).startsWith("fathom publish: ").contains("Try 'fathom publish --help'");
      assertThat(result.out()).isEmpty();
    }
    assertThat(Files.exists(models)).as("nothing written").isFalse();
  }

  @Test
  void requestsTheRegistryRefusesExitOne() {
    assertThat(publish("fraud", "tabular_classifier.onnx", "--version", "3").status()).isZero();
    assertFailure(publish("fraud", "tabular_classifier.onnx", "--version", "3"), "fraud@3: the version exists");
    assertFailure(publish("fraud", "tabular_classifier.onnx", "--features", "a,b,c"), "input 'input' has 4 columns but the features occupy 3");
    assertFailure(publish("fraud", "tabular_classifier.onnx", "--labels", "a,b,c"), "has 2 classes but 3 labels were given");
    assertFailure(publish("fraud", "tabular_classifier.onnx", "--labels", "nope=a,b"), "the model has no output named 'nope'");
    assertFailure(publish("fraud", "tabular_classifier.onnx", "--parent", "9"), "--parent 9: fraud@9 does not exist");
    assertFailure(publish("Fraud", "tabular_classifier.onnx"), "invalid model name 'Fraud'");
    assertFailure(publish("fraud", "tabular_classifier.onnx", "--data-file", dir.resolve("none.csv").toString()), "data file");
    assertFailure(publish("fraud", "tabular_classifier.onnx", "--code-dir", dir.resolve("none").toString()), "--code-dir " + dir.resolve("none") + " is not a directory");
    assertFailure(Cli.run("publish", "fraud", "--registry", models.toString(), "--model", dir.resolve("none.onnx").toString()), "none.onnx does not exist");
    assertThat(registry.versions("fraud")).containsExactly(3L);
  }

  static void assertFailure(Cli.Result result, String message) {
    assertThat(result.status()).as("%s", result).isEqualTo(1);
    assertThat(result.err()).startsWith("fathom publish: ").contains(message);
  }

  static String git(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("git %s: %s", String.join(" ", args), out).isZero();
    return out;
  }
}
