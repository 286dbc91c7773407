package dev.fathom.examples.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fathom.Fathom;
import dev.fathom.FathomException;
import dev.fathom.InvalidInputException;
import dev.fathom.Model;
import dev.fathom.Prediction;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small fraud-scoring HTTP service on the JDK's {@link HttpServer}:
 *
 * <pre>
 * POST /score    {"amount": 129.5, "country": "DE", ...}  -> {"prediction_id": ..., "model": "fraud",
 *                                                            "version": 1, "fraud_probability": 0.03, "label": "legit"}
 * POST /outcome  {"prediction_id": ..., "fraud": true}     -> {"joined": true}
 * GET  /health                                             -> {"model": "fraud", "version": 1}
 * </pre>
 *
 * It knows nothing of telemetry: run it with {@code -javaagent:fathom-agent.jar} and the agent's
 * instance (registry, preloaded model, metrics, drift) serves it. Bad requests get a 400 naming the
 * feature and the rule. Thread-safe.
 */
public final class ScoringService implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Fathom fathom;
  private final Model model;
  private final HttpServer server;
  private final ExecutorService workers;

  public ScoringService(Fathom fathom, String modelReference, int port) throws IOException {
    this.fathom = fathom;
    this.model = fathom.model(modelReference);
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
    this.workers = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "scoring");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(workers);
    server.createContext("/score", exchange -> handle(exchange, this::score));
    server.createContext("/outcome", exchange -> handle(exchange, this::outcome));
    server.createContext("/health", exchange -> handle(exchange, body -> health()));
    server.start();
  }

  /** The port the service listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  private ObjectNode score(JsonNode body) {
    Prediction p = model.predict(TransactionJson.features(body));
    ObjectNode out = JSON.createObjectNode();
    out.put("prediction_id", p.id());
    out.put("model", p.model());
    out.put("version", p.version());
    out.put("fraud_probability", p.score("fraud"));
    out.put("label", p.label());
    return out;
  }

  private ObjectNode outcome(JsonNode body) {
    if (body == null || !body.path("prediction_id").canConvertToLong() || !body.has("fraud")) {
      throw new IllegalArgumentException("an outcome is {\"prediction_id\": <id>, \"fraud\": true|false}");
    }
    boolean joined = fathom.recordOutcome(body.get("prediction_id").asLong(), body.get("fraud").asBoolean() ? "fraud" : "legit");
    ObjectNode out = JSON.createObjectNode();
    out.put("joined", joined);
    return out;
  }

  private ObjectNode health() {
    ObjectNode out = JSON.createObjectNode();
    out.put("model", model.name());
    out.put("version", model.version());
    return out;
  }

  private interface Handler {
    ObjectNode handle(JsonNode body);
  }

  private static void handle(HttpExchange exchange, Handler handler) throws IOException {
    int status = 200;
    ObjectNode response;
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readAllBytes();
      JsonNode body = bytes.length == 0 ? null : JSON.readTree(bytes);
      response = handler.handle(body);
    } catch (InvalidInputException e) {
      status = 400;
      response = error(e.getMessage()).put("input", e.input()).put("rule", e.rule());
    } catch (IllegalArgumentException | com.fasterxml.jackson.core.JacksonException e) {
      status = 400;
      response = error(e.getMessage());
    } catch (FathomException e) {
      status = 503;
      response = error(e.getMessage()).put("type", e.errorType());
    } catch (RuntimeException e) {
      status = 500;
      response = error(e.toString());
    }
    byte[] out = JSON.writeValueAsBytes(response);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, out.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(out);
    }
  }

  private static ObjectNode error(String message) {
    return JSON.createObjectNode().put("error", message);
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }

  /** {@code serve [--port N] [--model REF]}: serves until killed. */
  public static void main(String[] args) throws Exception {
    // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's algorithm and
    // delayed ACKs add ~40 ms to every keep-alive response. The JDK reads this once, when its first
    // HTTP server starts (the Fathom agent's Prometheus endpoint is not one, so it cannot preempt it).
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    int port = 8080;
    String reference = "fraud";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port":
          port = Integer.parseInt(args[++i]);
          break;
        case "--model":
          reference = args[++i];
          break;
        default:
          throw new IllegalArgumentException("unknown option " + args[i] + "; usage: serve [--port N] [--model REF]");
      }
    }
    Fathom fathom = Fathom.global();
    try (ScoringService service = new ScoringService(fathom, reference, port)) {
      System.out.println("scoring service on http://127.0.0.1:" + service.port() + " serving " + reference + " version " + service.model.version());
      Thread.currentThread().join();
    }
  }
}
