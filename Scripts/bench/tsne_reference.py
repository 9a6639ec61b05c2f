#!/usr/bin/env python3
"""Reference side of Scripts/bench/tsne.sh: the input slice, scikit-learn's and openTSNE's t-SNE,
trustworthiness for every map, and the markdown summary.

Subcommands (all but summarize print one JSON object on stdout):
  slice    --codes X.npy --rows N --out Y.npy              the first N rows (float32)
  sklearn  --codes X.npy --out E.npy                       TSNE(n_components=2, random_state=13),
                                                           Barnes-Hut, threads from OMP_NUM_THREADS
  opentsne --codes X.npy --out E.npy --threads T           openTSNE.TSNE(n_jobs=T, random_state=13),
                                                           its defaults (FFT gradient, 750 iterations)
  trust    --codes X.npy --embedding E.npy [--sample 5000] [--seed 13]
                                                           scikit-learn trustworthiness, k = 10, on a
                                                           seeded sample (all rows when fewer)
  summarize RESULTS.jsonl --md OUT.md --meta key=value ... medians per (tool, measure) as markdown
"""
import argparse, json, sys, time
import numpy as np


def slice_rows(a):
    x = np.load(a.codes)[: a.rows].astype(np.float32)
    np.save(a.out, x)
    return {"rows": int(x.shape[0]), "dims": int(x.shape[1])}


def run_sklearn(a):
    from sklearn.manifold import TSNE
    x = np.load(a.codes)
    t0 = time.perf_counter()
    model = TSNE(n_components=2, random_state=13)
    e = model.fit_transform(x)
    seconds = time.perf_counter() - t0
    np.save(a.out, e.astype(np.float32))
    return {"seconds": seconds, "kl": float(model.kl_divergence_), "iterations": int(model.n_iter_) + 1}


def run_opentsne(a):
    import openTSNE
    x = np.load(a.codes).astype(np.float64)
    t0 = time.perf_counter()
    e = openTSNE.TSNE(n_jobs=a.threads, random_state=13).fit(x)
    seconds = time.perf_counter() - t0
    np.save(a.out, np.asarray(e).astype(np.float32))
    return {"seconds": seconds, "kl": float(e.kl_divergence), "version": openTSNE.__version__}


def trust(a):
    from sklearn.manifold import trustworthiness
    x, e = np.load(a.codes), np.load(a.embedding)
    n = min(a.sample, len(x))
    rows = np.sort(np.random.default_rng(a.seed).choice(len(x), n, replace=False))
    return {"trustworthiness": float(trustworthiness(x[rows], e[rows], n_neighbors=10)), "sample": n}


def summarize(a):
    import collections, statistics
    values = collections.defaultdict(list)
    order = []
    with open(a.results) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                if r["tool"] not in order:
                    order.append(r["tool"])
                values[(r["tool"], r["measure"])].append(r["value"])
    med = {k: statistics.median(v) for k, v in values.items()}
    measures = [("wall_s", "wall s", "{:.1f}"), ("optimise_s", "optimise s", "{:.1f}"), ("kl", "KL", "{:.4f}"),
                ("trustworthiness", "trustworthiness (k = 10)", "{:.4f}"), ("peak_rss_mb", "peak RSS MB (per rank)", "{:.0f}")]
    lines = ["# t-SNE benchmark", ""]
    for m in a.meta:
        k, _, v = m.partition("=")
        lines.append(f"- {k}: {v}")
    lines += ["", "| tool | " + " | ".join(h for _, h, _ in measures) + " | runs |",
              "| --- |" + " --- |" * (len(measures) + 1)]
    for tool in order:
        cells = [fmt.format(med[(tool, m)]) if (tool, m) in med else "–" for m, _, fmt in measures]
        runs = max(len(values[(tool, m)]) for m, _, _ in measures if (tool, m) in values)
        lines.append(f"| {tool} | " + " | ".join(cells) + f" | {runs} |")
    ours = med.get(("n2d-mpi np 1 fft", "wall_s"))
    lines.append("")
    for ref in ("scikit-learn TSNE (Barnes-Hut)", "openTSNE (FFT)"):
        if ours and (ref, "wall_s") in med:
            lines.append(f"- n2d-mpi np 1 fft is {med[(ref, 'wall_s')] / ours:.2f}× faster than {ref} (wall, medians)")
            np2 = med.get(("n2d-mpi np 2 fft", "wall_s"))
            if np2:
                lines.append(f"- n2d-mpi np 2 fft is {med[(ref, 'wall_s')] / np2:.2f}× faster than {ref} (wall, medians)")
    sk = ("scikit-learn TSNE (Barnes-Hut)", "kl"), ("scikit-learn TSNE (Barnes-Hut)", "trustworthiness")
    if all(s in med for s in sk):
        for tool in order:
            if tool.startswith("n2d-mpi") and (tool, "kl") in med and (tool, "trustworthiness") in med:
                dkl = med[(tool, "kl")] / med[sk[0]] - 1
                dt = med[(tool, "trustworthiness")] - med[sk[1]]
                lines.append(f"- {tool}: KL {dkl:+.1%} of scikit-learn's (bound ±5%), trustworthiness {dt:+.4f} (bound ±0.01)")
    lines += ["", "Wall: the whole command (file reading and kNN included) for n2d-mpi, fit / fit_transform for the",
              "Python tools (import and file reading excluded). KL: each tool's own final KL (openTSNE runs 750",
              "iterations by default, scikit-learn and n2d-mpi 1000). Medians over the repeats."]
    text = "\n".join(lines) + "\n"
    with open(a.md, "w") as f:
        f.write(text)
    print(text)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("slice"); s.add_argument("--codes", required=True); s.add_argument("--rows", type=int, required=True)
    s.add_argument("--out", required=True)
    s = sub.add_parser("sklearn"); s.add_argument("--codes", required=True); s.add_argument("--out", required=True)
    s = sub.add_parser("opentsne"); s.add_argument("--codes", required=True); s.add_argument("--out", required=True)
    s.add_argument("--threads", type=int, default=2)
    s = sub.add_parser("trust"); s.add_argument("--codes", required=True); s.add_argument("--embedding", required=True)
    s.add_argument("--sample", type=int, default=5000); s.add_argument("--seed", type=int, default=13)
    s = sub.add_parser("summarize"); s.add_argument("results"); s.add_argument("--md", required=True)
    s.add_argument("--meta", action="append", default=[])
    a = p.parse_args()
    fn = {"slice": slice_rows, "sklearn": run_sklearn, "opentsne": run_opentsne, "trust": trust, "summarize": summarize}[a.command]
    result = fn(a)
    if a.command != "summarize":
        json.dump(result, sys.stdout)
        print()


if __name__ == "__main__":
    main()
