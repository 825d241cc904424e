#!/usr/bin/python3
"""Writes core/src/test/resources/distill/loss_expected.json: the distillation loss of clip4j's DistillLoss computed by
PyTorch (float64), with its gradient with respect to the raw student embeddings, for several temperatures, L1
weights and anchor sets. The formula (with u = s / |s|, t and A unit vectors):

    z_t = scale * t @ A.T ; z_s = scale * u @ A.T
    loss = T^2 * kl_div(log_softmax(z_s / T), softmax(z_t / T), reduction='batchmean') + lam * l1_loss(u, t)

Usage: scripts/distill-loss-reference.py (Debian's python3-torch)."""
import json
import os

import torch
import torch.nn.functional as F


def case(name, batch, m, embed, temperature, lam, scale, seed, anchors_are_teacher=False):
    g = torch.Generator().manual_seed(seed)
    s = torch.randn(batch, embed, generator=g, dtype=torch.float64) * 3.0
    t = F.normalize(torch.randn(batch, embed, generator=g, dtype=torch.float64), dim=-1)
    a = t.clone() if anchors_are_teacher else F.normalize(torch.randn(m, embed, generator=g, dtype=torch.float64), dim=-1)
    # the Java side gets float32 inputs: round them first so both compute on the same values
    s, t, a = s.float().double(), t.float().double(), a.float().double()
    s.requires_grad_(True)
    u = F.normalize(s, dim=-1)
    zt = scale * t @ a.T
    zs = scale * u @ a.T
    kl = F.kl_div(F.log_softmax(zs / temperature, dim=-1), F.softmax(zt / temperature, dim=-1), reduction="batchmean")
    l1 = F.l1_loss(u, t)
    loss = temperature ** 2 * kl + lam * l1
    loss.backward()
    return {
        "name": name, "batch": batch, "m": a.shape[0], "embed": embed, "temperature": temperature, "l1_weight": lam,
        "scale": scale, "student": s.detach().flatten().tolist(), "teacher": t.flatten().tolist(),
        "anchors": a.flatten().tolist(), "loss": loss.item(), "kl": kl.item(), "l1": l1.item(),
        "gradient": s.grad.flatten().tolist(),
    }


cases = [
    case("text anchors, T=4, lambda=1", 6, 9, 16, 4.0, 1.0, 100.0, 1),
    case("text anchors, T=2, lambda=0", 5, 7, 12, 2.0, 0.0, 100.0, 2),
    case("batch anchors, T=4, lambda=0.5", 8, 8, 16, 4.0, 0.5, 100.0, 3, anchors_are_teacher=True),
    case("T=1, low scale, lambda=2", 3, 11, 10, 1.0, 2.0, 14.3, 4),
]
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "core", "src", "test", "resources", "distill", "loss_expected.json")
with open(out, "w") as f:
    json.dump({"generator": "scripts/distill-loss-reference.py", "torch": torch.__version__, "cases": cases}, f)
print("wrote", os.path.normpath(out))
