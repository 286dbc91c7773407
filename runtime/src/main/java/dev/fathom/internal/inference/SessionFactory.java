package dev.fathom.internal.inference;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.fathom.InferenceOptions;
import dev.fathom.InferenceOptions.OptimizationLevel;
import dev.fathom.internal.util.Hashing;
import dev.fathom.registry.RuntimeHints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Creates ONNX Runtime sessions with Fathom's options and keeps an optimized-model cache: the first
 * load of a model writes ONNX Runtime's optimized graph under the model's sha256 (plus the ONNX
 * Runtime version and optimization level, since optimized graphs are specific to both); later loads
 * read the optimized graph and skip optimization. A cached file is used only if its own recorded
 * sha256 still matches, so a damaged or tampered cache entry is rebuilt, never trusted. Models with
 * external data bypass the cache. Thread-safe.
 */
public final class SessionFactory {
  private static final Logger LOG = Logger.getLogger(SessionFactory.class.getName());

  private final InferenceOptions defaults;

  public SessionFactory(InferenceOptions defaults) {
    this.defaults = defaults;
  }

  public InferenceOptions defaults() {
    return defaults;
  }

  /** What a session was created from. */
  public enum Source {
    MODEL,
    OPTIMIZED_CACHE
  }

  /** A new session and where its graph came from. The caller closes the session. */
  public record Created(OrtSession session, Source source) {}

  /**
   * Creates a session for {@code modelFile} whose sha256 is {@code sha256}.
   *
   * @param cacheable false for models with external data, which are loaded directly
   */
  public Created create(Path modelFile, String sha256, RuntimeHints hints, boolean cacheable) throws OrtException {
    OptimizationLevel level = hints.optimizationLevel() == null ? defaults.optimizationLevel() : OptimizationLevel.parse(hints.optimizationLevel());
    Path cacheDir = defaults.optimizedModelCache();
    if (!cacheable || cacheDir == null || level == OptimizationLevel.NONE || sha256 == null) {
      return new Created(open(modelFile, hints, level, null), Source.MODEL);
    }
    String key = sha256 + "-ort" + Onnx.version() + "-" + level;
    Path cached = cacheDir.resolve(key + ".onnx");
    Path digest = cacheDir.resolve(key + ".sha256");
    if (isIntact(cached, digest)) {
      try {
        // The cached graph is already optimized at this level; optimizing again would only cost time.
        return new Created(open(cached, hints, OptimizationLevel.NONE, null), Source.OPTIMIZED_CACHE);
      } catch (OrtException e) {
        LOG.log(Level.WARNING, "Fathom: ignoring unreadable optimized-model cache entry " + cached + ": " + e.getMessage());
      }
    }
    Path temp = null;
    try {
      Files.createDirectories(cacheDir);
      temp = Files.createTempFile(cacheDir, key + ".", ".tmp");
    } catch (IOException e) {
      LOG.log(Level.FINE, "optimized-model cache unavailable", e);
    }
    OrtSession session = open(modelFile, hints, level, temp);
    if (temp != null) {
      store(temp, cached, digest);
    }
    return new Created(session, Source.MODEL);
  }

  private OrtSession open(Path file, RuntimeHints hints, OptimizationLevel level, Path optimizedOutput) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(toOrt(level));
      options.setIntraOpNumThreads(hints.intraOpThreads() != null ? hints.intraOpThreads() : defaults.intraOpThreads());
      options.setInterOpNumThreads(hints.interOpThreads() != null ? hints.interOpThreads() : defaults.interOpThreads());
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      String spin = defaults.spinning() ? "1" : "0";
      options.addConfigEntry("session.intra_op.allow_spinning", spin);
      options.addConfigEntry("session.inter_op.allow_spinning", spin);
      if (optimizedOutput != null) {
        options.setOptimizedModelFilePath(optimizedOutput.toString());
      }
      return Onnx.environment().createSession(file.toString(), options);
    }
  }

  private static boolean isIntact(Path cached, Path digest) {
    try {
      if (!Files.isRegularFile(cached) || !Files.isRegularFile(digest)) {
        return false;
      }
      String expected = new String(Files.readAllBytes(digest), StandardCharsets.US_ASCII).trim();
      return expected.equals(Hashing.sha256(cached));
    } catch (IOException e) {
      return false;
    }
  }

  private static void store(Path temp, Path cached, Path digest) {
    try {
      if (Files.size(temp) == 0) {
        Files.deleteIfExists(temp);
        return;
      }
      Path digestTemp = Files.createTempFile(digest.getParent(), digest.getFileName().toString(), ".tmp");
      Files.write(digestTemp, Hashing.sha256(temp).getBytes(StandardCharsets.US_ASCII));
      move(temp, cached);
      move(digestTemp, digest);
    } catch (IOException e) {
      LOG.log(Level.FINE, "could not store optimized model " + cached, e);
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // a stray temporary file is harmless
      }
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static OrtSession.SessionOptions.OptLevel toOrt(OptimizationLevel level) {
    switch (level) {
      case NONE:
        return OrtSession.SessionOptions.OptLevel.NO_OPT;
      case BASIC:
        return OrtSession.SessionOptions.OptLevel.BASIC_OPT;
      case EXTENDED:
        return OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
      default:
        return OrtSession.SessionOptions.OptLevel.ALL_OPT;
    }
  }
}
