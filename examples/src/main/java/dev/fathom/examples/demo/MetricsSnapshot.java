package dev.fathom.examples.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the demo shows of one scrape of the agent's Prometheus endpoint: requests and latency of the
 * serving version, drift severity per feature, the versions loaded, outcome metrics. Immutable.
 */
public record MetricsSnapshot(
    double requests,
    double errors,
    double p50Seconds,
    double p99Seconds,
    Map<String, Integer> driftSeverity,
    List<String> loadedVersions,
    double outcomes,
    double accuracy,
    double auc) {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * Scrapes {@code endpoint} and reads the series of {@code model}: traffic over all its versions,
   * drift and outcomes of {@code version} (0 for all versions).
   */
  public static MetricsSnapshot scrape(URI endpoint, String model, long version) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    return of(PrometheusText.parse(response.body()), model, version);
  }

  static MetricsSnapshot of(PrometheusText text, String model, long version) {
    java.util.function.Predicate<PrometheusText.Sample> ofModel = s -> s.label("model_name").equals(model);
    java.util.function.Predicate<PrometheusText.Sample> ofVersion =
        s -> ofModel.test(s) && (version == 0 || s.label("model_version").equals(Long.toString(version)));
    double requests = sum(text, "fathom_inference_duration_seconds_count", ofModel);
    double errors = sum(text, "fathom_inference_errors_total", ofModel);
    double p50 = max(text, "fathom_inference_duration_percentile_seconds", s -> ofVersion.test(s) && s.label("quantile").equals("0.5"));
    double p99 = max(text, "fathom_inference_duration_percentile_seconds", s -> ofVersion.test(s) && s.label("quantile").equals("0.99"));
    Map<String, Integer> severity = new TreeMap<>();
    for (PrometheusText.Sample s : text.select(s -> s.name().equals("fathom_drift_severity") && ofVersion.test(s))) {
      severity.merge(s.label("feature"), (int) s.value(), Math::max);
    }
    Map<String, Boolean> versions = new LinkedHashMap<>();
    for (PrometheusText.Sample s : text.select(s -> s.name().equals("fathom_model_info") && ofModel.test(s))) {
      versions.put(model + "@" + s.label("model_version"), true);
    }
    return new MetricsSnapshot(
        requests,
        errors,
        p50,
        p99,
        severity,
        List.copyOf(versions.keySet()),
        sum(text, "fathom_outcome_count", ofVersion),
        max(text, "fathom_outcome_accuracy", ofVersion),
        max(text, "fathom_outcome_auc", ofVersion));
  }

  private static double sum(PrometheusText text, String name, java.util.function.Predicate<PrometheusText.Sample> filter) {
    double total = 0;
    for (PrometheusText.Sample s : text.select(s -> s.name().equals(name) && filter.test(s))) {
      total += s.value();
    }
    return total;
  }

  private static double max(PrometheusText text, String name, java.util.function.Predicate<PrometheusText.Sample> filter) {
    double best = Double.NaN;
    for (PrometheusText.Sample s : text.select(s -> s.name().equals(name) && filter.test(s))) {
      best = Double.isNaN(best) ? s.value() : Math.max(best, s.value());
    }
    return best;
  }
}
