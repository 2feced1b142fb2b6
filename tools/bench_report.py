#!/usr/bin/python3
"""Turns dilate_bench JSON output into a Markdown report and a PNG plot.

    /usr/bin/python3 tools/bench_report.py RESULTS.json [--md OUT.md] [--png OUT.png]

Benchmark names are <op>/<dtype>/r<rank>/K<k>/D<d>/in<inner>/<fill>/<size>/<impl>
(see benchmarks/dilate_bench.cc). With repetitions the median aggregate is
used. Every figure is a same-run comparison: `limit_ratio` is measured
inside each benchmark (the limit and the operation alternate on the same
buffers), speed-ups over the naive loop compare medians of one run.
Uses only the standard library, plus matplotlib (Agg) for the plot.
"""
import argparse
import datetime
import json
import math
import statistics
import sys
from collections import OrderedDict, defaultdict

FIELDS = ("op", "dtype", "rank", "k", "d", "inner", "fill", "size")


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def parse_name(name):
    name = name.split("/manual_time")[0]
    parts = name.split("/")
    if len(parts) != 9:
        return None
    op, dtype, rank, k, d, inner, fill, size, impl = parts
    return (op, dtype, int(rank[1:]), int(k[1:]), int(d[1:]), int(inner[2:]), fill, size), impl


def load(path):
    """Returns (context, {case: {impl: record}}) with medians where available."""
    with open(path) as f:
        data = json.load(f)
    runs = data.get("benchmarks", [])
    has_median = any(r.get("aggregate_name") == "median" for r in runs)
    samples = defaultdict(list)
    for r in runs:
        if r.get("error_occurred"):
            continue
        if has_median:
            if r.get("run_type") != "aggregate" or r.get("aggregate_name") != "median":
                continue
        elif r.get("run_type") == "aggregate":
            continue
        parsed = parse_name(r["run_name"] if "run_name" in r else r["name"])
        if parsed is None:
            continue
        samples[parsed].append(r)
    cases = OrderedDict()
    for (case, impl), recs in samples.items():
        rec = recs[0] if len(recs) == 1 else {  # plain repetitions: median
            key: statistics.median(x[key] for x in recs)
            for key in recs[0] if isinstance(recs[0][key], (int, float))}
        ns = rec.get("ns_per_call")
        if ns is None:  # small/*: plain timing, one call per iteration
            unit = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[recs[0].get("time_unit", "ns")]
            ns = rec["real_time"] * unit
        entry = {
            "ns": ns,
            "gbs": rec.get("bytes_per_second", 0) / 1e9,
            "ratio": rec.get("limit_ratio"),
            "dst_bytes": rec.get("dst_bytes", 0),
            "N": rec.get("N", 0),
            "inline_ratio": rec.get("inline_ratio"),
            "inline_ns": rec.get("inline_ns_per_call"),
        }
        cases.setdefault(case, OrderedDict())[impl] = entry
    return data.get("context", {}), cases


def case_label(case):
    op, dtype, rank, k, d, inner, fill, size = case
    return f"{op} {dtype} {rank}-D K{k} D{d} in{inner} {fill} {size}"


def fmt_time(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.1f} µs"
    return f"{ns:.0f} ns" if ns >= 100 else f"{ns:.1f} ns"


def fmt(x, spec=".2f", suffix=""):
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:{spec}}{suffix}"


def lib_targets(cases):
    seen = []
    for impls in cases.values():
        for impl in impls:
            if impl.startswith("lib:") and impl[4:] not in seen:
                seen.append(impl[4:])
    return seen


def speedup(impls, impl):
    if "naive" not in impls or impl not in impls:
        return None
    return impls["naive"]["ns"] / impls[impl]["ns"]


def select(cases, **want):
    for case, impls in cases.items():
        d = dict(zip(FIELDS, case))
        if all((d[k] in v) if isinstance(v, (set, list, tuple)) else d[k] == v
               for k, v in want.items()):
            yield case, impls


