package dev.fathom.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The models every suite runs on, named by the {@code model} JMH parameter: {@code tiny} is {@code
 * testdata/models/mlp16.onnx} (16 features, hidden 32, one output; packed into the benchmarks jar),
 * {@code medium} is {@link MlpModel} with 256 features and hidden 1024 (generated when a benchmark
 * starts, never committed). Both take {@code input} float [N, features] and return {@code output}
 * float [N, 1]. Stateless and thread-safe.
 */
public enum BenchModel {
  TINY("tiny", 16),
  MEDIUM("medium", 256);

  private static final int MEDIUM_HIDDEN = 1024;

  private final String param;
  private final int features;

  BenchModel(String param, int features) {
    this.param = param;
    this.features = features;
  }

  /** The model a {@code model} parameter value names. */
  public static BenchModel of(String param) {
    for (BenchModel m : values()) {
      if (m.param.equals(param)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown model '" + param + "'; expected tiny or medium");
  }

  public String param() {
    return param;
  }

  /** Columns of the one input row. */
  public int features() {
    return features;
  }

  public String inputName() {
    return "input";
  }

  public String outputName() {
    return "output";
  }

  /** Writes the model file into {@code directory} (as {@code <param>.onnx}) and returns its path. */
  public Path writeTo(Path directory) {
    Path file = directory.resolve(param + ".onnx");
    try {
      if (this == TINY) {
        try (InputStream in = BenchModel.class.getResourceAsStream("/models/mlp16.onnx")) {
          if (in == null) {
            throw new IllegalStateException("models/mlp16.onnx is missing from the class path; build the benchmarks module with Maven");
          }
          Files.copy(in, file);
        }
      } else {
        MlpModel.of(features, MEDIUM_HIDDEN).write(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the " + param + " model to " + file, e);
    }
    return file;
  }

  /**
   * The row every case predicts: fixed values in [-1, 1], the same for every case and run, so all
   * cases compute the same thing.
   */
  public float[] row() {
    SplittableRandom random = new SplittableRandom(MlpModel.SEED + features);
    float[] row = new float[features];
    for (int i = 0; i < features; i++) {
      row[i] = (float) (random.nextDouble() * 2.0 - 1.0);
    }
    return row;
  }

  /** The expected output for {@link #row()} computed in Java, or NaN when the weights are not known here (tiny). */
  public double reference() {
    return this == MEDIUM ? MlpModel.of(features, MEDIUM_HIDDEN).reference(row()) : Double.NaN;
  }

  /** A new temporary directory for one benchmark's files; remove it with {@link #deleteRecursively}. */
  static Path tempDirectory(String prefix) {
    try {
      return Files.createTempDirectory("fathom-bench-" + prefix + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteRecursively(Path directory) {
    if (directory == null || !Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // a leftover file in the temporary directory is harmless
        }
      });
    } catch (IOException e) {
      // same
    }
  }
}
