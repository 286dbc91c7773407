package dev.fathom.agent.bootstrap;

/**
 * A Fathom error crossing from the agent to the application's library, as data: the library turns
 * it back into its own typed exception ({@code InputShapeException}, {@code ModelNotFoundException}
 * and so on). {@link #details()} is laid out by the {@code DETAIL_*} indexes; absent values are
 * null. Immutable.
 */
public final class BridgeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Simple name of the Fathom exception class, such as {@code InputShapeException}. */
  public static final int DETAIL_TYPE = 0;
  /** The exception's message. */
  public static final int DETAIL_MESSAGE = 1;
  /** The input or feature an invalid-input error is about. */
  public static final int DETAIL_INPUT = 2;
  /** The rule an invalid-input error broke. */
  public static final int DETAIL_RULE = 3;
  /** The model a not-found or load error is about. */
  public static final int DETAIL_MODEL = 4;
  /** The version of a load error, as decimal text. */
  public static final int DETAIL_VERSION = 5;
  /** The reference of a version-not-found error. */
  public static final int DETAIL_REFERENCE = 6;
  public static final int DETAIL_LENGTH = 7;
  /**
   * A validation error's violations follow the fixed details, four strings each: input, rule, row
   * (decimal text) and detail.
   */
  public static final int VIOLATION_FIELDS = 4;

  private final String[] details;

  public BridgeException(String[] details) {
    super(details[DETAIL_MESSAGE], null, false, false);
    this.details = details.clone();
  }

  /** The error's details; see the {@code DETAIL_*} indexes. */
  public String[] details() {
    return details.clone();
  }
}
