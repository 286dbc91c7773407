package dev.fathom.examples;

import dev.fathom.Fathom;
import dev.fathom.Features;
import dev.fathom.Model;
import dev.fathom.Prediction;
import dev.fathom.Predictor;
import dev.fathom.monitor.MonitoringOptions;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Fathom as a plain library, without the agent: open the registry, get a model by reference,
 * predict named features, take the allocation-free fast path, report a late outcome.
 *
 * <pre>
 * library [--registry demo-work/models] [--model fraud]
 * </pre>
 */
public final class LibraryExample {
  private LibraryExample() {}

  public static void main(String[] args) throws Exception {
    Path registry = Path.of("demo-work/models");
    String reference = "fraud";
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--registry")) {
        registry = Path.of(args[++i]);
      } else if (args[i].equals("--model")) {
        reference = args[++i];
      } else {
        throw new IllegalArgumentException("usage: library [--registry DIR] [--model REF]");
      }
    }
    // Every prediction sampled so that the outcome below joins (the default samples 1%: outcomes
    // are joined to sampled predictions only).
    try (Fathom fathom = Fathom.builder().registry(registry).monitoring(MonitoringOptions.builder().samplingRate(1.0).build()).build()) {
      Model model = fathom.model(reference);
      var lineage = model.manifest().lineage();
      System.out.printf(Locale.ROOT, "%s serves version %d, trained from %s @ %s on %s (%d rows), auc %s%n", model.reference(), model.version(),
          lineage.code().repository(), lineage.code().commit(), lineage.data().uri(), lineage.data().rows(), lineage.metrics().get("auc"));

      Features transaction =
          Features.builder()
              .put("amount", 899.0)
              .put("hour", 3)
              .put("distance_km", 2400.0)
              .put("velocity_1h", 5)
              .put("account_age_days", 12)
              .put("card_present", 0)
              .put("merchant_category", "electronics")
              .put("country", "US")
              .build();
      Prediction p = model.predict(transaction);
      System.out.printf(Locale.ROOT, "prediction %d by %s@%d: %s (fraud probability %.3f)%n", p.id(), p.model(), p.version(), p.label(), p.score("fraud"));
      System.out.println("outcome joined: " + fathom.recordOutcome(p.id(), "fraud"));

      // The fast path: one Predictor per thread, rows of encoded columns, no allocation per call.
      int columns = model.manifest().tabularInput().featureColumns();
      int fraudColumn = model.manifest().outputs().get(0).labels().indexOf("fraud");
      float[] row = new float[columns];
      try (Predictor predictor = model.predictor()) {
        long start = System.nanoTime();
        int calls = 100_000;
        for (int i = 0; i < calls; i++) {
          row[i % columns] = (i % 7) * 0.1f;
          predictor.predict(row);
        }
        System.out.printf(Locale.ROOT, "%,d fast-path predictions, %.2f us each, last fraud probability %.3f%n",
            calls, (System.nanoTime() - start) / 1e3 / calls, predictor.output(0, fraudColumn));
      }
    }
  }
}
