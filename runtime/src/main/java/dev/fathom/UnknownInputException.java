package dev.fathom;

import java.util.Collection;

/** A request names an input tensor or feature the model does not have. */
public final class UnknownInputException extends InvalidInputException {
  private static final long serialVersionUID = 1L;

  public UnknownInputException(String input, String kind, Collection<String> expected) {
    super(input, "unknown_input", "unknown " + kind + " '" + input + "'; the model expects " + expected);
  }
}
