package dev.fathom;

/** ONNX Runtime failed while running a model on an input that passed Fathom's checks. */
public final class InferenceException extends FathomException {
  private static final long serialVersionUID = 1L;

  public InferenceException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public String errorType() {
    return "inference_failed";
  }
}
