package dev.fathom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fathom.monitor.ReferenceProfile;
import dev.fathom.registry.LocalRegistry;
import dev.fathom.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fathom publish --data}, {@code fathom profile} and {@code fathom drift}. */
class MonitorCommandsTest {
  static final String FEATURES = "amount:num(0..),age,score:nullable,velocity:cat(low|medium|high)";
  @TempDir Path dir;
  Path models;
  LocalRegistry registry;

  @BeforeEach
  void setUp() {
    models = dir.resolve("models");
    registry = new LocalRegistry(models);
  }

  /** Rows of the tabular classifier's features; {@code shift} moves the amounts. */
  Path csv(String name, long seed, int rows, double shift) throws IOException {
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder sb = new StringBuilder("amount,age,score,velocity,label\n");
    String[] velocity = {"low", "medium", "high"};
    for (int i = 0; i < rows; i++) {
      double g = Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
      sb.append(String.format(Locale.ROOT, "%.3f,%d,%s,%s,%s%n", Math.max(0, 2 + g + shift), 18 + r.nextInt(60), r.nextDouble() < 0.05 ? "" : String.format(Locale.ROOT, "%.3f", r.nextDouble()),
          velocity[r.nextInt(3)], r.nextBoolean() ? "fraud" : "legit"));
    }
    return Files.writeString(dir.resolve(name), sb.toString());
  }

