package dev.fathom.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fathom.ElementType;
import dev.fathom.Tensor;
import dev.fathom.cli.json.TensorJson;
import dev.fathom.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fathom predict} end to end on the real test models in ONNX Runtime. */
class PredictCommandTest {
  @TempDir Path dir;
  String registry;

  @BeforeEach
  void setUp() {
    registry = dir.resolve("models").toString();
  }

  void publish(String name, String testModel, String... extra) {
    List<String> args = new ArrayList<>(List.of("publish", name, "--registry", registry, "--model", TestData.model(testModel).toString(), "--code-dir", dir.toString()));
    args.addAll(List.of(extra));
    Cli.Result result = Cli.run(args.toArray(String[]::new));
    assertThat(result.status()).as("%s", result).isZero();
  }

  Cli.Result predict(String reference, String lines, String... extra) {
    List<String> args = new ArrayList<>(List.of("predict", reference, "--registry", registry, "--input", "-"));
    args.addAll(List.of(extra));
    return Cli.runWithInput(lines, args.toArray(String[]::new));
  }

  static Tensor tensor(JsonNode encoded) {
    // The explicit form carries its dtype; the declared type passed here is never used.
    return TensorJson.decode("output", encoded, ElementType.STRING);
  }

  /** The ten inputs of all_types.onnx at one rank, in the given encoding, with the tensors they mean. */
  record Case(String json, Map<String, Tensor> expected) {}

  static Case allTypes(int rank, boolean explicit) {
    long[] shape = new long[rank];
    int size = 1;
    for (int i = 0; i < rank; i++) {
      shape[i] = i + 1 == rank ? 2 : 1 + (i % 2);
      size *= (int) shape[i];
    }
    Map<String, Tensor> tensors = new java.util.LinkedHashMap<>();
    float[] f32 = new float[size];
    double[] f64 = new double[size];
    float[] f16 = new float[size];
    byte[] i8 = new byte[size];
    byte[] u8 = new byte[size];
    short[] i16 = new short[size];
    int[] i32 = new int[size];
    long[] i64 = new long[size];
    boolean[] b = new boolean[size];
    String[] s = new String[size];
    for (int i = 0; i < size; i++) {
      f32[i] = i % 2 == 0 ? 0.1f * (i + 1) : -3.4e38f;
      f64[i] = i % 2 == 0 ? Math.PI * (i + 1) : -1e-300;
      f16[i] = i % 2 == 0 ? 65504f : -0.000060975552f; // largest and smallest-normal-ish float16 values
      i8[i] = (byte) (i % 2 == 0 ? -128 : 127);
      u8[i] = (byte) (i % 2 == 0 ? 255 : 0);
      i16[i] = (short) (i % 2 == 0 ? -32768 : 32767);
      i32[i] = i % 2 == 0 ? Integer.MIN_VALUE : Integer.MAX_VALUE;
      i64[i] = i % 2 == 0 ? 9007199254740993L : Long.MIN_VALUE;
      b[i] = i % 2 == 0;
      s[i] = i % 2 == 0 ? "é \"quoted\" " + i : "";
    }
    tensors.put("x_float32", Tensor.of(ElementType.FLOAT32, shape, f32));
    tensors.put("x_float64", Tensor.of(ElementType.FLOAT64, shape, f64));
    tensors.put("x_int8", Tensor.of(ElementType.INT8, shape, i8));
    tensors.put("x_int16", Tensor.of(ElementType.INT16, shape, i16));
    tensors.put("x_int32", Tensor.of(ElementType.INT32, shape, i32));
    tensors.put("x_int64", Tensor.of(ElementType.INT64, shape, i64));
    tensors.put("x_uint8", Tensor.of(ElementType.UINT8, shape, u8));
    tensors.put("x_bool", Tensor.of(ElementType.BOOL, shape, b));
    tensors.put("x_string", Tensor.of(ElementType.STRING, shape, s));
    tensors.put("x_float16", Tensor.of(ElementType.FLOAT16, shape, f16));
    ObjectNode request = TensorJson.writer().createObjectNode();
    tensors.forEach((name, t) -> request.set(name, explicit ? TensorJson.encode(t) : nested(TensorJson.encode(t))));
    return new Case(request.toString(), tensors);
  }

