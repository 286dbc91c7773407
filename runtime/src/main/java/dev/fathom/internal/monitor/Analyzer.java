package dev.fathom.internal.monitor;

import dev.fathom.internal.util.ThrottledLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The one background thread that analyzes sampled rows: it polls every version's hand-off ring,
 * processes what is there and closes drift windows when due, then parks. Request threads never wake
 * it (that would cost them a system call), so it paces itself: it parks for a quarter of the time
 * the hand-off would take to fill at the recent arrival rate (smoothed over passes; empty passes
 * lower it), at least {@value #BUSY_NANOS} ns and at most {@value #IDLE_NANOS} ns, and not at all
 * after a pass that found the hand-off half full. At the default rates that is the longest park, a
 * hundred wake-ups a second; at high sample rates the hand-off no longer fills while the analyzer
 * sleeps (a fixed 10 ms park let a 256-slot hand-off take about 25,000 samples a second and drop the
 * rest). {@link #flush} wakes it, for tests and shutdown. Thread-safe.
 */
final class Analyzer {
  private static final ThrottledLog LOG = new ThrottledLog(java.util.logging.Logger.getLogger(Analyzer.class.getName()), 6);
  /** Longest park, when no samples came for a while. */
  static final long IDLE_NANOS = 10_000_000L;
  /** Shortest park, when samples come fast. */
  static final long BUSY_NANOS = 50_000L;

  private final Supplier<List<VersionMonitor>> versions;
  /** Slots of one version's hand-off: how many samples may arrive while the analyzer parks. */
  private final int handOff;
  private final ConcurrentLinkedQueue<CountDownLatch> flushes = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile boolean running = true;

  Analyzer(Supplier<List<VersionMonitor>> versions, int handOff) {
    this.versions = versions;
    this.handOff = handOff;
    this.thread = new Thread(this::run, "fathom-analyzer");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    List<CountDownLatch> waiting = new ArrayList<>();
    // samples per nanosecond, smoothed over passes: one pass that happens to find one sample must
    // not put the analyzer to sleep for milliseconds while samples pour in
    double rate = 0;
    long lastPass = System.nanoTime();
    while (running) {
      waiting.clear();
      CountDownLatch latch;
      while ((latch = flushes.poll()) != null) {
        waiting.add(latch);
      }
      int processed = 0;
      long now = System.nanoTime();
      for (VersionMonitor v : versions.get()) {
        try {
          processed += v.drain(now);
        } catch (Throwable t) {
          LOG.warn("the analyzer failed on " + v, t);
        }
      }
      for (CountDownLatch l : waiting) {
        l.countDown();
      }
      long elapsed = Math.max(1, now - lastPass);
      lastPass = now;
      rate = 0.75 * rate + 0.25 * processed / elapsed;
      // a hand-off that was half full or more may have more waiting: go again at once
      if (flushes.isEmpty() && processed < handOff / 2) {
        // a quarter of the time the hand-off takes to fill at the recent arrival rate
        double fill = rate > 0 ? handOff / rate : Double.POSITIVE_INFINITY;
        LockSupport.parkNanos(this, (long) Math.max(BUSY_NANOS, Math.min(IDLE_NANOS, fill / 4)));
      }
    }
  }

  /**
   * Waits until the analyzer has processed every sample handed off before this call; false on
   * timeout.
   */
  boolean flush(Duration timeout) {
    if (!running || Thread.currentThread() == thread) {
      return false;
    }
    CountDownLatch latch = new CountDownLatch(1);
    flushes.add(latch);
    LockSupport.unpark(thread);
    try {
      return latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stops the thread after a last pass over the waiting samples, waiting at most {@code timeout}. */
  void stop(Duration timeout) {
    flush(timeout);
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
