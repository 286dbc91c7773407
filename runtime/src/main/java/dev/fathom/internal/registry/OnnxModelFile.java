package dev.fathom.internal.registry;

import dev.fathom.ElementType;
import dev.fathom.registry.TensorSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What Fathom needs to know about an ONNX file before ONNX Runtime reads it: the graph's inputs and
 * outputs and every external-data location the file references (in initializers, node attributes,
 * subgraphs and functions). Read straight from the protobuf wire format. Immutable.
 */
public final class OnnxModelFile {
  private static final int MAX_DEPTH = 64;

  // ModelProto
  private static final int MODEL_IR_VERSION = 1;
  private static final int MODEL_PRODUCER = 2;
  private static final int MODEL_GRAPH = 7;
  private static final int MODEL_METADATA = 14;
  private static final int MODEL_FUNCTIONS = 25;
  // GraphProto
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int GRAPH_INPUT = 11;
  private static final int GRAPH_OUTPUT = 12;
  private static final int GRAPH_SPARSE_INITIALIZER = 15;
  // NodeProto / FunctionProto
  private static final int NODE_ATTRIBUTE = 5;
  private static final int FUNCTION_NODE = 7;
  // AttributeProto
  private static final int ATTR_TENSOR = 5;
  private static final int ATTR_GRAPH = 6;
  private static final int ATTR_TENSORS = 10;
  private static final int ATTR_GRAPHS = 11;
  private static final int ATTR_SPARSE_TENSOR = 22;
  private static final int ATTR_SPARSE_TENSORS = 23;
  // TensorProto / SparseTensorProto
  private static final int TENSOR_NAME = 8;
  private static final int TENSOR_EXTERNAL_DATA = 13;
  private static final int SPARSE_VALUES = 1;
  private static final int SPARSE_INDICES = 2;
  // ValueInfoProto / TypeProto / TensorShapeProto
  private static final int VALUE_NAME = 1;
  private static final int VALUE_TYPE = 2;
  private static final int TYPE_TENSOR = 1;
  private static final int TENSOR_TYPE_ELEM = 1;
  private static final int TENSOR_TYPE_SHAPE = 2;
  private static final int SHAPE_DIM = 1;
  private static final int DIM_VALUE = 1;
  private static final int DIM_PARAM = 2;

  private final long irVersion;
  private final String producer;
  private final List<TensorSpec> inputs;
  private final List<TensorSpec> outputs;
  private final Set<String> externalDataLocations;
  private final Map<String, String> metadata;

  private OnnxModelFile(
      long irVersion,
      String producer,
      List<TensorSpec> inputs,
      List<TensorSpec> outputs,
      Set<String> externalDataLocations,
      Map<String, String> metadata) {
    this.irVersion = irVersion;
    this.producer = producer;
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    this.externalDataLocations = Collections.unmodifiableSet(externalDataLocations);
    this.metadata = Collections.unmodifiableMap(metadata);
  }

