package dev.fathom.cli;

import dev.fathom.monitor.ReferenceProfile;
import dev.fathom.registry.LocalRegistry;
import dev.fathom.registry.Lineage;
import dev.fathom.registry.Manifest;
import dev.fathom.registry.ModelReference;
import dev.fathom.registry.PublishRequest;
import dev.fathom.registry.Publisher;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fathom publish NAME --model FILE ...}: writes a new version (model file, external data,
 * manifest) atomically, after loading and warming it in ONNX Runtime, so a model ONNX Runtime
 * refuses is never published. Lineage comes from the flags and from git (the repository the command
 * runs in, or {@code --code-dir}). Prints the new reference, then a summary. One instance per
 * invocation (picocli fills its fields); not thread-safe.
 */
@Command(
    name = "publish",
    description = "Publish a model file as the next version of NAME (loaded and warmed up first).",
    footer = {
      "",
      "Features: --features [INPUT=]FEATURE,...  with FEATURE = NAME[:PART]...",
      "  num | num(MIN..MAX)  numeric, with an optional valid range (num(0..) is fine)",
      "  cat(A|B|C)           categorical; categories in index / column order",
      "  index | onehot       encoding of a categorical feature (default: index)",
      "  nullable             the value may be missing (null)",
      "  e.g. --features 'amount:num(0..):nullable,age,country:cat(DE|FR):onehot'",
      "Labels: --labels [OUTPUT=]LABEL,...  classes along an output's last axis",
      "  (default: the first output).",
      "--schema FILE gives features and labels as JSON, with the manifest's fields:",
      "  {\"features\": [{\"name\": \"amount\", \"kind\": \"numeric\", \"min\": 0}, ...],",
      "   \"labels\": [\"legit\", \"fraud\"]}",
      "Code lineage comes from git in the working directory (or --code-dir):",
      "  origin URL without credentials (else the top-level path), HEAD, dirty flag."
    })
