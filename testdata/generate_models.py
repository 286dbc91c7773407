#!/usr/bin/python3
"""Deterministic generator for Fathom's ONNX test models.

Run from anywhere with the system Python (needs the `onnx` and `numpy` modules,
e.g. Debian's python3-onnx / python3-numpy; onnxruntime is NOT needed):

    /usr/bin/python3 testdata/generate_models.py

Writes everything into testdata/models/ (next to this script). Every run gives
byte-identical output: weights come from a fixed numpy seed, no timestamps or
paths are embedded, and expected.json is written with sorted keys.

See testdata/README.md for a description of every model.
"""

import json
import os
import re
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.external_data_helper import set_external_data

OPSET = 17
IR_VERSION = 8
PRODUCER = "fathom-testdata-generator"
SEED = 20240611

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "models")
MAX_BYTES = 100 * 1024

F32 = TensorProto.FLOAT
I64 = TensorProto.INT64


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def make_model(graph):
    model = helper.make_model(
        graph,
        producer_name=PRODUCER,
        producer_version="1",
        opset_imports=[helper.make_opsetid("", OPSET)],
    )
    model.ir_version = IR_VERSION
    return model


def init(name, array):
    # NB: not np.ascontiguousarray -- it silently turns rank-0 arrays into rank 1.
    array = np.asarray(array)
    return numpy_helper.from_array(np.require(array, requirements="C"), name=name)


def save(model, relpath):
    path = os.path.join(OUT, relpath)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = model.SerializeToString()
    with open(path, "wb") as f:
        f.write(data)
    return path


def write_bytes(relpath, data):
    path = os.path.join(OUT, relpath)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return path


def f32_list(a):
    """Flatten a float32 array to JSON floats using the shortest float32 repr,
    so that Java's (float) Double.parseDouble(...) gives back the exact value."""
    a = np.asarray(a, dtype=np.float32).ravel()
    return [float(str(v)) for v in a]


def tensor_json(a):
    a = np.asarray(a)
    if a.dtype == np.float32:
        data = f32_list(a)
    elif a.dtype == np.int64:
        data = [int(v) for v in a.ravel()]
    else:
        raise TypeError(a.dtype)
    return {"shape": list(a.shape), "data": data}


def dump_json(obj):
    """Pretty JSON with sorted keys, but numeric arrays kept on one line."""
    text = json.dumps(obj, indent=1, sort_keys=True)
    text = re.sub(r"\[\s*([-+0-9.eE,\s]*?)\s*\]",
                  lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",") if v.strip()) + "]",
                  text)
    return text + "\n"


def example(inputs, outputs):
    return {
        "inputs": {k: tensor_json(v) for k, v in inputs.items()},
        "outputs": {k: tensor_json(v) for k, v in outputs.items()},
    }


def grid_values(rng, shape, lo=-32, hi=32, denom=16.0):
    """Random inputs that are exactly representable (multiples of 1/16)."""
    return (rng.integers(lo, hi, size=shape).astype(np.float32) / np.float32(denom)).astype(np.float32)


# --------------------------------------------------------------------------
# 1. mlp16
# --------------------------------------------------------------------------

def build_mlp16(rng):
    # Gemm with transB=1, i.e. B is [out, in] like a PyTorch Linear export.
    w1 = rng.normal(0.0, 0.3, size=(32, 16)).astype(np.float32)
    b1 = rng.normal(0.0, 0.1, size=(32,)).astype(np.float32)
    w2 = rng.normal(0.0, 0.3, size=(1, 32)).astype(np.float32)
    b2 = rng.normal(0.0, 0.1, size=(1,)).astype(np.float32)

    nodes = [
        helper.make_node("Gemm", ["input", "w1", "b1"], ["h1"], name="gemm1", transB=1),
        helper.make_node("Relu", ["h1"], ["r1"], name="relu1"),
        helper.make_node("Gemm", ["r1", "w2", "b2"], ["h2"], name="gemm2", transB=1),
        helper.make_node("Sigmoid", ["h2"], ["output"], name="sigmoid"),
    ]
    graph = helper.make_graph(
        nodes, "mlp16",
        [helper.make_tensor_value_info("input", F32, ["N", 16])],
        [helper.make_tensor_value_info("output", F32, ["N", 1])],
        initializer=[init("w1", w1), init("b1", b1), init("w2", w2), init("b2", b2)],
    )

    def ref(x):
        h = np.maximum(x @ w1.T + b1, np.float32(0)).astype(np.float32)
        z = (h @ w2.T + b2).astype(np.float32)
        return (np.float32(1) / (np.float32(1) + np.exp(-z))).astype(np.float32)

    x3 = grid_values(rng, (3, 16))
    x1 = grid_values(rng, (1, 16))
    examples = [
        example({"input": x3}, {"output": ref(x3)}),
        example({"input": x1}, {"output": ref(x1)}),
    ]
    return make_model(graph), examples


