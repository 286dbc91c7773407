package dev.fathom.cli;

import dev.fathom.internal.config.FathomConfig;
import dev.fathom.internal.config.Setting;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fathom settings}: every setting of the agent and of {@code Fathom.global()} with its
 * environment variable, default and meaning, straight from {@link Setting} (the README's table is
 * this command's {@code --markdown} output), or ({@code --resolved}) the values this process would
 * use and where each came from.
 *
 * <p>One instance per invocation; not thread-safe.
 */
@Command(name = "settings", description = "List the agent's settings with defaults, or show the resolved values.")
final class SettingsCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin Options.Help help;

  @Option(names = "--markdown", description = "Print a Markdown table (as in the README).")
  boolean markdown;

  @Option(names = "--resolved", description = "Show the values resolved from system properties, environment and config file.")
  boolean resolved;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (resolved) {
      FathomConfig config = FathomConfig.fromEnvironment();
      for (Map.Entry<String, String> e : config.describe().entrySet()) {
        out.printf("%-28s %s%n", e.getKey(), e.getValue());
      }
      for (String problem : config.problems()) {
        spec.commandLine().getErr().println("problem: " + problem);
      }
      out.flush();
      return config.problems().isEmpty() ? 0 : Main.FAILED;
    }
    out.print(markdown ? markdownTable() : textTable());
    out.flush();
    return 0;
  }

  /** The settings as a Markdown table. */
  static String markdownTable() {
    StringBuilder sb = new StringBuilder("| setting | environment | default | meaning |\n|---|---|---|---|\n");
    for (Setting s : Setting.values()) {
      sb.append("| `").append(s.key()).append("` | `").append(s.environmentVariable()).append("` | ")
          .append(s.defaultValue().isEmpty() ? "" : "`" + s.defaultValue() + "`").append(" | ")
          .append(s.description().replace("|", "\\|")).append(" |\n");
    }
    return sb.toString();
  }

  private static String textTable() {
    StringBuilder sb = new StringBuilder();
    for (Setting s : Setting.values()) {
      sb.append(String.format("%-28s %-12s %s%n", s.key(), s.defaultValue().isEmpty() ? "-" : s.defaultValue(), s.description()));
    }
    sb.append(String.format("%nAgent arguments: key=value,...; system properties: -Dfathom.<key>; environment: FATHOM_<KEY>;%n"));
    sb.append(String.format("config file: config=<file.properties>. Per model: model.<name>.policy, model.<name>.sampling.rate,%n"));
    sb.append(String.format("model.<name>.validation.mode.%n"));
    return sb.toString();
  }
}
