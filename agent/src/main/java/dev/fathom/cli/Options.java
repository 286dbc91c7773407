package dev.fathom.cli;

import dev.fathom.Fathom;
import dev.fathom.monitor.MonitoringOptions;
import dev.fathom.registry.LocalRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;
import java.time.Duration;
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

    /** A Fathom for one command: no registry watcher, no telemetry, no sampling or drift. */
    Fathom fathom() {
      return Fathom.builder().registry(directory).watchInterval(Duration.ZERO).openTelemetry(OpenTelemetry.noop()).monitoring(MonitoringOptions.disabled()).build();
    }
  }

  /** {@code -h, --help} (subcommands take no {@code --version}: publish uses it for the model version). */
  static final class Help {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;
  }
}
