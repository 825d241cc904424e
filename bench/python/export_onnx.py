"""Exports the image and text towers of a safetensors CLIP to ONNX (opset 14, dynamic batch axis).

usage: export_onnx.py MODEL.safetensors OUT_DIR   -> OUT_DIR/image.onnx, OUT_DIR/text.onnx
The text tower is exported at the full context (77 tokens), as OpenAI's code runs it.
"""
import argparse
import os

import torch

import clip_vit


class ImageTower(torch.nn.Module):
    def __init__(self, clip):
        super().__init__()
        self.clip = clip

    def forward(self, pixels):
        return self.clip.encode_image(pixels)


class TextTower(torch.nn.Module):
    def __init__(self, clip):
        super().__init__()
        self.clip = clip

    def forward(self, tokens):
        return self.clip.encode_text(tokens)


def export(module, example, path, input_name):
    tmp = path + ".tmp"
    torch.onnx.export(module, (example,), tmp, opset_version=14, input_names=[input_name],
                      output_names=["embedding"],
                      dynamic_axes={input_name: {0: "batch"}, "embedding": {0: "batch"}},
                      do_constant_folding=True)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("out_dir")
    a = ap.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    clip = clip_vit.load(a.model)
    res = clip.visual.conv1.weight.shape[-1] * round((clip.visual.positional_embedding.shape[0] - 1) ** 0.5)
    with torch.no_grad():
        export(ImageTower(clip).eval(), torch.randn(2, 3, res, res), os.path.join(a.out_dir, "image.onnx"), "pixels")
        tokens = torch.zeros(2, clip.context_length, dtype=torch.long)
        tokens[:, 0] = 49406
        tokens[:, 5] = 49407
        export(TextTower(clip).eval(), tokens, os.path.join(a.out_dir, "text.onnx"), "tokens")
    print(f"exported {a.out_dir}/image.onnx and text.onnx (opset 14)")


if __name__ == "__main__":
    main()
