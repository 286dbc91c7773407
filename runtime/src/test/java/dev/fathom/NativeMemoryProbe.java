package dev.fathom;

import dev.fathom.internal.inference.LoadedVersion;
import dev.fathom.registry.LocalRegistry;
import dev.fathom.registry.ModelReference;
import dev.fathom.registry.PublishRequest;
import dev.fathom.registry.Publisher;
import dev.fathom.testing.TestData;
import dev.fathom.testing.TestRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs in its own JVM (fixed heap, so the JVM's own native bookkeeping stays constant) for {@link
 * NativeMemoryTest}: cycles of a reload followed by calls on every path, printing the process's
 * native memory after each checkpoint and whether every retired version closed.
 */
public final class NativeMemoryProbe {
  static final int CALLS_PER_CYCLE = 2_000;

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    int warmCycles = Integer.parseInt(args[1]);
    int cycles = Integer.parseInt(args[2]);
    Publisher publisher = new Publisher(new LocalRegistry(root));
    publish(publisher, "mlp16.onnx");
    List<LoadedVersion> retired = new ArrayList<>();
    try (Fathom fathom = Fathom.builder().registry(root).watchInterval(Duration.ZERO).idleExpiry(Duration.ZERO).build();
        Predictor predictor = fathom.model("m").predictor()) {
      Model model = fathom.model("m");
      float[] row = new float[16];
      for (int cycle = 1; cycle <= warmCycles + cycles; cycle++) {
        LoadedVersion current = fathom.engine().slot(ModelReference.parse("m")).current();
        publish(publisher, cycle % 2 == 0 ? "mlp16.onnx" : "mlp16_shifted.onnx");
        fathom.refresh();
        retired.add(current);
        for (int i = 0; i < CALLS_PER_CYCLE; i++) {
          row[i % 16] = i * 0.001f;
          predictor.predict(row);
          if (i % 4 == 0) {
            model.predict(row);
          }
          if (i % 16 == 0) {
            model.run(Map.of("input", Tensor.ofFloats(row.clone(), 1, 16)));
          }
        }
        if (cycle >= warmCycles && (cycle - warmCycles) % 25 == 0) {
          System.out.println("checkpoint " + cycle + " " + nativeBytes());
        }
      }
      long open = retired.stream().filter(v -> !v.isClosed()).count();
      System.out.println("retired " + retired.size() + " open " + open + " loaded " + fathom.engine().loadedVersions().size());
    }
  }

  private static void publish(Publisher publisher, String file) {
    publisher.publish(PublishRequest.builder("m", TestData.model(file)).features(TestRegistry.numericFeatures("f", 16)).build());
  }

  /** Resident memory not accounted for by the JVM's committed heap and non-heap pools. */
  static long nativeBytes() throws Exception {
    System.gc();
    Thread.sleep(50); // let cleaners free direct buffers released by the collection
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long jvm = memory.getHeapMemoryUsage().getCommitted() + memory.getNonHeapMemoryUsage().getCommitted();
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024 - jvm;
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  private NativeMemoryProbe() {}
}
