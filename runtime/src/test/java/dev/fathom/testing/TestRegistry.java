package dev.fathom.testing;

import dev.fathom.registry.FeatureSpec;
import dev.fathom.registry.LocalRegistry;
import dev.fathom.registry.Manifest;
import dev.fathom.registry.PublishRequest;
import dev.fathom.registry.Publisher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A registry in a test's temporary directory, with shortcuts to publish the test models. */
public final class TestRegistry {
  private final LocalRegistry registry;
  private final Publisher publisher;

  public TestRegistry(Path root) {
    this.registry = new LocalRegistry(root);
    this.publisher = new Publisher(registry);
  }

  public Path root() {
    return registry.root();
  }

  public LocalRegistry registry() {
    return registry;
  }

  /** Publishes a test model file as the next version of {@code name}. */
  public Manifest publish(String name, String testModel) {
    return publisher.publish(PublishRequest.builder(name, TestData.model(testModel)).build());
  }

  /** Publishes with the builder's extra settings. */
  public Manifest publish(PublishRequest request) {
    return publisher.publish(request);
  }

  /** Publishes {@code mlp16.onnx} with features {@code f0..f15}. */
  public Manifest publishMlp(String name) {
    return publisher.publish(PublishRequest.builder(name, TestData.model("mlp16.onnx")).features(numericFeatures("f", 16)).build());
  }

  /** Publishes {@code tabular_classifier.onnx} with features {@code amount, age, score, velocity}. */
  public Manifest publishClassifier(String name) {
    return publisher.publish(
        PublishRequest.builder(name, TestData.model("tabular_classifier.onnx"))
            .features(List.of(FeatureSpec.numeric("amount"), FeatureSpec.numeric("age"), FeatureSpec.numeric("score"), FeatureSpec.numeric("velocity")))
            .labels("probabilities", List.of("legit", "fraud"))
            .build());
  }

  /** Numeric features named {@code prefix0 .. prefix(n-1)}. */
  public static List<FeatureSpec> numericFeatures(String prefix, int n) {
    List<FeatureSpec> specs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      specs.add(FeatureSpec.numeric(prefix + i));
    }
    return specs;
  }

  /**
   * Drops a version directory in by hand whose {@code model.onnx} does not match its manifest: a
   * copy of version {@code from} with the model's bytes changed.
   */
  public Path dropCorruptVersion(String name, long from, long as) {
    try {
      Path source = registry.versionDirectory(name, from);
      Path temp = registry.modelDirectory(name).resolve(".corrupt-" + as);
      Files.createDirectories(temp);
      Files.copy(source.resolve(LocalRegistry.MANIFEST_FILE), temp.resolve(LocalRegistry.MANIFEST_FILE));
      String manifest = Files.readString(temp.resolve(LocalRegistry.MANIFEST_FILE));
      Files.writeString(temp.resolve(LocalRegistry.MANIFEST_FILE), manifest.replaceFirst("\"version\" : " + from, "\"version\" : " + as));
      byte[] model = Files.readAllBytes(source.resolve(LocalRegistry.MODEL_FILE));
      model[model.length - 1] ^= 0x55;
      Files.write(temp.resolve(LocalRegistry.MODEL_FILE), model);
      Path target = registry.versionDirectory(name, as);
      Files.move(temp, target);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
