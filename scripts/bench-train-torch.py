#!/usr/bin/python3
"""Training-step throughput of a CLIP (OpenAI's ViT + text transformer architecture) in PyTorch on the CPU, for
comparison with clip4j's pure-Java trainer (`java ... io.clip4j.train.TrainThroughput`). Same shapes, same loss,
AdamW (betas 0.9/0.98, eps 1e-6, wd 0.2), random pixels and random tokens with the EOT token last (the whole
context is computed, as in OpenAI's model). Usage: bench-train-torch.py [--threads 2] [--steps 3] MODEL:BATCH...
with MODEL quickstart or vit-b-32. Prints one line per case: images/s."""
import argparse
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

MODELS = {
    # embed, image, patch, vision width, vision layers, vision heads, context, text width, text heads, text layers, quick_gelu
    "quickstart": (128, 16, 4, 128, 3, 4, 24, 128, 4, 1, False),
    "vit-b-32": (512, 224, 32, 768, 12, 12, 77, 512, 8, 12, True),
}


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class Block(nn.Module):
    def __init__(self, width, heads, quick, mask=None):
        super().__init__()
        self.attn = nn.MultiheadAttention(width, heads)
        self.ln_1 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), QuickGELU() if quick else nn.GELU(), nn.Linear(4 * width, width))
        self.ln_2 = nn.LayerNorm(width)
        self.mask = mask

    def forward(self, x):
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, need_weights=False, attn_mask=self.mask)[0]
        return x + self.mlp(self.ln_2(x))


class Clip(nn.Module):
    def __init__(self, embed, image, patch, vw, vl, vh, ctx, tw, th, tl, quick):
        super().__init__()
        self.conv1 = nn.Conv2d(3, vw, patch, patch, bias=False)
        s = vw ** -0.5
        self.class_embedding = nn.Parameter(s * torch.randn(vw))
        self.vpos = nn.Parameter(s * torch.randn((image // patch) ** 2 + 1, vw))
        self.ln_pre = nn.LayerNorm(vw)
        self.vblocks = nn.Sequential(*[Block(vw, vh, quick) for _ in range(vl)])
        self.ln_post = nn.LayerNorm(vw)
        self.vproj = nn.Parameter(s * torch.randn(vw, embed))
        self.token_embedding = nn.Embedding(49408, tw)
        self.tpos = nn.Parameter(0.01 * torch.randn(ctx, tw))
        mask = torch.full((ctx, ctx), float("-inf")).triu_(1)
        self.tblocks = nn.Sequential(*[Block(tw, th, quick, mask) for _ in range(tl)])
        self.ln_final = nn.LayerNorm(tw)
        self.text_projection = nn.Parameter(tw ** -0.5 * torch.randn(tw, embed))
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def encode_image(self, x):
        x = self.conv1(x).flatten(2).permute(0, 2, 1)
        x = torch.cat([self.class_embedding.expand(x.shape[0], 1, -1), x], dim=1) + self.vpos
        x = self.vblocks(self.ln_pre(x).permute(1, 0, 2)).permute(1, 0, 2)
        return self.ln_post(x[:, 0, :]) @ self.vproj

    def encode_text(self, t):
        x = self.token_embedding(t) + self.tpos
        x = self.ln_final(self.tblocks(x.permute(1, 0, 2)).permute(1, 0, 2))
        return x[torch.arange(x.shape[0]), t.argmax(dim=-1)] @ self.text_projection

    def loss(self, images, texts):
        i = F.normalize(self.encode_image(images), dim=-1)
        t = F.normalize(self.encode_text(texts), dim=-1)
        logits = self.logit_scale.exp() * i @ t.t()
        labels = torch.arange(images.shape[0])
        return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)) / 2


def bench(name, batch, steps):
    cfg = MODELS[name]
    torch.manual_seed(0)
    model = Clip(*cfg)
    # open_clip's groups: no decay for gains, biases, norms, logit_scale, tensors of rank < 2
    no_decay = lambda n, p: p.ndim < 2 or any(k in n for k in ("bn", "ln", "bias", "logit_scale"))
    decay = [p for n, p in model.named_parameters() if not no_decay(n, p)]
    rest = [p for n, p in model.named_parameters() if no_decay(n, p)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.2}, {"params": rest, "weight_decay": 0.0}],
                            lr=5e-4, betas=(0.9, 0.98), eps=1e-6)
    image, ctx = cfg[1], cfg[6]
    pixels = torch.randn(batch, 3, image, image)
    tokens = torch.randint(1, 49406, (batch, ctx))
    tokens[:, 0] = 49406
    tokens[:, -1] = 49407
    times = []
    for s in range(steps + 1):   # the first step warms up (allocations)
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = model.loss(pixels, tokens)
        loss.backward()
        opt.step()
        times.append(time.perf_counter() - t0)
    t = sorted(times[1:])[len(times[1:]) // 2]
    print(f"{name} batch {batch}: {batch / t:.1f} images/s ({t:.3f} s/step, median of {steps}, torch {torch.__version__}, {torch.get_num_threads()} threads)", flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("cases", nargs="*", default=["quickstart:64", "vit-b-32:8", "vit-b-32:32"])
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    for c in a.cases:
        n, b = c.split(":")
        bench(n, int(b), a.steps)
