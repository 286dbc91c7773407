package dev.fathom.agent.bootstrap;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Loaded by the bootstrap class loader: creates the {@link AgentClassLoader} and starts the agent
 * implementation in it ({@code dev.fathom.agent.Agent}). One agent per JVM: a second attach is
 * ignored with a log line. Never throws.
 */
public final class AgentStarter {
  private static final AtomicBoolean STARTED = new AtomicBoolean();
  private static volatile AgentClassLoader loader;

  private AgentStarter() {}

  /** Called by {@link AgentEntry} through reflection. */
  public static void start(String arguments, Instrumentation instrumentation, boolean attached, File jar) {
    long startNanos = System.nanoTime();
    if (!STARTED.compareAndSet(false, true)) {
      AgentLog.info("the agent is already running in this JVM; ignoring " + (attached ? "the attach" : "the second -javaagent"));
      return;
    }
    try {
      AgentClassLoader agentLoader = new AgentClassLoader(jar, ClassLoader.getPlatformClassLoader());
      loader = agentLoader;
      // Initializing dev.fathom.agent.AgentMain starts the agent with what is handed over here:
      // crossing into the agent's class loader without reflection.
      handoff = new Handoff(arguments, instrumentation, attached, agentLoader, startNanos);
      Class.forName("dev.fathom.agent.AgentMain", true, agentLoader);
    } catch (Throwable t) {
      AgentLog.warn("agent disabled: it could not start: " + AgentLog.reason(t));
    }
  }

  /** What premain hands to the agent implementation. */
  public record Handoff(String arguments, Instrumentation instrumentation, boolean attached, AgentClassLoader loader, long startNanos) {}

  private static volatile Handoff handoff;

  /** Taken once by {@code dev.fathom.agent.AgentMain}'s initializer; null afterwards. */
  public static Handoff takeHandoff() {
    Handoff h = handoff;
    handoff = null;
    return h;
  }

  /** The agent's class loader, or null before the agent started (or if it failed to). */
  public static AgentClassLoader loader() {
    return loader;
  }
}
