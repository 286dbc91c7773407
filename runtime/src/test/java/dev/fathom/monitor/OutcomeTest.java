package dev.fathom.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fathom.Features;
import dev.fathom.Model;
import dev.fathom.Prediction;
import dev.fathom.Tensor;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Late ground truth joined to sampled predictions of real models, and the quality gauges over it. */
class OutcomeTest {
  @TempDir Path dir;
  Harness h;

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
    }
  }

  private static MonitoringOptions all() {
    return MonitoringOptions.builder().samplingRate(1.0).maxSamplesPerSecond(1_000_000).queueCapacity(65536).build();
  }

  @Test
  void outcomesJoinTheVersionThatMadeThePrediction() {
    h = new Harness(dir, all());
    h.registry.publishClassifier("fraud");
    Model model = h.fathom.model("fraud");
    // version 1 stays loaded while version 2 serves
    Model pinned = h.fathom.model("fraud@1");
    List<Prediction> first = predictions(model, 40, 1);
    h.registry.publishClassifier("fraud");
    h.fathom.refresh();
    assertThat(model.version()).isEqualTo(2);
    List<Prediction> second = predictions(model, 30, 2);
    assertThat(h.flush()).isTrue();
    for (Prediction p : second) {
      assertThat(p.version()).isEqualTo(2);
      assertThat(h.fathom.recordOutcome(p.id(), p.label())).as("outcome of %s", p.id()).isTrue();
    }
    for (Prediction p : first) {
      assertThat(h.fathom.recordOutcome(p.id(), p.label())).as("outcome of %s", p.id()).isTrue();
    }
    Collection<MetricData> m = h.metrics();
    assertThat(Harness.longValue(m, "fathom.outcome.count", Map.of("model.name", "fraud", "model.version", "1"))).isEqualTo(40);
    assertThat(Harness.longValue(m, "fathom.outcome.count", Map.of("model.name", "fraud", "model.version", "2"))).isEqualTo(30);
    assertThat(Harness.doubleValue(m, "fathom.outcome.accuracy", Map.of("model.name", "fraud", "model.version", "2"))).isEqualTo(1.0);
    assertThat(pinned.version()).isEqualTo(1);
  }

  private static List<Prediction> predictions(Model model, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Prediction> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(model.predict(Features.builder().put("amount", 3 * r.nextDouble() - 1).put("age", r.nextDouble()).put("score", r.nextDouble()).put("velocity", r.nextDouble()).build()));
    }
    return out;
  }

  @Test
  void classifierOutcomesGiveAccuracyPrecisionRecallAndAuc() {
    h = new Harness(dir, all());
    h.registry.publishClassifier("fraud");
    Model model = h.fathom.model("fraud");
    SplittableRandom r = new SplittableRandom(21);
    List<Prediction> predictions = new ArrayList<>();
    List<String> truth = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      double amount = 3 * r.nextDouble() - 1;
      Prediction p = model.predict(Features.builder().put("amount", amount).put("age", r.nextDouble()).put("score", r.nextDouble()).put("velocity", 2 * r.nextDouble() - 1).build());
      predictions.add(p);
      // the truth agrees with the model's inputs most of the time
      truth.add(r.nextDouble() < 0.8 ? p.label() : (p.label().equals("fraud") ? "legit" : "fraud"));
    }
    assertThat(h.flush()).isTrue();
    for (int i = 0; i < predictions.size(); i++) {
      assertThat(h.fathom.recordOutcome(predictions.get(i).id(), truth.get(i))).as("outcome %d", i).isTrue();
    }
    // joined once: a second outcome for the same prediction finds nothing
    assertThat(h.fathom.recordOutcome(predictions.get(0).id(), "fraud")).isFalse();
    // a prediction id never made
    assertThat(h.fathom.recordOutcome(12345L, "fraud")).isFalse();

    // the metrics computed here from the predictions, independently
    int tp = 0;
    int fp = 0;
    int fn = 0;
    int correct = 0;
    for (int i = 0; i < predictions.size(); i++) {
      boolean predicted = predictions.get(i).label().equals("fraud");
      boolean actual = truth.get(i).equals("fraud");
      correct += predicted == actual ? 1 : 0;
      tp += predicted && actual ? 1 : 0;
      fp += predicted && !actual ? 1 : 0;
      fn += !predicted && actual ? 1 : 0;
    }
    double pairs = 0;
    double concordant = 0;
    for (int i = 0; i < predictions.size(); i++) {
      for (int j = 0; j < predictions.size(); j++) {
        if (truth.get(i).equals("fraud") && truth.get(j).equals("legit")) {
          pairs++;
          double si = predictions.get(i).score("fraud");
          double sj = predictions.get(j).score("fraud");
          concordant += si > sj ? 1 : si == sj ? 0.5 : 0;
        }
      }
    }
    Collection<MetricData> m = h.metrics();
    Map<String, String> fraud = Map.of("model.name", "fraud", "model.version", "1");
    assertThat(Harness.longValue(m, "fathom.outcome.count", fraud)).isEqualTo(300);
    assertThat(Harness.doubleValue(m, "fathom.outcome.accuracy", fraud)).isCloseTo(correct / 300.0, within(1e-12));
    assertThat(Harness.doubleValue(m, "fathom.outcome.precision", fraud)).isCloseTo((double) tp / (tp + fp), within(1e-12));
    assertThat(Harness.doubleValue(m, "fathom.outcome.recall", fraud)).isCloseTo((double) tp / (tp + fn), within(1e-12));
    assertThat(Harness.doubleValue(m, "fathom.outcome.auc", fraud)).isCloseTo(concordant / pairs, within(1e-12));
    assertThat(Harness.doubleValue(m, "fathom.outcome.mae", fraud)).isNull();
  }

  @Test
  void classOutcomesMayBeIndexesAndUnknownLabelsAreRefused() {
    h = new Harness(dir, all());
    h.registry.publishClassifier("fraud");
    Model model = h.fathom.model("fraud");
    Prediction clear = model.predict(Features.builder().put("amount", 3.0).put("age", 0.0).put("score", 0.0).put("velocity", 2.5).build());
    Prediction other = model.predict(Features.builder().put("amount", 0.0).put("age", 1.0).put("score", 1.0).put("velocity", 0.0).build());
    assertThat(h.flush()).isTrue();
    assertThat(h.fathom.recordOutcome(clear.id(), 1)).isTrue(); // index 1 = fraud
    assertThat(h.fathom.recordOutcome(other.id(), "spam")).isFalse();
    // the prediction is still held for a label that fits
    assertThat(h.fathom.recordOutcome(other.id(), "legit")).isTrue();
    assertThat(Harness.doubleValue(h.metrics(), "fathom.outcome.accuracy", Map.of("model.name", "fraud"))).isEqualTo(other.label().equals("legit") ? 1.0 : 0.5);
  }

  @Test
  void regressorOutcomesGiveMaeAndRmse() {
    h = new Harness(dir, all());
    h.registry.publish("price", "regressor.onnx");
    Model model = h.fathom.model("price");
    double[] errors = {0.5, -1.5, 2.0, 0.0};
    List<Prediction> predictions = new ArrayList<>();
    for (int i = 0; i < errors.length; i++) {
      predictions.add(model.run(Map.of("input", Tensor.ofFloats(new float[] {i, 1, 2}, 1, 3))));
    }
    assertThat(h.flush()).isTrue();
    double abs = 0;
    double sq = 0;
    for (int i = 0; i < errors.length; i++) {
      double predicted = predictions.get(i).value();
      assertThat(h.fathom.recordOutcome(predictions.get(i).id(), predicted - errors[i])).isTrue();
      abs += Math.abs(errors[i]);
      sq += errors[i] * errors[i];
    }
    Collection<MetricData> m = h.metrics();
    Map<String, String> price = Map.of("model.name", "price");
    assertThat(Harness.doubleValue(m, "fathom.outcome.mae", price)).isCloseTo(abs / 4, within(1e-6));
    assertThat(Harness.doubleValue(m, "fathom.outcome.rmse", price)).isCloseTo(Math.sqrt(sq / 4), within(1e-6));
    assertThat(Harness.doubleValue(m, "fathom.outcome.accuracy", price)).isNull();
  }

  @Test
  void outcomesArrivingBeforeTheAnalyzerHoldsThePredictionStillJoin() throws InterruptedException {
    h = new Harness(dir, all());
    h.registry.publish("price", "regressor.onnx");
    Model model = h.fathom.model("price");
    int joined = 0;
    for (int i = 0; i < 200; i++) {
      Prediction p = model.run(Map.of("input", Tensor.ofFloats(new float[] {i, 0, 0}, 1, 3)));
      // no flush: the sample may still be in the hand-off
      joined += h.fathom.recordOutcome(p.id(), p.value() + 1) ? 1 : 0;
    }
    assertThat(joined).isEqualTo(200);
    assertThat(h.flush()).isTrue();
    assertThat(Harness.longValue(h.metrics(), "fathom.outcome.count", Map.of("model.name", "price"))).isEqualTo(200);
    assertThat(Harness.doubleValue(h.metrics(), "fathom.outcome.mae", Map.of("model.name", "price"))).isCloseTo(1.0, within(1e-6));
  }

  @Test
  void unsampledPredictionsAndTheHeldLimitAreRespected() {
    h = new Harness(dir, MonitoringOptions.builder().samplingRate(0).outcomes(10, Duration.ofHours(1)).model("held", m -> m.samplingRate(1.0)).build());
    h.registry.publish("price", "regressor.onnx");
    Prediction unsampled = h.fathom.model("price").run(Map.of("input", Tensor.ofFloats(new float[3], 1, 3)));
    assertThat(h.flush()).isTrue();
    assertThat(h.fathom.recordOutcome(unsampled.id(), 1.0)).isFalse();
    h.registry.publish("held", "regressor.onnx");
    Model held = h.fathom.model("held");
    List<Prediction> predictions = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      predictions.add(held.run(Map.of("input", Tensor.ofFloats(new float[] {i, 0, 0}, 1, 3))));
      assertThat(h.flush()).isTrue();
    }
    int joined = 0;
    for (Prediction p : predictions) {
      joined += h.fathom.recordOutcome(p.id(), 0.0) ? 1 : 0;
    }
    // at most 10 are held; the newest survive
    assertThat(joined).isBetween(1, 10);
  }
}
