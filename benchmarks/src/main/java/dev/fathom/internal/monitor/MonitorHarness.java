package dev.fathom.internal.monitor;

import dev.fathom.Tensor;
import dev.fathom.bench.BenchRegistry;
import dev.fathom.bench.MlpModel;
import dev.fathom.internal.inference.CallView;
import dev.fathom.internal.inference.ModelSignature;
import dev.fathom.internal.inference.ObserverFactory;
import dev.fathom.monitor.MonitoringOptions;
import dev.fathom.registry.LocalRegistry;
import dev.fathom.registry.Manifest;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One model version's monitoring, set up as Fathom sets it up, but driven by the benchmark instead
 * of the analyzer thread: a generated MLP with {@code features} numeric features published with a
 * reference profile (built by the runtime's profile builder from generated training rows), a
 * {@link Monitoring} exporting through a real OpenTelemetry SDK (an {@link InMemoryMetricReader}
 * that collects only when asked), and that version's {@link VersionMonitor}, which is not
 * registered with any analyzer thread: the benchmark calls {@link VersionMonitor#succeeded} (the
 * request-thread side) and {@link VersionMonitor#drain} (the analyzer side) itself, on one thread.
 *
 * <p>Lives in the runtime's package to reach those package-private entry points; it changes
 * nothing in them. Not thread-safe: one benchmark thread owns a harness.
 */
public final class MonitorHarness implements AutoCloseable {
  final Path directory;
  final Monitoring monitoring;
  final VersionMonitor monitor;
  final RowCall call;
  private final SdkMeterProvider meters;
  private final InMemoryMetricReader reader;

  /**
   * @param features numeric features of the generated model
   * @param rows distinct rows the calls cycle through (drawn from the training distribution)
   */
  public MonitorHarness(int features, int rows, MonitoringOptions options) {
    try {
      this.directory = Files.createTempDirectory("fathom-bench-monitor-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    MlpModel model = MlpModel.of(features, 32);
    Path file = directory.resolve("model.onnx");
    try {
      model.write(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path root = BenchRegistry.publish(directory, "monitored", file, features, true);
    LocalRegistry registry = new LocalRegistry(root);
    Manifest manifest = registry.manifest("monitored", 1);
    ObserverFactory.VersionInfo info = new ObserverFactory.VersionInfo(manifest, new ModelSignature(manifest), registry.versionDirectory("monitored", 1));
    this.reader = InMemoryMetricReader.create();
    this.meters = SdkMeterProvider.builder().registerMetricReader(reader).build();
    OpenTelemetry otel = OpenTelemetrySdk.builder().setMeterProvider(meters).build();
    this.monitoring = Monitoring.create(options, otel);
    this.monitor = new VersionMonitor(monitoring, info);
    if (!monitor.referenceSource().startsWith("profile.json")) {
      throw new IllegalStateException("the benchmark model's profile was not picked up: " + monitor.referenceSource());
    }
    float[][] data = BenchRegistry.rows(rows, features, 11L);
    double[] outputs = new double[rows];
    for (int r = 0; r < rows; r++) {
      outputs[r] = model.reference(data[r]);
    }
    this.call = new RowCall(info.signature(), data, outputs);
  }

  public VersionMonitor monitor() {
    return monitor;
  }

  public RowCall call() {
    return call;
  }

  /** Hands one sampled row to the monitor, as a request thread does after a call. */
  public void request() {
    monitor.succeeded(0L, call.next());
  }

  /** Runs the analyzer's work on whatever the hand-off holds; returns the samples processed. */
  public int analyze(long nowNanos) {
    return monitor.drain(nowNanos);
  }

  /** Frees every slot the request side filled without analyzing it; returns how many. */
  public int discard() {
    int n = 0;
    int slot;
    while ((slot = monitor.ring.poll()) >= 0) {
      monitor.ring.release(slot);
      n++;
    }
    return n;
  }

  /** Rows sampled so far, and dropped with the hand-off full. */
  public long sampled() {
    return monitor.sampler.sampled.sum();
  }

  public long dropped() {
    return monitor.sampler.queueFull.sum() + monitor.sampler.rateLimited.sum();
  }

  /** One collection of the metrics, for checks after a run (never during measurement). */
  public Collection<MetricData> collect() {
    return reader.collectAllMetrics();
  }

  @Override
  public void close() {
    try {
      monitor.close();
      monitoring.close();
      meters.close();
    } finally {
      try (Stream<Path> paths = Files.walk(directory)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a leftover temporary directory is harmless
      }
    }
  }

  /**
   * A one-row call of the tabular model, read like Fathom's pinned path reads its calls: columns
   * from a direct little-endian float buffer, the output from a fixed value (the model's output for
   * the row, computed once). {@link #next} moves to the next row of a fixed set, so the drift
   * windows see the training distribution. Not thread-safe.
   */
  public static final class RowCall implements CallView {
    private final ModelSignature signature;
    private final float[][] rows;
    private final double[] outputs;
    private final ByteBuffer input;
    private final int width;
    private int at = -1;
    private long id = 1L << 40;

    RowCall(ModelSignature signature, float[][] rows, double[] outputs) {
      this.signature = signature;
      this.rows = rows;
      this.outputs = outputs;
      this.width = rows[0].length;
      this.input = ByteBuffer.allocateDirect(width * 4).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Moves to the next row (copied into the input buffer, as a call would) and a new prediction id. */
    public RowCall next() {
      at = at + 1 == rows.length ? 0 : at + 1;
      float[] row = rows[at];
      for (int c = 0; c < width; c++) {
        input.putFloat(c << 2, row[c]);
      }
      id++;
      return this;
    }

    @Override
    public ModelSignature signature() {
      return signature;
    }

    @Override
    public int rows() {
      return 1;
    }

    @Override
    public long firstPredictionId() {
      return id;
    }

    @Override
    public double column(int row, int column) {
      return input.getFloat(column << 2);
    }

    @Override
    public int outputWidth(int output) {
      return 1;
    }

    @Override
    public double outputValue(int output, int row, int index) {
      return outputs[at];
    }

    @Override
    public Tensor input(int index) {
      return Tensor.ofFloats(rows[at].clone(), 1, width);
    }

    @Override
    public Tensor output(int index) {
      return Tensor.ofFloats(new float[] {(float) outputs[at]}, 1, 1);
    }
  }
}
