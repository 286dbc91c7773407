package dev.fathom.telemetry;

/** What Fathom exports through OpenTelemetry. Immutable; build with {@link #builder()}. */
public final class TelemetryOptions {
  private static final TelemetryOptions DEFAULTS = builder().build();

  private TelemetryOptions(Builder b) {}

  public static TelemetryOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link TelemetryOptions}. Not thread-safe. */
  public static final class Builder {
    private Builder() {}

    public TelemetryOptions build() {
      return new TelemetryOptions(this);
    }
  }
}
