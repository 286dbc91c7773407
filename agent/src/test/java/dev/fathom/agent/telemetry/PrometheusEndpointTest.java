package dev.fathom.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent's own scrape endpoint, spoken to over raw sockets: what Prometheus and curl send. */
class PrometheusEndpointTest {
  PrometheusEndpoint endpoint;

  @BeforeEach
  void start() throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(
        () ->
            new MetricSnapshots(
                CounterSnapshot.builder().name("fathom_test_calls").help("calls").dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("model_name", "fraud")).value(42).build()).build()));
    endpoint = PrometheusEndpoint.start("127.0.0.1", 0, registry);
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  @Test
  void servesTheTextFormatOnMetricsAndRoot() throws IOException {
    for (String path : new String[] {"/metrics", "/"}) {
      Response r = send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(r.status).as(path).isEqualTo(200);
      assertThat(r.header("content-type")).startsWith("text/plain");
      assertThat(r.header("content-length")).isEqualTo(Integer.toString(r.body.length));
      assertThat(r.text()).contains("fathom_test_calls_total{model_name=\"fraud\"} 42.0");
    }
  }

  @Test
  void negotiatesOpenMetricsGzipAndNameFilters() throws IOException {
    Response open = send("GET /metrics HTTP/1.1\r\nAccept: application/openmetrics-text; version=1.0.0\r\n\r\n");
    assertThat(open.header("content-type")).startsWith("application/openmetrics-text");
    assertThat(open.text()).contains("# EOF");

    Response gzip = send("GET /metrics HTTP/1.1\r\nAccept-Encoding: gzip\r\n\r\n");
    assertThat(gzip.header("content-encoding")).isEqualTo("gzip");
    assertThat(new String(new GZIPInputStream(new ByteArrayInputStream(gzip.body)).readAllBytes(), StandardCharsets.UTF_8)).contains("fathom_test_calls_total");

    Response filtered = send("GET /metrics?name[]=other HTTP/1.1\r\n\r\n");
    assertThat(filtered.status).isEqualTo(200);
    assertThat(filtered.text()).doesNotContain("fathom_test_calls");
  }

  @Test
  void headHasTheLengthButNoBody() throws IOException {
    Response r = send("HEAD /metrics HTTP/1.1\r\n\r\n");
    assertThat(r.status).isEqualTo(200);
    assertThat(r.body).isEmpty();
  }

  @Test
  void answersHealthUnknownPathsOtherMethodsAndGarbage() throws IOException {
    assertThat(send("GET /-/healthy HTTP/1.1\r\n\r\n").text()).isEqualTo("Exporter is healthy.\n");
    assertThat(send("GET /admin HTTP/1.1\r\n\r\n").status).isEqualTo(404);
    assertThat(send("POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n").status).isEqualTo(405);
    assertThat(send("hello\r\n\r\n").status).isEqualTo(400);
    assertThat(send("GET /metrics HTTP/1.1\r\nX-Long: " + "a".repeat(SocketExchange.MAX_HEAD_BYTES) + "\r\n\r\n").status).isEqualTo(400);
    // and it still serves
    assertThat(send("GET /metrics HTTP/1.1\r\n\r\n").status).isEqualTo(200);
  }

  @Test
  void closingFreesThePortAtOnce() throws IOException {
    int port = endpoint.port();
    assertThat(port).isPositive();
    send("GET /metrics HTTP/1.1\r\n\r\n");
    endpoint.close();
    endpoint.close();
    try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThat(again.getLocalPort()).isEqualTo(port);
    }
  }

  private Response send(String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", endpoint.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return Response.parse(s.getInputStream().readAllBytes());
    }
  }

  /** A whole HTTP response read until the server closed the connection. */
  record Response(int status, String head, byte[] body) {
    static Response parse(byte[] bytes) {
      String all = new String(bytes, StandardCharsets.ISO_8859_1);
      int end = all.indexOf("\r\n\r\n");
      String head = all.substring(0, end);
      byte[] body = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
      return new Response(Integer.parseInt(head.split(" ")[1]), head, body);
    }

    String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }
}
