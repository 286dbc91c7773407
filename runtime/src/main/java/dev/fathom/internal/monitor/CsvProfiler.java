package dev.fathom.internal.monitor;

import dev.fathom.Model;
import dev.fathom.internal.inference.ModelSignature;
import dev.fathom.internal.util.Hashing;
import dev.fathom.monitor.ColumnProfile;
import dev.fathom.monitor.ReferenceProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Builds a {@link ReferenceProfile} from a CSV file of training data and a model's predictions on it. Stateless. */
public final class CsvProfiler {
  private CsvProfiler() {}

  public static ReferenceProfile profile(Model model, Path csv) {
    MonitoredColumns columns = new MonitoredColumns(new ModelSignature(model.manifest()));
    List<ProfileColumn> accumulators = new ArrayList<>();
    for (var spec : columns.features()) {
      accumulators.add(ProfileColumn.of(spec));
    }
    int features = accumulators.size();
    for (var output : columns.outputs()) {
      accumulators.add(ProfileColumn.numeric(output.name()));
    }
    long[] predicted = new long[1];
    long rows = ModelCsv.scan(model, columns, csv, true, (values, prediction) -> {
      for (int f = 0; f < features; f++) {
        accumulators.get(f).add(values[f]);
      }
      if (prediction != null) {
        predicted[0]++;
        for (int o = 0; o < columns.outputs().size(); o++) {
          accumulators.get(features + o).add(columns.outputValue(prediction, o));
        }
      }
    });
    String sha;
    try {
      sha = Hashing.sha256(csv);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + csv + ": " + e.getMessage(), e);
    }
    ReferenceProfile.Source source = new ReferenceProfile.Source(csv.getFileName().toString(), sha, rows, predicted[0]);
    return assemble(model.name(), model.version(), source, accumulators, features);
  }

  /** A profile from filled accumulators: the first {@code features} are features, the rest outputs. */
  static ReferenceProfile assemble(String model, Long version, ReferenceProfile.Source source, List<ProfileColumn> accumulators, int features) {
    List<ColumnProfile> featureProfiles = new ArrayList<>();
    List<ColumnProfile> outputProfiles = new ArrayList<>();
    for (int i = 0; i < accumulators.size(); i++) {
      (i < features ? featureProfiles : outputProfiles).add(accumulators.get(i).build());
    }
    String created = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    return new ReferenceProfile(ReferenceProfile.FORMAT_VERSION, model, version, created, source, featureProfiles, outputProfiles);
  }
}
