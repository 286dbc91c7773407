package dev.fathom.registry;

import java.util.Objects;

/**
 * A file of a model version with its sha256 (lower-case hex) and size in bytes; {@code path} is
 * relative to the version directory.
 */
public record FileDigest(String path, String sha256, long size) {
  public FileDigest {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(sha256, "sha256");
  }
}
