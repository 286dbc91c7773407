package dev.fathom.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the application's ONNX Runtime: a plain jar, one nested in a Spring Boot jar, none. */
class OrtLocatorTest {
  @TempDir Path dir;

  @Test
  void findsAJarOnTheClassPathWithItsVersion() throws IOException {
    Path other = jar(dir.resolve("app.jar"), null, "com/acme/App.class");
    Path ort = jar(dir.resolve("onnxruntime-1.20.0.jar"), "1.20.0", OrtLocator.MARKER);
    OrtLocator.Location found = OrtLocator.locate(other + File.pathSeparator + ort);
    assertThat(found.bundled()).isFalse();
    assertThat(found.version()).isEqualTo("1.20.0");
    assertThat(found.description()).isEqualTo("the application's ONNX Runtime 1.20.0 (onnxruntime-1.20.0.jar)");
    assertThat(found.problem()).isNull();
    found.jar().close();
  }

  @Test
  void extractsOneNestedInASpringBootJar() throws IOException {
    Path ort = jar(dir.resolve("onnxruntime-1.24.2.jar"), "1.24.2", OrtLocator.MARKER);
    Path boot = dir.resolve("service.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(boot))) {
      out.putNextEntry(new JarEntry("BOOT-INF/classes/com/acme/App.class"));
      out.closeEntry();
      out.putNextEntry(new JarEntry("BOOT-INF/lib/onnxruntime-1.24.2.jar"));
      out.write(Files.readAllBytes(ort));
      out.closeEntry();
    }
    OrtLocator.Location found = OrtLocator.locate(boot.toString());
    assertThat(found.bundled()).isFalse();
    assertThat(found.description()).isEqualTo("the application's ONNX Runtime 1.24.2 (onnxruntime-1.24.2.jar in " + boot + ")");
    assertThat(found.jar().getEntry(OrtLocator.MARKER)).isNotNull();
    found.jar().close();
  }

  @Test
  void withoutOneTheBundledCopyIsUsed() throws IOException {
    Path other = jar(dir.resolve("app.jar"), null, "com/acme/App.class");
    OrtLocator.Location found = OrtLocator.locate(other + File.pathSeparator + dir.resolve("missing.jar") + File.pathSeparator + dir);
    assertThat(found.bundled()).isTrue();
    assertThat(found.problem()).isNull();
  }

  @Test
  void classesInADirectoryAreAProblemNotAGuess() throws IOException {
    Path classes = dir.resolve("classes");
    Files.createDirectories(classes.resolve("ai/onnxruntime"));
    Files.write(classes.resolve(OrtLocator.MARKER), new byte[0]);
    OrtLocator.Location found = OrtLocator.locate(classes.toString());
    assertThat(found.bundled()).isTrue();
    assertThat(found.problem()).contains("in the directory " + classes);
  }

  private static Path jar(Path path, String version, String entry) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (version != null) {
      manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
    }
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(path), manifest)) {
      out.putNextEntry(new JarEntry(entry));
      out.closeEntry();
    }
    return path;
  }
}
