package dev.fathom.examples.train;

import dev.fathom.examples.data.Transaction;
import dev.fathom.examples.data.TransactionCsv;
import java.io.IOException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Trains the demo's fraud model with Tribuo (logistic regression by SGD), evaluates it on a
 * hold-out set and exports it to ONNX with standardization of the numeric features folded into the
 * graph, so the model takes raw feature values. Categorical features become one-hot columns named
 * {@code feature=value}; Tribuo orders columns by feature name, and the manifest schema written by
 * {@link TrainingResult#schema()} follows that order.
 */
public final class FraudTrainer {
  /** Numeric features and their valid ranges (the manifest's min/max constraints). */
  static final Map<String, double[]> NUMERIC = new LinkedHashMap<>();

  static {
    NUMERIC.put("amount", new double[] {0, 1e6});
    NUMERIC.put("hour", new double[] {0, 23});
    NUMERIC.put("distance_km", new double[] {0, 20_100});
    NUMERIC.put("velocity_1h", new double[] {0, 1000});
    NUMERIC.put("account_age_days", new double[] {0, 36_500});
    NUMERIC.put("card_present", new double[] {0, 1});
  }

  static final String[] CATEGORICAL = {"merchant_category", "country"};

  /** Hyperparameters, recorded as the version's lineage. */
  public record Hyperparameters(int epochs, double learningRate, double holdOut, long seed) {
    public static Hyperparameters defaults() {
      return new Hyperparameters(8, 0.3, 0.25, 42L);
    }

    public Map<String, Object> asMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("algorithm", "logistic-regression-sgd");
      m.put("optimiser", "adagrad");
      m.put("epochs", epochs);
      m.put("learning_rate", learningRate);
      m.put("hold_out", holdOut);
      m.put("seed", seed);
      return m;
    }
  }

  private FraudTrainer() {}

  /** Trains on {@code csv}, evaluates on a hold-out part of it and writes the ONNX model. */
  public static TrainingResult train(Path csv, Path onnxOut, Hyperparameters params) throws IOException {
    List<Transaction> rows = new ArrayList<>();
    for (String[] fields : TransactionCsv.readRows(csv)) {
      rows.add(TransactionCsv.parse(fields));
    }
    java.util.Collections.shuffle(rows, new Random(params.seed()));
    int split = (int) Math.round(rows.size() * (1 - params.holdOut()));
    List<Transaction> train = rows.subList(0, split);
    List<Transaction> test = rows.subList(split, rows.size());
    Standardizer scale = Standardizer.fit(train, NUMERIC.keySet());

    LabelFactory labels = new LabelFactory();
    MutableDataset<Label> trainSet = dataset(train, scale, labels, "train");
    MutableDataset<Label> testSet = dataset(test, scale, labels, "hold-out");
    LinearSGDTrainer trainer =
        new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(params.learningRate(), 0.1), params.epochs(), Integer.MAX_VALUE, 1, params.seed());
    LinearSGDModel model = trainer.train(trainSet);

    LabelEvaluation evaluation = new LabelEvaluator().evaluate(model, testSet);
    Label fraud = new Label("fraud");
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("auc", evaluation.AUCROC(fraud));
    metrics.put("accuracy", evaluation.accuracy());
    metrics.put("precision", evaluation.precision(fraud));
    metrics.put("recall", evaluation.recall(fraud));

    ImmutableFeatureMap features = model.getFeatureIDMap();
    List<String> columns = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) {
      columns.add(features.get(i).getName());
    }
    List<String> classLabels = new ArrayList<>();
    for (int i = 0; i < model.getOutputIDInfo().size(); i++) {
      classLabels.add(model.getOutputIDInfo().getOutput(i).getLabel());
    }
    Path raw = onnxOut.resolveSibling(onnxOut.getFileName() + ".tribuo");
    model.saveONNXModel("dev.fathom.demo", 1, raw);
    OnnxStandardization.prepend(raw, onnxOut, columns, scale);
    java.nio.file.Files.deleteIfExists(raw);
    return new TrainingResult(onnxOut, columns, classLabels, metrics, params, train.size(), test.size());
  }

  private static MutableDataset<Label> dataset(List<Transaction> rows, Standardizer scale, LabelFactory labels, String name) {
    MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance(name, OffsetDateTime.now(), labels), labels);
    for (Transaction t : rows) {
      data.add(example(t, scale));
    }
    return data;
  }

  static Example<Label> example(Transaction t, Standardizer scale) {
    Map<String, Double> raw = numericValues(t);
    String[] names = new String[raw.size() + CATEGORICAL.length];
    double[] values = new double[names.length];
    int i = 0;
    for (Map.Entry<String, Double> e : raw.entrySet()) {
      names[i] = e.getKey();
      values[i++] = scale.apply(e.getKey(), e.getValue());
    }
    names[i] = "merchant_category=" + t.merchantCategory();
    values[i++] = 1.0;
    names[i] = "country=" + t.country();
    values[i] = 1.0;
    return new ArrayExample<>(new Label(t.fraud() == 1 ? "fraud" : "legit"), names, values);
  }

  static Map<String, Double> numericValues(Transaction t) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("amount", t.amount());
    m.put("hour", (double) t.hour());
    m.put("distance_km", t.distanceKm());
    m.put("velocity_1h", (double) t.velocity1h());
    m.put("account_age_days", (double) t.accountAgeDays());
    m.put("card_present", (double) t.cardPresent());
    return m;
  }
}
