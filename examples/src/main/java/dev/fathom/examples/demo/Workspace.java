package dev.fathom.examples.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where the demo works and what it runs: its scratch directory (data, trained models, the
 * registry), the agent jar (also the {@code fathom} command line) and the examples jar.
 */
record Workspace(Path root, Path registry, Path agentJar, Path examplesJar) {
  /** Finds the jars next to the build that runs this code, and resets the scratch directory. */
  static Workspace prepare(Path root) throws IOException {
    Path examplesJar = ownJar();
    Path agentJar = locateAgentJar(examplesJar);
    if (Files.exists(root)) {
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(root);
    return new Workspace(root.toAbsolutePath(), root.toAbsolutePath().resolve("models"), agentJar, examplesJar);
  }

  Path file(String name) {
    return root.resolve(name);
  }

  /** {@code -Dfathom.examples.jar}, else the jar this class is loaded from. */
  private static Path ownJar() {
    String configured = System.getProperty("fathom.examples.jar");
    if (configured != null) {
      return Path.of(configured).toAbsolutePath();
    }
    try {
      return Path.of(Workspace.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
    } catch (Exception e) {
      throw new IllegalStateException("cannot tell where the examples are loaded from", e);
    }
  }

  /** {@code -Dfathom.agent.jar}, else {@code agent/target/fathom-agent.jar} of the same checkout. */
  private static Path locateAgentJar(Path examplesJar) {
    String configured = System.getProperty("fathom.agent.jar");
    if (configured != null) {
      return Path.of(configured).toAbsolutePath();
    }
    for (Path dir = examplesJar.getParent(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("agent/target/fathom-agent.jar");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    Path fromWorkingDir = Path.of("agent/target/fathom-agent.jar").toAbsolutePath();
    if (Files.isRegularFile(fromWorkingDir)) {
      return fromWorkingDir;
    }
    throw new IllegalStateException("cannot find agent/target/fathom-agent.jar; build with 'mvn -q -DskipTests package' or pass -Dfathom.agent.jar=...");
  }
}
