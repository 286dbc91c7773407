package dev.fathom.agent.instrument;

import dev.fathom.agent.bootstrap.AgentLog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Woven class bytes the agent can hand out without Byte Buddy, looked up by the sha256 of the
 * original class bytes, in this order:
 *
 * <ol>
 *   <li>this JVM's memory (classes woven since start);
 *   <li>the agent jar: the bundled ONNX Runtime version, woven by the build ({@code
 *       inst/woven/<internal name>/<sha256>.classdata}, read as the resource {@code
 *       woven/<internal name>/<sha256>.class} of the agent's class loader; the original it wove
 *       beside it, so that {@link #key} recognizes those bytes without hashing them);
 *   <li>the per-user cache directory ({@code instrument.cache}): classes woven by an earlier start
 *       of an application with another ONNX Runtime version, keyed by original sha256 and the
 *       agent's build id (a new agent build never reads an old build's result).
 * </ol>
 *
 * A cache entry records the sha256 of the original and of the woven bytes and is used only when
 * both match, so a truncated or damaged entry is ignored (and rewritten after weaving again).
 * Entries are written to a temporary file and renamed into place, so a reader never sees half an
 * entry; the directory is the user's own ({@code rwx------}), and a directory or entry others may
 * write to is not trusted. Any failure of the cache disables the cache, with one log line, and
 * nothing else. Thread-safe.
 */
final class WovenClasses {
  /** Resource prefix, in the agent's class loader, of the classes woven by the build. */
  static final String RESOURCE_PREFIX = "woven/";
  /** Per class, the sha256 of each original the build wove, one a line. */
  static final String INDEX = "index";
  static final String ORIGINAL_SUFFIX = ".original";
  static final String CACHE_SUFFIX = ".woven";
  private static final byte[] MAGIC = {'F', 'W', 'C', '1'};
  private static final int HEADER = MAGIC.length + 32 + 32;
  /** Entries not used for this long are deleted when a new one is written. */
  private static final long STALE_MILLIS = TimeUnit.DAYS.toMillis(30);

  /** Woven bytes and where they came from (for debug lines). */
  record Found(byte[] bytes, String source) {}

  private final ClassLoader agentLoader;
  private final Path cacheDir;
  private final String buildId;
  private final ConcurrentHashMap<String, Found> memory = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, List<Bundled>> bundled = new ConcurrentHashMap<>();
  private volatile boolean cacheEnabled;

  /**
   * @param agentLoader reads the classes woven by the build as resources
   * @param cacheDir the per-user cache directory, or null for none
   * @param buildId the agent build's id ({@code Fathom-Build-Id}), or null for no disk cache
   */
  WovenClasses(ClassLoader agentLoader, Path cacheDir, String buildId) {
    this.agentLoader = agentLoader;
    this.cacheDir = cacheDir;
    this.buildId = buildId == null ? null : buildId.replaceAll("[^0-9a-zA-Z]", "");
    this.cacheEnabled = cacheDir != null && this.buildId != null && !this.buildId.isEmpty();
  }

  /**
   * The key of a class's bytes: the sha256 of the original. For the bundled version it comes from
   * the build's index after a byte-for-byte comparison with the original it wove, which spares the
   * application's thread the JDK's security providers and a cold SHA-256 (tens of milliseconds
   * at start-up); other bytes are hashed.
   */
  String key(String internalName, byte[] original) {
    for (Bundled b : bundled(internalName)) {
      if (Arrays.equals(b.original(), original)) {
        return b.sha256();
      }
    }
    return sha256(original);
  }

  /** An original the build wove: its bytes and their sha256. */
  private record Bundled(byte[] original, String sha256) {}

  /**
   * The originals the build wove for a class: {@code woven/<internal name>/index} lists their
   * sha256, one a line, and {@code <sha256>.original} holds each one's bytes. Read once.
   */
  private List<Bundled> bundled(String internalName) {
    List<Bundled> known = bundled.get(internalName);
    if (known != null) {
      return known;
    }
    List<Bundled> found = new ArrayList<>();
    String dir = RESOURCE_PREFIX + internalName + "/";
    try (InputStream index = agentLoader.getResourceAsStream(dir + INDEX)) {
      if (index != null) {
        for (String line : new String(index.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
          String sha256 = line.trim();
          if (sha256.isEmpty()) {
            continue;
          }
          try (InputStream original = agentLoader.getResourceAsStream(dir + sha256 + ORIGINAL_SUFFIX)) {
            if (original != null) {
              found.add(new Bundled(original.readAllBytes(), sha256));
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      AgentLog.debug("cannot read the index of woven " + internalName + " classes in the agent jar: " + AgentLog.reason(e));
    }
    List<Bundled> raced = bundled.putIfAbsent(internalName, List.copyOf(found));
    return raced != null ? raced : bundled.get(internalName);
  }

  /** The woven bytes for the class {@code internalName} whose original bytes have {@code sha256}, or null. */
  Found find(String internalName, String sha256) {
    String key = key(internalName, sha256);
    Found known = memory.get(key);
    if (known == null) {
      byte[] bytes = fromJar(internalName, sha256);
      if (bytes != null) {
        known = new Found(bytes, "by the build (the bundled ONNX Runtime version)");
      } else if ((bytes = fromCache(internalName, sha256)) != null) {
        known = new Found(bytes, "by an earlier start (cache " + cacheDir + ")");
      } else {
        return null;
      }
      Found raced = memory.putIfAbsent(key, known);
      known = raced == null ? known : raced;
    }
    return new Found(known.bytes().clone(), known.source());
  }

  /** What this JVM has woven or found already for the class, or null; no file is read. */
  Found inMemory(String internalName, String sha256) {
    Found known = memory.get(key(internalName, sha256));
    return known == null ? null : new Found(known.bytes().clone(), known.source());
  }

  /** Keeps what was woven at run time, in memory and in the cache directory. */
  void store(String internalName, String sha256, byte[] woven) {
    memory.put(key(internalName, sha256), new Found(woven.clone(), "at start-up"));
    if (cacheEnabled) {
      writeCache(internalName, sha256, woven);
    }
  }

  boolean cacheEnabled() {
    return cacheEnabled;
  }

  /** The cache file of a class, for tests. */
  Path cacheFile(String internalName, String sha256) {
    return cacheDir.resolve(simpleName(internalName) + "-" + sha256 + "-" + buildId + CACHE_SUFFIX);
  }

  private byte[] fromJar(String internalName, String sha256) {
    try (InputStream in = agentLoader.getResourceAsStream(RESOURCE_PREFIX + internalName + "/" + sha256 + ".class")) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException | RuntimeException e) {
      AgentLog.debug("cannot read the woven " + internalName + " from the agent jar: " + AgentLog.reason(e));
      return null;
    }
  }

  private byte[] fromCache(String internalName, String sha256) {
    if (!cacheEnabled) {
      return null;
    }
    Path file = cacheFile(internalName, sha256);
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
      if (writableByOthers(cacheDir) || writableByOthers(file)) {
        disable("the cache directory " + cacheDir + " or its entry " + file.getFileName() + " is writable by other users");
        return null;
      }
      byte[] entry = Files.readAllBytes(file);
      byte[] woven = verified(entry, sha256);
      if (woven == null) {
        AgentLog.debug("ignoring the damaged cache entry " + file + "; weaving again");
        return null;
      }
      touch(file);
      return woven;
    } catch (IOException | RuntimeException e) {
      disable("cannot read " + file + ": " + AgentLog.reason(e));
      return null;
    }
  }

  /** The woven bytes of a cache entry when its header matches the original and the body, else null. */
  static byte[] verified(byte[] entry, String originalSha256) {
    if (entry.length <= HEADER + 4 || !Arrays.equals(entry, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      return null;
    }
    byte[] original = java.util.HexFormat.of().parseHex(originalSha256);
    if (!Arrays.equals(entry, MAGIC.length, MAGIC.length + 32, original, 0, 32)) {
      return null;
    }
    byte[] woven = Arrays.copyOfRange(entry, HEADER, entry.length);
    byte[] digest = digest(woven);
    if (!Arrays.equals(entry, MAGIC.length + 32, HEADER, digest, 0, 32)) {
      return null;
    }
    if (ByteBuffer.wrap(woven).getInt() != 0xCAFEBABE) {
      return null;
    }
    return woven;
  }

  /** A cache entry: magic, sha256 of the original, sha256 of the woven bytes, the woven bytes. */
  static byte[] entry(String originalSha256, byte[] woven) {
    ByteBuffer out = ByteBuffer.allocate(HEADER + woven.length);
    out.put(MAGIC).put(java.util.HexFormat.of().parseHex(originalSha256)).put(digest(woven)).put(woven);
    return out.array();
  }

  private void writeCache(String internalName, String sha256, byte[] woven) {
    Path file = cacheFile(internalName, sha256);
    Path temp = null;
    try {
      createPrivateDirectories(cacheDir);
      temp = Files.createTempFile(cacheDir, simpleName(internalName) + "-", ".tmp");
      Files.write(temp, entry(sha256, woven));
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      temp = null;
      AgentLog.debug("stored the woven " + internalName.replace('/', '.') + " in " + file);
      pruneStale();
    } catch (IOException | RuntimeException e) {
      disable("cannot write " + file + ": " + AgentLog.reason(e));
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          // the cache is disabled already
        }
      }
    }
  }

  /** Deletes entries (of any build) not used for {@link #STALE_MILLIS}; runs only after weaving at run time. */
  private void pruneStale() {
    long cutoff = System.currentTimeMillis() - STALE_MILLIS;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(cacheDir, "*" + CACHE_SUFFIX)) {
      for (Path entry : entries) {
        if (Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toMillis() < cutoff) {
          Files.deleteIfExists(entry);
        }
      }
    } catch (IOException | RuntimeException e) {
      AgentLog.debug("cannot prune the cache " + cacheDir + ": " + AgentLog.reason(e));
    }
  }

  /** Marks an entry as used, so pruning keeps it. */
  private static void touch(Path file) {
    try {
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
    } catch (IOException | RuntimeException e) {
      // only pruning reads the time
    }
  }

  private static void createPrivateDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      if (Files.getFileAttributeView(parent == null ? dir : parent, PosixFileAttributeView.class) != null) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectory(dir);
      }
    } catch (FileAlreadyExistsException raced) {
      // created meanwhile by another JVM
    }
  }

  private static boolean writableByOthers(Path path) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (view == null) {
      return false;
    }
    PosixFileAttributes attributes = view.readAttributes();
    Set<PosixFilePermission> permissions = attributes.permissions();
    return permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE);
  }

  private void disable(String reason) {
    if (cacheEnabled) {
      cacheEnabled = false;
      AgentLog.info("the cache of instrumented classes is off: " + reason);
    }
  }

  private static String key(String internalName, String sha256) {
    return internalName + "@" + sha256;
  }

  private static String simpleName(String internalName) {
    return internalName.substring(internalName.lastIndexOf('/') + 1);
  }

  /** Lower-case hex sha256 of {@code bytes}. */
  static String sha256(byte[] bytes) {
    return java.util.HexFormat.of().formatHex(digest(bytes));
  }

  private static byte[] digest(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }
}
