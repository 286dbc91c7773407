import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Second packaging step of the Fathom agent jar (the first is maven-shade): keeps the JDK-only
 * bootstrap package ({@code dev/fathom/agent/bootstrap/}) and the manifest and legal files at the
 * root, and moves every other entry under {@code inst/}, renaming {@code .class} to {@code
 * .classdata}. No application class loader can then see a bundled class; the agent's own {@code
 * AgentClassLoader} defines them from there.
 *
 * <p>Reproducible: entries are written in sorted order (the manifest first) with one fixed time.
 * Run as a source file: {@code java Repackage.java <jar> <ISO-8601 timestamp>}; the jar is replaced
 * in place.
 */
public final class Repackage {
  static final String BOOTSTRAP = "dev/fathom/agent/bootstrap/";
  static final String INST = "inst/";

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: java Repackage.java <jar> <timestamp>");
      System.exit(2);
    }
    Path jar = Path.of(args[0]);
    FileTime time = FileTime.from(Instant.parse(args[1]));
    Path out = jar.resolveSibling(jar.getFileName() + ".repackaged");
    int moved = 0;
    try (ZipFile in = new ZipFile(jar.toFile())) {
      if (in.getEntry(INST) != null) {
        throw new IllegalStateException(jar + " is already repackaged (has " + INST + ")");
      }
      TreeMap<String, ZipEntry> targets = new TreeMap<>();
      for (var entries = in.entries(); entries.hasMoreElements(); ) {
        ZipEntry e = entries.nextElement();
        if (e.isDirectory()) {
          continue;
        }
        String target = target(e.getName());
        if (targets.put(target, e) != null) {
          throw new IllegalStateException("two entries map to " + target);
        }
        if (target.startsWith(INST)) {
          moved++;
        }
      }
      try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
        Set<String> directories = new TreeSet<>();
        List<String> order = new ArrayList<>();
        order.add("META-INF/MANIFEST.MF");
        for (String name : targets.keySet()) {
          if (!name.equals("META-INF/MANIFEST.MF")) {
            order.add(name);
          }
        }
        for (String name : order) {
          ZipEntry source = targets.get(name);
          if (source == null) {
            throw new IllegalStateException("no META-INF/MANIFEST.MF in " + jar);
          }
          for (int slash = name.indexOf('/'); slash >= 0; slash = name.indexOf('/', slash + 1)) {
            String dir = name.substring(0, slash + 1);
            if (directories.add(dir)) {
              ZipEntry d = new ZipEntry(dir);
              d.setLastModifiedTime(time);
              zip.putNextEntry(d);
              zip.closeEntry();
            }
          }
          ZipEntry entry = new ZipEntry(name);
          entry.setLastModifiedTime(time);
          zip.putNextEntry(entry);
          try (InputStream data = in.getInputStream(source)) {
            copy(data, zip);
          }
          zip.closeEntry();
        }
      }
    }
    Files.move(out, jar, StandardCopyOption.REPLACE_EXISTING);
    System.out.println("Repackage: " + moved + " entries of " + jar.getFileName() + " moved under " + INST + " (" + Files.size(jar) / 1024 + " KiB)");
  }

  /** Where an entry of the shaded jar goes. */
  static String target(String name) {
    if (name.startsWith(BOOTSTRAP) || name.equals("META-INF/MANIFEST.MF") || isLegal(name)) {
      return name;
    }
    return INST + (name.endsWith(".class") ? name.substring(0, name.length() - ".class".length()) + ".classdata" : name);
  }

  /** License and notice texts stay readable at the root. */
  private static boolean isLegal(String name) {
    if (!name.startsWith("META-INF/") || name.indexOf('/', "META-INF/".length()) >= 0) {
      return false;
    }
    String file = name.substring("META-INF/".length()).toUpperCase(java.util.Locale.ROOT);
    return file.startsWith("LICENSE") || file.startsWith("NOTICE");
  }

  private static void copy(InputStream in, OutputStream out) throws IOException {
    byte[] buffer = new byte[1 << 16];
    for (int n; (n = in.read(buffer)) > 0; ) {
      out.write(buffer, 0, n);
    }
  }

  private Repackage() {}
}
