#!/usr/bin/env python3
"""Records and tables for the whole-job benchmarks (Scripts/bench/pipeline.sh, Scripts/bench/fashion.sh,
Scripts/scaling.sh). Standard library only.

  record  --csv FILE --label L --ranks P --repeat I [--rows N] --time TIME_V.txt --seconds JSON [--quality JSON]
          [--history HISTORY_CSV]
          One run -> one CSV row: per-stage seconds (metrics.json "run.seconds" of n2d-mpi, or the
          "seconds" of pipeline_reference.py's JSON), process wall seconds and peak resident MiB from
          GNU `time -v`, training rows (--rows, else the JSON's "run.rows" or "rows"), the quality
          figures of a `pipeline_reference.py measure` JSON (--quality), and the epochs trained with
          the seconds of all of them (n2d-mpi's history.csv, which a resumed run continues; else the
          JSON's "epochs" and its train seconds).
  pipeline --csv FILE --md FILE [--meta KEY=VALUE ...]   medians per label, n2d-mpi / Python ratios
  scaling  --csv FILE --md FILE [--meta KEY=VALUE ...]   medians per (kind, ranks), efficiency
  fashion  --csv FILE --md FILE [--meta KEY=VALUE ...]   ACC / NMI of GMM and KMeans vs the N2D paper
Each table command writes the markdown to --md, a CSV of the medians beside it, and prints the markdown.
"""
import argparse
import csv
import json
import os
import statistics
import sys

STAGES = ("vectorize", "train", "embed", "cluster", "plots", "total")
QUALITY = ("trustworthiness", "kmeans.silhouette", "kmeans.nmi", "kmeans.acc", "kmeans.ari",
           "dbscan.clusters", "dbscan.noise_share", "dbscan.silhouette", "dbscan.nmi",
           "gmm.acc", "gmm.nmi", "gmm.ari", "gmm.silhouette")
COLUMNS = ("label", "kind", "ranks", "repeat", "rows") + STAGES + ("wall", "peak_mib", "epochs", "training_seconds") + QUALITY
PAPER_FASHION = {"acc": 0.672, "nmi": 0.684}


def gnu_time(path):
    """(wall seconds, peak resident MiB) from a `/usr/bin/time -v` report."""
    wall = peak = None
    for line in open(path):
        key, _, value = line.strip().rpartition(": ")
        if key.startswith("Elapsed (wall clock)"):
            wall = 0.0
            for part in value.split(":"):
                wall = wall * 60 + float(part)
        elif key == "Maximum resident set size (kbytes)":
            peak = int(value) / 1024
    return wall, peak


def lookup(data, dotted):
    for key in dotted.split("."):
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def record(a):
    data = json.load(open(a.seconds))
    seconds = lookup(data, "run.seconds") or data.get("seconds") or {}
    quality = json.load(open(a.quality)) if a.quality else {}
    wall, peak = gnu_time(a.time)
    rows = a.rows or lookup(data, "run.rows") or data.get("rows")
    row = {"label": a.label, "kind": a.kind, "ranks": a.ranks, "repeat": a.repeat, "rows": rows,
           "wall": wall, "peak_mib": peak}
    row.update({stage: seconds.get(stage) for stage in STAGES})
    row.update({name: lookup(quality, name) for name in QUALITY})
    if a.history and os.path.exists(a.history):
        epochs = list(csv.DictReader(open(a.history)))
        row.update(epochs=len(epochs), training_seconds=sum(float(e["seconds"]) for e in epochs))
    else:
        row.update(epochs=data.get("epochs"), training_seconds=seconds.get("train"))
    new = not os.path.exists(a.csv) or os.path.getsize(a.csv) == 0
    with open(a.csv, "a", newline="") as handle:
        out = csv.DictWriter(handle, COLUMNS)
        if new:
            out.writeheader()
        out.writerow(row)
    print("  %s (np %s, run %s): wall %.1f s, stages %s" % (
        a.label, a.ranks, a.repeat, wall,
        ", ".join("%s %.1f" % (s, seconds[s]) for s in STAGES if seconds.get(s) is not None)), file=sys.stderr)


def load(path):
    return list(csv.DictReader(open(path)))


def median(rows, column):
    values = [float(r[column]) for r in rows if r.get(column) not in (None, "", "None")]
    return statistics.median(values) if values else None


def group(rows, key):
    groups = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return groups


def fmt(value, digits=1):
    if value is None:
        return "–"
    return ("%." + str(digits) + "f") % value


