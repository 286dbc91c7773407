package dev.fathom.registry;

import dev.fathom.RegistryException;
import dev.fathom.internal.registry.OnnxModelFile;
import dev.fathom.internal.util.Hashing;
import dev.fathom.internal.util.Json;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Publishes model versions into a {@link LocalRegistry}. The version is assembled in a hidden
 * temporary directory (model file, external data, manifest, profile), checked, and renamed into
 * place in one step, so readers see either nothing or the complete version. Concurrent publishers
 * of one model are serialized by a file lock. Thread-safe.
 */
public final class Publisher {
  private static final String LOCK_FILE = ".publish.lock";
  private static final String TEMP_PREFIX = ".tmp-";

  private static final ConcurrentHashMap<Path, ReentrantLock> THREAD_LOCKS = new ConcurrentHashMap<>();

  private final LocalRegistry registry;

  public Publisher(LocalRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * Publishes a version and returns its manifest.
   *
   * @throws IllegalArgumentException if the model file is invalid, references external data outside
   *     its directory, or the features or labels do not fit its inputs and outputs
   * @throws RegistryException if the version exists or the registry cannot be written
   */
  public Manifest publish(PublishRequest request) {
    Path source = request.modelFile().toAbsolutePath().normalize();
    OnnxModelFile onnx;
    try {
      onnx = OnnxModelFile.read(source);
    } catch (IOException e) {
      throw new RegistryException("cannot read " + source + ": " + e.getMessage(), e);
    }
    List<String> externalFiles = checkedExternalFiles(source.getParent(), onnx);
    List<TensorSpec> inputs = SchemaAnnotator.withFeatures(onnx.inputs(), request.features());
    List<TensorSpec> outputs = SchemaAnnotator.withLabels(onnx.outputs(), request.labels());

    Path modelDir = registry.modelDirectory(request.model());
    try {
      Files.createDirectories(modelDir);
    } catch (IOException e) {
      throw new RegistryException("cannot create " + modelDir + ": " + e.getMessage(), e);
    }
    // A file lock serializes publishers across processes; within one JVM a file lock cannot be
    // taken twice, so threads queue on a lock of their own first.
    ReentrantLock threadLock = THREAD_LOCKS.computeIfAbsent(modelDir, d -> new ReentrantLock());
    threadLock.lock();
    try (FileChannel lockChannel = FileChannel.open(modelDir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockChannel.lock()) {
      long version = request.version() != null ? request.version() : nextVersion(modelDir);
      Path target = registry.versionDirectory(request.model(), version);
      if (Files.exists(target)) {
        throw new RegistryException("cannot publish " + request.model() + "@" + version + ": the version exists");
      }
      Path temp = Files.createTempDirectory(modelDir, TEMP_PREFIX + version + "-");
      try {
        Manifest manifest = assemble(request, version, source, externalFiles, inputs, outputs, temp);
        request.check().accept(temp);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        for (String alias : request.aliases()) {
          registry.setAlias(request.model(), alias, version);
        }
        return manifest;
      } finally {
        deleteRecursively(temp);
      }
    } catch (FileAlreadyExistsException e) {
      throw new RegistryException("cannot publish " + request.model() + ": version directory appeared concurrently", e);
    } catch (IOException e) {
      throw new RegistryException("cannot publish " + request.model() + ": " + e.getMessage(), e);
    } finally {
      threadLock.unlock();
    }
  }

  private Manifest assemble(
      PublishRequest request,
      long version,
      Path source,
      List<String> externalFiles,
      List<TensorSpec> inputs,
      List<TensorSpec> outputs,
      Path temp)
      throws IOException {
    Path modelCopy = temp.resolve(LocalRegistry.MODEL_FILE);
    copyDurably(source, modelCopy);
    FileDigest modelDigest = new FileDigest(LocalRegistry.MODEL_FILE, Hashing.sha256(modelCopy), Files.size(modelCopy));
    List<FileDigest> external = new ArrayList<>();
    for (String relative : externalFiles) {
      Path from = source.getParent().resolve(relative).normalize();
      Path to = temp.resolve(relative).normalize();
      Files.createDirectories(to.getParent());
      copyDurably(from, to);
      external.add(new FileDigest(relative, Hashing.sha256(to), Files.size(to)));
    }
    if (request.profile() != null) {
      copyDurably(request.profile(), temp.resolve(LocalRegistry.PROFILE_FILE));
    }
    Lineage lineage = request.lineage();
    if (lineage.parent() == null) {
      Long parent = latestVersion(request.model());
      if (parent != null) {
        lineage = new Lineage(lineage.code(), lineage.data(), lineage.hyperparameters(), lineage.metrics(), parent);
      }
    }
    String created = Instant.now(request.clock()).truncatedTo(ChronoUnit.MILLIS).toString();
    Manifest manifest =
        new Manifest(Manifest.FORMAT_VERSION, request.model(), version, created, modelDigest, external, inputs, outputs, lineage, request.runtime());
    Path manifestFile = temp.resolve(LocalRegistry.MANIFEST_FILE);
    Files.write(manifestFile, Json.MAPPER.writeValueAsBytes(manifest));
    force(manifestFile);
    return manifest;
  }

  private Long latestVersion(String model) {
    if (!registry.hasModel(model)) {
      return null;
    }
    List<Long> versions = registry.versions(model);
    return versions.isEmpty() ? null : versions.get(versions.size() - 1);
  }

  /** One above the highest numeric directory, complete or not, so numbers are never reused. */
  private static long nextVersion(Path modelDir) throws IOException {
    long max = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(modelDir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.matches("[1-9][0-9]{0,17}")) {
          max = Math.max(max, Long.parseLong(name));
        }
      }
    }
    return max + 1;
  }

