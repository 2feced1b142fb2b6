// Tensors of at most a kilobyte or so: a scalar walk with no tables and no
// vector setup, so a single small call (one 3x3 kernel) costs little more
// than the loop a caller would have written inline.
#ifndef DILATE_LIB_SMALL_H_
#define DILATE_LIB_SMALL_H_

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/compiler.h"
#include "lib/plan.h"

namespace dilate {

// Up to this many bytes of dst a tensor goes through the scalar walk:
// building vector tables would cost more than the data.
constexpr uint64_t kSmallBytes = 1024;

// Also takes one-shot expands up to 64 KiB whose walk costs less than the
// tile tables they would build (WalkPays in lib/driver.cc).
void ExpandSmall(const Plan& p, const uint8_t* src, uint8_t* dst);

// Returns whether every non-tap element is fill (true without verify).
bool ContractSmall(const Plan& p, const uint8_t* expanded, uint8_t* dense, bool verify);

// For a plan of small tensors (dst_bytes and src_bytes <= kSmallBytes, so
// every index fits 16 bits): writes the (dst element, src element) index of
// every tap element, in dst order, to pairs[0, 2 n) and returns n (at most
// kSmallBytes). A call then needs no walk at all (the small call, K3 D2 f32:
// ExpandSmall ~230 instructions).
uint32_t ListSmallTaps(const Plan& p, uint16_t* pairs);

// ExpandSmall and ContractSmall (without verify) from that list.
void ExpandListed(const Plan& p, const uint16_t* pairs, uint32_t n, const uint8_t* src,
                  uint8_t* dst);
void ContractListed(const Plan& p, const uint16_t* pairs, uint32_t n, const uint8_t* expanded,
                    uint8_t* dense);

// dilate_expand_2d's own case without a Plan: n square k x k kernels of
// elem_size-byte elements, dilation d on both axes, zero holes, no padding.
// The caller has checked that the arguments are valid and that dst,
// n * L * L * elem_size bytes with L = (k - 1) * d + 1, is small: at most
// kSmallBytes, or within kSquareStores (a speed limit only: any size is
// correct). Byte-for-byte what ExpandSmall gives for the
// equivalent plan. Returns DILATE_OK, so that dilate_expand_2d can end in a
// jump to it. The contract loops (kContractSquareSmall) take the same
// arguments the other way round: src the expanded tensor, dst the dense one.
using SquareSmallFn = dilate_status (*)(uint64_t n, uint64_t k, uint64_t d, const uint8_t* src,
                                        uint8_t* dst);

// Kernel sizes below this have a loop of their own, with the k * k taps of a
// kernel unrolled, as a caller's inline loop for a fixed size would be.
constexpr uint64_t kSquareFixedK = 8;

// [log2 elem_size][k < kSquareFixedK ? k : 0]
extern const SquareSmallFn kExpandSquareSmall[4][kSquareFixedK];

inline SquareSmallFn ExpandSquareSmallFor(uint32_t elem_size, uint64_t k) {
  return kExpandSquareSmall[__builtin_ctz(elem_size) & 3][k < kSquareFixedK ? k : 0];
}

// dilate_expand's and dilate_contract's small call (SmallDescFor, below,
// inlined into them): the description of dilate_expand_2d's case with a
// valid dtype, 1 <= k < kSquareFixedK, one dilation, no padding, zero fill
// and no options. By [contract][dtype - 1][k - 1], a function that checks
// the rest with the element size and k known at compile time (dilation,
// kernels, sizes, pointers, overlap, a target) and runs that case's loop,
// else ends in the general path (ExpandGeneral or ContractGeneral, which
// report what is wrong). Takes the entry point's arguments (in: src or
// expanded, out: dst or dense), so that it ends in a jump to the function.
constexpr uint32_t kSmallDescTypes = 12;
using SmallDescFn = dilate_status (*)(const dilate_desc* desc, const void* in, size_t in_bytes,
                                      void* out, size_t out_bytes);
extern const SmallDescFn kSmallDesc[2][kSmallDescTypes][kSquareFixedK];

// The function of kSmallDesc for desc and options, else null.
template <bool kContract>
DILATE_ALWAYS_INLINE SmallDescFn SmallDescFor(const dilate_desc* desc,
                                              const dilate_options* options) {
  if (options != nullptr || desc == nullptr || desc->struct_size != sizeof(dilate_desc) ||
      desc->rank != 2 || desc->flags != 0 || desc->inner != 1) {
    return nullptr;
  }
  const uint64_t k = desc->src_dims[0];
  const uint32_t type = desc->dtype - 1;
  uint64_t fill;
  memcpy(&fill, desc->fill, sizeof(fill));
  if (type >= kSmallDescTypes || k - 1 >= kSquareFixedK - 1 || desc->src_dims[1] != k ||
      desc->dilation[1] != desc->dilation[0] ||
      (desc->pad_lo[0] | desc->pad_lo[1] | desc->pad_hi[0] | desc->pad_hi[1] |
       static_cast<int64_t>(fill)) != 0) {
    return nullptr;
  }
  return kSmallDesc[kContract][type][k - 1];
}

// dilate_expand_2d's small call: the same checks and loop for its
// arguments, by [dtype - 1][k - 1] for a valid dtype and 1 <= k <
// kSquareFixedK, else Expand2dGeneral.
using Expand2dSmallFn = dilate_status (*)(uint32_t dtype, uint64_t n, uint64_t k, uint64_t d,
                                          const void* src, void* dst);
extern const Expand2dSmallFn kExpand2dSmall[kSmallDescTypes][kSquareFixedK];

// dilate_expand, dilate_contract and dilate_expand_2d past their small call
// (lib/api.cc).
dilate_status ExpandGeneral(const dilate_desc* desc, const void* src, size_t src_bytes, void* dst,
                            size_t dst_bytes, const dilate_options* options);
dilate_status ContractGeneral(const dilate_desc* desc, const void* expanded, size_t expanded_bytes,
                              void* dense, size_t dense_bytes, const dilate_options* options);
dilate_status Expand2dGeneral(uint32_t dtype, uint64_t n, uint64_t k, uint64_t d, const void* src,
                              void* dst);

// The same case contracted without verify (holes unread, so any fill): one
// load and one store per tap, the k * k taps of a kernel unrolled below
// kSquareFixedK.
extern const SquareSmallFn kContractSquareSmall[4][kSquareFixedK];

inline SquareSmallFn ContractSquareSmallFor(uint32_t elem_size, uint64_t k) {
  return kContractSquareSmall[__builtin_ctz(elem_size) & 3][k < kSquareFixedK ? k : 0];
}

// A one-shot expand of dilate_expand_2d's case larger than kSmallBytes
// (ExpandIfSquare) takes that loop too while it makes at most this many stores (dst_bytes /
// 16 of zeros, one per tap): below that it costs less than the call's tile
// tables. Same-process A/B on the Zen 4 EPYC VM against tile mode, stores
// in brackets: f32 K3 D2 at 1.1 / 2 / 3 / 4 KiB (168 / 305 / 458 / 610)
// 0.32 / 0.44 / 0.52 / 0.61 of the time, K5 D2 / K3 D4 at 3.9 KiB 0.43 /
// 0.50, K7 D3 / K7 D4 (one or two kernels) 0.34 / 0.36, u16 / u8 K3 D2 at
// 2 KiB (485 / 856) 0.50 / 0.73, f64 at 2 / 4 KiB 0.35 / 0.48; beyond it,
// f32 K3 D2 at 5.9 / 7.9 / 11.7 KiB (915 / 1235 / 1830) 0.80 / 0.97 / 1.19,
// u8 at 4 KiB (1722) 1.25, though sparse kernels won further (K3 D4 at 16
// KiB, 1462 stores, 0.71).
constexpr uint64_t kSquareStores = 1024;

// Up to this many bytes of dst, dilate_expand_2d's case larger than
// kSmallBytes takes the target's vector loop where it fits
// (ExpandKernels::square_planes: a kernel's src in one vector or two, its plane in
// at most 8; SquarePlanesLoop in lib/driver.h) before the scalar loop or
// tile tables; a plan's up to kSquarePlanPlanesBytes and
// kSquarePlanPlanesKernels. Best of 21 loops of dilate_expand_2d in one
// process per build (AVX3_DL, an Intel Xeon VM, against the paths before),
// f32 K3 D2 at 1.2 / 1.6 / 2 / 4 / 8 / 16 / 24 / 32 KB 1.09 / 0.76 / 0.73 /
// 0.66 / 0.35 / 0.53 / 0.41 / 0.61 of the time, K3 D3 / K3 D4 at 8 and 16
// KB 0.83 / 0.96 and 0.52 / 0.38, u16 K3 D2 0.44-0.79, u8 K3 D2 0.43-0.73
// (half-width vectors), u8 K5 D2 / K7 D3 0.34 / 0.23 at 8 KB; but past the
// 48 KiB L1 lost (48 KB: f32 / u8 K3 D2 1.26 / 1.34, K3 D3 1.08, K2 D2
// 1.94), so not past 24 KiB, well inside a 32 KiB L1 too. Plans against
// their own paths (tools/ab.sh plan-expand): f32 K3 D2 at 1.6 / 2 / 4 / 8
// KB 1.11 / 0.98 / 0.95 / 0.88, K3 D3 / K3 D4 / u8 K7 D3 at 8 KB 0.65 /
// 0.55 / 0.52, u16 K3 D2 at 4 KB 0.77, u8 K3 D2 at 2 / 3.2 KB 0.84 / 0.99;
// f32 K3 D2 at 16 KB (163 kernels) 1.18, u8 K3 D2 at 8 KB (327) 1.15.
constexpr uint64_t kSquarePlanesBytes = 24 * 1024;

// Where WidePlanes (lib/driver.h: 512-bit targets on AMD's Zen 5 or
// later), one-shot expands take those vector loops up to kWidePlanesBytes,
// dilate_expand_2d's case up to kWideSquarePlanesKernels kernels (beyond,
// see PlanesBeforeTiles in lib/driver.cc): there they beat tiles, whose
// tables a one-shot call builds for itself, well past the L1. Medians of
// four same-process A/B runs on the Zen 5 EPYC VM (AVX3_DL; tools/ab.sh,
// both orders, one-shot, against tiles): f32 K3 D2 at 32 / 64 KiB 0.79 /
// 0.83, K3 D3 at 64 / 128 KiB 0.77 / 0.68, K5 D2 / K3 D4 at 256 KiB (809
// kernels) 0.78 / 0.85, u16 K3 D2 at 32 KiB 0.87, u8 K5 D3 at 128 KiB
// 0.53, f64 K3 D2 at 64 KiB 0.86; other shapes (ExpandKernels::planes):
// 3-D K3 D2 at 64 / 256 KiB 0.56 / 0.72, 1-D K3 D2 at 256 KiB 0.79, OHWI
// inner 3 K3 D2 0.72. AVX3 alike (f32 K3 D2 at 64 KiB 0.78, u8 3-D at 256
// KiB 0.71, single runs); AVX2's loops lost (1-D f32 / u8 3-D at 256 KiB
// 1.36 / 1.35), so 512-bit targets only. Unmeasured on other CPUs (an
// Intel Xeon VM lost past the 48 KiB L1: see kSquarePlanesBytes).
constexpr uint64_t kWidePlanesBytes = 256 * 1024;
constexpr uint64_t kWideSquarePlanesKernels = 1024;
// Serial one-shot expands (no caller's runner: no thread is started below
// kBytesPerStartedThread) take them on past L2, up to
// kWideSerialPlanesBytes, where SerialPlanesPay: rank-2 kernels of k x k
// (any group of g bytes, no padding; `square`) where k is 4 or more, or 3
// with d 4 or more, and a kernel's plane (L x L x g) holds at least
// kSerialPlaneMinBytes, or where g is no power of two; every other shape
// (1-D, 3-D, padded). Elsewhere tiles, whose pair loops K3 D2 and K3 D3
// are made for, hold their own. Medians of four same-process A/B runs on
// the Zen 5 EPYC VM (AVX3_DL, tools/ab.sh, both orders) against tiles or
// aligned rows, at 512 KiB / 1 MiB (single runs) / 2 / 4 MiB: f32 K5 D3
// 0.74 / 0.80 / 0.82 / 0.96, K4 D4 0.68 / 0.87 / 0.97 / 0.96, K5 D2 0.83
// / 0.94 / 0.96 / 0.94, K3 D4 0.87 / 0.92 / 0.98 / 0.99, K4 D2 0.78, K4
// D3 0.90, u8 K7 D4 0.55 / 0.62 / 0.80 / 0.85, u8 K5 D3 0.70 / - / 0.98
// / 0.94, u16 K7 D3 0.54 / 0.70 / 0.82 / 0.73, u16 K5 D4 0.54 / 0.85 /
// 0.94 / 0.74, u16 K3 D4 0.61 / - / 0.98 / 1.00, f64 K3 D4 0.85 / 0.95 /
// 0.97 / 0.92, f64 K4 D2 0.78 / 0.91 at 4 MiB, f32 K5 D3 with a fill 0.63
// / 0.98 at 2 MiB; 1-D K3 D2 f32 / u8 0.92 / 0.93 ... 0.87 / 0.94, 3-D
// 0.72 / 0.85 ... 0.97 / 0.98, OHWI inner 3 f32 / u8 0.80 / 0.92 ... 0.95
// / 0.92. Where they lost, at 512 KiB: f32 K3 D2 1.15, u8 K3 D2 1.62, f32
// K2 D2 / K2 D4 1.20 / 1.22, u8 K2 D4 1.80, u8 K3 D4 (81-byte planes) /
// K4 D2 / K4 D3 1.22 / 1.07 / 1.22, inner 2 / 4 K3 D2 (an element of 2-16
// bytes) 1.16-1.34, K3 D3 even; past 4 MiB (8 MiB) f32 K3 D4 / K4 D4 1.05
// / 1.02, u16 K3 D4 1.04, 3-D u8 1.03, and at 15 MiB f32 K5 D3 / K3 D4
// 1.15 / 1.20. Kernels whose planes the loops did not take then (f32 K5
// D4, K3 D8: planes of 13-24 vectors, kMaxWidePlaneVectors in
// lib/kernels.h, came later; K7 D2, K7 D3 fit none) read even.
constexpr uint64_t kWideSerialPlanesBytes = 4u << 20;
constexpr uint64_t kSerialPlaneMinBytes = 128;
inline bool SerialPlanesPay(uint64_t dst_bytes, bool square, uint64_t k, uint64_t d,
                            uint64_t group) {
  if (dst_bytes <= kWidePlanesBytes || dst_bytes > kWideSerialPlanesBytes) return false;
  const uint64_t l = (k - 1) * d + 1;
  return !square || (group & (group - 1)) != 0 ||
         ((k > 3 || (k == 3 && d >= 4)) && l * l * group >= kSerialPlaneMinBytes);
}
// Where ShiftPlanes (lib/driver.h: AVX2), one-shot expands take those
// loops up to kShiftPlanesBytes where a kernel's src passes a vector of
// kShiftWindowBytes and its elements are lanes of kShiftLaneBytes, each
// output vector from a window of its own (ShiftedWindows in
// lib/expand-inl.h): there they beat tiles, whose tables a one-shot call
// builds for itself. Medians of four same-process A/B runs on an AMD EPYC
// Zen 3 VM (AVX2 the best target; tools/ab.sh, both orders) against tiles:
// f32 K3 D2 / K3 D3 / K5 D2 / K3 D4 at 16 KiB (in L1, where every target
// takes these loops) 0.62 / 0.62 / 0.54 / 0.58, K5 D2 at 64 / 128 KiB
// 0.83 / 0.91, K3 D2 / K3 D3 at 128 KiB 0.90 / 0.89, f64 K3 D2 at 16 / 64
// / 128 KiB 0.67 / 0.82 / 0.85, OHWI inner 3 f32 K3 D2 at 16 / 64 KiB 0.66
// / 0.91; u16 K5 D2 and u8 K7 D2 at 16 KiB 0.73 / 0.89. At 256 KiB even
// (single runs: K5 D2 1.01, K3 D3 1.00). Where they lost: byte lanes past
// L1 (u8 K7 D2 at 64 / 128 KiB 1.19 / 1.50, u16 K5 D2 at 128 KiB 1.06:
// AVX2 has no byte permute across 128-bit halves), u16 OHWI inner 3 K3 D3
// at 8 / 16 KiB 1.20 / 1.17 (so a kernel a plane only in lanes of 4 bytes
// or more), plans (against their tables: f32 K3 D3 / K5 D2 at 64 KiB 1.05
// / 1.01) and f64 K3 D2 at 8 KiB 1.11.
// On AVX-512 (lanes of 4 and 8 bytes, a kernel's src past a pair of
// vectors, kPairWindowBytes) the kernels take them wherever dst fits these
// loops' limits (kSquarePlanesBytes; on Zen 5, kWidePlanesBytes), but
// shifted only up to kShiftPlanesBytes, and never for plans (PlanKeepsTables,
// PlanesBeforeTiles). Medians of four same-process A/B runs on the Zen 5
// EPYC VM against tiles, one-shot: f32 K7 D2 at 16 / 64 / 128 KiB 0.48 /
// 0.72 / 0.81, but 192 / 256 KiB 1.04 / 1.08; f32 K6 D2 at 16 / 64 KiB
// 0.41 / 0.55; f64 K5 D2 0.49 / 0.76; planes of 13-16 vectors (against the
// one before them): f32 K6 D3 at 16 / 128 KiB 0.65 / 0.92, f64 K6 D2 0.49
// / 0.81 (ShiftPlaneVectorsMax in lib/expand-inl.h). Plans lost (f32 K7 D2 at 64 / 128
// KiB 1.25 / 1.27, K6 D2 at 8 KiB 1.16; K7 D2 at 8 KiB 0.84 forgone).
constexpr uint64_t kShiftPlanesBytes = 128 * 1024;
constexpr uint64_t kShiftWindowBytes = 32;
constexpr uint64_t kShiftLaneBytes = 4;
constexpr uint64_t kPairWindowBytes = 128;
// Plans take them past kWidePlanPlanesMinBytes (PlanesBeforeTiles).
constexpr uint64_t kWidePlanPlanesMinBytes = 16 * 1024;
constexpr uint64_t kSquarePlanPlanesBytes = 8 * 1024;
constexpr uint64_t kSquarePlanPlanesKernels = 128;

// Whether a one-shot expand of that case larger than kSmallBytes takes its
// scalar loop (where the vector loop does not fit): n kernels of k x k
// (`taps` = n k k), dst_bytes expanded.
inline bool SquareExpandPays(uint64_t dst_bytes, uint64_t taps, uint64_t k) {
  return k < kSquareFixedK && dst_bytes / 16 + taps <= kSquareStores;
}

// Whether a one-shot contract of that case (without verify) larger than
// kSmallBytes takes its loop: below kSquareContractBytes of expanded tensor
// (where threads would split it), while the taps are at most kSquareStores
// + expanded_bytes / 16 (measured: lib/driver.cc, RunContract).
constexpr uint64_t kSquareContractBytes = 256 * 1024;
inline bool SquareContractPays(uint64_t expanded_bytes, uint64_t taps) {
  return expanded_bytes < kSquareContractBytes && taps <= kSquareStores + expanded_bytes / 16;
}

// Whether a plan of that case larger than kSmallBytes keeps its loops
// (dilate_plan_expand, dilate_plan_contract without verify) rather than its
// tables, which a plan builds once: while the loops make at most
// kSquarePlanStores stores (taps plus expanded bytes / 16). Same-process A/B
// on an Intel Xeon VM against the plan's own path (tools/ab.sh plan-expand,
// plan-contract), stores in brackets: expand f32 K3 D2 at 1.6 / 2.5 / 4 KB
// (244 / 381 / 610) 0.74 / 0.79 / 0.87 of the time, K5 D2 at 1.9 / 3.9 KB
// (271 / 543) 0.74 / 0.51, K7 D3 / K3 D4 (278 / 272) 0.21 / 0.29, f64 / u16
// K3 D2 (323 / 485) 0.54 / 0.74; contract f32 K3 D2 at 1.6 / 4 KB 0.50 /
// 0.58, f64 K3 D2 0.32, K7 D3 0.69; beyond it lost: expand f32 K3 D2 at
// 5.9 KB (900) 1.07, u8 K3 D2 at 2 KB (845) 1.22, contract 1.50.
constexpr uint64_t kSquarePlanStores = 640;
inline bool SquarePlanPays(uint64_t expanded_bytes, uint64_t taps) {
  return expanded_bytes / 16 + taps <= kSquarePlanStores;
}

// A small plan (dst_bytes <= kSmallBytes) that is dilate_expand_2d's case
// (outer square k x k kernels, k < kSquareFixedK, one dilation, inner 1,
// no padding, zero fill) expands through that loop: true when it did.
bool ExpandIfSquare(const Plan& p, const uint8_t* src, uint8_t* dst);

// Whether p is dilate_expand_2d's shape: n square k x k kernels, one
// dilation on both axes, no padding, single elements (any fill: the
// caller checks it where it matters).
bool IsSquare(const Plan& p);
// The same with groups of any size (OHWI inner C: p.group bytes an element).
bool SquareAxes(const Plan& p);

// ExpandIfSquare's loop for p, or null where it does not apply (any dst
// size: the caller bounds it). A small plan keeps it (dilate_plan_expand).
SquareSmallFn ExpandSquareFnFor(const Plan& p);

// The same case contracted without verify (holes unread: any fill), one load
// and one store per tap: true when it did. For small tensors without a plan's
// tap list, and one-shot contracts of up to kSquareStores + expanded bytes /
// 16 taps below 256 KiB (lib/driver.cc, RunContract).
bool ContractIfSquare(const Plan& p, const uint8_t* expanded, uint8_t* dense);

// ContractIfSquare's loop for p, or null where p is not that case (any
// size and fill: the caller bounds the size, and calls it only without
// verify). A small plan keeps it (dilate_plan_contract).
SquareSmallFn ContractSquareFnFor(const Plan& p);

}  // namespace dilate

#endif  // DILATE_LIB_SMALL_H_
