package dev.fathom.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the agent finds woven ONNX Runtime classes without Byte Buddy: the build's copy in the
 * agent jar, the per-user cache (hit, damaged entry, another build, untrusted directory, unusable
 * directory). The classes are real: ONNX Runtime's {@code OrtSession} woven by the agent's {@link
 * Weaver}.
 */
class WovenClassesTest {
  static final String SESSION = "ai/onnxruntime/OrtSession";
  static byte[] original;
  static String sha256;
  static byte[] woven;

  @TempDir Path dir;

  @BeforeAll
  static void weave() throws IOException {
    try (InputStream in = OrtSession.class.getResourceAsStream("OrtSession.class")) {
      original = in.readAllBytes();
    }
    sha256 = WovenClasses.sha256(original);
    woven = Weaver.weaveOnnxRuntime(SESSION, original, OrtSession.class.getClassLoader());
  }

  /** The build's entry point and the agent's transformer, as the gate calls it, weave the same bytes. */
  @Test
  void buildAndRunTimeWeavingAgree() {
    List<String> problems = new java.util.ArrayList<>();
    Weaver agents = new Weaver(true, List.of(), (key, message) -> problems.add(message));
    byte[] atRunTime = agents.transform(null, OrtSession.class.getClassLoader(), SESSION, null, null, original);
    assertThat(atRunTime).isEqualTo(woven).isNotEqualTo(original);
    assertThat(problems).isEmpty();
    assertThat(Weaver.weaveOnnxRuntime(SESSION, original, OrtSession.class.getClassLoader())).as("deterministic").isEqualTo(woven);
  }

  @Test
  void findsTheBuildsCopyInTheAgentJarByHash() throws IOException {
    Path entry = dir.resolve("jar/woven/" + SESSION + "/" + sha256 + ".class");
    Files.createDirectories(entry.getParent());
    Files.write(entry, woven);
    Files.write(entry.resolveSibling(sha256 + ".original"), original);
    Files.writeString(entry.resolveSibling("index"), sha256 + "\n");
    try (URLClassLoader agentJar = new URLClassLoader(new URL[] {dir.resolve("jar").toUri().toURL()}, null)) {
      WovenClasses classes = new WovenClasses(agentJar, null, null);
      assertThat(classes.key(SESSION, original)).isEqualTo(sha256);
      WovenClasses.Found found = classes.find(SESSION, classes.key(SESSION, original));
      assertThat(found).isNotNull();
      assertThat(found.bytes()).isEqualTo(woven);
      assertThat(found.source()).contains("build");
      assertThat(classes.find(SESSION, WovenClasses.sha256(woven))).as("other bytes, other hash").isNull();
      found.bytes()[0] = 0;
      assertThat(classes.find(SESSION, sha256).bytes()).as("callers get copies").isEqualTo(woven);
    }
  }

  /** The bundled original is recognized by comparing bytes (no hashing on the application's thread); other bytes are hashed. */
  @Test
  void theBundledOriginalIsRecognizedByItsBytes() throws IOException {
    String indexed = "ab".repeat(32);
    Path dirOfClass = Files.createDirectories(dir.resolve("jar/woven/" + SESSION));
    Files.write(dirOfClass.resolve(indexed + ".original"), original);
    Files.writeString(dirOfClass.resolve("index"), indexed + "\n");
    try (URLClassLoader agentJar = new URLClassLoader(new URL[] {dir.resolve("jar").toUri().toURL()}, null)) {
      WovenClasses classes = new WovenClasses(agentJar, null, null);
      assertThat(classes.key(SESSION, original)).as("the index's key, found by comparison").isEqualTo(indexed);
      byte[] other = original.clone();
      other[other.length - 1] ^= 1;
      assertThat(classes.key(SESSION, other)).isEqualTo(WovenClasses.sha256(other));
      assertThat(new WovenClasses(emptyJar(), null, null).key(SESSION, original)).as("no index: hashed").isEqualTo(sha256);
    }
  }

