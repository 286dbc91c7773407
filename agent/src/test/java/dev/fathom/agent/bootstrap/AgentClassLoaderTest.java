package dev.fathom.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import dev.fathom.loadertest.Sample;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's class loader over a jar laid out like the real one: classes under {@code inst/} as
 * {@code .classdata}, a multi-release copy, a service file. It defines them, serves class files
 * and resources from there, shares only the JDK (and the bootstrap package) with the rest.
 */
class AgentClassLoaderTest {
  @TempDir Path dir;

  @Test
  void definesHiddenClassesAndServesTheirResources() throws Exception {
    Path jar = dir.resolve("agent.jar");
    byte[] sample = classBytes(Sample.class);
    String path = Sample.class.getName().replace('.', '/');
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest())) {
      entry(out, "inst/" + path + ".classdata", sample);
      entry(out, "inst/META-INF/versions/9/" + path + ".classdata", sample);
      entry(out, "inst/META-INF/services/java.lang.Runnable", (Sample.class.getName() + "\n").getBytes());
      entry(out, "inst/data/hello.txt", "hello".getBytes());
    }
    try (AgentClassLoader loader = new AgentClassLoader(jar.toFile(), ClassLoader.getPlatformClassLoader())) {
      Class<?> c = loader.loadClass(Sample.class.getName());
      assertThat(c.getClassLoader()).isSameAs(loader);
      assertThat(c).isNotSameAs(Sample.class);
      assertThat(c.getPackage().getImplementationVersion()).isEqualTo("9.9.9");
      assertThat(c.getDeclaredConstructor().newInstance().toString()).isEqualTo("sample");
      // Byte Buddy reads class files as resources: they map to .classdata
      try (InputStream in = loader.getResourceAsStream(path + ".class")) {
        assertThat(in.readAllBytes()).isEqualTo(sample);
      }
      URL url = loader.getResource("data/hello.txt");
      assertThat(url.toString()).startsWith("jar:").endsWith("!/inst/data/hello.txt");
      try (InputStream in = url.openStream()) {
        assertThat(new String(in.readAllBytes())).isEqualTo("hello");
      }
      assertThat(Collections.list(loader.getResources("META-INF/services/java.lang.Runnable"))).hasSize(1);
      // only the JDK is shared: the test class path is invisible
      assertThatThrownBy(() -> loader.loadClass(Test.class.getName())).isInstanceOf(ClassNotFoundException.class);
      assertThat(loader.loadClass(List.class.getName())).isSameAs(List.class);
      // the bootstrap package is shared with the loader that loaded the agent class loader
      assertThat(loader.loadClass(FathomBridge.class.getName())).isSameAs(FathomBridge.class);
    }
  }

  private static Manifest manifest() {
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().putValue("Implementation-Title", "Fathom");
    m.getMainAttributes().putValue("Implementation-Version", "9.9.9");
    return m;
  }

  private static void entry(OutputStream stream, String name, byte[] bytes) throws IOException {
    JarOutputStream out = (JarOutputStream) stream;
    out.putNextEntry(new JarEntry(name));
    out.write(bytes);
    out.closeEntry();
  }

  private static byte[] classBytes(Class<?> c) throws IOException {
    try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
      return in.readAllBytes();
    }
  }
}
