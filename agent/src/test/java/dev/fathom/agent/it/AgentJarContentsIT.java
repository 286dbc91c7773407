package dev.fathom.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The packaged agent jar shows the application nothing but its JDK-only bootstrap package: every
 * bundled class is relocated under {@code dev.fathom.shaded} (or is Fathom's own, or ONNX Runtime,
 * which cannot be) and stored under {@code inst/} as {@code .classdata}.
 */
class AgentJarContentsIT {
  /** What may be at the root besides directories: the bootstrap package, the manifest, legal texts. */
  @Test
  void onlyTheBootstrapPackageIsVisible() throws IOException {
    List<String> outside = new ArrayList<>();
    Set<String> instTop = new TreeSet<>();
    List<String> bootstrapClasses = new ArrayList<>();
    try (JarFile jar = new JarFile(It.agentJar().toFile())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Premain-Class")).isEqualTo("dev.fathom.agent.bootstrap.AgentEntry");
      assertThat(jar.getManifest().getMainAttributes().getValue("Agent-Class")).isEqualTo("dev.fathom.agent.bootstrap.AgentEntry");
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("dev.fathom.agent.bootstrap.CliLauncher");
      assertThat(jar.getManifest().getMainAttributes().getValue("Can-Retransform-Classes")).isEqualTo("true");
      for (Enumeration<? extends ZipEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
        ZipEntry e = entries.nextElement();
        String name = e.getName();
        if (name.startsWith("inst/")) {
          String rest = name.substring("inst/".length());
          if (!rest.isEmpty()) {
            instTop.add(rest.contains("/") ? rest.substring(0, rest.indexOf('/') + 1) : rest);
          }
          assertThat(name).as("classes under inst/ are .classdata").doesNotEndWith(".class");
          assertThat(name).doesNotContain(".dSYM/").doesNotStartWith("inst/com/google/protobuf/");
          continue;
        }
        if (name.startsWith("dev/fathom/agent/bootstrap/")) {
          if (name.endsWith(".class")) {
            bootstrapClasses.add(name);
            assertReferencesOnlyTheJdk(jar, e);
          }
          continue;
        }
        if (e.isDirectory() && "dev/fathom/agent/bootstrap/".startsWith(name)) {
          continue;
        }
        if (name.equals("META-INF/") || name.equals("META-INF/MANIFEST.MF") || name.matches("META-INF/(LICENSE|NOTICE)[^/]*")) {
          continue;
        }
        outside.add(name);
      }
    }
    assertThat(outside).as("entries outside the bootstrap package, inst/ and META-INF").isEmpty();
    assertThat(bootstrapClasses).contains("dev/fathom/agent/bootstrap/FathomBridge.class", "dev/fathom/agent/bootstrap/AgentClassLoader.class");
    // everything bundled is Fathom's own, relocated (dev/fathom/shaded), or ONNX Runtime with its notices
    // and the bundled ONNX Runtime's classes as the agent weaves them (woven/)
    assertThat(instTop).containsExactlyInAnyOrder("META-INF/", "ai/", "dev/", "woven/", "GIT_COMMIT_ID", "Privacy.md", "ThirdPartyNotices.txt");
    try (JarFile jar = new JarFile(It.agentJar().toFile())) {
      for (String relocated : new String[] {"io/opentelemetry/", "com/fasterxml/jackson/", "com/github/benmanes/caffeine/", "net/bytebuddy/", "picocli/", "org/HdrHistogram/", "io/prometheus/"}) {
        assertThat(jar.getEntry("inst/dev/fathom/shaded/" + relocated)).as("relocated %s", relocated).isNotNull();
      }
    }
    System.out.printf("agent jar: %s, %.1f MiB%n", It.agentJar(), Files.size(It.agentJar()) / 1048576.0);
  }

  /**
   * The bundled ONNX Runtime's {@code OrtSession}, woven, keyed by the sha256 of the original (as
   * Maven Central serves it), and the build id that keys the cache of other versions.
   */
  @Test
  void carriesTheBundledOrtSessionWovenAndABuildId() throws Exception {
    byte[] original;
    try (JarFile ort = new JarFile(It.lib("runtime", "onnxruntime-").toFile())) {
      try (InputStream in = ort.getInputStream(ort.getEntry("ai/onnxruntime/OrtSession.class"))) {
        original = in.readAllBytes();
      }
    }
    String sha256 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(original));
    List<String> woven = new ArrayList<>();
    try (JarFile jar = new JarFile(It.agentJar().toFile())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Fathom-Build-Id")).matches("[0-9a-f]{32}");
      for (Enumeration<? extends ZipEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
        String name = entries.nextElement().getName();
        if (name.startsWith("inst/woven/") && !name.endsWith("/")) {
          woven.add(name);
        }
      }
    }
    String dir = "inst/woven/ai/onnxruntime/OrtSession/";
    assertThat(woven).containsExactlyInAnyOrder(dir + sha256 + ".classdata", dir + sha256 + ".original", dir + "index");
    try (JarFile jar = new JarFile(It.agentJar().toFile())) {
      try (InputStream in = jar.getInputStream(jar.getEntry(dir + sha256 + ".original"))) {
        assertThat(in.readAllBytes()).as("the original it wove, to recognize it by").isEqualTo(original);
      }
      try (InputStream in = jar.getInputStream(jar.getEntry(dir + "index"))) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo(sha256 + "\n");
      }
    }
  }

  /** A bootstrap class names no type outside the JDK and its own package in its constant pool. */
  private static void assertReferencesOnlyTheJdk(JarFile jar, ZipEntry entry) throws IOException {
    String text;
    try (InputStream in = jar.getInputStream(entry)) {
      text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
    for (int i = text.indexOf("dev/fathom/"); i >= 0; i = text.indexOf("dev/fathom/", i + 1)) {
      assertThat(text.startsWith("dev/fathom/agent/bootstrap/", i)).as("%s refers to %s", entry.getName(), text.substring(i, Math.min(text.length(), i + 60))).isTrue();
    }
    for (String foreign : new String[] {"net/bytebuddy", "io/opentelemetry", "com/fasterxml", "ai/onnxruntime/Ort", "ai/onnxruntime/OnnxTensor"}) {
      assertThat(text).as("%s refers to %s", entry.getName(), foreign).doesNotContain(foreign);
    }
  }
}
