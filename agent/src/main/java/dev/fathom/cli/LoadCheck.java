package dev.fathom.cli;

import dev.fathom.InferenceOptions;
import dev.fathom.ModelLoadException;
import dev.fathom.internal.inference.LoadedVersion;
import dev.fathom.internal.inference.ObserverFactory;
import dev.fathom.internal.inference.SessionFactory;
import dev.fathom.internal.inference.VersionLoader;
import dev.fathom.internal.util.Json;
import dev.fathom.registry.LocalRegistry;
import dev.fathom.registry.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Proves that a model version serves: the exact path the runtime takes before a version takes
 * traffic ({@link VersionLoader}: manifest, checksums, external-data containment, ONNX Runtime
 * session, schema match against the session, warm-up runs on both call paths), then closes the
 * session. No optimized-model cache is read or written, so the check exercises the model file
 * itself. Thread-safe.
 */
final class LoadCheck {
  private final SessionFactory sessions = new SessionFactory(InferenceOptions.builder().optimizedModelCache(null).build());

  /**
   * Loads and warms a registry version, then closes it.
   *
   * @return nanoseconds the load took
   * @throws dev.fathom.FathomException naming the version and what failed
   */
  long load(LocalRegistry registry, String model, long version) {
    LoadedVersion loaded = new VersionLoader(registry, sessions, ObserverFactory.NOOP).load(model, version);
    long nanos = loaded.loadNanos();
    loaded.retire();
    return nanos;
  }

  /**
   * A {@link dev.fathom.registry.PublishRequest.Builder#check} that loads the assembled (still
   * invisible) version directory: it is linked into a throw-away registry as {@code
   * <model>/<version>} so the runtime's own loader reads it in place. A version ONNX Runtime refuses
   * is therefore never published.
   *
   * @param source the model file being published, named in errors instead of the temporary copy
   */
  Consumer<Path> beforePublish(String model, Path source) {
    return dir -> {
      long version = versionOf(dir);
      Path root = null;
      try {
        root = Files.createTempDirectory("fathom-publish-check-");
        Path link = root.resolve(model).resolve(Long.toString(version));
        Files.createDirectories(link.getParent());
        try {
          Files.createSymbolicLink(link, dir.toAbsolutePath());
        } catch (UnsupportedOperationException | FileSystemException e) {
          copyTree(dir, link);
        }
        try {
          load(new LocalRegistry(root), model, version);
        } catch (ModelLoadException e) {
          String reason = e.reason().replace(link.resolve(LocalRegistry.MODEL_FILE).toString(), source.toString()).replace(link.toString(), dir.toString());
          throw new ModelLoadException(model, version, "refusing to publish: " + reason, e);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot prepare the load check: " + e.getMessage(), e);
      } finally {
        if (root != null) {
          deleteTree(root);
        }
      }
    };
  }

  private static long versionOf(Path dir) {
    try {
      return Json.MAPPER.readValue(dir.resolve(LocalRegistry.MANIFEST_FILE).toFile(), Manifest.class).version();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the manifest being published: " + e.getMessage(), e);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  /** Deletes the throw-away registry; links are removed, never followed. */
  private static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // a leftover temporary directory is harmless
        }
      });
    } catch (IOException ignored) {
      // same as above
    }
  }
}