  Cli.Result publish(String... extra) {
    String[] base = {"publish", "fraud", "--registry", models.toString(), "--model", TestData.model("tabular_classifier.onnx").toString(), "--features", FEATURES,
        "--labels", "legit,fraud"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return Cli.run(args);
  }

  @Test
  void publishWithDataStoresTheProfileAndTheLineage() throws IOException {
    Path train = csv("train.csv", 1, 800, 0);
    Cli.Result result = publish("--data", train.toString());
    assertThat(result.status()).as("%s", result).isZero();
    assertThat(result.out()).contains("fraud@1").contains("profile   profiled 800 rows (800 predicted): 4 features").contains("3 prediction columns");
    Path file = registry.profileFile("fraud", 1);
    assertThat(file).isNotNull();
    ReferenceProfile profile = ReferenceProfile.read(file);
    assertThat(profile.feature("amount").count()).isEqualTo(800);
    assertThat(profile.feature("velocity").categories()).containsOnlyKeys("low", "medium", "high");
    assertThat(registry.manifest("fraud", 1).lineage().data().rows()).isEqualTo(800);
    // no temporary registry or profile left behind in the registry
    try (var entries = Files.list(registry.modelDirectory("fraud"))) {
      assertThat(entries.map(p -> p.getFileName().toString())).containsOnly("1", ".publish.lock");
    }
  }

  @Test
  void profileWritesToAFileToStandardOutputOrIntoTheVersion() throws IOException {
    assertThat(publish().status()).isZero();
    Path train = csv("train.csv", 2, 500, 0);
    Path out = dir.resolve("p.json");
    Cli.Result toFile = Cli.run("profile", "fraud", "--registry", models.toString(), "--data", train.toString(), "--output", out.toString());
    assertThat(toFile.status()).as("%s", toFile).isZero();
    assertThat(toFile.out()).contains("fraud@1: profiled 500 rows").contains("written   " + out);
    assertThat(ReferenceProfile.read(out).feature("age").count()).isEqualTo(500);

    Cli.Result toStdout = Cli.run("profile", "fraud@1", "--registry", models.toString(), "--data", train.toString());
    assertThat(toStdout.status()).isZero();
    assertThat(ReferenceProfile.fromJson(toStdout.out()).features()).hasSize(4);
    assertThat(toStdout.err()).contains("profiled 500 rows");

    assertThat(registry.profileFile("fraud", 1)).isNull();
    Cli.Result attach = Cli.run("profile", "fraud", "--registry", models.toString(), "--data", train.toString(), "--attach");
    assertThat(attach.status()).as("%s", attach).isZero();
    assertThat(registry.profileFile("fraud", 1)).isNotNull();
    Cli.Result again = Cli.run("profile", "fraud", "--registry", models.toString(), "--data", train.toString(), "--attach");
    assertThat(again.status()).isEqualTo(Main.FAILED);
    assertThat(again.err()).contains("already has a profile").contains("--force");
    assertThat(Cli.run("profile", "fraud", "--registry", models.toString(), "--data", train.toString(), "--attach", "--force").status()).isZero();

    Path bad = Files.writeString(dir.resolve("bad.csv"), "amount,age\n1,2\n");
    Cli.Result lacking = Cli.run("profile", "fraud", "--registry", models.toString(), "--data", bad.toString());
    assertThat(lacking.status()).isEqualTo(Main.FAILED);
    assertThat(lacking.err()).contains("lacks the feature column(s) [score, velocity]");
  }

  @Test
  void driftReportsTextAndJsonAndFailsOnDriftWhenAsked() throws IOException {
    assertThat(publish("--data", csv("train.csv", 3, 2000, 0).toString()).status()).isZero();
    Path same = csv("same.csv", 4, 800, 0);
    Cli.Result calm = Cli.run("drift", "--model", "fraud", "--registry", models.toString(), "--data", same.toString(), "--fail-on", "alert");
    assertThat(calm.status()).as("%s", calm).isZero();
    assertThat(calm.out()).contains("Drift report for fraud@1: 800 rows").contains("amount").contains("velocity").contains("prediction:probabilities[fraud]");

    Path shifted = csv("shifted.csv", 5, 800, 1.0);
    Cli.Result json = Cli.run("drift", "--model", "fraud@1", "--registry", models.toString(), "--data", shifted.toString(), "--format", "json");
    assertThat(json.status()).as("%s", json).isZero();
    JsonNode report = json.json();
    assertThat(report.get("severity").asText()).isEqualTo("alert");
    JsonNode amount = null;
    for (JsonNode c : report.get("columns")) {
      if (c.get("name").asText().equals("amount")) {
        amount = c;
      }
    }
    assertThat(amount).isNotNull();
    assertThat(amount.get("severity").asText()).isEqualTo("alert");
    assertThat(amount.get("psi").asDouble()).isGreaterThan(0.25);

    Cli.Result failing = Cli.run("drift", "--model", "fraud", "--registry", models.toString(), "--data", shifted.toString(), "--fail-on", "warn");
    assertThat(failing.status()).isEqualTo(Main.FAILED);
    assertThat(failing.out()).contains("ALERT");

    // an explicit profile, and stricter thresholds
    Cli.Result explicit = Cli.run("drift", "--model", "fraud", "--registry", models.toString(), "--data", same.toString(), "--profile",
        registry.profileFile("fraud", 1).toString(), "--p-value", "0.01", "--alert-p-value", "0.001", "--psi", "0.2,0.5", "--correction", "bonferroni");
    assertThat(explicit.status()).as("%s", explicit).isZero();
    assertThat(explicit.out()).contains("p-value 0.01 warn / 0.001 alert (bonferroni correction), PSI 0.2 warn / 0.5 alert");
  }

  @Test
  void driftExplainsMissingProfilesAndBadOptions() throws IOException {
    assertThat(publish().status()).isZero();
    Path live = csv("live.csv", 6, 100, 0);
    Cli.Result none = Cli.run("drift", "--model", "fraud", "--registry", models.toString(), "--data", live.toString());
    assertThat(none.status()).isEqualTo(Main.FAILED);
    assertThat(none.err()).contains("fraud@1 has no profile.json").contains("fathom profile");
    assertThat(Cli.run("drift", "--model", "fraud", "--registry", models.toString(), "--data", live.toString(), "--format", "xml").status()).isEqualTo(Main.USAGE);
    assertThat(Cli.run("drift", "--model", "fraud", "--registry", models.toString(), "--data", live.toString(), "--p-value", "2").status()).isEqualTo(Main.USAGE);
    assertThat(Cli.run("drift", "--model", "fraud", "--registry", models.toString()).status()).isEqualTo(Main.USAGE);
    Cli.Result missing = Cli.run("drift", "--model", "fraud", "--registry", models.toString(), "--data", dir.resolve("nope.csv").toString());
    assertThat(missing.status()).isEqualTo(Main.FAILED);
    assertThat(missing.err()).contains("nope.csv is not a file");
  }
}
