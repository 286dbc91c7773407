package dev.fathom.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fathom.ChecksumMismatchException;
import dev.fathom.ModelLoadException;
import dev.fathom.ModelNotFoundException;
import dev.fathom.RegistryException;
import dev.fathom.UnsafeModelException;
import dev.fathom.VersionNotFoundException;
import dev.fathom.internal.registry.OnnxModelFile;
import dev.fathom.internal.util.Hashing;
import dev.fathom.internal.util.Json;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A model registry in a local directory:
 *
 * <pre>
 * &lt;root&gt;/&lt;model&gt;/aliases.json               {"production": 3, "canary": 4}
 * &lt;root&gt;/&lt;model&gt;/&lt;version&gt;/model.onnx
 * &lt;root&gt;/&lt;model&gt;/&lt;version&gt;/manifest.json
 * &lt;root&gt;/&lt;model&gt;/&lt;version&gt;/profile.json     optional reference profile
 * </pre>
 *
 * <p>A version directory counts only once complete: its name is a positive integer and it holds
 * both {@code model.onnx} and {@code manifest.json} ({@link Publisher} writes into a hidden
 * temporary directory and renames it, so readers never see half a version). Model names are
 * validated before any path is built. Thread-safe: every method reads the file system afresh.
 */
public final class LocalRegistry {
  public static final String MODEL_FILE = "model.onnx";
  public static final String MANIFEST_FILE = "manifest.json";
  public static final String PROFILE_FILE = "profile.json";
  public static final String ALIASES_FILE = "aliases.json";

  private static final Pattern VERSION_DIR = Pattern.compile("[1-9][0-9]{0,17}");

  private final Path root;

  public LocalRegistry(Path root) {
    this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /**
   * Names of the models in the registry that have a complete version or aliases, sorted; empty when
   * the directory does not exist.
   */
  public List<String> models() {
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return names;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path dir : dirs) {
        String name = dir.getFileName().toString();
        // A directory left empty by a refused first publish is not a model yet.
        if (ModelReference.isValidModelName(name) && (Files.exists(dir.resolve(ALIASES_FILE)) || !versions(name).isEmpty())) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw new RegistryException("cannot list models in " + root + ": " + e.getMessage(), e);
    }
    Collections.sort(names);
    return names;
  }

  /** Whether the registry holds a directory for {@code model}. */
  public boolean hasModel(String model) {
    return Files.isDirectory(modelDirectory(model));
  }

