package dev.fathom.cli;

import dev.fathom.registry.FeatureSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses the compact feature and label syntax of {@code fathom publish}.
 *
 * <pre>
 * --features [INPUT=]FEATURE,FEATURE,...
 * FEATURE  = NAME[:PART]...
 * PART     = num                  numeric (the default)
 *          | num(MIN..MAX)        numeric with a valid range; either bound may be left out: num(0..)
 *          | cat(A|B|C)           categorical; categories in index / column order
 *          | index | onehot       how a categorical feature is encoded (index by default)
 *          | nullable             the value may be missing (null)
 *
 * --labels [OUTPUT=]LABEL,LABEL,...
 * </pre>
 *
 * <p>Examples: {@code amount:num(0..):nullable,age,country:cat(DE|FR|US):onehot}; {@code
 * input=f0,f1}; {@code probabilities=legit,fraud}. Without {@code INPUT=} the features belong to the
 * model's only input; without {@code OUTPUT=} the labels to its first output. Names and categories
 * are trimmed and may not contain {@code , : ( ) | =}; use {@code --schema FILE} for those. Every
 * mistake is an {@link IllegalArgumentException} naming the feature and the problem. Stateless.
 */
public final class FeatureSyntax {
  private static final Pattern NUMBER = Pattern.compile("-?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
  private static final String RESERVED = ",:()|=";

  private FeatureSyntax() {}

  /** The features of one input; {@code input} is empty for "the model's only input". */
  public record InputFeatures(String input, List<FeatureSpec> features) {}

  /** The labels of one output; {@code output} is empty for "the model's first output". */
  public record OutputLabels(String output, List<String> labels) {}

  /** Parses one {@code --features} value. */
  public static InputFeatures features(String text) {
    String[] target = splitTarget(text, "features");
    List<FeatureSpec> features = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (String part : splitOutsideParentheses(target[1], ',')) {
      FeatureSpec spec = feature(part.trim());
      if (!names.add(spec.name())) {
        throw new IllegalArgumentException("feature '" + spec.name() + "' is named twice");
      }
      features.add(spec);
    }
    return new InputFeatures(target[0], List.copyOf(features));
  }

  /** Parses one {@code --labels} value. */
  public static OutputLabels labels(String text) {
    String[] target = splitTarget(text, "labels");
    List<String> labels = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String part : target[1].split(",", -1)) {
      String label = part.trim();
      if (label.isEmpty()) {
        throw new IllegalArgumentException("empty label in '" + text + "'; labels are separated by single commas");
      }
      if (!seen.add(label)) {
        throw new IllegalArgumentException("label '" + label + "' is given twice");
      }
      labels.add(label);
    }
    return new OutputLabels(target[0], List.copyOf(labels));
  }

