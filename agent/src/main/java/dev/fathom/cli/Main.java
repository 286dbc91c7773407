package dev.fathom.cli;

import dev.fathom.FathomException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;

/**
 * The {@code fathom} command line: {@code java -jar fathom-agent.jar <command>}.
 *
 * <p>Exit status: 0 when everything succeeded, 1 when a request or check failed (the error on
 * stderr names the input and the problem), 2 for usage errors (unknown command or option, a
 * malformed option value). {@link #commandLine} builds a fresh, fully configured instance, so tests
 * and embedders run commands in-process with their own streams; nothing here is static state.
 */
public final class Main {
  /** Exit status of a failed request or check. */
  public static final int FAILED = 1;
  /** Exit status of a usage error. */
  public static final int USAGE = 2;

  private Main() {}

  public static void main(String[] args) {
    quietLogging();
    int status = commandLine(System.in).execute(args);
    System.exit(status);
  }

  /**
   * A configured command line reading {@code predict --input -} from {@code stdin}. Set its output
   * and error writers with {@link CommandLine#setOut} and {@link CommandLine#setErr}.
   */
  public static CommandLine commandLine(InputStream stdin) {
    CommandLine cmd = new CommandLine(new FathomCommand(stdin));
    cmd.setExecutionExceptionHandler(Main::failed);
    cmd.setParameterExceptionHandler(Main::usage);
    return cmd;
  }

  /** A failure while running a command: the message only for expected failures, exit 1. */
  private static int failed(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    String command = cmd.getCommandSpec().qualifiedName();
    if (e instanceof FathomException || e instanceof IllegalArgumentException || e instanceof IOException || e instanceof UncheckedIOException) {
      err.println(command + ": " + e.getMessage());
    } else {
      err.println(command + ": internal error: " + e);
      e.printStackTrace(err);
    }
    err.flush();
    return FAILED;
  }

  /** Invalid usage: the problem and where to find help, exit 2. */
  private static int usage(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return USAGE;
  }

  /**
   * One short line per warning instead of java.util.logging's two-line INFO default, unless the
   * user configured logging.
   */
  private static void quietLogging() {
    if (System.getProperty("java.util.logging.config.file") != null || System.getProperty("java.util.logging.config.class") != null) {
      return;
    }
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
    }
    Logger root = Logger.getLogger("");
    root.setLevel(Level.WARNING);
    for (var handler : root.getHandlers()) {
      handler.setLevel(Level.WARNING);
    }
  }
}
