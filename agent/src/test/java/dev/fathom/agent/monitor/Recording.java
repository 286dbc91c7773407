package dev.fathom.agent.monitor;

import dev.fathom.internal.inference.CallView;
import dev.fathom.internal.inference.InferenceObserver;
import dev.fathom.internal.inference.ObserverFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An observer factory that records what it sees per model, for tests: like telemetry it reads the
 * clock and the row count on every call; when {@code sample} is set it also reads every column and
 * output value of the view (what monitoring does on a sampled call).
 */
final class Recording implements ObserverFactory {
  final Map<String, Observer> byModel = new ConcurrentHashMap<>();
  final List<VersionInfo> versions = new CopyOnWriteArrayList<>();
  volatile boolean sample;

  @Override
  public InferenceObserver create(VersionInfo version) {
    versions.add(version);
    return byModel.computeIfAbsent(version.model() + "@" + version.version(), k -> new Observer());
  }

  Observer observer(String modelAtVersion) {
    return byModel.get(modelAtVersion);
  }

  final class Observer implements InferenceObserver {
    final AtomicLong starts = new AtomicLong();
    final AtomicLong succeeded = new AtomicLong();
    final AtomicLong rows = new AtomicLong();
    final List<String> errors = new CopyOnWriteArrayList<>();
    final List<double[]> columns = new CopyOnWriteArrayList<>();
    final List<Double> outputs = new CopyOnWriteArrayList<>();

    @Override
    public long start() {
      starts.incrementAndGet();
      return System.nanoTime();
    }

    @Override
    public void succeeded(long token, CallView call) {
      succeeded.incrementAndGet();
      int n = call.rows();
      rows.addAndGet(n);
      if (sample && call.signature().features() != null) {
        double[] row = new double[call.signature().features().columns()];
        for (int c = 0; c < row.length; c++) {
          row[c] = call.column(0, c);
        }
        columns.add(row);
        outputs.add(call.outputValue(0, 0, 0));
      }
    }

    @Override
    public void failed(long token, String errorType) {
      errors.add(errorType);
    }
  }
}