  /** The bare form: a JSON scalar for rank 0, nested arrays otherwise. */
  static JsonNode nested(ObjectNode explicit) {
    JsonNode data = explicit.get("data");
    JsonNode shape = explicit.get("shape");
    if (shape.isEmpty()) {
      return data.get(0);
    }
    int[] next = {0};
    return nest(data, shape, 0, next);
  }

  private static JsonNode nest(JsonNode data, JsonNode shape, int axis, int[] next) {
    var array = TensorJson.writer().createArrayNode();
    for (int i = 0; i < shape.get(axis).asInt(); i++) {
      array.add(axis + 1 == shape.size() ? data.get(next[0]++) : nest(data, shape, axis + 1, next));
    }
    return array;
  }

  @Test
  void everyElementTypeAtEveryRankRoundTripsThroughIdentity() {
    publish("types", "all_types.onnx");
    StringBuilder lines = new StringBuilder();
    List<Case> cases = new ArrayList<>();
    for (int rank = 0; rank <= 5; rank++) {
      cases.add(allTypes(rank, false));
      cases.add(allTypes(rank, true));
    }
    // Zero-size tensors, in the explicit form.
    ObjectNode empty = TensorJson.writer().createObjectNode();
    Map<String, Tensor> emptyTensors = new java.util.LinkedHashMap<>();
    for (ElementType type : ElementType.values()) {
      Tensor t = Tensor.of(type, new long[] {0, 3}, java.lang.reflect.Array.newInstance(type.arrayType().getComponentType(), 0));
      emptyTensors.put("x_" + type.onnxName(), t);
      empty.set("x_" + type.onnxName(), TensorJson.encode(t));
    }
    cases.add(new Case(empty.toString(), emptyTensors));
    for (Case c : cases) {
      lines.append(c.json()).append('\n');
    }

    Cli.Result result = predict("types", lines.toString());

    assertThat(result.status()).as("%s", result).isZero();
    assertThat(result.err()).isEmpty();
    assertThat(result.out()).as("ASCII only, whatever the console encoding").matches("\\p{ASCII}*");
    List<JsonNode> outputs = result.jsonLines();
    assertThat(outputs).hasSize(cases.size());
    for (int i = 0; i < cases.size(); i++) {
      JsonNode line = outputs.get(i);
      assertThat(line.size()).isEqualTo(10);
      for (Map.Entry<String, Tensor> input : cases.get(i).expected().entrySet()) {
        String output = "y_" + input.getKey().substring(2);
        assertThat(line.get(output).get("dtype").asText()).isEqualTo(input.getValue().type().onnxName());
        assertThat(tensor(line.get(output))).as("line %d %s", i + 1, output).isEqualTo(input.getValue());
      }
    }
  }

  @Test
  void tabularModelTakesNamedFeaturesBatchFreeRowsAndBatches() {
    publish("fraud", "tabular_classifier.onnx", "--features", "amount,age,score,velocity", "--labels", "legit,fraud");
    JsonNode cases = TestData.expected("tabular_classifier");
    String lines =
        "{\"amount\": 3, \"age\": 0, \"score\": 0, \"velocity\": 2.5}\n"
            + "{\"velocity\": 0, \"score\": 1, \"age\": 1, \"amount\": 0}\n"
            + "{\"input\": [3, 0, 0, 2.5]}\n"
            + "{\"input\": [[3, 0, 0, 2.5]]}\n"
            + "{\"input\": " + explicit("float32", cases.get(2).get("inputs").get("input")) + "}\n";

    Cli.Result result = predict("fraud", lines);

    assertThat(result.status()).as("%s", result).isZero();
    List<JsonNode> out = result.jsonLines();
    assertThat(out).hasSize(5);
    // One row in (features or batch-free), one row out: probabilities [2], label [].
    for (int line : new int[] {0, 2}) {
      assertOutput(out.get(line).get("probabilities"), "float32", new long[] {2}, cases.get(0).get("outputs").get("probabilities").get("data"));
      assertOutput(out.get(line).get("label"), "int64", new long[0], cases.get(0).get("outputs").get("label").get("data"));
    }
    assertOutput(out.get(1).get("probabilities"), "float32", new long[] {2}, cases.get(1).get("outputs").get("probabilities").get("data"));
    assertOutput(out.get(1).get("label"), "int64", new long[0], cases.get(1).get("outputs").get("label").get("data"));
    // A batch of one stays a batch of one.
    assertOutput(out.get(3).get("probabilities"), "float32", new long[] {1, 2}, cases.get(0).get("outputs").get("probabilities").get("data"));
    assertOutput(out.get(3).get("label"), "int64", new long[] {1}, cases.get(0).get("outputs").get("label").get("data"));
    assertOutput(out.get(4).get("probabilities"), "float32", new long[] {4, 2}, cases.get(2).get("outputs").get("probabilities").get("data"));
    assertOutput(out.get(4).get("label"), "int64", new long[] {4}, cases.get(2).get("outputs").get("label").get("data"));
  }

