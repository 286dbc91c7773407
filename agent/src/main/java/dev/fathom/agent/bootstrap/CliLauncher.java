package dev.fathom.agent.bootstrap;

import java.io.File;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * {@code Main-Class} of the agent jar: {@code java -jar fathom-agent.jar <command>}. Runs the
 * command line ({@code dev.fathom.cli.Main}) inside an {@link AgentClassLoader}, like the agent.
 */
public final class CliLauncher {
  private CliLauncher() {}

  public static void main(String[] args) throws Throwable {
    File jar = new File(CliLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    AgentClassLoader loader = new AgentClassLoader(jar, ClassLoader.getPlatformClassLoader());
    Thread.currentThread().setContextClassLoader(loader);
    Class<?> main = Class.forName("dev.fathom.cli.Main", true, loader);
    MethodHandle handle = MethodHandles.publicLookup().findStatic(main, "main", MethodType.methodType(void.class, String[].class));
    handle.invokeExact(args);
  }
}