final class PublishCommand implements Callable<Integer> {
  private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");
  private static final Pattern DECIMAL = Pattern.compile("-?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin Options.Registry registry;
  @Mixin Options.Help help;

  @Parameters(index = "0", paramLabel = "NAME", description = "Model name: [a-z0-9][a-z0-9._-]{0,63}.")
  String name;

  @Option(names = "--model", required = true, paramLabel = "FILE", description = "The .onnx file (its external-data files must sit next to it).")
  Path modelFile;

  @Option(names = "--version", paramLabel = "N", converter = Converters.PositiveLong.class, description = "Publish as exactly this version (default: the next one).")
  Long version;

  @Option(names = "--features", paramLabel = "[INPUT=]SPEC", converter = Converters.Features.class, description = "Named features of an input (repeatable, one per input).")
  List<FeatureSyntax.InputFeatures> features = new ArrayList<>();

  @Option(names = "--labels", paramLabel = "[OUTPUT=]LABELS", converter = Converters.Labels.class, description = "Class labels of an output (repeatable, one per output).")
  List<FeatureSyntax.OutputLabels> labels = new ArrayList<>();

  @Option(names = "--schema", paramLabel = "FILE", description = "Features and labels as JSON: {\"features\": [...], \"labels\": [...]}.")
  Path schema;

  @Option(names = "--alias", paramLabel = "ALIAS", converter = Converters.Alias.class, description = "Point this alias at the new version (repeatable).")
  List<String> aliases = new ArrayList<>();

  @Option(names = "--param", paramLabel = "KEY=VALUE", description = "A hyperparameter (repeatable); numbers and true/false are stored as such.")
  List<String> params = new ArrayList<>();

  @Option(names = "--metric", paramLabel = "NAME=NUMBER", description = "An evaluation metric (repeatable), e.g. auc=0.93.")
  List<String> metrics = new ArrayList<>();

  @Option(names = "--data-uri", paramLabel = "URI", description = "Where the training data lives.")
  String dataUri;

  @Option(names = "--data-file", paramLabel = "FILE", description = "The training data file: its sha256 (and rows for CSV/TSV) are recorded.")
  Path dataFile;

  @Option(names = "--data", paramLabel = "FILE", description = "Training data (CSV, header row = feature names): profiled with the model into the version's profile.json for drift monitoring; also the lineage's data file unless --data-file names another.")
  Path profileData;

  @Option(names = "--parent", paramLabel = "N", converter = Converters.PositiveLong.class, description = "The version this one derives from (default: the latest).")
  Long parent;

  @Option(names = "--code-dir", paramLabel = "DIR", description = "Read the code revision from the git repository of DIR (default: the working directory).")
  Path codeDir;

  @Override
  public Integer call() throws IOException {
    ModelReference.checkModelName(name);
    LocalRegistry local = registry.open();
    Map<String, Object> hyperparameters = hyperparameters();
    Map<String, Double> metricValues = metricValues();
    PublishRequest.Builder request = PublishRequest.builder(name, modelFile);
    if (version != null) {
      request.version(version);
    }
    schema(request);
    for (String alias : aliases) {
      request.alias(alias);
    }
    if (parent != null && (!local.hasModel(name) || !local.versions(name).contains(parent))) {
      throw new IllegalArgumentException("--parent " + parent + ": " + name + "@" + parent + " does not exist");
    }
    if (codeDir != null && !Files.isDirectory(codeDir)) {
      throw new IllegalArgumentException("--code-dir " + codeDir + " is not a directory");
    }
    PrintWriter err = spec.commandLine().getErr();
    GitLineage.Result git = GitLineage.read(codeDir != null ? codeDir : Path.of(""));
    if (git.revision() == null && codeDir != null) {
      err.println("note: no code revision recorded: " + git.why());
    }
    Lineage.DataVersion data = null;
    if (dataFile != null) {
      data = DataFiles.describe(dataFile, dataUri);
    } else if (profileData != null) {
      data = DataFiles.describe(profileData, dataUri);
    } else if (dataUri != null) {
      data = new Lineage.DataVersion(dataUri, null, null);
    }
    request.lineage(new Lineage(git.revision(), data, hyperparameters, metricValues, parent));
    request.check(new LoadCheck().beforePublish(name, modelFile.toAbsolutePath().normalize()));

    ReferenceProfile profile = null;
    Path profileFile = null;
    if (profileData != null) {
      if (!Files.isRegularFile(profileData)) {
        throw new IllegalArgumentException("--data " + profileData + " is not a file");
      }
      // the model runs on the training data before publishing, so the profile is part of the version
      profile = ReferenceProfile.build(request.build(), profileData);
      profileFile = Files.createTempFile("fathom-profile-", ".json");
      profile.write(profileFile);
      request.profile(profileFile);
    }
    Manifest manifest;
    try {
      manifest = new Publisher(local).publish(request.build());
    } catch (IllegalArgumentException e) {
      // The publisher's checks of the file and schema; say which file and name they are about.
      throw new IllegalArgumentException("cannot publish " + modelFile + " as '" + name + "': " + e.getMessage(), e);
    } finally {
      if (profileFile != null) {
        Files.deleteIfExists(profileFile);
      }
    }

    PrintWriter out = spec.commandLine().getOut();
    out.println(manifest.name() + "@" + manifest.version());
    out.print(ManifestText.render(manifest, aliasesOf(local, manifest)));
    out.println("  checked   verified, loaded and warmed up in ONNX Runtime");
    if (profile != null) {
      out.println("  profile   " + ProfileCommand.summary(profile));
    }
    out.flush();
    return 0;
  }

  /** Features and labels from --schema and the flags; one source per tensor. */
  private void schema(PublishRequest.Builder request) {
    List<FeatureSyntax.InputFeatures> allFeatures = new ArrayList<>();
    List<FeatureSyntax.OutputLabels> allLabels = new ArrayList<>();
    if (schema != null) {
      SchemaFile.Schema file = SchemaFile.read(schema);
      allFeatures.addAll(file.features());
      allLabels.addAll(file.labels());
    }
    allFeatures.addAll(features);
    allLabels.addAll(labels);
    Map<String, Boolean> seen = new LinkedHashMap<>();
    for (FeatureSyntax.InputFeatures f : allFeatures) {
      if (seen.put(f.input(), Boolean.TRUE) != null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "features of " + describe(f.input(), "the only input") + " are given twice");
      }
      request.features(f.input(), f.features());
    }
    seen.clear();
    for (FeatureSyntax.OutputLabels l : allLabels) {
      if (seen.put(l.output(), Boolean.TRUE) != null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "labels of " + describe(l.output(), "the first output") + " are given twice");
      }
      request.labels(l.output(), l.labels());
    }
  }

  private static String describe(String tensor, String fallback) {
    return tensor.isEmpty() ? fallback : "'" + tensor + "'";
  }

  private Map<String, Object> hyperparameters() {
    Map<String, Object> values = new LinkedHashMap<>();
    for (String param : params) {
      String[] kv = keyValue(param, "--param");
      String text = kv[1].trim();
      Object value;
      if (INTEGER.matcher(text).matches()) {
        value = Long.parseLong(text);
      } else if (DECIMAL.matcher(text).matches() && Double.isFinite(Double.parseDouble(text))) {
        value = Double.parseDouble(text);
      } else if (text.equals("true") || text.equals("false")) {
        value = Boolean.parseBoolean(text);
      } else {
        value = kv[1];
      }
      if (values.put(kv[0], value) != null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--param " + kv[0] + " is given twice");
      }
    }
    return values;
  }

  private Map<String, Double> metricValues() {
    Map<String, Double> values = new LinkedHashMap<>();
    for (String metric : metrics) {
      String[] kv = keyValue(metric, "--metric");
      String text = kv[1].trim();
      if (!DECIMAL.matcher(text).matches() || !Double.isFinite(Double.parseDouble(text))) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--metric " + kv[0] + ": '" + kv[1] + "' is not a number");
      }
      if (values.put(kv[0], Double.parseDouble(text)) != null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--metric " + kv[0] + " is given twice");
      }
    }
    return values;
  }

  private String[] keyValue(String text, String option) {
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + " expects KEY=VALUE, got '" + text + "'");
    }
    return new String[] {text.substring(0, eq).trim(), text.substring(eq + 1)};
  }

  private static List<String> aliasesOf(LocalRegistry registry, Manifest manifest) {
    List<String> names = new ArrayList<>();
    registry.aliases(manifest.name()).forEach((alias, v) -> {
      if (v == manifest.version()) {
        names.add(alias);
      }
    });
    return names;
  }
}
