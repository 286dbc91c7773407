package dev.fathom;

import dev.fathom.internal.agentbridge.AgentBridge;
import dev.fathom.internal.config.ConfiguredFathom;
import dev.fathom.internal.config.FathomConfig;
import dev.fathom.internal.inference.Engine;
import dev.fathom.internal.inference.ObserverFactory;
import dev.fathom.internal.inference.Observers;
import dev.fathom.internal.inference.SessionFactory;
import dev.fathom.internal.inference.VersionLoader;
import dev.fathom.internal.monitor.Monitoring;
import dev.fathom.internal.telemetry.Telemetry;
import dev.fathom.monitor.MonitoringOptions;
import dev.fathom.registry.LocalRegistry;
import dev.fathom.registry.ModelReference;
import dev.fathom.telemetry.TelemetryOptions;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Fathom's entry point: serves versioned ONNX models from a registry in-process.
 *
 * <pre>{@code
 * try (Fathom fathom = Fathom.builder().registry(Path.of("models")).build()) {
 *   Model fraud = fathom.model("fraud");
 *   Prediction p = fraud.predict(Features.builder().put("amount", 129.5).put("country", "DE").build());
 * }
 * }</pre>
 *
 * <p>Models load on first use (verified, loaded, warmed up), and a background watcher moves each
 * reference to new versions as they are published; a version that fails to verify or load never
 * replaces the one serving. Thread-safe; one instance per registry and process is the intent.
 * Closing it stops the watcher and closes every session once its calls in flight finish.
 */
public final class Fathom implements AutoCloseable {
  private final Engine engine;
  private final LocalRegistry registry;
  private final Telemetry telemetry;
  private final Monitoring monitoring;
  /** Non-null when this instance is served by the Fathom agent ({@link #global()} under the agent). */
  private final AgentBridge agent;

  private static final Object GLOBAL_LOCK = new Object();
  private static volatile Fathom global;

  private Fathom(Builder b) {
    this.agent = null;
    this.registry = new LocalRegistry(b.registry);
    OpenTelemetry otel = b.openTelemetry != null ? b.openTelemetry : GlobalOpenTelemetry.get();
    this.telemetry = Telemetry.create(otel, b.telemetry);
    this.monitoring = Monitoring.create(b.monitoring, otel);
    ObserverFactory observers = version -> Observers.compose(telemetry.observer(version), monitoring.observer(version));
    VersionLoader loader = new VersionLoader(registry, new SessionFactory(b.inference), observers);
    this.engine = new Engine(registry, loader, telemetry.engineListener(), b.policies, b.maximumCacheBytes, b.idleExpiry, b.watchInterval);
  }

