package dev.fathom;

/**
 * The model exists but the requested version does not: a pinned version that was never published,
 * an alias that is not defined or points at a missing version, or a model with no complete version.
 */
public final class VersionNotFoundException extends FathomException {
  private static final long serialVersionUID = 1L;
  private final String reference;

  public VersionNotFoundException(String reference, String message) {
    super(message);
    this.reference = reference;
  }

  /** The reference that could not be resolved, for example {@code fraud@7}. */
  public String reference() {
    return reference;
  }

  @Override
  public String errorType() {
    return "version_not_found";
  }
}
