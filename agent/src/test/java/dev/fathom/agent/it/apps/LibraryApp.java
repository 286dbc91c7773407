package dev.fathom.agent.it.apps;

import dev.fathom.Fathom;
import dev.fathom.InputShapeException;
import dev.fathom.Model;
import dev.fathom.ModelNotFoundException;
import dev.fathom.Prediction;
import dev.fathom.Predictor;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A service written against Fathom's library API ({@code Fathom.global()}): 50 predictions of
 * named features, 50 through a predictor, then a bad request and an unknown model, whose typed
 * exceptions it prints. Waits for standard input to close.
 */
public final class LibraryApp {
  private LibraryApp() {}

  public static void main(String[] args) throws Exception {
    Fathom fathom = Fathom.global();
    Model model = fathom.model("fraud");
    System.out.println("model " + model.reference() + " version " + model.version() + " features " + model.manifest().tabularInput().features().size());
    Map<String, Object> features = new LinkedHashMap<>();
    float[] row = new float[16];
    for (int i = 0; i < 16; i++) {
      features.put("f" + i, (i % 5) * 0.25 - 0.5);
      row[i] = (i % 5) * 0.25f - 0.5f;
    }
    Set<Long> ids = new HashSet<>();
    double first = Double.NaN;
    for (int i = 0; i < 50; i++) {
      Prediction p = model.predict(features);
      ids.add(p.id());
      first = p.value();
    }
    double fast = Double.NaN;
    try (Predictor predictor = model.predictor()) {
      for (int i = 0; i < 50; i++) {
        ids.add(predictor.predict(row));
        fast = predictor.output(0);
      }
      System.out.println("predictor last version " + predictor.lastVersion() + " prediction " + predictor.lastPrediction().model());
    }
    System.out.printf("predictions 100 distinct ids %d value %.6f fast %.6f%n", ids.size(), first, fast);
    try {
      model.predict(new float[3]);
    } catch (InputShapeException e) {
      System.out.println("caught " + e.getClass().getSimpleName() + " input=" + e.input() + " rule=" + e.rule());
    }
    try {
      fathom.model("nope");
    } catch (ModelNotFoundException e) {
      System.out.println("caught " + e.getClass().getSimpleName() + " model=" + e.model());
    }
    // The service's own library instance, beside the global one: its sessions are the library's,
    // so the agent's ONNX Runtime instrumentation leaves them alone (they are not counted twice).
    try (Fathom local = Fathom.builder().registry(fathom.registry().root()).build()) {
      Model own = local.model("fraud");
      for (int i = 0; i < 10; i++) {
        own.predict(features);
      }
      System.out.println("local instance predictions 10");
    }
    fathom.close();
    System.out.println("global instance still serves: " + (Fathom.global() == fathom) + " " + fathom.model("fraud").version());
    while (System.in.read() >= 0) {
      // the test closes standard input to end the application
    }
    System.out.println("bye");
  }
}
