package dev.fathom.agent;

import dev.fathom.agent.bootstrap.AgentClassLoader;
import dev.fathom.agent.bootstrap.AgentLog;
import dev.fathom.internal.config.FathomConfig;
import dev.fathom.internal.config.Setting;
import java.lang.instrument.Instrumentation;

/** The agent implementation, started by the bootstrap inside the {@link AgentClassLoader}. */
public final class Agent {
  private Agent() {}

  public static void start(String arguments, Instrumentation instrumentation, boolean attached, AgentClassLoader loader, long startNanos) {
    FathomConfig config = FathomConfig.load(arguments, System.getProperties(), System.getenv());
    for (String problem : config.problems()) {
      AgentLog.warn("configuration: " + problem);
    }
    if (!config.getBoolean(Setting.ENABLED)) {
      AgentLog.info("disabled by configuration (enabled=false)");
    }
  }
}
