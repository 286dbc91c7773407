package dev.fathom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fathom.internal.inference.LoadedVersion;
import dev.fathom.registry.ModelReference;
import dev.fathom.testing.TestRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version no reference serves stays loaded for a quick way back while it fits the byte budget
 * and its idle time; past the budget it is retired and closed at once.
 */
class VersionRetentionTest {
  @TempDir Path dir;

  @Test
  void previousVersionStaysWarmWithinTheBudget() {
    TestRegistry registry = new TestRegistry(dir.resolve("models"));
    registry.publishMlp("m");
    try (Fathom fathom = Fathom.builder().registry(registry.root()).watchInterval(Duration.ZERO).idleExpiry(Duration.ofHours(1)).build()) {
      fathom.model("m");
      LoadedVersion v1 = FathomTestAccess.engine(fathom).slot(ModelReference.parse("m")).current();
      registry.publishMlp("m");
      fathom.refresh();
      assertThat(fathom.model("m").version()).isEqualTo(2);
      assertThat(versions(fathom)).containsExactlyInAnyOrder(1L, 2L);
      assertThat(v1.isClosed()).isFalse();
      // Going back to version 1 reuses the warm session.
      assertThat(FathomTestAccess.engine(fathom).slot(ModelReference.parse("m@1")).current()).isSameAs(v1);
    }
  }

  @Test
  void versionsBeyondTheByteBudgetAreRetiredAndClosed() {
    TestRegistry registry = new TestRegistry(dir.resolve("models"));
    registry.publishMlp("m");
    try (Fathom fathom = Fathom.builder().registry(registry.root()).watchInterval(Duration.ZERO).idleExpiry(Duration.ofHours(1)).maximumCacheBytes(1).build()) {
      fathom.model("m");
      LoadedVersion v1 = FathomTestAccess.engine(fathom).slot(ModelReference.parse("m")).current();
      registry.publishMlp("m");
      fathom.refresh();
      assertThat(versions(fathom)).containsExactly(2L);
      assertThat(v1.isRetired()).isTrue();
      assertThat(v1.isClosed()).isTrue();
      assertThat(fathom.model("m").predict(new float[16]).version()).isEqualTo(2);
    }
  }

  private static List<Long> versions(Fathom fathom) {
    return FathomTestAccess.engine(fathom).loadedVersions().stream().map(LoadedVersion::version).toList();
  }
}
