package dev.fathom.cli;

import dev.fathom.Fathom;
import dev.fathom.Model;
import dev.fathom.monitor.Correction;
import dev.fathom.monitor.DriftAnalysis;
import dev.fathom.monitor.DriftReport;
import dev.fathom.monitor.DriftThresholds;
import dev.fathom.monitor.ReferenceProfile;
import dev.fathom.monitor.Severity;
import dev.fathom.registry.ModelReference;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fathom drift --model REF --data FILE}: the drift report the live monitoring would give for
 * a CSV of live feature rows taken as one window, against the version's reference profile, with the
 * model's predictions on the rows compared too. Text or JSON; {@code --fail-on} turns a drift into
 * exit status 1 for pipelines. One instance per invocation; not thread-safe.
 */
@Command(
    name = "drift",
    description = "Compare live data (CSV) with a model version's reference profile: per feature and prediction drift.",
    footer = {
      "",
      "Numeric columns: PSI on the reference deciles, Kolmogorov-Smirnov, Jensen-Shannon, Wasserstein-1",
      "(in reference sd), mean and rank shifts (in standard errors). Categorical: PSI, chi-square and",
      "the largest single-category change. Missing rates for both. Severity: warn when the corrected",
      "p-value is at most --p-value, alert at --alert-p-value or with PSI at least the alert band."
    })
final class DriftCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin Options.Registry registry;
  @Mixin Options.Help help;

  @Option(names = "--model", required = true, paramLabel = "REF", description = "name (latest), name@version or name@alias.")
  String reference;

  @Option(names = "--data", required = true, paramLabel = "FILE", description = "Live data, CSV with a header row naming the features.")
  Path data;

  @Option(names = "--profile", paramLabel = "FILE", description = "The reference profile (default: the version's profile.json).")
  Path profile;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--p-value", paramLabel = "P", defaultValue = "0.05", description = "Family-wise p-value of a warning (default: ${DEFAULT-VALUE}).")
  double pValue;

  @Option(names = "--alert-p-value", paramLabel = "P", defaultValue = "0.005", description = "Family-wise p-value of an alert (default: ${DEFAULT-VALUE}).")
  double alertPValue;

  @Option(names = "--psi", paramLabel = "WARN,ALERT", split = ",", description = "PSI bands (default: 0.1,0.25).")
  double[] psi;

  @Option(names = "--correction", paramLabel = "METHOD", defaultValue = "holm", description = "holm, bonferroni or none (default: ${DEFAULT-VALUE}).")
  String correction;

  @Option(names = "--fail-on", paramLabel = "LEVEL", defaultValue = "never", description = "Exit 1 when drift reaches warn or alert (default: ${DEFAULT-VALUE}).")
  String failOn;

  @Override
  public Integer call() {
    ModelReference ref = ModelReference.parse(reference);
    Options.existingFile(data, "--data");
    boolean json = parseFormat();
    Severity failLevel = parseFailOn();
    DriftThresholds thresholds = thresholds();
    DriftReport report;
    try (Fathom fathom = registry.fathom()) {
      if (profile != null) {
        Model model = fathom.model(ref);
        report = DriftAnalysis.analyze(model, ReferenceProfile.read(profile), data, thresholds);
      } else {
        report = DriftAnalysis.analyze(fathom, ref.toString(), data, thresholds);
      }
    } catch (IllegalStateException e) {
      // a version without profile.json: say how to make one
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? report.toJson() + "\n" : report.toText());
    out.flush();
    return failLevel != null && report.severity().atLeast(failLevel) ? Main.FAILED : 0;
  }

  private boolean parseFormat() {
    switch (format.toLowerCase(Locale.ROOT)) {
      case "text":
        return false;
      case "json":
        return true;
      default:
        throw new CommandLine.ParameterException(spec.commandLine(), "--format must be text or json, was '" + format + "'");
    }
  }

  private Severity parseFailOn() {
    switch (failOn.toLowerCase(Locale.ROOT)) {
      case "never":
        return null;
      case "warn":
        return Severity.WARN;
      case "alert":
        return Severity.ALERT;
      default:
        throw new CommandLine.ParameterException(spec.commandLine(), "--fail-on must be never, warn or alert, was '" + failOn + "'");
    }
  }

  private DriftThresholds thresholds() {
    DriftThresholds.Builder b = DriftThresholds.builder();
    try {
      b.pValues(pValue, alertPValue);
      if (psi != null) {
        if (psi.length != 2) {
          throw new IllegalArgumentException("--psi takes two numbers, WARN,ALERT");
        }
        b.psi(psi[0], psi[1]);
      }
      b.correction(Correction.valueOf(correction.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage().startsWith("No enum constant")
          ? "--correction must be holm, bonferroni or none, was '" + correction + "'" : e.getMessage());
    }
    return b.build();
  }
}
