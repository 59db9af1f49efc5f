#!/usr/bin/python3
"""Turns the bench's raw records into the JSON file and the markdown table.

Usage: report.py WORKDIR OUT_JSON [KEY=VALUE...]   (the run's settings)
Reads WORKDIR/times.tsv (driver, scale, method, ms), steps.tsv (driver,
scale, method, step path, ms: velo's own --timings), space.tsv (driver,
what, bytes) and notes.tsv (driver, text); writes OUT_JSON and prints the
markdown report on stdout.
"""
import json
import os
import statistics
import sys
import time

from many_report import many_markdown, many_ratios, summarize_many

METHODS = ["velo", "velo_docker", "floor", "createdb_file_copy", "createdb_wal_log",
           "dump_restore", "basebackup", "velo_reset", "velo_delete", "many_create_all",
           "many_delete_all", "many_floor_first10", "many_floor_last10"]
ALTERNATIVES = ["createdb_file_copy", "createdb_wal_log", "dump_restore", "basebackup"]
# Minimum alternative/velo ratio at scale 100 (issue 3's targets).
ALT_TARGETS = {"createdb_file_copy": 10, "createdb_wal_log": 10, "dump_restore": 50}
FLOOR_TARGET = 1.25      # velo / floor, every driver and scale
FLAT_TARGET = 1.2        # velo@100 / velo@10 on zfs and btrfs
FLAT_DRIVERS = ("zfs", "btrfs")
FRESH_ZFS_LIMIT = 1 << 20  # a fresh zfs branch uses under 1 MiB


def read_tsv(path, fields):
    rows = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == fields:
                    rows.append(parts)
    return rows


def summarize(times):
    groups = {}
    for driver, scale, method, ms in times:
        groups.setdefault((driver, int(scale), method), []).append(float(ms))
    results = []
    for (driver, scale, method), values in groups.items():
        results.append({"driver": driver, "scale": scale, "method": method,
                        "median_ms": round(statistics.median(values), 1),
                        "min_ms": round(min(values), 1), "max_ms": round(max(values), 1),
                        "runs": len(values)})
    order = {m: i for i, m in enumerate(METHODS)}
    results.sort(key=lambda r: (r["driver"], r["scale"], order.get(r["method"], 99)))
    return results


def summarize_steps(steps):
    """Median per step of each (driver, scale, method), in the order the
    steps first ran."""
    groups, order = {}, {}
    for driver, scale, method, step, ms in steps:
        key = (driver, int(scale), method, step)
        groups.setdefault(key, []).append(float(ms))
        order.setdefault(key, len(order))
    return [{"driver": d, "scale": s, "method": m, "step": st,
             "median_ms": round(statistics.median(v), 1), "runs": len(v)}
            for (d, s, m, st), v in sorted(groups.items(), key=lambda kv: order[kv[0]])]


def steps_markdown(steps):
    if not steps:
        return []
    lines = ["", "## Where velo's time goes (`velo --timings`, median ms per step)", "",
             "| driver | scale | method | step | ms |", "|---|---:|---|---|---:|"]
    for r in sorted(steps, key=lambda r: (r["driver"], r["scale"], r["method"])):
        depth = r["step"].count("/")
        name = "&nbsp;&nbsp;" * depth + r["step"].rsplit("/", 1)[-1]
        lines.append(f"| {r['driver']} | {r['scale']} | {r['method']} | {name} | "
                     f"{r['median_ms']:.1f} |")
    return lines


def ratio(name, driver, scale, num, den, target=None, at_most=False):
    value = round(num / den, 2) if num is not None and den else None
    met = None
    if target is not None and value is not None:
        met = value <= target if at_most else value >= target
    return {"driver": driver, "scale": scale, "name": name, "value": value,
            "target": None if target is None else ("<= " if at_most else ">= ") + str(target),
            "met": met}


