package dev.fathom.examples.train;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Prepends {@code (input - mean) * (1 / sd)} to a Tribuo-exported ONNX graph, so the model takes
 * raw feature values while it was trained on standardized ones. Uses the ONNX protobuf classes that
 * ship with Tribuo's ONNX export.
 */
final class OnnxStandardization {
  private static final String SCALED = "fathom_standardized_input";

  private OnnxStandardization() {}

  static void prepend(Path tribuoModel, Path out, List<String> columns, Standardizer scale) throws IOException {
    OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(tribuoModel));
    OnnxMl.GraphProto graph = model.getGraph();
    if (graph.getInputCount() != 1) {
      throw new IllegalStateException("expected one input, the exported graph has " + graph.getInputCount());
    }
    String input = graph.getInput(0).getName();
    OnnxMl.GraphProto.Builder g = graph.toBuilder();
    for (int i = 0; i < g.getNodeCount(); i++) {
      OnnxMl.NodeProto.Builder node = g.getNodeBuilder(i);
      for (int j = 0; j < node.getInputCount(); j++) {
        if (node.getInput(j).equals(input)) {
          node.setInput(j, SCALED);
        }
      }
    }
    float[] mean = new float[columns.size()];
    float[] inverseSd = new float[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      mean[i] = (float) scale.mean(columns.get(i));
      inverseSd[i] = (float) (1.0 / scale.sd(columns.get(i)));
    }
    g.addInitializer(vector("fathom_mean", mean));
    g.addInitializer(vector("fathom_inverse_sd", inverseSd));
    OnnxMl.NodeProto sub = OnnxMl.NodeProto.newBuilder().setOpType("Sub").setName("fathom_center").addInput(input).addInput("fathom_mean").addOutput("fathom_centered").build();
    OnnxMl.NodeProto mul = OnnxMl.NodeProto.newBuilder().setOpType("Mul").setName("fathom_scale").addInput("fathom_centered").addInput("fathom_inverse_sd").addOutput(SCALED).build();
    g.addNode(0, mul);
    g.addNode(0, sub);
    Files.write(out, model.toBuilder().setGraph(g).build().toByteArray());
  }

  private static OnnxMl.TensorProto vector(String name, float[] values) {
    OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).addDims(values.length);
    for (float v : values) {
      t.addFloatData(v);
    }
    return t.build();
  }
}
