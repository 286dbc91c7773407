package dev.fathom.internal.inference;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtSession;
import dev.fathom.InferenceOptions;
import dev.fathom.internal.util.Hashing;
import dev.fathom.registry.RuntimeHints;
import dev.fathom.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optimized-model cache: written on first load, used after, never trusted when damaged. */
class OptimizedModelCacheTest {
  @TempDir Path cache;

  @Test
  void firstLoadWritesTheCacheLaterLoadsUseItAndDamageIsRebuilt() throws Exception {
    SessionFactory sessions = new SessionFactory(InferenceOptions.builder().optimizedModelCache(cache).build());
    Path model = TestData.model("mlp16.onnx");
    String sha = Hashing.sha256(model);

    SessionFactory.Created first = sessions.create(model, sha, RuntimeHints.none(), true);
    first.session().close();
    assertThat(first.source()).isEqualTo(SessionFactory.Source.MODEL);
    List<Path> entries = entries();
    assertThat(entries).extracting(p -> p.getFileName().toString()).anyMatch(n -> n.startsWith(sha) && n.endsWith(".onnx")).anyMatch(n -> n.endsWith(".sha256"));
    assertThat(entries).noneMatch(p -> p.getFileName().toString().endsWith(".tmp"));

    SessionFactory.Created second = sessions.create(model, sha, RuntimeHints.none(), true);
    try (OrtSession s = second.session()) {
      assertThat(second.source()).isEqualTo(SessionFactory.Source.OPTIMIZED_CACHE);
      assertThat(s.getInputNames()).containsExactly("input");
    }

    Path optimized = entries().stream().filter(p -> p.getFileName().toString().endsWith(".onnx")).findFirst().orElseThrow();
    Files.write(optimized, new byte[] {1, 2, 3});
    SessionFactory.Created afterDamage = sessions.create(model, sha, RuntimeHints.none(), true);
    afterDamage.session().close();
    assertThat(afterDamage.source()).as("a damaged entry is rebuilt from the model").isEqualTo(SessionFactory.Source.MODEL);
    assertThat(Files.size(optimized)).isGreaterThan(3);
    SessionFactory.Created rebuilt = sessions.create(model, sha, RuntimeHints.none(), true);
    rebuilt.session().close();
    assertThat(rebuilt.source()).isEqualTo(SessionFactory.Source.OPTIMIZED_CACHE);
  }

  @Test
  void modelsWithExternalDataAndDisabledCachesBypassIt() throws Exception {
    Path model = TestData.model("mlp16.onnx");
    String sha = Hashing.sha256(model);
    SessionFactory.Created external = new SessionFactory(InferenceOptions.builder().optimizedModelCache(cache).build()).create(model, sha, RuntimeHints.none(), false);
    external.session().close();
    SessionFactory.Created disabled = new SessionFactory(InferenceOptions.builder().optimizedModelCache(null).build()).create(model, sha, RuntimeHints.none(), true);
    disabled.session().close();
    assertThat(entries()).isEmpty();
    assertThat(external.source()).isEqualTo(SessionFactory.Source.MODEL);
    assertThat(disabled.source()).isEqualTo(SessionFactory.Source.MODEL);
  }

  private List<Path> entries() throws Exception {
    try (Stream<Path> files = Files.list(cache)) {
      return files.toList();
    }
  }
}
