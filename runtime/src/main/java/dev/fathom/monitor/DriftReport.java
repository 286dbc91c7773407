package dev.fathom.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fathom.internal.util.Json;
import dev.fathom.registry.FeatureSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The drift of one window of live data against a version's reference profile: one {@link
 * FeatureDrift} per feature and model output. The same report comes from the live analyzer (each
 * closed window) and from the offline analysis of a CSV file ({@link DriftAnalysis}). Immutable.
 *
 * @param model the model name, or null
 * @param version the model version, or null
 * @param samples rows in the window
 * @param start when the window opened (offline: when the analysis ran)
 * @param end when it closed
 * @param columns per feature, then per output, in model order
 * @param thresholds the thresholds the severities were decided with
 */
public record DriftReport(String model, Long version, long samples, Instant start, Instant end, List<FeatureDrift> columns, DriftThresholds thresholds) {

  public DriftReport {
    columns = List.copyOf(columns);
    Objects.requireNonNull(thresholds, "thresholds");
  }

  /** The highest severity of any column. */
  public Severity severity() {
    Severity max = Severity.NONE;
    for (FeatureDrift c : columns) {
      if (c.severity().compareTo(max) > 0) {
        max = c.severity();
      }
    }
    return max;
  }

  /** The columns at warn or alert. */
  public List<FeatureDrift> drifted() {
    List<FeatureDrift> out = new ArrayList<>();
    for (FeatureDrift c : columns) {
      if (c.severity() != Severity.NONE) {
        out.add(c);
      }
    }
    return out;
  }

  /** The column of that name, or null. */
  public FeatureDrift column(String name) {
    for (FeatureDrift c : columns) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    return null;
  }

  /** A table for people: one line per column, drifted columns marked. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append("Drift report");
    if (model != null) {
      sb.append(" for ").append(model);
      if (version != null) {
        sb.append('@').append(version);
      }
    }
    sb.append(": ").append(samples).append(" rows, severity ").append(severity().toString().toUpperCase(Locale.ROOT)).append('\n');
    sb.append(String.format(Locale.ROOT, "thresholds: p-value %s warn / %s alert (%s correction), PSI %s warn / %s alert%n", thresholds.pValue(),
        thresholds.alertPValue(), thresholds.correction(), thresholds.psiWarn(), thresholds.psiAlert()));
    int width = 7;
    for (FeatureDrift c : columns) {
      width = Math.max(width, c.name().length());
    }
    String header = String.format(Locale.ROOT, "%-" + width + "s  %-11s %6s %7s %7s %7s %7s %7s %9s %9s %9s %9s %9s  %s%n", "column", "kind", "n", "missing", "psi", "js", "ks",
        "wass", "mean_z", "rank_z", "chi2", "cat_z", "p_adj", "severity");
    sb.append(header);
    for (FeatureDrift c : columns) {
      sb.append(String.format(Locale.ROOT, "%-" + width + "s  %-11s %6d %7s %7s %7s %7s %7s %9s %9s %9s %9s %9s  %s%n", c.name(), c.kind(), c.count(), pct(c.missingRate()),
          num(c.psi()), num(c.jensenShannon()), num(c.ks()), num(c.wasserstein()), num(c.meanShift()), num(c.rankShift()), num(c.chiSquare()),
          num(c.categoryShift()),
          pval(c.adjustedPValue()),
          c.severity() == Severity.NONE ? "-" : c.severity().toString().toUpperCase(Locale.ROOT)));
    }
    return sb.toString();
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
  }

  private static String pct(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }

  private static String pval(double v) {
    return Double.isNaN(v) ? "-" : v < 1e-3 ? String.format(Locale.ROOT, "%.1e", v) : String.format(Locale.ROOT, "%.3f", v);
  }

  /** The report as JSON (NaN statistics are null). */
  public String toJson() {
    ObjectNode root = Json.MAPPER.createObjectNode();
    if (model != null) {
      root.put("model", model);
    }
    if (version != null) {
      root.put("version", version);
    }
    root.put("samples", samples);
    root.put("start", start.toString());
    root.put("end", end.toString());
    root.put("severity", severity().toString());
    ObjectNode t = root.putObject("thresholds");
    t.put("pValue", thresholds.pValue());
    t.put("alertPValue", thresholds.alertPValue());
    t.put("correction", thresholds.correction().toString());
    t.put("psiWarn", thresholds.psiWarn());
    t.put("psiAlert", thresholds.psiAlert());
    ArrayNode array = root.putArray("columns");
    for (FeatureDrift c : columns) {
      ObjectNode o = array.addObject();
      o.put("name", c.name());
      o.put("output", c.output());
      o.put("kind", c.kind() == FeatureSpec.Kind.CATEGORICAL ? "categorical" : "numeric");
      o.put("count", c.count());
      o.put("missing", c.missing());
      put(o, "missingRate", c.missingRate());
      put(o, "referenceMissingRate", c.referenceMissingRate());
      put(o, "psi", c.psi());
      put(o, "js", c.jensenShannon());
      put(o, "ks", c.ks());
      put(o, "ksPValue", c.ksPValue());
      put(o, "wasserstein", c.wasserstein());
      put(o, "meanShift", c.meanShift());
      put(o, "meanShiftPValue", c.meanShiftPValue());
      put(o, "rankShift", c.rankShift());
      put(o, "rankShiftPValue", c.rankShiftPValue());
      put(o, "chiSquare", c.chiSquare());
      put(o, "chiSquarePValue", c.chiSquarePValue());
      put(o, "categoryShift", c.categoryShift());
      put(o, "categoryShiftPValue", c.categoryShiftPValue());
      put(o, "missingPValue", c.missingPValue());
      put(o, "pValue", c.pValue());
      put(o, "adjustedPValue", c.adjustedPValue());
      o.put("severity", c.severity().toString());
    }
    try {
      return Json.MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void put(ObjectNode o, String field, double v) {
    if (Double.isNaN(v)) {
      o.putNull(field);
    } else if (Double.isInfinite(v)) {
      o.put(field, v > 0 ? "Infinity" : "-Infinity");
    } else {
      o.put(field, v);
    }
  }
}
