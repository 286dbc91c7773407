package dev.fathom;

/**
 * Base class of every exception Fathom throws. Subclasses name the cause: an invalid reference, an
 * unknown model or version, a model that failed to load or verify, an invalid input.
 */
public class FathomException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FathomException(String message) {
    super(message);
  }

  public FathomException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * A short, stable, low-cardinality name for this kind of failure, used as the {@code error.type}
   * attribute of telemetry (for example {@code invalid_input}, {@code checksum_mismatch}).
   */
  public String errorType() {
    return "fathom_error";
  }
}
