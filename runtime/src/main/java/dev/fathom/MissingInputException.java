package dev.fathom;

/** A request that leaves out a feature or input tensor the model requires. */
public final class MissingInputException extends InvalidInputException {
  private static final long serialVersionUID = 1L;

  public MissingInputException(String input, String kind) {
    super(input, "missing_" + kind, "missing " + kind + " '" + input + "': the model requires it");
  }
}