def shift_output_bias(model, delta):
    shifted = onnx.ModelProto()
    shifted.CopyFrom(model)
    shifted.graph.name = "mlp16_shifted"
    for i, t in enumerate(shifted.graph.initializer):
        if t.name == "b2":
            b2 = numpy_helper.to_array(t).astype(np.float32) + np.float32(delta)
            shifted.graph.initializer[i].CopyFrom(init("b2", b2))
    return shifted


# --------------------------------------------------------------------------
# 2. all_types
# --------------------------------------------------------------------------

ALL_TYPES = [
    ("float32", TensorProto.FLOAT),
    ("float64", TensorProto.DOUBLE),
    ("int8", TensorProto.INT8),
    ("int16", TensorProto.INT16),
    ("int32", TensorProto.INT32),
    ("int64", TensorProto.INT64),
    ("uint8", TensorProto.UINT8),
    ("bool", TensorProto.BOOL),
    ("string", TensorProto.STRING),
    ("float16", TensorProto.FLOAT16),
]


def build_all_types():
    inputs, outputs, nodes = [], [], []
    for tname, elem in ALL_TYPES:
        # shape=None -> TypeProto.Tensor without a `shape` field: any rank.
        inputs.append(helper.make_tensor_value_info("x_" + tname, elem, None))
        outputs.append(helper.make_tensor_value_info("y_" + tname, elem, None))
        nodes.append(helper.make_node("Identity", ["x_" + tname], ["y_" + tname], name="id_" + tname))
    graph = helper.make_graph(nodes, "all_types", inputs, outputs)
    return make_model(graph)


# --------------------------------------------------------------------------
# 3. recurrent
# --------------------------------------------------------------------------

def build_recurrent(rng):
    W = rng.normal(0.0, 0.5, size=(4, 8)).astype(np.float32)
    U = rng.normal(0.0, 0.3, size=(8, 8)).astype(np.float32)
    b = rng.normal(0.0, 0.1, size=(8,)).astype(np.float32)
    V = rng.normal(0.0, 0.5, size=(8, 2)).astype(np.float32)
    c = rng.normal(0.0, 0.1, size=(2,)).astype(np.float32)
    one = np.array(1, dtype=np.int64)  # rank-0 int64

    nodes = [
        helper.make_node("MatMul", ["x", "W"], ["xw"], name="xw"),
        helper.make_node("MatMul", ["state_in", "U"], ["su"], name="su"),
        helper.make_node("Add", ["xw", "su"], ["pre0"], name="add_xs"),
        helper.make_node("Add", ["pre0", "b"], ["pre"], name="add_b"),
        helper.make_node("Tanh", ["pre"], ["state_out"], name="tanh"),
        helper.make_node("MatMul", ["state_out", "V"], ["sv"], name="sv"),
        helper.make_node("Add", ["sv", "c"], ["y"], name="add_c"),
        helper.make_node("Add", ["step", "one"], ["step_out"], name="step_inc"),
    ]
    graph = helper.make_graph(
        nodes, "recurrent",
        [
            helper.make_tensor_value_info("x", F32, ["N", 4]),
            helper.make_tensor_value_info("step", I64, []),
            helper.make_tensor_value_info("state_in", F32, ["N", 8]),
        ],
        [
            helper.make_tensor_value_info("y", F32, ["N", 2]),
            helper.make_tensor_value_info("state_out", F32, ["N", 8]),
            helper.make_tensor_value_info("step_out", I64, []),
        ],
        initializer=[init("W", W), init("U", U), init("b", b), init("V", V), init("c", c), init("one", one)],
    )

    def ref(x, step, s):
        s_out = np.tanh((x @ W + s @ U + b).astype(np.float32)).astype(np.float32)
        y = (s_out @ V + c).astype(np.float32)
        return y, s_out, np.array(step + 1, dtype=np.int64)

    # two consecutive steps, batch of 2; state starts at zero
    x0 = grid_values(rng, (2, 4))
    x1 = grid_values(rng, (2, 4))
    s0 = np.zeros((2, 8), dtype=np.float32)
    step0 = np.array(0, dtype=np.int64)
    y0, s1, step1 = ref(x0, step0, s0)
    y1, s2, step2 = ref(x1, step1, s1)
    examples = [
        example({"x": x0, "step": step0, "state_in": s0},
                {"y": y0, "state_out": s1, "step_out": step1}),
        example({"x": x1, "step": step1, "state_in": s1},
                {"y": y1, "state_out": s2, "step_out": step2}),
    ]
    return make_model(graph), examples


