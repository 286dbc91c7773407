package dev.fathom.monitor;

/** Sampling, validation and drift settings. Immutable; build with {@link #builder()}. */
public final class MonitoringOptions {
  private static final MonitoringOptions DEFAULTS = builder().build();

  private MonitoringOptions(Builder b) {}

  public static MonitoringOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link MonitoringOptions}. Not thread-safe. */
  public static final class Builder {
    private Builder() {}

    public MonitoringOptions build() {
      return new MonitoringOptions(this);
    }
  }
}
