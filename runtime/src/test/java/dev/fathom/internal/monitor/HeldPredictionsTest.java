package dev.fathom.internal.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The outcome store's held predictions: a map while under capacity, first-in first-out beyond, expiring. */
class HeldPredictionsTest {
  private static final long HOUR = 3_600_000_000_000L;

  @Test
  void behavesAsAMapUnderCapacity() {
    HeldPredictions held = new HeldPredictions(1_000_000, HOUR);
    Map<Long, Double> reference = new HashMap<>();
    SplittableRandom random = new SplittableRandom(3);
    long now = 0;
    for (int op = 0; op < 200_000; op++) {
      // ids from a narrow range, so puts replace, removes hit, and probe runs collide and shift
      long id = (1L << 40) + random.nextInt(5000);
      now++;
      if (random.nextInt(3) > 0) {
        double value = random.nextDouble();
        held.put(id, null, new double[] {value, -value}, now);
        reference.put(id, value);
      } else {
        OutcomeStore.Pending p = held.remove(id, now);
        Double expected = reference.remove(id);
        if (expected == null) {
          assertThat(p).as("op %d: id %d was not held", op, id).isNull();
        } else {
          assertThat(p).as("op %d: id %d was held", op, id).isNotNull();
          assertThat(p.outputs()).containsExactly(expected, -expected);
        }
      }
      assertThat(held.size()).isEqualTo(reference.size());
    }
    for (Map.Entry<Long, Double> e : reference.entrySet()) {
      assertThat(held.remove(e.getKey(), now).outputs()[0]).isEqualTo(e.getValue());
    }
    assertThat(held.size()).isZero();
  }

  @Test
  void keepsTheNewestWhenFull() {
    HeldPredictions held = new HeldPredictions(3000, HOUR);
    for (long id = 0; id < 10_000; id++) {
      held.put(id, null, new double[] {id}, id);
    }
    assertThat(held.size()).isEqualTo(3000);
    for (long id = 0; id < 10_000; id++) {
      OutcomeStore.Pending p = held.remove(id, 10_000);
      if (id < 7000) {
        assertThat(p).as("id %d", id).isNull();
      } else {
        assertThat(p.outputs()[0]).isEqualTo(id);
      }
    }
  }

  @Test
  void joinedEntriesMakeRoomOnceTheOlderOnesLeave() {
    HeldPredictions held = new HeldPredictions(4, HOUR);
    for (long id = 1; id <= 4; id++) {
      held.put(id, null, new double[] {id}, id);
    }
    assertThat(held.remove(1, 5)).isNotNull();
    // the oldest slot was joined: holding a fifth evicts nothing
    held.put(5, null, new double[] {5}, 5);
    assertThat(held.size()).isEqualTo(4);
    assertThat(held.remove(2, 6)).isNotNull();
    assertThat(held.remove(5, 6)).isNotNull();
  }

  @Test
  void expiredPredictionsAreGone() {
    HeldPredictions held = new HeldPredictions(100, 1000);
    held.put(1, null, new double[] {1}, 0);
    held.put(2, null, new double[] {2}, 500);
    assertThat(held.remove(1, 1001)).as("held 1001 ns ago").isNull();
    assertThat(held.remove(2, 1001)).isNotNull();
    held.put(3, null, new double[] {3}, 2000);
    held.putIfAbsent(3, null, new double[] {4}, 2100);
    assertThat(held.remove(3, 2200).outputs()).containsExactly(3.0);
    // holding drops what has expired
    held.put(4, null, new double[] {4}, 3000);
    held.put(5, null, new double[] {5}, 5000);
    assertThat(held.size()).isEqualTo(1);
  }

  @Test
  void outputsAreCopiedIn() {
    HeldPredictions held = new HeldPredictions(10, HOUR);
    double[] outputs = {0.25, 0.75};
    held.put(7, null, outputs, 0);
    outputs[0] = 1;
    assertThat(held.remove(7, 1).outputs()).containsExactly(0.25, 0.75);
  }
}
