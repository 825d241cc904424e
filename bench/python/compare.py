"""clip4j vs PyTorch vs ONNX Runtime on a random-weight ViT-B/32: agreement of the embeddings, then items/s.

Run through scripts/bench-compare, which installs and builds what this needs; see BENCHMARKS.md.
Every engine runs in its own process with a time limit, one at a time, with the same timing loop
(warm up, then at least two calls and --seconds of calls) and the same number of threads.
"""
import argparse
import datetime
import json
import os
import shlex
import subprocess
import sys
import time

import numpy as np

import inputs
import machine

HERE = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable

# (what, batch, tokens): text at the full context for all engines, and short prompts (<= 10 tokens) that
# clip4j runs only up to the EOT while OpenAI's code (and the exported graph) always runs all 77 positions.
IMAGE_CASES = [("image", 1, None), ("image", 8, None), ("image", 32, None)]
TEXT_CASES = [("text", 1, 77), ("text", 64, 77), ("text", 1, 10), ("text", 64, 10)]


def log(msg):
    print(msg, flush=True)


def run(cmd, timeout, what):
    """Runs cmd; returns (stdout, error message or None)."""
    log("  $ " + " ".join(shlex.quote(c) for c in cmd))
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"{what}: timed out after {timeout:.0f} s"
    except OSError as e:
        return None, f"{what}: cannot run: {e}"
    if p.returncode != 0:
        err = [l for l in p.stderr.splitlines() if l.strip() and not l.startswith("WARNING")]
        return None, f"{what}: exit {p.returncode}: " + " | ".join(err[-3:])
    return p.stdout, None