def write(a, lines, medians, columns):
    text = "\n".join(lines) + "\n"
    with open(a.md, "w") as handle:
        handle.write(text)
    with open(os.path.splitext(a.md)[0] + "-medians.csv", "w", newline="") as handle:
        out = csv.DictWriter(handle, columns)
        out.writeheader()
        out.writerows(medians)
    print(text)


def header(a, title):
    lines = ["## " + title, ""]
    lines += ["- %s: %s" % tuple(item.split("=", 1)) for item in a.meta]
    return lines + [""]


def pipeline(a):
    rows = load(a.csv)
    labels = list(dict.fromkeys(r["label"] for r in rows))
    by = group(rows, lambda r: r["label"])
    repeats = min(len(v) for v in by.values())
    lines = header(a, "Whole IMDB job: n2d-mpi against the Python reference")
    lines += ["Medians over %d alternating runs each (noisy shared machine)." % repeats, "",
              "| run | " + " | ".join(STAGES) + " | wall s | peak MiB |",
              "| --- |" + " ---: |" * (len(STAGES) + 2)]
    medians = []
    for label in labels:
        m = {"label": label}
        m.update({c: median(by[label], c) for c in STAGES + ("wall", "peak_mib") + QUALITY})
        medians.append(m)
        lines.append("| %s | %s | %s | %s |" % (label, " | ".join(fmt(m[s]) for s in STAGES), fmt(m["wall"]),
                                                fmt(m["peak_mib"], 0)))
    reference = next((m for m in medians if m["label"] == "python"), None)
    if reference:
        lines += ["", "Speed-up over Python (Python seconds / n2d-mpi seconds; target: wall ≥ 2.5×):", "",
                  "| run | vectorize | train | embed | cluster | total | wall |",
                  "| --- |" + " ---: |" * 6]
        for m in medians:
            if m is reference:
                continue
            ratios = [reference[c] / m[c] if reference[c] and m[c] else None
                      for c in ("vectorize", "train", "embed", "cluster", "total", "wall")]
            lines.append("| %s | %s |" % (m["label"], " | ".join(fmt(r, 2) + "×" if r else "–" for r in ratios)))
    lines += ["", "Quality, measured by the same Python code on each run's codes.npy / umap.npy / labels.csv "
              "(trustworthiness k=10 and silhouettes on 5,000 rows drawn with seed 13; NMI/ACC/ARI "
              "against the sentiment labels; DBSCAN noise left out of its silhouette, kept as a group in "
              "its NMI):", "",
              "| run | trustworthiness | KMeans silhouette | KMeans NMI | KMeans ACC | KMeans ARI "
              "| DBSCAN clusters | DBSCAN noise | DBSCAN silhouette | DBSCAN NMI |",
              "| --- |" + " ---: |" * 9]
    for m in medians:
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            m["label"], fmt(m["trustworthiness"], 4), fmt(m["kmeans.silhouette"], 3), fmt(m["kmeans.nmi"], 4),
            fmt(m["kmeans.acc"], 3), fmt(m["kmeans.ari"], 4), fmt(m["dbscan.clusters"], 0),
            fmt(m["dbscan.noise_share"], 3), fmt(m["dbscan.silhouette"], 3), fmt(m["dbscan.nmi"], 4)))
    write(a, lines, medians, ["label"] + list(STAGES) + ["wall", "peak_mib"] + list(QUALITY))


def efficiency(kind, base, base_ranks, seconds, ranks):
    """Strong: the share of ideal speed-up reached; weak: the base time over this time."""
    if not base or not seconds:
        return None
    return base * base_ranks / (seconds * ranks) if kind == "strong" else base / seconds