  /** Splits {@code TARGET=LIST} at the first '='; the target is empty when there is none. */
  private static String[] splitTarget(String text, String what) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty " + what);
    }
    int eq = text.indexOf('=');
    if (eq < 0) {
      return new String[] {"", text};
    }
    String target = text.substring(0, eq).trim();
    if (target.isEmpty()) {
      throw new IllegalArgumentException("empty tensor name before '=' in '" + text + "'");
    }
    String rest = text.substring(eq + 1);
    if (rest.isBlank()) {
      throw new IllegalArgumentException("no " + what + " after '" + target + "='");
    }
    return new String[] {target, rest};
  }

  /** Splits at {@code separator}s outside parentheses; the parentheses must balance. */
  private static List<String> splitOutsideParentheses(String text, char separator) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
        if (depth < 0) {
          throw new IllegalArgumentException("unbalanced ')' in '" + text + "'");
        }
      } else if (c == separator && depth == 0) {
        parts.add(text.substring(start, i));
        start = i + 1;
      }
    }
    if (depth != 0) {
      throw new IllegalArgumentException("unbalanced '(' in '" + text + "'");
    }
    parts.add(text.substring(start));
    return parts;
  }

  private static FeatureSpec feature(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty feature; features are separated by single commas");
    }
    List<String> parts = splitOutsideParentheses(text, ':');
    String name = parts.get(0).trim();
    checkName(name, "feature name", text);
    FeatureSpec.Kind kind = null;
    FeatureSpec.Encoding encoding = null;
    List<String> categories = null;
    Double min = null;
    Double max = null;
    boolean nullable = false;
    for (String raw : parts.subList(1, parts.size())) {
      String part = raw.trim();
      String where = "feature '" + name + "': ";
      if (part.equals("num") || part.startsWith("num(")) {
        if (kind != null) {
          throw new IllegalArgumentException(where + "the kind is given twice (num/cat)");
        }
        kind = FeatureSpec.Kind.NUMERIC;
        if (part.startsWith("num(")) {
          String range = inside(part, "num", where);
          int dots = range.indexOf("..");
          if (dots < 0) {
            throw new IllegalArgumentException(where + "a range is written num(MIN..MAX), got '" + part + "'");
          }
          min = bound(range.substring(0, dots).trim(), where);
          max = bound(range.substring(dots + 2).trim(), where);
          if (min == null && max == null) {
            throw new IllegalArgumentException(where + "num(..) gives no bound; write num or num(MIN..MAX)");
          }
          if (min != null && max != null && min > max) {
            throw new IllegalArgumentException(where + "min " + min + " is greater than max " + max);
          }
        }
      } else if (part.startsWith("cat(") || part.equals("cat")) {
        if (kind != null) {
          throw new IllegalArgumentException(where + "the kind is given twice (num/cat)");
        }
        kind = FeatureSpec.Kind.CATEGORICAL;
        if (part.equals("cat")) {
          throw new IllegalArgumentException(where + "a categorical feature lists its categories: cat(A|B|C)");
        }
        categories = categories(inside(part, "cat", where), where);
      } else if (part.equals("onehot") || part.equals("index")) {
        if (encoding != null) {
          throw new IllegalArgumentException(where + "the encoding is given twice (index/onehot)");
        }
        encoding = part.equals("onehot") ? FeatureSpec.Encoding.ONE_HOT : FeatureSpec.Encoding.INDEX;
      } else if (part.equals("nullable")) {
        if (nullable) {
          throw new IllegalArgumentException(where + "'nullable' is given twice");
        }
        nullable = true;
      } else {
        throw new IllegalArgumentException(
            where + "unknown part '" + part + "'; expected num, num(MIN..MAX), cat(A|B|...), index, onehot or nullable");
      }
    }
    if (encoding != null && kind != FeatureSpec.Kind.CATEGORICAL) {
      throw new IllegalArgumentException("feature '" + name + "': '" + (encoding == FeatureSpec.Encoding.ONE_HOT ? "onehot" : "index") + "' needs cat(...)");
    }
    if (kind == null) {
      kind = FeatureSpec.Kind.NUMERIC;
    }
    return new FeatureSpec(name, kind, encoding, categories, min, max, nullable);
  }

  private static String inside(String part, String keyword, String where) {
    if (!part.endsWith(")") || part.indexOf('(') != keyword.length() || part.indexOf(')') != part.length() - 1) {
      throw new IllegalArgumentException(where + "malformed '" + part + "'; expected " + keyword + "(...)");
    }
    return part.substring(keyword.length() + 1, part.length() - 1);
  }

  private static Double bound(String text, String where) {
    if (text.isEmpty()) {
      return null;
    }
    if (!NUMBER.matcher(text).matches()) {
      throw new IllegalArgumentException(where + "'" + text + "' is not a number");
    }
    double value = Double.parseDouble(text);
    if (Double.isInfinite(value)) {
      throw new IllegalArgumentException(where + "'" + text + "' is out of range");
    }
    return value;
  }

  private static List<String> categories(String text, String where) {
    List<String> categories = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String raw : text.split("\\|", -1)) {
      String category = raw.trim();
      if (category.isEmpty()) {
        throw new IllegalArgumentException(where + "empty category in cat(" + text + ")");
      }
      checkName(category, "category", text);
      if (!seen.add(category)) {
        throw new IllegalArgumentException(where + "category '" + category + "' is listed twice");
      }
      categories.add(category);
    }
    return categories;
  }

  private static void checkName(String name, String what, String context) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty " + what + " in '" + context + "'");
    }
    for (int i = 0; i < name.length(); i++) {
      if (RESERVED.indexOf(name.charAt(i)) >= 0) {
        throw new IllegalArgumentException(
            what + " '" + name + "' contains '" + name.charAt(i) + "'; names here may not contain " + RESERVED + " (use --schema FILE)");
      }
    }
  }
}
