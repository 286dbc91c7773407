package dev.fathom.cli;

import dev.fathom.Fathom;
import dev.fathom.monitor.MonitoringOptions;
import dev.fathom.registry.LocalRegistry;
import dev.fathom.registry.ModelReference;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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

    /** A Fathom for one command: no registry watcher, no telemetry, no sampling or drift. */
    Fathom fathom() {
      return Fathom.builder().registry(directory).watchInterval(Duration.ZERO).openTelemetry(OpenTelemetry.noop()).monitoring(MonitoringOptions.disabled()).build();
    }
  }

  /** The one model reference a command works on ({@code REF}, the first positional parameter). */
  static final class Ref {
    @Parameters(index = "0", paramLabel = "REF", description = "name (latest), name@version or name@alias.")
    String text;

    ModelReference parse() {
      return ModelReference.parse(text);
    }
  }

  /** {@code file}, which {@code option} named, if it is a file; a usage error otherwise. */
  static Path existingFile(Path file, String option) {
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw new IllegalArgumentException(option + " " + file + " is not a file");
    }
    return file;
  }

  /** {@code -h, --help} (subcommands take no {@code --version}: publish uses it for the model version). */
  static final class Help {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;
  }
}
