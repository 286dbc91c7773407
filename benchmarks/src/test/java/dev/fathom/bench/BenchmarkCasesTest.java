package dev.fathom.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every benchmark case must compute the same thing, or the suite compares apples with pears. Each
 * case runs a few calls here (no timing) through the same state objects JMH would set up, and all
 * must return the same output; the medium model's output is also checked against a plain-Java
 * evaluation of its weights, which checks the generated ONNX file itself.
 */
class BenchmarkCasesTest {

  @ParameterizedTest
  @ValueSource(strings = {"tiny", "medium"})
  void everyCaseReturnsTheSameOutput(String model) throws Exception {
    double[] results = new double[6];

    // DJL first: its engine insists on creating the process's one ONNX Runtime environment itself
    // (with thread-pool options) and fails if Fathom or raw code created it before; in JMH every
    // case runs in its own JVM, so this only matters here.
    DjlBenchmark djl = new DjlBenchmark();
    DjlBenchmark.Model zoo = new DjlBenchmark.Model();
    zoo.model = model;
    zoo.load();
    try {
      DjlBenchmark.ThreadPredictor predictor = new DjlBenchmark.ThreadPredictor();
      predictor.open(zoo);
      try {
        for (int i = 0; i < 3; i++) {
          results[3] = djl.predict(predictor);
        }
      } finally {
        predictor.close();
      }
    } finally {
      zoo.close();
    }

    RawOrtBenchmark raw = new RawOrtBenchmark();
    RawOrtBenchmark.Session session = new RawOrtBenchmark.Session();
    session.model = model;
    session.open();
    try {
      RawOrtBenchmark.Row row = new RawOrtBenchmark.Row();
      row.make(session);
      RawOrtBenchmark.Pinned pinned = new RawOrtBenchmark.Pinned();
      pinned.allocate(session);
      try {
        for (int i = 0; i < 3; i++) {
          results[0] = raw.usual(session, row);
          results[1] = raw.directPerCall(session, row);
          results[2] = raw.best(session, row, pinned);
        }
      } finally {
        pinned.free();
      }
    } finally {
      session.close();
    }

    FathomBenchmark fathom = new FathomBenchmark();
    for (String mode : FathomModes.ALL) {
      FathomBenchmark.Serving serving = new FathomBenchmark.Serving();
      serving.model = model;
      serving.mode = mode;
      serving.start();
      try {
        FathomBenchmark.ThreadPredictor predictor = new FathomBenchmark.ThreadPredictor();
        predictor.open(serving);
        FathomBenchmark.ThreadRow row = new FathomBenchmark.ThreadRow();
        row.make(serving);
        try {
          for (int i = 0; i < 3; i++) {
            results[4] = fathom.predictor(predictor);
            results[5] = fathom.modelPredict(serving, row);
          }
        } finally {
          predictor.close();
        }
        assertThat(results[4]).as("Predictor in mode %s", mode).isEqualTo(results[0]);
        assertThat(results[5]).as("Model.predict in mode %s", mode).isEqualTo(results[0]);
        if (!mode.equals(FathomModes.OFF)) {
          assertThat(dev.fathom.BenchAccess.monitoring(serving.instance.fathom).referenceSource("bench", 1)).as("mode %s", mode).startsWith("profile.json");
          assertThat(serving.instance.summary("bench", 1)).as("mode %s", mode).contains("6 calls timed");
        }
        if (mode.equals(FathomModes.SAMPLED_100PCT)) {
          assertThat(serving.instance.summary("bench", 1)).contains("6 rows sampled");
        }
      } finally {
        serving.stop();
      }
    }

    assertThat(results[0]).as("output in (0, 1)").isStrictlyBetween(0.0, 1.0);
    for (int i = 1; i < results.length; i++) {
      assertThat(results[i]).as("case %d of %s", i, Arrays.toString(results)).isEqualTo(results[0]);
    }
    double reference = BenchModel.of(model).reference();
    if (!Double.isNaN(reference)) {
      assertThat(results[0]).isCloseTo(reference, within(1e-5));
    }
  }

  @Test
  void generatedModelIsDeterministic(@TempDir Path dir) throws Exception {
    Path a = BenchModel.MEDIUM.writeTo(Files.createDirectory(dir.resolve("a")));
    Path b = BenchModel.MEDIUM.writeTo(Files.createDirectory(dir.resolve("b")));
    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    assertThat(Files.size(a)).isGreaterThan(256L * 1024 * 4);
  }

  @Test
  void unknownParametersAreRefusedByName(@TempDir Path dir) {
    assertThatThrownBy(() -> BenchModel.of("huge")).hasMessageContaining("'huge'").hasMessageContaining("tiny or medium");
    assertThatThrownBy(() -> FathomModes.open("sampled-7pct", dir)).hasMessageContaining("'sampled-7pct'");
  }
}
