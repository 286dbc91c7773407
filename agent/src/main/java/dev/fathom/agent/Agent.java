package dev.fathom.agent;

import dev.fathom.Fathom;
import dev.fathom.agent.bootstrap.AgentClassLoader;
import dev.fathom.agent.bootstrap.AgentLog;
import dev.fathom.agent.bootstrap.FathomBridge;
import dev.fathom.agent.bootstrap.OrtLocator;
import dev.fathom.agent.instrument.Instrumenter;
import dev.fathom.agent.monitor.CallMonitor;
import dev.fathom.agent.monitor.MethodTarget;
import dev.fathom.internal.config.ConfiguredFathom;
import dev.fathom.internal.config.FathomConfig;
import dev.fathom.internal.config.Setting;
import dev.fathom.internal.inference.ObserverFactory;
import dev.fathom.internal.inference.Observers;
import dev.fathom.internal.monitor.Monitoring;
import dev.fathom.internal.telemetry.Telemetry;
import dev.fathom.monitor.MonitoringOptions;
import io.opentelemetry.api.OpenTelemetry;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The agent, started by the bootstrap inside its {@link AgentClassLoader}. Premain does only what
 * must happen before the application's first class: read the configuration, install the bridge
 * service and the instrumentation gate (which hands out ONNX Runtime's classes woven at build time,
 * without Byte Buddy). Everything slow runs on the daemon thread {@code fathom-agent-start}: Byte
 * Buddy when something needs it, then OpenTelemetry with the Prometheus endpoint, the agent's {@link
 * Fathom} on the registry, preloading and warming the configured models. Those begin when the
 * application first needs them or after {@link #DEFERRED_START_MILLIS} (right away after an attach,
 * with models to preload or methods to monitor), so they do not compete with the application's own
 * start. Each part that cannot start (a bad value, no registry, a port in use, an unusable ONNX
 * Runtime) is disabled with one log line; the application always starts.
 */
public final class Agent {
  /** Longest wait, from premain, before telemetry and serving start when nothing asked for them. */
  static final long DEFERRED_START_MILLIS = 1000;

  /** The agent of this JVM, held for its lifetime. */
  private static volatile Agent running;

  private final FathomConfig config;
  private final AgentClassLoader loader;
  private final boolean attached;
  private final long startNanos;
  private final AgentService service;
  private final Instrumenter instrumenter;
  private final CallMonitor monitor;
  /** Opens when the application first needs telemetry or serving; see {@link #DEFERRED_START_MILLIS}. */
  private final CountDownLatch startSignal = new CountDownLatch(1);
  /** Whether telemetry and serving start without waiting: after an attach, with models to preload or methods to monitor. */
  private final boolean startsRightAway;
  /** Set once telemetry runs; read by the exit hook. */
  private volatile AgentOpenTelemetry telemetry;
  private volatile boolean exiting;

  private Agent(FathomConfig config, Instrumentation instrumentation, AgentClassLoader loader, boolean attached, long startNanos) {
    this.config = config;
    this.loader = loader;
    this.attached = attached;
    this.startNanos = startNanos;
    this.service = new AgentService(config.getPath(Setting.REGISTRY).toString(), new StartNow(startSignal));
    List<String> problems = new ArrayList<>();
    List<MethodTarget> methods = MethodTarget.parse(config.getList(Setting.INSTRUMENT_METHODS), problems);
    problems.forEach(p -> AgentLog.warn("configuration: " + p));
    this.instrumenter = new Instrumenter(instrumentation, loader, config.getBoolean(Setting.INSTRUMENT_ONNXRUNTIME), methods, new ApplicationOrtJar(loader), cacheDirectory(config), loader.buildId());
    this.monitor = new CallMonitor(config.getPath(Setting.REGISTRY), methods, new StartNow(startSignal));
    this.startsRightAway = attached || !methods.isEmpty() || !config.getList(Setting.MODELS).isEmpty();
  }

  /**
   * The per-user cache of instrumented classes ({@code instrument.cache}): {@code
   * $XDG_CACHE_HOME/fathom/agent} or {@code ~/.cache/fathom/agent} by default; null when off.
   */
  static Path cacheDirectory(FathomConfig config) {
    String configured = config.getString(Setting.INSTRUMENT_CACHE).trim();
    if (configured.equalsIgnoreCase("off")) {
      return null;
    }
    try {
      if (!configured.isEmpty()) {
        return Path.of(configured).toAbsolutePath();
      }
      String xdg = System.getenv("XDG_CACHE_HOME");
      Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
      return base.resolve("fathom").resolve("agent");
    } catch (RuntimeException e) {
      AgentLog.info("the cache of instrumented classes is off: " + Setting.INSTRUMENT_CACHE.key() + " '" + configured + "' is not a usable path: " + AgentLog.reason(e));
      return null;
    }
  }

