package dev.fathom.monitor;

import dev.fathom.FathomTestAccess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fathom.Features;
import dev.fathom.InputShapeException;
import dev.fathom.InputTypeException;
import dev.fathom.InvalidInputException;
import dev.fathom.MissingInputException;
import dev.fathom.Model;
import dev.fathom.Prediction;
import dev.fathom.Predictor;
import dev.fathom.Tensor;
import dev.fathom.ValidationException;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schema validation through real models in ONNX Runtime, in enforce and observe mode. */
class ValidationTest {
  @TempDir Path dir;
  Harness h;

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
    }
  }

  private Model enforcedClassifier() {
    h = new Harness(dir, MonitoringOptions.builder().validation(ValidationMode.ENFORCE).samplingRate(0).build());
    h.publishConstrainedClassifier("fraud", null);
    return h.fathom.model("fraud");
  }

  private static Features.Builder good() {
    return Features.builder().put("amount", 120.0).put("age", 40.0).put("score", 0.5).put("velocity", "low");
  }

  private static ValidationException rejected(Runnable call) {
    ValidationException e = catchThrowableOfType(ValidationException.class, call::run);
    assertThat(e).as("expected a ValidationException").isNotNull();
    assertThat(e).isInstanceOf(InvalidInputException.class);
    assertThat(e.errorType()).isEqualTo("validation_failed");
    return e;
  }

  @Test
  void enforceRejectsEachKindOfBadFeatureNamingTheFeatureAndRule() {
    Model model = enforcedClassifier();
    assertThat(model.predict(good().build()).label()).isNotNull();
    // a nullable feature may be missing
    assertThat(model.predict(good().missing("score").build()).label()).isNotNull();

    ValidationException nan = rejected(() -> model.predict(good().put("amount", Double.NaN).build()));
    assertThat(nan.input()).isEqualTo("amount");
    assertThat(nan.rule()).isEqualTo("nan");
    assertThat(nan.getMessage()).contains("fraud@1").contains("'amount' nan");

    ValidationException inf = rejected(() -> model.predict(good().put("age", Double.POSITIVE_INFINITY).build()));
    assertThat(inf.input()).isEqualTo("age");
    assertThat(inf.rule()).isEqualTo("infinite");
    assertThat(inf.getMessage()).contains("'age' infinite");

    ValidationException below = rejected(() -> model.predict(good().put("amount", -5.0).build()));
    assertThat(below.rule()).isEqualTo("range");
    assertThat(below.getMessage()).contains("'amount' range").contains("-5 is below the minimum 0");
    ValidationException above = rejected(() -> model.predict(good().put("age", 200.0).build()));
    assertThat(above.getMessage()).contains("'age' range").contains("200 is above the maximum 120");

    ValidationException unknown = rejected(() -> model.predict(good().put("velocity", "supersonic").build()));
    assertThat(unknown.input()).isEqualTo("velocity");
    assertThat(unknown.rule()).isEqualTo("category");
    assertThat(unknown.getMessage()).contains("'velocity' category").contains("unknown category");

    // encoded rows: a categorical index without a value, or outside the domain
    ValidationException missing = rejected(() -> model.predict(new double[] {1, 30, 0, Double.NaN}));
    assertThat(missing.input()).isEqualTo("velocity");
    assertThat(missing.rule()).isEqualTo("missing");
    ValidationException outside = rejected(() -> model.predict(new double[] {1, 30, 0, 7}));
    assertThat(outside.getMessage()).contains("category index 7 is outside 0..2");
    ValidationException fraction = rejected(() -> model.predict(new double[] {1, 30, 0, 0.5}));
    assertThat(fraction.rule()).isEqualTo("category");

    // a required feature left out never reaches validation: the encoder names it
    assertThatThrownBy(() -> model.predict(Features.builder().put("amount", 1.0).put("score", 3.0).put("velocity", "low").build()))
        .isInstanceOf(MissingInputException.class)
        .hasMessageContaining("'age'");
  }

  @Test
  void enforceListsEveryViolationOfEveryRow() {
    Model model = enforcedClassifier();
    ValidationException all = rejected(() -> model.predict(Features.builder()
        .put("amount", Double.NaN).put("age", 500.0).put("score", Double.NEGATIVE_INFINITY).put("velocity", "warp").build()));
    assertThat(all.violations()).extracting(ValidationException.Violation::input, ValidationException.Violation::rule)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("amount", "nan"),
            org.assertj.core.groups.Tuple.tuple("age", "range"),
            org.assertj.core.groups.Tuple.tuple("score", "infinite"),
            org.assertj.core.groups.Tuple.tuple("velocity", "category"));
    assertThat(all.getMessage()).contains("4 violations").contains("'amount' nan").contains("'age' range").contains("'score' infinite").contains("'velocity' category");

    List<Features> batch = List.of(good().build(), good().put("amount", -1.0).build(), good().put("age", 5.0).put("velocity", "x").build());
    ValidationException rows = rejected(() -> model.predictBatch(batch));
    assertThat(rows.violations()).extracting(ValidationException.Violation::row, ValidationException.Violation::input)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "amount"),
            org.assertj.core.groups.Tuple.tuple(2, "age"),
            org.assertj.core.groups.Tuple.tuple(2, "velocity"));
    assertThat(rows.getMessage()).contains("(row 2)");
  }

  @Test
  void enforceChecksThePinnedFastPathAndOneHotFeatures() {
    h = new Harness(dir, MonitoringOptions.builder().validation(ValidationMode.ENFORCE).samplingRate(0).build());
    h.publishOneHotMlp("onehot");
    Model model = h.fathom.model("onehot");
    float[] row = new float[16];
    row[1] = 1; // FR
    try (Predictor p = model.predictor()) {
      p.predict(row);
      float[] twoHot = row.clone();
      twoHot[0] = 1;
      ValidationException e = rejected(() -> p.predict(twoHot));
      assertThat(e.input()).isEqualTo("country");
      assertThat(e.rule()).isEqualTo("category");
      assertThat(e.getMessage()).contains("one-hot columns [1.0, 1.0, 0.0]");
      float[] none = new float[16];
      assertThat(rejected(() -> p.predict(none)).rule()).isEqualTo("category");
      float[] nan = row.clone();
      nan[7] = Float.NaN;
      ValidationException f = rejected(() -> p.predict(nan));
      assertThat(f.input()).isEqualTo("f4");
      assertThat(f.rule()).isEqualTo("nan");
      // the predictor keeps working after a rejection
      p.predict(row);
      assertThat(p.output(0)).isBetween(0.0, 1.0);
    }
    Features.Builder named = Features.builder().put("country", "IT");
    for (int i = 0; i < 13; i++) {
      named.put("f" + i, 0.1 * i);
    }
    assertThat(model.predict(named.build()).value()).isBetween(0.0, 1.0);
    assertThat(rejected(() -> model.predict(named.put("country", "ES").build())).getMessage()).contains("'country' category");
  }

  @Test
  void enforceChecksTensorInputs() {
    h = new Harness(dir, MonitoringOptions.builder().validation(ValidationMode.ENFORCE).samplingRate(0).build());
    h.registry.publish("regressor", "regressor.onnx");
    Model model = h.fathom.model("regressor");
    Tensor good = Tensor.ofFloats(new float[] {1, 2, 3}, 1, 3);
    assertThat(model.run(Map.of("input", good)).value()).isEqualTo(4.75);
    ValidationException nan = rejected(() -> model.run(Map.of("input", Tensor.ofFloats(new float[] {1, Float.NaN, 3}, 1, 3))));
    assertThat(nan.input()).isEqualTo("input");
    assertThat(nan.rule()).isEqualTo("nan");
    ValidationException inf = rejected(() -> model.run(Map.of("input", Tensor.ofFloats(new float[] {1, 2, Float.NEGATIVE_INFINITY}, 1, 3))));
    assertThat(inf.rule()).isEqualTo("infinite");
    // element type and shape are checked for every call in every mode, with the same input and rule names
    InvalidInputException dtype = catchThrowableOfType(InputTypeException.class, () -> model.run(Map.of("input", Tensor.ofDoubles(new double[] {1, 2, 3}, 1, 3))));
    assertThat(dtype.input()).isEqualTo("input");
    assertThat(dtype.rule()).isEqualTo("dtype");
    InvalidInputException shape = catchThrowableOfType(InputShapeException.class, () -> model.run(Map.of("input", Tensor.ofFloats(new float[4], 1, 4))));
    assertThat(shape.input()).isEqualTo("input");
    assertThat(shape.rule()).isEqualTo("shape");
  }

  @Test
  void enforceCountsRejectedViolations() {
    Model model = enforcedClassifier();
    for (int i = 0; i < 3; i++) {
      rejected(() -> model.predict(good().put("amount", -1.0).build()));
    }
    Collection<MetricData> m = h.metrics();
    assertThat(Harness.longValue(m, "fathom.validation.violations", Map.of("model.name", "fraud", "model.version", "1", "feature", "amount", "rule", "range")))
        .isEqualTo(3);
  }

  @Test
  void observeLetsCallsThroughAndCountsViolationsPerFeatureAndRule() {
    h = new Harness(dir, MonitoringOptions.builder().validation(ValidationMode.OBSERVE).samplingRate(1.0).maxSamplesPerSecond(1_000_000).queueCapacity(65536).build());
    h.publishConstrainedClassifier("fraud", null);
    Model model = h.fathom.model("fraud");
    List<Prediction> out = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      out.add(model.predict(good().put("amount", -1.0).build()));
    }
    out.add(model.predict(good().put("age", Double.NaN).put("velocity", "warp").build()));
    out.addAll(model.predictBatch(List.of(good().put("score", Double.POSITIVE_INFINITY).build(), good().build())));
    try (Predictor p = model.predictor()) {
      p.predict(new float[] {1, 30, 0, Float.NaN});
    }
    assertThat(out).hasSize(8);
    assertThat(h.flush()).isTrue();
    Collection<MetricData> m = h.metrics();
    Map<String, String> fraud = Map.of("model.name", "fraud", "model.version", "1");
    assertThat(Harness.longValue(m, "fathom.validation.violations", with(fraud, "amount", "range"))).isEqualTo(5);
    assertThat(Harness.longValue(m, "fathom.validation.violations", with(fraud, "age", "nan"))).isEqualTo(1);
    assertThat(Harness.longValue(m, "fathom.validation.violations", with(fraud, "velocity", "category"))).isEqualTo(1);
    assertThat(Harness.longValue(m, "fathom.validation.violations", with(fraud, "score", "infinite"))).isEqualTo(1);
    assertThat(Harness.longValue(m, "fathom.validation.violations", with(fraud, "velocity", "missing"))).isEqualTo(1);
    assertThat(Harness.longValue(m, "fathom.sampling.samples", fraud)).isEqualTo(9);
  }

  @Test
  void observeCountsANonFiniteTensorValueOnlyForItsOwnRow() {
    h = new Harness(dir, MonitoringOptions.builder().validation(ValidationMode.OBSERVE).samplingRate(1.0).maxSamplesPerSecond(1_000_000).queueCapacity(65536).build());
    h.registry.publish("regressor", "regressor.onnx");
    Model model = h.fathom.model("regressor");
    // two rows, a NaN in the second only: both rows sampled, one violation
    model.run(Map.of("input", Tensor.ofFloats(new float[] {1, 2, 3, 4, Float.NaN, 6}, 2, 3)));
    assertThat(h.flush()).isTrue();
    Collection<MetricData> m = h.metrics();
    Map<String, String> regressor = Map.of("model.name", "regressor", "model.version", "1");
    assertThat(Harness.longValue(m, "fathom.sampling.samples", regressor)).isEqualTo(2);
    assertThat(Harness.longValue(m, "fathom.validation.violations", with(regressor, "input", "nan"))).isEqualTo(1);
  }

  @Test
  void offValidatesNothing() {
    h = new Harness(dir, MonitoringOptions.builder().validation(ValidationMode.OFF).samplingRate(1.0).build());
    h.publishConstrainedClassifier("fraud", null);
    Model model = h.fathom.model("fraud");
    model.predict(good().put("amount", -1.0).build());
    assertThat(h.flush()).isTrue();
    assertThat(Harness.points(h.metrics(), "fathom.validation.violations")).isEmpty();
  }

  @Test
  void perModelOverridesChooseTheMode() {
    h = new Harness(dir, MonitoringOptions.builder().validation(ValidationMode.OFF).model("strict", m -> m.validation(ValidationMode.ENFORCE)).build());
    h.publishConstrainedClassifier("strict", null);
    h.publishConstrainedClassifier("lenient", null);
    rejected(() -> h.fathom.model("strict").predict(good().put("amount", -1.0).build()));
    assertThat(h.fathom.model("lenient").predict(good().put("amount", -1.0).build()).label()).isNotNull();
  }

  @Test
  void nanEmptyOversizedAndMistypedInputsNeverCrash() {
    for (ValidationMode mode : ValidationMode.values()) {
      h = new Harness(dir.resolve(mode.toString()), MonitoringOptions.builder().validation(mode).samplingRate(1.0).maxSamplesPerSecond(1_000_000).queueCapacity(65536).window(10, java.time.Duration.ofMinutes(1))
          .baselineSamples(30).build());
      h.publishConstrainedClassifier("fraud", null);
      h.registry.publish("types", "all_types.onnx");
      Model model = h.fathom.model("fraud");
      List<Runnable> bad = List.of(
          () -> model.predict(good().put("amount", Double.NaN).put("age", Double.NaN).put("score", Double.NaN).build()),
          () -> model.predict(new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN}),
          () -> model.predict(new double[] {Double.MAX_VALUE, -Double.MAX_VALUE, 1e300, 1e9}),
          () -> model.predict(new double[0]),
          () -> model.predict(new double[400]),
          () -> model.predict(good().put("amount", "lots").build()),
          () -> model.predict(good().put("velocity", 3.5).build()),
          () -> model.predict(good().put("unknown", 1.0).build()),
          () -> model.predictBatch(List.of()),
          () -> model.run(Map.of("input", Tensor.ofFloats(new float[0], 0, 4))),
          () -> model.run(Map.of("input", Tensor.ofFloats(new float[] {Float.NaN, 1, 2, 3}, 1, 4))),
          () -> model.run(Map.of("input", Tensor.ofLongs(new long[4], 1, 4))),
          () -> model.run(Map.of("input", Tensor.ofStrings(new String[] {"a", "b", "c", "d"}, 1, 4))),
          () -> model.run(Map.of()));
      for (int round = 0; round < 5; round++) {
        for (Runnable call : bad) {
          try {
            call.run();
          } catch (InvalidInputException expected) {
            // a typed rejection is the right answer; anything else fails the test
          } catch (dev.fathom.FathomException expected) {
            assertThat(expected).isNotInstanceOf(dev.fathom.InferenceException.class);
          }
        }
      }
      // tensors of any type, rank and size through a shape-less model, sampled
      Model types = h.fathom.model("types");
      Map<String, Tensor> tensors = new java.util.HashMap<>();
      for (dev.fathom.ElementType t : dev.fathom.ElementType.values()) {
        if (t == dev.fathom.ElementType.STRING) {
          tensors.put("x_string", Tensor.ofStrings(new String[0], 0));
        } else if (t.isFloatingPoint()) {
          tensors.put("x_" + t.onnxName(), Tensor.of(t, new long[] {2, 2}, t == dev.fathom.ElementType.FLOAT64
              ? new double[] {Double.NaN, 1, Double.POSITIVE_INFINITY, 2} : new float[] {Float.NaN, 1, Float.POSITIVE_INFINITY, 2}));
        } else {
          tensors.put("x_" + t.onnxName(), Tensor.of(t, new long[0], java.lang.reflect.Array.newInstance(t.arrayType().getComponentType(), 1)));
        }
      }
      for (int i = 0; i < 3; i++) {
        try {
          types.run(tensors);
        } catch (ValidationException expected) {
          assertThat(mode).isEqualTo(ValidationMode.ENFORCE);
        }
      }
      assertThat(h.flush()).isTrue();
      // the analyzer is still alive and well: good rows are sampled and analyzed
      long before = Harness.longValue(h.metrics(), "fathom.sampling.samples", Map.of("model.name", "fraud"));
      for (int i = 0; i < 40; i++) {
        model.predict(good().put("amount", 100.0 + i).build());
      }
      assertThat(h.flush()).isTrue();
      assertThat(Harness.longValue(h.metrics(), "fathom.sampling.samples", Map.of("model.name", "fraud"))).isEqualTo(before + 40);
      assertThat(FathomTestAccess.monitoring(h.fathom).lastReport("fraud", 1)).isNotNull();
      h.close();
      h = null;
    }
  }

  private static Map<String, String> with(Map<String, String> base, String feature, String rule) {
    Map<String, String> m = new java.util.HashMap<>(base);
    m.put("feature", feature);
    m.put("rule", rule);
    return m;
  }
}
