package dev.fathom.bench;

import ai.djl.engine.Engine;
import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Prints, as one JSON object, the versions the suite actually runs on (read from the libraries at
 * run time, not from the build): ONNX Runtime's native library, DJL, JMH, Fathom and the JVM. The
 * report generator records them next to the results. Run: {@code java -cp benchmarks.jar
 * dev.fathom.bench.Versions}.
 */
public final class Versions {
  private Versions() {}

  public static void main(String[] args) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("onnxruntime", OrtEnvironment.getEnvironment().getVersion());
    v.put("djl", Engine.getDjlVersion());
    v.put("jmh", mavenVersion("org.openjdk.jmh", "jmh-core"));
    v.put("fathom", mavenVersion("dev.fathom", "fathom-runtime"));
    v.put("opentelemetry", String.valueOf(io.opentelemetry.sdk.resources.Resource.getDefault()
        .getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey("telemetry.sdk.version"))));
    v.put("java", System.getProperty("java.runtime.version"));
    v.put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
    v.put("vendor", System.getProperty("java.vendor"));
    StringBuilder json = new StringBuilder("{");
    for (Map.Entry<String, String> e : v.entrySet()) {
      if (json.length() > 1) {
        json.append(", ");
      }
      json.append('"').append(e.getKey()).append("\": \"").append(e.getValue().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    System.out.println(json.append('}'));
  }

  /** The version in a shaded artifact's {@code pom.properties}, or "unknown". */
  private static String mavenVersion(String group, String artifact) {
    try (InputStream in = Versions.class.getResourceAsStream("/META-INF/maven/" + group + "/" + artifact + "/pom.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
