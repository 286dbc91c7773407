package dev.fathom.registry;

/**
 * How a model version prefers to be run; every field is optional and overrides Fathom's defaults
 * for this version only.
 *
 * @param optimizationLevel ONNX Runtime graph optimization: {@code none}, {@code basic}, {@code
 *     extended} or {@code all}
 * @param intraOpThreads threads one inference may use; 1 suits services with many request threads
 * @param interOpThreads threads for parallel execution of independent graph nodes
 * @param warmupRuns inference runs before the version takes traffic
 */
public record RuntimeHints(String optimizationLevel, Integer intraOpThreads, Integer interOpThreads, Integer warmupRuns) {
  /** No hints. */
  public static RuntimeHints none() {
    return new RuntimeHints(null, null, null, null);
  }
}
