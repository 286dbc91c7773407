package dev.fathom.internal.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fathom.monitor.DriftReport;
import org.junit.jupiter.api.Test;

/**
 * The monitoring suites measure real work: the sampled rows are analyzed against the published
 * profile, windows close with the expected number of samples, and the window benchmark evaluates
 * every feature. Runs a few operations through the same state objects JMH would set up; no timing.
 */
class MonitorSuitesTest {

  @Test
  void sampledRowsAreValidatedAndWindowed() {
    SampledRowBenchmark bench = new SampledRowBenchmark();
    SampledRowBenchmark.Pipeline p = new SampledRowBenchmark.Pipeline();
    p.features = 20;
    p.open();
    try {
      int analyzed = 0;
      for (int i = 0; i < 16; i++) {
        analyzed += bench.requestAndAnalyzer(p);
      }
      assertThat(analyzed).isEqualTo(16 * SampledRowBenchmark.BATCH);
      assertThat(bench.requestThread(p)).as("freed unanalyzed").isEqualTo(SampledRowBenchmark.BATCH);
      SampledRowBenchmark.Filled filled = new SampledRowBenchmark.Filled();
      filled.fill(p);
      assertThat(bench.analyzer(filled)).isEqualTo(SampledRowBenchmark.BATCH);
      assertThat(p.harness.sampled()).isEqualTo(18L * SampledRowBenchmark.BATCH);
      assertThat(p.harness.dropped()).isZero();
      DriftReport last = p.harness.monitor().lastReport();
      assertThat(last).as("a window of 1000 samples closed").isNotNull();
      assertThat(last.samples()).isEqualTo(1000);
      assertThat(last.columns()).hasSize(21);
    } finally {
      p.close();
    }
  }

  @Test
  void windowBenchmarksEvaluateEveryFeature() {
    DriftWindowBenchmark bench = new DriftWindowBenchmark();
    DriftWindowBenchmark.Pipeline p = new DriftWindowBenchmark.Pipeline();
    p.features = 100;
    p.open();
    try {
      DriftWindowBenchmark.MonitorWindow w = new DriftWindowBenchmark.MonitorWindow();
      DriftReport previous = null;
      for (int i = 0; i < 2; i++) {
        w.fill(p);
        assertThat(p.harness.monitor().lastReport()).as("no window closes while filling").isSameAs(previous);
        assertThat(bench.closeWindow(w)).as("nothing left to analyze").isZero();
        DriftReport report = p.harness.monitor().lastReport();
        assertThat(report).isNotSameAs(previous);
        assertThat(report.samples()).isEqualTo(DriftWindowBenchmark.WINDOW);
        assertThat(report.columns()).hasSize(101);
        previous = report;
      }
      DriftWindowBenchmark.EngineWindow e = new DriftWindowBenchmark.EngineWindow();
      e.fill(p);
      DriftReport engine = bench.evaluate(e);
      assertThat(engine.samples()).isEqualTo(DriftWindowBenchmark.WINDOW);
      assertThat(engine.columns()).hasSize(101);
      assertThat(engine.columns().get(0).ks()).as("KS computed").isBetween(0.0, 1.0);
    } finally {
      p.close();
    }
  }
}
