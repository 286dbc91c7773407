package dev.fathom.monitor;

import java.util.Locale;

/**
 * How a window's per-feature p-values are corrected for testing many features at once, so that the
 * chance of any false alarm in a window stays near the configured p-value.
 */
public enum Correction {
  /** Holm's step-down method: controls the family-wise error rate like Bonferroni, never less powerful. */
  HOLM,
  /** Bonferroni: each p-value multiplied by the number of features tested. */
  BONFERRONI,
  /** No correction: each feature is tested at the configured p-value on its own (more false alarms). */
  NONE;

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