def last_json(out):
    for line in reversed(out.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError("no JSON line in the output")


class Engines:
    def __init__(self, a):
        self.a = a
        self.jvm = [a.java, "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                    "-XX:+UseParallelGC", "-cp", a.classpath]
        self.cli = [os.path.join(a.root, "clip4j")]
        self.cli_help = None
        if a.clip4j in ("auto", "cli"):
            out, err = run(self.cli + ["bench", "--help"], 300, "clip4j bench --help")
            # `clip4j bench --help` before the subcommand exists prints the top-level help, also with status 0
            self.cli_help = out if err is None and "--what" in out else None
            if a.clip4j == "cli" and self.cli_help is None:
                sys.exit(f"bench-compare: --clip4j cli but `clip4j bench` is not available: {err or 'no --what option'}")
        log(f"clip4j runs through: {'./clip4j bench' if self.cli_help else 'the Java API stand-in (Clip4jRunner)'}")

    def bench_cmd(self, engine, what, batch, tokens):
        a = self.a
        common = ["--what", what, "--batch", str(batch), "--seconds", str(a.seconds)]
        if engine == "pytorch":
            cmd = [PY, os.path.join(HERE, "torch_runner.py"), "bench", "--model", a.model, "--threads",
                   str(a.threads), "--warmup", str(a.warmup)] + common
            return cmd + (["--tokens", str(tokens)] if what == "text" else [])
        if engine == "onnxruntime":
            return self.jvm + ["io.clip4j.bench.OrtRunner", "bench", "--onnx-dir", a.onnx_dir, "--threads",
                               str(a.threads), "--warmup", str(a.warmup)] + common + \
                (["--tokens", str(tokens)] if what == "text" else [])
        if self.cli_help is not None and (what == "image" or "--tokens" in self.cli_help):
            cmd = self.cli + ["bench", "--model", a.model, "--format", "json"] + common
            return cmd + (["--tokens", str(tokens)] if what == "text" else [])
        return self.jvm + ["io.clip4j.bench.Clip4jRunner", "bench", "--model", a.model, "--warmup",
                           str(a.warmup)] + common + (["--tokens", str(tokens)] if what == "text" else [])

    def embed_cmd(self, engine, pixels, tokens, out_dir):
        a, io_args = self.a, ["--pixels", pixels, "--tokens-file", tokens, "--out-dir", out_dir]
        if engine == "pytorch":
            return [PY, os.path.join(HERE, "torch_runner.py"), "embed", "--model", a.model] + io_args
        if engine == "onnxruntime":
            return self.jvm + ["io.clip4j.bench.OrtRunner", "embed", "--onnx-dir", a.onnx_dir] + io_args
        return self.jvm + ["io.clip4j.bench.Clip4jRunner", "embed", "--model", a.model] + io_args


def prepare(a):
    os.makedirs(a.work, exist_ok=True)
    a.model = os.path.join(a.work, f"vit-b-32-random-seed{a.seed}.safetensors")
    if not os.path.exists(a.model):
        log(f"writing a random-weight ViT-B/32 (seed {a.seed}) to {a.model}")
        _, err = run([PY, os.path.join(HERE, "make_model.py"), a.model, "--seed", str(a.seed)], 900, "make_model")
        if err:
            sys.exit("bench-compare: " + err)
    a.onnx_dir = os.path.join(a.work, f"onnx-seed{a.seed}")
    if not all(os.path.exists(os.path.join(a.onnx_dir, f)) for f in ("image.onnx", "text.onnx")):
        log(f"exporting the towers to ONNX (opset 14) in {a.onnx_dir}")
        _, err = run([PY, os.path.join(HERE, "export_onnx.py"), a.model, a.onnx_dir], 1800, "export_onnx")
        if err:
            sys.exit("bench-compare: " + err)


def agreement(a, engines):
    """Embeds the same 3 images and 5 texts (3 to 77 tokens) with every engine; relative L2 errors per pair."""
    d = os.path.join(a.work, "agreement")
    os.makedirs(d, exist_ok=True)
    pixels, tokens = os.path.join(d, "pixels.bin"), os.path.join(d, "tokens.bin")
    inputs.write_pixels(pixels, inputs.synthetic_pixels(3, seed=5))
    inputs.write_tokens(tokens, inputs.agreement_tokens())
    emb, errors = {}, []
    for e in a.engines:
        file_prefix = {"pytorch": "torch", "onnxruntime": "ort", "clip4j": "clip4j"}[e]
        _, err = run(engines.embed_cmd(e, pixels, tokens, d), a.timeout, f"{e} embed")
        if err:
            errors.append(err)
            continue
        emb[e] = {w: inputs.read_f32(os.path.join(d, f"{file_prefix}-{w}.f32")) for w in ("image", "text")}
    rows = []
    names = list(emb)
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            for w in ("image", "text"):
                x, y = emb[names[i]][w], emb[names[j]][w]
                rel = np.linalg.norm(x - y, axis=1) / np.linalg.norm(y, axis=1)
                rows.append({"a": names[i], "b": names[j], "what": w, "max_rel_err": float(rel.max()),
                             "ok": bool(rel.max() < a.tolerance)})
    return rows, errors


def measure(a, engines, e, what, batch, tokens):
    if a.wait_quiet > 0:
        machine.wait_until_quiet(a.wait_quiet, threshold=a.busy, log=log)
    with machine.Contention() as c:
        out, err = run(engines.bench_cmd(e, what, batch, tokens), a.timeout, f"{e} {what} batch {batch}")
    r = {"engine": e, "what": what, "batch": batch, "tokens": tokens, "others_cpu": round(c.others, 3)}
    if err:
        r["error"] = err
        log("  " + err)
        return r
    try:
        r.update({k: v for k, v in last_json(out).items() if k not in ("engine", "what", "batch", "tokens")})
        log(f"  -> {r['items_per_s']:.2f} items/s ({r.get('gflops_per_s', float('nan')):.1f} GFLOP/s), "
            f"other processes used {c.others:.0%} of the machine")
    except (ValueError, KeyError) as ex:
        r["error"] = f"unreadable output: {ex}"
    return r


def timings(a, engines):
    """Every case for every engine, --rounds times over: round r measures all cases before round r + 1 starts,
    so a slow phase of the machine (its rate moves 10-25 % over minutes) falls on every engine alike."""
    results = []
    cases = [c for c in IMAGE_CASES + TEXT_CASES if c[0] in a.what]
    for rnd in range(a.rounds):
        if a.rounds > 1:
            log(f"round {rnd + 1} of {a.rounds}")
        for r in one_round(a, engines, cases):
            r["round"] = rnd + 1
            results.append(r)
    return results


def summarise(results):
    """One result per (engine, case): the round with the median items/s (the lower middle for an even count),
    with every round's rate kept under 'rounds_items_per_s'."""
    groups = {}
    for r in results:
        groups.setdefault((r["engine"], r["what"], r["batch"], r["tokens"]), []).append(r)
    out = []
    for rs in groups.values():
        ok = sorted((r for r in rs if "error" not in r), key=lambda r: r["items_per_s"])
        if not ok:
            out.append(rs[0])
            continue
        m = dict(ok[(len(ok) - 1) // 2])
        m["rounds_items_per_s"] = [round(r["items_per_s"], 3) for r in rs if "error" not in r]
        out.append(m)
    return out


def one_round(a, engines, cases):
    results = []
    for what, batch, tokens in cases:
        for e in a.engines:
            if what == "text" and tokens != 77 and e == "onnxruntime":
                continue  # the exported graph runs the full context whatever the prompt; measured at 77
            best = None
            for attempt in range(1 + a.retries):
                r = measure(a, engines, e, what, batch, tokens)
                if best is None or ("error" in best and "error" not in r) or (
                        "error" not in r and r["others_cpu"] < best["others_cpu"]):
                    best = r
                if "error" in r or r["others_cpu"] <= a.busy:
                    break
                if attempt < a.retries:
                    log(f"  other processes used {r['others_cpu']:.0%} of the machine: measuring again")
            results.append(best)
    return results


def table(results, cpu_normalised=False):
    """Items/s per engine; cpu_normalised: items per (process CPU seconds / threads), an estimate of the rate on
    an idle machine when other processes took part of the cores (spin-waiting threads make it an underestimate)."""
    def rate(engine, what, batch, tokens):
        for r in results:
            if (r["engine"], r["what"], r["batch"], r["tokens"]) == (engine, what, batch, tokens):
                v = r.get("items_per_s")
                if cpu_normalised:
                    cpu, t, sec = r.get("cpu_seconds"), r.get("threads") or 2, r.get("seconds")
                    v = v * sec / (cpu / t) if v and sec and cpu and cpu == cpu else None
                return v, r.get("others_cpu", 0)
        return None, 0

    def fmt(v):
        return "—" if v is None else f"{v:.2f}"

    lines = ["| input | batch | clip4j | PyTorch | ONNX Runtime | clip4j / ORT | clip4j / PyTorch | others' CPU |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for what, batch, tokens in IMAGE_CASES + TEXT_CASES:
        label = "image 224²" if what == "image" else (
            "text, 77 tokens (all engines)" if tokens == 77 else
            f"text, {tokens}-token prompts: clip4j to EOT; PyTorch prefix-only; ORT at 77")
        c, oc = rate("clip4j", what, batch, tokens)
        p, op = rate("pytorch", what, batch, tokens)
        o, oo = rate("onnxruntime", what, batch, 77 if what == "text" else None)
        if c is None and p is None and o is None:
            continue
        ratio = lambda x, y: "—" if x is None or not y else f"{x / y:.2f}×"
        lines.append(f"| {label} | {batch} | {fmt(c)} | {fmt(p)} | {fmt(o)} | {ratio(c, o)} | {ratio(c, p)} | "
                     f"{max(oc, op, oo):.0%} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", required=True, help="the clip4j checkout")
    ap.add_argument("--java", required=True)
    ap.add_argument("--classpath", required=True, help="bench classes + ORT + JMH + clip4j jar")
    ap.add_argument("--work", required=True, help="where the model, ONNX files and results go (reused)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--seconds", type=float, default=10, help="measured seconds per case (after warm-up)")
    ap.add_argument("--warmup", type=float, default=2, help="Java engines' minimum warm-up seconds")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=1,
                    help="measure every case this many times, interleaved (all cases, then again); the tables "
                         "show each engine's median round")
    ap.add_argument("--timeout", type=float, default=900, help="seconds before one engine run is abandoned")
    ap.add_argument("--engines", default="clip4j,pytorch,onnxruntime")
    ap.add_argument("--what", default="image,text")
    ap.add_argument("--clip4j", choices=["auto", "cli", "standin"], default="auto",
                    help="time clip4j through `./clip4j bench` (auto: when it exists) or the Java API stand-in")
    ap.add_argument("--tolerance", type=float, default=1e-4, help="max relative L2 error between engines")
    ap.add_argument("--wait-quiet", type=float, default=0,
                    help="before each run, wait up to this many seconds for other processes to go quiet")
    ap.add_argument("--busy", type=float, default=0.15,
                    help="share of the machine used by other processes above which a run counts as disturbed")
    ap.add_argument("--retries", type=int, default=0,
                    help="measure a disturbed case again up to this many times; the least disturbed run is kept")
    ap.add_argument("--no-agreement", action="store_true")
    a = ap.parse_args()
    if a.rounds < 1:
        sys.exit("bench-compare: --rounds must be at least 1")
    a.engines = [e.strip() for e in a.engines.split(",") if e.strip()]
    a.what = [w.strip() for w in a.what.split(",")]
    bad = [e for e in a.engines if e not in ("clip4j", "pytorch", "onnxruntime")]
    if bad:
        sys.exit(f"bench-compare: unknown engine {bad[0]} (clip4j, pytorch, onnxruntime)")

    info = machine.describe(a.java)
    log("machine:")
    for k, v in info.items():
        log(f"  {k}: {v}")
    prepare(a)
    engines = Engines(a)
    started = datetime.datetime.now().isoformat(timespec="seconds")
    agree, agree_errors = ([], []) if a.no_agreement else agreement(a, engines)
    if not a.no_agreement:
        log("agreement (max relative L2 error over the inputs, unnormalised embeddings):")
        for r in agree:
            log(f"  {r['a']:>11} vs {r['b']:<11} {r['what']:5}: {r['max_rel_err']:.2e} "
                f"{'ok' if r['ok'] else 'ABOVE ' + str(a.tolerance)}")
        for e in agree_errors:
            log("  " + e)
    t0 = time.monotonic()
    rounds = timings(a, engines)
    results = summarise(rounds)
    md = table(results)
    log("\nitems per second (higher is better), " + f"{a.threads} threads each, ViT-B/32 float32"
        + (f", median of {a.rounds} interleaved rounds" if a.rounds > 1 else "") + ":\n")
    log(md)
    if a.rounds > 1:
        log("\nevery round's items/s (engine, case: rounds in order):")
        for r in results:
            if "rounds_items_per_s" in r:
                log(f"  {r['engine']:>11} {r['what']} batch {r['batch']}"
                    + (f" tokens {r['tokens']}" if r['what'] == 'text' else "") + ": "
                    + ", ".join(f"{v:.2f}" for v in r["rounds_items_per_s"]))
    md_cpu = table(results, cpu_normalised=True)
    log("\nthe same, per CPU second of each engine (items / (CPU s / threads)): an estimate for an idle machine "
        "when other processes were busy:\n")
    log(md_cpu)
    out = os.path.join(a.work, "results-" + started.replace(":", "") + ".json")
    with open(out, "w") as f:
        json.dump({"started": started, "machine": info, "seconds": a.seconds, "threads": a.threads, "rounds": a.rounds,
                   "agreement": agree, "agreement_errors": agree_errors, "results": results,
                   "every_round": rounds, "table": md,
                   "table_cpu_normalised": md_cpu}, f, indent=1)
    log(f"\nraw results: {out} (timing took {time.monotonic() - t0:.0f} s)")
    failed = agree_errors or any(not r["ok"] for r in agree) or any("error" in r for r in rounds)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