# --------------------------------------------------------------------------
# 4. tabular_classifier
# --------------------------------------------------------------------------

def build_tabular_classifier():
    # Gemm (transB=0): logits = input[N,4] @ W[4,2] + B[2]. Column 0 = "legit",
    # column 1 = "fraud". Features 0 and 3 push towards fraud, features 1 and 2
    # only weakly matter; the bias favours "legit" for an all-zero row.
    W = np.array([
        [-1.0, 1.0],    # feature 0: amount-like, strong fraud signal
        [0.25, -0.25],  # feature 1: weak legit signal
        [0.125, -0.125],  # feature 2: very weak legit signal
        [-0.75, 0.75],  # feature 3: strong fraud signal
    ], dtype=np.float32)
    B = np.array([0.5, -0.5], dtype=np.float32)

    nodes = [
        helper.make_node("Gemm", ["input", "W", "B"], ["logits"], name="gemm"),
        helper.make_node("Softmax", ["logits"], ["probabilities"], name="softmax", axis=1),
        helper.make_node("ArgMax", ["probabilities"], ["label"], name="argmax", axis=1, keepdims=0),
    ]
    graph = helper.make_graph(
        nodes, "tabular_classifier",
        [helper.make_tensor_value_info("input", F32, ["N", 4])],
        [
            helper.make_tensor_value_info("probabilities", F32, ["N", 2]),
            helper.make_tensor_value_info("label", I64, ["N"]),
        ],
        initializer=[init("W", W), init("B", B)],
    )

    def ref(x):
        z = (x @ W + B).astype(np.float32)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z).astype(np.float32)
        p = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
        return p, np.argmax(p, axis=1).astype(np.int64)

    fraud = np.array([[3.0, 0.0, 0.0, 2.5]], dtype=np.float32)
    legit = np.array([[0.0, 1.0, 1.0, 0.0]], dtype=np.float32)
    batch = np.array([
        [3.0, 0.0, 0.0, 2.5],    # fraud
        [0.0, 1.0, 1.0, 0.0],    # legit
        [0.25, 0.5, 0.5, 0.0],   # mild -> legit
        [2.0, -1.0, 0.0, 1.5],   # fraud
    ], dtype=np.float32)
    examples = []
    for x in (fraud, legit, batch):
        p, lbl = ref(x)
        examples.append(example({"input": x}, {"probabilities": p, "label": lbl}))
    return make_model(graph), examples


# --------------------------------------------------------------------------
# 5. regressor
# --------------------------------------------------------------------------

def build_regressor():
    W = np.array([[0.5], [-1.25], [2.0]], dtype=np.float32)
    B = np.array([0.75], dtype=np.float32)
    nodes = [
        helper.make_node("MatMul", ["input", "W"], ["xw"], name="matmul"),
        helper.make_node("Add", ["xw", "B"], ["prediction"], name="add"),
    ]
    graph = helper.make_graph(
        nodes, "regressor",
        [helper.make_tensor_value_info("input", F32, ["N", 3])],
        [helper.make_tensor_value_info("prediction", F32, ["N", 1])],
        initializer=[init("W", W), init("B", B)],
    )

    def ref(x):
        return (x @ W + B).astype(np.float32)

    x1 = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
    x3 = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [-2.0, 0.5, 0.25]], dtype=np.float32)
    examples = [example({"input": x}, {"prediction": ref(x)}) for x in (x1, x3)]
    return make_model(graph), examples


# --------------------------------------------------------------------------
# 6-8. external data models
# --------------------------------------------------------------------------

def external_w():
    # Deterministic, exactly representable 4x4 matrix.
    return (np.arange(16, dtype=np.float32).reshape(4, 4) / np.float32(8) - np.float32(1)).astype(np.float32)


def build_external(location):
    W = external_w()
    t = numpy_helper.from_array(W, name="W")
    set_external_data(t, location=location, offset=0, length=W.nbytes)
    t.ClearField("raw_data")
    t.data_location = TensorProto.EXTERNAL
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["y"], name="matmul")],
        "external_data",
        [helper.make_tensor_value_info("x", F32, ["N", 4])],
        [helper.make_tensor_value_info("y", F32, ["N", 4])],
        initializer=[t],
    )
    return make_model(graph)


def external_examples():
    W = external_w()
    x1 = np.array([[1.0, 0.0, 0.0, 0.0]], dtype=np.float32)
    x2 = np.array([[1.0, 2.0, 3.0, 4.0], [-0.5, 0.25, 0.0, 2.0]], dtype=np.float32)
    return [example({"x": x}, {"y": (x @ W).astype(np.float32)}) for x in (x1, x2)]


