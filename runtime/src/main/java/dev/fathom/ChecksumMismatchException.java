package dev.fathom;

/** The bytes of {@code model.onnx} do not match the sha256 or size its manifest records. */
public final class ChecksumMismatchException extends ModelLoadException {
  private static final long serialVersionUID = 1L;

  public ChecksumMismatchException(String model, long version, String message) {
    super(model, version, message, null);
  }

  @Override
  public String errorType() {
    return "checksum_mismatch";
  }
}