  @Test
  void categoricalAndNullableFeaturesAreEncodedByTheManifest() {
    // Two numeric features and a one-hot category with two values fill the four columns.
    publish("fraud", "tabular_classifier.onnx", "--features", "amount:nullable,age,country:cat(DE|FR):onehot");
    Cli.Result result = predict("fraud", "{\"amount\": 3, \"age\": 0, \"country\": \"FR\"}\n{\"amount\": null, \"age\": 0, \"country\": \"DE\"}\n");
    assertThat(result.status()).as("%s", result).isZero();
    List<JsonNode> out = result.jsonLines();
    // Columns [3, 0, 0, 1] and [NaN, 0, 1, 0]: the first is fraud, the second propagates NaN.
    assertThat(out.get(0).get("label").get("data").get(0).asLong()).isEqualTo(1);
    assertThat(out.get(1).get("probabilities").get("data").get(0).asText()).isEqualTo("NaN");
  }

  @Test
  void recurrentModelRunsTwoStepsFeedingTheStateBack() {
    publish("rnn", "recurrent.onnx");
    JsonNode cases = TestData.expected("recurrent");
    JsonNode first = cases.get(0).get("inputs");
    // Step 1: x as nested arrays, step as a bare int64 scalar, state_in in the explicit form.
    String step1 =
        "{\"x\": " + nested(explicit("float32", first.get("x"))) + ", \"step\": 0, \"state_in\": " + explicit("float32", first.get("state_in")) + "}\n";
    Cli.Result r1 = predict("rnn", step1);
    assertThat(r1.status()).as("%s", r1).isZero();
    JsonNode out1 = r1.jsonLines().get(0);
    assertMatches(out1, cases.get(0).get("outputs"));
    assertThat(out1.get("step_out").toString()).isEqualTo("{\"dtype\":\"int64\",\"shape\":[],\"data\":[1]}");

    // Step 2 feeds step 1's outputs back exactly as they were printed.
    ObjectNode request = TensorJson.writer().createObjectNode();
    request.set("x", nested(explicit("float32", cases.get(1).get("inputs").get("x"))));
    request.set("step", out1.get("step_out"));
    request.set("state_in", out1.get("state_out"));
    Cli.Result r2 = predict("rnn", request + "\n", "--with-ids");
    assertThat(r2.status()).as("%s", r2).isZero();
    JsonNode out2 = r2.jsonLines().get(0);
    assertMatches(out2, cases.get(1).get("outputs"));
    assertThat(out2.get("@prediction").get("model").asText()).isEqualTo("rnn");
    assertThat(out2.get("@prediction").get("version").asLong()).isEqualTo(1);
    assertThat(out2.get("@prediction").get("rows").asInt()).isEqualTo(2);
  }

