package dev.fathom.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.examples.data.TransactionCsv;
import dev.fathom.examples.data.TransactionGenerator;
import dev.fathom.examples.train.TrainingResult;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * The fleet, end to end: two scoring services with the agent, scraped by a real Prometheus that
 * evaluates Fathom's recording rules. Normal traffic raises no drift alert; holiday traffic makes
 * exactly the shifted features alert on both instances; the fleet-wide PSI from the recording rules
 * agrees with the instances' own; publishing version 2 shows in {@code fathom_model_info}; every
 * query of the Grafana dashboard evaluates.
 */
class FleetPrometheusIT {
  static final Set<String> SHIFTED = Set.of("amount", "card_present", "merchant_category");
  static final List<String> FEATURES = List.of("account_age_days", "amount", "card_present", "country", "distance_km", "hour", "merchant_category", "velocity_1h");
  static final Duration PATIENCE = Duration.ofSeconds(120);

  final PrintStream log = System.out;

  @Test
  void twoInstancesScrapedByPrometheus() throws Exception {
    PrometheusServer.binary();
    Path dir = Path.of("target", "fleet-it").toAbsolutePath();
    Workspace ws = Workspace.prepare(dir);
    ModelLifecycle lifecycle = new ModelLifecycle(ws, log);
    Path train = ws.file("train.csv");
    TransactionCsv.write(train, ModelLifecycle.generate(11, 20_000, TransactionGenerator.Shift.NONE));
    TrainingResult v1 = lifecycle.train(train, "model-v1.onnx", 0.85);
    assertThat(v1).as("version 1 passes the evaluation gate").isNotNull();
    lifecycle.publish(v1, train, "schema-v1.json");

    checkRulesWithPromtool(ws);
    List<Process> services = new ArrayList<>();
    List<URI> bases = new ArrayList<>();
    List<String> targets = new ArrayList<>();
    try {
      for (String name : List.of("a", "b")) {
        int port = PrometheusServer.freePort();
        int metricsPort = PrometheusServer.freePort();
        String options =
            "registry=" + ws.registry() + ",models=fraud,prometheus.port=" + metricsPort + ",sampling.rate=1.0,drift.window.samples=1000,drift.window.time=30s";
        services.add(Processes.scoringService(ws, options, port, ws.file("service-" + name + ".log")));
        bases.add(URI.create("http://127.0.0.1:" + port));
        targets.add("127.0.0.1:" + metricsPort);
      }
      for (int i = 0; i < bases.size(); i++) {
        awaitHealthy(bases.get(i), services.get(i), ws.file("service-" + (i == 0 ? "a" : "b") + ".log"));
      }
      try (PrometheusServer prometheus = PrometheusServer.start(dir, targets, List.of(fastRules(ws)));
          TrafficDriver traffic = new TrafficDriver(bases.toArray(new URI[0]), 4, 200, Duration.ofSeconds(2), 5)) {
        traffic.start();
        normalTraffic(prometheus);
        traffic.shift(TransactionGenerator.Shift.HOLIDAY);
        long shiftedAt = System.nanoTime();
        shiftedFeaturesAlert(prometheus);
        fleetPsiAgreesWithInstances(prometheus, shiftedAt);
        versionSwitch(prometheus, lifecycle, ws, traffic);
        dashboardQueriesEvaluate(prometheus);
        assertThat(traffic.failed()).as("failed requests").isZero();
      }
    } finally {
      for (Process p : services) {
        Processes.stop(p);
      }
    }
  }

