"""Merges results-*.json files of bench-compare: per case the least disturbed run (lowest others_cpu).

usage: best_of.py RESULTS.json...
"""
import json, sys
sys.path.insert(0, __import__('os').path.dirname(__import__('os').path.abspath(__file__)))
import compare
best = {}
for p in sys.argv[1:]:
    d = json.load(open(p))
    for r in d["results"]:
        if "error" in r: continue
        k = (r["engine"], r["what"], r["batch"], r["tokens"])
        if k not in best or r["others_cpu"] < best[k]["others_cpu"]:
            best[k] = r
res = list(best.values())
print(compare.table(res))
print()
print(compare.table(res, cpu_normalised=True))
print()
for r in res:
    print(r["engine"], r["what"], r["batch"], r["tokens"], round(r["items_per_s"],2), "others", r["others_cpu"], "gflops", round(r["gflops_per_s"],1))
