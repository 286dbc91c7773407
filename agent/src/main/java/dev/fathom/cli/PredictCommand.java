package dev.fathom.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fathom.Fathom;
import dev.fathom.FathomException;
import dev.fathom.InvalidInputException;
import dev.fathom.Model;
import dev.fathom.Prediction;
import dev.fathom.Tensor;
import dev.fathom.cli.json.TensorJson;
import dev.fathom.registry.Manifest;
import dev.fathom.registry.ModelReference;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fathom predict REF --input FILE|-}: JSON lines in, JSON lines out, one output line per
 * input line, in order.
 *
 * <p>An output line is an object keyed by output name, each value in the explicit tensor form
 * {@code {"dtype", "shape", "data"}} (see {@link TensorJson}). With {@code --with-ids} the line also
 * carries {@code "@prediction": {"model": "fraud", "version": 3, "id": 1099511627776}} (plus {@code
 * "rows": n} for a batch of n rows, whose ids are id..id+n-1): the prediction id is what {@code
 * recordOutcome} joins ground truth to. Keys starting with {@code @} are Fathom's, so they never
 * shadow an output name in practice; a model that does have such an output is refused.
 *
 * <p>A request that fails produces {@code {"@error": {"line", "input", "rule", "message"}}} in its
 * place (so output line n always answers input line n), the same error on stderr ({@code line 3:
 * input 'x': ... [rule dtype]}), and processing goes on; the exit status is then 1.
 *
 * <p>One instance per invocation (picocli fills its fields); not thread-safe.
 */
@Command(
    name = "predict",
    description = "Run a model on JSON-lines requests; one JSON line of outputs per request.",
    footer = {
      "",
      "A request is an object keyed by input name, or by feature name for a model",
      "published with --features. A tensor is a number, string or boolean (rank 0),",
      "nested arrays, or {\"dtype\": \"int64\", \"shape\": [2, 3], \"data\": [...]}.",
      "An input with a leading batch dimension may be sent as one row without it;",
      "the outputs then come back without it too. Outputs always use the explicit",
      "{\"dtype\", \"shape\", \"data\"} form. A failed request gives an \"@error\" line",
      "(output line n answers input line n), an error on stderr, and exit status 1."
    })
final class PredictCommand implements Callable<Integer> {
  static final String PREDICTION_KEY = "@prediction";
  static final String ERROR_KEY = "@error";

  @Spec CommandLine.Model.CommandSpec spec;
  @ParentCommand FathomCommand parent;
  @Mixin Options.Registry registry;
  @Mixin Options.Help help;

  @Mixin Options.Ref reference;

  @Option(names = "--input", required = true, paramLabel = "FILE|-", description = "JSON lines to read; - for standard input.")
  String input;

  @Option(names = "--output", paramLabel = "FILE", description = "Where to write the JSON lines (default: standard output).")
  Path output;

  @Option(names = "--with-ids", description = "Add \"@prediction\": {model, version, id} to each output line.")
  boolean withIds;

  @Override
  public Integer call() throws IOException {
    ModelReference ref = reference.parse();
    PrintWriter err = spec.commandLine().getErr();
    try (Fathom fathom = registry.fathom()) {
      Model model = fathom.model(ref);
      Manifest manifest = model.manifest();
      for (var out : manifest.outputs()) {
        if (out.name().equals(PREDICTION_KEY) || out.name().equals(ERROR_KEY)) {
          throw new IllegalArgumentException(
              "the model has an output named '" + out.name() + "', which collides with Fathom's own key; it cannot be served as JSON lines");
        }
      }
      boolean interactive = "-".equals(input);
      try (BufferedReader in = reader(); Writer out = writer()) {
        int failures = 0;
        int number = 0;
        String line;
        while ((line = in.readLine()) != null) {
          number++;
          ObjectNode result;
          try {
            result = predict(model, manifest, line);
          } catch (LineFailure failure) {
            failures++;
            result = failure.toJson(number);
            err.println("line " + number + ": " + failure.getMessage() + " [rule " + failure.rule + "]");
            err.flush();
          }
          out.write(TensorJson.writer().writeValueAsString(result));
          out.write('\n');
          if (interactive) {
            out.flush();
          }
        }
        out.flush();
        return failures == 0 ? 0 : Main.FAILED;
      }
    }
  }

  private ObjectNode predict(Model model, Manifest manifest, String line) {
    JsonNode request;
    try {
      if (line.isBlank()) {
        throw new LineFailure(null, "json", "empty line; expected a JSON object");
      }
      request = TensorJson.reader().readTree(line);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at column " + at.getColumnNr();
      throw new LineFailure(null, "json", "invalid JSON" + where + ": " + e.getOriginalMessage());
    }
    try {
      Requests.Request decoded = Requests.decode(manifest, request);
      Prediction prediction = decoded.features() != null ? model.predict(decoded.features()) : model.run(decoded.tensors());
      Map<String, Tensor> outputs = Requests.outputs(manifest, decoded, prediction.outputs());
      ObjectNode result = TensorJson.writer().createObjectNode();
      if (withIds) {
        ObjectNode ids = result.putObject(PREDICTION_KEY);
        ids.put("model", prediction.model());
        ids.put("version", prediction.version());
        ids.put("id", prediction.id());
        if (decoded.rows() != 1) {
          ids.put("rows", decoded.rows());
        }
      }
      result.setAll(TensorJson.encode(outputs));
      return result;
    } catch (InvalidInputException e) {
      throw new LineFailure(e.input(), e.rule(), e.getMessage());
    } catch (FathomException e) {
      throw new LineFailure(null, e.errorType(), e.getMessage());
    } catch (RuntimeException e) {
      throw new LineFailure(null, "internal_error", e.toString());
    }
  }

  private BufferedReader reader() throws IOException {
    InputStream stream;
    if ("-".equals(input)) {
      stream = parent.stdin();
    } else {
      try {
        stream = Files.newInputStream(Path.of(input));
      } catch (NoSuchFileException e) {
        throw new IOException("cannot read --input " + input + ": no such file", e);
      }
    }
    return new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
  }

  private Writer writer() throws IOException {
    if (output == null) {
      // The caller owns standard output: flush it, never close it.
      PrintWriter stdout = spec.commandLine().getOut();
      return new FilterWriter(stdout) {
        @Override
        public void close() {
          stdout.flush();
        }
      };
    }
    return new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(output), StandardCharsets.UTF_8));
  }

  /** One request that failed: becomes an {@code "@error"} line and a stderr line. */
  private static final class LineFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String input;
    final String rule;

    LineFailure(String input, String rule, String message) {
      super(message, null, false, false);
      this.input = input;
      this.rule = rule;
    }

    ObjectNode toJson(int line) {
      ObjectNode result = TensorJson.writer().createObjectNode();
      ObjectNode error = result.putObject(ERROR_KEY);
      error.put("line", line);
      if (input != null) {
        error.put("input", input);
      } else {
        error.putNull("input");
      }
      error.put("rule", rule);
      error.put("message", getMessage());
      return result;
    }
  }
}
