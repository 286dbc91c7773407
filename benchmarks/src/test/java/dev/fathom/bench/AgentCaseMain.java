package dev.fathom.bench;

/**
 * The child JVM of {@link AgentOrtBenchmarkTest}, started with the Fathom agent: sets up {@link
 * AgentOrtBenchmark}'s states as JMH would (the set-up waits until the agent has identified the
 * session), runs both cases a few times and prints {@code values USUAL BEST} and the tear-down's
 * {@code fathom-bench:} line.
 */
public final class AgentCaseMain {
  private AgentCaseMain() {}

  public static void main(String[] args) throws Exception {
    RawOrtBenchmark.Session session = new RawOrtBenchmark.Session();
    session.model = args[0];
    session.open();
    try {
      AgentOrtBenchmark.Monitored monitored = new AgentOrtBenchmark.Monitored();
      monitored.awaitIdentified(session);
      RawOrtBenchmark.Row row = new RawOrtBenchmark.Row();
      row.make(session);
      RawOrtBenchmark.Pinned pinned = new RawOrtBenchmark.Pinned();
      pinned.allocate(session);
      AgentOrtBenchmark bench = new AgentOrtBenchmark();
      float usual = 0;
      float best = 0;
      try {
        for (int i = 0; i < 3; i++) {
          usual = bench.usual(session, row, monitored);
          best = bench.best(session, row, pinned, monitored);
        }
      } finally {
        pinned.free();
      }
      System.out.println("values " + Float.floatToIntBits(usual) + " " + Float.floatToIntBits(best));
      monitored.report();
    } finally {
      session.close();
    }
  }
}
