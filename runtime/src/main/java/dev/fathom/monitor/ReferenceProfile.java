package dev.fathom.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.fathom.Model;
import dev.fathom.internal.monitor.CsvProfiler;
import dev.fathom.internal.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The reference a model version's live data is compared with: the statistics of its training data
 * and of the model's predictions on it, stored as {@code profile.json} next to the version's
 * manifest. Immutable.
 *
 * <p>Format ({@value #FORMAT_VERSION}), a JSON object:
 *
 * <pre>
 * {
 *   "formatVersion": 1,
 *   "model": "fraud", "version": 3,            (optional: what the profile was built with)
 *   "created": "2025-01-01T00:00:00Z",
 *   "source": {"file": "train.csv", "sha256": "...", "rows": 5000, "predictedRows": 5000},
 *   "features": [ column, ... ],                (one per feature of the tabular input)
 *   "outputs":  [ column, ... ]                 (one per output element: "prediction:score",
 *                                                "prediction:probabilities[fraud]", ...)
 * }
 * column (numeric):     {"name", "kind": "numeric", "count", "missing", "min", "max", "mean", "sd",
 *                        "edges": [..deciles..], "fractions": [..edges+1 shares..], "sketch": "base64 KLL"}
 * column (categorical): {"name", "kind": "categorical", "count", "missing",
 *                        "categories": {"DE": 1200, ...}, "unknown": 0, "bins": ["DE", "FR", ...]}
 * </pre>
 *
 * See {@link ColumnProfile} for each field. Readers ignore fields they do not know.
 *
 * @param formatVersion {@value #FORMAT_VERSION}
 * @param model the model the profile was built for, or null
 * @param version the version the profile was built for, or null
 * @param created when it was built, ISO-8601 UTC
 * @param source where the reference data came from
 * @param features the input features' columns
 * @param outputs the output elements' columns
 */
public record ReferenceProfile(int formatVersion, String model, Long version, String created, Source source, List<ColumnProfile> features,
    List<ColumnProfile> outputs) {

  public static final int FORMAT_VERSION = 1;

  /**
   * Where the reference data came from.
   *
   * @param file the training data file name (or {@code live} for a baseline of live samples)
   * @param sha256 the file's digest, or null
   * @param rows rows profiled
   * @param predictedRows rows the model ran on (rows missing a required feature are skipped)
   */
  public record Source(String file, String sha256, long rows, long predictedRows) {}

  public ReferenceProfile {
    features = features == null ? List.of() : List.copyOf(features);
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
  }

  /** The feature column of that name, or null. */
  public ColumnProfile feature(String name) {
    return find(features, name);
  }

  /** The output column of that name ({@code prediction:...}), or null. */
  public ColumnProfile output(String name) {
    return find(outputs, name);
  }

  private static ColumnProfile find(List<ColumnProfile> columns, String name) {
    for (ColumnProfile c : columns) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    return null;
  }

  /**
   * Profiles training data: reads {@code csv} (a header row naming the features; other columns are
   * ignored), runs {@code model} on every row through its public API and profiles the features and
   * the predictions. Values that are empty, {@code NA}, {@code null} or {@code NaN} are missing.
   *
   * @throws IllegalArgumentException if the model has no named features, the header lacks one of
   *     them, or a numeric cell is not a number (naming the row and column)
   * @throws UncheckedIOException if the file cannot be read
   */
  public static ReferenceProfile build(Model model, Path csv) {
    return CsvProfiler.profile(Objects.requireNonNull(model, "model"), Objects.requireNonNull(csv, "csv"));
  }

  /**
   * Profiles training data for a version about to be published (what {@code fathom publish --data}
   * does): runs the request's model file, with its features and labels, on the rows of {@code csv}.
   * Pass the result's file to {@link dev.fathom.registry.PublishRequest.Builder#profile} so it is
   * published with the version. The profile names the model but not the version, which is decided
   * at publication.
   */
  public static ReferenceProfile build(dev.fathom.registry.PublishRequest request, Path csv) {
    return CsvProfiler.profileForPublish(Objects.requireNonNull(request, "request"), Objects.requireNonNull(csv, "csv"));
  }

  /** Reads a {@code profile.json}. */
  public static ReferenceProfile read(Path file) {
    try {
      return fromJson(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read profile " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses the JSON form. */
  public static ReferenceProfile fromJson(String json) {
    try {
      ReferenceProfile p = Json.MAPPER.readValue(json, ReferenceProfile.class);
      if (p.formatVersion() > FORMAT_VERSION) {
        throw new IllegalArgumentException("profile format " + p.formatVersion() + " is newer than this Fathom reads (" + FORMAT_VERSION + ")");
      }
      return p;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid profile: " + e.getOriginalMessage(), e);
    }
  }

  /** The JSON form (indented). */
  public String toJson() {
    try {
      return Json.MAPPER.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the JSON form to {@code file}. */
  public void write(Path file) {
    try {
      Files.writeString(file, toJson());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write profile " + file + ": " + e.getMessage(), e);
    }
  }
}