  private void normalTraffic(PrometheusServer prometheus) throws Exception {
    // A drift window closed on both instances (1000 samples each).
    await("two drift windows on both instances", () -> instances(prometheus.query("fathom_drift_severity{model_name=\"fraud\",feature=\"amount\"}")).size() == 2);
    Thread.sleep(11_000);
    assertThat(instances(prometheus.query("fathom_inference_duration_seconds_count{model_name=\"fraud\"} > 100"))).hasSize(2);
    assertThat(instances(prometheus.query("fathom_inference_duration_seconds_bucket{model_name=\"fraud\",le=\"+Inf\"}"))).hasSize(2);
    assertThat(instances(prometheus.query("fathom_inference_duration_percentile_seconds{model_name=\"fraud\",quantile=\"0.99\"} > 0"))).hasSize(2);
    assertThat(prometheus.query("histogram_quantile(0.99, sum by (le) (rate(fathom_inference_duration_seconds_bucket{model_name=\"fraud\"}[30s])))")).hasSize(1);
    JsonNode alerts = prometheus.query("fathom_drift_severity{model_name=\"fraud\",feature!~\"prediction:.*\"} == 2");
    assertThat(features(alerts)).as("no drift alert on training-like traffic").isEmpty();
    log.println("normal traffic: latency series on both instances, no drift alert");
  }

  private void shiftedFeaturesAlert(PrometheusServer prometheus) throws Exception {
    await("the shifted features alert on both instances", () -> {
      JsonNode alerts = prometheus.query("fathom_drift_severity{model_name=\"fraud\",model_version=\"1\",feature!~\"prediction:.*\"} == 2");
      Map<String, Set<String>> byInstance = new HashMap<>();
      for (JsonNode r : alerts) {
        byInstance.computeIfAbsent(r.path("metric").path("instance").asText(), k -> new TreeSet<>()).add(r.path("metric").path("feature").asText());
      }
      return byInstance.size() == 2 && byInstance.values().stream().allMatch(f -> f.containsAll(SHIFTED));
    });
    Set<String> alerting = features(prometheus.query("fathom_drift_severity{model_name=\"fraud\",model_version=\"1\",feature!~\"prediction:.*\"} == 2"));
    assertThat(alerting).as("only the shifted features alert").isEqualTo(SHIFTED);
    log.println("holiday traffic: alerting features " + alerting);
  }

