#!/usr/bin/python3
"""Writes core/src/test/resources/kernels/gelu_expected.json: PyTorch's exact GELU (approximate='none') and its
derivative on a grid of x, in float32 (what a float model computes: PyTorch's CPU kernel) and float64 (the truth),
the reference of clip4j's float erf GELU kernels (VectorKernels.gelu / geluBackward, GeluReferenceTest).

Usage: scripts/gelu-reference.py (Debian's python3-torch)."""
import json
import os

import torch
import torch.nn.functional as F

# every 0.01 over [-8, 8] (the MLP's pre-activations rarely leave [-6, 6]), plus the far tails and signed zeros
xs = [i / 100.0 for i in range(-800, 801)] + [-30.0, -12.5, -9.0, 9.0, 12.5, 30.0, -0.0]
out = {"x": [float(torch.tensor(v, dtype=torch.float32)) for v in xs]}
for dtype, name in [(torch.float32, "f32"), (torch.float64, "f64")]:
    x = torch.tensor(out["x"], dtype=dtype, requires_grad=True)
    y = F.gelu(x)
    (g,) = torch.autograd.grad(y.sum(), x)
    out["gelu_" + name] = [float(v) for v in y.detach()]
    out["grad_" + name] = [float(v) for v in g]
path = os.path.join(os.path.dirname(__file__), "..", "core", "src", "test", "resources", "kernels", "gelu_expected.json")
with open(path, "w") as f:
    json.dump({"torch": torch.__version__, **out}, f)
print("wrote", os.path.normpath(path), len(xs), "points")
