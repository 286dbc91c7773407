package dev.fathom.internal.monitor;

import dev.fathom.Fathom;
import dev.fathom.Model;
import dev.fathom.internal.inference.ModelSignature;
import dev.fathom.internal.util.Hashing;
import dev.fathom.monitor.ColumnProfile;
import dev.fathom.monitor.MonitoringOptions;
import dev.fathom.monitor.ReferenceProfile;
import dev.fathom.registry.LocalRegistry;
import dev.fathom.registry.PublishRequest;
import dev.fathom.registry.Publisher;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
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

  /**
   * Profiles training data for a version about to be published: loads the request's model file with
   * its features and labels into a throw-away registry, runs it on the rows, and returns the profile
   * (with the model name, but no version: the number is decided when the version is published).
   */
  public static ReferenceProfile profileForPublish(PublishRequest request, Path csv) {
    Path temp;
    try {
      temp = Files.createTempDirectory("fathom-profile-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary registry: " + e.getMessage(), e);
    }
    try {
      PublishRequest.Builder copy = PublishRequest.builder(request.model(), request.modelFile()).version(1);
      request.features().forEach(copy::features);
      request.labels().forEach(copy::labels);
      LocalRegistry registry = new LocalRegistry(temp);
      new Publisher(registry).publish(copy.build());
      try (Fathom fathom = Fathom.builder().registry(temp).watchInterval(Duration.ZERO).openTelemetry(OpenTelemetry.noop())
          .monitoring(MonitoringOptions.disabled()).build()) {
        ReferenceProfile p = profile(fathom.model(request.model() + "@1"), csv);
        return new ReferenceProfile(p.formatVersion(), p.model(), null, p.created(), p.source(), p.features(), p.outputs());
      }
    } finally {
      deleteQuietly(temp);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(f -> {
        try {
          Files.deleteIfExists(f);
        } catch (IOException ignored) {
          // a leftover temporary directory is harmless
        }
      });
    } catch (IOException ignored) {
      // same
    }
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
