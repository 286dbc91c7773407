package dev.fathom.agent.bootstrap;

import java.io.PrintStream;

/**
 * The agent's own diagnostics: one line each on standard error, prefixed {@code [fathom-agent]}.
 * Deliberately not {@code java.util.logging}: touching the log manager during premain would fix its
 * implementation before the application had a chance to choose one. JDK only; thread-safe.
 */
public final class AgentLog {
  private static final String PREFIX = "[fathom-agent] ";
  private static volatile boolean debug;

  private AgentLog() {}

  public static void info(String message) {
    print("INFO ", message);
  }

  public static void warn(String message) {
    print("WARN ", message);
  }

  /** Turns {@link #debug} lines on ({@code debug=true} in the agent's configuration). */
  public static void debug(boolean enabled) {
    debug = enabled;
  }

  /** Printed only with {@code debug=true}. */
  public static void debug(String message) {
    if (debug) {
      print("DEBUG ", message);
    }
  }

  public static boolean debugEnabled() {
    return debug;
  }

  /** Every distinct message along a cause chain, for one readable line. */
  public static String reason(Throwable error) {
    StringBuilder sb = new StringBuilder();
    int depth = 0;
    for (Throwable t = error; t != null && depth < 6; t = t.getCause(), depth++) {
      String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
      if (sb.indexOf(message) < 0) {
        sb.append(sb.length() == 0 ? "" : " <- ").append(message);
      }
    }
    return sb.toString();
  }

  private static void print(String level, String message) {
    PrintStream err = System.err;
    err.println(PREFIX + level + message);
  }
}
