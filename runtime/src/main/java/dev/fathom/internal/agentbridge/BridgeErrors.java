package dev.fathom.internal.agentbridge;

import dev.fathom.ChecksumMismatchException;
import dev.fathom.FathomException;
import dev.fathom.InferenceException;
import dev.fathom.InputShapeException;
import dev.fathom.InputTypeException;
import dev.fathom.InvalidInputException;
import dev.fathom.InvalidReferenceException;
import dev.fathom.MissingInputException;
import dev.fathom.ModelLoadException;
import dev.fathom.ModelNotFoundException;
import dev.fathom.RegistryException;
import dev.fathom.UnknownInputException;
import dev.fathom.UnsafeModelException;
import dev.fathom.ValidationException;
import dev.fathom.VersionNotFoundException;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the agent's errors back into the library's typed exceptions. The agent sends each Fathom
 * exception as a {@code BridgeException} whose details name its class, message and fields (input,
 * rule, model, version, reference, a validation error's violations); this rebuilds the same class with the same message, so callers
 * catch {@code InputShapeException} whether the model runs locally or in the agent. An unknown type
 * becomes its nearest known base ({@link InvalidInputException} when it names an input, else {@link
 * FathomException}). Thread-safe.
 */
final class BridgeErrors {
  // Indexes of BridgeException.details(); the protocol version pins them.
  static final int TYPE = 0;
  static final int MESSAGE = 1;
  static final int INPUT = 2;
  static final int RULE = 3;
  static final int MODEL = 4;
  static final int VERSION = 5;
  static final int REFERENCE = 6;
  /** Where a validation error's violations start, four fields each (input, rule, row, detail). */
  static final int VIOLATIONS = 7;

  private final Class<?> exceptionClass;
  private final MethodHandle details;

  BridgeErrors(Class<?> exceptionClass, MethodHandle details) {
    this.exceptionClass = exceptionClass;
    this.details = details;
  }

  /** The exception to throw for a failure of a bridge call. */
  RuntimeException translate(Throwable t) {
    if (exceptionClass.isInstance(t)) {
      try {
        return fromDetails((String[]) details.invoke(t));
      } catch (Throwable unreadable) {
        return new FathomException("the Fathom agent failed: " + t.getMessage(), t);
      }
    }
    if (t instanceof RuntimeException) {
      return (RuntimeException) t;
    }
    if (t instanceof Error) {
      throw (Error) t;
    }
    return new FathomException("the Fathom agent failed: " + t, t);
  }

  static RuntimeException fromDetails(String[] d) {
    String type = d[TYPE] == null ? "" : d[TYPE];
    String message = d[MESSAGE] == null ? "" : d[MESSAGE];
    String input = d[INPUT];
    String rule = d[RULE];
    String model = d[MODEL];
    long version = parseVersion(d[VERSION]);
    switch (type) {
      case "InputShapeException":
        return new InputShapeException(input, strip(message, "input '" + input + "': "));
      case "InputTypeException":
        return new InputTypeException(input, strip(message, "input '" + input + "': "));
      case "MissingInputException":
        if (rule != null && rule.startsWith("missing_")) {
          return new MissingInputException(input, rule.substring("missing_".length()));
        }
        break;
      case "UnknownInputException":
        return unknownInput(input, message);
      case "ModelNotFoundException":
        String registry = between(message, "the registry ", " has no model");
        if (model != null && registry != null) {
          return new ModelNotFoundException(model, registry);
        }
        break;
      case "VersionNotFoundException":
        return new VersionNotFoundException(d[REFERENCE], message);
      case "InvalidReferenceException":
        return new InvalidReferenceException(message);
      case "RegistryException":
        return new RegistryException(message);
      case "InferenceException":
        return new InferenceException(message, null);
      case "ChecksumMismatchException":
        return new ChecksumMismatchException(model, version, strip(message, model + "@" + version + ": "));
      case "UnsafeModelException":
        return new UnsafeModelException(model, version, strip(message, model + "@" + version + ": "));
      case "ModelLoadException":
        return new ModelLoadException(model, version, strip(message, model + "@" + version + ": "), null);
      case "ValidationException":
        if (model != null && d.length > VIOLATIONS) {
          return new ValidationException(model, violations(d));
        }
        break;
      default:
        break;
    }
    if (input != null && rule != null) {
      return new InvalidInputException(input, rule, message);
    }
    if (model != null && type.endsWith("LoadException")) {
      return new ModelLoadException(model, version, strip(message, model + "@" + version + ": "), null);
    }
    return new FathomException(message);
  }

  private static List<ValidationException.Violation> violations(String[] d) {
    List<ValidationException.Violation> out = new ArrayList<>((d.length - VIOLATIONS) / 4);
    for (int at = VIOLATIONS; at + 3 < d.length; at += 4) {
      out.add(new ValidationException.Violation(d[at], d[at + 1], Integer.parseInt(d[at + 2]), d[at + 3]));
    }
    return out;
  }

  private static RuntimeException unknownInput(String input, String message) {
    // "unknown <kind> '<input>'; the model expects [a, b]"
    String kind = between(message, "unknown ", " '");
    String expected = message.contains("expects [") ? message.substring(message.indexOf("expects [") + "expects [".length(), message.lastIndexOf(']')) : null;
    if (kind == null || expected == null) {
      return new InvalidInputException(input, "unknown_input", message);
    }
    List<String> names = expected.isEmpty() ? List.of() : Arrays.asList(expected.split(", "));
    return new UnknownInputException(input, kind, names);
  }

  private static String strip(String message, String prefix) {
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  private static String between(String text, String start, String end) {
    int from = text.indexOf(start);
    if (from < 0) {
      return null;
    }
    from += start.length();
    int to = text.indexOf(end, from);
    return to < 0 ? null : text.substring(from, to);
  }

  private static long parseVersion(String text) {
    try {
      return text == null ? 0L : Long.parseLong(text);
    } catch (NumberFormatException e) {
      return 0L;
    }
  }
}