def small_call_rows(cases, impl, prefix, label):
    """The small call through `impl` against the inlined loop (the target) and
    the loop with K, D, N read at run time (context)."""
    out = []
    for _, impls in select(cases, op="small"):
        for base, what in (("inline", f"{prefix}small call ≤ 2× inlined scalar loop"),
                           ("inline:runtime", f"(context) {prefix}small call ≤ 2× the loop with K, D, N "
                                              "read at run time")):
            if impl not in impls:
                continue
            call = impls[impl]
            if base == "inline" and call.get("inline_ratio"):
                # Timed in turn with the inlined loop (RunSmallPaired).
                r, base_ns, how = call["inline_ratio"], call["inline_ns"], ", paired"
            elif base in impls:
                r, base_ns, how = call["ns"] / impls[base]["ns"], impls[base]["ns"], ""
            else:
                continue
            out.append(f"| {what} ({label}) | 1 | {'**met**' if r <= 2 else '**missed**'} "
                       f"({fmt_time(call['ns'])} vs {fmt_time(base_ns)}{how}: {r:.2f}×) |")
    return out


# The size sweep (flat in N) of f32 K3 D2, as benchmarks/dilate_bench.cc runs it.
SWEEP_SIZES = {"2K", "16K", "256K", "4M", "64M", "256M"}


