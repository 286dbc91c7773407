package dev.fathom.agent.telemetry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP receiver on an ephemeral loopback port: decodes the real protobuf requests the SDK
 * sends to {@code /v1/metrics}, {@code /v1/traces} and {@code /v1/logs} and keeps them.
 */
final class OtlpReceiver implements AutoCloseable {
  final List<ExportMetricsServiceRequest> metrics = new CopyOnWriteArrayList<>();
  final List<ExportTraceServiceRequest> traces = new CopyOnWriteArrayList<>();
  final List<ExportLogsServiceRequest> logs = new CopyOnWriteArrayList<>();
  final List<String> contentTypes = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/metrics", exchange -> handle(exchange, body -> metrics.add(ExportMetricsServiceRequest.parseFrom(body)), ExportMetricsServiceResponse.getDefaultInstance().toByteArray()));
    server.createContext("/v1/traces", exchange -> handle(exchange, body -> traces.add(ExportTraceServiceRequest.parseFrom(body)), ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
    server.createContext("/v1/logs", exchange -> handle(exchange, body -> logs.add(ExportLogsServiceRequest.parseFrom(body)), ExportLogsServiceResponse.getDefaultInstance().toByteArray()));
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private interface Decoder {
    void decode(byte[] body) throws IOException;
  }

  private void handle(HttpExchange exchange, Decoder decoder, byte[] response) throws IOException {
    try (exchange) {
      contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
      InputStream in = exchange.getRequestBody();
      if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
        in = new GZIPInputStream(in);
      }
      decoder.decode(in.readAllBytes());
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, response.length == 0 ? -1 : response.length);
      if (response.length > 0) {
        exchange.getResponseBody().write(response);
      }
    } catch (IOException | RuntimeException e) {
      exchange.sendResponseHeaders(400, -1);
    }
  }

  /** Every metric received, in order (later ones carry later cumulative totals). */
  List<Metric> metrics(String name) {
    List<Metric> out = new ArrayList<>();
    for (ExportMetricsServiceRequest request : metrics) {
      request.getResourceMetricsList().forEach(rm -> rm.getScopeMetricsList().forEach(sm -> sm.getMetricsList().forEach(m -> {
        if (m.getName().equals(name)) {
          out.add(m);
        }
      })));
    }
    return out;
  }

  List<Span> spans(String name) {
    List<Span> out = new ArrayList<>();
    for (ExportTraceServiceRequest request : traces) {
      request.getResourceSpansList().forEach(rs -> rs.getScopeSpansList().forEach(ss -> ss.getSpansList().forEach(s -> {
        if (s.getName().equals(name)) {
          out.add(s);
        }
      })));
    }
    return out;
  }

  List<LogRecord> events(String eventName) {
    List<LogRecord> out = new ArrayList<>();
    for (ExportLogsServiceRequest request : logs) {
      request.getResourceLogsList().forEach(rl -> rl.getScopeLogsList().forEach(sl -> sl.getLogRecordsList().forEach(r -> {
        if (r.getEventName().equals(eventName)) {
          out.add(r);
        }
      })));
    }
    return out;
  }

  /** The string value of attribute {@code key}, or null. */
  static String attribute(List<KeyValue> attributes, String key) {
    for (KeyValue kv : attributes) {
      if (kv.getKey().equals(key)) {
        return kv.getValue().hasStringValue() ? kv.getValue().getStringValue() : kv.getValue().toString();
      }
    }
    return null;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
