"""The --many section of the bench report: how create, list and status
times move with the number of branches (issue 15's "stays flat")."""
import statistics

LIST_TARGET_MS = 100  # branch list and status at 100 branches
FLAT_TARGET = 1.2     # median create of the last 10 / of the first 10


def summarize_many(creates, lists, results=()):
    """creates: (driver, count, ms) rows; lists: (driver, count, list_ms,
    status_ms, cached status_ms) rows; results: the summarized times, for
    the floor runs beside the first and last ten creates. One summary per
    driver."""
    floors = {(r["driver"], r["method"]): r["median_ms"] for r in results
              if r["method"].startswith("many_floor_")}
    by_driver = {}
    for driver, count, ms in creates:
        by_driver.setdefault(driver, []).append((int(count), float(ms)))
    out = []
    for driver, rows in sorted(by_driver.items()):
        rows.sort()
        times = [ms for _, ms in rows]
        first, last = times[:10], times[-10:]
        probes = sorted((int(c), float(lm), float(sm), float(wm))
                        for d, c, lm, sm, wm in lists if d == driver)
        summary = {"driver": driver, "branches": len(rows),
                   "create_first10_median_ms": round(statistics.median(first), 1),
                   "create_last10_median_ms": round(statistics.median(last), 1),
                   "create_ms_by_count": [[c, ms] for c, ms in rows],
                   "list_status_ms_by_count": [list(p) for p in probes]}
        summary["create_flat_ratio"] = round(
            summary["create_last10_median_ms"] / summary["create_first10_median_ms"], 2)
        first_floor = floors.get((driver, "many_floor_first10"))
        last_floor = floors.get((driver, "many_floor_last10"))
        if first_floor and last_floor:
            summary["floor_first10_median_ms"] = first_floor
            summary["floor_last10_median_ms"] = last_floor
            summary["floor_flat_ratio"] = round(last_floor / first_floor, 2)
            # What velo adds on top of the floor, last ten against first ten.
            own_first = summary["create_first10_median_ms"] - first_floor
            own_last = summary["create_last10_median_ms"] - last_floor
            summary["velo_own_ms_first10_last10"] = [round(own_first, 1), round(own_last, 1)]
        out.append(summary)
    return out


def many_ratios(many):
    ratios = []
    for m in many:
        ratios.append({"driver": m["driver"], "scale": 10, "name": "many_create_last10/first10",
                       "value": m["create_flat_ratio"], "target": f"<= {FLAT_TARGET}",
                       "met": m["create_flat_ratio"] <= FLAT_TARGET})
        if "floor_flat_ratio" in m:
            ratios.append({"driver": m["driver"], "scale": 10,
                           "name": "many_floor_last10/first10", "value": m["floor_flat_ratio"],
                           "target": None, "met": None})
        if m["list_status_ms_by_count"] and m["branches"] >= 100:
            count, list_ms, _, cached_ms = m["list_status_ms_by_count"][-1]
            for name, value in (("branch_list_ms", list_ms), ("status_cached_ms", cached_ms)):
                ratios.append({"driver": m["driver"], "scale": 10, "name": f"{name}@{count}",
                               "value": value, "target": f"< {LIST_TARGET_MS}",
                               "met": value < LIST_TARGET_MS})
    return ratios


def many_markdown(many):
    if not many:
        return []
    lines = ["", "## Many branches (`--many`)", ""]
    for m in many:
        lines += [f"{m['driver']}: {m['branches']} branches; create median "
                  f"{m['create_first10_median_ms']} ms for the first 10, "
                  f"{m['create_last10_median_ms']} ms for the last 10 "
                  f"(×{m['create_flat_ratio']}).", ""]
        if "floor_flat_ratio" in m:
            own_first, own_last = m["velo_own_ms_first10_last10"]
            lines += [f"The floor beside them: {m['floor_first10_median_ms']} ms, then "
                      f"{m['floor_last10_median_ms']} ms (×{m['floor_flat_ratio']}); velo's own "
                      f"part {own_first:.0f} ms, then {own_last:.0f} ms.", ""]
        lines += ["| branches | create ms | branch list ms | status ms (measuring) | "
                  "status ms (cached) |",
                  "|---:|---:|---:|---:|---:|"]
        creates = dict(m["create_ms_by_count"])
        for count, list_ms, status_ms, cached_ms in m["list_status_ms_by_count"]:
            lines.append(f"| {count} | {creates.get(count, 0):.0f} | {list_ms:.0f} | "
                         f"{status_ms:.0f} | {cached_ms:.0f} |")
        lines.append("")
    return lines
