package dev.fathom.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fathom.FathomException;
import dev.fathom.internal.util.Json;
import dev.fathom.registry.LocalRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fathom list}: every model with its complete versions, latest version and aliases, as a
 * table or ({@code --json}) as {@code {"registry": DIR, "models": [{"name", "versions", "latest",
 * "aliases"}]}}. A model whose directory cannot be read is listed with its error and the command
 * exits 1.
 *
 * <p>One instance per invocation (picocli fills its fields); not thread-safe.
 */
@Command(name = "list", description = "List models, versions, aliases and the latest version.")
final class ListCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin Options.Registry registry;
  @Mixin Options.Help help;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  private record Row(String name, List<Long> versions, Map<String, Long> aliases, String error) {}

  @Override
  public Integer call() throws IOException {
    LocalRegistry local = registry.open();
    List<Row> rows = new ArrayList<>();
    for (String model : local.models()) {
      try {
        rows.add(new Row(model, local.versions(model), local.aliases(model), null));
      } catch (FathomException e) {
        rows.add(new Row(model, List.of(), Map.of(), e.getMessage()));
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.MAPPER.writeValueAsString(toJson(local, rows)));
    } else if (rows.isEmpty()) {
      out.println("no models in " + local.root() + (Files.isDirectory(local.root()) ? "" : " (the directory does not exist)"));
    } else {
      table(out, rows);
    }
    out.flush();
    boolean failed = false;
    for (Row row : rows) {
      if (row.error != null) {
        spec.commandLine().getErr().println(spec.qualifiedName() + ": " + row.name + ": " + row.error);
        failed = true;
      }
    }
    spec.commandLine().getErr().flush();
    return failed ? Main.FAILED : 0;
  }

  private static ObjectNode toJson(LocalRegistry local, List<Row> rows) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("registry", local.root().toString());
    ArrayNode models = root.putArray("models");
    for (Row row : rows) {
      ObjectNode model = models.addObject();
      model.put("name", row.name);
      ArrayNode versions = model.putArray("versions");
      row.versions.forEach(versions::add);
      if (row.versions.isEmpty()) {
        model.putNull("latest");
      } else {
        model.put("latest", row.versions.get(row.versions.size() - 1));
      }
      ObjectNode aliases = model.putObject("aliases");
      row.aliases.forEach(aliases::put);
      if (row.error != null) {
        model.put("error", row.error);
      }
    }
    return root;
  }

  private static void table(PrintWriter out, List<Row> rows) {
    List<String[]> cells = new ArrayList<>();
    cells.add(new String[] {"MODEL", "VERSIONS", "LATEST", "ALIASES"});
    for (Row row : rows) {
      if (row.error != null) {
        cells.add(new String[] {row.name, "?", "?", "error (see below)"});
        continue;
      }
      String latest = row.versions.isEmpty() ? "-" : Long.toString(row.versions.get(row.versions.size() - 1));
      List<String> aliases = new ArrayList<>();
      row.aliases.forEach((alias, version) -> aliases.add(alias + "=" + version));
      cells.add(new String[] {row.name, ranges(row.versions), latest, aliases.isEmpty() ? "-" : String.join(", ", aliases)});
    }
    int[] widths = new int[4];
    for (String[] line : cells) {
      for (int i = 0; i < line.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    for (String[] line : cells) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < line.length; i++) {
        sb.append(line[i]);
        if (i < line.length - 1) {
          sb.append(" ".repeat(widths[i] - line[i].length() + 2));
        }
      }
      out.println(sb.toString().stripTrailing());
    }
  }

  /** Ascending versions as ranges: {@code 1-3, 5}; {@code -} when there are none. */
  static String ranges(List<Long> versions) {
    if (versions.isEmpty()) {
      return "-";
    }
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < versions.size()) {
      int j = i;
      while (j + 1 < versions.size() && versions.get(j + 1) == versions.get(j) + 1) {
        j++;
      }
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(versions.get(i));
      if (j > i) {
        sb.append('-').append(versions.get(j));
      }
      i = j + 1;
    }
    return sb.toString();
  }
}
