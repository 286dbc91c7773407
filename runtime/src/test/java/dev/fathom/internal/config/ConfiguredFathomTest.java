package dev.fathom.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fathom.Fathom;
import dev.fathom.InferenceOptions;
import dev.fathom.testing.TestRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings to a working {@link Fathom}: every value applied, a value the builder refuses keeps its default. */
class ConfiguredFathomTest {
  @TempDir Path dir;

  @Test
  void buildsAndPreloadsFromSettingsAndReportsWhatFailed() {
    TestRegistry registry = new TestRegistry(dir.resolve("models"));
    registry.publishMlp("fraud");
    registry.publishMlp("fraud");
    FathomConfig config =
        FathomConfig.load(
            "registry=" + registry.root() + ",models=fraud,nope,model.fraud.policy=1,watch.interval=0,inference.intra.op.threads=5000,inference.optimization=basic",
            new Properties(),
            Map.of());
    assertThat(config.problems()).isEmpty();
    InferenceOptions inference = ConfiguredFathom.inference(config);
    assertThat(inference.intraOpThreads()).as("5000 is refused by the builder: the default stays").isEqualTo(InferenceOptions.defaults().intraOpThreads());
    assertThat(inference.optimizationLevel()).isEqualTo(InferenceOptions.OptimizationLevel.BASIC);
    try (Fathom fathom = ConfiguredFathom.builder(config).build()) {
      List<String> failures = ConfiguredFathom.preload(fathom, config);
      assertThat(failures).singleElement().asString().startsWith("model nope not preloaded: unknown model 'nope'");
      assertThat(fathom.registry().root()).isEqualTo(registry.root());
      assertThat(fathom.model("fraud").version()).as("the per-model policy pins version 1").isEqualTo(1);
    }
  }
}
