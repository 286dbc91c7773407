package dev.fathom;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A request rejected by schema validation in enforce mode. {@link #violations()} lists every
 * violation of the request (every row, every feature, every rule); {@link #input()} and {@link
 * #rule()} are those of the first one.
 *
 * <p>Rules: {@value #MISSING} (a required value is absent), {@value #NAN} (NaN where the feature may
 * not be missing), {@value #INFINITE} (an infinite value), {@value #RANGE} (below the feature's
 * {@code min} or above its {@code max}), {@value #CATEGORY} (a value outside the category domain, or
 * an invalid one-hot encoding), {@value #DTYPE} and {@value #SHAPE} (a tensor's element type or
 * shape differs from the manifest).
 */
public final class ValidationException extends InvalidInputException {
  private static final long serialVersionUID = 1L;
  public static final String MISSING = "missing";
  public static final String NAN = "nan";
  public static final String INFINITE = "infinite";
  public static final String RANGE = "range";
  public static final String CATEGORY = "category";
  public static final String DTYPE = "dtype";
  public static final String SHAPE = "shape";
  /** Violations spelled out in the message; the list holds them all. */
  private static final int MESSAGE_LIMIT = 50;

  private final String model;
  private final List<Violation> violations;

  /**
   * One broken rule.
   *
   * @param input the feature or input tensor name
   * @param rule the rule (see {@link ValidationException})
   * @param row the row of the request (0 for a single prediction)
   * @param detail what was wrong, for people
   */
  public record Violation(String input, String rule, int row, String detail) implements Serializable {
    public Violation {
      Objects.requireNonNull(input, "input");
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
      return "'" + input + "' " + rule + (row > 0 ? " (row " + row + ")" : "") + ": " + detail;
    }
  }

  /**
   * @param model the model version, for example {@code fraud@3}
   * @param violations every violation, at least one
   */
  public ValidationException(String model, List<Violation> violations) {
    super(violations.get(0).input(), violations.get(0).rule(), message(model, violations));
    this.model = model;
    this.violations = List.copyOf(violations);
  }

  /** The model version that rejected the request, for example {@code fraud@3}. */
  public String model() {
    return model;
  }

  private static String message(String model, List<Violation> violations) {
    StringBuilder sb = new StringBuilder();
    sb.append(model).append(" rejected the request: ").append(violations.size()).append(violations.size() == 1 ? " violation" : " violations");
    if (violations.size() > 1) {
      Map<String, Integer> byRule = new LinkedHashMap<>();
      for (Violation v : violations) {
        byRule.merge("'" + v.input() + "' " + v.rule(), 1, Integer::sum);
      }
      sb.append(" (");
      boolean first = true;
      for (Map.Entry<String, Integer> e : byRule.entrySet()) {
        sb.append(first ? "" : ", ").append(e.getKey()).append(" x").append(e.getValue());
        first = false;
      }
      sb.append(')');
    }
    for (int i = 0; i < violations.size() && i < MESSAGE_LIMIT; i++) {
      sb.append("\n  ").append(violations.get(i));
    }
    if (violations.size() > MESSAGE_LIMIT) {
      sb.append("\n  ... and ").append(violations.size() - MESSAGE_LIMIT).append(" more");
    }
    return sb.toString();
  }

  /** Every violation of the request, in row then feature order. */
  public List<Violation> violations() {
    return violations;
  }

  @Override
  public String errorType() {
    return "validation_failed";
  }
}
