package dev.fathom.monitor;

import dev.fathom.registry.FeatureSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The drift of one column (a feature, or a model output {@code prediction:...}) in one window,
 * against its reference. Statistics that do not apply to the column's kind, or that need more
 * samples than the window holds, are NaN. Immutable.
 *
 * @param name the column name
 * @param output whether the column is a model output
 * @param kind numeric or categorical
 * @param count values in the window (missing excluded)
 * @param missing missing values in the window
 * @param missingRate share of the window's rows missing
 * @param referenceMissingRate share of the reference's rows missing
 * @param psi population stability index on the reference bins (missing values in their own bin)
 * @param jensenShannon Jensen-Shannon distance on the same bins (base 2, 0 to 1)
 * @param ks two-sample Kolmogorov-Smirnov statistic against the reference sketch (numeric)
 * @param ksPValue its asymptotic p-value
 * @param wasserstein Wasserstein-1 distance divided by the reference standard deviation (not divided
 *     when the reference has no spread) (numeric)
 * @param meanShift window mean minus reference mean, in standard errors of the difference
 *     ({@code refSd * sqrt(1/n + 1/refN)}): the two-sample z statistic (numeric; NaN when the
 *     reference has no spread); reported, but the decision uses the rank test, which skewed columns
 *     do not fool
 * @param meanShiftPValue its two-sided p-value
 * @param rankShift the Mann-Whitney rank-sum statistic against the reference as a z value, positive
 *     when the window lies higher (numeric)
 * @param rankShiftPValue its two-sided p-value
 * @param chiSquare chi-square statistic of homogeneity of the category counts (categorical)
 * @param chiSquarePValue its p-value
 * @param categoryShift the largest change of one category's share (unknown values counted as one
 *     more category), in standard errors of the two-proportion test, signed (categorical)
 * @param categoryShiftPValue its p-value, Bonferroni-corrected over the categories compared
 * @param missingPValue p-value of the two-proportion test of the missing rate, NaN when neither has any
 * @param pValue the column's p-value: smallest of its tests' times their number
 * @param adjustedPValue {@code pValue} corrected across the window's columns
 * @param severity none, warn or alert (see {@link DriftThresholds})
 */
public record FeatureDrift(
    String name,
    boolean output,
    FeatureSpec.Kind kind,
    long count,
    long missing,
    double missingRate,
    double referenceMissingRate,
    double psi,
    double jensenShannon,
    double ks,
    double ksPValue,
    double wasserstein,
    double meanShift,
    double meanShiftPValue,
    double rankShift,
    double rankShiftPValue,
    double chiSquare,
    double chiSquarePValue,
    double categoryShift,
    double categoryShiftPValue,
    double missingPValue,
    double pValue,
    double adjustedPValue,
    Severity severity) {

  /**
   * The scores exported as {@code fathom.drift.score} by {@code method}: {@code psi}, {@code js},
   * {@code ks}, {@code wasserstein}, {@code mean_shift}, {@code rank_shift}, {@code chi_square}, {@code category_shift},
   * {@code missing_rate}
   * (change from the reference), {@code p_value} (corrected). NaN scores are left out.
   */
  public Map<String, Double> scores() {
    Map<String, Double> scores = new LinkedHashMap<>();
    put(scores, "psi", psi);
    put(scores, "js", jensenShannon);
    put(scores, "ks", ks);
    put(scores, "wasserstein", wasserstein);
    put(scores, "mean_shift", meanShift);
    put(scores, "rank_shift", rankShift);
    put(scores, "chi_square", chiSquare);
    put(scores, "category_shift", categoryShift);
    put(scores, "missing_rate", missingRate - referenceMissingRate);
    put(scores, "p_value", adjustedPValue);
    return scores;
  }

  private static void put(Map<String, Double> scores, String method, double value) {
    if (!Double.isNaN(value)) {
      scores.put(method, value);
    }
  }
}
