package dev.fathom.bench;

import dev.fathom.Fathom;

/**
 * The values of {@link FathomBenchmark}'s {@code mode} parameter: what Fathom watches while it
 * serves. Only modes Fathom can run today are listed; the suite is laid out for the rest:
 *
 * <ul>
 *   <li>{@value #OFF}: monitoring off: {@code Fathom.builder()} with its defaults. Telemetry and
 *       monitoring are no-op seams in the runtime today, so the defaults observe nothing. Once they
 *       land, make this mode switch both off explicitly, so it stays the "monitoring off" baseline.
 *   <li>to come: {@code latency} (latency histogram only), {@code sampled-1pct} (1% sampling with
 *       validation in observe mode), {@code sampled-100pct-drift} (every call sampled, drift on).
 *       To add one: a constant here, a branch in {@link #configure}, and the value in the {@code
 *       @Param} list of {@link FathomBenchmark.Serving#mode}. The report picks it up by name.
 * </ul>
 */
public final class FathomModes {
  public static final String OFF = "off";

  private FathomModes() {}

  /** Applies {@code mode} to a builder that already has its registry. */
  public static Fathom.Builder configure(Fathom.Builder builder, String mode) {
    switch (mode) {
      case OFF:
        return builder;
      default:
        throw new IllegalArgumentException("unknown mode '" + mode + "'; this build knows: " + OFF);
    }
  }
}