def compute_ratios(results, space):
    med = {(r["driver"], r["scale"], r["method"]): r["median_ms"] for r in results}
    drivers = sorted({r["driver"] for r in results})
    scales = sorted({r["scale"] for r in results})
    out = []
    for d in drivers:
        for s in scales:
            velo = med.get((d, s, "velo"))
            if velo is None:
                continue
            if (d, s, "velo_docker") in med:
                out.append(ratio("velo_docker/velo", d, s, med[(d, s, "velo_docker")], velo))
            if (d, s, "floor") in med:
                out.append(ratio("velo/floor", d, s, velo, med[(d, s, "floor")],
                                 FLOOR_TARGET, at_most=True))
            for alt in ALTERNATIVES:
                if (d, s, alt) in med:
                    target = ALT_TARGETS.get(alt) if s == 100 else None
                    out.append(ratio(f"{alt}/velo", d, s, med[(d, s, alt)], velo, target))
            base = med.get((d, 10, "velo"))
            if s > 10 and base:
                target = FLAT_TARGET if (s == 100 and d in FLAT_DRIVERS) else None
                out.append(ratio(f"velo@{s}/velo@10", d, s, velo, base, target, at_most=True))
    for row in space:
        if row["driver"] == "zfs" and row["what"] in ("fresh_branch", "fresh_branch_zfs_used"):
            value = row["bytes"]
            out.append({"driver": "zfs", "scale": None, "name": row["what"] + "_bytes",
                        "value": value, "target": f"< {FRESH_ZFS_LIMIT}",
                        "met": None if value is None else value < FRESH_ZFS_LIMIT})
    return out


def human(n):
    if n is None:
        return "n/a"
    for unit in ["B", "KiB", "MiB", "GiB"]:
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024


def fmt_ms(r):
    return f"{r['median_ms']:.0f} ({r['min_ms']:.0f}–{r['max_ms']:.0f}, n={r['runs']})"


def markdown(results, space, ratios, notes, steps=(), many=()):
    lines = ["## Time to a usable copy (ms: median (min–max, n=runs))", ""]
    methods = [m for m in METHODS if any(r["method"] == m for r in results)]
    lines.append("| driver | scale | " + " | ".join(methods) + " |")
    lines.append("|---|---:|" + "---:|" * len(methods))
    rows = {}
    for r in results:
        rows.setdefault((r["driver"], r["scale"]), {})[r["method"]] = r
    for (d, s), cells in sorted(rows.items()):
        lines.append(f"| {d} | {s} | " + " | ".join(
            fmt_ms(cells[m]) if m in cells else "–" for m in methods) + " |")
    lines += ["", "## Ratios and targets", "",
              "| driver | scale | ratio | value | target | met |", "|---|---:|---|---:|---|---|"]
    for r in ratios:
        met = {True: "met", False: "**MISSED**", None: ""}[r["met"]]
        value = human(r["value"]) if r["name"].endswith("_bytes") else r["value"]
        lines.append(f"| {r['driver']} | {r['scale'] if r['scale'] is not None else ''} | "
                     f"{r['name']} | {value} | {r['target'] or ''} | {met} |")
    lines += ["", "## Disk and memory", "", "| driver | what | bytes | |", "|---|---|---:|---:|"]
    for row in space:
        lines.append(f"| {row['driver']} | {row['what']} | {row['bytes']} | {human(row['bytes'])} |")
    lines += steps_markdown(steps)
    lines += many_markdown(many)
    if notes:
        lines += ["", "## Notes", ""]
        lines += [f"- {n['driver']}: {n['note']}" for n in notes]
    return "\n".join(lines)


def main():
    work, out_json = sys.argv[1], sys.argv[2]
    results = summarize(read_tsv(os.path.join(work, "times.tsv"), 4))
    space = [{"driver": d, "what": w, "bytes": int(b) if b.strip().isdigit() else None}
             for d, w, b in read_tsv(os.path.join(work, "space.tsv"), 3)]
    notes = [{"driver": d, "note": n} for d, n in read_tsv(os.path.join(work, "notes.tsv"), 2)]
    ratios = compute_ratios(results, space)
    steps = summarize_steps(read_tsv(os.path.join(work, "steps.tsv"), 5))
    many = summarize_many(read_tsv(os.path.join(work, "many.tsv"), 3),
                          read_tsv(os.path.join(work, "many_list.tsv"), 5), results)
    ratios += many_ratios(many)
    config = {}
    for arg in sys.argv[3:]:
        key, _, value = arg.partition("=")
        config[key] = int(value) if value.isdigit() else value
    if isinstance(config.get("scales"), (str, int)):
        config["scales"] = [int(x) for x in str(config["scales"]).split(",")]
    doc = {"generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "host": {"cpus": os.cpu_count(), "kernel": os.uname().release},
           "config": config, "results": results, "space": space,
           "ratios": ratios, "steps": steps, "many": many, "notes": notes}
    with open(out_json, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    print(markdown(results, space, ratios, notes, steps, many))
    return 0


if __name__ == "__main__":
    sys.exit(main())
