package dev.fathom.registry;

import java.util.Map;
import java.util.TreeMap;

/**
 * What produced a model version: the code revision, the data version, the hyperparameters, the
 * evaluation metrics and the version it was derived from.
 *
 * @param code the code revision, or null when unknown
 * @param data the training data, or null when unknown
 * @param hyperparameters name to value (numbers, strings or booleans)
 * @param metrics evaluation metric name to value, for example {@code auc}
 * @param parent the version this one replaces or was derived from, or null
 */
public record Lineage(
    CodeRevision code, DataVersion data, Map<String, Object> hyperparameters, Map<String, Double> metrics, Long parent) {

  public Lineage {
    hyperparameters = hyperparameters == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(hyperparameters));
    metrics = metrics == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(metrics));
  }

  /** Lineage with nothing known. */
  public static Lineage unknown() {
    return new Lineage(null, null, null, null, null);
  }

  /**
   * A code revision.
   *
   * @param repository where the code lives (a remote URL or a path)
   * @param commit the full commit id
   * @param dirty whether the working tree had uncommitted changes when the model was published
   */
  public record CodeRevision(String repository, String commit, Boolean dirty) {}

  /**
   * A version of training data.
   *
   * @param uri where the data lives
   * @param sha256 the sha256 of the data file, lower-case hex
   * @param rows the number of data rows (without the header)
   */
  public record DataVersion(String uri, String sha256, Long rows) {}
}
