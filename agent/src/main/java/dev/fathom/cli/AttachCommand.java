package dev.fathom.cli;

import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import dev.fathom.agent.bootstrap.AgentClassLoader;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fathom attach PID [key=value...]}: loads this jar as an agent into a running JVM with the
 * Attach API. The agent then starts there as with {@code -javaagent} and instruments the ONNX
 * Runtime classes the application already loaded; its log lines go to that JVM's standard error.
 */
@Command(
    name = "attach",
    description = {
      "Attach the Fathom agent to a running JVM.",
      "Settings are the agent's (as after -javaagent:fathom-agent.jar=): registry=/models,models=fraud,prometheus.port=9464."
    })
final class AttachCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Options.Help help;

  @Parameters(index = "0", paramLabel = "PID", description = "Process id of the JVM to attach to.")
  String pid;

  @Parameters(index = "1..*", arity = "0..*", paramLabel = "KEY=VALUE", description = "Agent settings.")
  List<String> settings = new ArrayList<>();

  @Option(names = "--registry", paramLabel = "DIR", description = "The registry the agent serves (made absolute; same as registry=DIR).")
  Path registry;

  @Override
  public Integer call() throws Exception {
    if (!pid.matches("[0-9]+")) {
      throw new IllegalArgumentException("PID must be a process id, was '" + pid + "'");
    }
    for (String setting : settings) {
      if (setting.indexOf('=') <= 0) {
        throw new IllegalArgumentException("setting '" + setting + "' is not key=value");
      }
    }
    List<String> options = new ArrayList<>(settings);
    if (registry != null) {
      options.add("registry=" + registry.toAbsolutePath());
    }
    String jar = agentJar();
    VirtualMachine vm;
    try {
      vm = VirtualMachine.attach(pid);
    } catch (AttachNotSupportedException | IOException e) {
      throw new IOException("cannot attach to process " + pid + ": " + e.getMessage(), e);
    }
    try {
      vm.loadAgent(jar, String.join(",", options));
    } catch (AgentLoadException e) {
      throw new IOException("process " + pid + " refused the agent: " + e.getMessage(), e);
    } finally {
      vm.detach();
    }
    spec.commandLine().getOut().println("attached to " + pid + "; the agent logs to that process's standard error");
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** This jar: the agent class loader knows it; when run from classes, the code source. */
  private static String agentJar() throws URISyntaxException {
    ClassLoader loader = AttachCommand.class.getClassLoader();
    if (loader instanceof AgentClassLoader) {
      return ((AgentClassLoader) loader).agentJar().getAbsolutePath();
    }
    return new File(AttachCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getAbsolutePath();
  }
}
