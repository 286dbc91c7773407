package dev.fathom.monitor;

import java.util.Locale;

/** What schema validation does with a request that breaks the model's input schema. */
public enum ValidationMode {
  /**
   * Checks every call on the request thread and rejects a bad one with a {@link
   * dev.fathom.ValidationException} listing every violation.
   */
  ENFORCE,
  /**
   * Lets every call through and counts the violations of sampled rows per feature and rule
   * ({@code fathom.validation.violations}); the check runs on the background analyzer, so unsampled
   * calls pay nothing.
   */
  OBSERVE,
  /** No validation beyond the element type and shape checks every call gets. */
  OFF;

  /** Parses {@code enforce}, {@code observe} or {@code off} (any case). */
  public static ValidationMode parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("validation mode must be enforce, observe or off, was '" + text + "'", e);
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
