package dev.fathom.internal.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fathom.internal.inference.InferenceObserver;
import dev.fathom.monitor.MonitoringOptions;
import dev.fathom.monitor.ValidationMode;
import io.opentelemetry.api.OpenTelemetry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The request-thread side of sampling: the draw, the cap, the lock-free hand-off, and no allocation. */
class SamplingTest {

  @Test
  void drawsAtTheConfiguredRate() {
    Sampler never = new Sampler(0, 1000);
    Sampler always = new Sampler(1, 1000);
    Sampler onePercent = new Sampler(0.01, 1000);
    int hits = 0;
    for (int i = 0; i < 1_000_000; i++) {
      assertThat(never.draw()).isFalse();
      assertThat(always.draw()).isTrue();
      hits += onePercent.draw() ? 1 : 0;
    }
    // binomial(1e6, 0.01): sd ~ 100, so this band is 10 sd wide on each side
    assertThat(hits).isBetween(9_000, 11_000);
  }

  @Test
  void capsSamplesPerSecondAndCountsTheRest() {
    Sampler sampler = new Sampler(1, 10);
    int admitted = 0;
    // the cap counts per bucket of 2^30 ns; at most 10 in each bucket the loop touched
    long firstBucket = System.nanoTime() >> 30;
    for (int i = 0; i < 100_000; i++) {
      admitted += sampler.admit() ? 1 : 0;
    }
    long buckets = (System.nanoTime() >> 30) - firstBucket + 1;
    assertThat(admitted).isGreaterThanOrEqualTo(10).isLessThanOrEqualTo((int) (10 * buckets));
    assertThat(admitted + sampler.rateLimited.sum()).isEqualTo(100_000);
    assertThat(sampler.rateLimited.sum()).isPositive();
  }

  @Test
  void ringHandsOffInOrderAndDropsWhenFull() {
    SampleRing ring = new SampleRing(16, 2, 0, 1);
    assertThat(ring.capacity()).isEqualTo(16);
    int[] slots = new int[16];
    for (int i = 0; i < 16; i++) {
      slots[i] = ring.claim();
      assertThat(slots[i]).isNotNegative();
      ring.sample(slots[i]).predictionId = i;
    }
    assertThat(ring.claim()).isEqualTo(-1);
    assertThat(ring.poll()).as("nothing is ready before publish").isEqualTo(-1);
    for (int slot : slots) {
      ring.publish(slot);
    }
    for (int i = 0; i < 16; i++) {
      int slot = ring.poll();
      assertThat(ring.sample(slot).predictionId).isEqualTo(i);
      ring.release(slot);
    }
    assertThat(ring.poll()).isEqualTo(-1);
    assertThat(ring.claim()).isNotNegative();
  }

  @Test
  void concurrentProducersNeverTearASample() throws InterruptedException {
    SampleRing ring = new SampleRing(64, 8, 0, 0);
    int producers = 4;
    int attempts = 200_000;
    AtomicLong dropped = new AtomicLong();
    AtomicLong torn = new AtomicLong();
    AtomicLong consumed = new AtomicLong();
    Thread[] threads = new Thread[producers];
    for (int p = 0; p < producers; p++) {
      long base = (long) p << 40;
      threads[p] = new Thread(() -> {
        for (int i = 0; i < attempts; i++) {
          int slot = ring.claim();
          if (slot < 0) {
            dropped.incrementAndGet();
            continue;
          }
          Sample s = ring.sample(slot);
          s.predictionId = base + i;
          java.util.Arrays.fill(s.columns, base + i);
          ring.publish(slot);
        }
      });
    }
    Thread consumer = new Thread(() -> {
      while (consumed.get() + dropped.get() < (long) producers * attempts) {
        int slot = ring.poll();
        if (slot < 0) {
          Thread.onSpinWait();
          continue;
        }
        Sample s = ring.sample(slot);
        for (double v : s.columns) {
          if (v != s.predictionId) {
            torn.incrementAndGet();
          }
        }
        ring.release(slot);
        consumed.incrementAndGet();
      }
    });
    consumer.start();
    for (Thread t : threads) {
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    consumer.join(30_000);
    assertThat(consumer.isAlive()).isFalse();
    assertThat(torn.get()).isZero();
    assertThat(consumed.get() + dropped.get()).isEqualTo((long) producers * attempts);
    assertThat(consumed.get()).isPositive();
  }

  @Test
  void unsampledSampledAndEnforcedCallsAllocateNothing() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs per-thread allocation counters");
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
    threads.setThreadAllocatedMemoryEnabled(true);
    FakeCall call = new FakeCall(20);
    for (double rate : new double[] {0.0, 1.0}) {
      for (ValidationMode mode : new ValidationMode[] {ValidationMode.OBSERVE, ValidationMode.ENFORCE}) {
        MonitoringOptions options = MonitoringOptions.builder().samplingRate(rate).maxSamplesPerSecond(1_000_000).validation(mode).build();
        try (Monitoring monitoring = Monitoring.create(options, OpenTelemetry.noop())) {
          InferenceObserver observer = monitoring.observer(call.info());
          assertThat(observer).isInstanceOf(VersionMonitor.class);
          for (int i = 0; i < 200_000; i++) {
            observer.check(call);
            observer.succeeded(observer.start(), call);
          }
          long thread = Thread.currentThread().getId();
          int calls = 200_000;
          long allocated = Long.MAX_VALUE;
          // best of a few rounds: on a busy machine the JIT may not have compiled the path yet
          for (int round = 0; round < 10 && allocated >= 16 * 1024; round++) {
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < calls; i++) {
              observer.check(call);
              observer.succeeded(observer.start(), call);
            }
            allocated = threads.getThreadAllocatedBytes(thread) - before;
          }
          assertThat(allocated).as("bytes allocated by %d calls at rate %s in %s mode", calls, rate, mode).isLessThan(16 * 1024);
          assertThat(monitoring.flush(Duration.ofSeconds(10))).isTrue();
        }
      }
    }
  }
}
