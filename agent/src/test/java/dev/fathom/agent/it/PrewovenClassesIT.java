package dev.fathom.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fathom.agent.it.apps.WeaveCheck;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code OrtSession} the build wove for the bundled ONNX Runtime version (which the agent hands
 * out by hash instead of loading Byte Buddy) is byte for byte what the packaged agent's own weaving
 * produces at run time, on each Java version the agent supports.
 */
class PrewovenClassesIT {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.fathom.agent.it.It#javas")
  void wovenByTheBuildEqualsWovenAtRunTime(It.Named java) {
    Path classes = It.classes(dir.resolve("classes"), WeaveCheck.class);
    try (ForkedJvm check =
        Scenario.on(It.java(java))
            .withoutAgent()
            .classPath(It.classPath(classes, It.agentJar()))
            .main(WeaveCheck.class.getName(), It.agentJar().toString(), It.lib("runtime", "onnxruntime-").toString())
            .start(dir)) {
      check.completes();
      assertThat(check.stdout()).as(check.describe()).startsWith("identical ");
    }
  }
}
