package dev.fathom.registry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What to publish: a model file under a name, with its feature schema, lineage, runtime hints,
 * optional reference profile and aliases. Built with {@link #builder(String, Path)}; immutable.
 */
public final class PublishRequest {
  private final String model;
  private final Path modelFile;
  private final Long version;
  private final Map<String, List<FeatureSpec>> features;
  private final Map<String, List<String>> labels;
  private final Lineage lineage;
  private final RuntimeHints runtime;
  private final Path profile;
  private final Set<String> aliases;
  private final Clock clock;
  private final Consumer<Path> check;

  private PublishRequest(Builder b) {
    this.model = b.model;
    this.modelFile = b.modelFile;
    this.version = b.version;
    this.features = Map.copyOf(b.features);
    this.labels = Map.copyOf(b.labels);
    this.lineage = b.lineage;
    this.runtime = b.runtime;
    this.profile = b.profile;
    this.aliases = Set.copyOf(b.aliases);
    this.clock = b.clock;
    this.check = b.check;
  }

  /**
   * Starts a request to publish {@code modelFile} as the next version of {@code model}.
   *
   * @throws dev.fathom.InvalidReferenceException if the name is invalid
   */
  public static Builder builder(String model, Path modelFile) {
    return new Builder(ModelReference.checkModelName(model), Objects.requireNonNull(modelFile, "modelFile"));
  }

  public String model() {
    return model;
  }

  public Path modelFile() {
    return modelFile;
  }

  /** The requested version, or null for the next free one. */
  public Long version() {
    return version;
  }

  /** Input tensor name to its features; the key {@code ""} means "the only input". */
  public Map<String, List<FeatureSpec>> features() {
    return features;
  }

  /** Output tensor name to its class labels; the key {@code ""} means "the first output". */
  public Map<String, List<String>> labels() {
    return labels;
  }

  public Lineage lineage() {
    return lineage;
  }

  public RuntimeHints runtime() {
    return runtime;
  }

  /** A {@code profile.json} to store with the version, or null. */
  public Path profile() {
    return profile;
  }

  public Set<String> aliases() {
    return aliases;
  }

  public Clock clock() {
    return clock;
  }

  /** A check run on the complete temporary version directory before it becomes visible. */
  public Consumer<Path> check() {
    return check;
  }

  /** Builds a {@link PublishRequest}; not thread-safe. */
  public static final class Builder {
    private final String model;
    private final Path modelFile;
    private Long version;
    private final Map<String, List<FeatureSpec>> features = new LinkedHashMap<>();
    private final Map<String, List<String>> labels = new LinkedHashMap<>();
    private Lineage lineage = Lineage.unknown();
    private RuntimeHints runtime = RuntimeHints.none();
    private Path profile;
    private final Set<String> aliases = new LinkedHashSet<>();
    private Clock clock = Clock.systemUTC();
    private Consumer<Path> check = dir -> {};

    private Builder(String model, Path modelFile) {
      this.model = model;
      this.modelFile = modelFile;
    }

    /** Publishes as this exact version; fails if it exists. By default the next free version. */
    public Builder version(long version) {
      if (version < 1) {
        throw new IllegalArgumentException("version must be positive, was " + version);
      }
      this.version = version;
      return this;
    }

    /** Names the features of the model's only input (see {@link FeatureSpec}). */
    public Builder features(List<FeatureSpec> specs) {
      return features("", specs);
    }

    /** Names the features of input {@code input}. */
    public Builder features(String input, List<FeatureSpec> specs) {
      features.put(Objects.requireNonNull(input, "input"), List.copyOf(specs));
      return this;
    }

    /** Names the class labels of the model's first output. */
    public Builder labels(List<String> classLabels) {
      return labels("", classLabels);
    }

    /** Names the class labels of output {@code output}. */
    public Builder labels(String output, List<String> classLabels) {
      labels.put(Objects.requireNonNull(output, "output"), List.copyOf(classLabels));
      return this;
    }

    public Builder lineage(Lineage lineage) {
      this.lineage = Objects.requireNonNull(lineage, "lineage");
      return this;
    }

    public Builder runtime(RuntimeHints runtime) {
      this.runtime = Objects.requireNonNull(runtime, "runtime");
      return this;
    }

    /** Stores {@code profileJson} as the version's reference profile. */
    public Builder profile(Path profileJson) {
      if (!Files.isRegularFile(profileJson)) {
        throw new IllegalArgumentException("profile " + profileJson + " is not a file");
      }
      this.profile = profileJson;
      return this;
    }

    /** Points {@code alias} at the new version once it is published. */
    public Builder alias(String alias) {
      aliases.add(ModelReference.checkAliasName(alias));
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * A check on the complete version directory before it is made visible, for example loading it
     * into ONNX Runtime; throwing aborts the publish.
     */
    public Builder check(Consumer<Path> check) {
      this.check = Objects.requireNonNull(check, "check");
      return this;
    }

    public PublishRequest build() {
      if (!Files.isRegularFile(modelFile)) {
        throw new IllegalArgumentException("model file " + modelFile + " does not exist");
      }
      return new PublishRequest(this);
    }
  }
}
