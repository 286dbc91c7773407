package dev.fathom.cli;

import java.io.InputStream;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level {@code fathom} command: holds the subcommands and the process's standard input. */
@Command(
    name = "fathom",
    mixinStandardHelpOptions = true,
    versionProvider = FathomCommand.Version.class,
    description = "Publish, inspect, verify, run and monitor versioned ONNX models in a Fathom registry.",
    footer = {"", "Exit status: 0 ok, 1 a request or check failed, 2 usage error."},
    subcommands = {
      PublishCommand.class,
      ListCommand.class,
      InspectCommand.class,
      VerifyCommand.class,
      PredictCommand.class,
      ProfileCommand.class,
      DriftCommand.class,
      AttachCommand.class,
      SettingsCommand.class,
      CommandLine.HelpCommand.class
    })
public final class FathomCommand implements Runnable {
  @Spec CommandSpec spec;

  private final InputStream stdin;

  public FathomCommand(InputStream stdin) {
    this.stdin = Objects.requireNonNull(stdin, "stdin");
  }

  /** What {@code --input -} reads. */
  InputStream stdin() {
    return stdin;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command; choose one of " + spec.subcommands().keySet());
  }

  /** The version from the jar manifest ({@code unknown} when run from classes). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = FathomCommand.class.getPackage().getImplementationVersion();
      return new String[] {"fathom " + (version == null ? "unknown" : version)};
    }
  }
}