def target_checks(cases, targets):
    """The issue's targets, evaluated on this run. Returns markdown lines."""
    best = targets[0] if targets else None
    simd = [t for t in targets if t not in ("SCALAR", "EMU128")]
    out = []

    def ratios(rows, target):
        return [impls[f"lib:{target}"]["ratio"] for _, impls in rows
                if f"lib:{target}" in impls and impls[f"lib:{target}"]["ratio"] is not None]

    def verdict(vals, bound, higher=True):
        if not vals:
            return "not measured"
        worst = min(vals) if higher else max(vals)
        ok = worst >= bound if higher else worst <= bound
        return ("**met**" if ok else "**missed**") + f" (worst {worst:.2f}, median {statistics.median(vals):.2f})"

    out.append("| Target (issue \"Speed\") | Cases | Result |")
    out.append("|---|---|---|")
    core = dict(op="expand", dtype="f32", rank=2, k={3, 5, 7}, d={2, 3, 4}, inner=1, fill="zero")
    def spread(vals):
        return f"median {statistics.median(vals):.2f} ({min(vals):.2f}–{max(vals):.2f})"

    def bound_rows(rows, label):
        """What the data movement alone reaches on these cases (`move`), and
        how close the library and a plan come to it: their ratio to memset ÷
        move's (each paired with memset in its own run, so drift between the
        runs cancels)."""
        lines = []
        mv = [impls["move"]["ratio"] for _, impls in rows
              if "move" in impls and impls["move"]["ratio"] is not None]
        if mv:
            lines.append(f"| (context) {label}: the data movement alone (move) ÷ memset | {len(mv)} | "
                         f"{spread(mv)} |")
        for impl in (f"lib:{best}", f"plan:{best}"):
            rel = [impls[impl]["ratio"] / impls["move"]["ratio"] for _, impls in rows
                   if "move" in impls and impl in impls and impls["move"]["ratio"]
                   and impls[impl]["ratio"] is not None]
            if rel:
                lines.append(f"| (context) {label}: {impl} ÷ move | {len(rel)} | {spread(rel)} |")
        return lines

    for size in ("256K", "256M"):
        rows = list(select(cases, size=size, **core))
        out.append(f"| expand inner=1 ≥ 0.8× memset, {size} dst ({best}) | {len(rows)} | "
                   f"{verdict(ratios(rows, best), 0.8)} |")
        out += bound_rows(rows, f"expand inner=1, {size}")
    # The "every element size": the suite times u8, u16 and f64 at
    # K3 D2 (and K7 D4 in L2, u16 K5 D4 too; the core grid is f32).
    sizes = dict(core, dtype={"u8", "u16", "f64"}, k={3, 5, 7}, d={2, 4})
    for size in ("256K", "64M"):
        rows = list(select(cases, size=size, **sizes))
        if rows:
            out.append(f"| expand inner=1 ≥ 0.8× memset, u8/u16/f64, {size} dst ({best}) | {len(rows)} | "
                       f"{verdict(ratios(rows, best), 0.8)} |")
    rows = list(select(cases, size="256M", **core))
    nz = [impls["memset:A5"]["ns"] / impls[f"lib:{best}"]["ns"] for _, impls in rows
          if "memset:A5" in impls and f"lib:{best}" in impls]
    if nz:
        out.append(f"| (context) expand inner=1, 256M dst, ÷ memset of a non-zero byte ({best}) | {len(nz)} | "
                   f"{min(nz):.2f}–{max(nz):.2f}, median {statistics.median(nz):.2f} |")
    rows = [r for r in select(cases, op="expand", inner={64, 512})]
    out.append(f"| expand inner ≥ 16 ≥ 0.9× memset ({best}) | {len(rows)} | {verdict(ratios(rows, best), 0.9)} |")
    out += bound_rows(rows, "expand inner ≥ 16")
    rows = list(select(cases, op="contract"))
    out.append(f"| contract ≥ 0.8× memcpy of bytes read ({best}) | {len(rows)} | {verdict(ratios(rows, best), 0.8)} |")
    if "AVX2" in targets:
        rows = list(select(cases, size={"256K", "256M"}, **core))
        out.append(f"| AVX2 forced ≥ 0.6× memset (core grid) | {len(rows)} | {verdict(ratios(rows, 'AVX2'), 0.6)} |")
        rows = list(select(cases, size={"256K", "64M"}, **sizes))
        if rows:
            out.append(f"| AVX2 forced ≥ 0.6× memset (u8/u16/f64) | {len(rows)} | "
                       f"{verdict(ratios(rows, 'AVX2'), 0.6)} |")
    for t in simd:
        sp = [speedup(impls, f"lib:{t}") for _, impls in select(cases, op={"expand", "contract"})]
        sp = [s for s in sp if s is not None]
        out.append(f"| {t} ≥ 10× naive loop | {len(sp)} | {verdict(sp, 10.0)} |")
    if best:
        out += small_call_rows(cases, f"lib:{best}", "", best)
    out += small_call_rows(cases, "expand_2d", "", "dilate_expand_2d")
    sweep = sorted(((impls[f"lib:{best}"]["dst_bytes"], impls[f"lib:{best}"]["ratio"])
                    for _, impls in select(cases, op="expand", dtype="f32", rank=2, k=3, d=2, inner=1,
                                           fill="zero", size=SWEEP_SIZES)
                    if f"lib:{best}" in impls))
    if sweep:
        rs = [r for _, r in sweep]
        flat = min(rs) >= 0.8 * max(rs)
        out.append(f"| throughput flat in N (ratio to memset, K3 D2, 2K..256M, {best}) | {len(rs)} | "
                   f"{'**met**' if flat else '**missed**'} ({', '.join(f'{r:.2f}' for r in rs)}) |")
        moves = sorted((impls["move"]["dst_bytes"], impls["move"]["ratio"])
                       for _, impls in select(cases, op="expand", dtype="f32", rank=2, k=3, d=2,
                                              inner=1, fill="zero", size=SWEEP_SIZES)
                       if "move" in impls and impls["move"]["ratio"] is not None)
        if moves:
            out.append(f"| (context) the data movement alone (move) ÷ memset by size, K3 D2 | "
                       f"{len(moves)} | {', '.join(f'{r:.2f}' for _, r in moves)} |")
    # The same targets through a dilate_plan (validated, tables built once).
    plan = f"plan:{best}"

    def plan_ratios(rows):
        return [impls[plan]["ratio"] for _, impls in rows
                if plan in impls and impls[plan]["ratio"] is not None]

    for size in ("256K", "256M"):
        rows = list(select(cases, size=size, **core))
        vals = plan_ratios(rows)
        if vals:
            out.append(f"| with a plan: expand inner=1 ≥ 0.8× memset, {size} dst ({plan}) | {len(vals)} | "
                       f"{verdict(vals, 0.8)} |")
    vals = plan_ratios(select(cases, op="expand", inner={64, 512}))
    if vals:
        out.append(f"| with a plan: expand inner ≥ 16 ≥ 0.9× memset ({plan}) | {len(vals)} | "
                   f"{verdict(vals, 0.9)} |")
    if "AVX2" in targets:
        rows = list(select(cases, size={"256K", "256M"}, **core))
        vals = [impls["plan:AVX2"]["ratio"] for _, impls in rows
                if "plan:AVX2" in impls and impls["plan:AVX2"]["ratio"] is not None]
        if vals:
            out.append(f"| with a plan: AVX2 forced ≥ 0.6× memset (core grid, plan:AVX2) | {len(vals)} | "
                       f"{verdict(vals, 0.6)} |")
        rows = list(select(cases, size="256K", **core))
        vals = [impls["plan:AVX2"]["ratio"] for _, impls in rows
                if "plan:AVX2" in impls and impls["plan:AVX2"]["ratio"] is not None]
        if vals:
            out.append(f"| (context) with a plan: AVX2, core grid 256K only | {len(vals)} | "
                       f"{verdict(vals, 0.6)} |")
    vals = plan_ratios(select(cases, op="contract"))
    if vals:
        out.append(f"| with a plan: contract ≥ 0.8× memcpy ({plan}) | {len(vals)} | {verdict(vals, 0.8)} |")
    out += small_call_rows(cases, plan, "with a plan: ", plan)
    sweep = sorted(((impls[plan]["dst_bytes"], impls[plan]["ratio"])
                    for _, impls in select(cases, op="expand", dtype="f32", rank=2, k=3, d=2, inner=1,
                                           fill="zero", size=SWEEP_SIZES)
                    if plan in impls))
    if sweep:
        rs = [r for _, r in sweep]
        flat = min(rs) >= 0.8 * max(rs)
        out.append(f"| with a plan: throughput flat in N (K3 D2, 2K..256M, {plan}) | {len(rs)} | "
                   f"{'**met**' if flat else '**missed**'} ({', '.join(f'{r:.2f}' for r in rs)}) |")
    for case, impls in select(cases, op="threads"):
        # 2M: below num_threads' 16 MiB per started thread, so "no slower".
        bound = {"256M": 1.0, "2M": 0.95}.get(case[-1], 1.7)
        for impl, what in (("threads:2", "2 threads"), ("runner:2", "2 threads of a caller's pool")):
            if "threads:1" in impls and impl in impls:
                s = impls["threads:1"]["ns"] / impls[impl]["ns"]
                out.append(f"| {what} ≥ {bound}× one thread, {case_label(case)} | 1 | "
                           f"{'**met**' if s >= bound else '**missed**'} ({s:.2f}×) |")
        # What the machine allows: memset on the pool's two threads against
        # memset on one, timed alternately in the same iterations.
        ceiling = impls.get("memset:runner:2", {}).get("ratio")
        if ceiling is not None:
            out.append(f"| (context) memset on 2 threads ÷ memset on 1, {case_label(case)} | 1 | "
                       f"{ceiling:.2f}× |")
    return out


