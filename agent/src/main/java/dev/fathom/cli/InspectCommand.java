package dev.fathom.cli;

import dev.fathom.registry.LocalRegistry;
import dev.fathom.registry.Manifest;
import dev.fathom.registry.ModelReference;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fathom inspect REF}: the manifest of the version a reference resolves to, as a summary
 * (schema with features and labels, lineage, digests) or ({@code --json}) as stored. Reads the
 * manifest only; {@code verify} checks the files.
 *
 * <p>One instance per invocation (picocli fills its fields); not thread-safe.
 */
@Command(name = "inspect", description = "Show the manifest of a model version: schema, features, labels, lineage, digests.")
final class InspectCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin Options.Registry registry;
  @Mixin Options.Help help;

  @Mixin Options.Ref reference;

  @Option(names = "--json", description = "Print manifest.json as stored.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    ModelReference ref = reference.parse();
    LocalRegistry local = registry.open();
    long version = local.resolve(ref);
    Manifest manifest = local.manifest(ref.model(), version);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      String text = Files.readString(local.versionDirectory(ref.model(), version).resolve(LocalRegistry.MANIFEST_FILE), StandardCharsets.UTF_8);
      out.print(text.endsWith("\n") ? text : text + "\n");
    } else {
      String resolved = ref.model() + "@" + version;
      out.println(resolved + (ref.toString().equals(resolved) ? "" : "  (" + ref + ")"));
      List<String> aliases = new ArrayList<>();
      local.aliases(ref.model()).forEach((alias, v) -> {
        if (v == version) {
          aliases.add(alias);
        }
      });
      out.print(ManifestText.render(manifest, aliases));
    }
    out.flush();
    return 0;
  }
}
