package dev.fathom.internal.monitor;

import dev.fathom.ElementType;
import dev.fathom.Tensor;
import dev.fathom.internal.inference.CallView;
import dev.fathom.internal.inference.ModelSignature;
import dev.fathom.internal.inference.ObserverFactory;
import dev.fathom.registry.FeatureSpec;
import dev.fathom.registry.FileDigest;
import dev.fathom.registry.Manifest;
import dev.fathom.registry.TensorSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A one-row call of a tabular model with {@code features} numeric features and one score output,
 * without ONNX Runtime: reading it allocates nothing, like the pinned fast path.
 */
final class FakeCall implements CallView {
  final ModelSignature signature;
  final double[] row;
  double score = 0.25;
  long id = 1L << 41;

  FakeCall(int features) {
    this.signature = new ModelSignature(manifest("fake", 1, features));
    this.row = new double[features];
    for (int i = 0; i < features; i++) {
      row[i] = i * 0.5;
    }
  }

  static Manifest manifest(String name, long version, int features) {
    List<FeatureSpec> specs = new ArrayList<>();
    for (int i = 0; i < features; i++) {
      specs.add(FeatureSpec.numeric("x" + i).withRange(-1e6, 1e6));
    }
    TensorSpec in = new TensorSpec("input", ElementType.FLOAT32, List.of(-1L, (long) features), null, specs, null);
    TensorSpec out = new TensorSpec("score", ElementType.FLOAT32, List.of(-1L, 1L), null, null, null);
    return new Manifest(1, name, version, "2025-01-01T00:00:00Z", new FileDigest("model.onnx", "0".repeat(64), 1), null, List.of(in), List.of(out), null,
        null);
  }

  ObserverFactory.VersionInfo info() {
    return new ObserverFactory.VersionInfo(manifest("fake", 1, row.length), signature, null);
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
  public double column(int r, int column) {
    return row[column];
  }

  @Override
  public int outputWidth(int output) {
    return 1;
  }

  @Override
  public double outputValue(int output, int r, int index) {
    return score;
  }

  @Override
  public Tensor input(int index) {
    float[] copy = new float[row.length];
    for (int i = 0; i < row.length; i++) {
      copy[i] = (float) row[i];
    }
    return Tensor.ofFloats(copy, 1, row.length);
  }

  @Override
  public Tensor output(int index) {
    return Tensor.ofFloats(new float[] {(float) score}, 1, 1);
  }
}
