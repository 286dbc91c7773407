package dev.fathom.internal.monitor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The bounded, lock-free hand-off of sampled rows from request threads to the analyzer: a fixed ring
 * of pooled {@link Sample}s, each slot FREE, WRITING or READY. A producer claims a FREE slot with one
 * compare-and-set (trying a few slots from a shared cursor), fills it and publishes it READY; the
 * single consumer takes READY slots in ring order and frees them. When no slot is free within a few
 * tries the sample is dropped, never waited for. Multi-producer, single-consumer; thread-safe as
 * such.
 */
final class SampleRing {
  static final int FREE = 0;
  static final int WRITING = 1;
  static final int READY = 2;
  private static final int TRIES = 4;

  private final Sample[] samples;
  private final AtomicIntegerArray states;
  private final AtomicInteger cursor = new AtomicInteger();
  private final int mask;
  private int consumer;

  SampleRing(int capacity, int columns, int otherInputs, int outputs) {
    int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
    this.samples = new Sample[size];
    for (int i = 0; i < size; i++) {
      samples[i] = new Sample(columns, otherInputs, outputs);
    }
    this.states = new AtomicIntegerArray(size);
    this.mask = size - 1;
  }

  int capacity() {
    return samples.length;
  }

  /** A free slot's index, now WRITING and owned by the caller, or -1 when the ring is full. */
  int claim() {
    int start = cursor.getAndIncrement();
    for (int i = 0; i < TRIES; i++) {
      int slot = (start + i) & mask;
      if (states.get(slot) == FREE && states.compareAndSet(slot, FREE, WRITING)) {
        return slot;
      }
    }
    return -1;
  }

  Sample sample(int slot) {
    return samples[slot];
  }

  /** Hands a filled slot to the consumer. */
  void publish(int slot) {
    states.setRelease(slot, READY);
  }

  /** Gives a claimed slot back unfilled (the copy failed). */
  void abandon(int slot) {
    states.setRelease(slot, FREE);
  }

  /**
   * Consumer side: the next READY slot at or after the consumer's position within one turn of the
   * ring, or -1. The caller {@link #release}s it when done.
   */
  int poll() {
    for (int i = 0; i < samples.length; i++) {
      int slot = (consumer + i) & mask;
      if (states.getAcquire(slot) == READY) {
        consumer = (slot + 1) & mask;
        return slot;
      }
    }
    return -1;
  }

  void release(int slot) {
    states.setRelease(slot, FREE);
  }
}
