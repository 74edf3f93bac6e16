#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (Fuzz/corpus/<target>/): small valid files and
near-misses, one per file. Run once by hand (needs numpy); the files are committed, so building
and fuzzing never run Python. Regenerating gives the same bytes."""
import gzip
import io
import json
import os
import struct

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def npy(array, version=None):
    buf = io.BytesIO()
    if version is None:
        np.save(buf, array)
    else:
        np.lib.format.write_array(buf, array, version=version)
    return buf.getvalue()


def npy_header(header, data=b"", version=1):
    text = header.encode("latin1")
    pre = 10 if version == 1 else 12
    pad = (64 - (pre + len(text) + 1) % 64) % 64
    text += b" " * pad + b"\n"
    length = struct.pack("<H", len(text)) if version == 1 else struct.pack("<I", len(text))
    return b"\x93NUMPY" + bytes([version, 0]) + length + text + data


def gz(data):
    # mtime 0 so the bytes are reproducible.
    return gzip.compress(data, mtime=0)


# --- .npy: every dtype ModeLattice reads, shapes from scalar to 4-d, versions 1–3, near-misses.
rng = np.random.default_rng(0)
for dtype in ["bool", "uint8", "int32", "int64", "float32", "float64"]:
    a = (rng.integers(0, 3, size=(2, 3)) if dtype != "bool" else rng.integers(0, 2, size=(2, 3))).astype(dtype)
    put("npy", f"valid-{dtype}-2x3.npy", npy(a))
put("npy", "valid-scalar-f4.npy", npy(np.array(1.5, dtype="<f4")))
put("npy", "valid-empty-i8.npy", npy(np.zeros((0,), dtype="<i8")))
put("npy", "valid-4d-u1.npy", npy(np.arange(8, dtype="u1").reshape(1, 2, 2, 2)))
put("npy", "valid-v2-f8.npy", npy(np.arange(3, dtype="<f8"), version=(2, 0)))
put("npy", "valid-v3-f4.npy", npy(np.arange(3, dtype="<f4"), version=(3, 0)))
put("npy", "valid-long-shape.npy", npy_header("{'descr': '<i4', 'fortran_order': False, 'shape': (2L,), }", b"\1\0\0\0\2\0\0\0"))
put("npy", "miss-fortran.npy", npy(np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3))))
put("npy", "miss-big-endian.npy", npy(np.arange(3, dtype=">f4")))
put("npy", "miss-complex.npy", npy(np.arange(2, dtype="<c8")))
put("npy", "miss-truncated-data.npy", npy(np.arange(6, dtype="<f4"))[:-3])
put("npy", "miss-truncated-header.npy", npy(np.arange(6, dtype="<f4"))[:30])
put("npy", "miss-shape-parens.npy", npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': )(, }"))
put("npy", "miss-shape-overflow.npy", npy_header("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }"))
put("npy", "miss-version-9.npy", b"\x93NUMPY\x09\x00" + npy(np.arange(1, dtype="<f4"))[8:])
put("npy", "miss-magic.npy", b"\x93NUMPX\x01\x00\x00\x00")

# --- safetensors: a loadable model (mlp:2-3-2 with its spec), other dtypes, near-misses.
def safetensors(tensors, metadata=None, pad=True):
    header, blobs, offset = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    if pad:
        text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def f32(*shape):
    return ("F32", list(shape), np.arange(int(np.prod(shape)), dtype="<f4").tobytes())


mlp = {"0.weight": f32(3, 2), "0.bias": f32(3), "2.weight": f32(2, 3), "2.bias": f32(2)}
put("safetensors", "valid-mlp.safetensors", safetensors(mlp, {"spec": "mlp:2-3-2", "format": "pt"}))
put("safetensors", "valid-cnn-bn.safetensors", safetensors({
    "0.weight": f32(2, 1, 3, 3), "0.bias": f32(2),
    "1.weight": f32(2), "1.bias": f32(2), "1.running_mean": f32(2), "1.running_var": f32(2),
    "1.num_batches_tracked": ("I64", [], struct.pack("<q", 7)),
    "4.weight": f32(3, 8), "4.bias": f32(3)}, {"spec": "cnn:1x4x4:c2k3-b-r-f-l3"}))
put("safetensors", "valid-dtypes.safetensors", safetensors({
    "a": ("F64", [2], struct.pack("<2d", 1.0, -2.0)), "b": ("F16", [2], np.array([1, 2], "<f2").tobytes()),
    "c": ("BF16", [1], b"\x80\x3f"), "d": ("I32", [1], struct.pack("<i", -3)), "e": ("I16", [1], b"\x01\x00"),
    "f": ("I8", [2], b"\x01\xff"), "g": ("U8", [1], b"\x07"), "h": ("BOOL", [1], b"\x01"),
    "empty": ("F32", [0, 3], b"")}, {"note": "line\nbreak"}, pad=False))
put("safetensors", "miss-no-spec.safetensors", safetensors(mlp))
put("safetensors", "miss-wrong-spec.safetensors", safetensors(mlp, {"spec": "mlp:2-4-2"}))
put("safetensors", "miss-huge-spec.safetensors", safetensors(mlp, {"spec": "mlp:100000000-100000000"}))
put("safetensors", "miss-nan.safetensors", safetensors(
    {**mlp, "0.bias": ("F32", [3], np.array([0, np.nan, 1], "<f4").tobytes())}, {"spec": "mlp:2-3-2"}))
over = bytearray(safetensors(mlp, {"spec": "mlp:2-3-2"}))
put("safetensors", "miss-truncated.safetensors", bytes(over[:-5]))
put("safetensors", "miss-header-length.safetensors", struct.pack("<Q", 1 << 40) + b"{}")
def raw_safetensors(header, data=b""):
    return struct.pack("<Q", len(header)) + header + data


put("safetensors", "miss-offsets.safetensors",
    raw_safetensors(b'{"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}', b"\0" * 8))
put("safetensors", "miss-overlap.safetensors", raw_safetensors(
    b'{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}', b"\0" * 8))
put("safetensors", "miss-overflow.safetensors",
    raw_safetensors(b'{"a":{"dtype":"F64","shape":[4611686018427387904,2],"data_offsets":[0,0]}}'))
put("safetensors", "miss-not-json.safetensors", raw_safetensors(b"{x:1"))

# --- IDX: labels [N] and images [N, H, W], plain and gzip (one and two members), near-misses.
labels = struct.pack(">I", 0x00000801) + struct.pack(">I", 5) + bytes([0, 1, 2, 9, 3])
images = struct.pack(">I", 0x00000803) + struct.pack(">3I", 2, 3, 3) + bytes(range(18))
put("idx", "valid-labels.idx1", labels)
put("idx", "valid-images.idx3", images)
put("idx", "valid-labels.idx1.gz", gz(labels))
put("idx", "valid-images.idx3.gz", gz(images))
put("idx", "valid-two-members.gz", gz(images[:20]) + gz(images[20:]))
put("idx", "miss-truncated.gz", gz(images)[:-6])
put("idx", "miss-count.idx1", struct.pack(">I", 0x00000801) + struct.pack(">I", 6) + bytes(5))
put("idx", "miss-float-type.idx1", struct.pack(">I", 0x00000D01) + struct.pack(">I", 1) + bytes(4))
put("idx", "miss-overflow.idx", struct.pack(">I", 0x00000803) + struct.pack(">3I", 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF))
put("idx", "miss-no-dims.idx", struct.pack(">I", 0x00000800))
put("idx", "miss-garbage.gz", b"\x1f\x8b\x08\x00" + bytes(12))

# --- architecture specs: every family and token, and near-misses.
specs = {
    "valid-mlp": "mlp:784-256-256-10", "valid-mlp-tanh": "mlp:4-8-3:tanh", "valid-mlp-gelu": "mlp:2-2:gelu",
    "valid-lenet": "cnn:1x28x28:c6k5p2-t-a2-c16k5-t-a2-f-l120-t-l84-t-l10",
    "valid-vgg": "cnn:1x28x28:c32k3p1-r-c32k3p1-r-m2-c64k3p1-r-c64k3p1-r-m2-f-l256-r-l10",
    "valid-bn": "cnn:3x8x8:c4k3s2p1n-b-g-m3s2p1-f-l2", "valid-resnet": "resnet18-cifar:num_classes=10,width=2,input=3x8x8",
    "valid-resnet-imagenet": "resnet18:width=1,input=1x16x16,num_classes=3",
    "miss-empty-token": "cnn:1x4x4:c2k3--f-l2", "miss-no-flatten": "cnn:1x4x4:c2k3-l2",
    "miss-kernel": "cnn:1x4x4:c2k9", "miss-huge": "mlp:16777216-16777216", "miss-overflow": "mlp:99999999999999999999-1",
    "miss-flatten-overflow": "cnn:16777216x16777216x16777216:f-l1", "miss-activation": "mlp:3-3:swish",
    "miss-resnet-option": "resnet18:depth=50", "miss-newline": "mlp:2-\n3",
}
for name, text in specs.items():
    put("spec", name + ".txt", text.encode())

# --- experiment catalog entries (as experiments/fuzz.json): typed and command-line, near-misses.
EXPERIMENTS = os.path.join(os.path.dirname(ROOT), "..", "experiments")


def entry(name, value):
    put("catalog", name + ".json", json.dumps(value, indent=2, sort_keys=True).encode())


typed = {"name": "fuzz", "description": "stand-in sweep", "experiment": "fuzz_sweep", "seed": 3,
         "configuration": {"dim": 3, "kind": "bond", "window": {"low": 0.1}, "model": "{results}/m.safetensors"},
         "profiles": {"tiny": {"size": 8}, "quick": {"size": 16, "wrap": False}, "full": {"size": 32, "widths": [1, 2]}},
         "outputs": {"summary": "fuzz_summary.csv"}}
entry("valid-typed", typed)
for real in ["percolation_curves_d2.json", "lattice_grow.json", "network_train_mlp.json"]:
    path = os.path.join(EXPERIMENTS, real)
    if os.path.exists(path):
        with open(path) as f:
            value = json.load(f)
        value["name"] = "fuzz"
        value.pop("requires", None)
        entry("real-" + real[:-5], value)
# The former command-line entries are rejected by name (their keys are listed in ExperimentSpec).
entry("miss-legacy-command", {**typed, "command": ["percolation", "sweep"], "arguments": ["--size", "8"]})
entry("miss-typed-array-profile", {**typed, "profiles": {**typed["profiles"], "full": ["--size", "8"]}})
entry("miss-unknown-field", {**typed, "configuration": {"dimm": 3}})
entry("miss-wrong-type", {**typed, "configuration": {"dim": "three"}})
entry("miss-name", {**typed, "name": "other"})
entry("miss-profile", {**typed, "profiles": {"tiny": {}, "quick": {}}})
entry("miss-both", {**typed, "command": ["x"]})
entry("miss-cycle", {**typed, "requires": ["fuzz"]})
entry("miss-requires-unknown", {**typed, "requires": ["nowhere"]})
put("catalog", "miss-not-json.json", b'{"name": "fuzz", ')
