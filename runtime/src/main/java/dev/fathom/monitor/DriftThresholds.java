package dev.fathom.monitor;

import java.util.Objects;

/**
 * When a window's drift counts as a warning or an alert. Immutable; build with {@link #builder()}.
 *
 * <p>The decision per feature (or model output) in a window:
 *
 * <ol>
 *   <li>Each test gives a p-value: for a numeric column the Mann-Whitney rank-sum test (a shift of
 *       location; unlike the z-test on the mean, skewed columns such as saturated probabilities do not
 *       fool it) and the Kolmogorov-Smirnov test (any change of shape); for a categorical column the chi-square test of homogeneity and the
 *       largest single-category share change (two-proportion tests, Bonferroni over categories);
 *       for either, the two-proportion test on the missing rate when either side has any. The
 *       column's p-value is the smallest of them times their number (Bonferroni within the column).
 *   <li>The columns' p-values are corrected across all columns of the window ({@link #correction()},
 *       Holm by default).
 *   <li>{@link Severity#WARN} when the corrected p-value is at most {@link #pValue()} (0.05);
 *       {@link Severity#ALERT} when it is at most {@link #alertPValue()} (0.005), or when it is at
 *       most {@link #pValue()} and the PSI is at least {@link #psiAlert()} (0.25).
 * </ol>
 *
 * <p>PSI alone never decides: on a window of a thousand samples a PSI above 0.1 is rare even for
 * drifts a test finds every time, and on small windows PSI is noisy. PSI raises a significant drift
 * to an alert when it is large, and {@link #psiWarn()} marks the PSI band in reports.
 *
 * <p>A column's event {@code fathom.drift.detected} fires when its severity rises; it falls back to
 * none only after {@link #clearAfterWindows()} windows in a row without drift, so a feature at the
 * edge of significance does not flap.
 */
public final class DriftThresholds {
  private static final DriftThresholds DEFAULTS = builder().build();

  private final double psiWarn;
  private final double psiAlert;
  private final double pValue;
  private final double alertPValue;
  private final Correction correction;
  private final int minSamples;
  private final int clearAfterWindows;

  private DriftThresholds(Builder b) {
    this.psiWarn = b.psiWarn;
    this.psiAlert = b.psiAlert;
    this.pValue = b.pValue;
    this.alertPValue = b.alertPValue;
    this.correction = b.correction;
    this.minSamples = b.minSamples;
    this.clearAfterWindows = b.clearAfterWindows;
  }

  /** PSI 0.1 warn / 0.25 alert, p-value 0.05 (warn) and 0.005 (alert) with Holm's correction. */
  public static DriftThresholds defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these thresholds. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.psiWarn = psiWarn;
    b.psiAlert = psiAlert;
    b.pValue = pValue;
    b.alertPValue = alertPValue;
    b.correction = correction;
    b.minSamples = minSamples;
    b.clearAfterWindows = clearAfterWindows;
    return b;
  }

  public double psiWarn() {
    return psiWarn;
  }

  public double psiAlert() {
    return psiAlert;
  }

  /** The family-wise p-value of a warning. */
  public double pValue() {
    return pValue;
  }

  /** The family-wise p-value of an alert. */
  public double alertPValue() {
    return alertPValue;
  }

  public Correction correction() {
    return correction;
  }

  /** Fewest non-missing values a column needs in a window to be tested. */
  public int minSamples() {
    return minSamples;
  }

  /** Windows in a row without drift before a column's severity falls back to none. */
  public int clearAfterWindows() {
    return clearAfterWindows;
  }

  /** The PSI band: none below {@link #psiWarn()}, warn below {@link #psiAlert()}, alert above. */
  public Severity psiBand(double psi) {
    return psi >= psiAlert ? Severity.ALERT : psi >= psiWarn ? Severity.WARN : Severity.NONE;
  }

  /** The severity of a column given its corrected p-value and PSI (see the class comment). */
  public Severity severity(double adjustedPValue, double psi) {
    if (!(adjustedPValue <= pValue)) {
      return Severity.NONE;
    }
    if (adjustedPValue <= alertPValue || psi >= psiAlert) {
      return Severity.ALERT;
    }
    return Severity.WARN;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DriftThresholds)) {
      return false;
    }
    DriftThresholds t = (DriftThresholds) o;
    return psiWarn == t.psiWarn
        && psiAlert == t.psiAlert
        && pValue == t.pValue
        && alertPValue == t.alertPValue
        && correction == t.correction
        && minSamples == t.minSamples
        && clearAfterWindows == t.clearAfterWindows;
  }

  @Override
  public int hashCode() {
    return Objects.hash(psiWarn, psiAlert, pValue, alertPValue, correction, minSamples, clearAfterWindows);
  }

  @Override
  public String toString() {
    return "DriftThresholds{psi=" + psiWarn + "/" + psiAlert + ", p=" + pValue + "/" + alertPValue + " (" + correction + "), minSamples=" + minSamples
        + ", clearAfterWindows=" + clearAfterWindows + "}";
  }

  /** Builds {@link DriftThresholds}; every setter validates its arguments. Not thread-safe. */
  public static final class Builder {
    private double psiWarn = 0.1;
    private double psiAlert = 0.25;
    private double pValue = 0.05;
    private double alertPValue = 0.005;
    private Correction correction = Correction.HOLM;
    private int minSamples = 30;
    private int clearAfterWindows = 2;

    private Builder() {}

    /** PSI bands; {@code 0 < warn <= alert}. Defaults 0.1 and 0.25. */
    public Builder psi(double warn, double alert) {
      if (!(warn > 0) || !(alert >= warn) || Double.isInfinite(alert)) {
        throw new IllegalArgumentException("PSI thresholds need 0 < warn <= alert < infinity, were warn " + warn + ", alert " + alert);
      }
      this.psiWarn = warn;
      this.psiAlert = alert;
      return this;
    }

    /**
     * Family-wise p-values of a warning and of an alert; {@code 0 < alert <= warn < 1}. Defaults
     * 0.05 and 0.005.
     */
    public Builder pValues(double warn, double alert) {
      if (!(warn > 0 && warn < 1) || !(alert > 0 && alert <= warn)) {
        throw new IllegalArgumentException("p-values need 0 < alert <= warn < 1, were warn " + warn + ", alert " + alert);
      }
      this.pValue = warn;
      this.alertPValue = alert;
      return this;
    }

    /** The multiple-testing correction across a window's columns; Holm by default. */
    public Builder correction(Correction correction) {
      this.correction = Objects.requireNonNull(correction, "correction");
      return this;
    }

    /** Fewest non-missing values a column needs in a window to be tested (at least 5); 30 by default. */
    public Builder minSamples(int samples) {
      if (samples < 5) {
        throw new IllegalArgumentException("minSamples must be at least 5, was " + samples);
      }
      this.minSamples = samples;
      return this;
    }

    /** Windows in a row without drift before a column's severity clears (at least 1); 2 by default. */
    public Builder clearAfterWindows(int windows) {
      if (windows < 1) {
        throw new IllegalArgumentException("clearAfterWindows must be at least 1, was " + windows);
      }
      this.clearAfterWindows = windows;
      return this;
    }

    public DriftThresholds build() {
      return new DriftThresholds(this);
    }
  }
}