  private static List<String> checkedExternalFiles(Path sourceDir, OnnxModelFile onnx) {
    List<String> files = new ArrayList<>();
    for (String location : onnx.externalDataLocations()) {
      Path relative = Path.of(location);
      Path resolved = sourceDir.resolve(relative).normalize();
      if (relative.isAbsolute() || !resolved.startsWith(sourceDir)) {
        throw new IllegalArgumentException("the model references external data '" + location + "' outside its directory; refusing to publish it");
      }
      if (!Files.isRegularFile(resolved)) {
        throw new IllegalArgumentException("the model references external data '" + location + "', which does not exist next to it");
      }
      files.add(sourceDir.relativize(resolved).toString());
    }
    return files;
  }

  private static void copyDurably(Path from, Path to) throws IOException {
    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    force(to);
  }

  private static void force(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // a leftover hidden temporary directory is never read as a version
        }
      });
    } catch (IOException ignored) {
      // same as above
    }
  }

  /** Attaches feature and label names to the schema read from the model file. */
  static final class SchemaAnnotator {
    private SchemaAnnotator() {}

    static List<TensorSpec> withFeatures(List<TensorSpec> inputs, Map<String, List<FeatureSpec>> features) {
      List<TensorSpec> result = new ArrayList<>(inputs);
      for (Map.Entry<String, List<FeatureSpec>> entry : features.entrySet()) {
        int index = indexOf(result, entry.getKey(), "input");
        TensorSpec input = result.get(index);
        checkFeatures(input, entry.getValue());
        result.set(index, input.withFeatures(entry.getValue()));
      }
      return result;
    }

    static List<TensorSpec> withLabels(List<TensorSpec> outputs, Map<String, List<String>> labels) {
      List<TensorSpec> result = new ArrayList<>(outputs);
      for (Map.Entry<String, List<String>> entry : labels.entrySet()) {
        int index = indexOf(result, entry.getKey(), "output");
        TensorSpec output = result.get(index);
        long[] shape = output.shapeArray();
        if (shape != null && shape.length > 0 && shape[shape.length - 1] > 0 && shape[shape.length - 1] != entry.getValue().size()) {
          throw new IllegalArgumentException(
              "output '" + output.name() + "' has " + shape[shape.length - 1] + " classes but " + entry.getValue().size() + " labels were given");
        }
        result.set(index, output.withLabels(entry.getValue()));
      }
      return result;
    }

    private static int indexOf(List<TensorSpec> specs, String name, String kind) {
      if (name.isEmpty()) {
        if (specs.size() != 1 && kind.equals("input")) {
          throw new IllegalArgumentException("the model has " + specs.size() + " inputs; name the input the features belong to");
        }
        return 0;
      }
      for (int i = 0; i < specs.size(); i++) {
        if (specs.get(i).name().equals(name)) {
          return i;
        }
      }
      throw new IllegalArgumentException("the model has no " + kind + " named '" + name + "'");
    }

    private static void checkFeatures(TensorSpec input, List<FeatureSpec> features) {
      if (!input.elementType().isNumeric() || input.elementType() == dev.fathom.ElementType.BOOL) {
        throw new IllegalArgumentException("input '" + input.name() + "' is " + input.elementType() + "; named features need a numeric input");
      }
      long[] shape = input.shapeArray();
      if (shape == null || shape.length != 2) {
        throw new IllegalArgumentException("input '" + input.name() + "' must have shape [batch, columns] to carry named features");
      }
      java.util.Set<String> names = new java.util.HashSet<>();
      int columns = 0;
      for (FeatureSpec feature : features) {
        if (!names.add(feature.name())) {
          throw new IllegalArgumentException("feature '" + feature.name() + "' is named twice");
        }
        columns += feature.width();
      }
      if (shape[1] >= 0 && shape[1] != columns) {
        throw new IllegalArgumentException(
            "input '" + input.name() + "' has " + shape[1] + " columns but the features occupy " + columns);
      }
    }
  }
}
