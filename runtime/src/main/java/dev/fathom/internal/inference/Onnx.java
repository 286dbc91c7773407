package dev.fathom.internal.inference;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import dev.fathom.FathomException;

/**
 * The process-wide ONNX Runtime environment. ONNX Runtime allows one environment per process and
 * loads its native library on first use; a failure to load it becomes one clear exception instead of
 * an {@link UnsatisfiedLinkError} in the caller's thread.
 */
public final class Onnx {
  private static volatile OrtEnvironment environment;

  private Onnx() {}

  /**
   * The shared environment, created on first call.
   *
   * @throws FathomException if the ONNX Runtime native library cannot be loaded on this platform
   */
  public static OrtEnvironment environment() {
    OrtEnvironment env = environment;
    if (env == null) {
      synchronized (Onnx.class) {
        env = environment;
        if (env == null) {
          try {
            env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "fathom");
          } catch (LinkageError | RuntimeException e) {
            throw new FathomException(
                "ONNX Runtime is not available on this platform ("
                    + System.getProperty("os.name")
                    + "/"
                    + System.getProperty("os.arch")
                    + "): "
                    + e,
                e);
          }
          environment = env;
        }
      }
    }
    return env;
  }

  /** The ONNX Runtime version in use, for example {@code 1.24.2}. */
  public static String version() {
    return environment().getVersion();
  }
}
