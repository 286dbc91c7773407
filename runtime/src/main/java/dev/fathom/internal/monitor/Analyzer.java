package dev.fathom.internal.monitor;

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
 * processes what is there and closes drift windows when due, then parks a few milliseconds when
 * idle. Request threads never wake it (that would cost them a system call); {@link #flush} does, for
 * tests and shutdown. Thread-safe.
 */
final class Analyzer {
  private static final ThrottledLog LOG = new ThrottledLog(java.util.logging.Logger.getLogger(Analyzer.class.getName()));
  static final long IDLE_NANOS = 10_000_000L;

  private final Supplier<List<VersionMonitor>> versions;
  private final ConcurrentLinkedQueue<CountDownLatch> flushes = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile boolean running = true;

  Analyzer(Supplier<List<VersionMonitor>> versions) {
    this.versions = versions;
    this.thread = new Thread(this::run, "fathom-analyzer");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (running) {
      List<CountDownLatch> waiting = new ArrayList<>();
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
          LOG.warn("the analyzer failed on " + v + ": " + t, t);
        }
      }
      for (CountDownLatch l : waiting) {
        l.countDown();
      }
      if (processed == 0 && flushes.isEmpty()) {
        LockSupport.parkNanos(this, IDLE_NANOS);
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