  private void fleetPsiAgreesWithInstances(PrometheusServer prometheus, long shiftedAt) throws Exception {
    // The test rules look back 40 s: wait until that range holds holiday traffic only.
    long wait = Duration.ofSeconds(45).toNanos() - (System.nanoTime() - shiftedAt);
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000);
    }
    Map<String, Double> fleet = new TreeMap<>();
    Map<String, Double> instances = new TreeMap<>();
    for (String feature : FEATURES) {
      JsonNode f = prometheus.query("fathom:feature_psi:15m{model_name=\"fraud\",model_version=\"1\",feature=\"" + feature + "\"}");
      assertThat(f).as("fleet PSI of " + feature).hasSize(1);
      fleet.put(feature, value(f.get(0)));
      JsonNode per = prometheus.query("fathom_drift_score{model_name=\"fraud\",model_version=\"1\",method=\"psi\",feature=\"" + feature + "\"}");
      assertThat(per).as("per-instance PSI of " + feature).hasSize(2);
      instances.put(feature, (value(per.get(0)) + value(per.get(1))) / 2);
    }
    log.println("fleet PSI " + fleet + "; mean of the instances' last windows " + instances);
    for (String feature : FEATURES) {
      double expected = instances.get(feature);
      assertThat(fleet.get(feature)).as("fleet PSI of " + feature).isCloseTo(expected, org.assertj.core.api.Assertions.within(Math.max(0.05, 0.35 * expected)));
    }
    assertThat(fleet.get("amount")).isGreaterThan(0.1);
  }

  private void versionSwitch(PrometheusServer prometheus, ModelLifecycle lifecycle, Workspace ws, TrafficDriver traffic) throws Exception {
    Path recent = ws.file("recent.csv");
    TransactionCsv.write(recent, ModelLifecycle.generate(12, 20_000, TransactionGenerator.Shift.HOLIDAY));
    TrainingResult v2 = lifecycle.train(recent, "model-v2.onnx", 0.85);
    assertThat(v2).isNotNull();
    lifecycle.publish(v2, recent, "schema-v2.json");
    await("version 2 loaded on both instances", () -> instances(prometheus.query("fathom_model_info{model_name=\"fraud\",model_version=\"2\"}")).size() == 2);
    await("responses come from version 2", () -> traffic.lastVersion() == 2);
    await("version 2 serves on both instances", () -> instances(prometheus.query("rate(fathom_inference_duration_seconds_count{model_name=\"fraud\",model_version=\"2\"}[10s]) > 0")).size() == 2);
    log.println("version switch: fathom_model_info shows version 2 on both instances");
  }

  private void dashboardQueriesEvaluate(PrometheusServer prometheus) throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(Path.of(System.getProperty("fathom.dashboard")).toFile());
    // Panels of things this traffic never does (it sends no invalid input and the service has no
    // errors) may be empty; every other query must find series, so a renamed metric shows up here.
    Set<String> mayBeEmpty = Set.of("Errors per second by type", "Validation violations per feature and rule");
    int checked = 0;
    for (JsonNode panel : dashboard.get("panels")) {
      String title = panel.get("title").asText();
      for (JsonNode target : panel.get("targets")) {
        String expr = target.get("expr").asText().replace("$model", "fraud");
        JsonNode result = prometheus.query(expr);
        if (!mayBeEmpty.contains(title)) {
          assertThat(result).as("%s: %s", title, expr).isNotEmpty();
        }
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(10);
    log.println("dashboard: " + checked + " queries evaluate, all with series but " + mayBeEmpty);
  }

  /** Validates the shipped rules with promtool, then writes a copy that evaluates every 2 s over 40 s. */
  private static Path fastRules(Workspace ws) throws Exception {
    Path rules = Path.of(System.getProperty("fathom.rules"), "fathom-rules.yml");
    String text = Files.readString(rules, StandardCharsets.UTF_8);
    assertThat(text).contains("interval: 1m").contains("[15m]");
    Path fast = ws.file("fathom-rules-fast.yml");
    Files.writeString(fast, text.replace("interval: 1m", "interval: 2s").replace("[15m]", "[40s]"));
    return fast;
  }

  private static void checkRulesWithPromtool(Workspace ws) throws Exception {
    Path dir = Path.of(System.getProperty("fathom.rules"));
    Path promtool = PrometheusServer.binary().resolveSibling("promtool");
    for (List<String> args : List.of(List.of("check", "rules", "fathom-rules.yml"), List.of("test", "rules", "fathom-rules.test.yml"))) {
      List<String> command = new ArrayList<>(List.of(promtool.toString()));
      command.addAll(args);
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor()).as("promtool " + args + ": " + output).isZero();
    }
  }

  private static void awaitHealthy(URI base, Process service, Path log) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    await("service " + base + " healthy", () -> {
      if (!service.isAlive()) {
        throw new AssertionError("service exited: " + Files.readString(log));
      }
      try {
        return http.send(HttpRequest.newBuilder(base.resolve("/health")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (java.io.IOException e) {
        return false;
      }
    });
  }

  private static Set<String> instances(JsonNode result) {
    Set<String> out = new TreeSet<>();
    for (JsonNode r : result) {
      out.add(r.path("metric").path("instance").asText());
    }
    return out;
  }

  private static Set<String> features(JsonNode result) {
    Set<String> out = new TreeSet<>();
    for (JsonNode r : result) {
      out.add(r.path("metric").path("feature").asText());
    }
    return out;
  }

  private static double value(JsonNode sample) {
    return Double.parseDouble(sample.path("value").get(1).asText());
  }

  /** Waits for a condition that background work brings about; the bound only stops a hang. */
  private static void await(String what, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached within " + PATIENCE.toSeconds() + " s: " + what);
      }
      Thread.sleep(500);
    }
  }
}
