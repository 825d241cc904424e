"""CLIP with a ViT image tower and the causal text transformer, the same math as OpenAI's clip/model.py
(commit d05afc4): class token, ln_pre, pre-LN residual blocks (nn.MultiheadAttention in the sequence-first
layout the reference uses), QuickGELU, ln_post, proj; text tower with a causal mask, argmax (EOT) pooling.

Parameter names are OpenAI's, so a state dict from this module is a bare OpenAI-named checkpoint.
"""
from collections import OrderedDict

import torch
from torch import nn


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    def __init__(self, width, heads, attn_mask=None):
        super().__init__()
        self.attn = nn.MultiheadAttention(width, heads)
        self.ln_1 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(OrderedDict([
            ("c_fc", nn.Linear(width, width * 4)),
            ("gelu", QuickGELU()),
            ("c_proj", nn.Linear(width * 4, width)),
        ]))
        self.ln_2 = nn.LayerNorm(width)
        self.attn_mask = attn_mask

    def forward(self, x):  # x: [L, N, D]
        mask = None
        if self.attn_mask is not None:
            n = x.shape[0]
            mask = self.attn_mask[:n, :n]  # a causal mask restricted to the first n positions is still causal
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, need_weights=False, attn_mask=mask)[0]
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, width, layers, heads, attn_mask=None):
        super().__init__()
        self.resblocks = nn.Sequential(*[ResidualAttentionBlock(width, heads, attn_mask) for _ in range(layers)])

    def forward(self, x):
        return self.resblocks(x)


