package dev.fathom.monitor;

import dev.fathom.Fathom;
import dev.fathom.Model;
import dev.fathom.internal.inference.ModelSignature;
import dev.fathom.internal.monitor.ColumnReference;
import dev.fathom.internal.monitor.DriftEngine;
import dev.fathom.internal.monitor.ModelCsv;
import dev.fathom.internal.monitor.MonitoredColumns;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Offline drift: the report the live analyzer would give for a CSV file of live feature rows (header
 * row = feature names), taken as one window, against a version's reference profile. The model runs
 * on the rows so prediction drift is reported too. Stateless.
 */
public final class DriftAnalysis {
  private DriftAnalysis() {}

  /**
   * Analyzes {@code liveCsv} against the {@code profile.json} the registry holds for the version
   * {@code modelReference} resolves to.
   *
   * @throws IllegalStateException if that version has no profile
   */
  public static DriftReport analyze(Fathom fathom, String modelReference, Path liveCsv, DriftThresholds thresholds) {
    Model model = fathom.model(modelReference);
    long version = model.version();
    Path profile = fathom.registry().profileFile(model.name(), version);
    if (profile == null) {
      throw new IllegalStateException(
          model.name() + "@" + version + " has no profile.json; build one with 'fathom profile' or publish the version with --data");
    }
    return analyze(model, ReferenceProfile.read(profile), liveCsv, thresholds);
  }

  /** Analyzes {@code liveCsv} against {@code profile} with the default thresholds. */
  public static DriftReport analyze(Model model, ReferenceProfile profile, Path liveCsv) {
    return analyze(model, profile, liveCsv, DriftThresholds.defaults());
  }

  /**
   * Analyzes {@code liveCsv} against {@code profile}: every feature and output the profile covers.
   *
   * @throws IllegalArgumentException if the model has no named features, the header lacks one, or a
   *     numeric cell is not a number
   */
  public static DriftReport analyze(Model model, ReferenceProfile profile, Path liveCsv, DriftThresholds thresholds) {
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(thresholds, "thresholds");
    Instant start = Instant.now();
    MonitoredColumns columns = new MonitoredColumns(new ModelSignature(model.manifest()));
    List<ColumnReference> all = columns.references(profile);
    List<ColumnReference> tested = new ArrayList<>();
    int[] engineColumn = new int[all.size()];
    for (int i = 0; i < all.size(); i++) {
      engineColumn[i] = all.get(i) == null ? -1 : tested.size();
      if (all.get(i) != null) {
        tested.add(all.get(i));
      }
    }
    DriftEngine engine = new DriftEngine(tested, 1024);
    int features = columns.features().size();
    // tensor inputs other than the tabular one have no CSV form: their summaries are skipped
    int firstOutput = features + columns.inputs().size();
    boolean outputsTested = false;
    for (int o = 0; o < columns.outputs().size(); o++) {
      outputsTested |= engineColumn[firstOutput + o] >= 0;
    }
    ModelCsv.scan(model, columns, liveCsv, outputsTested, (values, prediction) -> {
      for (int f = 0; f < features; f++) {
        if (engineColumn[f] >= 0) {
          engine.add(engineColumn[f], values[f]);
        }
      }
      for (int o = 0; prediction != null && o < columns.outputs().size(); o++) {
        int c = engineColumn[firstOutput + o];
        if (c >= 0) {
          engine.add(c, columns.outputValue(prediction, o));
        }
      }
      engine.endRow();
    });
    return engine.evaluate(model.name(), model.version(), thresholds, start, Instant.now());
  }
}
