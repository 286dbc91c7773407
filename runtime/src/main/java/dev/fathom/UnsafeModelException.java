package dev.fathom;

/**
 * The model file references external data outside its version directory (an absolute path, or a
 * relative path that climbs out with {@code ..}). Such a model is refused before ONNX Runtime reads
 * it.
 */
public final class UnsafeModelException extends ModelLoadException {
  private static final long serialVersionUID = 1L;

  public UnsafeModelException(String model, long version, String message) {
    super(model, version, message, null);
  }

  @Override
  public String errorType() {
    return "unsafe_model";
  }
}
