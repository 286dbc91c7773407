package dev.fathom.agent.monitor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One method named in {@code instrument.methods}: {@code com.acme.Scorer#score} monitored as the
 * model {@code =fraud} (then the schema and profile come from the registry) or as a model named
 * after the method ({@code scorer.score}). Every overload of that name is monitored under the same
 * id. Thread-safe.
 *
 * @param id position in the configuration, passed by the advice
 * @param className binary name of the declaring class
 * @param methodName the method name
 * @param model the configured model name, or null
 */
public record MethodTarget(int id, String className, String methodName, String model, Map<Integer, String[]> parameterNames) {
  /** Parses the {@code instrument.methods} items; a malformed item is reported in {@code problems}. */
  public static List<MethodTarget> parse(List<String> items, List<String> problems) {
    List<MethodTarget> targets = new ArrayList<>();
    for (String item : items) {
      String spec = item.trim();
      String model = null;
      int eq = spec.indexOf('=');
      if (eq >= 0) {
        model = spec.substring(eq + 1).trim();
        spec = spec.substring(0, eq).trim();
      }
      int hash = spec.indexOf('#');
      if (hash <= 0 || hash == spec.length() - 1) {
        problems.add("instrument.methods item '" + item + "' is not class#method[=model]; ignored");
        continue;
      }
      if (model != null && !model.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
        problems.add("instrument.methods item '" + item + "': model name '" + model + "' breaks the rule [a-z0-9][a-z0-9._-]{0,63}; ignored");
        continue;
      }
      targets.add(new MethodTarget(targets.size(), spec.substring(0, hash), spec.substring(hash + 1), model, new ConcurrentHashMap<>()));
    }
    return targets;
  }

  /** The model name when none is configured: simple class name and method, {@code scorer.score}. */
  public String derivedModelName() {
    String simple = className.substring(className.lastIndexOf('.') + 1).replace('$', '.');
    return ModelIdentity.sanitize(simple + "." + methodName, "method");
  }

  /** Records the parameter names of an overload (null entries when compiled without {@code -parameters}). */
  public void parameters(String[] names) {
    parameterNames.putIfAbsent(names.length, names);
  }
}
