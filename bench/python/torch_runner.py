"""PyTorch engine: times the towers on synthetic inputs, or embeds given inputs for the agreement check.

usage: torch_runner.py bench --model M --what image|text --batch N --seconds S [--tokens T] [--threads 2]
       torch_runner.py embed --model M --pixels F --tokens-file F --out-dir D [--threads 2]
`bench` prints one JSON line {"engine","what","batch","tokens","items_per_s","ms_per_item","gflops_per_s",...}.
"""
import argparse
import json
import os
import time

import torch

import clip_vit
import inputs


def timed(fn, items, seconds, warmup=2.0):
    """Warms up (at least one call and `warmup` seconds), then calls fn until `seconds` have passed (at least
    twice): the same loop as the Java runners' Timing.run."""
    w0 = time.perf_counter()
    fn()
    while time.perf_counter() - w0 < warmup:
        fn()
    calls, start, cpu0 = 0, time.perf_counter(), time.process_time()
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds and calls >= 2:
            return calls, elapsed, time.process_time() - cpu0  # process_time: all threads of this process


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["bench", "embed"])
    ap.add_argument("--model", required=True)
    ap.add_argument("--what", choices=["image", "text"])
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--tokens", type=int, default=77, help="text length incl. SOT/EOT; < 77 runs only that prefix")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--pixels")
    ap.add_argument("--tokens-file")
    ap.add_argument("--out-dir")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    model = clip_vit.load(a.model)
    with torch.no_grad():
        if a.mode == "embed":
            px = torch.from_numpy(inputs.read_pixels(a.pixels))
            tok = torch.from_numpy(inputs.read_tokens(a.tokens_file)).long()
            inputs.write_f32(os.path.join(a.out_dir, "torch-image.f32"), model.encode_image(px).numpy())
            inputs.write_f32(os.path.join(a.out_dir, "torch-text.f32"), model.encode_text(tok).numpy())
            return
        if a.what == "image":
            x = torch.from_numpy(inputs.synthetic_pixels(a.batch))
            calls, el, cpu = timed(lambda: model.encode_image(x), a.batch, a.seconds, a.warmup)
            flops = clip_vit.flops_image()
        else:
            x = torch.from_numpy(inputs.synthetic_tokens(a.batch, a.tokens, 77)[:, :a.tokens]).long()
            calls, el, cpu = timed(lambda: model.encode_text(x), a.batch, a.seconds, a.warmup)
            flops = clip_vit.flops_text(a.tokens)
    per_s = calls * a.batch / el
    print(json.dumps({"engine": "pytorch", "what": a.what, "batch": a.batch,
                      "tokens": a.tokens if a.what == "text" else None, "items_per_s": per_s,
                      "ms_per_item": 1000 / per_s, "gflops_per_s": per_s * flops / 1e9, "calls": calls,
                      "seconds": el, "cpu_seconds": cpu, "threads": torch.get_num_threads(), "version": torch.__version__}))


if __name__ == "__main__":
    main()
