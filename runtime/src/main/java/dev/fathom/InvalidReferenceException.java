package dev.fathom;

/** A model reference or model name that does not follow the registry's naming rules. */
public final class InvalidReferenceException extends FathomException {
  private static final long serialVersionUID = 1L;

  public InvalidReferenceException(String message) {
    super(message);
  }

  @Override
  public String errorType() {
    return "invalid_reference";
  }
}
