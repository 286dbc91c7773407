package dev.fathom.examples.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fathom.examples.data.Transaction;
import dev.fathom.examples.data.TransactionGenerator;
import dev.fathom.examples.train.FraudTrainer;
import dev.fathom.examples.train.TrainingResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Generating data, training with an evaluation gate and publishing with {@code fathom publish}: the
 * model side of the demo, shared with the end-to-end tests.
 */
final class ModelLifecycle {
  /** Tribuo reports every training run at INFO; the lifecycle prints its own summary. Held so it is not collected. */
  private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

  static {
    TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final Workspace ws;
  private final PrintStream out;

  ModelLifecycle(Workspace ws, PrintStream out) {
    this.ws = ws;
    this.out = out;
  }

  static List<Transaction> generate(long seed, int rows, TransactionGenerator.Shift shift) {
    TransactionGenerator g = new TransactionGenerator(seed, shift);
    List<Transaction> rowsOut = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      rowsOut.add(g.next());
    }
    return rowsOut;
  }

  /** Trains and evaluates; null (with the reason printed) when the model misses the gate. */
  TrainingResult train(Path csv, String fileName, double minimumAuc) throws Exception {
    TrainingResult r = FraudTrainer.train(csv, ws.file(fileName), FraudTrainer.Hyperparameters.defaults());
    detail(String.format(Locale.ROOT, "trained on %,d rows, evaluated on %,d: auc %.3f, accuracy %.3f, fraud precision %.3f, recall %.3f",
        r.trainRows(), r.testRows(), r.metrics().get("auc"), r.metrics().get("accuracy"), r.metrics().get("precision"), r.metrics().get("recall")));
    if (r.metrics().get("auc") < minimumAuc || !r.coversAllCategories()) {
      detail(String.format(Locale.ROOT, "REFUSED: auc %.3f is below the publishing threshold %.2f (or a category was never seen)", r.metrics().get("auc"), minimumAuc));
      return null;
    }
    detail(String.format(Locale.ROOT, "auc %.3f >= threshold %.2f: good to publish", r.metrics().get("auc"), minimumAuc));
    return r;
  }

  /**
   * {@code fathom publish fraud}: the schema from training, a reference profile of {@code data},
   * data and code lineage, hyperparameters and metrics, alias {@code production}.
   */
  void publish(TrainingResult r, Path data, String schemaName) throws Exception {
    Path schema = ws.file(schemaName);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(schema.toFile(), r.schema());
    List<String> args = new ArrayList<>(List.of(
        "publish", "fraud",
        "--registry", ws.registry().toString(),
        "--model", r.onnxFile().toString(),
        "--schema", schema.toString(),
        "--data", data.toString(),
        "--data-file", data.toString(),
        "--data-uri", data.toUri().toString(),
        "--alias", "production",
        "--code-dir", Path.of("").toAbsolutePath().toString()));
    for (Map.Entry<String, Object> p : new TreeMap<>(r.hyperparameters().asMap()).entrySet()) {
      args.add("--param");
      args.add(p.getKey() + "=" + p.getValue());
    }
    for (Map.Entry<String, Double> m : r.metrics().entrySet()) {
      args.add("--metric");
      args.add(String.format(Locale.ROOT, "%s=%.4f", m.getKey(), m.getValue()));
    }
    Processes.fathom(ws, out, args.toArray(new String[0]));
  }

  private void detail(String text) {
    out.println("       " + text);
  }
}