# --------------------------------------------------------------------------

def check_declared_shapes(path):
    """The checker does not run shape inference. Run it strictly and make sure
    the inferred graph-output types agree with what we declared (this catches
    e.g. a rank-1 constant turning a declared scalar output into shape [1])."""
    model = onnx.load(path)
    inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    for declared, got in zip(model.graph.output, inferred.graph.output):
        assert declared == got, "%s: output %s declared %s but inferred %s" % (
            path, declared.name, declared.type, got.type)


def check_unshaped_model(path):
    """onnx.checker (1.12 and later) insists that top-level graph inputs and
    outputs carry a `shape` field (IR.md: model inputs/outputs "are required to
    have a shape"), so all_types.onnx -- deliberately shape-less to exercise the
    "any rank" path -- cannot pass check_model verbatim, although ONNX Runtime
    loads it fine. We therefore (a) run the full checker on a copy in which only
    that presence rule is satisfied (an empty shape is attached to every graph
    input/output; nothing else is changed), and (b) run strict shape/type
    inference on the original file."""
    model = onnx.load(path)
    onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    for vi in list(probe.graph.input) + list(probe.graph.output):
        assert not vi.type.tensor_type.HasField("shape"), vi.name
        vi.type.tensor_type.shape.SetInParent()
    onnx.checker.check_model(probe, full_check=True)


def check_malicious_external_model(path):
    """onnx.checker tries to open external-data files (relative to the model
    directory, or to the CWD for in-memory models), so it cannot be pointed at
    the refusal fixtures directly: "../weights.bin" does not exist on purpose and
    "/etc/hostname" would make the result host-dependent. Check the graph with
    the initializer inlined instead, and assert the external reference is the
    one we meant to write."""
    model = onnx.load(path, load_external_data=False)
    (t,) = model.graph.initializer
    assert t.data_location == TensorProto.EXTERNAL and not t.raw_data
    entries = {e.key: e.value for e in t.external_data}
    assert entries["location"] in ("../weights.bin", "/etc/hostname"), entries
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    probe.graph.initializer[0].CopyFrom(numpy_helper.from_array(external_w(), name=t.name))
    onnx.checker.check_model(probe, full_check=True)


def main():
    rng = np.random.default_rng(SEED)
    os.makedirs(OUT, exist_ok=True)
    written = []
    expected = {}

    mlp, expected["mlp16"] = build_mlp16(rng)
    written.append(save(mlp, "mlp16.onnx"))
    # Same graph, output bias +2: a "new version" whose predictions differ from mlp16's, so
    # hot-reload tests can tell which version answered.
    written.append(save(shift_output_bias(mlp, 2.0), "mlp16_shifted.onnx"))

    written.append(save(build_all_types(), "all_types.onnx"))

    rec, expected["recurrent"] = build_recurrent(rng)
    written.append(save(rec, "recurrent.onnx"))

    tab, expected["tabular_classifier"] = build_tabular_classifier()
    written.append(save(tab, "tabular_classifier.onnx"))

    reg, expected["regressor"] = build_regressor()
    written.append(save(reg, "regressor.onnx"))

    # 6. legitimate external data: weights.bin next to model.onnx
    written.append(save(build_external("weights.bin"), "external_data/model.onnx"))
    written.append(write_bytes("external_data/weights.bin", external_w().astype("<f4").tobytes()))
    expected["external_data"] = external_examples()

    # 7/8. malicious fixtures: no weights file is written for these.
    written.append(save(build_external("../weights.bin"), "external_escape/model.onnx"))
    written.append(save(build_external("/etc/hostname"), "external_absolute/model.onnx"))

    exp_path = os.path.join(OUT, "expected.json")
    with open(exp_path, "w", encoding="utf-8", newline="\n") as f:
        f.write(dump_json(expected))
    written.append(exp_path)

    # Validate. Model 6 is checked by path so the checker can see weights.bin;
    # models 7/8 are checked in memory (the checker must not resolve their
    # deliberately bad locations -- refusing them is the loader's job).
    for p in written:
        if not p.endswith(".onnx"):
            continue
        if "external_escape" in p or "external_absolute" in p:
            check_malicious_external_model(p)
        elif p.endswith("all_types.onnx"):
            check_unshaped_model(p)
        else:
            onnx.checker.check_model(p)
            check_declared_shapes(p)

    for p in written:
        size = os.path.getsize(p)
        if size > MAX_BYTES:
            sys.exit("%s is %d bytes (> %d)" % (p, size, MAX_BYTES))
        print("%7d  %s" % (size, os.path.relpath(p, HERE)))


if __name__ == "__main__":
    main()
