package dev.fathom;

import dev.fathom.internal.inference.Engine;
import dev.fathom.internal.monitor.Monitoring;

/**
 * Lets benchmarks reach a {@link Fathom}'s internals (the hooks and the analyzer they measure in
 * isolation), which the public API keeps hidden. Same package, so it reads the package-private
 * accessors; the benchmarks jar is a plain class path, never a module.
 */
public final class BenchAccess {
  private BenchAccess() {}

  public static Engine engine(Fathom fathom) {
    return fathom.engine();
  }

  public static Monitoring monitoring(Fathom fathom) {
    return fathom.monitoring();
  }
}
