import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.jar.Manifest;
import java.util.stream.Stream;
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
 * AgentClassLoader} defines them from there. Adds what {@code PreWeave.java} wrote (woven classes,
 * their originals, an index) under {@code inst/woven/}, and the build id ({@code Fathom-Build-Id}, a digest of every other entry) to
 * the manifest.
 *
 * <p>Reproducible: entries are written in sorted order (the manifest first) with one fixed time.
 * Run as a source file: {@code java Repackage.java <jar> <ISO-8601 timestamp> [<woven classes
 * directory>]}; the jar is replaced in place.
 */
public final class Repackage {
  static final String BOOTSTRAP = "dev/fathom/agent/bootstrap/";
  static final String INST = "inst/";
  static final String WOVEN = INST + "woven/";
  static final String MANIFEST = "META-INF/MANIFEST.MF";
  static final String BUILD_ID = "Fathom-Build-Id";

  public static void main(String[] args) throws IOException, NoSuchAlgorithmException {
    if (args.length != 2 && args.length != 3) {
      System.err.println("usage: java Repackage.java <jar> <timestamp> [<woven classes directory>]");
      System.exit(2);
    }
    Path jar = Path.of(args[0]);
    FileTime time = FileTime.from(Instant.parse(args[1]));
    Path woven = args.length == 3 ? Path.of(args[2]) : null;
    Path out = jar.resolveSibling(jar.getFileName() + ".repackaged");
    int moved = 0;
    int wovenClasses = 0;
    try (ZipFile in = new ZipFile(jar.toFile())) {
      if (in.getEntry(INST) != null) {
        throw new IllegalStateException(jar + " is already repackaged (has " + INST + ")");
      }
      TreeMap<String, Source> targets = new TreeMap<>();
      for (var entries = in.entries(); entries.hasMoreElements(); ) {
        ZipEntry e = entries.nextElement();
        if (e.isDirectory()) {
          continue;
        }
        String target = target(e.getName());
        if (targets.put(target, () -> in.getInputStream(e)) != null) {
          throw new IllegalStateException("two entries map to " + target);
        }
        if (target.startsWith(INST)) {
          moved++;
        }
      }
      if (woven != null) {
        for (Path file : wovenFiles(woven)) {
          String relative = woven.relativize(file).toString().replace(java.io.File.separatorChar, '/');
          String target = WOVEN + (relative.endsWith(".class") ? relative.substring(0, relative.length() - ".class".length()) + ".classdata" : relative);
          if (targets.put(target, () -> Files.newInputStream(file)) != null) {
            throw new IllegalStateException("two entries map to " + target);
          }
          if (relative.endsWith(".class")) {
            wovenClasses++;
          }
        }
      }
      Source manifestSource = targets.remove(MANIFEST);
      if (manifestSource == null) {
        throw new IllegalStateException("no " + MANIFEST + " in " + jar);
      }
      Manifest manifest;
      try (InputStream data = manifestSource.open()) {
        manifest = new Manifest(data);
      }
      manifest.getMainAttributes().putValue(BUILD_ID, buildId(targets));
      try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
        Set<String> directories = new TreeSet<>();
        List<String> order = new ArrayList<>();
        order.add(MANIFEST);
        order.addAll(targets.keySet());
        for (String name : order) {
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
          if (name.equals(MANIFEST)) {
            manifest.write(zip);
          } else {
            try (InputStream data = targets.get(name).open()) {
              copy(data, zip);
            }
          }
          zip.closeEntry();
        }
      }
    }
    Files.move(out, jar, StandardCopyOption.REPLACE_EXISTING);
    System.out.println("Repackage: " + moved + " entries of " + jar.getFileName() + " moved under " + INST + ", " + wovenClasses + " woven classes added under " + WOVEN + " (" + Files.size(jar) / 1024 + " KiB)");
  }

  /** Where an entry's bytes come from. */
  private interface Source {
    InputStream open() throws IOException;
  }

  /**
   * The build id: the first 128 bits of a sha256 over every entry's name and bytes (the manifest
   * aside), so two builds share an id exactly when they hold the same classes and resources.
   */
  static String buildId(TreeMap<String, Source> targets) throws IOException, NoSuchAlgorithmException {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[1 << 16];
    for (Map.Entry<String, Source> e : targets.entrySet()) {
      digest.update(e.getKey().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      try (InputStream data = e.getValue().open()) {
        for (int n; (n = data.read(buffer)) > 0; ) {
          digest.update(buffer, 0, n);
        }
      }
    }
    return HexFormat.of().formatHex(digest.digest(), 0, 16);
  }

  private static List<Path> wovenFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("no woven classes directory " + dir + " (the PreWeave step writes it)");
    }
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> all = files.filter(Files::isRegularFile).sorted().toList();
      if (all.stream().noneMatch(f -> f.toString().endsWith(".class"))) {
        throw new IllegalStateException("no woven classes in " + dir);
      }
      return all;
    }
  }

  /** Where an entry of the shaded jar goes. */
  static String target(String name) {
    if (name.startsWith(BOOTSTRAP) || name.equals(MANIFEST) || isLegal(name)) {
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
