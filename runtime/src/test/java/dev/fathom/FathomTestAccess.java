package dev.fathom;

import dev.fathom.internal.inference.Engine;
import dev.fathom.internal.monitor.Monitoring;

/** Lets tests in other packages reach a {@link Fathom}'s internals, which the public API keeps hidden. */
public final class FathomTestAccess {
  private FathomTestAccess() {}

  public static Engine engine(Fathom fathom) {
    return fathom.engine();
  }

  public static Monitoring monitoring(Fathom fathom) {
    return fathom.monitoring();
  }
}
