package dev.fathom.agent.telemetry;

import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request and its response on a connection of {@link PrometheusEndpoint}, in the shape
 * the Prometheus client's {@link PrometheusScrapeHandler} serves. The response is buffered and
 * written with a {@code Content-Length} and {@code Connection: close} when the handler closes the
 * exchange. Not thread-safe (one connection, one thread).
 */
final class SocketExchange implements PrometheusHttpExchange, PrometheusHttpRequest, PrometheusHttpResponse {
  /** Longest request head (request line and headers) read. */
  static final int MAX_HEAD_BYTES = 8192;

  private static final String HEALTHY = "/-/healthy";

  private final Socket connection;
  private final String method;
  private final String path;
  private final String query;
  private final Map<String, List<String>> headers;
  private final Map<String, String> responseHeaders = new LinkedHashMap<>();
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private int status = 200;
  private boolean sent;

  private SocketExchange(Socket connection, String method, String path, String query, Map<String, List<String>> headers) {
    this.connection = connection;
    this.method = method;
    this.path = path;
    this.query = query;
    this.headers = headers;
  }

  /**
   * Reads a request head from {@code connection}; answers a malformed or oversized one with 400
   * and returns null.
   */
  static SocketExchange read(Socket connection) throws IOException {
    String head = readHead(connection.getInputStream());
    if (head == null) {
      writeSimple(connection, 400, "Bad Request", "request head missing, malformed or over " + MAX_HEAD_BYTES + " bytes\n");
      return null;
    }
    String[] lines = head.split("\r\n");
    String[] requestLine = lines[0].split(" ");
    if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
      writeSimple(connection, 400, "Bad Request", "malformed request line\n");
      return null;
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
      }
    }
    String target = requestLine[1];
    int q = target.indexOf('?');
    return new SocketExchange(connection, requestLine[0], q < 0 ? target : target.substring(0, q), q < 0 ? null : target.substring(q + 1), headers);
  }

  /** The request head up to the blank line, or null when the client ends early or sends too much. */
  private static String readHead(InputStream in) throws IOException {
    byte[] buffer = new byte[MAX_HEAD_BYTES];
    int length = 0;
    while (length < buffer.length) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      buffer[length++] = (byte) b;
      if (length >= 4 && buffer[length - 4] == '\r' && buffer[length - 3] == '\n' && buffer[length - 2] == '\r' && buffer[length - 1] == '\n') {
        return new String(buffer, 0, length - 4, StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  /** Routes the request: the scrape paths to {@code handler}, the rest answered here. */
  void respond(PrometheusScrapeHandler handler) throws IOException {
    if (!method.equals("GET") && !method.equals("HEAD")) {
      writeSimple(connection, 405, "Method Not Allowed", "only GET and HEAD\n");
    } else if (path.equals(HEALTHY)) {
      writeSimple(connection, 200, "OK", "Exporter is healthy.\n");
    } else if (path.equals("/metrics") || path.equals("/")) {
      handler.handleRequest(this);
    } else {
      writeSimple(connection, 404, "Not Found", "the metrics are at /metrics\n");
    }
  }

  // ---- PrometheusHttpExchange ------------------------------------------------------------------

  @Override
  public PrometheusHttpRequest getRequest() {
    return this;
  }

  @Override
  public PrometheusHttpResponse getResponse() {
    return this;
  }

  @Override
  public void handleException(IOException e) throws IOException {
    throw e;
  }

  @Override
  public void handleException(RuntimeException e) {
    status = 500;
    responseHeaders.clear();
    body.reset();
    body.writeBytes(("scrape failed: " + e + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Writes the response; the handler calls this when it is done. */
  @Override
  public void close() {
    if (sent) {
      return;
    }
    sent = true;
    try {
      writeResponse(connection, status, reason(status), responseHeaders, method.equals("HEAD") ? new byte[0] : body.toByteArray(), body.size());
    } catch (IOException e) {
      // the client went away
    }
  }

  // ---- PrometheusHttpRequest -------------------------------------------------------------------

  @Override
  public String getQueryString() {
    return query;
  }

  @Override
  public Enumeration<String> getHeaders(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return Collections.enumeration(values == null ? List.of() : values);
  }

  @Override
  public String getMethod() {
    return method;
  }

  @Override
  public String getRequestPath() {
    return path;
  }

  // ---- PrometheusHttpResponse ------------------------------------------------------------------

  @Override
  public void setHeader(String name, String value) {
    responseHeaders.put(name, value);
  }

  @Override
  public OutputStream sendHeadersAndGetBody(int statusCode, int contentLength) {
    status = statusCode;
    return body;
  }

  // ---- writing ---------------------------------------------------------------------------------

  private static void writeSimple(Socket connection, int status, String reason, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    writeResponse(connection, status, reason, Map.of("Content-Type", "text/plain; charset=utf-8"), bytes, bytes.length);
  }

  /** Writes a whole response; {@code contentLength} is the body's length even when a HEAD sends none. */
  private static void writeResponse(Socket connection, int status, String reason, Map<String, String> headers, byte[] bytes, int contentLength)
      throws IOException {
    StringBuilder head = new StringBuilder(256).append("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
    for (Map.Entry<String, String> h : headers.entrySet()) {
      if (!h.getKey().equalsIgnoreCase("Content-Length") && !h.getKey().equalsIgnoreCase("Connection") && !h.getKey().equalsIgnoreCase("Transfer-Encoding")) {
        head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
      }
    }
    head.append("Content-Length: ").append(contentLength).append("\r\nConnection: close\r\n\r\n");
    OutputStream out = connection.getOutputStream();
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(bytes);
    out.flush();
  }

  private static String reason(int status) {
    switch (status) {
      case 200:
        return "OK";
      case 400:
        return "Bad Request";
      case 404:
        return "Not Found";
      case 405:
        return "Method Not Allowed";
      case 406:
        return "Not Acceptable";
      default:
        return status >= 500 ? "Internal Server Error" : "Status";
    }
  }
}
