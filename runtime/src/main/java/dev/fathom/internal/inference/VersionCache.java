package dev.fathom.internal.inference;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The loaded versions, in a Caffeine cache bounded by model bytes. A version that some reference
 * serves is pinned: it weighs nothing and never expires. An unpinned version (the one a reference
 * just moved away from, kept warm for a quick way back) weighs its file size, expires after the
 * idle time and may be evicted by size. Whatever leaves the cache is retired and closes once its
 * calls in flight finish. Loads of one version are deduplicated. Thread-safe.
 */
final class VersionCache {
  private final Cache<String, Entry> cache;
  private final VersionLoader loader;
  private final EngineListener listener;
  private final long idleNanos;

  /** A cached version and how many references serve it; guarded by the cache's per-key compute. */
  private static final class Entry {
    final LoadedVersion version;
    int pins;

    Entry(LoadedVersion version) {
      this.version = version;
    }
  }

  VersionCache(long maximumBytes, Duration idle, VersionLoader loader, EngineListener listener) {
    this.loader = loader;
    this.listener = listener;
    this.idleNanos = idle.toNanos();
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(maximumBytes)
            .weigher((String key, Entry e) -> e.pins > 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(1, e.version.sizeBytes())))
            .expireAfter(
                new Expiry<String, Entry>() {
                  @Override
                  public long expireAfterCreate(String key, Entry e, long now) {
                    return e.pins > 0 ? Long.MAX_VALUE : idleNanos;
                  }

                  @Override
                  public long expireAfterUpdate(String key, Entry e, long now, long current) {
                    return e.pins > 0 ? Long.MAX_VALUE : idleNanos;
                  }

                  @Override
                  public long expireAfterRead(String key, Entry e, long now, long current) {
                    return e.pins > 0 ? Long.MAX_VALUE : idleNanos;
                  }
                })
            .executor(Runnable::run)
            .removalListener((String key, Entry e, RemovalCause cause) -> retire(e))
            .build();
  }

  /**
   * The version, loaded if needed, pinned for one more reference.
   *
   * @throws dev.fathom.FathomException if it cannot be loaded
   */
  LoadedVersion pin(String model, long version) {
    // Load and pin in one step: an unpinned new entry could expire (idle time zero) or be evicted
    // before a separate pin reached it.
    Entry entry =
        cache.asMap().compute(model + "@" + version, (k, e) -> {
          Entry pinned = e != null ? e : new Entry(load(model, version));
          pinned.pins++;
          return pinned;
        });
    return entry.version;
  }

  /** One reference fewer serves {@code version}; at zero it becomes evictable and idles out. */
  void unpin(LoadedVersion version) {
    cache.asMap().computeIfPresent(version.model() + "@" + version.version(), (k, e) -> {
      if (e.version == version && e.pins > 0) {
        e.pins--;
      }
      // Caffeine's expiry runs on a timer wheel of about a second; zero idle time means now.
      // Removing here, inside the per-key compute, cannot race with a concurrent pin.
      return e.pins == 0 && idleNanos == 0 ? null : e;
    });
  }

  /** Runs pending expiry and eviction. */
  void cleanUp() {
    cache.cleanUp();
  }

  void invalidateAll() {
    cache.invalidateAll();
    cache.cleanUp();
  }

  /** Every loaded version, pinned or not. */
  List<LoadedVersion> loaded() {
    List<LoadedVersion> versions = new ArrayList<>();
    cache.asMap().values().forEach(e -> versions.add(e.version));
    return versions;
  }

  private LoadedVersion load(String model, long version) {
    long start = System.nanoTime();
    try {
      LoadedVersion loaded = loader.load(model, version);
      listener.loaded(loaded);
      return loaded;
    } catch (dev.fathom.FathomException e) {
      listener.loadFailed(model, version, System.nanoTime() - start, e);
      throw e;
    } catch (RuntimeException e) {
      dev.fathom.ModelLoadException wrapped = new dev.fathom.ModelLoadException(model, version, e.toString(), e);
      listener.loadFailed(model, version, System.nanoTime() - start, wrapped);
      throw wrapped;
    }
  }

  private void retire(Entry e) {
    if (e != null) {
      e.version.retire();
      listener.retired(e.version);
    }
  }
}
