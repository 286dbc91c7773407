package dev.fathom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fathom.internal.inference.LoadedVersion;
import dev.fathom.internal.inference.ModelSlot;
import dev.fathom.registry.ModelReference;
import dev.fathom.registry.PublishRequest;
import dev.fathom.testing.TestData;
import dev.fathom.testing.TestRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versions are published, and a corrupt one dropped in, while threads predict on every call path;
 * not one call fails, every answer matches the version that reports it, and retired sessions close.
 */
class HotReloadTest {
  static final float[] ROW = new float[16];

  @TempDir Path dir;
  TestRegistry registry;
  Fathom fathom;
  double base;
  double shifted;

  static {
    for (int i = 0; i < ROW.length; i++) {
      ROW[i] = (i % 5) * 0.25f - 0.5f;
    }
  }

  @BeforeEach
  void setUp() {
    registry = new TestRegistry(dir.resolve("models"));
    publish("mlp16_shifted.onnx", "reference");
    publish("mlp16.onnx", "reference");
    fathom = Fathom.builder().registry(registry.root()).watchInterval(Duration.ofMillis(20)).idleExpiry(Duration.ZERO).build();
    shifted = fathom.model("reference@1").predict(ROW).value();
    base = fathom.model("reference@2").predict(ROW).value();
    assertThat(Math.abs(base - shifted)).isGreaterThan(0.01);
  }

  @AfterEach
  void tearDown() {
    fathom.close();
  }

  @Test
  void swapsUnderLoadWithoutASingleFailedCall() throws Exception {
    publish("mlp16.onnx", "live"); // v1: base
    Model live = fathom.model("live");
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    List<AtomicLong> counts = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      AtomicLong count = new AtomicLong();
      counts.add(count);
      int kind = t;
      Thread thread = new Thread(() -> {
        try (Predictor predictor = live.predictor()) {
          while (!stop.get()) {
            long version;
            double value;
            if (kind < 2) {
              predictor.predict(ROW);
              version = predictor.lastVersion();
              value = predictor.output(0);
            } else if (kind == 2) {
              Prediction p = live.predict(ROW);
              version = p.version();
              value = p.value();
            } else {
              Prediction p = live.predict(features(ROW));
              version = p.version();
              value = p.value();
            }
            double expected = version == 2 ? shifted : base;
            if (Math.abs(value - expected) > 1e-6) {
              problems.add("version " + version + " answered " + value + ", expected " + expected);
            }
            count.incrementAndGet();
          }
        } catch (Throwable e) {
          problems.add(e.toString());
        }
      }, "predictor-" + t);
      threads.add(thread);
      thread.start();
    }
    try {
      awaitCalls(counts, 200);
      publish("mlp16_shifted.onnx", "live"); // v2: shifted
      await(() -> live.version() == 2);
      awaitCalls(counts, 200);

      registry.dropCorruptVersion("live", 2, 3); // v3: checksum mismatch
      ModelSlot slot = fathom.engine().slot(ModelReference.parse("live"));
      await(() -> slot.lastFailure() != null);
      assertThat(slot.lastFailure().version()).isEqualTo(3);
      assertThat(slot.lastFailure().error()).isInstanceOf(ChecksumMismatchException.class);
      awaitCalls(counts, 200);
      assertThat(live.version()).isEqualTo(2);

      publish("mlp16.onnx", "live"); // v4: base again
      await(() -> live.version() == 4);
      awaitCalls(counts, 200);
    } finally {
      stop.set(true);
      for (Thread thread : threads) {
        thread.join();
      }
    }
    assertThat(problems).isEmpty();
    for (LoadedVersion v : fathom.engine().loadedVersions()) {
      assertThat(v.model() + "@" + v.version()).isIn("reference@1", "reference@2", "live@4");
    }
  }

  @Test
  void callsInFlightFinishOnTheVersionTheyStartedOn() {
    publish("mlp16.onnx", "m");
    Model m = fathom.model("m");
    ModelSlot slot = fathom.engine().slot(ModelReference.parse("m"));
    LoadedVersion inFlight = slot.acquire(); // a call that started on version 1
    publish("mlp16_shifted.onnx", "m");
    fathom.refresh();
    assertThat(m.version()).isEqualTo(2);
    assertThat(m.predict(ROW).value()).isCloseTo(shifted, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(inFlight.isRetired()).isTrue();
    assertThat(inFlight.isClosed()).as("closed while a call was still running on it").isFalse();
    inFlight.release();
    assertThat(inFlight.isClosed()).isTrue();
  }

  @Test
  void aliasAndPolicyReferencesFollowTheirTargets() {
    publish("mlp16.onnx", "fraud");
    publish("mlp16_shifted.onnx", "fraud");
    registry.registry().setAlias("fraud", "production", 1);
    try (Fathom pinned = Fathom.builder().registry(registry.root()).watchInterval(Duration.ZERO).policy("fraud", "production").build()) {
      Model byPolicy = pinned.model("fraud");
      Model latest = pinned.model("fraud@latest");
      Model two = pinned.model("fraud@2");
      assertThat(byPolicy.version()).isEqualTo(1);
      assertThat(byPolicy.reference()).isEqualTo("fraud@production");
      assertThat(latest.version()).isEqualTo(2);
      assertThat(two.version()).isEqualTo(2);
      registry.registry().setAlias("fraud", "production", 2);
      pinned.refresh();
      assertThat(byPolicy.version()).isEqualTo(2);
      assertThat(byPolicy.predict(ROW).value()).isCloseTo(shifted, org.assertj.core.api.Assertions.within(1e-6));
      publish("mlp16.onnx", "fraud");
      pinned.refresh();
      assertThat(latest.version()).isEqualTo(3);
      assertThat(two.version()).isEqualTo(2);
      assertThat(byPolicy.version()).isEqualTo(2);
    }
  }

  @Test
  void aFailedVersionIsRetriedOnlyAfterItsFilesChange() throws Exception {
    publish("mlp16.onnx", "m");
    Model m = fathom.model("m");
    Path corrupt = registry.dropCorruptVersion("m", 1, 2);
    ModelSlot slot = fathom.engine().slot(ModelReference.parse("m"));
    fathom.refresh();
    ModelSlot.Failure first = slot.lastFailure();
    assertThat(first).isNotNull();
    fathom.refresh();
    assertThat(slot.lastFailure()).isSameAs(first);
    // Repair the version in place: the model bytes now match the manifest again.
    java.nio.file.Files.copy(TestData.model("mlp16.onnx"), corrupt.resolve("model.onnx"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    await(() -> m.version() == 2);
    assertThat(slot.lastFailure()).isNull();
  }

  static Features features(float[] row) {
    Features.Builder b = Features.builder();
    for (int i = 0; i < row.length; i++) {
      b.put("f" + i, row[i]);
    }
    return b.build();
  }

  void publish(String file, String name) {
    registry.publish(PublishRequest.builder(name, TestData.model(file)).features(TestRegistry.numericFeatures("f", 16)).build());
  }

  static void awaitCalls(List<AtomicLong> counts, long more) throws InterruptedException {
    long[] start = counts.stream().mapToLong(AtomicLong::get).toArray();
    await(() -> {
      for (int i = 0; i < start.length; i++) {
        if (counts.get(i).get() < start[i] + more) {
          return false;
        }
      }
      return true;
    });
  }

  /** Waits for a condition the background watcher brings about; the bound only stops a hang. */
  static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

}
