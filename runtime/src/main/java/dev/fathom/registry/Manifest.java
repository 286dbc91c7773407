package dev.fathom.registry;

import java.util.List;
import java.util.Objects;

/**
 * The {@code manifest.json} of a model version: identity, file digests, input and output schema,
 * lineage and runtime hints. Written by {@code fathom publish}, never by hand. Immutable.
 *
 * @param formatVersion the manifest format, currently {@value #FORMAT_VERSION}
 * @param name the model name
 * @param version the version number
 * @param created when the version was published, ISO-8601 UTC
 * @param model the digest of {@code model.onnx}
 * @param externalData digests of external data files the model references (may be empty)
 * @param inputs the input schema in graph order
 * @param outputs the output schema in graph order
 * @param lineage what produced the version
 * @param runtime how the version prefers to be run
 */
public record Manifest(
    int formatVersion,
    String name,
    long version,
    String created,
    FileDigest model,
    List<FileDigest> externalData,
    List<TensorSpec> inputs,
    List<TensorSpec> outputs,
    Lineage lineage,
    RuntimeHints runtime) {

  /** The manifest format this code writes. */
  public static final int FORMAT_VERSION = 1;

  public Manifest {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(model, "model");
    externalData = externalData == null ? List.of() : List.copyOf(externalData);
    inputs = inputs == null ? List.of() : List.copyOf(inputs);
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
    lineage = lineage == null ? Lineage.unknown() : lineage;
    runtime = runtime == null ? RuntimeHints.none() : runtime;
  }

  /** The input of the given name, or null. */
  public TensorSpec input(String tensorName) {
    for (TensorSpec spec : inputs) {
      if (spec.name().equals(tensorName)) {
        return spec;
      }
    }
    return null;
  }

  /** The output of the given name, or null. */
  public TensorSpec output(String tensorName) {
    for (TensorSpec spec : outputs) {
      if (spec.name().equals(tensorName)) {
        return spec;
      }
    }
    return null;
  }

  /** The one input that carries named features, or null if the model is not tabular. */
  public TensorSpec tabularInput() {
    for (TensorSpec spec : inputs) {
      if (spec.features() != null) {
        return spec;
      }
    }
    return null;
  }
}