  @Test
  void withIdsAddsThePredictionIdentity() throws IOException {
    publish("fraud", "tabular_classifier.onnx", "--features", "amount,age,score,velocity");
    publish("fraud", "tabular_classifier.onnx", "--features", "amount,age,score,velocity", "--alias", "production");
    Path out = dir.resolve("out.jsonl");
    String row = "{\"amount\": 3, \"age\": 0, \"score\": 0, \"velocity\": 2.5}\n";
    Cli.Result result = predict("fraud@production", row + row, "--with-ids", "--output", out.toString());
    assertThat(result.status()).as("%s", result).isZero();
    assertThat(result.out()).isEmpty();
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(2);
    JsonNode a = Cli.json(lines.get(0)).get("@prediction");
    JsonNode b = Cli.json(lines.get(1)).get("@prediction");
    assertThat(a.get("model").asText()).isEqualTo("fraud");
    assertThat(a.get("version").asLong()).isEqualTo(2);
    assertThat(a.has("rows")).isFalse();
    assertThat(a.get("id").isIntegralNumber()).isTrue();
    assertThat(a.get("id").asLong()).isPositive().isNotEqualTo(b.get("id").asLong());
    assertThat(Cli.json(lines.get(0)).fieldNames()).toIterable().containsExactly("@prediction", "probabilities", "label");
    // Without the flag, a line holds outputs only.
    assertThat(predict("fraud", row).jsonLines().get(0).fieldNames()).toIterable().containsExactly("probabilities", "label");
  }

