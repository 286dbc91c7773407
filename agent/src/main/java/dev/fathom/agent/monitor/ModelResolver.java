package dev.fathom.agent.monitor;

import dev.fathom.FathomException;
import dev.fathom.agent.bootstrap.AgentLog;
import dev.fathom.internal.inference.InferenceObserver;
import dev.fathom.internal.inference.ModelSignature;
import dev.fathom.internal.inference.ObserverFactory;
import dev.fathom.internal.util.Hashing;
import dev.fathom.registry.FileDigest;
import dev.fathom.registry.LocalRegistry;
import dev.fathom.registry.Manifest;
import dev.fathom.registry.TensorSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Works out which model an application session runs, on one daemon thread ({@code
 * fathom-agent-resolver}) so the application's threads never hash a file. The model file's sha256
 * (hashing starts as soon as session creation starts, in parallel with ONNX Runtime's own loading)
 * is looked up among the registry's published versions: a match gives the registry's name, version,
 * features and reference profile; otherwise the name comes from the file name (or the graph name in
 * the model's metadata) and the version is 0. Identities are shared per model file, and each gets
 * its observer from the {@link ObserverFactory} installed once telemetry is up. Thread-safe.
 */
final class ModelResolver {
  private static final long INDEX_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final Path registry;
  private final Object executorLock = new Object();
  private ExecutorService executor;
  private final CountDownLatch observersReady = new CountDownLatch(1);
  private volatile ObserverFactory observers;
  /** sha256 (or name for sources without one) to identity; resolver thread only. */
  private final Map<String, ModelIdentity> identities = new HashMap<>();
  private final Map<String, String> namesTaken = new HashMap<>();
  /** The registry's versions by their model file's sha256; resolver thread only. */
  private Map<String, RegistryVersion> index = Map.of();
  private long indexBuilt;

  ModelResolver(Path registry) {
    this.registry = registry;
  }

  /** The resolver's executor; its thread starts with the first task (not at premain). */
  private ExecutorService executor() {
    synchronized (executorLock) {
      if (executor == null) {
        executor = Executors.newSingleThreadExecutor(new ResolverThreads());
      }
      return executor;
    }
  }

  /**
   * Creates the executor now, on the agent's start-up thread, so the application's thread that
   * creates the first session does not load its classes.
   */
  void prepare() {
    executor();
  }

  /** Installs the factory of observers (telemetry and monitoring); identities wait for it. */
  void observers(ObserverFactory factory) {
    this.observers = factory;
    observersReady.countDown();
  }

  /**
   * What a session is being created from, hashed on the resolver thread (queued ahead of the
   * session's resolution, which reads the result). Named classes rather than lambdas or {@code
   * CompletableFuture}: this runs on the application's thread, where every class spun or loaded
   * for the first time is start-up latency.
   */
  static final class Pending implements Runnable {
    final String fileName;
    private Object source;
    private final CountDownLatch hashed = new CountDownLatch(1);
    private volatile Digest digest;

    Pending(String fileName, Object source) {
      this.fileName = fileName;
      this.source = source;
    }

    @Override
    public void run() {
      try {
        Object s = source;
        if (s instanceof Path) {
          digest = ModelResolver.digest((Path) s);
        } else if (s instanceof byte[]) {
          byte[] bytes = (byte[]) s;
          digest = new Digest(Hashing.sha256(bytes), bytes.length);
        } else if (s instanceof ByteBuffer) {
          digest = ModelResolver.digest((ByteBuffer) s);
        }
      } finally {
        source = null;
        hashed.countDown();
      }
    }

    /** The digest, or null if the source could not be hashed. */
    Digest digest() throws InterruptedException {
      hashed.await();
      return digest;
    }
  }

  /** A model's sha256 and size. */
  record Digest(String sha256, long size) {}

  /** Starts hashing a session's source: a path, a byte array or a buffer. */
  Pending hashing(Object source) {
    Pending pending;
    if (source instanceof String) {
      Path file = Path.of((String) source);
      pending = new Pending(file.getFileName() == null ? null : file.getFileName().toString(), file);
    } else if (source instanceof ByteBuffer) {
      pending = new Pending(null, ((ByteBuffer) source).duplicate());
    } else {
      pending = new Pending(null, source instanceof byte[] ? source : null);
    }
    executor().execute(pending);
    return pending;
  }

  /** Resolves a session's model in the background and sets it on {@code state}. */
  void resolve(SessionState state, Object session, Pending pending) {
    executor().execute(new Resolution(state, session, pending));
  }

  /** One session's resolution, on the resolver thread. */
  private final class Resolution implements Runnable {
    private final SessionState state;
    private final Object session;
    private final Pending pending;

    Resolution(SessionState state, Object session, Pending pending) {
      this.state = state;
      this.session = session;
      this.pending = pending;
    }

    @Override
    public void run() {
      try {
        // Method handles on the application's ONNX Runtime classes: built here, not on the thread that created the session.
        OrtAccess access = OrtAccess.of(session);
        if (access == null) {
          AgentLog.debug("an ONNX Runtime session whose classes cannot be read is not monitored");
          return;
        }
        state.access = access;
        if (!observersReady.await(60, TimeUnit.SECONDS)) {
          AgentLog.warn("telemetry did not start in time; calls of an ONNX Runtime session are not monitored");
          return;
        }
        Digest digest = pending == null ? null : pending.digest();
        ModelIdentity identity = identity(access, session, pending == null ? null : pending.fileName, digest);
        shape(state, session, identity);
        state.identity = identity;
        AgentLog.debug("monitoring an ONNX Runtime session as " + identity);
      } catch (Throwable t) {
        AgentLog.warn("cannot identify the model of an ONNX Runtime session; its calls are not monitored: " + AgentLog.reason(t));
      }
    }
  }

  /** Names the resolver's daemon thread. */
  private static final class ResolverThreads implements ThreadFactory {
    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "fathom-agent-resolver");
      t.setDaemon(true);
      return t;
    }
  }

  /** A model found for a monitored method. */
  record MethodModel(Manifest manifest, Path directory, String source) {}

  /**
   * The model a monitored method stands for: the configured model's latest registry version (its
   * schema, features and profile), else a manifest without schema named {@code model} or {@code
   * derivedName}. Reads the registry on the calling thread (the agent's start-up thread).
   */
  MethodModel methodModel(String model, String derivedName) {
    if (model != null && Files.isDirectory(registry)) {
      try {
        LocalRegistry r = new LocalRegistry(registry);
        List<Long> versions = r.versions(model);
        if (!versions.isEmpty()) {
          long latest = versions.get(versions.size() - 1);
          return new MethodModel(r.manifest(model, latest), r.versionDirectory(model, latest), "registry");
        }
      } catch (FathomException | java.io.UncheckedIOException e) {
        AgentLog.debug("no registry manifest for " + model + ": " + e.getMessage());
      }
    }
    String name = model != null ? model : derivedName;
    return new MethodModel(synthetic(name, new Digest("0".repeat(64), 0), List.of(), List.of()), null, model != null ? "configuration" : "method name");
  }

  private ModelIdentity identity(OrtAccess access, Object session, String fileName, Digest digest) throws Throwable {
    String key = digest != null ? digest.sha256() : null;
    if (key != null && identities.containsKey(key)) {
      return identities.get(key);
    }
    if (digest != null) {
      RegistryVersion match = lookup(digest.sha256());
      if (match != null) {
        LocalRegistry r = new LocalRegistry(registry);
        Manifest manifest = r.manifest(match.model(), match.version());
        return remember(key, manifest, r.versionDirectory(match.model(), match.version()), "registry");
      }
    }
    String base;
    String source;
    if (fileName != null) {
      String stem = fileName.endsWith(".onnx") ? fileName.substring(0, fileName.length() - 5) : fileName;
      base = ModelIdentity.sanitize(stem, "onnx-model");
      source = "file name";
    } else {
      base = ModelIdentity.sanitize(access.graphName(session), "onnx-model");
      source = "graph name";
    }
    String name = base;
    String owner = namesTaken.get(name);
    if (owner != null && !owner.equals(key)) {
      name = ModelIdentity.sanitize(base + "-" + (key == null ? Integer.toHexString(System.identityHashCode(session)) : key.substring(0, 8)), base);
    }
    if (key == null) {
      key = "name:" + name;
      if (identities.containsKey(key)) {
        return identities.get(key);
      }
    }
    Manifest manifest = synthetic(name, digest == null ? new Digest("0".repeat(64), 0) : digest, specs(access.inputTensors(session)), specs(access.outputTensors(session)));
    namesTaken.putIfAbsent(name, key);
    return remember(key, manifest, null, source);
  }

  private ModelIdentity remember(String key, Manifest manifest, Path directory, String source) {
    ModelSignature signature = new ModelSignature(manifest);
    InferenceObserver observer;
    try {
      observer = observers.create(new ObserverFactory.VersionInfo(manifest, signature, directory));
    } catch (RuntimeException e) {
      AgentLog.warn("monitoring of " + manifest.name() + " disabled: " + AgentLog.reason(e));
      observer = InferenceObserver.NOOP;
    }
    ModelIdentity identity = new ModelIdentity(manifest, signature, observer == null ? InferenceObserver.NOOP : observer, source);
    identities.put(key, identity);
    return identity;
  }

  /** Sets what a call needs to count rows: the first input and its elements per row. */
  private static void shape(SessionState state, Object session, ModelIdentity identity) throws Throwable {
    List<String> inputs = state.access.inputNames(session);
    if (inputs.isEmpty()) {
      return;
    }
    Object[] first = state.access.inputTensors(session).get(inputs.get(0));
    long perRow = 1;
    if (first != null) {
      long[] shape = (long[]) first[1];
      for (int i = 1; i < shape.length; i++) {
        perRow *= Math.max(1, shape[i]);
      }
      if (shape.length == 0 || shape[0] >= 0) {
        perRow = -1; // fixed batch: every call is one row
      }
    }
    state.elementsPerRow = perRow;
    state.firstInput = inputs.get(0);
  }

  private static List<TensorSpec> specs(Map<String, Object[]> tensors) {
    List<TensorSpec> specs = new ArrayList<>();
    for (Map.Entry<String, Object[]> e : tensors.entrySet()) {
      long[] shape = (long[]) e.getValue()[1];
      List<Long> dims = new ArrayList<>();
      for (long d : shape) {
        dims.add(d < 0 ? -1L : d);
      }
      specs.add(new TensorSpec(e.getKey(), (dev.fathom.ElementType) e.getValue()[0], dims, null, null, null));
    }
    return specs;
  }

  private static Manifest synthetic(String name, Digest digest, List<TensorSpec> inputs, List<TensorSpec> outputs) {
    return new Manifest(Manifest.FORMAT_VERSION, name, 0, null, new FileDigest(LocalRegistry.MODEL_FILE, digest.sha256(), digest.size()), null, inputs, outputs, null, null);
  }

  private record RegistryVersion(String model, long version) {}

  /** The registry version whose model file has this sha256, or null; rescans at most every 5 s. */
  private RegistryVersion lookup(String sha256) {
    RegistryVersion hit = index.get(sha256);
    if (hit != null || System.nanoTime() - indexBuilt < INDEX_MAX_AGE_NANOS && indexBuilt != 0) {
      return hit;
    }
    Map<String, RegistryVersion> fresh = new HashMap<>();
    if (Files.isDirectory(registry)) {
      LocalRegistry r = new LocalRegistry(registry);
      for (String model : r.models()) {
        for (long version : r.versions(model)) {
          try {
            fresh.put(r.manifest(model, version).model().sha256(), new RegistryVersion(model, version));
          } catch (FathomException e) {
            AgentLog.debug("skipping " + model + "@" + version + " in the registry index: " + e.getMessage());
          }
        }
      }
    }
    index = fresh;
    indexBuilt = System.nanoTime();
    return index.get(sha256);
  }

  private static Digest digest(Path file) {
    try {
      return new Digest(Hashing.sha256(file), Files.size(file));
    } catch (IOException e) {
      return null;
    }
  }

  private static Digest digest(ByteBuffer buffer) {
    long size = buffer.remaining();
    return new Digest(Hashing.sha256(buffer), size);
  }

  void close() {
    synchronized (executorLock) {
      if (executor != null) {
        executor.shutdownNow();
      }
    }
  }
}
