package dev.fathom.examples;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.examples.data.Transaction;
import dev.fathom.examples.data.TransactionGenerator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A scorer that uses ONNX Runtime directly, as many services do, and knows nothing of Fathom:
 * start it with {@code -javaagent:fathom-agent.jar} and its {@code OrtSession.run} calls get
 * latency, error and drift monitoring without a code change (the agent recognises the model file by
 * its checksum when it is published in the registry).
 *
 * <pre>
 * raw-onnxruntime --model demo-work/models/fraud/1/model.onnx --schema demo-work/schema-v1.json [--seconds 30] [--rate 200]
 * </pre>
 */
public final class RawOnnxRuntimeService {
  private RawOnnxRuntimeService() {}

  public static void main(String[] args) throws Exception {
    Path model = null;
    Path schema = null;
    int seconds = 30;
    int rate = 200;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--model":
          model = Path.of(args[++i]);
          break;
        case "--schema":
          schema = Path.of(args[++i]);
          break;
        case "--seconds":
          seconds = Integer.parseInt(args[++i]);
          break;
        case "--rate":
          rate = Integer.parseInt(args[++i]);
          break;
        default:
          throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (model == null || schema == null) {
      System.err.println("usage: raw-onnxruntime --model FILE --schema FILE [--seconds N] [--rate PER_SECOND]");
      System.exit(2);
    }
    List<String> columns = columns(new ObjectMapper().readTree(schema.toFile()));
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    TransactionGenerator generator = new TransactionGenerator(99, TransactionGenerator.Shift.NONE);
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long interval = 1_000_000_000L / Math.max(1, rate);
    int scored = 0;
    int flagged = 0;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(model.toString(), options)) {
      String input = session.getInputNames().iterator().next();
      while (System.nanoTime() < end) {
        float[][] row = {encode(generator.next(), columns)};
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, row);
            OrtSession.Result result = session.run(Map.of(input, tensor))) {
          float[][] probabilities = (float[][]) result.get(0).getValue();
          if (probabilities[0][0] > 0.5f) {
            flagged++;
          }
        }
        scored++;
        if (scored % Math.max(1, rate * 5) == 0) {
          System.out.printf(Locale.ROOT, "scored %,d transactions, flagged %d%n", scored, flagged);
        }
        Thread.sleep(interval / 1_000_000, (int) (interval % 1_000_000));
      }
    }
    System.out.printf(Locale.ROOT, "done: scored %,d transactions, flagged %d%n", scored, flagged);
  }

  /** Column names in the schema's order: a numeric feature's name, a categorical feature's {@code name=category} one-hot columns. */
  static List<String> columns(JsonNode schema) {
    List<String> columns = new ArrayList<>();
    for (JsonNode f : schema.get("features")) {
      if ("categorical".equals(f.path("kind").asText())) {
        for (JsonNode c : f.get("categories")) {
          columns.add(f.get("name").asText() + "=" + c.asText());
        }
      } else {
        columns.add(f.get("name").asText());
      }
    }
    return columns;
  }

  static float[] encode(Transaction t, List<String> columns) {
    float[] row = new float[columns.size()];
    for (int i = 0; i < row.length; i++) {
      String c = columns.get(i);
      switch (c) {
        case "amount":
          row[i] = (float) t.amount();
          break;
        case "hour":
          row[i] = t.hour();
          break;
        case "distance_km":
          row[i] = (float) t.distanceKm();
          break;
        case "velocity_1h":
          row[i] = t.velocity1h();
          break;
        case "account_age_days":
          row[i] = t.accountAgeDays();
          break;
        case "card_present":
          row[i] = t.cardPresent();
          break;
        default:
          row[i] = c.equals("merchant_category=" + t.merchantCategory()) || c.equals("country=" + t.country()) ? 1f : 0f;
      }
    }
    return row;
  }
}
