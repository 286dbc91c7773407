package dev.fathom.agent.monitor;

import dev.fathom.internal.inference.InferenceObserver;
import dev.fathom.internal.inference.ModelSignature;
import dev.fathom.registry.Manifest;
import java.util.Locale;

/**
 * The model behind monitored calls: its name and version (from the registry when its checksum
 * matches a published version, else derived from the file), signature and the observer that
 * records its calls. Sessions of the same model file share one identity. Immutable; the observer
 * is thread-safe.
 *
 * @param source how the identity was found, for log lines: {@code registry}, {@code file name},
 *     {@code graph name}, {@code method}
 */
record ModelIdentity(Manifest manifest, ModelSignature signature, InferenceObserver observer, String source) {
  String name() {
    return manifest.name();
  }

  long version() {
    return manifest.version();
  }

  /**
   * A model name (rules: {@code [a-z0-9][a-z0-9._-]{0,63}}) from free text such as a file name:
   * lower case, other characters replaced by {@code -}, a leading non-alphanumeric run dropped;
   * {@code fallback} when nothing is left.
   */
  static String sanitize(String text, String fallback) {
    if (text == null) {
      return fallback;
    }
    String lower = text.toLowerCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lower.length() && sb.length() < 64; i++) {
      char c = lower.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (sb.length() == 0 && !alnum) {
        continue;
      }
      sb.append(alnum || c == '.' || c == '_' || c == '-' ? c : '-');
    }
    return sb.length() == 0 ? fallback : sb.toString();
  }

  @Override
  public String toString() {
    return name() + "@" + version() + " (" + source + ")";
  }
}
