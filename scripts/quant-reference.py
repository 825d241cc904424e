#!/usr/bin/python3
"""Writes core/src/test/resources/quant/{q8_0,q4_0}.safetensors: a reference for clip4j's block quantisation computed
with numpy (float32 arithmetic, as ggml's quantize_row_q8_0_ref / quantize_row_q4_0_ref do it).

Each file is a quantised clip4j weight file (see README, "Quantised weights") holding weight "w" of shape [7, 77]
(77 = 2 blocks of 32 + 13: the last block of each row is padded with zeros) as "w.q8"/"w.q4" + "w.scale", with
__metadata__ {"clip4j.quant": scheme, "clip4j.shape.w": "[7, 77]"}, plus two plain F32 tensors for the test:
"input" (the matrix that was quantised) and "dequantised" (q * d, or (q - 8) * d, with the fp16 scale d).

Rows are chosen to exercise the rules: random values, a zero row (d = 0), a row whose largest |x| is negative, ties
in |x| (q4_0 keeps the first), values landing on .5 after scaling, and a row of large values.

Usage: /usr/bin/python3 scripts/quant-reference.py"""
import json
import os
import struct

import numpy as np

BLOCK = 32
ROWS, COLS = 7, 77


def fixture_input():
    rng = np.random.default_rng(12)
    x = (rng.standard_normal((ROWS, COLS)) * 0.05).astype(np.float32)
    x[1] = 0.0                                     # all-zero blocks: d = 0, q = 0 (q8) / 8 (q4)
    x[2, 5] = -0.4                                 # largest |x| negative: q4 scale positive
    x[3, 0], x[3, 9] = 0.3, -0.3                   # a tie in |x|: q4_0 keeps the first (0.3)
    x[4, :32] = np.arange(32, dtype=np.float32) / 31 * 127 / 254  # many halves after scaling by 1/d
    x[5] *= 1000.0                                 # large weights still fit an fp16 scale
    x[6, 40:] = -x[6, 40:]
    return x


def blocks(x):
    """x [rows, cols] zero-padded to [rows, nb, 32]."""
    nb = (x.shape[1] + BLOCK - 1) // BLOCK
    padded = np.zeros((x.shape[0], nb * BLOCK), dtype=np.float32)
    padded[:, :x.shape[1]] = x
    return padded.reshape(x.shape[0], nb, BLOCK)


def round_away(v):
    """C's roundf: to nearest, halves away from zero (in float64: a float32 plus 0.5 is exact there)."""
    v = v.astype(np.float64)
    return np.copysign(np.floor(np.abs(v) + 0.5), v)


def q8_0(x):
    b = blocks(x)
    amax = np.abs(b).max(axis=2)
    d = (amax / np.float32(127)).astype(np.float32)
    with np.errstate(divide="ignore"):
        inv = np.where(d != 0, np.float32(1) / d, np.float32(0)).astype(np.float32)
    q = round_away((b * inv[:, :, None]).astype(np.float32)).astype(np.int8)
    d16 = d.astype(np.float16)
    deq = (q.astype(np.float32) * d16.astype(np.float32)[:, :, None]).reshape(x.shape[0], -1)[:, :x.shape[1]]
    return q.reshape(x.shape[0], -1), d16, deq


def q4_0(x):
    b = blocks(x)
    first = np.abs(b).argmax(axis=2)              # argmax keeps the first of equal |x|
    m = np.take_along_axis(b, first[:, :, None], axis=2)[:, :, 0]
    d = (m / np.float32(-8)).astype(np.float32)
    with np.errstate(divide="ignore"):
        inv = np.where(d != 0, np.float32(1) / d, np.float32(0)).astype(np.float32)
    scaled = (b * inv[:, :, None]).astype(np.float32)
    q = np.minimum(15, np.trunc((scaled + np.float32(8.5)).astype(np.float32))).astype(np.uint8)
    packed = (q[:, :, :16] | (q[:, :, 16:] << 4)).astype(np.uint8)  # byte j: weight j low, weight j + 16 high
    d16 = d.astype(np.float16)
    deq = ((q.astype(np.float32) - 8) * d16.astype(np.float32)[:, :, None]).reshape(x.shape[0], -1)[:, :x.shape[1]]
    return packed.reshape(x.shape[0], -1), d16, deq


def write_safetensors(path, tensors, metadata):
    dtypes = {np.dtype(np.float32): "F32", np.dtype(np.float16): "F16", np.dtype(np.int8): "I8", np.dtype(np.uint8): "U8"}
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, a in tensors.items():
        raw = np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtypes[a.dtype], "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def main():
    out = os.path.join(os.path.dirname(__file__), "..", "core", "src", "test", "resources", "quant")
    os.makedirs(out, exist_ok=True)
    x = fixture_input()
    for scheme, fn, suffix in (("q8_0/32", q8_0, "q8"), ("q4_0/32", q4_0, "q4")):
        q, d, deq = fn(x)
        path = os.path.join(out, scheme.split("/")[0] + ".safetensors")
        write_safetensors(path, {"input": x, "dequantised": deq.astype(np.float32), "w." + suffix: q, "w.scale": d},
                          {"clip4j.quant": scheme, "clip4j.shape.w": "[%d, %d]" % (ROWS, COLS)})
        err = np.linalg.norm(deq - x) / np.linalg.norm(x)
        print("%s: %s, relative L2 error %.4g" % (path, scheme, err))


if __name__ == "__main__":
    main()
