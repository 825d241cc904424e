"""Synthetic inputs shared by every engine, as raw little-endian files (so Java reads them without a parser).

pixels: float32 [n, 3, 224, 224], values like normalised image pixels; tokens: int32 [m, 77],
SOT ... EOT then zeros, as clip.tokenize gives. Files start with an int32 count, then the values.
"""
import numpy as np

SOT, EOT, CONTEXT, RES = 49406, 49407, 77, 224


def synthetic_pixels(n, seed=1):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1.8, 2.2, size=(n, 3, RES, RES)).astype(np.float32)


def synthetic_tokens(m, length, context=CONTEXT, seed=2):
    """m rows of `length` tokens (SOT + random words + EOT), zero-padded to the context."""
    rng = np.random.default_rng(seed)
    t = np.zeros((m, context), dtype=np.int32)
    t[:, 0] = SOT
    t[:, 1:length - 1] = rng.integers(1, SOT, size=(m, length - 2))
    t[:, length - 1] = EOT
    return t


def agreement_tokens():
    """Texts of different lengths: 3, 7, 10, 20 and 77 tokens."""
    rows = [synthetic_tokens(1, n, seed=10 + n)[0] for n in (3, 7, 10, 20, 77)]
    return np.stack(rows)


def write_pixels(path, px):
    _write(path, px.shape[0], px.astype("<f4"))


def write_tokens(path, tok):
    _write(path, tok.shape[0], tok.astype("<i4"))


def write_f32(path, a):
    _write(path, a.shape[0], np.ascontiguousarray(a, dtype="<f4"))


def _write(path, n, arr):
    with open(path, "wb") as f:
        f.write(np.array([n], dtype="<i4").tobytes())
        f.write(arr.tobytes())


def read_pixels(path):
    n, a = _read(path, "<f4")
    return a.reshape(n, 3, RES, RES).copy()


def read_tokens(path):
    n, a = _read(path, "<i4")
    return a.reshape(n, -1).copy()


def read_f32(path):
    n, a = _read(path, "<f4")
    return a.reshape(n, -1).astype(np.float64)


def _read(path, dtype):
    with open(path, "rb") as f:
        n = int(np.frombuffer(f.read(4), dtype="<i4")[0])
        return n, np.frombuffer(f.read(), dtype=dtype)
