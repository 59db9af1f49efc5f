#!/usr/bin/python3
"""Draws the main result: time to a usable copy against database size, one
line per method, one panel per storage driver (gnuplot, PNG).

Usage: plot.py RESULTS_JSON OUT_PNG
"""
import json
import os
import subprocess
import sys

METHODS = ["velo", "floor", "createdb_file_copy", "createdb_wal_log",
           "dump_restore", "basebackup", "velo_reset"]


def main():
    src, png = sys.argv[1], sys.argv[2]
    with open(src) as f:
        doc = json.load(f)
    sizes = {(s["driver"], s["what"]): s["bytes"] for s in doc["space"]}
    drivers = sorted({r["driver"] for r in doc["results"]})
    if not drivers:
        print("plot.py: no results to draw", file=sys.stderr)
        return 1
    base = os.path.splitext(png)[0]
    data_file = base + ".dat"
    blocks = []  # (driver, method, block index)
    with open(data_file, "w") as f:
        for d in drivers:
            for m in METHODS:
                rows = sorted((r["scale"], r["median_ms"]) for r in doc["results"]
                              if r["driver"] == d and r["method"] == m)
                if not rows:
                    continue
                f.write(f"# {d} {m}\n")
                for scale, ms in rows:
                    size = sizes.get((d, f"database_scale{scale}")) or scale * 16e6
                    f.write(f"{size / 2**20:.1f} {ms / 1000:.4f} {scale}\n")
                f.write("\n\n")
                blocks.append((d, m, len(blocks)))
    cols = min(len(drivers), 2)
    rows = (len(drivers) + cols - 1) // cols
    script = [
        f"set terminal pngcairo size {640 * cols},{480 * rows} font ',10'",
        f"set output '{png}'", "set termoption noenhanced",
        f"set multiplot layout {rows},{cols} title 'velo bench: time until the copy answers a query'",
        "set logscale y", "set logscale x",
        "set xlabel 'database size (MiB, pgbench)'", "set ylabel 'seconds (median)'",
        "set grid", "set key top left font ',8'",
    ]
    for d in drivers:
        plots = [f"'{data_file}' index {i} using 1:2 with linespoints lw 2 title '{m}'"
                 for dd, m, i in blocks if dd == d]
        script.append(f"set title 'storage: {d}'")
        script.append("plot " + ", ".join(plots))
    script.append("unset multiplot")
    gp_file = base + ".gp"
    with open(gp_file, "w") as f:
        f.write("\n".join(script) + "\n")
    return subprocess.call(["gnuplot", gp_file])


if __name__ == "__main__":
    sys.exit(main())
