package dev.fathom.agent.it.apps;

import dev.fathom.agent.bootstrap.AgentClassLoader;
import java.io.File;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * Weaves ONNX Runtime's {@code OrtSession} with the packaged agent's own classes (its Byte Buddy,
 * relocated, in its class loader, as the running agent does) and compares the result with what
 * the build stored in the agent jar under {@code inst/woven/}. Prints {@code identical <sha256>},
 * {@code different <sha256>} or {@code missing <sha256>}. Arguments: the agent jar, an ONNX
 * Runtime jar.
 */
public final class WeaveCheck {
  private WeaveCheck() {}

  public static void main(String[] args) throws Exception {
    File agentJar = new File(args[0]);
    File ortJar = new File(args[1]);
    byte[] original;
    try (JarFile ort = new JarFile(ortJar)) {
      try (InputStream in = ort.getInputStream(ort.getEntry("ai/onnxruntime/OrtSession.class"))) {
        original = in.readAllBytes();
      }
    }
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(original));
    byte[] stored;
    try (JarFile agent = new JarFile(agentJar)) {
      ZipEntry entry = agent.getEntry("inst/woven/ai/onnxruntime/OrtSession/" + sha256 + ".classdata");
      if (entry == null) {
        System.out.println("missing " + sha256);
        return;
      }
      try (InputStream in = agent.getInputStream(entry)) {
        stored = in.readAllBytes();
      }
    }
    try (AgentClassLoader loader = new AgentClassLoader(agentJar, ClassLoader.getPlatformClassLoader());
        URLClassLoader resolver = new URLClassLoader(new URL[] {ortJar.toURI().toURL()}, null)) {
      Class<?> weaver = Class.forName("dev.fathom.agent.instrument.Weaver", true, loader);
      byte[] woven = (byte[]) weaver.getMethod("weaveOnnxRuntime", String.class, byte[].class, ClassLoader.class).invoke(null, "ai/onnxruntime/OrtSession", original, resolver);
      System.out.println((Arrays.equals(woven, stored) ? "identical " : "different ") + sha256 + " on Java " + Runtime.version().feature());
    }
  }
}
