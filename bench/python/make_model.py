"""Writes a random-weight CLIP ViT-B/32 (fixed seed) as a bare OpenAI-named safetensors file.

usage: make_model.py OUT.safetensors [--seed 0]
"""
import argparse
import os

import torch

import clip_vit
import safetensors_io


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    model = clip_vit.CLIP().randomize(a.seed)
    tmp = a.out + ".tmp"
    safetensors_io.write(tmp, clip_vit.openai_state_dict(model))
    os.replace(tmp, a.out)  # a half-written file from an interrupted run is never mistaken for a model
    n = sum(p.numel() for p in model.parameters())
    print(f"wrote {a.out}: {n:,} parameters, seed {a.seed}")


if __name__ == "__main__":
    main()
