package dev.fathom.internal.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Fathom's resolved configuration. Precedence, highest first: agent arguments ({@code
 * -javaagent:fathom-agent.jar=registry=/models,sampling.rate=0.05}), system properties {@code
 * fathom.*}, environment variables {@code FATHOM_*}, the config file named by {@code config},
 * defaults. Per-model settings use keys {@code model.<name>.<setting>} (for example {@code
 * model.fraud.policy=production}) from any source but the environment.
 *
 * <p>A value that does not parse is reported in {@link #problems()} and the setting keeps its
 * default, so a typo disables one setting, never the host application. Immutable.
 */
public final class FathomConfig {
  private static final String MODEL_PREFIX = "model.";

  private final Map<Setting, String> values;
  private final Map<Setting, String> sources;
  private final Map<String, String> perModel;
  private final List<String> problems;

  private FathomConfig(Map<Setting, String> values, Map<Setting, String> sources, Map<String, String> perModel, List<String> problems) {
    this.values = values;
    this.sources = sources;
    this.perModel = Collections.unmodifiableMap(perModel);
    this.problems = Collections.unmodifiableList(problems);
  }

  /** Resolves the configuration of this process (no agent arguments). */
  public static FathomConfig fromEnvironment() {
    return load(null, System.getProperties(), System.getenv());
  }

  /**
   * Resolves a configuration.
   *
   * @param agentArguments the text after {@code =} in {@code -javaagent:...}, or null
   */
  public static FathomConfig load(String agentArguments, Properties systemProperties, Map<String, String> environment) {
    List<String> problems = new ArrayList<>();
    Map<String, String> args = parseAgentArguments(agentArguments, problems);
    Map<String, String> props = new LinkedHashMap<>();
    for (String name : systemProperties.stringPropertyNames()) {
      if (name.startsWith("fathom.")) {
        props.put(name.substring("fathom.".length()), systemProperties.getProperty(name));
      }
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (Setting s : Setting.values()) {
      String value = environment.get(s.environmentVariable());
      if (value != null) {
        env.put(s.key(), value);
      }
    }
    String configFile = firstNonNull(args.get(Setting.CONFIG_FILE.key()), props.get(Setting.CONFIG_FILE.key()), env.get(Setting.CONFIG_FILE.key()));
    Map<String, String> file = configFile == null || configFile.isBlank() ? Map.of() : readFile(Path.of(configFile.trim()), problems);

    Map<Setting, String> values = new EnumMap<>(Setting.class);
    Map<Setting, String> sources = new EnumMap<>(Setting.class);
    Map<String, String> perModel = new TreeMap<>();
    List<Map.Entry<String, Map<String, String>>> layers =
        List.of(Map.entry("config file " + configFile, file), Map.entry("environment", env), Map.entry("system property", props), Map.entry("agent argument", args));
    for (Map.Entry<String, Map<String, String>> layer : layers) {
      for (Map.Entry<String, String> e : layer.getValue().entrySet()) {
        String key = e.getKey().trim();
        if (key.startsWith(MODEL_PREFIX)) {
          perModel.put(key.substring(MODEL_PREFIX.length()), e.getValue().trim());
          continue;
        }
        Setting setting = Setting.forKey(key);
        if (setting == null) {
          problems.add("unknown setting '" + key + "' (" + layer.getKey() + ") ignored");
          continue;
        }
        String value = e.getValue().trim();
        String error = check(setting, value);
        if (error != null) {
          problems.add(setting.key() + "=" + value + " (" + layer.getKey() + ") ignored: " + error);
          continue;
        }
        values.put(setting, value);
        sources.put(setting, layer.getKey());
      }
    }
    return new FathomConfig(values, sources, perModel, problems);
  }


  /** Where a setting's value came from, or {@code default}. */
  public String source(Setting setting) {
    return sources.getOrDefault(setting, "default");
  }

  /** The raw text of a setting (its default when unset). */
  public String getString(Setting setting) {
    return values.getOrDefault(setting, setting.defaultValue());
  }

  public Path getPath(Setting setting) {
    return Path.of(getString(setting));
  }

  public int getInt(Setting setting) {
    return Integer.parseInt(getString(setting));
  }

  public double getDouble(Setting setting) {
    return Double.parseDouble(getString(setting));
  }

  public boolean getBoolean(Setting setting) {
    return Boolean.parseBoolean(getString(setting));
  }

  public Duration getDuration(Setting setting) {
    return parseDuration(getString(setting));
  }

  public long getBytes(Setting setting) {
    return parseBytes(getString(setting));
  }

  /** A list setting's items, trimmed, empty items dropped. */
  public List<String> getList(Setting setting) {
    List<String> items = new ArrayList<>();
    for (String item : getString(setting).split("[,;]")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    return items;
  }

  /** Per-model settings: {@code <model>.<setting>} to value, e.g. {@code fraud.policy -> production}. */
  public Map<String, String> perModel() {
    return perModel;
  }

  /** Values that were ignored, one message each, for one log line per problem. */
  public List<String> problems() {
    return problems;
  }

  /** Every setting with its value and source, for a start-up log line or a status page. */
  public Map<String, String> describe() {
    Map<String, String> out = new LinkedHashMap<>();
    for (Setting s : Setting.values()) {
      out.put(s.key(), getString(s) + " (" + source(s) + ")");
    }
    perModel.forEach((k, v) -> out.put(MODEL_PREFIX + k, v));
    return out;
  }

  /**
   * Splits {@code key=value,key=value}. A piece without {@code =} continues the previous value,
   * so lists can be written naturally: {@code models=fraud,churn,registry=/m}.
   */
  static Map<String, String> parseAgentArguments(String arguments, List<String> problems) {
    Map<String, String> out = new LinkedHashMap<>();
    if (arguments == null || arguments.isBlank()) {
      return out;
    }
    String last = null;
    for (String piece : arguments.split(",")) {
      int eq = piece.indexOf('=');
      if (eq > 0) {
        last = piece.substring(0, eq).trim();
        out.put(last, piece.substring(eq + 1));
      } else if (last != null) {
        out.put(last, out.get(last) + "," + piece);
      } else if (!piece.isBlank()) {
        problems.add("agent argument '" + piece + "' is not key=value; ignored");
      }
    }
    return out;
  }

  private static Map<String, String> readFile(Path file, List<String> problems) {
    Properties p = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(reader);
    } catch (IOException e) {
      problems.add("config file " + file + " cannot be read (" + e.getMessage() + "); ignored");
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : p.stringPropertyNames()) {
      out.put(name.startsWith("fathom.") ? name.substring("fathom.".length()) : name, p.getProperty(name));
    }
    return out;
  }

  /** Null when {@code value} is valid for the setting's type, else why not. */
  static String check(Setting setting, String value) {
    try {
      switch (setting.type()) {
        case INT:
          if (Integer.parseInt(value) < 0) {
            return "must not be negative";
          }
          break;
        case DOUBLE:
          double d = Double.parseDouble(value);
          if (!(d >= 0) || Double.isInfinite(d)) {
            return "must be a non-negative number";
          }
          if (setting == Setting.SAMPLING_RATE && d > 1) {
            return "a rate is between 0 and 1";
          }
          break;
        case BOOLEAN:
          if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            return "expected true or false";
          }
          break;
        case DURATION:
          parseDuration(value);
          break;
        case BYTES:
          parseBytes(value);
          break;
        default:
          break;
      }
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage() == null ? "invalid " + setting.type().name().toLowerCase(Locale.ROOT) : e.getMessage();
    }
  }

  /** {@code 500ms}, {@code 2s}, {@code 5m}, {@code 1h}, {@code 0} or ISO-8601 {@code PT1S}. */
  public static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("pt") || t.startsWith("p")) {
        return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
      }
      if (t.equals("0")) {
        return Duration.ZERO;
      }
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      switch (t.charAt(t.length() - 1)) {
        case 's':
          return Duration.ofSeconds(n);
        case 'm':
          return Duration.ofMinutes(n);
        case 'h':
          return Duration.ofHours(n);
        default:
          break;
      }
    } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 2s, 5m or 1h");
  }

  /** {@code 1048576}, {@code 512k}, {@code 64m}, {@code 2g}. */
  public static long parseBytes(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      long unit = 1;
      char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
      if (last == 'k' || last == 'm' || last == 'g') {
        unit = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
        t = t.substring(0, t.length() - 1);
      }
      long n = Math.multiplyExact(Long.parseLong(t), unit);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is not a size such as 512k, 64m or 2g");
    }
  }

  @SafeVarargs
  private static <T> T firstNonNull(T... values) {
    for (T v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}
