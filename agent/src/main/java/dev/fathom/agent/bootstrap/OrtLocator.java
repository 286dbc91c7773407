package dev.fathom.agent.bootstrap;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Finds the application's own ONNX Runtime, so the agent runs the same version: a JVM can hold
 * only one ONNX Runtime version (a second, different one fails to link against the native library
 * already loaded), and both sides loading the same version's jar works. Looks on {@code
 * java.class.path} for a jar with {@code ai/onnxruntime/OnnxRuntime.class}, and inside a Spring
 * Boot executable jar for {@code BOOT-INF/lib/onnxruntime*.jar} (extracted to a temporary file). JDK
 * only; stateless.
 */
public final class OrtLocator {
  static final String MARKER = "ai/onnxruntime/OnnxRuntime.class";

  private OrtLocator() {}

  /**
   * Where ONNX Runtime comes from.
   *
   * @param jar the application's ONNX Runtime jar, or null for the bundled copy
   * @param url the jar's URL, or null
   * @param version its {@code Implementation-Version}, or null when unknown
   * @param description for log lines: {@code the application's ONNX Runtime 1.20.0 (/app/lib/...)}
   * @param problem why the application's ONNX Runtime cannot be used (it exists but could not be
   *     opened), or null
   */
  public record Location(JarFile jar, URL url, String version, String description, String problem) {
    public boolean bundled() {
      return jar == null;
    }
  }

  /** Looks at this JVM's class path; never throws. */
  public static Location locate() {
    return locate(System.getProperty("java.class.path", ""));
  }

  static Location locate(String classPath) {
    for (String element : classPath.split(File.pathSeparator)) {
      if (element.isBlank()) {
        continue;
      }
      File file = new File(element);
      if (file.isDirectory()) {
        if (new File(file, MARKER).isFile()) {
          return new Location(null, null, null, "the bundled ONNX Runtime", "the application's ONNX Runtime classes are in the directory " + file + ", which the agent cannot share; it uses its own copy");
        }
        continue;
      }
      if (!file.isFile()) {
        continue;
      }
      Location found = inJar(file);
      if (found != null) {
        return found;
      }
    }
    return new Location(null, null, null, "the bundled ONNX Runtime", null);
  }

  private static Location inJar(File file) {
    try (ZipFile zip = new ZipFile(file)) {
      if (zip.getEntry(MARKER) != null) {
        return open(file, file.getName(), "");
      }
      for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
        ZipEntry entry = entries.nextElement();
        String name = entry.getName();
        if (name.startsWith("BOOT-INF/lib/onnxruntime") && name.endsWith(".jar")) {
          Path extracted;
          try {
            extracted = Files.createTempFile("fathom-agent-", "-" + name.substring("BOOT-INF/lib/".length()));
            extracted.toFile().deleteOnExit();
            try (InputStream in = zip.getInputStream(entry)) {
              Files.copy(in, extracted, StandardCopyOption.REPLACE_EXISTING);
            }
          } catch (IOException e) {
            return new Location(null, null, null, "the bundled ONNX Runtime", "cannot extract " + name + " from " + file + ": " + AgentLog.reason(e));
          }
          Location nested = open(extracted.toFile(), name.substring("BOOT-INF/lib/".length()), " in " + file);
          if (nested.jar() != null && nested.jar().getEntry(MARKER) != null) {
            return nested;
          }
        }
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  private static Location open(File file, String displayName, String where) {
    try {
      JarFile jar = new JarFile(file, false);
      String version = version(jar);
      String description = "the application's ONNX Runtime " + (version == null ? "(version unknown)" : version) + " (" + displayName + where + ")";
      return new Location(jar, file.toURI().toURL(), version, description, null);
    } catch (IOException e) {
      return new Location(null, null, null, "the bundled ONNX Runtime", "cannot open " + file + where + ": " + AgentLog.reason(e));
    }
  }

  private static String version(JarFile jar) throws IOException {
    Manifest manifest = jar.getManifest();
    return manifest == null ? null : manifest.getMainAttributes().getValue("Implementation-Version");
  }
}