class VisionTransformer(nn.Module):
    def __init__(self, resolution, patch, width, layers, heads, output_dim):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, kernel_size=patch, stride=patch, bias=False)
        scale = width ** -0.5
        self.class_embedding = nn.Parameter(scale * torch.randn(width))
        self.positional_embedding = nn.Parameter(scale * torch.randn((resolution // patch) ** 2 + 1, width))
        self.ln_pre = nn.LayerNorm(width)
        self.transformer = Transformer(width, layers, heads)
        self.ln_post = nn.LayerNorm(width)
        self.proj = nn.Parameter(scale * torch.randn(width, output_dim))

    def forward(self, x):
        x = self.conv1(x)                                  # [N, D, g, g]
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1)  # [N, g*g, D]
        cls = self.class_embedding.to(x.dtype) + torch.zeros(x.shape[0], 1, x.shape[-1], dtype=x.dtype)
        x = torch.cat([cls, x], dim=1)
        x = self.ln_pre(x + self.positional_embedding.to(x.dtype))
        x = self.transformer(x.permute(1, 0, 2)).permute(1, 0, 2)
        return self.ln_post(x[:, 0, :]) @ self.proj


class CLIP(nn.Module):
    def __init__(self, embed_dim=512, image_resolution=224, vision_layers=12, vision_width=768, vision_patch_size=32,
                 context_length=77, vocab_size=49408, transformer_width=512, transformer_heads=8, transformer_layers=12):
        super().__init__()
        self.context_length = context_length
        self.visual = VisionTransformer(image_resolution, vision_patch_size, vision_width, vision_layers,
                                        vision_width // 64, embed_dim)
        mask = torch.full((context_length, context_length), float("-inf")).triu_(1)
        self.transformer = Transformer(transformer_width, transformer_layers, transformer_heads, mask)
        self.token_embedding = nn.Embedding(vocab_size, transformer_width)
        self.positional_embedding = nn.Parameter(torch.empty(context_length, transformer_width))
        self.ln_final = nn.LayerNorm(transformer_width)
        self.text_projection = nn.Parameter(torch.empty(transformer_width, embed_dim))
        self.logit_scale = nn.Parameter(torch.ones([]) * torch.log(torch.tensor(1 / 0.07)))

    def encode_image(self, image):
        return self.visual(image)

    def encode_text(self, text):
        """text: [N, L] token ids, L <= context; L < context runs only the first L positions (exact: causal)."""
        n = text.shape[1]
        x = self.token_embedding(text) + self.positional_embedding[:n]
        x = self.transformer(x.permute(1, 0, 2)).permute(1, 0, 2)
        x = self.ln_final(x)
        return x[torch.arange(x.shape[0]), text.argmax(dim=-1)] @ self.text_projection

    def randomize(self, seed):
        """Random weights at the reference's initialisation scales (plus non-trivial norms and biases, so that
        every tensor takes part in the comparison)."""
        g = torch.Generator().manual_seed(seed)

        def normal(t, std, mean=0.0):
            with torch.no_grad():
                t.copy_(torch.randn(t.shape, generator=g) * std + mean)

        for name, p in self.named_parameters():
            if name.endswith(("ln_1.weight", "ln_2.weight", "ln_pre.weight", "ln_post.weight", "ln_final.weight")):
                normal(p, 0.1, 1.0)
            elif name.endswith("bias"):
                normal(p, 0.02)
        normal(self.token_embedding.weight, 0.02)
        normal(self.positional_embedding, 0.01)
        v = self.visual
        w = v.conv1.weight.shape[0]
        normal(v.conv1.weight, (3 * v.conv1.weight.shape[-1] ** 2) ** -0.5)
        normal(v.class_embedding, w ** -0.5)
        normal(v.positional_embedding, w ** -0.5)
        normal(v.proj, w ** -0.5)
        for tr in (v.transformer, self.transformer):
            width = tr.resblocks[0].ln_1.weight.shape[0]
            layers = len(tr.resblocks)
            proj_std = width ** -0.5 * (2 * layers) ** -0.5
            for b in tr.resblocks:
                normal(b.attn.in_proj_weight, width ** -0.5)
                normal(b.attn.out_proj.weight, proj_std)
                normal(b.mlp.c_fc.weight, (2 * width) ** -0.5)
                normal(b.mlp.c_proj.weight, proj_std)
        normal(self.text_projection, self.transformer.resblocks[0].ln_1.weight.shape[0] ** -0.5)
        return self


def openai_state_dict(model):
    return OrderedDict((k, v) for k, v in model.state_dict().items())


def load(path):
    """A ViT-B/32-shaped CLIP from a bare OpenAI-named safetensors file (shapes inferred as build_model does)."""
    import safetensors_io
    sd = safetensors_io.read(path)
    width = sd["visual.conv1.weight"].shape[0]
    patch = sd["visual.conv1.weight"].shape[-1]
    grid = round((sd["visual.positional_embedding"].shape[0] - 1) ** 0.5)
    layers = len({k.split(".")[3] for k in sd if k.startswith("visual.transformer.resblocks.")})
    twidth = sd["ln_final.weight"].shape[0]
    model = CLIP(embed_dim=sd["text_projection"].shape[1], image_resolution=patch * grid, vision_layers=layers,
                 vision_width=width, vision_patch_size=patch, context_length=sd["positional_embedding"].shape[0],
                 vocab_size=sd["token_embedding.weight"].shape[0], transformer_width=twidth,
                 transformer_heads=twidth // 64,
                 transformer_layers=len({k.split(".")[2] for k in sd if k.startswith("transformer.resblocks.")}))
    missing, unexpected = model.load_state_dict(sd, strict=True)
    return model.eval()


def flops_image(model_or_cfg=None, width=768, layers=12, tokens=50, patch=32, embed=512):
    """Multiply-adds x 2 of one image through the ViT (linear layers, attention products, patch conv)."""
    per_layer = 24 * tokens * width * width + 4 * tokens * tokens * width
    return layers * per_layer + 2 * (tokens - 1) * width * 3 * patch * patch + 2 * width * embed


def flops_text(tokens=77, width=512, layers=12, embed=512):
    return layers * (24 * tokens * width * width + 4 * tokens * tokens * width) + 2 * width * embed
