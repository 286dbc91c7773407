package dev.fathom.internal.monitor;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A warning logger that writes at most one line per interval and counts what it held back, for
 * failures that could otherwise repeat on every sample. Thread-safe.
 */
final class ThrottledLog {
  private static final long INTERVAL_NANOS = 10_000_000_000L;

  private final Logger logger;
  private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  ThrottledLog(Logger logger) {
    this.logger = logger;
  }

  void warn(String message, Throwable cause) {
    long now = System.nanoTime();
    long at = next.get();
    if ((at == Long.MIN_VALUE || now - at >= 0) && next.compareAndSet(at, now + INTERVAL_NANOS)) {
      long held = suppressed.getAndSet(0);
      logger.log(Level.WARNING, "Fathom: " + message + (held > 0 ? " (" + held + " similar messages suppressed)" : ""), cause);
    } else {
      suppressed.incrementAndGet();
    }
  }
}
