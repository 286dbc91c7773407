package dev.fathom.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (Debian's {@code prometheus} package) for end-to-end tests: scrapes the
 * given targets every second, evaluates the given rule files every two seconds, answers PromQL over
 * its HTTP API.
 */
final class PrometheusServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final URI base;
  private final HttpClient http = HttpClient.newHttpClient();

  private PrometheusServer(Process process, URI base) {
    this.process = process;
    this.base = base;
  }

  /** The prometheus binary, or a clear failure naming how to install it. */
  static Path binary() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path candidate = Path.of(dir, "prometheus");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("the end-to-end tests need Debian's prometheus package: run ./test.sh (it installs it) or apt-get install prometheus");
  }

  static PrometheusServer start(Path dir, List<String> targets, List<Path> ruleFiles) throws Exception {
    int port = freePort();
    StringBuilder config = new StringBuilder();
    config.append("global:\n  scrape_interval: 1s\n  evaluation_interval: 2s\n");
    config.append("rule_files:\n");
    for (Path rules : ruleFiles) {
      config.append("  - ").append(rules.toAbsolutePath()).append('\n');
    }
    config.append("scrape_configs:\n  - job_name: fathom\n    static_configs:\n      - targets: [");
    for (int i = 0; i < targets.size(); i++) {
      config.append(i > 0 ? ", " : "").append('"').append(targets.get(i)).append('"');
    }
    config.append("]\n");
    Path file = dir.resolve("prometheus.yml");
    Files.writeString(file, config);
    Process p =
        new ProcessBuilder(
                binary().toString(),
                "--config.file=" + file,
                "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    PrometheusServer server = new PrometheusServer(p, URI.create("http://127.0.0.1:" + port));
    server.awaitReady(dir);
    return server;
  }

  private void awaitReady(Path dir) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
      }
      try {
        if (http.send(HttpRequest.newBuilder(base.resolve("/-/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // starting
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("prometheus did not become ready");
  }

  /** The {@code data.result} of an instant query; fails on a PromQL error. */
  JsonNode query(String promql) throws Exception {
    URI uri = base.resolve("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(response.body());
    if (!"success".equals(body.path("status").asText())) {
      throw new IllegalStateException("query failed: " + promql + ": " + body);
    }
    return body.path("data").path("result");
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