  /** The agent-backed instance: models, telemetry and monitoring are the agent's. */
  private Fathom(AgentBridge agent) {
    this.agent = agent;
    this.registry = new LocalRegistry(Path.of(agent.registry()));
    this.engine = null;
    this.telemetry = null;
    this.monitoring = null;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The process-wide instance. When the service runs with the Fathom agent ({@code
   * -javaagent:fathom-agent.jar}), it is backed by the agent's engine: the agent's registry, its
   * preloaded and warmed models, its configuration and telemetry, so each prediction is served and
   * counted once. Without the agent it is a local instance configured like the agent would be, from
   * {@code fathom.*} system properties, {@code FATHOM_*} environment variables and the config file
   * they name, preloading the models the {@code models} setting lists. Created on first call;
   * {@link #close()} on it does nothing, it lives as long as the JVM.
   */
  public static Fathom global() {
    Fathom instance = global;
    if (instance == null) {
      synchronized (GLOBAL_LOCK) {
        instance = global;
        if (instance == null) {
          AgentBridge bridge = AgentBridge.connect();
          instance = bridge != null ? new Fathom(bridge) : ConfiguredFathom.create(FathomConfig.fromEnvironment(), "Fathom.global()");
          global = instance;
        }
      }
    }
    return instance;
  }

  /**
   * The model a reference names: {@code fraud}, {@code fraud@3} or {@code fraud@production}. The
   * first call for a reference loads its version; later calls return at once.
   *
   * @throws InvalidReferenceException if the reference is malformed
   * @throws ModelNotFoundException if the registry has no such model
   * @throws VersionNotFoundException if the version or alias does not exist
   * @throws ModelLoadException if the version fails to verify or load
   */
  public Model model(String reference) {
    return model(ModelReference.parse(reference));
  }

  /** The model a parsed reference names; see {@link #model(String)}. */
  public Model model(ModelReference reference) {
    Objects.requireNonNull(reference, "reference");
    if (agent != null) {
      return new Model(agent.model(reference.toString()));
    }
    return new Model(engine.slot(reference));
  }

  /** The registry this instance serves from. */
  public LocalRegistry registry() {
    return registry;
  }

  /**
   * Checks the registry now and moves references to new versions before returning (the watcher
   * does this periodically in the background).
   */
  public void refresh() {
    if (agent != null) {
      agent.refresh();
      return;
    }
    engine.refresh();
  }

  /**
   * Reports the true outcome of a prediction (a label for a classifier, a number for a regressor),
   * which may arrive long after the prediction. Sampled predictions are held for a while so late
   * outcomes can be joined to them for accuracy metrics.
   *
   * @return whether the prediction was held and the outcome joined to it
   */
  public boolean recordOutcome(long predictionId, double actual) {
    if (agent != null) {
      return agent.recordOutcome(predictionId, actual);
    }
    return monitoring.recordOutcome(predictionId, actual);
  }

  /** Reports the true class label of a prediction; see {@link #recordOutcome(long, double)}. */
  public boolean recordOutcome(long predictionId, String actualLabel) {
    if (agent != null) {
      return agent.recordOutcome(predictionId, Objects.requireNonNull(actualLabel, "actualLabel"));
    }
    return monitoring.recordOutcome(predictionId, Objects.requireNonNull(actualLabel, "actualLabel"));
  }

  /** The engine behind this instance; internal (tests reach it through {@code FathomTestAccess}). */
  Engine engine() {
    if (agent != null) {
      throw new IllegalStateException("this instance is served by the Fathom agent; its engine lives in the agent");
    }
    return engine;
  }

  /** The sampling, validation and drift behind this instance; internal, like {@link #engine()}. */
  Monitoring monitoring() {
    if (agent != null) {
      throw new IllegalStateException("this instance is served by the Fathom agent; its monitoring lives in the agent");
    }
    return monitoring;
  }

  @Override
  public void close() {
    if (this == global || agent != null) {
      return;
    }
    try {
      engine.close();
    } finally {
      try {
        monitoring.close();
      } finally {
        telemetry.close();
      }
    }
  }

  /** Configures a {@link Fathom}; every setter validates its argument. Not thread-safe. */
  public static final class Builder {
    private Path registry = Path.of("models");
    private InferenceOptions inference = InferenceOptions.defaults();
    private long maximumCacheBytes = 1L << 30;
    private Duration idleExpiry = Duration.ofMinutes(5);
    private Duration watchInterval = Duration.ofSeconds(1);
    private final Map<String, ModelReference> policies = new LinkedHashMap<>();
    private OpenTelemetry openTelemetry;
    private TelemetryOptions telemetry = TelemetryOptions.defaults();
    private MonitoringOptions monitoring = MonitoringOptions.defaults();

    private Builder() {}

    /** The registry directory; {@code ./models} by default. */
    public Builder registry(Path directory) {
      this.registry = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** How models run in ONNX Runtime; see {@link InferenceOptions}. */
    public Builder inference(InferenceOptions options) {
      this.inference = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Bytes of model files to keep loaded beyond the versions references serve (those are always
     * kept). 1 GiB by default.
     */
    public Builder maximumCacheBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("maximumCacheBytes must not be negative, was " + bytes);
      }
      this.maximumCacheBytes = bytes;
      return this;
    }

    /**
     * How long a version no reference serves stays loaded after its last use (for a fast way back);
     * 5 minutes by default, zero to close it as soon as its calls finish.
     */
    public Builder idleExpiry(Duration idle) {
      Objects.requireNonNull(idle, "idle");
      if (idle.isNegative()) {
        throw new IllegalArgumentException("idleExpiry must not be negative, was " + idle);
      }
      this.idleExpiry = idle;
      return this;
    }

    /** How often to look for new versions; 1 second by default, zero to watch only on {@link Fathom#refresh()}. */
    public Builder watchInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("watchInterval must not be negative, was " + interval);
      }
      this.watchInterval = interval;
      return this;
    }

    /**
     * What a plain model name serves: {@code policy("fraud", "production")} makes {@code fraud}
     * follow the {@code production} alias, {@code policy("fraud", "3")} pins it. Latest by default.
     */
    public Builder policy(String model, String selector) {
      ModelReference reference = ModelReference.parse(ModelReference.checkModelName(model) + "@" + Objects.requireNonNull(selector, "selector"));
      policies.put(model, reference);
      return this;
    }

    /**
     * The OpenTelemetry instance to export metrics, spans and events through; {@link
     * GlobalOpenTelemetry} by default (the agent's, when the service runs with it).
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /** What is exported; see {@link TelemetryOptions}. */
    public Builder telemetry(TelemetryOptions options) {
      this.telemetry = Objects.requireNonNull(options, "options");
      return this;
    }

    /** Sampling, validation and drift; see {@link MonitoringOptions}. */
    public Builder monitoring(MonitoringOptions options) {
      this.monitoring = Objects.requireNonNull(options, "options");
      return this;
    }

    public Fathom build() {
      return new Fathom(this);
    }
  }
}