  @Test
  void failedRequestsKeepOutputLinesAlignedAndExitOne() {
    publish("mlp", "mlp16.onnx");
    publish("fraud", "tabular_classifier.onnx", "--features", "amount,age,score,velocity");
    publish("types", "all_types.onnx");
    String good = "{\"input\": " + List.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) + "}";
    String lines =
        String.join(
            "\n",
            good,
            "{\"nope\": [1]}",
            "{\"input\": {\"dtype\": \"float64\", \"shape\": [1, 16], \"data\": " + List.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) + "}}",
            "{\"input\": [[1, 2, 3]]}",
            "{\"input\": [[1, 2], [3]]}",
            "{\"input\": \"text\"}",
            "{\"input\": [1, 2",
            "[1, 2]",
            "",
            "{}",
            good)
            + "\n";

    Cli.Result result = predict("mlp", lines);

    assertThat(result.status()).isEqualTo(1);
    List<JsonNode> out = result.jsonLines();
    assertThat(out).hasSize(11);
    assertThat(out.get(0).has("output")).isTrue();
    assertThat(out.get(10).has("output")).as("processing goes on after failures").isTrue();
    assertError(out.get(1), 2, "nope", "unknown_input", "unknown input 'nope'");
    assertError(out.get(2), 3, "input", "dtype", "expected element type float32, got float64");
    assertError(out.get(3), 4, "input", "shape", "dimension 1 must be 16");
    assertError(out.get(4), 5, "input", "shape", "ragged");
    assertError(out.get(5), 6, "input", "dtype", "string \"text\" is not a float32 value");
    assertError(out.get(6), 7, null, "json", "invalid JSON");
    assertError(out.get(7), 8, null, "encoding", "a request is a JSON object keyed by input name, got an array");
    assertError(out.get(8), 9, null, "json", "empty line");
    assertError(out.get(9), 10, "input", "missing_input", "missing input 'input'");
    assertThat(result.err())
        .contains("line 2: unknown input 'nope'; the model expects [input] [rule unknown_input]")
        .contains("line 3: input 'input': expected element type float32, got float64 [rule dtype]")
        .contains("line 7: invalid JSON at column")
        .doesNotContain("line 1:")
        .doesNotContain("line 11:");

    Cli.Result features =
        predict("fraud", "{\"amount\": 1, \"age\": 2, \"score\": 3}\n{\"amount\": 1, \"age\": 2, \"score\": 3, \"velocity\": 4, \"color\": 1}\n{\"amount\": [1], \"age\": 2, \"score\": 3, \"velocity\": 4}\n");
    assertThat(features.status()).isEqualTo(1);
    assertError(features.jsonLines().get(0), 1, "velocity", "missing_feature", "missing feature 'velocity'");
    assertError(features.jsonLines().get(1), 2, "color", "unknown_input", "unknown feature 'color'");
    assertError(features.jsonLines().get(2), 3, "amount", "dtype", "not an array");

    Cli.Result range = predict("types", "{\"x_int8\": 300}\n");
    assertThat(range.status()).isEqualTo(1);
    assertError(range.jsonLines().get(0), 1, "x_int8", "range", "300 is out of range for int8 (-128..127)");
  }

  @Test
  void unknownModelsVersionsAliasesAndInvalidReferencesFailBeforeReading() {
    publish("fraud", "tabular_classifier.onnx");
    assertFails(predict("nope", "{}\n"), "unknown model 'nope'");
    assertFails(predict("fraud@7", "{}\n"), "unknown version: fraud@7 does not exist");
    assertFails(predict("fraud@beta", "{}\n"), "unknown alias: 'beta'");
    assertFails(predict("Fraud", "{}\n"), "invalid model name 'Fraud'");
    assertFails(predict("fraud@0", "{}\n"), "invalid model reference 'fraud@0'");
    assertFails(Cli.run("predict", "fraud", "--registry", registry, "--input", dir.resolve("absent.jsonl").toString()), "no such file");
  }

  @Test
  void tamperedModelIsRefusedWithChecksumMismatch() throws IOException {
    publish("fraud", "tabular_classifier.onnx");
    Path file = dir.resolve("models/fraud/1/model.onnx");
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 1] ^= 0x01;
    Files.write(file, bytes);
    assertFails(predict("fraud", "{}\n"), "checksum mismatch: sha256 of model.onnx");
  }

  @Test
  void modelWithExternalDataServesFromItsVersionDirectory() {
    publish("ext", "external_data/model.onnx");
    JsonNode c = TestData.expected("external_data").get(0);
    Cli.Result result = predict("ext", "{\"x\": " + explicit("float32", c.get("inputs").get("x")) + "}\n");
    assertThat(result.status()).as("%s", result).isZero();
    assertMatches(result.jsonLines().get(0), c.get("outputs"));
  }

  static void assertFails(Cli.Result result, String message) {
    assertThat(result.status()).as("%s", result).isEqualTo(1);
    assertThat(result.err()).startsWith("fathom predict: ").contains(message);
    assertThat(result.out()).isEmpty();
  }

  static void assertError(JsonNode line, int number, String input, String rule, String message) {
    assertThat(line.fieldNames()).toIterable().containsExactly("@error");
    JsonNode error = line.get("@error");
    assertThat(error.get("line").asInt()).isEqualTo(number);
    if (input == null) {
      assertThat(error.get("input").isNull()).as("%s", line).isTrue();
    } else {
      assertThat(error.get("input").asText()).as("%s", line).isEqualTo(input);
    }
    assertThat(error.get("rule").asText()).as("%s", line).isEqualTo(rule);
    assertThat(error.get("message").asText()).contains(message);
  }

  /** An expected.json tensor ({"shape", "data"}) in the explicit form with a dtype. */
  static ObjectNode explicit(String dtype, JsonNode shapeAndData) {
    ObjectNode node = TensorJson.writer().createObjectNode();
    node.put("dtype", dtype);
    node.set("shape", shapeAndData.get("shape"));
    node.set("data", shapeAndData.get("data"));
    return node;
  }

  static void assertMatches(JsonNode line, JsonNode expectedOutputs) {
    expectedOutputs.properties().forEach(e -> {
      JsonNode actual = line.get(e.getKey());
      assertThat(actual).as("output %s in %s", e.getKey(), line).isNotNull();
      long[] shape = new long[e.getValue().get("shape").size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = e.getValue().get("shape").get(i).asLong();
      }
      String dtype = actual.get("dtype").asText();
      assertOutput(actual, dtype, shape, e.getValue().get("data"));
    });
  }

  static void assertOutput(JsonNode actual, String dtype, long[] shape, JsonNode expectedData) {
    Tensor t = tensor(actual);
    assertThat(t.type().onnxName()).isEqualTo(dtype);
    assertThat(t.shape()).containsExactly(shape);
    assertThat(t.size()).isEqualTo(expectedData.size());
    for (int i = 0; i < t.size(); i++) {
      if (t.type() == ElementType.INT64) {
        assertThat(t.longs()[i]).isEqualTo(expectedData.get(i).asLong());
      } else {
        double want = expectedData.get(i).asDouble();
        assertThat(t.getDouble(i)).isCloseTo(want, within(1e-5 * Math.max(1, Math.abs(want))));
      }
    }
  }
}
