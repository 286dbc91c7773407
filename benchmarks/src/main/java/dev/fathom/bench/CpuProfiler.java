package dev.fathom.bench;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler ({@code -prof dev.fathom.bench.CpuProfiler}) that reports the CPU time the
 * benchmark JVM spends per operation, and how many cores it actually got.
 *
 * <p>On a machine shared with other work, wall-clock throughput measures the share of the CPU the
 * benchmark was given as much as the code. CPU time per call does not: it is what a call costs
 * wherever it runs (all of the JVM's threads count, so garbage collection is charged to the calls
 * that make the garbage). Two results per iteration:
 *
 * <ul>
 *   <li>{@code cpu.time.norm}: process CPU nanoseconds per operation;
 *   <li>{@code cpu.cores}: process CPU time over wall time: about 1 per benchmark thread on an idle
 *       machine, less when other processes take turns on the cores.
 * </ul>
 *
 * Runs inside the benchmark JVM; one instance per run, called from JMH's control thread.
 */
public final class CpuProfiler implements InternalProfiler {
  private static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private long cpuBefore;
  private long wallBefore;

  @Override
  public String getDescription() {
    return "process CPU time per operation, and cores used";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    cpuBefore = OS.getProcessCpuTime();
    wallBefore = System.nanoTime();
  }

  @Override
  public List<? extends Result<?>> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long cpu = OS.getProcessCpuTime() - cpuBefore;
    long wall = System.nanoTime() - wallBefore;
    long ops = result.getMetadata().getAllOps();
    if (cpu < 0 || wall <= 0 || ops <= 0) {
      return List.of();
    }
    return List.of(
        new ScalarResult("cpu.time.norm", (double) cpu / ops, "ns/op", AggregationPolicy.AVG),
        new ScalarResult("cpu.cores", (double) cpu / wall, "cores", AggregationPolicy.AVG));
  }
}
