package dev.fathom.agent.bootstrap;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.jar.JarFile;

/**
 * {@code Premain-Class} and {@code Agent-Class} of the Fathom agent jar. Does as little as
 * possible: puts the jar on the bootstrap class path (so the bridge classes of this package are
 * visible from every class loader, as instrumented code needs) and hands over to {@link
 * AgentStarter}, loaded by the bootstrap loader. Never throws: whatever fails, the application
 * starts.
 */
public final class AgentEntry {
  private AgentEntry() {}

  /** {@code -javaagent:fathom-agent.jar[=key=value,...]}. */
  public static void premain(String arguments, Instrumentation instrumentation) {
    start(arguments, instrumentation, false);
  }

  /** Dynamic attach ({@code fathom attach <pid>}). */
  public static void agentmain(String arguments, Instrumentation instrumentation) {
    start(arguments, instrumentation, true);
  }

  private static void start(String arguments, Instrumentation instrumentation, boolean attached) {
    try {
      File jar = new File(AgentEntry.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar));
      // From here on this package resolves through the bootstrap loader (parent first), so this
      // direct call reaches the bootstrap copy of AgentStarter; no reflection, which costs
      // milliseconds of method-handle set-up on newer JDKs.
      AgentStarter.start(arguments, instrumentation, attached, jar);
    } catch (Throwable t) {
      AgentLog.warn("agent disabled: it could not start: " + AgentLog.reason(t));
    }
  }
}
