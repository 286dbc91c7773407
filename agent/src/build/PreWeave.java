import dev.fathom.agent.instrument.Weaver;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Packaging step between maven-shade and {@code Repackage.java}: weaves the ONNX Runtime classes the
 * agent instruments, as bundled in the shaded jar, with the agent's own {@link Weaver} (the very
 * classes of that jar, relocated Byte Buddy included, so the result is what the running agent would
 * produce) and writes each to {@code <out>/<internal name>/<sha256 of the original>.class}, with
 * the original beside it ({@code .original}) and an {@code index} of the originals' sha256. The
 * repackaging stores them under {@code inst/woven/}, where the agent finds them by hash instead of
 * loading Byte Buddy. Fails the build if a class cannot be woven completely.
 *
 * <p>Run as a source file with the shaded jar on the class path: {@code java -cp <jar>
 * PreWeave.java <jar> <out>}; {@code <out>} is emptied first. Deterministic: the same jar gives
 * the same files.
 */
public final class PreWeave {
  public static void main(String[] args) throws IOException, NoSuchAlgorithmException {
    if (args.length != 2) {
      System.err.println("usage: java -cp <jar> PreWeave.java <jar> <out>");
      System.exit(2);
    }
    Path jar = Path.of(args[0]);
    Path out = Path.of(args[1]);
    clear(out);
    try (ZipFile zip = new ZipFile(jar.toFile());
        URLClassLoader resolver = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      for (String internalName : new TreeSet<>(Weaver.ONNX_RUNTIME_CLASSES)) {
        ZipEntry entry = zip.getEntry(internalName + ".class");
        if (entry == null) {
          throw new IllegalStateException(jar + " has no " + internalName + ".class to weave");
        }
        byte[] original;
        try (InputStream in = zip.getInputStream(entry)) {
          original = in.readAllBytes();
        }
        byte[] woven = Weaver.weaveOnnxRuntime(internalName, original, resolver);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(original));
        Path dir = out.resolve(internalName);
        Files.createDirectories(dir);
        Files.write(dir.resolve(sha256 + ".class"), woven);
        // the original beside it and an index of the originals, so the agent recognizes these bytes without hashing
        Files.write(dir.resolve(sha256 + ".original"), original);
        Files.writeString(dir.resolve("index"), sha256 + "\n", StandardCharsets.US_ASCII);
        System.out.println("PreWeave: " + internalName + " (" + sha256.substring(0, 12) + "...) woven, " + original.length + " -> " + woven.length + " bytes");
      }
    }
  }

  private static void clear(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private PreWeave() {}
}
