package dev.fathom.agent.it;

import dev.fathom.testing.TestRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the command line of a forked test application: the Java binary, JVM options, the agent
 * flag with its settings, the class path, the main class and its arguments. Not thread-safe.
 */
final class Scenario {
  private final String java;
  private final List<String> jvm = new ArrayList<>();
  private final List<String> agentSettings = new ArrayList<>();
  private boolean agent = true;
  private String classPath;
  private String main;
  private final List<String> args = new ArrayList<>();

  private Scenario(String java) {
    this.java = java;
  }

  static Scenario on(String java) {
    return new Scenario(java);
  }

  /** A registry with mlp16.onnx published as {@code fraud} (features f0..f15). */
  static Path fraudRegistry(Path dir) {
    TestRegistry registry = new TestRegistry(dir.resolve("models"));
    registry.publishMlp("fraud");
    return registry.root();
  }

  Scenario jvm(String... options) {
    jvm.addAll(List.of(options));
    return this;
  }

  Scenario setting(String keyValue) {
    agentSettings.add(keyValue);
    return this;
  }

  Scenario withoutAgent() {
    agent = false;
    return this;
  }

  Scenario classPath(String path) {
    this.classPath = path;
    return this;
  }

  Scenario main(String mainClass, String... arguments) {
    this.main = mainClass;
    args.addAll(List.of(arguments));
    return this;
  }

  /** {@code -jar JAR} instead of a class path and main class. */
  Scenario jar(Path jar, String... arguments) {
    this.main = null;
    this.classPath = jar.toString();
    args.addAll(List.of(arguments));
    return this;
  }

  List<String> command() {
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(jvm);
    if (agent) {
      List<String> settings = new ArrayList<>(agentSettings);
      if (settings.stream().noneMatch(s -> s.startsWith("instrument.cache="))) {
        // woven classes of other ONNX Runtime versions stay in the test's directory, not the user's cache
        settings.add("instrument.cache=agent-cache");
      }
      command.add("-javaagent:" + It.agentJar() + "=" + String.join(",", settings));
    }
    if (main == null) {
      command.add("-jar");
      command.add(classPath);
    } else {
      command.add("-cp");
      command.add(classPath);
      command.add(main);
    }
    command.addAll(args);
    return command;
  }

  ForkedJvm start(Path workingDirectory) {
    return ForkedJvm.start(workingDirectory, command());
  }
}
