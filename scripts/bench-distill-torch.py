#!/usr/bin/python3
"""Distillation-step throughput in PyTorch on the CPU, for comparison with clip4j's
(`java ... io.clip4j.distill.DistillThroughput`): a ViT-B/32 image tower as the teacher (inference only, no
gradient), a 384-wide, 6-layer, 12-head student ViT trained against it with clip4j's loss (T^2 KL over the batch's
own teacher embeddings as anchors + L1 on the unit embeddings), AdamW (betas 0.9/0.98, eps 1e-6, wd 0.05). Two
cases per batch: the teacher runs on every step (epoch 1), or its embeddings come from a cache (later epochs).
Usage: bench-distill-torch.py [--threads 2] [--steps 3] BATCH..."""
import argparse
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench", "python"))
import clip_vit  # noqa: E402


def loss_fn(student_raw, teacher_unit, anchors, scale=100.0, temperature=4.0, lam=1.0):
    u = F.normalize(student_raw, dim=-1)
    zt = scale * teacher_unit @ anchors.T
    zs = scale * u @ anchors.T
    kl = F.kl_div(F.log_softmax(zs / temperature, dim=-1), F.softmax(zt / temperature, dim=-1), reduction="batchmean")
    return temperature ** 2 * kl + lam * F.l1_loss(u, teacher_unit)


def bench(batch, steps, cached):
    torch.manual_seed(0)
    teacher = clip_vit.VisionTransformer(224, 32, 768, 12, 12, 512).eval()
    student = clip_vit.VisionTransformer(224, 32, 384, 6, 12, 512)
    no_decay = lambda n, p: p.ndim < 2 or any(k in n for k in ("bn", "ln", "bias"))
    opt = torch.optim.AdamW([{"params": [p for n, p in student.named_parameters() if not no_decay(n, p)], "weight_decay": 0.05},
                             {"params": [p for n, p in student.named_parameters() if no_decay(n, p)], "weight_decay": 0.0}],
                            lr=5e-4, betas=(0.9, 0.98), eps=1e-6)
    pixels = torch.randn(batch, 3, 224, 224)
    with torch.no_grad():
        cache = F.normalize(teacher(pixels), dim=-1)
    times = []
    for s in range(steps + 1):  # the first step warms up (allocations)
        t0 = time.perf_counter()
        if cached:
            t = cache
        else:
            with torch.no_grad():
                t = F.normalize(teacher(pixels), dim=-1)
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(student(pixels), t, t)
        loss.backward()
        opt.step()
        times.append(time.perf_counter() - t0)
    t = sorted(times[1:])[len(times[1:]) // 2]
    what = "teacher cached" if cached else "teacher every step"
    print(f"distill ViT-B/32 -> 384/6/12 batch {batch}, {what}: {batch / t:.1f} images/s ({t:.3f} s/step, median of {steps}, "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads)", flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("batches", nargs="*", type=int, default=[32])
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    for b in a.batches:
        for cached in (False, True):
            bench(b, a.steps, cached)
