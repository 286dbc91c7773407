package dev.fathom.bench;

import ai.onnxruntime.OrtException;
import java.time.Duration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Raw ONNX Runtime code, unchanged, in a JVM started with the Fathom agent: {@link RawOrtBenchmark}'s
 * {@code usual} and {@code best} paths on the same session state (same model, same session options),
 * with the agent's instrumentation of {@code OrtSession} recording every call through the observers
 * the library uses (telemetry, 1% sampling, validation observe, drift against the reference
 * profile). What the agent costs an application that never heard of Fathom.
 *
 * <p>The benchmark JVM needs the agent and a registry that holds the model, which {@code
 * benchmarks/run.sh} provides: {@code BenchRegistry agent-registry DIR} publishes {@code bench-tiny}
 * and {@code bench-medium} with reference profiles, and JMH's {@code -jvmArgsPrepend
 * -javaagent:fathom-agent.jar=registry=DIR/registry,prometheus.port=0} starts every fork with the
 * agent (an ephemeral Prometheus port, found by {@link AgentMetrics}). The set-up fails, naming
 * what is missing, without the agent, and waits until the agent has identified the session as the
 * registry's model and timed its calls, so measurement starts on a monitored session; the tear-down
 * prints a {@code fathom-bench: mode agent} line with what the agent recorded.
 */
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class AgentOrtBenchmark {
  /** The raw code itself; its methods are called here so both classes run exactly the same code. */
  private static final RawOrtBenchmark RAW = new RawOrtBenchmark();
  /** How long set-up waits for the agent to identify the session and record a call. */
  private static final Duration IDENTIFY_TIMEOUT = Duration.ofSeconds(60);

  /** The agent's view of the shared session: checked before measurement, reported after. */
  @State(Scope.Benchmark)
  public static class Monitored {
    AgentMetrics metrics;
    String modelName;

    @Setup(Level.Trial)
    public void awaitIdentified(RawOrtBenchmark.Session s) throws OrtException {
      AgentMetrics.requireAgent();
      modelName = registryName(s.model);
      metrics = new AgentMetrics();
      // Calls on the best path (the shape the benchmark makes), until the agent's metrics show one
      // timed for the registry's model: identification runs on the agent's own thread.
      RawOrtBenchmark.Row row = new RawOrtBenchmark.Row();
      row.make(s);
      RawOrtBenchmark.Pinned pinned = new RawOrtBenchmark.Pinned();
      pinned.allocate(s);
      try {
        long deadline = System.nanoTime() + IDENTIFY_TIMEOUT.toNanos();
        while (true) {
          for (int i = 0; i < 10; i++) {
            RAW.best(s, row, pinned);
          }
          AgentMetrics.Snapshot snapshot = metrics.scrape(modelName);
          if (snapshot != null && snapshot.calls() > 0) {
            System.out.println("fathom-bench: agent identified the session as " + modelName + "@" + snapshot.version() + " ("
                + snapshot.calls() + " calls timed during set-up; metrics on " + metrics.endpoint() + ")");
            return;
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the Fathom agent did not report calls of model " + modelName + " within " + IDENTIFY_TIMEOUT.toSeconds()
                + " s (metrics " + (metrics.endpoint() == null ? "endpoint not found" : "at " + metrics.endpoint()) + "); is " + modelName
                + " published in the agent's registry (BenchRegistry agent-registry)?");
          }
          sleep(50);
        }
      } finally {
        pinned.free();
      }
    }

    @TearDown(Level.Trial)
    public void report() {
      if (metrics != null) {
        System.out.println(metrics.summary(modelName));
      }
    }
  }

  /** The registry name {@code BenchRegistry agent-registry} publishes a model under. */
  static String registryName(String model) {
    return "bench-" + BenchModel.of(model).param();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the Fathom agent", e);
    }
  }

  @Benchmark
  public float usual(RawOrtBenchmark.Session s, RawOrtBenchmark.Row r, Monitored m) throws OrtException {
    return RAW.usual(s, r);
  }

  @Benchmark
  public float best(RawOrtBenchmark.Session s, RawOrtBenchmark.Row r, RawOrtBenchmark.Pinned p, Monitored m) throws OrtException {
    return RAW.best(s, r, p);
  }
}
