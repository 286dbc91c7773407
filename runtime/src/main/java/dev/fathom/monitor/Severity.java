package dev.fathom.monitor;

import java.util.Locale;

/** How strongly a window's data departs from the reference. Ordered: {@code NONE < WARN < ALERT}. */
public enum Severity {
  /** No statistically significant drift. */
  NONE,
  /** Drift detected at the warning level (the configured p-value, corrected across features). */
  WARN,
  /** Drift at the alert level: a stricter family-wise p-value, or a significant drift with a large PSI. */
  ALERT;

  /** The gauge value of {@code fathom.drift.severity}: 0, 1 or 2. */
  public int level() {
    return ordinal();
  }

  public boolean atLeast(Severity other) {
    return compareTo(other) >= 0;
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
