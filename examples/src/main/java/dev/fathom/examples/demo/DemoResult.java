package dev.fathom.examples.demo;

import java.io.PrintStream;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** What the demo observed in each phase, and whether that is what it set out to show. Not thread-safe. */
final class DemoResult {
  /** The phases of the traffic. */
  enum Phase {
    NORMAL("normal traffic"),
    HOLIDAY("holiday traffic"),
    RETRAINED("holiday, retrained");

    private final String title;

    Phase(String title) {
      this.title = title;
    }

    String title() {
      return title;
    }
  }

  long sent;
  long clientFailures;
  long outcomesSent;
  long finalVersion;
  boolean publishedV2;
  MetricsSnapshot last;
  private final Map<Phase, TreeSet<String>> drifted = new EnumMap<>(Phase.class);
  private final Map<Phase, Double> accuracy = new EnumMap<>(Phase.class);

  void observe(Phase phase, MetricsSnapshot m, long version) {
    TreeSet<String> flagged = drifted.computeIfAbsent(phase, p -> new TreeSet<>());
    for (Map.Entry<String, Integer> e : m.driftSeverity().entrySet()) {
      // Alerts only: at the warning level a few percent of windows of unchanged traffic flag some
      // feature by chance (see DriftThresholds), so warnings are shown live, not judged.
      if (e.getValue() >= 2 && !e.getKey().startsWith("prediction:")) {
        flagged.add(e.getKey());
      }
    }
    if (!Double.isNaN(m.accuracy())) {
      accuracy.put(phase, m.accuracy());
    }
  }

  private TreeSet<String> drifted(Phase phase) {
    return drifted.getOrDefault(phase, new TreeSet<>());
  }

  boolean ok() {
    return sent > 0
        && clientFailures == 0
        && drifted(Phase.NORMAL).isEmpty()
        && drifted(Phase.HOLIDAY).contains("amount")
        && (!publishedV2 || finalVersion == 2);
  }

  void print(PrintStream out) {
    out.printf(Locale.ROOT, "       %,d predictions served, %d failed; %,d delayed outcomes reported%n", sent, clientFailures, outcomesSent);
    if (last != null) {
      out.printf(Locale.ROOT, "       latency of fraud@%d: p50 %s, p99 %s (in-process model call); versions loaded %s%n",
          finalVersion, ConsoleView.micros(last.p50Seconds()), ConsoleView.micros(last.p99Seconds()), last.loadedVersions());
    }
    for (Phase phase : Phase.values()) {
      TreeSet<String> flagged = drifted(phase);
      Double acc = accuracy.get(phase);
      out.printf(Locale.ROOT, "       %-20s drift alerts: %-45s accuracy %s%n", phase.title() + ":", flagged.isEmpty() ? "none" : flagged.toString(),
          acc == null ? "-" : ConsoleView.ratio(acc));
    }
    out.printf(Locale.ROOT, "       version 2 %s; the service answered with version %d at the end, without a restart%n",
        publishedV2 ? "was published during traffic" : "was not published", finalVersion);
    out.println(ok()
        ? "       demo OK: no drift on training-like traffic, the shifted features flagged on holiday traffic, and the retrained version took over while serving"
        : "       demo did NOT show everything it should (see above)");
  }
}
