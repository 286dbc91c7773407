package dev.fathom.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fathom.ChecksumMismatchException;
import dev.fathom.ElementType;
import dev.fathom.ModelLoadException;
import dev.fathom.ModelNotFoundException;
import dev.fathom.RegistryException;
import dev.fathom.UnsafeModelException;
import dev.fathom.VersionNotFoundException;
import dev.fathom.internal.util.Hashing;
import dev.fathom.testing.TestData;
import dev.fathom.testing.TestRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRegistryTest {
  @TempDir Path dir;
  TestRegistry test;
  LocalRegistry registry;

  @BeforeEach
  void setUp() {
    test = new TestRegistry(dir.resolve("models"));
    registry = test.registry();
  }

  @Test
  void publishWritesManifestWithSchemaLineageAndDigest() throws IOException {
    Lineage lineage =
        new Lineage(
            new Lineage.CodeRevision("https://example.com/acme/fraud.git", "0123456789abcdef0123456789abcdef01234567", false),
            new Lineage.DataVersion("s3://data/train.csv", "ab".repeat(32), 4000L),
            Map.of("learning_rate", 0.1, "epochs", 5),
            Map.of("auc", 0.93),
            null);
    Manifest manifest =
        test.publish(
            PublishRequest.builder("fraud", TestData.model("tabular_classifier.onnx"))
                .features(List.of(FeatureSpec.numeric("amount").withRange(0.0, 1e6), FeatureSpec.numeric("age"), FeatureSpec.numeric("score"), FeatureSpec.numeric("velocity").withNullable(true)))
                .labels("probabilities", List.of("legit", "fraud"))
                .lineage(lineage)
                .clock(Clock.fixed(Instant.parse("2026-11-27T10:15:30Z"), ZoneOffset.UTC))
                .alias("production")
                .build());

    assertThat(manifest.version()).isEqualTo(1);
    assertThat(manifest.created()).isEqualTo("2026-11-27T10:15:30Z");
    assertThat(manifest.model().sha256()).isEqualTo(Hashing.sha256(TestData.model("tabular_classifier.onnx")));
    assertThat(manifest.model().size()).isEqualTo(Files.size(TestData.model("tabular_classifier.onnx")));
    TensorSpec input = manifest.input("input");
    assertThat(input.elementType()).isEqualTo(ElementType.FLOAT32);
    assertThat(input.shape()).containsExactly(-1L, 4L);
    assertThat(input.dimensionNames()).containsExactly("N", null);
    assertThat(input.features()).extracting(FeatureSpec::name).containsExactly("amount", "age", "score", "velocity");
    assertThat(manifest.output("probabilities").labels()).containsExactly("legit", "fraud");
    assertThat(manifest.output("label").elementType()).isEqualTo(ElementType.INT64);

    Manifest reread = registry.manifest("fraud", 1);
    assertThat(reread).isEqualTo(manifest);
    // the file holds the schema's fields only, not convenience methods such as isCategorical()
    assertThat(Files.readString(registry.versionDirectory("fraud", 1).resolve(LocalRegistry.MANIFEST_FILE)))
        .contains("\"kind\" : \"numeric\"").doesNotContain("\"categorical\"");
    assertThat(reread.lineage().code().commit()).startsWith("0123");
    assertThat(reread.lineage().data().rows()).isEqualTo(4000L);
    assertThat(reread.lineage().hyperparameters()).containsEntry("epochs", 5);
    assertThat(reread.lineage().metrics()).containsEntry("auc", 0.93);
    assertThat(registry.aliases("fraud")).containsEntry("production", 1L);

    Manifest second = test.publish("fraud", "tabular_classifier.onnx");
    assertThat(second.version()).isEqualTo(2);
    assertThat(second.lineage().parent()).isEqualTo(1L);
    assertThat(registry.versions("fraud")).containsExactly(1L, 2L);
    assertThat(registry.models()).containsExactly("fraud");
  }

  @Test
  void resolvesVersionPoliciesAndAliases() {
    test.publish("fraud", "mlp16.onnx");
    test.publish("fraud", "mlp16.onnx");
    test.publish("fraud", "mlp16.onnx");
    registry.setAlias("fraud", "production", 2);
    assertThat(registry.resolve(ModelReference.parse("fraud"))).isEqualTo(3);
    assertThat(registry.resolve(ModelReference.parse("fraud@latest"))).isEqualTo(3);
    assertThat(registry.resolve(ModelReference.parse("fraud@1"))).isEqualTo(1);
    assertThat(registry.resolve(ModelReference.parse("fraud@production"))).isEqualTo(2);
    assertThat(registry.removeAlias("fraud", "production")).isTrue();
    assertThatThrownBy(() -> registry.resolve(ModelReference.parse("fraud@production")))
        .isInstanceOf(VersionNotFoundException.class)
        .hasMessageContaining("production");
  }

  @Test
  void unknownModelVersionAndAliasAreTypedErrors() throws IOException {
    assertThatThrownBy(() -> registry.resolve(ModelReference.parse("ghost"))).isInstanceOf(ModelNotFoundException.class).hasMessageContaining("ghost");
    test.publish("fraud", "mlp16.onnx");
    assertThatThrownBy(() -> registry.resolve(ModelReference.parse("fraud@7")))
        .isInstanceOf(VersionNotFoundException.class)
        .hasMessageContaining("fraud@7")
        .hasMessageContaining("[1]");
    assertThatThrownBy(() -> registry.resolve(ModelReference.parse("fraud@canary"))).isInstanceOf(VersionNotFoundException.class);
    Files.writeString(registry.modelDirectory("fraud").resolve("aliases.json"), "{\"canary\": 9}");
    assertThatThrownBy(() -> registry.resolve(ModelReference.parse("fraud@canary")))
        .isInstanceOf(VersionNotFoundException.class)
        .hasMessageContaining("points at version 9");
    Files.writeString(registry.modelDirectory("fraud").resolve("aliases.json"), "{\"canary\": \"two\"}");
    assertThatThrownBy(() -> registry.aliases("fraud")).isInstanceOf(RegistryException.class).hasMessageContaining("canary");
    Files.writeString(registry.modelDirectory("fraud").resolve("aliases.json"), "[1,2");
    assertThatThrownBy(() -> registry.aliases("fraud")).isInstanceOf(RegistryException.class);
  }

  @Test
  void halfWrittenVersionDirectoriesAreInvisible() throws IOException {
    test.publish("fraud", "mlp16.onnx");
    Path modelDir = registry.modelDirectory("fraud");
    Files.createDirectories(modelDir.resolve("2"));
    Files.copy(TestData.model("mlp16.onnx"), modelDir.resolve("2").resolve("model.onnx"));
    Files.createDirectories(modelDir.resolve(".tmp-3-123"));
    Files.createDirectories(modelDir.resolve("007"));
    assertThat(registry.versions("fraud")).containsExactly(1L);
    assertThat(registry.resolve(ModelReference.parse("fraud"))).isEqualTo(1);
    // The next publish skips the number the half-written directory took.
    assertThat(test.publish("fraud", "mlp16.onnx").version()).isEqualTo(3);
  }

  @Test
  void verifyDetectsTamperedModelBytesAndSize() throws IOException {
    test.publish("fraud", "mlp16.onnx");
    assertThat(registry.verify("fraud", 1).manifest().version()).isEqualTo(1);
    Path model = registry.versionDirectory("fraud", 1).resolve("model.onnx");
    byte[] bytes = Files.readAllBytes(model);
    bytes[bytes.length / 2] ^= 1;
    Files.write(model, bytes);
    assertThatThrownBy(() -> registry.verify("fraud", 1))
        .isInstanceOf(ChecksumMismatchException.class)
        .hasMessageContaining("checksum mismatch")
        .hasMessageContaining("sha256");
    Files.write(model, new byte[] {1, 2, 3});
    assertThatThrownBy(() -> registry.verify("fraud", 1)).isInstanceOf(ChecksumMismatchException.class).hasMessageContaining("3 bytes");
  }

  @Test
  void invalidManifestIsALoadFailureNamingTheFile() throws IOException {
    test.publish("fraud", "mlp16.onnx");
    Path manifest = registry.versionDirectory("fraud", 1).resolve("manifest.json");
    Files.writeString(manifest, "{ not json");
    assertThatThrownBy(() -> registry.verify("fraud", 1)).isInstanceOf(ModelLoadException.class).hasMessageContaining("manifest");
    Files.writeString(manifest, "{\"formatVersion\":1,\"name\":\"other\",\"version\":1,\"model\":{\"path\":\"model.onnx\",\"sha256\":\"x\",\"size\":1}}");
    assertThatThrownBy(() -> registry.verify("fraud", 1)).isInstanceOf(ModelLoadException.class).hasMessageContaining("describes other@1");
  }

  @Test
  void externalDataIsCopiedDigestedAndConfinedToTheVersionDirectory() throws IOException {
    Manifest manifest = test.publish("ext", "external_data/model.onnx");
    assertThat(manifest.externalData()).extracting(FileDigest::path).containsExactly("weights.bin");
    assertThat(registry.verify("ext", 1).directory().resolve("weights.bin")).exists();

    Path weights = registry.versionDirectory("ext", 1).resolve("weights.bin");
    Files.write(weights, new byte[64]);
    assertThatThrownBy(() -> registry.verify("ext", 1)).isInstanceOf(ChecksumMismatchException.class).hasMessageContaining("weights.bin");

    assertThatThrownBy(() -> test.publish("escape", "external_escape/model.onnx"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside its directory");
    assertThatThrownBy(() -> test.publish("absolute", "external_absolute/model.onnx"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/etc/hostname");
  }

  @Test
  void handPlacedModelsThatEscapeTheirDirectoryAreRefusedBeforeLoading() throws IOException {
    for (String fixture : List.of("external_escape", "external_absolute")) {
      Path version = registry.modelDirectory(fixture.replace('_', '-')).resolve("1");
      Files.createDirectories(version);
      Path model = version.resolve("model.onnx");
      Files.copy(TestData.model(fixture + "/model.onnx"), model);
      // Even a manifest that records the data file cannot make the location safe.
      Files.writeString(
          version.resolve("manifest.json"),
          "{\"formatVersion\":1,\"name\":\"" + fixture.replace('_', '-') + "\",\"version\":1,"
              + "\"model\":{\"path\":\"model.onnx\",\"sha256\":\"" + Hashing.sha256(model) + "\",\"size\":" + Files.size(model) + "},"
              + "\"externalData\":[{\"path\":\"../weights.bin\",\"sha256\":\"00\",\"size\":64}]}");
      assertThatThrownBy(() -> registry.verify(fixture.replace('_', '-'), 1))
          .isInstanceOf(UnsafeModelException.class)
          .hasMessageContaining("external data location");
    }
  }

  @Test
  void featuresMustFitTheInput() {
    assertThatThrownBy(() -> test.publish(PublishRequest.builder("bad", TestData.model("mlp16.onnx")).features(TestRegistry.numericFeatures("f", 3)).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16 columns");
    assertThatThrownBy(() -> test.publish(PublishRequest.builder("bad", TestData.model("recurrent.onnx")).features(TestRegistry.numericFeatures("f", 4)).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 inputs");
    assertThatThrownBy(() -> test.publish(PublishRequest.builder("bad", TestData.model("tabular_classifier.onnx")).labels("probabilities", List.of("a", "b", "c")).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 classes");
  }

  @Test
  void concurrentPublishersNeverCollide() throws Exception {
    int publishers = 4;
    List<Thread> threads = new java.util.ArrayList<>();
    java.util.concurrent.ConcurrentLinkedQueue<Long> versions = new java.util.concurrent.ConcurrentLinkedQueue<>();
    for (int i = 0; i < publishers; i++) {
      Thread t = new Thread(() -> {
        for (int j = 0; j < 3; j++) {
          versions.add(test.publish("busy", "mlp16.onnx").version());
        }
      });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(versions).doesNotHaveDuplicates().hasSize(publishers * 3);
    assertThat(registry.versions("busy")).hasSize(publishers * 3);
  }
}
