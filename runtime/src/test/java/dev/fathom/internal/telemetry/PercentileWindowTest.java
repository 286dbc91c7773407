package dev.fathom.internal.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class PercentileWindowTest {
  @Test
  void concurrentWritersAndCollectorsLoseNothing() throws Exception {
    PercentileWindow window = new PercentileWindow(List.of(0.5, 1.0), 4, 2);
    int writers = 3;
    int perWriter = 100_000;
    ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean writing = new AtomicBoolean(true);
    try {
      List<Future<?>> writes = new java.util.ArrayList<>();
      for (int w = 0; w < writers; w++) {
        writes.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perWriter; i++) {
            window.record(1_000 + (i % 1000));
          }
          return null;
        }));
      }
      // Two collectors, like a Prometheus scrape and an OTLP reader, collecting all the while.
      List<Future<?>> collects = new java.util.ArrayList<>();
      for (int c = 0; c < 2; c++) {
        collects.add(pool.submit(() -> {
          start.await();
          long last = 0;
          while (writing.get()) {
            long count = window.collect().count();
            assertThat(count).isGreaterThanOrEqualTo(last); // collecting never takes calls away
            last = count;
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : writes) {
        f.get(60, TimeUnit.SECONDS);
      }
      writing.set(false);
      for (Future<?> f : collects) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    PercentileWindow.Snapshot snapshot = window.collect();
    assertThat(snapshot.count()).isEqualTo((long) writers * perWriter);
    assertThat(snapshot.seconds()[1]).isBetween(1999e-9, 2020e-9);
  }

  @Test
  void valuesOutOfRangeAreClampedNotLost() {
    PercentileWindow window = new PercentileWindow(List.of(0.5, 1.0), 1, 2);
    window.record(-5);
    window.record(Long.MAX_VALUE);
    PercentileWindow.Snapshot snapshot = window.collect();
    assertThat(snapshot.count()).isEqualTo(2);
    assertThat(snapshot.seconds()[0]).isEqualTo(0.0);
    assertThat(snapshot.seconds()[1]).isBetween(3600.0, 3600.0 * 1.01);
  }

  @Test
  void tickReportsWhenTheWindowHasEmptied() {
    PercentileWindow window = new PercentileWindow(List.of(0.5), 2, 2);
    assertThat(window.tick()).isTrue();
    window.record(10);
    assertThat(window.tick()).isFalse();
    assertThat(window.tick()).isFalse();
    assertThat(window.collect().count()).isEqualTo(1);
    assertThat(window.tick()).isTrue();
    assertThat(window.collect().count()).isZero();
  }
}
