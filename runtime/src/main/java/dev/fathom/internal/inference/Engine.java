package dev.fathom.internal.inference;

import dev.fathom.FathomException;
import dev.fathom.registry.LocalRegistry;
import dev.fathom.registry.ModelReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The serving core behind {@link dev.fathom.Fathom}: slots per reference, the version cache, and
 * the registry watcher that moves slots to new versions. A new version is verified, loaded and
 * warmed on the watcher thread, then swapped in; a version that fails never replaces the serving
 * one, and is retried only after its files change. Thread-safe.
 */
public final class Engine implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Engine.class.getName());

  private final LocalRegistry registry;
  private final VersionCache versions;
  private final EngineListener listener;
  private final Map<String, ModelReference> policies;
  private final ConcurrentHashMap<ModelReference, ModelSlot> slots = new ConcurrentHashMap<>();
  private final Map<String, String> fingerprints = new HashMap<>();
  private final ScheduledExecutorService watcher;
  private final Object refreshLock = new Object();
  private volatile boolean closed;

  /**
   * @param policies model name to the reference its policy resolves to (for example {@code
   *     fraud -> fraud@production}); models without one serve their latest version
   * @param watchInterval how often to look for registry changes; zero disables watching
   */
  public Engine(
      LocalRegistry registry,
      VersionLoader loader,
      EngineListener listener,
      Map<String, ModelReference> policies,
      long maximumBytes,
      Duration idleExpiry,
      Duration watchInterval) {
    this.registry = registry;
    this.listener = listener;
    this.policies = Map.copyOf(policies);
    this.versions = new VersionCache(maximumBytes, idleExpiry, loader, listener);
    if (watchInterval.isZero()) {
      this.watcher = null;
    } else {
      this.watcher =
          Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fathom-registry-watcher");
            t.setDaemon(true);
            return t;
          });
      long millis = Math.max(10, watchInterval.toMillis());
      watcher.scheduleWithFixedDelay(this::refreshQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }
  }

  public LocalRegistry registry() {
    return registry;
  }

  /**
   * The slot serving {@code reference}, loading its version now if this is the first request.
   *
   * @throws FathomException if the reference cannot be resolved or its version cannot be loaded
   */
  public ModelSlot slot(ModelReference reference) {
    checkOpen();
    ModelReference effective = effective(reference);
    ModelSlot slot = slots.get(effective);
    if (slot != null) {
      return slot;
    }
    synchronized (refreshLock) {
      checkOpen();
      slot = slots.get(effective);
      if (slot == null) {
        long version = registry.resolve(effective);
        LoadedVersion loaded = versions.pin(effective.model(), version);
        slot = new ModelSlot(effective, loaded);
        slots.put(effective, slot);
        fingerprints.putIfAbsent(effective.model(), registry.fingerprint(effective.model()));
        listener.swapped(effective.toString(), null, loaded);
      }
      return slot;
    }
  }

  /** The reference a request resolves through: a plain model name follows its configured policy. */
  public ModelReference effective(ModelReference reference) {
    if (reference.kind() == ModelReference.Kind.POLICY) {
      ModelReference policy = policies.get(reference.model());
      return policy != null ? policy : reference;
    }
    return reference;
  }

  /** Every slot, for status views. */
  public List<ModelSlot> slots() {
    return new ArrayList<>(slots.values());
  }

  /** Every loaded version. */
  public List<LoadedVersion> loadedVersions() {
    return versions.loaded();
  }

  /**
   * Looks at the registry now and moves every slot whose reference resolves to a different version,
   * synchronously. The watcher calls this periodically.
   */
  public void refresh() {
    synchronized (refreshLock) {
      if (closed) {
        return;
      }
      Map<String, List<ModelSlot>> byModel = new HashMap<>();
      for (ModelSlot slot : slots.values()) {
        byModel.computeIfAbsent(slot.reference().model(), m -> new ArrayList<>()).add(slot);
      }
      for (Map.Entry<String, List<ModelSlot>> entry : byModel.entrySet()) {
        String model = entry.getKey();
        String fingerprint = registry.fingerprint(model);
        boolean changed = !fingerprint.equals(fingerprints.put(model, fingerprint));
        for (ModelSlot slot : entry.getValue()) {
          if (changed || failedFilesChanged(slot)) {
            refresh(slot);
          }
        }
      }
      versions.cleanUp();
    }
  }

  private void refresh(ModelSlot slot) {
    ModelReference reference = slot.reference();
    long target;
    try {
      target = registry.resolve(reference);
    } catch (FathomException e) {
      // The reference no longer resolves (version or alias removed): keep serving what we have.
      LOG.log(Level.FINE, "cannot resolve " + reference + ", keeping " + slot.current(), e);
      return;
    }
    LoadedVersion current = slot.current();
    if (target == current.version()) {
      return;
    }
    ModelSlot.Failure failure = slot.lastFailure();
    String stamp = stamp(reference.model(), target);
    if (failure != null && failure.version() == target && failure.stamp().equals(stamp)) {
      return;
    }
    try {
      LoadedVersion next = versions.pin(reference.model(), target);
      LoadedVersion previous = slot.swap(next);
      versions.unpin(previous);
      listener.swapped(reference.toString(), previous, next);
    } catch (FathomException e) {
      slot.failed(new ModelSlot.Failure(target, e, stamp));
      LOG.warning("Fathom: " + reference + " keeps serving version " + current.version() + "; version " + target + " failed: " + e.getMessage());
    }
  }

  private boolean failedFilesChanged(ModelSlot slot) {
    ModelSlot.Failure failure = slot.lastFailure();
    return failure != null && !failure.stamp().equals(stamp(slot.reference().model(), failure.version()));
  }

  /** Size and modification time of a version's files, to notice a version rewritten in place. */
  private String stamp(String model, long version) {
    StringBuilder sb = new StringBuilder();
    Path dir = registry.versionDirectory(model, version);
    for (String file : new String[] {LocalRegistry.MANIFEST_FILE, LocalRegistry.MODEL_FILE}) {
      try {
        BasicFileAttributes attrs = Files.readAttributes(dir.resolve(file), BasicFileAttributes.class);
        sb.append(attrs.size()).append('/').append(attrs.lastModifiedTime().toMillis()).append('/').append(attrs.fileKey()).append(';');
      } catch (IOException e) {
        sb.append("missing;");
      }
    }
    return sb.toString();
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException | Error e) {
      LOG.log(Level.WARNING, "Fathom: registry watch failed: " + e, e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new FathomException("Fathom is closed");
    }
  }

  /** Stops watching and retires every version; sessions close as their calls in flight finish. */
  @Override
  public void close() {
    synchronized (refreshLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    if (watcher != null) {
      watcher.shutdownNow();
      try {
        watcher.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (ModelSlot slot : slots.values()) {
      slot.close();
    }
    versions.invalidateAll();
  }
}
