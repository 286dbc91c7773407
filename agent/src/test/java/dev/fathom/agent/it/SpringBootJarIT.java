package dev.fathom.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fathom.agent.it.apps.OrtLoopApp;
import dev.fathom.testing.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Spring Boot executable jar (the Boot loader at the root, the application under {@code
 * BOOT-INF/classes}, ONNX Runtime as a nested, stored jar under {@code BOOT-INF/lib}), assembled
 * here without the Boot plugin: the agent finds the nested ONNX Runtime, serves with it, and
 * monitors the application's calls.
 */
class SpringBootJarIT {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.fathom.agent.it.It#javas")
  void bootJarWithNestedOnnxRuntimeIsMonitored(It.Named java) {
    Path registry = Scenario.fraudRegistry(dir);
    Path jar = bootJar(dir.resolve("service.jar"));
    int port = It.freePort();
    try (ForkedJvm app =
        Scenario.on(It.java(java))
            .setting("registry=" + registry)
            .setting("models=fraud")
            .setting("prometheus.port=" + port)
            .jar(jar, TestData.model("mlp16.onnx").toString(), Integer.toString(OnnxRuntimeAppIT.CALLS), "10")
            .start(dir)) {
      app.awaitOutput(l -> l.startsWith("calls done: " + OnnxRuntimeAppIT.CALLS), "'calls done'");
      String metrics = It.scrapeUntil(port, t -> It.value(t, OnnxRuntimeAppIT.COUNT, OnnxRuntimeAppIT.FRAUD) > 0, app);
      assertThat(It.value(metrics, OnnxRuntimeAppIT.COUNT, OnnxRuntimeAppIT.FRAUD)).isBetween(1.0, (double) OnnxRuntimeAppIT.CALLS);
      app.completes();
      assertThat(app.stdout()).contains("session created").contains("bye");
      assertThat(app.errorLines("[fathom-agent] INFO started"))
          .as(app.describe())
          .singleElement()
          .asString()
          .contains("the application's ONNX Runtime 1.24.2 (onnxruntime-1.24.2.jar in " + jar + ")")
          .contains("1 of 1 models preloaded");
    }
  }

  /** Boot's layout: loader classes at the root, Start-Class in BOOT-INF/classes, stored nested jars. */
  private Path bootJar(Path target) {
    Path classes = It.classes(dir.resolve("boot-classes"), OrtLoopApp.class);
    Manifest manifest = new Manifest();
    Attributes main = manifest.getMainAttributes();
    main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    main.put(Attributes.Name.MAIN_CLASS, "org.springframework.boot.loader.launch.JarLauncher");
    main.putValue("Start-Class", OrtLoopApp.class.getName());
    main.putValue("Spring-Boot-Classes", "BOOT-INF/classes/");
    main.putValue("Spring-Boot-Lib", "BOOT-INF/lib/");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target), manifest);
        JarFile loader = new JarFile(It.lib("other", "spring-boot-loader-").toFile())) {
      for (Enumeration<JarEntry> entries = loader.entries(); entries.hasMoreElements(); ) {
        JarEntry e = entries.nextElement();
        if (e.getName().startsWith("META-INF/")) {
          continue;
        }
        out.putNextEntry(new JarEntry(e.getName()));
        try (InputStream in = loader.getInputStream(e)) {
          in.transferTo(out);
        }
        out.closeEntry();
      }
      // Boot's launcher finds BOOT-INF/classes/ and BOOT-INF/lib/ by their directory entries
      try (Stream<Path> files = Files.walk(classes)) {
        for (Path f : files.sorted().toList()) {
          String name = "BOOT-INF/classes/" + classes.relativize(f).toString().replace('\\', '/');
          if (Files.isDirectory(f)) {
            out.putNextEntry(new JarEntry(name.endsWith("/") ? name : name + "/"));
          } else {
            out.putNextEntry(new JarEntry(name));
            Files.copy(f, out);
          }
          out.closeEntry();
        }
      }
      out.putNextEntry(new JarEntry("BOOT-INF/lib/"));
      out.closeEntry();
      Path ort = It.lib("runtime", "onnxruntime-");
      stored(out, "BOOT-INF/lib/" + ort.getFileName(), Files.readAllBytes(ort));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return target;
  }

  private static void stored(OutputStream stream, String name, byte[] bytes) throws IOException {
    JarOutputStream out = (JarOutputStream) stream;
    JarEntry entry = new JarEntry(name);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(bytes.length);
    entry.setCompressedSize(bytes.length);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    entry.setCrc(crc.getValue());
    out.putNextEntry(entry);
    out.write(bytes);
    out.closeEntry();
  }
}
