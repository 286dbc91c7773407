package dev.fathom.cli;

import dev.fathom.FathomException;
import dev.fathom.ModelLoadException;
import dev.fathom.registry.LocalRegistry;
import dev.fathom.registry.ModelReference;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fathom verify [REF...]}: checks versions the way the runtime does before serving them
 * (manifest, sizes and sha256 of the model and external-data files, external data inside the version
 * directory, ONNX Runtime load, schema match, warm-up runs) and prints one {@code OK} or {@code FAIL}
 * line per version with the reason. Without references every version of every model is checked,
 * plus each model's aliases and any numbered directory that is not a complete version. A plain model
 * name checks all its versions; {@code name@version} and {@code name@alias} one. Exits 1 if anything
 * fails.
 *
 * <p>One instance per invocation (picocli fills its fields); not thread-safe.
 */
@Command(name = "verify", description = "Verify checksums and load + warm up versions in ONNX Runtime; one OK/FAIL line per version.")
final class VerifyCommand implements Callable<Integer> {
  private static final Pattern VERSION_DIR = Pattern.compile("[1-9][0-9]{0,17}");

  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin Options.Registry registry;
  @Mixin Options.Help help;

  @Parameters(paramLabel = "REF", arity = "0..*", description = "name (all its versions), name@version or name@alias; default: everything.")
  List<String> references = new ArrayList<>();

  private final LoadCheck check = new LoadCheck();
  private PrintWriter out;
  private int failures;
  private int passed;

  @Override
  public Integer call() throws IOException {
    out = spec.commandLine().getOut();
    LocalRegistry local = registry.open();
    if (references.isEmpty()) {
      List<String> models = local.models();
      if (models.isEmpty()) {
        out.println("no models in " + local.root() + (Files.isDirectory(local.root()) ? "" : " (the directory does not exist)"));
      }
      for (String model : models) {
        verifyModel(local, model, false);
      }
    } else {
      for (String text : references) {
        ModelReference ref;
        try {
          ref = ModelReference.parse(text);
        } catch (FathomException e) {
          fail(text, e.getMessage());
          continue;
        }
        if (ref.kind() == ModelReference.Kind.POLICY) {
          verifyModel(local, ref.model(), true);
          continue;
        }
        long version;
        try {
          version = local.resolve(ref);
        } catch (FathomException e) {
          fail(text, e.getMessage());
          continue;
        }
        verifyVersion(local, ref.model(), version);
      }
    }
    out.println(passed + " OK, " + failures + " FAIL");
    out.flush();
    return failures == 0 ? 0 : Main.FAILED;
  }

  /**
   * Every version of {@code model}, its numbered directories and its aliases.
   *
   * @param named whether the user named the model (then having no version at all is a failure; a
   *     sweep passes over the empty directory a failed first publish leaves)
   */
  private void verifyModel(LocalRegistry local, String model, boolean named) throws IOException {
    List<Long> versions;
    Map<String, Long> aliases;
    try {
      versions = local.versions(model);
    } catch (FathomException e) {
      fail(model, e.getMessage());
      return;
    }
    if (versions.isEmpty() && named) {
      fail(model, "no complete version");
    }
    for (long version : versions) {
      verifyVersion(local, model, version);
    }
    incompleteDirectories(local, model, versions);
    try {
      aliases = local.aliases(model);
    } catch (FathomException e) {
      fail(model, e.getMessage());
      return;
    }
    aliases.forEach((alias, version) -> {
      if (!versions.contains(version)) {
        fail(model + "@" + alias, "alias points at version " + version + ", which does not exist");
      }
    });
  }

  private void verifyVersion(LocalRegistry local, String model, long version) {
    String name = model + "@" + version;
    try {
      long nanos = check.load(local, model, version);
      passed++;
      out.println("OK    " + name + "  checksums verified, loaded and warmed up (" + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms)");
    } catch (ModelLoadException e) {
      fail(name, e.reason());
    } catch (FathomException e) {
      fail(name, e.getMessage());
    }
    out.flush();
  }

  /** Numbered directories that are not complete versions: the registry never writes those. */
  private void incompleteDirectories(LocalRegistry local, String model, List<Long> versions) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(local.modelDirectory(model))) {
      for (Path entry : entries) {
        String dir = entry.getFileName().toString();
        if (Files.isDirectory(entry) && VERSION_DIR.matcher(dir).matches() && !versions.contains(Long.parseLong(dir))) {
          List<String> missing = new ArrayList<>();
          for (String file : List.of(LocalRegistry.MODEL_FILE, LocalRegistry.MANIFEST_FILE)) {
            if (!Files.isRegularFile(entry.resolve(file))) {
              missing.add(file);
            }
          }
          fail(model + "@" + dir, "incomplete version directory: missing " + String.join(" and ", missing));
        }
      }
    }
  }

  private void fail(String what, String reason) {
    failures++;
    out.println("FAIL  " + what + "  " + reason);
    out.flush();
  }
}
