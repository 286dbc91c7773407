package dev.fathom.internal.telemetry;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Exact latency percentiles of one series over a sliding window.
 *
 * <p>Calls record into an HdrHistogram {@link Recorder} (wait-free, no allocation: a fixed range
 * of 1 ns to 1 hour, larger values clamped). The window is a ring of {@code slices} completed
 * slices plus the slice in progress. {@link #collect()} moves what the recorder holds into the
 * slice in progress and answers the percentiles of the whole window; {@link #tick()}, called once
 * per slice length, closes the slice in progress and drops the oldest. Collecting never consumes
 * data, so any number of metric readers can collect at any pace and all see the same window.
 *
 * <p>Threads: {@link #record} from any thread, concurrently; {@link #collect()} and {@link
 * #tick()} from any thread, serialized on this object (they run on collection and ticker threads,
 * never on a prediction).
 */
final class PercentileWindow {
  static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);

  private final Recorder recorder;
  private final double[] percents;
  private final Histogram[] slices;
  private Histogram current;
  private final Histogram merged;
  private Histogram recycle;
  private int oldest;
  private boolean dirty;
  private Snapshot snapshot = Snapshot.EMPTY;
  /** Every value ever recorded and drained: the count of timed successful calls. */
  private long recorded;

  /**
   * @param quantiles ascending, in (0, 1]
   * @param slices completed slices kept in the window
   * @param digits significant decimal digits
   */
  PercentileWindow(List<Double> quantiles, int slices, int digits) {
    this.recorder = new Recorder(1, HIGHEST_NANOS, digits);
    this.percents = new double[quantiles.size()];
    for (int i = 0; i < percents.length; i++) {
      percents[i] = quantiles.get(i) * 100.0;
    }
    this.slices = new Histogram[slices];
    for (int i = 0; i < slices; i++) {
      this.slices[i] = new Histogram(digits);
    }
    this.current = new Histogram(digits);
    this.merged = new Histogram(digits);
  }

  /** Records one latency; wait-free. Negative values count as 0, values over an hour as an hour. */
  void record(long nanos) {
    recorder.recordValue(nanos < 0 ? 0 : Math.min(nanos, HIGHEST_NANOS));
  }

  /** The percentiles of the window up to now. */
  synchronized Snapshot collect() {
    drain();
    if (dirty) {
      dirty = false;
      snapshot = compute();
    }
    return snapshot;
  }

  /** Values recorded since this window was created, up to the last {@link #collect()} or {@link #tick()}. */
  synchronized long recorded() {
    return recorded;
  }

  /**
   * Closes the slice in progress and drops the oldest one.
   *
   * @return whether the window is now empty (nothing recorded for a whole window)
   */
  synchronized boolean tick() {
    drain();
    Histogram expired = slices[oldest];
    if (expired.getTotalCount() > 0) {
      merged.subtract(expired);
      dirty = true;
    }
    expired.reset();
    slices[oldest] = current;
    current = expired;
    oldest = (oldest + 1) % slices.length;
    return merged.getTotalCount() == 0;
  }

  /** Moves what the recorder holds into the slice in progress. */
  private void drain() {
    Histogram interval = recorder.getIntervalHistogram(recycle);
    recycle = interval;
    if (interval.getTotalCount() > 0) {
      recorded += interval.getTotalCount();
      current.add(interval);
      merged.add(interval);
      dirty = true;
    }
  }

  private Snapshot compute() {
    long count = merged.getTotalCount();
    if (count == 0) {
      return Snapshot.EMPTY;
    }
    double[] seconds = new double[percents.length];
    for (int i = 0; i < percents.length; i++) {
      seconds[i] = merged.getValueAtPercentile(percents[i]) / 1e9;
    }
    return new Snapshot(count, seconds);
  }

  /**
   * Percentiles of one window. Each value is the upper end of the recorded latency's precision
   * range, so it is never below the true percentile and at most one precision step above.
   *
   * @param count calls in the window
   * @param seconds one value per configured quantile, in seconds
   */
  record Snapshot(long count, double[] seconds) {
    static final Snapshot EMPTY = new Snapshot(0, new double[0]);
  }
}
