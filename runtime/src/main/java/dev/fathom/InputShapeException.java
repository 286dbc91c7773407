package dev.fathom;

/** An input whose shape does not fit the shape the model declares. */
public final class InputShapeException extends InvalidInputException {
  private static final long serialVersionUID = 1L;

  public InputShapeException(String input, String message) {
    super(input, "shape", "input '" + input + "': " + message);
  }
}
