package dev.fathom;

/** An input whose element type (or JSON value type) is not the one the model declares. */
public final class InputTypeException extends InvalidInputException {
  private static final long serialVersionUID = 1L;

  public InputTypeException(String input, String message) {
    super(input, "dtype", "input '" + input + "': " + message);
  }
}
