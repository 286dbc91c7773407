package dev.fathom;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * How Fathom runs models in ONNX Runtime. The defaults suit a service with many request threads:
 * full graph optimization, one intra-op and one inter-op thread per session and no spinning, so an
 * idle model costs no CPU and concurrent requests scale with the caller's threads instead of
 * fighting over a per-session pool. Per-version {@link dev.fathom.registry.RuntimeHints} override
 * these. Immutable; build with {@link #builder()}.
 */
public final class InferenceOptions {
  /** ONNX Runtime graph optimization levels. */
  public enum OptimizationLevel {
    NONE,
    BASIC,
    EXTENDED,
    ALL;

    /** Parses {@code none}, {@code basic}, {@code extended} or {@code all}. */
    public static OptimizationLevel parse(String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("unknown optimization level '" + text + "'; expected none, basic, extended or all", e);
      }
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final InferenceOptions DEFAULTS = builder().build();

  private final OptimizationLevel optimizationLevel;
  private final int intraOpThreads;
  private final int interOpThreads;
  private final boolean spinning;
  private final int warmupRuns;
  private final Path optimizedModelCache;

  private InferenceOptions(Builder b) {
    this.optimizationLevel = b.optimizationLevel;
    this.intraOpThreads = b.intraOpThreads;
    this.interOpThreads = b.interOpThreads;
    this.spinning = b.spinning;
    this.warmupRuns = b.warmupRuns;
    this.optimizedModelCache = b.optimizedModelCache;
  }

  public static InferenceOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public OptimizationLevel optimizationLevel() {
    return optimizationLevel;
  }

  public int intraOpThreads() {
    return intraOpThreads;
  }

  public int interOpThreads() {
    return interOpThreads;
  }

  /** Whether ONNX Runtime's worker threads spin while waiting for work. */
  public boolean spinning() {
    return spinning;
  }

  /** Inference runs on each new version before it takes traffic. */
  public int warmupRuns() {
    return warmupRuns;
  }

  /**
   * Directory for optimized models keyed by the model's sha256, or null when disabled. Loading a
   * version whose optimized form is cached skips graph optimization.
   */
  public Path optimizedModelCache() {
    return optimizedModelCache;
  }

  @Override
  public String toString() {
    return "InferenceOptions{optimization="
        + optimizationLevel
        + ", intraOpThreads="
        + intraOpThreads
        + ", interOpThreads="
        + interOpThreads
        + ", spinning="
        + spinning
        + ", warmupRuns="
        + warmupRuns
        + ", optimizedModelCache="
        + optimizedModelCache
        + '}';
  }

  /** Builds {@link InferenceOptions}; validates each value as it is set. Not thread-safe. */
  public static final class Builder {
    private OptimizationLevel optimizationLevel = OptimizationLevel.ALL;
    private int intraOpThreads = 1;
    private int interOpThreads = 1;
    private boolean spinning;
    private int warmupRuns = 3;
    private Path optimizedModelCache = Path.of(System.getProperty("java.io.tmpdir"), "fathom-optimized-models");

    private Builder() {}

    public Builder optimizationLevel(OptimizationLevel level) {
      this.optimizationLevel = Objects.requireNonNull(level, "level");
      return this;
    }

    /** Threads one inference may use; 0 lets ONNX Runtime use one per core. */
    public Builder intraOpThreads(int threads) {
      this.intraOpThreads = checkThreads(threads, "intraOpThreads");
      return this;
    }

    public Builder interOpThreads(int threads) {
      this.interOpThreads = checkThreads(threads, "interOpThreads");
      return this;
    }

    public Builder spinning(boolean spinning) {
      this.spinning = spinning;
      return this;
    }

    public Builder warmupRuns(int runs) {
      if (runs < 0 || runs > 1000) {
        throw new IllegalArgumentException("warmupRuns must be between 0 and 1000, was " + runs);
      }
      this.warmupRuns = runs;
      return this;
    }

    /** The optimized-model cache directory; null disables the cache. */
    public Builder optimizedModelCache(Path directory) {
      this.optimizedModelCache = directory;
      return this;
    }

    public InferenceOptions build() {
      return new InferenceOptions(this);
    }

    private static int checkThreads(int threads, String name) {
      if (threads < 0 || threads > 1024) {
        throw new IllegalArgumentException(name + " must be between 0 and 1024, was " + threads);
      }
      return threads;
    }
  }
}
