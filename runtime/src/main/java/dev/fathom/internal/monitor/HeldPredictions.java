package dev.fathom.internal.monitor;

import java.util.Arrays;

/**
 * Sampled predictions held for their ground truth: at most {@code capacity} at a time, each for at
 * most {@code expiry}, the oldest leaving first. A ring of entries in the order they were held, and
 * an index from prediction id to ring slot (open addressing with linear probing). Each ring slot
 * keeps its outputs array, so holding a prediction copies its outputs into an array allocated
 * once: nothing is allocated per sampled row in steady state. (It replaced a Caffeine cache, whose
 * admission policy and bookkeeping cost the analyzer about 300 ns and 130 bytes per sampled row;
 * a first-in first-out bound is all this needs.)
 *
 * <p>An entry joined to its outcome leaves the index at once; its ring slot is reused when the
 * entries held before it have left, so with outcomes joined out of order the ring may hold fewer
 * than {@code capacity} live entries when it evicts the oldest. Storage grows by doubling, from
 * 1024 entries up to {@code capacity}.
 *
 * <p>Thread-safe: every method takes this object's lock (the analyzer holds predictions; request
 * threads join outcomes).
 */
final class HeldPredictions {
  private static final long NO_KEY = Long.MIN_VALUE;
  private static final int INITIAL = 1024;

  private final int capacity;
  private final long expiryNanos;
  // the ring: entry k (0 = oldest) is at slot (head + k) % length; not live = joined or evicted
  private long[] ids = new long[0];
  private boolean[] alive = new boolean[0];
  private long[] heldAt = new long[0];
  private VersionMonitor[] owners = new VersionMonitor[0];
  private double[][] outputs = new double[0][];
  private int head;
  private int used;
  private int live;
  // the index: prediction id -> ring slot; a power-of-two table at most half full
  private long[] keys = new long[0];
  private int[] slots = new int[0];
  private int mask;

  /** @param expiryNanos how long an entry stays joinable, in {@code System.nanoTime()} units */
  HeldPredictions(int capacity, long expiryNanos) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
    this.expiryNanos = expiryNanos;
  }

  /** Holds a prediction (replacing an entry of the same id); {@code values} is copied. */
  synchronized void put(long id, VersionMonitor owner, double[] values, long nowNanos) {
    expire(nowNanos);
    int cell = find(id);
    if (cell >= 0) {
      leave(cell);
    }
    if (used == ids.length) {
      if (ids.length < capacity) {
        grow();
      } else {
        popOldest();
      }
    }
    int slot = head + used;
    if (slot >= ids.length) {
      slot -= ids.length;
    }
    ids[slot] = id;
    alive[slot] = true;
    heldAt[slot] = nowNanos;
    owners[slot] = owner;
    double[] kept = outputs[slot];
    if (kept == null || kept.length != values.length) {
      kept = new double[values.length];
      outputs[slot] = kept;
    }
    System.arraycopy(values, 0, kept, 0, values.length);
    used++;
    live++;
    insert(id, slot);
  }

  /** Holds a prediction unless one of that id is held already. */
  synchronized void putIfAbsent(long id, VersionMonitor owner, double[] values, long nowNanos) {
    int cell = find(id);
    if (cell < 0 || expired(slots[cell], nowNanos)) {
      put(id, owner, values, nowNanos);
    }
  }

  /** Removes and returns a held prediction (its outputs copied), or null when it is not held or has expired. */
  synchronized OutcomeStore.Pending remove(long id, long nowNanos) {
    int cell = find(id);
    if (cell < 0) {
      return null;
    }
    int slot = slots[cell];
    OutcomeStore.Pending pending = expired(slot, nowNanos) ? null : new OutcomeStore.Pending(owners[slot], outputs[slot].clone());
    leave(cell);
    return pending;
  }

  /** Predictions held now (expired ones not yet dropped included). */
  synchronized int size() {
    return live;
  }

  synchronized void clear() {
    ids = new long[0];
    alive = new boolean[0];
    heldAt = new long[0];
    owners = new VersionMonitor[0];
    outputs = new double[0][];
    keys = new long[0];
    slots = new int[0];
    head = 0;
    used = 0;
    live = 0;
    mask = 0;
  }

  private boolean expired(int slot, long nowNanos) {
    return nowNanos - heldAt[slot] > expiryNanos;
  }

  /** Drops the oldest entries while they have expired or already left. */
  private void expire(long nowNanos) {
    while (used > 0 && (!alive[head] || expired(head, nowNanos))) {
      popOldest();
    }
  }

  private void popOldest() {
    if (alive[head]) {
      leave(find(ids[head]));
    }
    head = head + 1 == ids.length ? 0 : head + 1;
    used--;
  }

  /** Takes the entry at index cell out of the index; its ring slot stays used until it is the oldest. */
  private void leave(int cell) {
    alive[slots[cell]] = false;
    owners[slots[cell]] = null;
    live--;
    delete(cell);
  }

  /** Doubles the ring (up to the capacity), compacting it and rebuilding the index. */
  private void grow() {
    int length = (int) Math.min(capacity, Math.max(INITIAL, 2L * ids.length));
    long[] newIds = new long[length];
    boolean[] newAlive = new boolean[length];
    long[] newHeldAt = new long[length];
    VersionMonitor[] newOwners = new VersionMonitor[length];
    double[][] newOutputs = new double[length][];
    int n = 0;
    for (int k = 0; k < used; k++) {
      int slot = (head + k) % ids.length;
      if (alive[slot]) {
        newIds[n] = ids[slot];
        newAlive[n] = true;
        newHeldAt[n] = heldAt[slot];
        newOwners[n] = owners[slot];
        newOutputs[n] = outputs[slot];
        n++;
      }
    }
    ids = newIds;
    alive = newAlive;
    heldAt = newHeldAt;
    owners = newOwners;
    outputs = newOutputs;
    head = 0;
    used = n;
    live = n;
    int table = Integer.highestOneBit(Math.max(2, length * 2 - 1)) << 1;
    keys = new long[table];
    Arrays.fill(keys, NO_KEY);
    slots = new int[table];
    mask = table - 1;
    for (int slot = 0; slot < n; slot++) {
      insert(ids[slot], slot);
    }
  }

  private static int home(long id, int mask) {
    return (int) ((id * 0x9E3779B97F4A7C15L) >>> 32) & mask;
  }

  private int find(long id) {
    if (keys.length == 0) {
      return -1;
    }
    for (int cell = home(id, mask); keys[cell] != NO_KEY; cell = (cell + 1) & mask) {
      if (keys[cell] == id) {
        return cell;
      }
    }
    return -1;
  }

  private void insert(long id, int slot) {
    int cell = home(id, mask);
    while (keys[cell] != NO_KEY) {
      cell = (cell + 1) & mask;
    }
    keys[cell] = id;
    slots[cell] = slot;
  }

  /** Deletes a cell of the linear-probing table, shifting later entries of its probe run back. */
  private void delete(int cell) {
    int gap = cell;
    int next = cell;
    while (true) {
      next = (next + 1) & mask;
      long key = keys[next];
      if (key == NO_KEY) {
        keys[gap] = NO_KEY;
        return;
      }
      int home = home(key, mask);
      // the entry at next may fill the gap unless its home lies cyclically in (gap, next]
      boolean stays = gap <= next ? gap < home && home <= next : gap < home || home <= next;
      if (!stays) {
        keys[gap] = key;
        slots[gap] = slots[next];
        gap = next;
      }
    }
  }
}
