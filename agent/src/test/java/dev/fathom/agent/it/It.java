package dev.fathom.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * What the agent's integration tests share: the agent jar this build packaged, the Java runtimes
 * to fork (Java 17 and the newest JDK on the machine), the libraries the test applications put on
 * their class paths, free ports, and reading the agent's Prometheus endpoint. Stateless.
 */
final class It {
  private It() {}

  static Path agentJar() {
    Path jar = Path.of(required("fathom.agent.jar"));
    assertThat(jar).as("failsafe passes the agent jar this build packaged").isRegularFile();
    return jar;
  }

  /** A library copied for the tests by maven-dependency-plugin: {@code runtime/} or {@code other/}. */
  static Path lib(String group, String prefix) {
    Path dir = Path.of(required("fathom.it.libs")).resolve(group);
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError("no " + prefix + "* in " + dir));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every jar of a group whose name does not start with one of {@code except}. */
  static List<Path> libs(String group, String... except) {
    Path dir = Path.of(required("fathom.it.libs")).resolve(group);
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> {
            for (String prefix : except) {
              if (f.getFileName().toString().startsWith(prefix)) {
                return false;
              }
            }
            return f.toString().endsWith(".jar");
          })
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The Java runtimes every scenario runs on. */
  static Stream<Arguments> javas() {
    return Stream.of(Arguments.of(Named.java("17", required("fathom.it.java17"))), Arguments.of(Named.java("newest", required("fathom.it.javaNewest"))));
  }

  /** A Java binary for a scenario; skips the scenario with a message if that JDK is absent. */
  static String java(Named java) {
    assumeTrue(Files.isExecutable(Path.of(java.path())), "no JDK at " + java.path() + ": the " + java.name() + " run is skipped");
    return java.path();
  }

  /** A Java runtime to fork, shown by name in test reports. */
  record Named(String name, String path) {
    static Named java(String name, String path) {
      return new Named(name, path);
    }

    @Override
    public String toString() {
      return "java " + name;
    }
  }

  /** Copies test application classes (with their nested classes) into a class directory. */
  static Path classes(Path dir, Class<?>... apps) {
    try {
      for (Class<?> app : apps) {
        String base = app.getName().replace('.', '/');
        Path source = Path.of(app.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path folder = source.resolve(base).getParent();
        try (Stream<Path> files = Files.list(folder)) {
          for (Path f : files.toList()) {
            String name = f.getFileName().toString();
            if (name.equals(app.getSimpleName() + ".class") || name.startsWith(app.getSimpleName() + "$")) {
              Path target = dir.resolve(base).resolveSibling(name);
              Files.createDirectories(target.getParent());
              Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
          }
        }
      }
      return dir;
    } catch (IOException | java.net.URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  static String classPath(Path... entries) {
    List<String> parts = new ArrayList<>();
    for (Path p : entries) {
      parts.add(p.toString());
    }
    return String.join(File.pathSeparator, parts);
  }

  static String classPath(List<Path> entries) {
    return classPath(entries.toArray(new Path[0]));
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The Prometheus text the agent serves on {@code port}, or null while it is not up. */
  static String scrape(int port) {
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      HttpResponse<String> response =
          client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Scrapes until {@code ready} holds for the text (the agent records asynchronously), at most 60
   * s; returns the last text.
   */
  static String scrapeUntil(int port, Predicate<String> ready, ForkedJvm app) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String text = null;
    while (System.nanoTime() < deadline) {
      text = scrape(port);
      if (text != null && ready.test(text)) {
        return text;
      }
      ForkedJvm.sleep(200);
    }
    throw new AssertionError("the metrics on port " + port + " never got ready; last scrape:\n" + text + "\n" + app.describe());
  }

  /**
   * The value of the sample {@code name} whose labels include every {@code label="value"} given,
   * summed over the samples that match; NaN when none does.
   */
  static double value(String text, String name, String... labels) {
    double sum = 0;
    boolean found = false;
    Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})?\\s+(\\S+)");
    for (String l : text.split("\n")) {
      Matcher m = line.matcher(l);
      if (!m.find()) {
        continue;
      }
      String set = m.group(1) == null ? "" : m.group(1);
      boolean all = true;
      for (String label : labels) {
        if (!set.contains(label)) {
          all = false;
          break;
        }
      }
      if (all) {
        sum += Double.parseDouble(m.group(2));
        found = true;
      }
    }
    return found ? sum : Double.NaN;
  }

  /** Reads a class path resource of this test tree. */
  static byte[] resource(String name) {
    try (InputStream in = It.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new AssertionError("no resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    assertThat(value).as("system property %s (set by failsafe)", property).isNotNull();
    return value;
  }
}
