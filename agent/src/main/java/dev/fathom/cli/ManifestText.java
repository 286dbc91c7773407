package dev.fathom.cli;

import dev.fathom.internal.inference.ModelSignature;
import dev.fathom.registry.FeatureSpec;
import dev.fathom.registry.FileDigest;
import dev.fathom.registry.Lineage;
import dev.fathom.registry.Manifest;
import dev.fathom.registry.RuntimeHints;
import dev.fathom.registry.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Renders a manifest for people: identity, digests, schema with features and labels, lineage and
 * runtime hints, one labelled line each. Used by {@code publish} and {@code inspect}. Stateless.
 */
final class ManifestText {
  private ManifestText() {}

  /** The summary lines (without the heading), each ending in a newline. */
  static String render(Manifest m, List<String> aliases) {
    StringBuilder out = new StringBuilder();
    line(out, "created", m.created());
    line(out, "model", digest(m.model()));
    for (FileDigest external : m.externalData()) {
      line(out, "external", digest(external));
    }
    if (!aliases.isEmpty()) {
      line(out, "aliases", String.join(", ", aliases));
    }
    for (TensorSpec input : m.inputs()) {
      line(out, "input", tensor(input));
      if (input.features() != null) {
        int width = 0;
        for (FeatureSpec f : input.features()) {
          width = Math.max(width, f.name().length());
        }
        for (FeatureSpec f : input.features()) {
          line(out, "", "  " + pad(f.name(), width) + "  " + feature(f));
        }
      }
    }
    for (TensorSpec output : m.outputs()) {
      line(out, "output", tensor(output) + (output.labels() == null ? "" : "  labels " + String.join(", ", output.labels())));
    }
    Lineage lineage = m.lineage();
    if (lineage.code() != null) {
      Lineage.CodeRevision code = lineage.code();
      String dirty = Boolean.TRUE.equals(code.dirty()) ? " (uncommitted changes)" : "";
      line(out, "code", code.repository() + " @ " + code.commit() + dirty);
    }
    if (lineage.data() != null) {
      Lineage.DataVersion data = lineage.data();
      StringBuilder text = new StringBuilder(String.valueOf(data.uri()));
      if (data.rows() != null) {
        text.append("  ").append(data.rows()).append(" rows");
      }
      if (data.sha256() != null) {
        text.append("  sha256 ").append(data.sha256());
      }
      line(out, "data", text.toString());
    }
    if (!lineage.hyperparameters().isEmpty()) {
      line(out, "params", pairs(lineage.hyperparameters()));
    }
    if (!lineage.metrics().isEmpty()) {
      line(out, "metrics", pairs(lineage.metrics()));
    }
    if (lineage.parent() != null) {
      line(out, "parent", Long.toString(lineage.parent()));
    }
    String runtime = runtime(m.runtime());
    if (!runtime.isEmpty()) {
      line(out, "runtime", runtime);
    }
    return out.toString();
  }

  static String tensor(TensorSpec spec) {
    return spec.name() + "  " + spec.elementType() + " " + ModelSignature.describe(spec);
  }

  static String feature(FeatureSpec f) {
    List<String> parts = new ArrayList<>();
    if (f.isCategorical()) {
      parts.add("categorical " + f.encoding() + " (" + String.join(" | ", f.categories()) + ")");
    } else {
      parts.add("numeric");
      if (f.min() != null || f.max() != null) {
        parts.add("range " + (f.min() == null ? "" : number(f.min())) + ".." + (f.max() == null ? "" : number(f.max())));
      }
    }
    if (f.nullable()) {
      parts.add("nullable");
    }
    return String.join("  ", parts);
  }

  private static String digest(FileDigest d) {
    return d.path() + "  " + d.size() + " bytes  sha256 " + d.sha256();
  }

  private static String pairs(Map<String, ?> values) {
    StringJoiner joiner = new StringJoiner(", ");
    values.forEach((k, v) -> joiner.add(k + "=" + (v instanceof Double ? number((Double) v) : String.valueOf(v))));
    return joiner.toString();
  }

  private static String runtime(RuntimeHints hints) {
    StringJoiner joiner = new StringJoiner(", ");
    if (hints.optimizationLevel() != null) {
      joiner.add("optimization " + hints.optimizationLevel());
    }
    if (hints.intraOpThreads() != null) {
      joiner.add("intra-op threads " + hints.intraOpThreads());
    }
    if (hints.interOpThreads() != null) {
      joiner.add("inter-op threads " + hints.interOpThreads());
    }
    if (hints.warmupRuns() != null) {
      joiner.add("warm-up runs " + hints.warmupRuns());
    }
    return joiner.toString();
  }

  /** A double without a trailing ".0" when it is integral. */
  static String number(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }

  private static void line(StringBuilder out, String label, String text) {
    out.append("  ").append(pad(label, 9)).append(' ').append(text).append('\n');
  }

  private static String pad(String text, int width) {
    StringBuilder sb = new StringBuilder(text);
    while (sb.length() < width) {
      sb.append(' ');
    }
    return sb.toString();
  }
}
