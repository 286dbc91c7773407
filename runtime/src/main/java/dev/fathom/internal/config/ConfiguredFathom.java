package dev.fathom.internal.config;

import dev.fathom.Fathom;
import dev.fathom.FathomException;
import dev.fathom.InferenceOptions;
import dev.fathom.InferenceOptions.OptimizationLevel;
import dev.fathom.monitor.MonitoringOptions;
import dev.fathom.monitor.ValidationMode;
import dev.fathom.telemetry.TelemetryOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Builds a {@link Fathom} from a {@link FathomConfig}: the one place that maps settings to the
 * builder, shared by the agent and by {@code Fathom.global()} without the agent. Stateless.
 */
public final class ConfiguredFathom {
  private static final Logger LOG = Logger.getLogger(ConfiguredFathom.class.getName());

  private ConfiguredFathom() {}

  /** A builder carrying every setting of {@code config} (registry, cache, watching, inference, per-model policies). */
  public static Fathom.Builder builder(FathomConfig config) {
    Fathom.Builder builder = Fathom.builder().inference(inference(config)).monitoring(monitoring(config)).telemetry(telemetry(config));
    apply(Setting.REGISTRY, () -> builder.registry(config.getPath(Setting.REGISTRY)));
    apply(Setting.WATCH_INTERVAL, () -> builder.watchInterval(config.getDuration(Setting.WATCH_INTERVAL)));
    apply(Setting.CACHE_MAX_BYTES, () -> builder.maximumCacheBytes(config.getBytes(Setting.CACHE_MAX_BYTES)));
    apply(Setting.IDLE_EXPIRY, () -> builder.idleExpiry(config.getDuration(Setting.IDLE_EXPIRY)));
    for (Map.Entry<String, String> e : config.perModel().entrySet()) {
      String key = e.getKey();
      if (key.endsWith(".policy")) {
        String model = key.substring(0, key.length() - ".policy".length());
        try {
          builder.policy(model, e.getValue());
        } catch (FathomException | IllegalArgumentException bad) {
          LOG.warning("Fathom: model." + key + "=" + e.getValue() + " ignored: " + bad.getMessage());
        }
      }
    }
    return builder;
  }

  static InferenceOptions inference(FathomConfig config) {
    InferenceOptions.Builder b = InferenceOptions.builder();
    apply(Setting.INTRA_OP_THREADS, () -> b.intraOpThreads(config.getInt(Setting.INTRA_OP_THREADS)));
    apply(Setting.WARMUP_RUNS, () -> b.warmupRuns(config.getInt(Setting.WARMUP_RUNS)));
    apply(Setting.OPTIMIZATION, () -> b.optimizationLevel(OptimizationLevel.parse(config.getString(Setting.OPTIMIZATION))));
    String cache = config.getString(Setting.OPTIMIZED_CACHE).trim();
    if (cache.equalsIgnoreCase("off")) {
      b.optimizedModelCache(null);
    } else if (!cache.isEmpty()) {
      b.optimizedModelCache(Path.of(cache));
    }
    return b.build();
  }

  /** What is exported, from the settings: the span mode. */
  public static TelemetryOptions telemetry(FathomConfig config) {
    TelemetryOptions.Builder b = TelemetryOptions.builder();
    apply(Setting.SPANS, () -> b.spans(TelemetryOptions.SpanMode.valueOf(config.getString(Setting.SPANS).trim().toUpperCase(java.util.Locale.ROOT))));
    return b.build();
  }

  /**
   * Sampling, validation and drift windows from the settings, with per-model overrides {@code
   * model.<name>.sampling.rate} and {@code model.<name>.validation.mode}.
   */
  public static MonitoringOptions monitoring(FathomConfig config) {
    MonitoringOptions.Builder b = MonitoringOptions.builder();
    apply(Setting.SAMPLING_RATE, () -> b.samplingRate(config.getDouble(Setting.SAMPLING_RATE)));
    apply(Setting.SAMPLING_MAX_PER_SECOND, () -> b.maxSamplesPerSecond(config.getInt(Setting.SAMPLING_MAX_PER_SECOND)));
    apply(Setting.VALIDATION_MODE, () -> b.validation(ValidationMode.parse(config.getString(Setting.VALIDATION_MODE))));
    apply(Setting.DRIFT_WINDOW_SAMPLES, () -> b.window(config.getInt(Setting.DRIFT_WINDOW_SAMPLES), config.getDuration(Setting.DRIFT_WINDOW_TIME)));
    apply(Setting.MAX_EXPORTED_COLUMNS, () -> b.maxExportedColumns(config.getInt(Setting.MAX_EXPORTED_COLUMNS)));
    for (Map.Entry<String, String> e : config.perModel().entrySet()) {
      String key = e.getKey();
      String value = e.getValue();
      try {
        if (key.endsWith(".sampling.rate")) {
          double rate = Double.parseDouble(value);
          b.model(key.substring(0, key.length() - ".sampling.rate".length()), m -> m.samplingRate(rate));
        } else if (key.endsWith(".validation.mode")) {
          ValidationMode mode = ValidationMode.parse(value);
          b.model(key.substring(0, key.length() - ".validation.mode".length()), m -> m.validation(mode));
        } else if (!key.endsWith(".policy")) {
          LOG.warning("Fathom: unknown per-model setting model." + key + " ignored (known: policy, sampling.rate, validation.mode)");
        }
      } catch (RuntimeException bad) {
        LOG.warning("Fathom: model." + key + "=" + value + " ignored: " + bad.getMessage());
      }
    }
    return b.build();
  }

  /** Applies one setting; a value the builder refuses keeps the default, with one log line. */
  private static void apply(Setting setting, Runnable step) {
    try {
      step.run();
    } catch (IllegalArgumentException e) {
      LOG.warning("Fathom: " + setting.key() + " ignored: " + e.getMessage());
    }
  }

  /**
   * Loads and warms the models the {@code models} setting lists.
   *
   * @return one message per model that failed to load (the others are ready)
   */
  public static List<String> preload(Fathom fathom, FathomConfig config) {
    List<String> failures = new ArrayList<>();
    for (String reference : config.getList(Setting.MODELS)) {
      try {
        fathom.model(reference);
      } catch (FathomException | IllegalStateException e) {
        failures.add("model " + reference + " not preloaded: " + e.getMessage());
      }
    }
    return failures;
  }

  /**
   * A configured instance with its models preloaded; configuration problems and failed preloads
   * are logged, one line each, under {@code who}.
   */
  public static Fathom create(FathomConfig config, String who) {
    for (String problem : config.problems()) {
      LOG.warning("Fathom: " + who + ": configuration: " + problem);
    }
    Fathom fathom = builder(config).build();
    for (String failure : preload(fathom, config)) {
      LOG.warning("Fathom: " + who + ": " + failure);
    }
    return fathom;
  }
}
