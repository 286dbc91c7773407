package dev.fathom;

/**
 * A request that breaks a rule of the model's input schema. {@link #input()} names the input tensor
 * or feature and {@link #rule()} the rule, so callers can react without parsing the message.
 */
public class InvalidInputException extends FathomException {
  private static final long serialVersionUID = 1L;
  private final String input;
  private final String rule;

  public InvalidInputException(String input, String rule, String message) {
    super(message);
    this.input = input;
    this.rule = rule;
  }

  /** The input tensor or feature name the problem is about. */
  public String input() {
    return input;
  }

  /**
   * The rule that was broken: {@code unknown_input}, {@code dtype}, {@code shape}, {@code
   * missing_feature}, {@code missing_input}, or a validation rule such as {@code range}.
   */
  public String rule() {
    return rule;
  }

  @Override
  public String errorType() {
    return "invalid_input";
  }
}
