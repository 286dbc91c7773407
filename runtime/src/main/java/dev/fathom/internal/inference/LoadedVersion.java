package dev.fathom.internal.inference;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.fathom.registry.Manifest;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One model version loaded into ONNX Runtime and ready to serve: its session, signature, observer
 * and fast-path bindings.
 *
 * <p>Lifecycle: callers {@link #tryAcquire()} before a call and {@link #release()} after it. {@link
 * #retire()} stops new calls; the session and every native buffer close when the last call in
 * flight releases, so a call never runs on a closed session. Thread-safe.
 */
public final class LoadedVersion {
  private static final Logger LOG = Logger.getLogger(LoadedVersion.class.getName());
  private static final int POOL_SIZE = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

  private final Manifest manifest;
  private final Path directory;
  private final OrtSession session;
  private final ModelSignature signature;
  private volatile boolean bindable;
  private volatile long loadNanos;
  private final SessionFactory.Source source;
  private volatile InferenceObserver observer = InferenceObserver.NOOP;
  private final InFlight inFlight = new InFlight();
  private volatile boolean retired;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicReferenceArray<Binding> pool = new AtomicReferenceArray<>(POOL_SIZE);
  private final Set<Binding> bindings = ConcurrentHashMap.newKeySet();

  LoadedVersion(Manifest manifest, Path directory, OrtSession session, ModelSignature signature, SessionFactory.Source source) {
    this.manifest = manifest;
    this.directory = directory;
    this.session = session;
    this.signature = signature;
    this.bindable = Binding.supports(signature);
    this.source = source;
  }

  public String model() {
    return manifest.name();
  }

  public long version() {
    return manifest.version();
  }

  public Manifest manifest() {
    return manifest;
  }

  public Path directory() {
    return directory;
  }

  public ModelSignature signature() {
    return signature;
  }

  OrtSession session() {
    return session;
  }

  /** Bytes of model files, the version's weight in the cache. */
  public long sizeBytes() {
    long size = manifest.model().size();
    for (var digest : manifest.externalData()) {
      size += digest.size();
    }
    return size;
  }

  /** Nanoseconds spent verifying, loading and warming up the version. */
  public long loadNanos() {
    return loadNanos;
  }

  void loadNanos(long nanos) {
    this.loadNanos = nanos;
  }

  /** Whether the session came from the optimized-model cache. */
  public boolean fromOptimizedCache() {
    return source == SessionFactory.Source.OPTIMIZED_CACHE;
  }

  /** Whether single-row calls take the pinned-buffer fast path. */
  public boolean bindable() {
    return bindable;
  }

  /** Turns the fast path off, for a model whose outputs do not match their declared shapes. */
  void disableFastPath() {
    bindable = false;
  }

  public InferenceObserver observer() {
    return observer;
  }

  void observer(InferenceObserver observer) {
    this.observer = observer;
  }

  /** Starts a call; false if the version is retired (the caller retries on the current one). */
  public boolean tryAcquire() {
    inFlight.acquire();
    if (retired) {
      release();
      return false;
    }
    return true;
  }

  /** Ends a call started by a successful {@link #tryAcquire()}. */
  public void release() {
    inFlight.release();
    if (retired) {
      closeIfDrained();
    }
  }

  /** Takes no new calls; closes once the calls in flight finish. Idempotent. */
  public void retire() {
    retired = true;
    closeIfDrained();
  }

  public boolean isRetired() {
    return retired;
  }

  public boolean isClosed() {
    return closed.get();
  }

  /** Calls in flight right now (approximate while calls start and end). */
  public long inFlight() {
    return inFlight.inFlight();
  }

  /** A binding from the shared pool, or a new one; return it with {@link #giveBack}. */
  Binding borrow() throws OrtException {
    for (int i = 0; i < POOL_SIZE; i++) {
      if (pool.get(i) != null) {
        Binding b = pool.getAndSet(i, null);
        if (b != null) {
          return b;
        }
      }
    }
    return newBinding();
  }

  void giveBack(Binding binding) {
    for (int i = 0; i < POOL_SIZE; i++) {
      if (pool.get(i) == null && pool.compareAndSet(i, null, binding)) {
        return;
      }
    }
    discard(binding);
  }

  /** A binding owned by one caller (a predictor) until {@link #discard}ed. */
  Binding newBinding() throws OrtException {
    Binding binding = new Binding(this);
    bindings.add(binding);
    if (closed.get() && bindings.remove(binding)) {
      binding.close();
    }
    return binding;
  }

  void discard(Binding binding) {
    if (bindings.remove(binding)) {
      binding.close();
    }
  }

  private void closeIfDrained() {
    if (inFlight.drained() && closed.compareAndSet(false, true)) {
      for (Binding b : bindings) {
        discard(b);
      }
      try {
        observer.close();
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "observer close failed", e);
      }
      try {
        session.close();
      } catch (OrtException | RuntimeException e) {
        LOG.log(Level.WARNING, "Fathom: closing session of " + model() + "@" + version() + " failed: " + e.getMessage());
      }
    }
  }

  @Override
  public String toString() {
    return model() + "@" + version();
  }
}
