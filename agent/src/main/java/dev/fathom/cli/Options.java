package dev.fathom.cli;

import dev.fathom.registry.LocalRegistry;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every subcommand shares; mixed into each with {@code @Mixin}. */
final class Options {
  private Options() {}

  /** {@code --registry DIR}. */
  static final class Registry {
    @Option(names = "--registry", paramLabel = "DIR", defaultValue = "./models", description = "The registry directory (default: ${DEFAULT-VALUE}).")
    Path directory;

    LocalRegistry open() {
      return new LocalRegistry(directory);
    }
  }

  /** {@code -h, --help} (subcommands take no {@code --version}: publish uses it for the model version). */
  static final class Help {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;
  }
}