  /**
   * Complete versions of {@code model}, ascending.
   *
   * @throws ModelNotFoundException if the model does not exist
   */
  public List<Long> versions(String model) {
    Path dir = existingModelDirectory(model);
    List<Long> versions = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (VERSION_DIR.matcher(name).matches() && isComplete(entry)) {
          versions.add(Long.parseLong(name));
        }
      }
    } catch (IOException e) {
      throw new RegistryException("cannot list versions of '" + model + "': " + e.getMessage(), e);
    }
    Collections.sort(versions);
    return versions;
  }

  /**
   * The aliases of {@code model}; empty when it has no {@code aliases.json}.
   *
   * @throws RegistryException if the file is not a JSON object of alias names to positive integers
   */
  public Map<String, Long> aliases(String model) {
    Path file = existingModelDirectory(model).resolve(ALIASES_FILE);
    Map<String, Long> aliases = new TreeMap<>();
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(file.toFile());
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      return aliases;
    } catch (IOException e) {
      throw new RegistryException("invalid " + file + ": " + e.getMessage(), e);
    }
    if (node == null || node.isMissingNode()) {
      return aliases;
    }
    if (!node.isObject()) {
      throw new RegistryException("invalid " + file + ": expected a JSON object of alias names to versions");
    }
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      JsonNode value = entry.getValue();
      try {
        ModelReference.checkAliasName(entry.getKey());
      } catch (RuntimeException e) {
        throw new RegistryException("invalid " + file + ": " + e.getMessage(), e);
      }
      if (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 1) {
        throw new RegistryException("invalid " + file + ": alias '" + entry.getKey() + "' must map to a positive version number, not " + value);
      }
      aliases.put(entry.getKey(), value.asLong());
    }
    return aliases;
  }

  /**
   * Points {@code alias} of {@code model} at {@code version}, replacing {@code aliases.json}
   * atomically.
   *
   * @throws VersionNotFoundException if the version is not a complete version of the model
   */
  public void setAlias(String model, String alias, long version) {
    ModelReference.checkAliasName(alias);
    if (!versions(model).contains(version)) {
      throw new VersionNotFoundException(model + "@" + version, "cannot point alias '" + alias + "' at " + model + "@" + version + ": no such version");
    }
    Map<String, Long> aliases = aliases(model);
    aliases.put(alias, version);
    writeAliases(model, aliases);
  }

  /** Removes {@code alias}; returns whether it existed. */
  public boolean removeAlias(String model, String alias) {
    Map<String, Long> aliases = aliases(model);
    if (aliases.remove(alias) == null) {
      return false;
    }
    writeAliases(model, aliases);
    return true;
  }

  /**
   * Resolves a reference to a version number. {@link ModelReference.Kind#POLICY} resolves as
   * latest here; the engine applies configured policies before calling this.
   *
   * @throws ModelNotFoundException if the model does not exist
   * @throws VersionNotFoundException if the version, alias or any complete version is missing
   */
  public long resolve(ModelReference reference) {
    String model = reference.model();
    List<Long> versions = versions(model);
    switch (reference.kind()) {
      case VERSION:
        if (!versions.contains(reference.version())) {
          throw new VersionNotFoundException(reference.toString(), "unknown version: " + reference + " does not exist; versions of '" + model + "': " + versions);
        }
        return reference.version();
      case ALIAS:
        Long target = aliases(model).get(reference.aliasName());
        if (target == null) {
          throw new VersionNotFoundException(reference.toString(), "unknown alias: '" + reference.aliasName() + "' is not defined in " + modelDirectory(model).resolve(ALIASES_FILE));
        }
        if (!versions.contains(target)) {
          throw new VersionNotFoundException(reference.toString(), "alias " + reference + " points at version " + target + ", which does not exist");
        }
        return target;
      default:
        if (versions.isEmpty()) {
          throw new VersionNotFoundException(reference.toString(), "model '" + model + "' has no complete version");
        }
        return versions.get(versions.size() - 1);
    }
  }

  public Path modelDirectory(String model) {
    return root.resolve(ModelReference.checkModelName(model));
  }

  public Path versionDirectory(String model, long version) {
    if (version < 1) {
      throw new IllegalArgumentException("versions are positive, not " + version);
    }
    return modelDirectory(model).resolve(Long.toString(version));
  }

  /**
   * Reads and checks the manifest of a version.
   *
   * @throws VersionNotFoundException if the version does not exist
   * @throws ModelLoadException if the manifest is unreadable or does not describe this version
   */
  public Manifest manifest(String model, long version) {
    Path dir = versionDirectory(model, version);
    if (!isComplete(dir)) {
      throw new VersionNotFoundException(model + "@" + version, "unknown version: " + model + "@" + version + " does not exist");
    }
    return readManifest(dir.resolve(MANIFEST_FILE), model, version);
  }

  /** The reference profile file of a version, or null when it has none. */
  public Path profileFile(String model, long version) {
    Path file = versionDirectory(model, version).resolve(PROFILE_FILE);
    return Files.isRegularFile(file) ? file : null;
  }

  /**
   * Checks a version before ONNX Runtime sees it: the manifest, the size and sha256 of {@code
   * model.onnx} and of every external-data file, and that every external-data location stays inside
   * the version directory.
   *
   * @throws ChecksumMismatchException if a file's bytes differ from the manifest
   * @throws UnsafeModelException if the model references data outside its directory
   * @throws ModelLoadException if the manifest or the model file is invalid
   */
  public VerifiedVersion verify(String model, long version) {
    Manifest manifest = manifest(model, version);
    Path dir = versionDirectory(model, version);
    Path modelFile = dir.resolve(MODEL_FILE);
    checkDigest(model, version, dir, manifest.model());
    OnnxModelFile onnx;
    try {
      onnx = OnnxModelFile.read(modelFile);
    } catch (IOException | IllegalArgumentException e) {
      throw new ModelLoadException(model, version, "cannot read " + modelFile + ": " + e.getMessage(), e);
    }
    Path realDir = realPath(model, version, dir);
    for (String location : onnx.externalDataLocations()) {
      Path resolved = checkExternalLocation(model, version, dir, realDir, location);
      boolean recorded = manifest.externalData().stream().anyMatch(d -> dir.resolve(d.path()).normalize().equals(resolved));
      if (!recorded) {
        throw new ChecksumMismatchException(model, version, "external data file '" + location + "' is not recorded in the manifest, so its integrity cannot be checked");
      }
    }
    for (FileDigest digest : manifest.externalData()) {
      checkExternalLocation(model, version, dir, realDir, digest.path());
      checkDigest(model, version, dir, digest);
    }
    return new VerifiedVersion(manifest, dir, modelFile);
  }

  /**
   * A cheap fingerprint of everything that can change what a reference to {@code model} resolves
   * to: the complete versions and the aliases file. Used to notice registry changes.
   */
  public String fingerprint(String model) {
    Path dir = modelDirectory(model);
    if (!Files.isDirectory(dir)) {
      return "absent";
    }
    StringBuilder sb = new StringBuilder();
    try {
      sb.append(versions(model));
    } catch (RuntimeException e) {
      sb.append("unlistable");
    }
    Path aliases = dir.resolve(ALIASES_FILE);
    try {
      BasicFileAttributes attrs = Files.readAttributes(aliases, BasicFileAttributes.class);
      sb.append(" aliases:").append(attrs.lastModifiedTime().toMillis()).append('/').append(attrs.size()).append('/').append(attrs.fileKey());
    } catch (IOException e) {
      sb.append(" no-aliases");
    }
    return sb.toString();
  }

  static Manifest readManifest(Path file, String model, long version) {
    Manifest manifest;
    try {
      manifest = Json.MAPPER.readValue(file.toFile(), Manifest.class);
    } catch (JsonProcessingException e) {
      throw new ModelLoadException(model, version, "invalid manifest " + file + ": " + e.getOriginalMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new ModelLoadException(model, version, "cannot read manifest " + file + ": " + e.getMessage(), e);
    }
    if (!model.equals(manifest.name()) || manifest.version() != version) {
      throw new ModelLoadException(model, version, "manifest " + file + " describes " + manifest.name() + "@" + manifest.version() + ", not " + model + "@" + version, null);
    }
    if (manifest.formatVersion() > Manifest.FORMAT_VERSION) {
      throw new ModelLoadException(model, version, "manifest format " + manifest.formatVersion() + " is newer than this Fathom reads (" + Manifest.FORMAT_VERSION + ")", null);
    }
    if (!MODEL_FILE.equals(manifest.model().path())) {
      throw new ModelLoadException(model, version, "manifest names model file '" + manifest.model().path() + "', expected " + MODEL_FILE, null);
    }
    return manifest;
  }

  private void writeAliases(String model, Map<String, Long> aliases) {
    Path dir = existingModelDirectory(model);
    ObjectNode node = Json.MAPPER.createObjectNode();
    aliases.forEach(node::put);
    Path tmp = dir.resolve("." + ALIASES_FILE + "." + ProcessHandle.current().pid() + "." + System.nanoTime() + ".tmp");
    try {
      Files.write(tmp, Json.MAPPER.writeValueAsBytes(node));
      try {
        Files.move(tmp, dir.resolve(ALIASES_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir.resolve(ALIASES_FILE), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new RegistryException("cannot write aliases of '" + model + "': " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // best effort: a stray temporary file is ignored by readers
      }
    }
  }

  private Path existingModelDirectory(String model) {
    Path dir = modelDirectory(model);
    if (!Files.isDirectory(dir)) {
      throw new ModelNotFoundException(model, root.toString());
    }
    return dir;
  }

  private static boolean isComplete(Path versionDir) {
    return Files.isRegularFile(versionDir.resolve(MODEL_FILE)) && Files.isRegularFile(versionDir.resolve(MANIFEST_FILE));
  }

  private static void checkDigest(String model, long version, Path dir, FileDigest digest) {
    Path file = dir.resolve(digest.path()).normalize();
    try {
      long size = Files.size(file);
      if (size != digest.size()) {
        throw new ChecksumMismatchException(model, version, "checksum mismatch: " + digest.path() + " has " + size + " bytes, the manifest records " + digest.size());
      }
      String actual = Hashing.sha256(file);
      if (!actual.equalsIgnoreCase(digest.sha256())) {
        throw new ChecksumMismatchException(model, version, "checksum mismatch: sha256 of " + digest.path() + " is " + actual + ", the manifest records " + digest.sha256());
      }
    } catch (IOException e) {
      throw new ChecksumMismatchException(model, version, "cannot read " + digest.path() + " to verify it: " + e.getMessage());
    }
  }

  private static Path realPath(String model, long version, Path dir) {
    try {
      return dir.toRealPath();
    } catch (IOException e) {
      throw new ModelLoadException(model, version, "cannot resolve " + dir + ": " + e.getMessage(), e);
    }
  }

  private static Path checkExternalLocation(String model, long version, Path dir, Path realDir, String location) {
    Path relative;
    try {
      relative = Path.of(location);
    } catch (RuntimeException e) {
      throw new UnsafeModelException(model, version, "external data location '" + location + "' is not a valid path");
    }
    if (relative.isAbsolute() || location.startsWith("/") || location.startsWith("\\")) {
      throw new UnsafeModelException(model, version, "external data location '" + location + "' is absolute; it must be a path inside the version directory");
    }
    Path resolved = dir.resolve(relative).normalize();
    if (!resolved.startsWith(dir) || resolved.equals(dir)) {
      throw new UnsafeModelException(model, version, "external data location '" + location + "' leaves the version directory");
    }
    if (Files.exists(resolved)) {
      try {
        if (!resolved.toRealPath().startsWith(realDir)) {
          throw new UnsafeModelException(model, version, "external data location '" + location + "' is a link that leaves the version directory");
        }
      } catch (IOException e) {
        throw new UnsafeModelException(model, version, "cannot resolve external data location '" + location + "': " + e.getMessage());
      }
    }
    return resolved;
  }

  /** A version that passed {@link #verify}: its manifest, directory and model file. */
  public record VerifiedVersion(Manifest manifest, Path directory, Path modelFile) {}
}
