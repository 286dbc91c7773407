package dev.fathom;

/**
 * A model version could not be loaded: an unreadable or invalid manifest, a file ONNX Runtime
 * rejects, or a warm-up run that fails. A version that fails to load never replaces the serving one.
 */
public class ModelLoadException extends FathomException {
  private static final long serialVersionUID = 1L;
  private final String model;
  private final long version;
  private final String reason;

  public ModelLoadException(String model, long version, String message, Throwable cause) {
    super(model + "@" + version + ": " + message, cause);
    this.model = model;
    this.version = version;
    this.reason = message;
  }

  /** Why the version could not be loaded, without the {@code model@version: } of the message. */
  public String reason() {
    return reason;
  }

  public String model() {
    return model;
  }

  public long version() {
    return version;
  }

  @Override
  public String errorType() {
    return "load_failed";
  }
}
