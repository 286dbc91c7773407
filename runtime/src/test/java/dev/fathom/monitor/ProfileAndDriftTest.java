package dev.fathom.monitor;

import dev.fathom.FathomTestAccess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fathom.Features;
import dev.fathom.Model;
import dev.fathom.registry.FeatureSpec;
import dev.fathom.registry.LocalRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reference profiles from CSV through a real model, offline drift reports, and live drift windows
 * exported through the real OpenTelemetry SDK.
 */
class ProfileAndDriftTest {
  static final String[] VELOCITY = {"low", "medium", "high"};
  @TempDir Path dir;
  Harness h;

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
    }
  }

  /** One synthetic row of the constrained classifier's features (and a label column the profile ignores). */
  static String[] row(SplittableRandom r, double amountShift) {
    double amount = Math.max(0, 800 + 300 * gaussian(r) + amountShift);
    double age = 18 + Math.floor(r.nextDouble() * 60);
    String score = r.nextDouble() < 0.05 ? "" : String.format(Locale.ROOT, "%.4f", gaussian(r));
    double u = r.nextDouble();
    String velocity = VELOCITY[u < 0.5 ? 0 : u < 0.8 ? 1 : 2];
    return new String[] {String.format(Locale.ROOT, "%.2f", amount), Double.toString(age), score, velocity, r.nextBoolean() ? "fraud" : "legit"};
  }

  static Path csv(Path file, long seed, int rows, double amountShift) throws IOException {
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder sb = new StringBuilder("amount,age,score,velocity,label\n");
    for (int i = 0; i < rows; i++) {
      sb.append(String.join(",", row(r, amountShift))).append('\n');
    }
    Files.writeString(file, sb.toString());
    return file;
  }

  static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  static Features features(String[] cells) {
    Features.Builder b = Features.builder().put("amount", Double.parseDouble(cells[0])).put("age", Double.parseDouble(cells[1]));
    if (cells[2].isEmpty()) {
      b.missing("score");
    } else {
      b.put("score", Double.parseDouble(cells[2]));
    }
    return b.put("velocity", cells[3]).build();
  }

  /** Publishes version 1 without a profile, profiles the training data with it, publishes version 2 with the profile. */
  private ReferenceProfile publishWithProfile(long seed) throws IOException {
    h.publishConstrainedClassifier("fraud", null);
    Path train = csv(dir.resolve("train.csv"), seed, 3000, 0);
    ReferenceProfile profile = ReferenceProfile.build(h.fathom.model("fraud@1"), train);
    Path file = dir.resolve("profile.json");
    profile.write(file);
    h.publishConstrainedClassifier("fraud", file);
    return profile;
  }

  @Test
  void profileFromCsvHoldsFeatureAndPredictionStatistics() throws IOException {
    h = new Harness(dir, MonitoringOptions.builder().samplingRate(0).build());
    ReferenceProfile profile = publishWithProfile(1);
    assertThat(profile.model()).isEqualTo("fraud");
    assertThat(profile.version()).isEqualTo(1);
    assertThat(profile.source().rows()).isEqualTo(3000);
    assertThat(profile.source().predictedRows()).isEqualTo(3000);
    assertThat(profile.source().sha256()).hasSize(64);
    // the statistics of the values the model sees (float32), computed here independently
    List<String> lines = Files.readAllLines(dir.resolve("train.csv"));
    double sum = 0;
    double min = Double.MAX_VALUE;
    int missingScore = 0;
    int[] velocity = new int[3];
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split(",", -1);
      double amount = (float) Double.parseDouble(c[0]);
      sum += amount;
      min = Math.min(min, amount);
      missingScore += c[2].isEmpty() ? 1 : 0;
      velocity[List.of(VELOCITY).indexOf(c[3])]++;
    }
    ColumnProfile amount = profile.feature("amount");
    assertThat(amount.count()).isEqualTo(3000);
    assertThat(amount.mean()).isCloseTo(sum / 3000, within(1e-9));
    assertThat(amount.min()).isEqualTo(min);
    assertThat(amount.edges()).hasSize(9);
    assertThat(amount.fractions().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1, within(1e-12));
    assertThat(amount.quantile(0.5)).isCloseTo(800, within(40.0));
    assertThat(profile.feature("score").missing()).isEqualTo(missingScore);
    ColumnProfile v = profile.feature("velocity");
    assertThat(v.kind()).isEqualTo(FeatureSpec.Kind.CATEGORICAL);
    assertThat(v.categories()).containsExactly(Map.entry("low", (long) velocity[0]), Map.entry("medium", (long) velocity[1]), Map.entry("high", (long) velocity[2]));
    assertThat(profile.outputs()).extracting(ColumnProfile::name)
        .containsExactly("prediction:probabilities[legit]", "prediction:probabilities[fraud]", "prediction:label");
    ColumnProfile fraud = profile.output("prediction:probabilities[fraud]");
    // the model answers NaN where the nullable score is missing: those predictions count as missing
    assertThat(fraud.count()).isEqualTo(3000 - missingScore);
    assertThat(fraud.missing()).isEqualTo(missingScore);
    assertThat(fraud.min()).isGreaterThanOrEqualTo(0.0);
    assertThat(fraud.max()).isLessThanOrEqualTo(1.0);
    // the file round-trips and is stored with the version
    assertThat(ReferenceProfile.read(dir.resolve("profile.json"))).isEqualTo(profile);
    assertThat(h.registry.registry().profileFile("fraud", 2)).isNotNull();
    assertThat(h.registry.registry().profileFile("fraud", 1)).isNull();
    String json = Files.readString(h.registry.registry().versionDirectory("fraud", 2).resolve(LocalRegistry.PROFILE_FILE));
    assertThat(json).contains("\"formatVersion\" : 1").contains("\"sketch\" : \"").contains("\"edges\"").contains("\"categories\"");
  }

  @Test
  void profileForAVersionAboutToBePublishedTravelsWithIt() throws IOException {
    h = new Harness(dir, MonitoringOptions.builder().samplingRate(0).build());
    dev.fathom.registry.PublishRequest request = dev.fathom.registry.PublishRequest.builder("fraud", dev.fathom.testing.TestData.model("tabular_classifier.onnx"))
        .features(List.of(FeatureSpec.numeric("amount"), FeatureSpec.numeric("age"), FeatureSpec.numeric("score").withNullable(true),
            FeatureSpec.categorical("velocity", FeatureSpec.Encoding.INDEX, List.of("low", "medium", "high"))))
        .labels("probabilities", List.of("legit", "fraud"))
        .build();
    ReferenceProfile profile = ReferenceProfile.build(request, csv(dir.resolve("train.csv"), 1, 500, 0));
    assertThat(profile.model()).isEqualTo("fraud");
    assertThat(profile.version()).isNull();
    assertThat(profile.feature("amount").count()).isEqualTo(500);
    assertThat(profile.output("prediction:probabilities[fraud]")).isNotNull();
    assertThat(h.registry.registry().hasModel("fraud")).as("the throw-away registry is not the real one").isFalse();
    Path file = dir.resolve("p.json");
    profile.write(file);
    dev.fathom.registry.PublishRequest.Builder withProfile = dev.fathom.registry.PublishRequest.builder("fraud", request.modelFile()).profile(file);
    request.features().forEach(withProfile::features);
    request.labels().forEach(withProfile::labels);
    h.registry.publish(withProfile.build());
    assertThat(ReferenceProfile.read(h.registry.registry().profileFile("fraud", 1))).isEqualTo(profile);
    assertThat(h.fathom.model("fraud").predict(features(row(new SplittableRandom(1), 0))).label()).isNotNull();
    assertThat(FathomTestAccess.monitoring(h.fathom).referenceSource("fraud", 1)).startsWith("profile.json");
  }

  @Test
  void profileRejectsCsvWithoutTheFeaturesOrWithText() throws IOException {
    h = new Harness(dir, MonitoringOptions.builder().samplingRate(0).build());
    h.publishConstrainedClassifier("fraud", null);
    Model model = h.fathom.model("fraud");
    Path lacking = Files.writeString(dir.resolve("lacking.csv"), "amount,age\n1,2\n");
    assertThatThrownBy(() -> ReferenceProfile.build(model, lacking)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[score, velocity]");
    Path text = Files.writeString(dir.resolve("text.csv"), "amount,age,score,velocity\n1,2,3,low\n1,two,3,low\n");
    assertThatThrownBy(() -> ReferenceProfile.build(model, text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 3").hasMessageContaining("'age'").hasMessageContaining("'two'");
  }

  @Test
  void offlineDriftReportFindsAShiftedFeatureAndNothingInSameDistributionData() throws IOException {
    h = new Harness(dir, MonitoringOptions.builder().samplingRate(0).build());
    publishWithProfile(1);
    DriftReport same = DriftAnalysis.analyze(h.fathom, "fraud", csv(dir.resolve("same.csv"), 2, 1000, 0), DriftThresholds.defaults());
    assertThat(same.version()).isEqualTo(2);
    assertThat(same.samples()).isEqualTo(1000);
    assertThat(same.columns()).hasSize(7);
    assertThat(same.severity()).isEqualTo(Severity.NONE);
    DriftReport shifted = DriftAnalysis.analyze(h.fathom, "fraud", csv(dir.resolve("shifted.csv"), 3, 1000, 150), DriftThresholds.defaults());
    FeatureDrift amount = shifted.column("amount");
    assertThat(amount.severity()).isEqualTo(Severity.ALERT);
    assertThat(amount.meanShift()).isGreaterThan(10);
    assertThat(shifted.column("age").severity()).isEqualTo(Severity.NONE);
    assertThat(shifted.column("velocity").severity()).isEqualTo(Severity.NONE);
    assertThat(shifted.column("prediction:probabilities[fraud]").count()).isPositive();
    assertThat(shifted.toText()).contains("fraud@2").contains("amount").contains("ALERT").contains("prediction:probabilities[fraud]");
    assertThat(shifted.toJson()).contains("\"name\" : \"amount\"").contains("\"severity\" : \"alert\"");
    h.registry.publish("bare", "regressor.onnx");
    assertThatThrownBy(() -> DriftAnalysis.analyze(h.fathom, "fraud@1", dir.resolve("same.csv"), DriftThresholds.defaults()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("fraud@1 has no profile.json");
  }

  @Test
  void liveWindowsExportScoresSeverityBinsAndOneEventPerCrossing() throws IOException {
    h = new Harness(dir, MonitoringOptions.builder().samplingRate(1.0).maxSamplesPerSecond(1_000_000).queueCapacity(65536).window(500, Duration.ofHours(1)).build());
    ReferenceProfile profile = publishWithProfile(1);
    Model model = h.fathom.model("fraud");
    assertThat(model.version()).isEqualTo(2);
    assertThat(FathomTestAccess.monitoring(h.fathom).referenceSource("fraud", 2)).startsWith("profile.json");
    SplittableRandom r = new SplittableRandom(9);
    for (int i = 0; i < 500; i++) {
      model.predict(features(row(r, 0)));
    }
    assertThat(h.flush()).isTrue();
    DriftReport calm = FathomTestAccess.monitoring(h.fathom).lastReport("fraud", 2);
    assertThat(calm.samples()).isEqualTo(500);
    assertThat(calm.column("amount").severity()).isEqualTo(Severity.NONE);
    // three windows of shifted amounts: the severity rises once, so one event
    for (int i = 0; i < 1500; i++) {
      model.predict(features(row(r, 150)));
    }
    assertThat(h.flush()).isTrue();
    DriftReport drifted = FathomTestAccess.monitoring(h.fathom).lastReport("fraud", 2);
    assertThat(drifted.column("amount").severity()).isEqualTo(Severity.ALERT);
    List<LogRecordData> events = h.events("fathom.drift.detected");
    List<LogRecordData> amountEvents = new ArrayList<>();
    for (LogRecordData e : events) {
      if ("amount".equals(e.getAttributes().get(AttributeKey.stringKey("feature")))) {
        amountEvents.add(e);
      }
    }
    assertThat(amountEvents).hasSize(1);
    LogRecordData event = amountEvents.get(0);
    assertThat(event.getAttributes().get(AttributeKey.stringKey("severity"))).isEqualTo("alert");
    assertThat(event.getAttributes().get(AttributeKey.stringKey("model.name"))).isEqualTo("fraud");
    assertThat(event.getBodyValue().asString()).contains("ALERT drift of amount");

    Collection<MetricData> m = h.metrics();
    Map<String, String> amount = Map.of("model.name", "fraud", "model.version", "2", "feature", "amount");
    assertThat(Harness.doubleValue(m, "fathom.drift.score", with(amount, "method", "mean_shift"))).isGreaterThan(10);
    assertThat(Harness.doubleValue(m, "fathom.drift.score", with(amount, "method", "psi"))).isCloseTo(drifted.column("amount").psi(), within(1e-12));
    assertThat(Harness.doubleValue(m, "fathom.drift.score", with(amount, "method", "p_value"))).isLessThan(0.005);
    assertThat(Harness.longValue(m, "fathom.drift.severity", amount)).isEqualTo(2);
    assertThat(Harness.longValue(m, "fathom.drift.severity", Map.of("model.version", "2", "feature", "age"))).isEqualTo(0);
    // the reference share of each bin, matching the profile
    for (int bin = 0; bin < 10; bin++) {
      Double share = Harness.doubleValue(m, "fathom.feature.reference", with(with(amount, "bin", Integer.toString(bin)), "prev_bin", Integer.toString(bin - 1)));
      assertThat(share).isCloseTo(profile.feature("amount").fractions().get(bin), within(1e-15));
    }
    assertThat(Harness.doubleValue(m, "fathom.feature.reference", with(amount, "bin", "15"))).isEqualTo(0.0);
    // every sampled value counted in its bin: 2000 rows, one series per bin the reference uses
    long[] values = binCounts(m, amount);
    assertThat(Arrays.stream(values).sum()).isEqualTo(2000);
    for (int bin = 0; bin < 16; bin++) {
      Map<String, String> inBin = with(amount, "bin", Integer.toString(bin));
      boolean exported = Harness.points(m, "fathom.feature.values").stream().anyMatch(p -> Harness.matches(p.getAttributes(), inBin));
      boolean referenced = Harness.doubleValue(m, "fathom.feature.reference", with(amount, "bin", "" + bin)) != null;
      assertThat(exported).as("bin %d", bin).isEqualTo(referenced);
    }
  }

  @Test
  void columnsPastTheExportCapAreJudgedButNotExported() throws IOException {
    h = new Harness(dir, MonitoringOptions.builder().samplingRate(1.0).maxSamplesPerSecond(1_000_000).queueCapacity(65536).window(500, Duration.ofHours(1))
        .maxExportedColumns(2).build());
    publishWithProfile(1);
    Model model = h.fathom.model("fraud");
    SplittableRandom r = new SplittableRandom(9);
    for (int i = 0; i < 500; i++) {
      model.predict(features(row(r, 150)));
    }
    assertThat(h.flush()).isTrue();
    DriftReport report = FathomTestAccess.monitoring(h.fathom).lastReport("fraud", 2);
    // every column judged, the shifted one included
    assertThat(report.columns().size()).isGreaterThan(2);
    assertThat(report.column("amount").severity()).isEqualTo(Severity.ALERT);
    Collection<MetricData> m = h.metrics();
    for (String instrument : new String[] {"fathom.feature.values", "fathom.feature.reference", "fathom.drift.score", "fathom.drift.severity"}) {
      java.util.Set<String> features = new java.util.TreeSet<>();
      for (var p : Harness.points(m, instrument)) {
        features.add(p.getAttributes().get(AttributeKey.stringKey("feature")));
      }
      // the first two columns only: drift scores and bins of different features cannot share a series
      assertThat(features).as(instrument).containsExactly("age", "amount");
    }
  }

  @Test
  void fleetPsiFromSummedBinCountsEqualsTheWindowPsi() throws IOException {
    // two "instances" with the same version and profile; the backend sums their bins
    h = new Harness(dir, MonitoringOptions.builder().samplingRate(1.0).maxSamplesPerSecond(1_000_000).queueCapacity(65536).window(400, Duration.ofHours(1)).build());
    publishWithProfile(1);
    Harness other = new Harness(dir.resolve("other"), MonitoringOptions.builder().samplingRate(1.0).maxSamplesPerSecond(1_000_000).queueCapacity(65536).window(400, Duration.ofHours(1)).build());
    try {
      Files.createDirectories(other.registry.root());
      copyTree(h.registry.registry().modelDirectory("fraud"), other.registry.root().resolve("fraud"));
      SplittableRandom r = new SplittableRandom(4);
      Model a = h.fathom.model("fraud");
      Model b = other.fathom.model("fraud");
      List<String[]> rows = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        rows.add(row(r, 60));
      }
      // instance a sees the first 150 rows, b the other 250; one window over all 400 is the fleet's view
      for (int i = 0; i < 150; i++) {
        a.predict(features(rows.get(i)));
      }
      for (int i = 150; i < 400; i++) {
        b.predict(features(rows.get(i)));
      }
      assertThat(h.flush()).isTrue();
      assertThat(other.flush()).isTrue();
      Harness single = new Harness(dir.resolve("single"), MonitoringOptions.builder().samplingRate(1.0).maxSamplesPerSecond(1_000_000).queueCapacity(65536).window(400, Duration.ofHours(1)).build());
      try {
        copyTree(h.registry.registry().modelDirectory("fraud"), single.registry.root().resolve("fraud"));
        Model s = single.fathom.model("fraud");
        for (String[] row : rows) {
          s.predict(features(row));
        }
        assertThat(single.flush()).isTrue();
        for (String feature : List.of("amount", "age", "velocity", "prediction:probabilities[fraud]")) {
          double expected = FathomTestAccess.monitoring(single.fathom).lastReport("fraud", 2).column(feature).psi();
          Map<String, String> match = Map.of("model.version", "2", "feature", feature);
          Collection<MetricData> ma = h.metrics();
          Collection<MetricData> mb = other.metrics();
          long[] counts = binCounts(ma, match);
          long[] more = binCounts(mb, match);
          double total = 0;
          for (int i = 0; i < counts.length; i++) {
            counts[i] += more[i];
            total += counts[i];
          }
          // what the Prometheus rule computes: sum over the reference's bins of (a - e) ln(a / e), floored at 1e-4
          double psi = 0;
          for (int bin = 0; bin < 16; bin++) {
            Double e = Harness.doubleValue(ma, "fathom.feature.reference", with(match, "bin", Integer.toString(bin)));
            if (e != null) {
              double actual = Math.max(counts[bin] / total, 1e-4);
              double reference = Math.max(e, 1e-4);
              psi += (actual - reference) * Math.log(actual / reference);
            }
          }
          assertThat(psi).as(feature).isCloseTo(expected, within(1e-12));
        }
      } finally {
        single.close();
      }
    } finally {
      other.close();
    }
  }

  @Test
  void aModelWithoutProfileTakesItsFirstSamplesAsBaseline() {
    h = new Harness(dir, MonitoringOptions.builder().samplingRate(1.0).maxSamplesPerSecond(1_000_000).queueCapacity(65536).window(300, Duration.ofHours(1)).baselineSamples(300).build());
    h.publishConstrainedClassifier("fraud", null);
    Model model = h.fathom.model("fraud");
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < 300; i++) {
      model.predict(features(row(r, 0)));
    }
    assertThat(h.flush()).isTrue();
    assertThat(FathomTestAccess.monitoring(h.fathom).referenceSource("fraud", 1)).startsWith("live baseline of 300 samples");
    assertThat(FathomTestAccess.monitoring(h.fathom).lastReport("fraud", 1)).isNull();
    for (int i = 0; i < 300; i++) {
      model.predict(features(row(r, 400)));
    }
    assertThat(h.flush()).isTrue();
    DriftReport report = FathomTestAccess.monitoring(h.fathom).lastReport("fraud", 1);
    assertThat(report.samples()).isEqualTo(300);
    assertThat(report.column("amount").severity()).isEqualTo(Severity.ALERT);
    assertThat(report.column("age").severity()).isEqualTo(Severity.NONE);
  }

  @Test
  void windowsAlsoCloseByTime() throws InterruptedException {
    h = new Harness(dir, MonitoringOptions.builder().samplingRate(1.0).maxSamplesPerSecond(1_000_000).queueCapacity(65536).window(100_000, Duration.ofMillis(200)).baselineSamples(100).build());
    h.publishConstrainedClassifier("fraud", null);
    Model model = h.fathom.model("fraud");
    SplittableRandom r = new SplittableRandom(6);
    for (int i = 0; i < 160; i++) {
      model.predict(features(row(r, 0)));
    }
    // the 60 samples after the baseline close a window once 200 ms have passed; poll without asserting on time
    DriftReport report = null;
    for (int i = 0; i < 200 && report == null; i++) {
      Thread.sleep(50);
      report = FathomTestAccess.monitoring(h.fathom).lastReport("fraud", 1);
    }
    assertThat(report).isNotNull();
    assertThat(report.samples()).isEqualTo(60);
  }

  /** The {@code fathom.feature.values} count of each bin (0 for bins without a series). */
  static long[] binCounts(Collection<MetricData> m, Map<String, String> match) {
    long[] counts = new long[16];
    boolean any = false;
    for (PointData p : Harness.points(m, "fathom.feature.values")) {
      if (Harness.matches(p.getAttributes(), match)) {
        counts[Integer.parseInt(p.getAttributes().get(AttributeKey.stringKey("bin")))] += ((LongPointData) p).getValue();
        any = true;
      }
    }
    if (!any) {
      throw new AssertionError("no fathom.feature.values point for " + match);
    }
    return counts;
  }

  static Map<String, String> with(Map<String, String> base, String key, String value) {
    Map<String, String> m = new java.util.HashMap<>(base);
    m.put(key, value);
    return m;
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (var walk = Files.walk(from)) {
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
}