def scaling(a):
    rows = load(a.csv)
    lines = header(a, "Scaling of the whole job")
    medians = []
    for kind in dict.fromkeys(r["kind"] for r in rows):
        by = group([r for r in rows if r["kind"] == kind], lambda r: int(r["ranks"]))
        base_ranks = min(by)
        base = {c: median(by[base_ranks], c) for c in STAGES + ("wall",)}
        base_rows = median(by[base_ranks], "rows")
        rule = ("efficiency = T(%d)·%d / (T(p)·p)" % (base_ranks, base_ranks) if kind == "strong"
                else "efficiency = T(%d) / T(p)" % base_ranks)
        lines += ["### %s scaling (%s; median of %d run(s) per rank count)" % (
                      kind.capitalize(), rule, min(len(v) for v in by.values())), "",
                  "| ranks | training rows | " + " | ".join(STAGES) + " | wall s | throughput speed-up (wall) | efficiency (wall) |",
                  "| ---: | ---: |" + " ---: |" * (len(STAGES) + 3)]
        table = []
        for ranks in sorted(by):
            m = {"kind": kind, "ranks": ranks, "rows": median(by[ranks], "rows")}
            m.update({c: median(by[ranks], c) for c in STAGES + ("wall",)})
            # rows per wall second against the base run's: T(1)/T(p) for strong, scaled by the rows for weak
            m["speedup_wall"] = (base["wall"] * m["rows"] / (m["wall"] * base_rows)
                                 if m["wall"] and m["rows"] and base_rows else None)
            for column in STAGES + ("wall",):
                m["efficiency_" + column] = efficiency(kind, base[column], base_ranks, m[column], ranks)
            table.append(m)
            lines.append("| %d | %s | %s | %s | %s× | %s |" % (
                ranks, fmt(m["rows"], 0), " | ".join(fmt(m[s]) for s in STAGES), fmt(m["wall"]),
                fmt(m["speedup_wall"], 2), fmt(m["efficiency_wall"], 2)))
        lines += ["", "Efficiency per stage:", "", "| ranks | " + " | ".join(STAGES) + " | wall |",
                  "| ---: |" + " ---: |" * (len(STAGES) + 1)]
        for m in table:
            lines.append("| %d | %s |" % (m["ranks"], " | ".join(fmt(m["efficiency_" + c], 2) for c in STAGES + ("wall",))))
        lines.append("")
        medians += table
    columns = (["kind", "ranks", "rows"] + list(STAGES) + ["wall", "speedup_wall", "efficiency_wall"]
               + ["efficiency_" + s for s in STAGES])
    write(a, lines, medians, columns)


def spread(runs, column, digits=3):
    """The median over the seeds and, with several, their range: "0.671 (0.650–0.690)"."""
    values = [float(r[column]) for r in runs if r.get(column) not in (None, "", "None")]
    if not values:
        return "–"
    text = fmt(statistics.median(values), digits)
    return text + (" (%s–%s)" % (fmt(min(values), digits), fmt(max(values), digits)) if len(values) > 1 else "")


def fashion(a):
    rows = load(a.csv)
    by = group(rows, lambda r: r["label"])
    columns = ("gmm.acc", "gmm.nmi", "gmm.ari", "kmeans.acc", "kmeans.nmi", "trustworthiness", "epochs",
               "training_seconds", "total", "wall")
    lines = header(a, "Fashion-MNIST, the N2D paper's configuration")
    lines += ["Median over the seeds (range in brackets). Training s: all the epochs' seconds (a continued "
              "run's included); total s: this run's stages; wall s: this process.", "",
              "| run | seeds | GMM ACC | GMM NMI | GMM ARI | KMeans ACC | KMeans NMI | trustworthiness | epochs | training s | total s | wall s |",
              "| --- | ---: |" + " ---: |" * 10]
    medians = []
    for label, runs in by.items():
        m = {"label": label, "repeats": len(runs)}
        m.update({c: median(runs, c) for c in columns})
        medians.append(m)
        lines.append("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            label, len(runs), spread(runs, "gmm.acc"), spread(runs, "gmm.nmi"), spread(runs, "gmm.ari"),
            spread(runs, "kmeans.acc"), spread(runs, "kmeans.nmi"), fmt(m["trustworthiness"], 4),
            spread(runs, "epochs", 0), fmt(m["training_seconds"]), fmt(m["total"]), fmt(m["wall"])))
    lines.append("| N2D paper (GMM, 1000 epochs) | – | %.3f | %.3f | – | – | – | – | 1000 | – | – | – |" % (
        PAPER_FASHION["acc"], PAPER_FASHION["nmi"]))
    write(a, lines, medians, ["label", "repeats"] + list(columns))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    r = commands.add_parser("record")
    for flag in ("--csv", "--label", "--ranks", "--repeat", "--time", "--seconds"):
        r.add_argument(flag, required=True)
    r.add_argument("--kind", default="")
    r.add_argument("--rows", default="")
    r.add_argument("--quality", help="JSON from `pipeline_reference.py measure`")
    r.add_argument("--history", help="n2d-mpi's history.csv: the epochs trained and their seconds")
    for name in ("pipeline", "scaling", "fashion"):
        t = commands.add_parser(name)
        t.add_argument("--csv", required=True)
        t.add_argument("--md", required=True)
        t.add_argument("--meta", action="append", default=[], help="KEY=VALUE line above the table")
    a = parser.parse_args()
    {"record": record, "pipeline": pipeline, "scaling": scaling, "fashion": fashion}[a.command](a)


if __name__ == "__main__":
    main()
