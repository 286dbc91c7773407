package dev.fathom.internal.inference;

import dev.fathom.registry.Manifest;
import java.nio.file.Path;

/** Creates the {@link InferenceObserver} of each loaded version. Implementations are thread-safe. */
@FunctionalInterface
public interface ObserverFactory {
  ObserverFactory NOOP = version -> InferenceObserver.NOOP;

  /** Called once per loaded version, before it takes traffic; must not throw. */
  InferenceObserver create(VersionInfo version);

  /**
   * What an observer may know about its version.
   *
   * @param manifest the version's manifest
   * @param signature its inputs and outputs
   * @param directory the version directory (for {@code profile.json})
   */
  record VersionInfo(Manifest manifest, ModelSignature signature, Path directory) {
    public String model() {
      return manifest.name();
    }

    public long version() {
      return manifest.version();
    }
  }
}