  /**
   * Reads an ONNX model file.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if it is not a valid ONNX protobuf
   */
  public static OnnxModelFile read(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(file + " is larger than 2 GiB, the protobuf limit of an ONNX file");
      }
      ByteBuffer buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
      return parse(buffer);
    }
  }

  /** Parses ONNX model bytes. */
  public static OnnxModelFile parse(ByteBuffer bytes) {
    try {
      return new Parser().model(new ProtoReader(bytes.duplicate()));
    } catch (ProtoReader.MalformedProtoException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a valid ONNX model: " + e.getMessage(), e);
    }
  }

  public long irVersion() {
    return irVersion;
  }

  public String producer() {
    return producer;
  }

  /** Graph inputs that are fed at run time (initializers excluded). */
  public List<TensorSpec> inputs() {
    return inputs;
  }

  public List<TensorSpec> outputs() {
    return outputs;
  }

  /** Every external-data {@code location} the model references, as written in the file. */
  public Set<String> externalDataLocations() {
    return externalDataLocations;
  }

  /** The model's {@code metadata_props}. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Walks one model; keeps state for the current file only. */
  private static final class Parser {
    private final Set<String> locations = new LinkedHashSet<>();

    OnnxModelFile model(ProtoReader r) {
      long ir = 0;
      String producer = "";
      List<TensorSpec> inputs = new ArrayList<>();
      List<TensorSpec> outputs = new ArrayList<>();
      Map<String, String> metadata = new LinkedHashMap<>();
      boolean sawGraph = false;
      while (r.next()) {
        switch (r.field()) {
          case MODEL_IR_VERSION:
            ir = r.varint();
            break;
          case MODEL_PRODUCER:
            producer = r.string();
            break;
          case MODEL_GRAPH:
            sawGraph = true;
            topGraph(r.message(), inputs, outputs);
            break;
          case MODEL_METADATA:
            entry(r.message(), metadata);
            break;
          case MODEL_FUNCTIONS:
            function(r.message(), 1);
            break;
          default:
            r.skip();
        }
      }
      if (!sawGraph) {
        throw new IllegalArgumentException("the file has no graph");
      }
      return new OnnxModelFile(ir, producer, inputs, outputs, locations, metadata);
    }

    private void topGraph(ProtoReader r, List<TensorSpec> inputs, List<TensorSpec> outputs) {
      Set<String> initializers = new HashSet<>();
      List<TensorSpec> declared = new ArrayList<>();
      while (r.next()) {
        switch (r.field()) {
          case GRAPH_INPUT:
            declared.add(valueInfo(r.message()));
            break;
          case GRAPH_OUTPUT:
            outputs.add(valueInfo(r.message()));
            break;
          case GRAPH_INITIALIZER:
            initializers.add(tensor(r.message()));
            break;
          default:
            graphField(r, 1);
        }
      }
      // Before IR version 4 initializers were also listed as inputs; they are not fed at run time.
      for (TensorSpec spec : declared) {
        if (!initializers.contains(spec.name())) {
          inputs.add(spec);
        }
      }
    }

    private void graph(ProtoReader r, int depth) {
      checkDepth(depth);
      while (r.next()) {
        if (r.field() == GRAPH_INITIALIZER) {
          tensor(r.message());
        } else {
          graphField(r, depth);
        }
      }
    }

    private void graphField(ProtoReader r, int depth) {
      switch (r.field()) {
        case GRAPH_NODE:
          node(r.message(), depth + 1);
          break;
        case GRAPH_SPARSE_INITIALIZER:
          sparseTensor(r.message());
          break;
        default:
          r.skip();
      }
    }

    private void function(ProtoReader r, int depth) {
      checkDepth(depth);
      while (r.next()) {
        if (r.field() == FUNCTION_NODE) {
          node(r.message(), depth + 1);
        } else {
          r.skip();
        }
      }
    }

    private void node(ProtoReader r, int depth) {
      checkDepth(depth);
      while (r.next()) {
        if (r.field() == NODE_ATTRIBUTE) {
          attribute(r.message(), depth + 1);
        } else {
          r.skip();
        }
      }
    }

    private void attribute(ProtoReader r, int depth) {
      while (r.next()) {
        switch (r.field()) {
          case ATTR_TENSOR:
          case ATTR_TENSORS:
            tensor(r.message());
            break;
          case ATTR_GRAPH:
          case ATTR_GRAPHS:
            graph(r.message(), depth + 1);
            break;
          case ATTR_SPARSE_TENSOR:
          case ATTR_SPARSE_TENSORS:
            sparseTensor(r.message());
            break;
          default:
            r.skip();
        }
      }
    }

    /** Records the tensor's external-data location, if any; returns its name. */
    private String tensor(ProtoReader r) {
      String name = "";
      while (r.next()) {
        if (r.field() == TENSOR_NAME) {
          name = r.string();
        } else if (r.field() == TENSOR_EXTERNAL_DATA) {
          Map<String, String> entry = new LinkedHashMap<>();
          entry(r.message(), entry);
          String location = entry.get("location");
          if (location != null) {
            locations.add(location);
          }
        } else {
          r.skip();
        }
      }
      return name;
    }

    private void sparseTensor(ProtoReader r) {
      while (r.next()) {
        if (r.field() == SPARSE_VALUES || r.field() == SPARSE_INDICES) {
          tensor(r.message());
        } else {
          r.skip();
        }
      }
    }

    private static void entry(ProtoReader r, Map<String, String> into) {
      String key = null;
      String value = "";
      while (r.next()) {
        if (r.field() == 1) {
          key = r.string();
        } else if (r.field() == 2) {
          value = r.string();
        } else {
          r.skip();
        }
      }
      if (key != null) {
        into.put(key, value);
      }
    }

    private static TensorSpec valueInfo(ProtoReader r) {
      String name = null;
      ElementType type = null;
      List<Long> shape = null;
      List<String> dimNames = null;
      boolean tensorType = false;
      while (r.next()) {
        if (r.field() == VALUE_NAME) {
          name = r.string();
        } else if (r.field() == VALUE_TYPE) {
          ProtoReader typeProto = r.message();
          while (typeProto.next()) {
            if (typeProto.field() == TYPE_TENSOR) {
              tensorType = true;
              ProtoReader tensor = typeProto.message();
              while (tensor.next()) {
                if (tensor.field() == TENSOR_TYPE_ELEM) {
                  type = elementType((int) tensor.varint());
                } else if (tensor.field() == TENSOR_TYPE_SHAPE) {
                  shape = new ArrayList<>();
                  dimNames = new ArrayList<>();
                  ProtoReader shapeProto = tensor.message();
                  while (shapeProto.next()) {
                    if (shapeProto.field() == SHAPE_DIM) {
                      dimension(shapeProto.message(), shape, dimNames);
                    } else {
                      shapeProto.skip();
                    }
                  }
                } else {
                  tensor.skip();
                }
              }
            } else {
              typeProto.skip();
            }
          }
        } else {
          r.skip();
        }
      }
      if (name == null) {
        throw new IllegalArgumentException("a graph input or output has no name");
      }
      if (!tensorType || type == null) {
        throw new IllegalArgumentException("'" + name + "' is not a tensor of a supported element type (sequences and maps are not supported)");
      }
      boolean anyNamed = dimNames != null && dimNames.stream().anyMatch(n -> n != null);
      return new TensorSpec(name, type, shape, anyNamed ? dimNames : null, null, null);
    }

    private static void dimension(ProtoReader r, List<Long> shape, List<String> names) {
      long value = -1;
      String param = null;
      while (r.next()) {
        if (r.field() == DIM_VALUE) {
          value = r.varint();
        } else if (r.field() == DIM_PARAM) {
          param = r.string();
        } else {
          r.skip();
        }
      }
      shape.add(value);
      names.add(value >= 0 ? null : (param == null || param.isEmpty() ? null : param));
    }

    private static ElementType elementType(int onnxCode) {
      switch (onnxCode) {
        case 1:
          return ElementType.FLOAT32;
        case 2:
          return ElementType.UINT8;
        case 3:
          return ElementType.INT8;
        case 5:
          return ElementType.INT16;
        case 6:
          return ElementType.INT32;
        case 7:
          return ElementType.INT64;
        case 8:
          return ElementType.STRING;
        case 9:
          return ElementType.BOOL;
        case 10:
          return ElementType.FLOAT16;
        case 11:
          return ElementType.FLOAT64;
        default:
          throw new IllegalArgumentException(
              "ONNX element type " + onnxCode + " is not supported by ONNX Runtime's Java API (supported: " + ElementType.names() + ")");
      }
    }

    private static void checkDepth(int depth) {
      if (depth > MAX_DEPTH) {
        throw new IllegalArgumentException("graphs nest deeper than " + MAX_DEPTH + " levels");
      }
    }
  }
}
