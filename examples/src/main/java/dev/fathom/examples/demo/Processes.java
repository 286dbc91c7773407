package dev.fathom.examples.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the demo's child processes: the {@code fathom} command line and the scoring services. */
final class Processes {
  private Processes() {}

  /** The {@code java} of the running JVM. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Runs {@code java -jar fathom-agent.jar <args>}, echoing its output indented; fails on a non-zero exit. */
  static void fathom(Workspace ws, PrintStream out, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(java(), "-jar", ws.agentJar().toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(ws.root().toFile()).redirectErrorStream(true).start();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        out.println("    | " + line);
      }
    }
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("fathom " + String.join(" ", args) + " failed");
    }
  }

  /**
   * Starts a scoring service with the agent attached; its output goes to {@code log}.
   *
   * @param agentOptions the agent's {@code key=value,...} options
   */
  static Process scoringService(Workspace ws, String agentOptions, int port, Path log) throws IOException {
    List<String> command =
        List.of(
            java(),
            "-javaagent:" + ws.agentJar() + "=" + agentOptions,
            "-cp",
            ws.examplesJar().toString(),
            "dev.fathom.examples.service.ScoringService",
            "--port",
            Integer.toString(port));
    return new ProcessBuilder(command).directory(ws.root().toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  static void stop(Process p) throws InterruptedException {
    if (p != null && p.isAlive()) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }
}
