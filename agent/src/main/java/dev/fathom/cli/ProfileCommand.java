package dev.fathom.cli;

import dev.fathom.Fathom;
import dev.fathom.Model;
import dev.fathom.monitor.ColumnProfile;
import dev.fathom.monitor.ReferenceProfile;
import dev.fathom.registry.LocalRegistry;
import dev.fathom.registry.ModelReference;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fathom profile REF --data FILE}: builds the reference profile of a published version from
 * its training data (CSV, header row = feature names): statistics of every feature and of the
 * model's predictions on the rows. Writes {@code profile.json} to {@code --output}, to standard
 * output, or ({@code --attach}) into the version directory, where monitoring finds it the next time
 * the version loads. One instance per invocation; not thread-safe.
 */
@Command(
    name = "profile",
    description = "Build the reference profile (profile.json) of a model version from its training data.",
    footer = {
      "",
      "The CSV's header row names the features; other columns are ignored. Empty, NA, null and NaN",
      "cells are missing values. The model runs on every row to profile its predictions too.",
      "Versions published with 'fathom publish --data FILE' already have their profile."
    })
final class ProfileCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin Options.Registry registry;
  @Mixin Options.Help help;

  @Mixin Options.Ref reference;

  @Option(names = "--data", required = true, paramLabel = "FILE", description = "The training data, CSV with a header row naming the features.")
  Path data;

  @Option(names = "--output", paramLabel = "FILE", description = "Where to write profile.json (default: standard output, unless --attach).")
  Path output;

  @Option(names = "--attach", description = "Store the profile in the version directory (refused if it has one, unless --force).")
  boolean attach;

  @Option(names = "--force", description = "With --attach: replace the version's profile.")
  boolean force;

  @Override
  public Integer call() throws IOException {
    ModelReference ref = reference.parse();
    Options.existingFile(data, "--data");
    LocalRegistry local = registry.open();
    long version = local.resolve(ref);
    Path existing = local.profileFile(ref.model(), version);
    if (attach && existing != null && !force) {
      throw new IllegalArgumentException(ref.model() + "@" + version + " already has a profile; add --force to replace it");
    }
    ReferenceProfile profile;
    try (Fathom fathom = registry.fathom()) {
      Model model = fathom.model(ref.model() + "@" + version);
      profile = ReferenceProfile.build(model, data);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String summary = summary(profile);
    if (attach) {
      Path dir = local.versionDirectory(ref.model(), version);
      Path temp = Files.createTempFile(dir, ".profile-", ".json");
      try {
        profile.write(temp);
        Files.move(temp, dir.resolve(LocalRegistry.PROFILE_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temp);
      }
      out.println(ref.model() + "@" + version + ": " + summary);
      out.println("  stored    " + dir.resolve(LocalRegistry.PROFILE_FILE));
    } else if (output != null) {
      profile.write(output);
      out.println(ref.model() + "@" + version + ": " + summary);
      out.println("  written   " + output);
    } else {
      out.print(profile.toJson());
      out.println();
      err.println(ref.model() + "@" + version + ": " + summary);
      err.flush();
    }
    out.flush();
    return 0;
  }

  static String summary(ReferenceProfile profile) {
    long missing = 0;
    for (ColumnProfile c : profile.features()) {
      missing += c.missing();
    }
    return String.format(Locale.ROOT, "profiled %d rows (%d predicted): %d features (%d missing values), %d prediction columns", profile.source().rows(),
        profile.source().predictedRows(), profile.features().size(), missing, profile.outputs().size());
  }
}
