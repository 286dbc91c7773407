package dev.fathom.bench;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives every benchmark JVM the JIT type profiles of a JVM that has run some ordinary application
 * code before its first prediction, so that all cases are compiled under the same conditions.
 *
 * <p>Why: the JIT compiles a JDK method with the receiver types it has seen at each call site,
 * from every caller in the process. {@code new ArrayList<>(collection)} calls {@code
 * collection.toArray()}; in a fresh JVM that has only ever passed it an {@code Arrays.asList}, the
 * call is inlined and escape analysis removes the {@code Arrays$ArrayList} that ONNX Runtime's
 * {@code OrtSession.Result} constructor creates on every run. Once any other code has passed other
 * collections (model loading with a reference profile does; so does nearly every application),
 * that object is allocated: ONNX Runtime's per-call garbage on its best path is then 392 B instead
 * of 368 B (measured with the tiny model), for raw ONNX Runtime and Fathom alike. Without this,
 * which of the two figures a case gets depends on what its set-up happened to run. Stateless.
 */
public final class JitRealism {
  private static volatile long sink;

  private JitRealism() {}

  /** Copies a few kinds of collections into lists, enough times for the profiles to record them. */
  public static void likeAnApplication() {
    Map<String, Integer> map = new LinkedHashMap<>();
    map.put("a", 1);
    map.put("b", 2);
    List<Collection<?>> kinds = List.of(new HashSet<>(List.of(1, 2)), new ArrayDeque<>(List.of(1, 2)), List.of(1, 2), map.keySet(), map.values());
    long total = 0;
    for (int i = 0; i < 20_000; i++) {
      for (Collection<?> c : kinds) {
        total += new ArrayList<>(c).size();
      }
    }
    sink = total;
  }
}