def summary_table(cases, targets):
    """One row per target: key ratios over the whole run."""
    out = ["| Target | expand ×memset (core, 256K) | expand ×memset (core, 256M) | "
           "expand ×memset (inner ≥ 64) | contract ×memcpy | min speed-up vs naive | "
           "median speed-up vs naive |", "|---|---|---|---|---|---|---|"]
    core = dict(op="expand", dtype="f32", rank=2, k={3, 5, 7}, d={2, 3, 4}, inner=1, fill="zero")

    def med(vals):
        vals = [v for v in vals if v is not None]
        return statistics.median(vals) if vals else None

    def rng(vals):
        vals = [v for v in vals if v is not None]
        if not vals:
            return "–"
        return f"{statistics.median(vals):.2f} ({min(vals):.2f}–{max(vals):.2f})"

    for t in targets:
        key = f"lib:{t}"
        r = lambda rows: [impls[key]["ratio"] for _, impls in rows if key in impls]
        sp = [speedup(impls, key) for _, impls in select(cases, op={"expand", "contract"})]
        sp = [s for s in sp if s is not None]
        out.append(f"| {t} | {rng(r(select(cases, size='256K', **core)))} | "
                   f"{rng(r(select(cases, size='256M', **core)))} | "
                   f"{rng(r(select(cases, op='expand', inner={64, 512})))} | "
                   f"{rng(r(select(cases, op='contract')))} | "
                   f"{fmt(min(sp) if sp else None, '.1f', '×')} | {fmt(med(sp), '.1f', '×')} |")
    out.append("")
    out.append("Cells: median (min–max) over the cases of that column of the same-run ratio "
               "time(limit) / time(target); ≥ 1 is as fast as memset/memcpy.")
    return out


