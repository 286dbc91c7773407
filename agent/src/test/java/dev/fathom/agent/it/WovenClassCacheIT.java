package dev.fathom.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fathom.agent.it.apps.OrtLoopApp;
import dev.fathom.testing.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An application with an ONNX Runtime version the agent does not bundle: its first start weaves
 * {@code OrtSession} with Byte Buddy and stores the result in the cache directory; the next start
 * reads it from there; a damaged entry is ignored, woven again and replaced. The application runs
 * the same every time.
 */
class WovenClassCacheIT {
  static final String WOVEN = "[fathom-agent] DEBUG instrumented ai.onnxruntime.OrtSession woven ";

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.fathom.agent.it.It#javas")
  void anotherVersionIsWovenOnceThenReadFromTheCache(It.Named java) throws IOException {
    Path registry = Scenario.fraudRegistry(dir);
    Path classes = It.classes(dir.resolve("classes"), OrtLoopApp.class);
    Path cache = dir.resolve("cache");

    assertThat(run(java, registry, classes, cache)).satisfiesAnyOf(l -> assertThat(l).contains("woven at start-up"), l -> assertThat(l).contains("woven with Byte Buddy"));
    Path entry = single(cache);
    byte[] stored = Files.readAllBytes(entry);

    assertThat(run(java, registry, classes, cache)).contains("woven by an earlier start");
    assertThat(Files.readAllBytes(entry)).isEqualTo(stored);

    byte[] damaged = stored.clone();
    damaged[damaged.length / 2] ^= 0x5a;
    Files.write(entry, damaged);
    assertThat(run(java, registry, classes, cache)).doesNotContain("earlier start");
    assertThat(single(cache)).isEqualTo(entry);
    assertThat(Files.readAllBytes(entry)).as("the damaged entry is replaced by a good one").isEqualTo(stored);
  }

  /** Runs the application once with ONNX Runtime 1.20.0; returns the agent's line on how OrtSession was woven. */
  private String run(It.Named java, Path registry, Path classes, Path cache) {
    try (ForkedJvm app =
        Scenario.on(It.java(java))
            .setting("registry=" + registry)
            .setting("debug=true")
            .setting("instrument.cache=" + cache)
            .setting("prometheus.enabled=false")
            .classPath(It.classPath(classes, It.lib("other", "onnxruntime-1.20.0")))
            .main(OrtLoopApp.class.getName(), TestData.model("mlp16.onnx").toString(), "1", "0")
            .start(dir)) {
      app.completes();
      assertThat(app.stdout()).contains("calls done: 1").contains("bye");
      assertThat(app.errorLines("[fathom-agent] WARN")).as(app.describe()).isEmpty();
      List<String> woven = app.errorLines(WOVEN);
      assertThat(woven).as(app.describe()).hasSize(1);
      return woven.get(0);
    }
  }

  private static Path single(Path cache) {
    try (Stream<Path> files = Files.list(cache)) {
      List<Path> entries = files.toList();
      assertThat(entries).hasSize(1);
      assertThat(entries.get(0).getFileName().toString()).matches("OrtSession-[0-9a-f]{64}-[0-9a-f]{32}\\.woven");
      return entries.get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