  /** Called by the bootstrap; never throws. */
  public static void start(String arguments, Instrumentation instrumentation, boolean attached, AgentClassLoader loader, long startNanos) {
    try {
      long entered = System.nanoTime();
      FathomConfig config = FathomConfig.load(arguments, System.getProperties(), System.getenv());
      AgentLog.debug(config.getBoolean(Setting.DEBUG));
      AgentLog.debug("class loader ready after " + TimeUnit.NANOSECONDS.toMillis(entered - startNanos) + " ms, configuration after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) + " ms");
      for (String problem : config.problems()) {
        AgentLog.warn("configuration: " + problem);
      }
      if (!config.getBoolean(Setting.ENABLED)) {
        AgentLog.info("disabled by configuration (" + Setting.ENABLED.key() + "=false, " + config.source(Setting.ENABLED) + ")");
        return;
      }
      Agent agent = new Agent(config, instrumentation, loader, attached, startNanos);
      running = agent;
      FathomBridge.installService(agent.service);
      if (agent.instrumenter.active()) {
        FathomBridge.installHandler(agent.monitor);
        agent.instrumenter.installGate();
      }
      AgentLog.debug("premain done in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) + " ms");
      Thread thread = new Thread(new SlowParts(agent), "fathom-agent-start");
      thread.setDaemon(true);
      thread.start();
    } catch (Throwable t) {
      AgentLog.warn("agent disabled: it could not start: " + AgentLog.reason(t));
    }
  }

  // Named classes instead of lambdas on the premain path: each lambda's first use spins a class.

  /** Starts the slow parts on the agent's thread. */
  private static final class SlowParts implements Runnable {
    private final Agent agent;

    SlowParts(Agent agent) {
      this.agent = agent;
    }

    @Override
    public void run() {
      agent.startSlowParts();
    }
  }

  /** Opens the start signal: the application needs the agent's telemetry or serving now. */
  private static final class StartNow implements Runnable {
    private final CountDownLatch signal;

    StartNow(CountDownLatch signal) {
      this.signal = signal;
    }

    @Override
    public void run() {
      signal.countDown();
    }
  }

  /** The application's ONNX Runtime jar, located on first use. */
  private static final class ApplicationOrtJar implements java.util.function.Supplier<java.util.jar.JarFile> {
    private final AgentClassLoader loader;

    ApplicationOrtJar(AgentClassLoader loader) {
      this.loader = loader;
    }

    @Override
    public java.util.jar.JarFile get() {
      return loader.onnxRuntime().jar();
    }
  }

  private void startSlowParts() {
    try {
      if (instrumenter.active()) {
        instrumenter.activate(attached);
        monitor.prepare();
        AgentLog.debug("instrumentation ready after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) + " ms");
      }
      if (!startsRightAway) {
        awaitStartSignal();
      }
      if (!exitHook()) {
        // the JVM is exiting already: release whatever waits for the agent
        instrumenter.methodsRecording();
        service.disable("the JVM is exiting");
        return;
      }
      AgentOpenTelemetry telemetry = AgentOpenTelemetry.start(config);
      this.telemetry = telemetry;
      if (exiting) {
        telemetry.stopPrometheus();
      }
      AgentLog.debug("telemetry ready after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) + " ms");
      OpenTelemetry otel = telemetry.openTelemetry();
      try {
        startMonitoring(otel);
      } finally {
        instrumenter.methodsRecording();
      }
      String serving = startServing(otel);
      AgentLog.info("started in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) + " ms: " + serving + "; " + describeMonitoring() + telemetry.describe());
    } catch (Throwable t) {
      instrumenter.methodsRecording();
      service.disable("the agent failed to start: " + AgentLog.reason(t));
      AgentLog.warn("agent partly disabled: " + AgentLog.reason(t));
    }
  }

  /**
   * Lets the application start undisturbed: telemetry and serving (a few hundred milliseconds of
   * CPU, which on a busy or small machine the application's own start would pay for) begin when the
   * application first needs them (it creates an ONNX Runtime session, or calls the agent's Fathom)
   * or {@link #DEFERRED_START_MILLIS} after premain, whichever comes first.
   */
  private void awaitStartSignal() {
    long waitMillis = DEFERRED_START_MILLIS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    try {
      boolean asked = waitMillis <= 0 || startSignal.await(waitMillis, TimeUnit.MILLISECONDS);
      AgentLog.debug((asked && waitMillis > 0 ? "the application needs the agent" : "the application started") + " after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) + " ms: starting telemetry and serving");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops the Prometheus endpoint when the JVM exits: its server thread waits in native code, which
   * HotSpot's exit waits out for about 300 ms. Returns false when the JVM is exiting already.
   */
  private boolean exitHook() {
    try {
      Runtime.getRuntime().addShutdownHook(new Thread(new AtExit(this), "fathom-agent-exit"));
      return true;
    } catch (IllegalStateException exitingAlready) {
      exiting = true;
      return false;
    }
  }

  /** The JVM's exit: stops what would hold it back. */
  private static final class AtExit implements Runnable {
    private final Agent agent;

    AtExit(Agent agent) {
      this.agent = agent;
    }

    @Override
    public void run() {
      agent.exiting = true;
      AgentOpenTelemetry t = agent.telemetry;
      if (t != null) {
        t.stopPrometheus();
      }
    }
  }

  private String describeMonitoring() {
    if (!instrumenter.active()) {
      return "zero-code monitoring off";
    }
    return config.getBoolean(Setting.INSTRUMENT_ONNXRUNTIME) ? "monitoring the application's ONNX Runtime sessions" : "monitoring configured methods";
  }

  /** Zero-code monitoring records through its own Telemetry and Monitoring on the agent's SDK. */
  private void startMonitoring(OpenTelemetry otel) {
    if (!instrumenter.active()) {
      return;
    }
    Telemetry telemetry = Telemetry.create(otel, ConfiguredFathom.telemetry(config));
    MonitoringOptions options = ConfiguredFathom.monitoring(config);
    Monitoring monitoring = Monitoring.create(options, otel);
    ObserverFactory sessions = version -> Observers.compose(telemetry.observer(version), monitoring.observer(version));
    // Method calls are sampled before the monitor sees them (the advice builds arguments only then).
    Monitoring methodMonitoring = Monitoring.create(MonitoringOptions.builder().samplingRate(1.0).build(), otel);
    monitor.start(sessions, telemetry::observer, methodMonitoring::observer, config.getDouble(Setting.SAMPLING_RATE));
  }

  /** Turns serving off for {@code reason}, with one log line; zero-code monitoring is not affected. */
  private String notServing(String reason) {
    service.disable(reason);
    AgentLog.warn("serving disabled: " + reason + "; zero-code monitoring goes on");
    return "not serving";
  }

  /** Starts the agent's Fathom; returns a description for the start-up line. */
  private String startServing(OpenTelemetry otel) {
    Path registry = config.getPath(Setting.REGISTRY).toAbsolutePath();
    if (!Files.isDirectory(registry)) {
      return notServing("the registry " + registry + " does not exist (" + Setting.REGISTRY.key() + ", " + config.source(Setting.REGISTRY) + ")");
    }
    String ortProblem = checkOnnxRuntime();
    if (ortProblem != null) {
      return notServing(ortProblem);
    }
    List<String> models = config.getList(Setting.MODELS);
    if (!models.isEmpty()) {
      String nativeProblem = loadOnnxRuntime();
      if (nativeProblem != null) {
        return notServing(nativeProblem);
      }
    }
    Fathom fathom = ConfiguredFathom.builder(config).openTelemetry(otel).build();
    service.ready(fathom);
    List<String> failures = ConfiguredFathom.preload(fathom, config);
    for (String failure : failures) {
      AgentLog.warn(failure);
    }
    return "serving " + registry + " with " + loader.onnxRuntime().description() + (models.isEmpty() ? "" : ", " + (models.size() - failures.size()) + " of " + models.size() + " models preloaded");
  }

  /** Loads ONNX Runtime's native library now (models are to be preloaded); null when it loads, else why not. */
  private String loadOnnxRuntime() {
    try {
      Class.forName("ai.onnxruntime.OrtEnvironment", true, loader);
      return null;
    } catch (Throwable t) {
      return "the native library of " + loader.onnxRuntime().description() + " cannot be loaded: " + AgentLog.reason(t);
    }
  }

  /**
   * Null when the ONNX Runtime the agent would load is usable, else why not: the application's copy
   * could not be opened (loading a second, possibly different version would break it), or it lacks
   * an API the runtime needs (pinned outputs, ONNX Runtime 1.17).
   */
  private String checkOnnxRuntime() {
    OrtLocator.Location location = loader.onnxRuntime();
    if (location.problem() != null) {
      return location.problem();
    }
    try {
      Class<?> session = Class.forName("ai.onnxruntime.OrtSession", false, loader);
      session.getMethod("run", Map.class, Map.class);
      return null;
    } catch (NoSuchMethodException e) {
      return location.description() + " is older than 1.17 (no pinned outputs, which Fathom's runtime needs)";
    } catch (ClassNotFoundException | LinkageError e) {
      return "cannot load " + location.description() + ": " + AgentLog.reason(e);
    }
  }
}