def wide_table(cases, targets):
    """One row per expand/contract case: GB/s and ×limit per target, baselines."""
    plan = f"plan:{targets[0]}" if targets else None
    head = ["Case", "dst", "limit GB/s"] + targets + ([plan] if plan else []) + \
        ["move", "naive", "scatter", "selmat", "kron"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for case, impls in cases.items():
        if case[0] not in ("expand", "contract"):
            continue
        lim = impls.get("memset") or impls.get("memcpy")
        any_impl = next(iter(impls.values()))
        row = [case_label(case), human_bytes(any_impl["dst_bytes"]),
               fmt(lim["gbs"], ".1f") if lim else "–"]
        for key in [f"lib:{t}" for t in targets] + ([plan] if plan else []) + ["move"]:
            e = impls.get(key)
            row.append(f"{e['gbs']:.1f} ({e['ratio']:.2f}×)" if e else "–")
        for b in ("naive", "scatter", "selmat", "kron"):
            e = impls.get(b)
            row.append(f"{e['gbs']:.2f}" if e else "–")
        out.append("| " + " | ".join(row) + " |")
    out.append("")
    out.append("Cells: GB/s of dst (expanded bytes) and, in brackets, the same-run ratio to the limit "
               "(memset of dst for expand, memcpy of the expanded bytes for contract). `move`: the data "
               "movement alone (dst written once in vectors copied from src, src read once; no permute, "
               "no table), what this machine allows any expand.")
    return out


def long_table(cases):
    out = ["| Case | Impl | Time/call | GB/s | × limit | × naive |", "|---|---|---|---|---|---|"]
    for case, impls in cases.items():
        for impl, e in impls.items():
            sp = speedup(impls, impl)
            out.append(f"| {case_label(case)} | {impl} | {fmt_time(e['ns'])} | {e['gbs']:.2f} | "
                       f"{fmt(e['ratio'])} | {fmt(sp, '.1f', '×')} |")
    return out


def human_bytes(n):
    n = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024


def markdown(ctx, cases, source, rev):
    targets = lib_targets(cases)
    date = ctx.get("date", datetime.datetime.now().isoformat(timespec="seconds"))
    lines = [
        f"# libdilate benchmark report ({ctx.get('dilate_suite', '?')})",
        "",
        f"- CPU: {cpu_model()} ({ctx.get('num_cpus', '?')} logical CPUs, "
        f"{ctx.get('mhz_per_cpu', '?')} MHz)",
        f"- Caches: " + ", ".join(f"L{c['level']} {c['type']} {human_bytes(c['size'])}"
                                  for c in ctx.get("caches", [])),
        f"- Date: {date}; libdilate {ctx.get('dilate_version', '?')} at `{rev}`; "
        f"targets: {ctx.get('dilate_targets', '?')}",
        f"- Source: `{source}`; one thread unless noted; medians of repetitions.",
        "",
        "## Issue targets",
        "",
        *target_checks(cases, targets),
        "",
        "## Per target",
        "",
        *summary_table(cases, targets),
        "",
        "## Per case",
        "",
        *wide_table(cases, targets),
        "",
        "## Small call and threads",
        "",
        "| Case | Impl | Time/call | GB/s | × limit |",
        "|---|---|---|---|---|",
    ]
    for case, impls in cases.items():
        if case[0] in ("small", "threads"):
            for impl, e in impls.items():
                lines.append(f"| {case_label(case)} | {impl} | {fmt_time(e['ns'])} | {e['gbs']:.2f} | "
                             f"{fmt(e['ratio'])} |")
    lines += ["", "## All measurements", "", "<details><summary>Every case × implementation</summary>",
              "", *long_table(cases), "", "</details>", ""]
    return "\n".join(lines)


def plot(cases, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    targets = lib_targets(cases)
    groups = defaultdict(lambda: defaultdict(list))  # (k, d) -> impl -> [(bytes, gbs)]
    for case, impls in cases.items():
        op, dtype, rank, k, d, inner, fill, size = case
        if (op, dtype, rank, inner, fill) != ("expand", "f32", 2, 1, "zero"):
            continue
        for impl, e in impls.items():
            groups[(k, d)][impl].append((e["dst_bytes"], e["gbs"]))
    # Only (K, D) pairs with a real size sweep (>= 3 sizes).
    keys = [kd for kd, g in sorted(groups.items()) if len(g.get("memset", [])) >= 3]
    if not keys:
        print("no size sweep in the results: no plot", file=sys.stderr)
        return
    fig, axes = plt.subplots(1, len(keys), figsize=(6.5 * len(keys), 4.6), squeeze=False, sharey=True)
    styles = {"memset": dict(color="black", linestyle="--", linewidth=2, marker="s"),
              "naive": dict(color="grey", linestyle=":", marker="x")}
    cmap = plt.get_cmap("tab10")
    for ax, kd in zip(axes[0], keys):
        g = groups[kd]
        for i, t in enumerate(targets):
            pts = sorted(g.get(f"lib:{t}", []))
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", color=cmap(i), label=t)
        for base, st in styles.items():
            pts = sorted(g.get(base, []))
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], label=base, **st)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("dst size (bytes)")
        ax.set_title(f"expand f32 2-D, K={kd[0]}, D={kd[1]}, inner=1, 1 thread")
        ax.grid(True, which="both", alpha=0.3)
        ticks = [p[0] for p in sorted(g["memset"])]
        ax.set_xticks(ticks)
        ax.set_xticklabels([human_bytes(b) for b in ticks], fontsize=8)
    axes[0][0].set_ylabel("throughput (GB/s of dst)")
    axes[0][-1].legend(fontsize=8, loc="best")
    fig.suptitle(f"libdilate expand throughput vs dst size — {cpu_model()}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    print(f"wrote {path}", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("json")
    ap.add_argument("--md", help="write the Markdown report here (default: stdout)")
    ap.add_argument("--png", help="write the throughput plot here")
    ap.add_argument("--rev", default="unknown", help="source revision measured (git describe)")
    a = ap.parse_args()
    ctx, cases = load(a.json)
    md = markdown(ctx, cases, a.json.split("/")[-1], a.rev)
    if a.md:
        with open(a.md, "w") as f:
            f.write(md)
        print(f"wrote {a.md}", file=sys.stderr)
    else:
        sys.stdout.write(md)
    if a.png:
        plot(cases, a.png)


if __name__ == "__main__":
    main()