  @Test
  void aClassWovenByAnEarlierStartIsReadFromTheCache() {
    Path cache = dir.resolve("cache");
    WovenClasses first = new WovenClasses(emptyJar(), cache, "build1");
    assertThat(first.find(SESSION, sha256)).isNull();
    first.store(SESSION, sha256, woven);
    assertThat(first.cacheFile(SESSION, sha256)).isRegularFile();

    WovenClasses next = new WovenClasses(emptyJar(), cache, "build1");
    WovenClasses.Found found = next.find(SESSION, sha256);
    assertThat(found).isNotNull();
    assertThat(found.bytes()).isEqualTo(woven);
    assertThat(found.source()).contains("earlier start");

    assertThat(new WovenClasses(emptyJar(), cache, "build2").find(SESSION, sha256)).as("another agent build weaves again").isNull();
  }

  @Test
  void aDamagedCacheEntryIsIgnoredAndRewritten() throws IOException {
    Path cache = dir.resolve("cache");
    new WovenClasses(emptyJar(), cache, "b").store(SESSION, sha256, woven);
    Path file = new WovenClasses(emptyJar(), cache, "b").cacheFile(SESSION, sha256);

    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 100] ^= 0x55; // one flipped bit pattern in the class body
    Files.write(file, bytes);
    WovenClasses reader = new WovenClasses(emptyJar(), cache, "b");
    assertThat(reader.find(SESSION, sha256)).isNull();
    assertThat(reader.cacheEnabled()).as("a damaged entry does not turn the cache off").isTrue();

    reader.store(SESSION, sha256, woven);
    assertThat(new WovenClasses(emptyJar(), cache, "b").find(SESSION, sha256).bytes()).isEqualTo(woven);

    Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), 500));
    assertThat(new WovenClasses(emptyJar(), cache, "b").find(SESSION, sha256)).as("truncated").isNull();
    Files.write(file, new byte[0]);
    assertThat(new WovenClasses(emptyJar(), cache, "b").find(SESSION, sha256)).as("empty").isNull();
  }

  @Test
  void anEntryForOtherBytesIsRefused() throws IOException {
    Path cache = dir.resolve("cache");
    WovenClasses classes = new WovenClasses(emptyJar(), cache, "b");
    String otherSha = WovenClasses.sha256(new byte[] {1, 2, 3});
    // a valid entry of another class copied under this class's name
    Files.createDirectories(cache);
    Files.write(classes.cacheFile(SESSION, sha256), WovenClasses.entry(otherSha, woven));
    assertThat(classes.find(SESSION, sha256)).isNull();
  }

  @Test
  void aCacheDirectoryOthersMayWriteIsNotTrusted() throws IOException {
    Path cache = dir.resolve("shared");
    new WovenClasses(emptyJar(), cache, "b").store(SESSION, sha256, woven);
    assertThat(Files.getPosixFilePermissions(cache)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
    WovenClasses classes = new WovenClasses(emptyJar(), cache, "b");
    assertThat(classes.find(SESSION, sha256)).isNull();
    assertThat(classes.cacheEnabled()).isFalse();
  }

  @Test
  void anUnusableCacheDirectoryOnlyTurnsTheCacheOff() throws IOException {
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");
    WovenClasses classes = new WovenClasses(emptyJar(), notADirectory, "b");
    classes.store(SESSION, sha256, woven);
    assertThat(classes.cacheEnabled()).isFalse();
    assertThat(classes.find(SESSION, sha256).bytes()).as("still known in memory").isEqualTo(woven);
    assertThat(new WovenClasses(emptyJar(), dir.resolve("c"), null).cacheEnabled()).as("no build id, no cache").isFalse();
  }

  private ClassLoader emptyJar() {
    return new URLClassLoader(new URL[0], null);
  }
}
