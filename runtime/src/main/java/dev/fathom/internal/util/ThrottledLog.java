package dev.fathom.internal.util;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A logger for failures on paths that run on every call or every sample: at most a few lines a
 * minute, so a broken exporter, instrument or model cannot flood the host's log; the stack trace
 * goes to {@code FINE}. Thread-safe, lock-free.
 */
public final class ThrottledLog {
  private static final long MINUTE_NANOS = 60_000_000_000L;

  private final Logger logger;
  private final int perMinute;
  private final AtomicLong windowStart = new AtomicLong(System.nanoTime());
  private final AtomicInteger inWindow = new AtomicInteger();
  private final AtomicLong suppressed = new AtomicLong();

  public ThrottledLog(Logger logger, int perMinute) {
    this.logger = logger;
    this.perMinute = perMinute;
  }

  /** Logs a warning unless this minute's quota is used up; never throws. {@code error} may be null. */
  public void warn(String message, Throwable error) {
    try {
      long now = System.nanoTime();
      long start = windowStart.get();
      if (now - start > MINUTE_NANOS && windowStart.compareAndSet(start, now)) {
        inWindow.set(0);
      }
      if (inWindow.incrementAndGet() > perMinute) {
        suppressed.incrementAndGet();
        return;
      }
      long skipped = suppressed.getAndSet(0);
      String text = skipped > 0 ? message + " (" + skipped + " similar messages suppressed)" : message;
      logger.log(Level.WARNING, "Fathom: " + text + (error == null ? "" : ": " + error));
      if (error != null) {
        logger.log(Level.FINE, "Fathom: " + message, error);
      }
    } catch (RuntimeException ignored) {
      // logging must not fail the caller either
    }
  }
}
