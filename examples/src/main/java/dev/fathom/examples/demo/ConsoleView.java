package dev.fathom.examples.demo;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the demo's compact live view: one block per refresh with phase, traffic, latency, the
 * model version serving, drift status per feature and accuracy from delayed outcomes.
 */
final class ConsoleView {
  private static final String[] SEVERITY = {"ok", "WARN", "ALERT"};

  private final PrintStream out;
  private double lastRequests;
  private long lastNanos;

  ConsoleView(PrintStream out) {
    this.out = out;
  }

  void render(long elapsedSeconds, String phase, long servingVersion, MetricsSnapshot m, long clientFailures) {
    long now = System.nanoTime();
    // The rate between refreshes; the first refresh has none to compare with.
    String rate = lastNanos == 0 ? "" : String.format(Locale.ROOT, " (%.0f/s)", (m.requests() - lastRequests) / ((now - lastNanos) / 1e9));
    lastRequests = m.requests();
    lastNanos = now;
    out.printf(Locale.ROOT, "[%3ds] %-22s serving fraud@%d   requests %,.0f%s   p50 %s   p99 %s   errors %.0f%s%n",
        elapsedSeconds, phase, servingVersion, m.requests(), rate, micros(m.p50Seconds()), micros(m.p99Seconds()), m.errors(),
        clientFailures > 0 ? "   client failures " + clientFailures : "");
    StringBuilder drift = new StringBuilder();
    for (Map.Entry<String, Integer> e : m.driftSeverity().entrySet()) {
      if (e.getKey().startsWith("prediction:")) {
        continue;
      }
      drift.append(String.format(Locale.ROOT, "%s %s  ", e.getKey(), SEVERITY[Math.min(2, Math.max(0, e.getValue()))]));
    }
    out.printf(Locale.ROOT, "       drift: %s%n", drift.length() == 0 ? "(first window still filling)" : drift.toString().trim());
    out.printf(Locale.ROOT, "       accuracy %s   auc %s   (last %,.0f outcomes of this version)   loaded %s%n",
        ratio(m.accuracy()), ratio(m.auc()), m.outcomes(), m.loadedVersions());
    out.flush();
  }

  static String micros(double seconds) {
    return Double.isNaN(seconds) ? "  -  " : String.format(Locale.ROOT, "%.0f us", seconds * 1e6);
  }

  static String ratio(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.3f", value);
  }
}
