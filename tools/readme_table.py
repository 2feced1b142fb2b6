#!/usr/bin/env python3
"""The Speed table of README.md from a benchmark run.

Usage: /usr/bin/python3 tools/readme_table.py bench-results/quick-<stamp>.json

Prints the markdown table README.md shows under "Speed": GB/s of dst (memcpy of
the bytes read for contract) and the ratio to the limit measured in the same run,
per case and target, from tools/bench_report.py's reading of the run."""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_report as br
ctx, cases = br.load(sys.argv[1])
rows = [
 ("K3 D2, dst 256 KiB (L2)", ("expand","f32",2,3,2,1,"zero","256K")),
 ("K3 D2, dst 256 MiB", ("expand","f32",2,3,2,1,"zero","256M")),
 ("K3 D4, dst 256 KiB", ("expand","f32",2,3,4,1,"zero","256K")),
 ("K5 D2, dst 256 KiB", ("expand","f32",2,5,2,1,"zero","256K")),
 ("K5 D2, dst 256 MiB", ("expand","f32",2,5,2,1,"zero","256M")),
 ("K5 D4, dst 256 KiB", ("expand","f32",2,5,4,1,"zero","256K")),
 ("K7 D3 (the demo's 7→19), 256 KiB", ("expand","f32",2,7,3,1,"zero","256K")),
 ("K7 D3, dst 256 MiB", ("expand","f32",2,7,3,1,"zero","256M")),
 ("K7 D4, dst 256 KiB", ("expand","f32",2,7,4,1,"zero","256K")),
 ("K7 D4, dst 256 MiB", ("expand","f32",2,7,4,1,"zero","256M")),
 ("K3 D2, dst 16 KiB (L1)", ("expand","f32",2,3,2,1,"zero","16K")),
 ("K7 D2, dst 16 KiB (L1)", ("expand","f32",2,7,2,1,"zero","16K")),
 ("K7 D2, dst 64 KiB", ("expand","f32",2,7,2,1,"zero","64K")),
 ("K7 D4, dst 4 MiB (L3)", ("expand","f32",2,7,4,1,"zero","4M")),
 ("u8 K3 D2, 256 KiB", ("expand","u8",2,3,2,1,"zero","256K")),
 ("u8 K7 D4, 256 KiB", ("expand","u8",2,7,4,1,"zero","256K")),
 ("u16 K3 D2, 256 KiB", ("expand","u16",2,3,2,1,"zero","256K")),
 ("u16 K7 D4, 256 KiB", ("expand","u16",2,7,4,1,"zero","256K")),
 ("u16 K5 D4 (tap rows 136 bytes apart), 256 KiB", ("expand","u16",2,5,4,1,"zero","256K")),
 ("f64 K7 D4, 256 KiB", ("expand","f64",2,7,4,1,"zero","256K")),
 ("HWIO K3 D2, inner 64, 256 KiB", ("expand","f32",2,3,2,64,"zero","256K")),
 ("HWIO K5 D3, inner 64, 256 KiB", ("expand","f32",2,5,3,64,"zero","256K")),
 ("HWIO K3 D2, inner 64, 64 MiB", ("expand","f32",2,3,2,64,"zero","64M")),
 ("HWIO K5 D3, inner 64, 64 MiB", ("expand","f32",2,5,3,64,"zero","64M")),
 ("HWIO K3 D2, inner 512, 256 KiB", ("expand","f32",2,3,2,512,"zero","256K")),
 ("contract K3 D2, 256 KiB (× memcpy)", ("contract","f32",2,3,2,1,"zero","256K")),
 ("contract K5 D3, 256 KiB (× memcpy)", ("contract","f32",2,5,3,1,"zero","256K")),
 ("contract K7 D4, 256 KiB (× memcpy)", ("contract","f32",2,7,4,1,"zero","256K")),
 ("contract u8 K3 D2, 256 KiB (× memcpy)", ("contract","u8",2,3,2,1,"zero","256K")),
 ("contract u16 K3 D2, 256 KiB (× memcpy)", ("contract","u16",2,3,2,1,"zero","256K")),
 ("contract f64 K3 D2, 256 KiB (× memcpy)", ("contract","f64",2,3,2,1,"zero","256K")),
]
print("| f32 kernels unless named, N chosen for the dst size | memset | libdilate AVX3_DL | same, with a plan | AVX3 | AVX2 | naive loop | memset + scatter | selection matrix | kron + crop |")
print("|---|---|---|---|---|---|---|---|---|---|")
def c(e): return f"{e['gbs']:.1f} ({e['ratio']:.2f}×)" if e else "–"
def g(e): return f"{e['gbs']:.2f}" if e else "–"
for label, key in rows:
    im = cases.get(key)
    if im is None:
        print("MISSING", label, file=sys.stderr); continue
    lim = im.get("memset") or im.get("memcpy")
    print(f"| {label} | {lim['gbs']:.1f} | {c(im.get('lib:AVX3_DL'))} | {c(im.get('plan:AVX3_DL'))} | {c(im.get('lib:AVX3'))} | {c(im.get('lib:AVX2'))} | {g(im.get('naive'))} | {g(im.get('scatter'))} | {g(im.get('selmat'))} | {g(im.get('kron'))} |")
