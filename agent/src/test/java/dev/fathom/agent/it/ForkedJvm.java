package dev.fathom.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A test application in its own JVM: its standard output and error are collected as they come, a
 * test waits for a line, tells the application to finish by closing its standard input and checks
 * how it exited. Not thread-safe (one test drives it); the collectors are.
 */
final class ForkedJvm implements AutoCloseable {
  private static final Duration DEFAULT_WAIT = Duration.ofSeconds(90);

  private final Process process;
  private final List<String> command;
  private final Collector out;
  private final Collector err;

  private ForkedJvm(List<String> command, Path workingDirectory) throws IOException {
    this.command = List.copyOf(command);
    this.process = new ProcessBuilder(command).directory(workingDirectory.toFile()).start();
    this.out = new Collector(process.getInputStream(), "out");
    this.err = new Collector(process.getErrorStream(), "err");
  }

  static ForkedJvm start(Path workingDirectory, List<String> command) {
    try {
      return new ForkedJvm(command, workingDirectory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long pid() {
    return process.pid();
  }

  /** Waits for a standard output line matching {@code test}; fails with both streams if none comes. */
  String awaitOutput(Predicate<String> test, String what) {
    return await(out, test, what);
  }

  /** Waits for a standard error line matching {@code test}. */
  String awaitError(Predicate<String> test, String what) {
    return await(err, test, what);
  }

  private String await(Collector collector, Predicate<String> test, String what) {
    long deadline = System.nanoTime() + DEFAULT_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      String line = collector.find(test);
      if (line != null) {
        return line;
      }
      if (!process.isAlive() && collector.done()) {
        line = collector.find(test);
        if (line != null) {
          return line;
        }
        break;
      }
      sleep(50);
    }
    throw new AssertionError("no line " + what + " from " + String.join(" ", command) + "\n" + describe());
  }

  /** Closes standard input (the test applications finish then) and waits for the exit status. */
  int finish() {
    try {
      OutputStream stdin = process.getOutputStream();
      stdin.close();
      if (!process.waitFor(DEFAULT_WAIT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the application did not exit\n" + describe());
      }
      out.await();
      err.await();
      return process.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Runs to the end (standard input closed at once) and checks the exit status is 0. */
  ForkedJvm completes() {
    int status = finish();
    assertThat(status).as("exit status\n%s", describe()).isZero();
    return this;
  }

  String stdout() {
    return out.text();
  }

  String stderr() {
    return err.text();
  }

  /** Standard error lines containing {@code text}. */
  List<String> errorLines(String text) {
    List<String> lines = new ArrayList<>();
    for (String line : err.lines()) {
      if (line.contains(text)) {
        lines.add(line);
      }
    }
    return lines;
  }

  String describe() {
    return "--- stdout ---\n" + out.text() + "--- stderr ---\n" + err.text();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Reads one stream line by line on its own thread. */
  private static final class Collector extends Thread {
    private final InputStream stream;
    private final List<String> lines = new ArrayList<>();
    private volatile boolean done;

    Collector(InputStream stream, String name) {
      super("forked-jvm-" + name);
      this.stream = stream;
      setDaemon(true);
      start();
    }

    @Override
    public void run() {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        for (String line; (line = reader.readLine()) != null; ) {
          synchronized (lines) {
            lines.add(line);
          }
        }
      } catch (IOException e) {
        // the process ended
      } finally {
        done = true;
      }
    }

    boolean done() {
      return done;
    }

    String find(Predicate<String> test) {
      synchronized (lines) {
        for (String line : lines) {
          if (test.test(line)) {
            return line;
          }
        }
      }
      return null;
    }

    List<String> lines() {
      synchronized (lines) {
        return new ArrayList<>(lines);
      }
    }

    String text() {
      StringBuilder sb = new StringBuilder();
      for (String line : lines()) {
        sb.append(line).append('\n');
      }
      return sb.toString();
    }

    void await() throws InterruptedException {
      join(10_000);
    }
  }

  static Path write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
