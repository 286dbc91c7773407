package dev.fathom;

/** The registry could not be read or written (I/O error, invalid aliases file, failed publish). */
public final class RegistryException extends FathomException {
  private static final long serialVersionUID = 1L;

  public RegistryException(String message) {
    super(message);
  }

  public RegistryException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public String errorType() {
    return "registry_error";
  }
}
