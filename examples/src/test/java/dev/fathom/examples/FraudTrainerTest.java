package dev.fathom.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.Fathom;
import dev.fathom.Features;
import dev.fathom.Model;
import dev.fathom.Prediction;
import dev.fathom.examples.data.DataValidator;
import dev.fathom.examples.data.Transaction;
import dev.fathom.examples.data.TransactionCsv;
import dev.fathom.examples.data.TransactionGenerator;
import dev.fathom.examples.train.FraudTrainer;
import dev.fathom.examples.train.TrainingResult;
import dev.fathom.registry.FeatureSpec;
import dev.fathom.registry.LocalRegistry;
import dev.fathom.registry.PublishRequest;
import dev.fathom.registry.Publisher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FraudTrainerTest {
  @TempDir Path dir;

  @Test
  void trainsAModelThatRunsInFathomOnRawFeatures() throws Exception {
    Path csv = dir.resolve("train.csv");
    TransactionGenerator generator = new TransactionGenerator(7, TransactionGenerator.Shift.NONE);
    List<Transaction> rows = new ArrayList<>();
    for (int i = 0; i < 12_000; i++) {
      rows.add(generator.next());
    }
    TransactionCsv.write(csv, rows);
    DataValidator.Report report = DataValidator.validate(csv);
    assertThat(report.ok()).as(report.toString()).isTrue();
    assertThat(report.fraudRate()).isBetween(0.02, 0.04);

    TrainingResult result = FraudTrainer.train(csv, dir.resolve("model.onnx"), FraudTrainer.Hyperparameters.defaults());
    System.out.println("hold-out metrics: " + result.metrics());
    assertThat(result.metrics().get("auc")).isGreaterThan(0.85);
    assertThat(result.coversAllCategories()).isTrue();
    assertThat(result.labels()).containsExactlyInAnyOrder("fraud", "legit");

    ObjectMapper json = dev.fathom.internal.util.Json.MAPPER;
    Map<?, ?> schema = result.schema();
    List<FeatureSpec> features = new ArrayList<>();
    for (Object f : (List<?>) schema.get("features")) {
      features.add(json.convertValue(f, FeatureSpec.class));
    }
    Path registry = dir.resolve("models");
    new Publisher(new LocalRegistry(registry))
        .publish(PublishRequest.builder("fraud", result.onnxFile()).features(features).labels(result.labels()).build());
    try (Fathom fathom = Fathom.builder().registry(registry).watchInterval(Duration.ZERO).build()) {
      Model model = fathom.model("fraud");
      Prediction legit = model.predict(features(new Transaction(25, 13, 3, 0, 900, 1, "grocery", "DE", 0)));
      Prediction fraud = model.predict(features(new Transaction(900, 3, 2500, 6, 20, 0, "electronics", "US", 1)));
      assertThat(legit.label()).isEqualTo("legit");
      assertThat(fraud.label()).isEqualTo("fraud");
      assertThat(legit.score("fraud") + legit.score("legit")).isCloseTo(1.0, within(1e-5));
    }
    assertThat(Files.exists(dir.resolve("model.onnx.tribuo"))).isFalse();
  }

  static Features features(Transaction t) {
    return Features.builder()
        .put("amount", t.amount())
        .put("hour", t.hour())
        .put("distance_km", t.distanceKm())
        .put("velocity_1h", t.velocity1h())
        .put("account_age_days", t.accountAgeDays())
        .put("card_present", t.cardPresent())
        .put("merchant_category", t.merchantCategory())
        .put("country", t.country())
        .build();
  }
}
