package dev.fathom.agent.it.apps;

import java.util.Map;

/** Calls {@link Scorer#score} 200 times and {@link Scorer#explain} 50 times, once with a bad request; waits for standard input to close. */
public final class MethodApp {
  private MethodApp() {}

  public static void main(String[] args) throws Exception {
    Scorer scorer = new Scorer();
    double sum = 0;
    for (int i = 0; i < 200; i++) {
      float[] row = new float[16];
      row[i % 16] = i / 10f;
      sum += scorer.score(row);
    }
    for (int i = 0; i < 49; i++) {
      sum += scorer.explain(Map.of("amount", i, "country", "DE"));
    }
    try {
      scorer.explain(Map.of());
    } catch (IllegalArgumentException e) {
      System.out.println("refused: " + e.getMessage());
    }
    System.out.printf("methods done sum=%.3f%n", sum);
    while (System.in.read() >= 0) {
      // the test closes standard input to end the application
    }
    System.out.println("bye");
  }
}
