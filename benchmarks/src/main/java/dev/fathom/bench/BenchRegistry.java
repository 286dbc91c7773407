package dev.fathom.bench;

import dev.fathom.monitor.ReferenceProfile;
import dev.fathom.registry.FeatureSpec;
import dev.fathom.registry.LocalRegistry;
import dev.fathom.registry.PublishRequest;
import dev.fathom.registry.Publisher;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Publishes a benchmark model into a local registry the way a team would: numeric features {@code
 * f0..f(n-1)} in the manifest and, when asked, a reference profile built by the runtime's own
 * profile builder ({@link ReferenceProfile#build(PublishRequest, Path)}, what {@code fathom publish
 * --data} does) from a generated CSV of training rows. Stateless.
 */
public final class BenchRegistry {
  /** Training rows the reference profile is built from. */
  public static final int TRAINING_ROWS = 2000;

  private BenchRegistry() {}

  /** The feature specs of a model with {@code n} numeric inputs. */
  public static List<FeatureSpec> numeric(int n) {
    List<FeatureSpec> specs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      specs.add(FeatureSpec.numeric("f" + i));
    }
    return specs;
  }

  /**
   * Publishes {@code modelFile} (features {@code f0..f(features-1)}) as model {@code name} version 1
   * into a registry at {@code directory/registry}, with a reference profile when {@code profile}.
   *
   * @return the registry's root
   */
  public static Path publish(Path directory, String name, Path modelFile, int features, boolean profile) {
    Path root = directory.resolve("registry");
    PublishRequest.Builder request = PublishRequest.builder(name, modelFile).version(1).features(numeric(features));
    if (profile) {
      Path json = directory.resolve("profile.json");
      cachedProfile(modelFile, features, directory, json);
      request.profile(json);
    }
    new Publisher(new LocalRegistry(root)).publish(request.build());
    return root;
  }

  /**
   * Writes the reference profile of {@code modelFile} to {@code json}: from a cache in the
   * temporary directory when this jar built it before for the same model bytes, else built now
   * (and cached). Every benchmark JVM of a run publishes the same models, and building a profile
   * costs a JVM start and a pass over the training rows: seconds per trial. The cache key covers
   * the model file's SHA-256, the feature count, the training rows and this jar's size and time,
   * so a rebuilt jar (say, a changed profile builder) never reuses an old profile.
   */
  static void cachedProfile(Path modelFile, int features, Path directory, Path json) {
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      sha.update(Files.readAllBytes(modelFile));
      String jar = System.getProperty("java.class.path").split(java.io.File.pathSeparator)[0];
      Path jarPath = Path.of(jar);
      if (!Files.isRegularFile(jarPath)) {
        // not running from benchmarks.jar (tests): no stamp to key a cache on, so build it
        profileInChildJvm(modelFile, features, trainingCsv(directory.resolve("training.csv"), features, TRAINING_ROWS, 7L), json);
        return;
      }
      String stamp = Files.size(jarPath) + "-" + Files.getLastModifiedTime(jarPath).toMillis();
      sha.update((features + "/" + TRAINING_ROWS + "/7/" + stamp).getBytes(StandardCharsets.UTF_8));
      String key = java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 24);
      Path cache = Path.of(System.getProperty("java.io.tmpdir"), "fathom-bench-profiles", key + ".json");
      if (!Files.isRegularFile(cache)) {
        Path csv = trainingCsv(directory.resolve("training.csv"), features, TRAINING_ROWS, 7L);
        Path built = directory.resolve("profile-built.json");
        profileInChildJvm(modelFile, features, csv, built);
        Files.createDirectories(cache.getParent());
        Path partial = Files.createTempFile(cache.getParent(), key, ".part");
        Files.copy(built, partial, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(partial, cache, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      Files.copy(cache, json, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the reference profile of " + modelFile, e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Builds the profile in a separate JVM, as {@code fathom publish --data} would at publication:
   * profiling runs the model through Fathom's general call paths on thousands of rows, and doing
   * that inside the benchmark JVM trains the JIT on call shapes the benchmark never makes (it was
   * measured: ONNX Runtime's own per-call garbage then grows by 24 B on the fast path, because a
   * polluted type profile defeats escape analysis in {@code OrtSession.run}).
   */
  static void profileInChildJvm(Path modelFile, int features, Path csv, Path json) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), BenchRegistry.class.getName(), "profile",
        modelFile.toString(), Integer.toString(features), csv.toString(), json.toString()).redirectErrorStream(true);
    try {
      Process process = pb.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0 || !Files.isRegularFile(json)) {
        throw new IllegalStateException("building the reference profile failed:\n" + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a JVM to build the reference profile", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building the reference profile", e);
    }
  }

  /**
   * The registry the agent serves in {@link AgentOrtBenchmark}'s JVMs: every benchmark model
   * published as {@code bench-<model>} version 1 with its reference profile, in {@code
   * directory/registry} (returned). The agent recognises an application's session by the model
   * file's sha256, and the benchmark writes the same bytes.
   */
  public static Path agentRegistry(Path directory) {
    return agentRegistry(directory, BenchModel.values());
  }

  /** {@link #agentRegistry(Path)} with only {@code models}. */
  public static Path agentRegistry(Path directory, BenchModel... models) {
    Path root = directory.resolve("registry");
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + directory, e);
    }
    for (BenchModel m : models) {
      // same directory for both: publish() writes into directory/registry, files named per model
      publish(directory, AgentOrtBenchmark.registryName(m.param()), m.writeTo(directory), m.features(), true);
    }
    return root;
  }

  /**
   * {@code profile MODEL_FILE FEATURES CSV OUT_JSON}: builds a reference profile with the runtime's
   * profile builder (the child JVM of {@link #publish}).
   */
  public static void main(String[] args) {
    if (args.length == 2 && args[0].equals("agent-registry")) {
      System.out.println(agentRegistry(Path.of(args[1])));
      return;
    }
    if (args.length != 5 || !args[0].equals("profile")) {
      System.err.println("usage: BenchRegistry profile MODEL_FILE FEATURES CSV OUT_JSON\n       BenchRegistry agent-registry DIR");
      System.exit(2);
    }
    PublishRequest request = PublishRequest.builder("bench", Path.of(args[1])).version(1).features(numeric(Integer.parseInt(args[2]))).build();
    ReferenceProfile.build(request, Path.of(args[3])).write(Path.of(args[4]));
  }

  /**
   * Writes {@code rows} rows of {@code features} columns ({@code f0,..}) drawn uniformly from [-1,
   * 1], like the benchmark rows, from a fixed seed.
   */
  public static Path trainingCsv(Path file, int features, int rows, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int f = 0; f < features; f++) {
        out.write(f == 0 ? "f0" : ",f" + f);
      }
      out.newLine();
      for (int r = 0; r < rows; r++) {
        for (int f = 0; f < features; f++) {
          if (f > 0) {
            out.write(',');
          }
          out.write(String.format(Locale.ROOT, "%.6f", (float) (random.nextDouble() * 2.0 - 1.0)));
        }
        out.newLine();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  /** {@code count} rows of {@code features} values uniform in [-1, 1] (the training distribution), from {@code seed}. */
  public static float[][] rows(int count, int features, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] rows = new float[count][features];
    for (float[] row : rows) {
      for (int f = 0; f < features; f++) {
        row[f] = (float) (random.nextDouble() * 2.0 - 1.0);
      }
    }
    return rows;
  }
}
