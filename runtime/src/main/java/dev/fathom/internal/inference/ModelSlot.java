package dev.fathom.internal.inference;

import dev.fathom.FathomException;
import dev.fathom.registry.ModelReference;

/**
 * What one model reference serves right now. The current version is swapped atomically; a caller
 * takes the version with {@link #acquire()} and keeps it for the whole call, so a call that started
 * on the old version finishes on it. Thread-safe.
 */
public final class ModelSlot {
  private final ModelReference reference;
  private volatile LoadedVersion current;
  private volatile Failure lastFailure;
  private volatile boolean closed;

  ModelSlot(ModelReference reference, LoadedVersion initial) {
    this.reference = reference;
    this.current = initial;
  }

  public ModelReference reference() {
    return reference;
  }

  /** The version serving now (may be retired a moment later; use {@link #acquire()} for calls). */
  public LoadedVersion current() {
    return current;
  }

  /**
   * The current version, acquired for one call; release it with {@link LoadedVersion#release()}.
   *
   * @throws FathomException if the engine is closed
   */
  public LoadedVersion acquire() {
    while (true) {
      LoadedVersion v = current;
      if (v.tryAcquire()) {
        return v;
      }
      if (closed || v == current) {
        // Retired without a successor: only happens once the engine is closing.
        throw new FathomException("Fathom is closed; " + reference + " no longer serves");
      }
    }
  }

  LoadedVersion swap(LoadedVersion next) {
    LoadedVersion previous = current;
    current = next;
    lastFailure = null;
    return previous;
  }

  void close() {
    closed = true;
  }

  /** The last failed attempt to move to a newer version, or null if the last attempt succeeded. */
  public Failure lastFailure() {
    return lastFailure;
  }

  void failed(Failure failure) {
    lastFailure = failure;
  }

  /**
   * A version that failed to load and why.
   *
   * @param stamp a fingerprint of the version's files, so the load is retried only after they change
   */
  public record Failure(long version, FathomException error, String stamp) {}
}
