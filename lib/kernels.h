// The per-target kernel interface. Each Highway target compiles one
// ExpandKernels and one ContractKernels table (lib/expand-inl.h,
// lib/contract.cc); lib/targets.cc picks the table for the chosen target and
// lib/driver.cc walks the tensor and calls it one row at a time (rank-2
// row mode: one chunk of rows at a time, expand_grid).
//
// A "row" is the innermost remaining spatial axis: `taps` groups of `group`
// bytes, `dilation` groups apart in the expanded tensor. Everything between
// rows (padding, whole rows and planes of holes) is a plain fill.
#ifndef DILATE_LIB_KERNELS_H_
#define DILATE_LIB_KERNELS_H_

#include <stddef.h>
#include <stdint.h>

#include "dilate/dilate.h"

namespace dilate {

struct Plan;  // lib/plan.h

inline uint64_t Gcd(uint64_t a, uint64_t b) {
  while (b != 0) {
    const uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

// x / d and x % d for a divisor d > 0 that is usually a power of two (a
// vector's lanes or bytes: so on every x86 and NEON target; SVE vectors may
// be other sizes): a shift and a mask there. The per-call tile setup divided
// by lanes a dozen times, and its 64-bit divisions were ~10% of a one-shot
// 16 KiB expand (tools/profile.sh).
class Divisor {
 public:
  explicit Divisor(uint64_t d)
      : d_(d), shift_(static_cast<uint32_t>(__builtin_ctzll(d))), pow2_((d & (d - 1)) == 0) {}
  uint64_t Div(uint64_t x) const { return pow2_ ? x >> shift_ : x / d_; }
  uint64_t Mod(uint64_t x) const { return pow2_ ? x & (d_ - 1) : x % d_; }
  uint64_t DivUp(uint64_t x) const { return Div(x + d_ - 1); }
  // gcd(x, d) for x < d.
  uint64_t GcdWith(uint64_t x) const {
    if (!pow2_) return Gcd(x, d_);
    return x == 0 ? d_ : (x & (~x + 1));  // the lowest set bit
  }

 private:
  uint64_t d_;
  uint32_t shift_;
  bool pow2_;
};

// Per-call constants shared by every row, plus the permutation tables a
// target builds once per call in Prepare (never per row). Lives on the
// caller's stack: no allocation in the hot path.
struct alignas(64) RowState {
  // Set by the driver.
  const uint8_t* pattern;  // fill element repeated, phase 0 (Plan::pattern)
  uint64_t group;          // bytes per tap
  uint64_t dilation;       // of the row axis
  uint32_t elem_size;
  uint32_t stream;  // non-zero: non-temporal stores for long runs
  uint32_t in_cache;  // non-zero: dst fits L2 (under 1 MiB): see CopyRun
  // Non-zero: expand_grid writes each tap row as whole permuted vectors of
  // this many bytes (ExpandKernels::vector_rows said the row fits and gave
  // their width; lib/driver.cc chose it).
  uint32_t row_vectors;

  // Set by Prepare; meaning private to the target that prepared it.
  uint32_t mode;         // which row strategy applies
  uint32_t lanes;        // vector lanes of the shuffle lane type
  uint32_t lane_bytes;   // bytes per shuffle lane
  uint32_t group_lanes;  // group / lane_bytes
  uint32_t period;       // table entries (vectors) per period
  uint32_t vector_runs;  // expand runs mode: vector bytes where groups are whole vectors, else 0
  uint64_t advance;      // lanes consumed per period on the read side
  static constexpr size_t kMaxPeriod = 256;
  static constexpr size_t kTableBytes = 4096;
  uint32_t offset[kMaxPeriod];  // per entry: read offset (lanes) in the period
  uint32_t count[kMaxPeriod];   // per entry: vectors read (contract)
  alignas(64) uint8_t index[kTableBytes];
  alignas(64) uint8_t mask[kTableBytes];
};

// Tile mode, for tensors whose rows are short: a tile is `slices`
// consecutive outer slices (whole kernels). Its output is a fixed
// permutation of its input, so the driver builds, once per call, a table
// entry per output vector (expand) or per input window (contract) and the
// kernel applies the table tile after tile. Lives on the driver's stack
// (about 40 KiB).
struct alignas(64) TileState {
  // Set by the driver.
  const uint8_t* pattern;   // fill element repeated, phase 0
  uint32_t stream;          // non-zero: non-temporal stores where aligned
  uint32_t columns;         // non-zero: dst fits L2 and tiles are whole vectors: by columns
  uint32_t lane_bytes;      // from tile_shape
  uint32_t lanes;           // from tile_shape
  uint64_t slices;          // outer slices per tile
  uint64_t in_lanes;        // lanes read per tile (src for expand)
  uint64_t out_lanes;       // lanes written per tile
  uint32_t vectors;         // output vectors per tile: ceil(out_lanes / lanes)
  uint64_t max_read_end;    // max over entries of offset + lanes (2 lanes: pairs)
  uint32_t one_per_vector;  // every count is 1: entry k is output vector k
  uint32_t all_taps;        // one_per_vector, and every entry takes taps
  // Non-zero: one_per_vector, and entry k indexes the 2 vectors at offset[k]
  // (a whole number of vectors from the tile's input) instead of one window:
  // see VectorPairs in lib/simd-inl.h. Only dense_tables writes this form.
  uint32_t vector_pairs;
  // Non-zero: every entry e indexes the 2 vectors at offset[e] (a whole
  // number of vectors into the tile's input), and a vector may take several
  // entries (one_per_vector and all_taps are 0). The general writer's
  // contract tables, on targets with ExpandKernels::pair_lane_bytes. 2:
  // moreover every output vector takes exactly two entries.
  uint32_t pair_entries;
  // Non-zero: lanes is half the target's vector (ExpandKernels::half_tiles):
  // an expand whose whole-vector tile fits the tables only at that width,
  // streaming, or in cache with a plan or from 1 MiB (TakesHalfTiles).
  uint32_t half;
  // Non-zero: every entry's taps lie in the first 16 bytes of its window:
  // byte tiles on AVX2 and AVX3 take one broadcast load and one in-lane
  // shuffle per entry (NarrowWindows in lib/simd-inl.h). Written by
  // dense_tables (expand, one entry per vector) and by the general writer
  // for a contract's byte tables (ExpandKernels::narrow_lanes).
  uint32_t narrow;
  // Non-zero: one_per_vector, and entry k is a 64-bit lane mask in index
  // (8 bytes an entry) over the window at offset[k], whose first lanes are
  // the vector's taps in order (ExpandMasks in lib/simd-inl.h). Only
  // dense_tables writes this form, where BuildTiles asked for it
  // (ExpandKernels::mask_lane_bytes).
  uint32_t masks;
  static constexpr uint64_t kNarrowBytes = 16;  // the window of a narrow entry
  static constexpr size_t kMaxEntries = 1024;
  static constexpr size_t kIndexBytes = 32768;
  uint32_t offset[kMaxEntries];   // entry: read offset in lanes from the tile's input
  uint8_t has_taps[kMaxEntries];  // entry: 0 when it takes nothing (a vector of pure fill)
  uint16_t count[kMaxEntries];    // entries of output vector k (in entry order)
  // Entry e, lane k: index into the window (or the pair), or (top bit | (lanes + k)) to
  // keep lane k of the vector so far (the fill for expand, zero or earlier
  // entries for contract).
  alignas(64) uint8_t index[kIndexBytes];
};

// Row mode of a rank-2 plan, for ExpandKernels::expand_grid. Units are dst
// rows: unit u is row u % rows of outer slice u / rows, and rows are
// row_bytes apart (so slices are rows * row_bytes apart in dst).
struct RowGrid {
  uint64_t row_bytes;        // dst bytes per row
  uint64_t rows;             // dst rows per slice
  uint64_t first_row;        // dst row of the first tap row of a slice
  uint64_t row_step;         // dst rows from one tap row to the next
  uint64_t tap_rows;         // tap rows per slice (0: none)
  uint64_t taps;             // taps per tap row (0: none)
  uint64_t tap_offset;       // dst bytes from a row's start to its first tap
  uint64_t tap_span;         // dst bytes from a row's first tap to past its last
  uint64_t src_first;        // src bytes from a slice's start to its first tap
  uint64_t src_row_bytes;    // src bytes from one tap row to the next
  uint64_t src_slice_bytes;  // src bytes per slice
  uint64_t src_bytes;        // the whole src tensor (reads stay inside it)
};

struct ExpandKernels {
  // Chooses the row strategy and builds its tables in *state.
  void (*prepare)(RowState* state);
  // dst[0, n) = fill pattern (n is a whole number of elements).
  void (*fill)(uint8_t* dst, uint64_t n, const RowState& state);
  // Writes taps groups from src with (dilation - 1) groups of fill between
  // them: ((taps - 1) * dilation + 1) * group bytes. taps >= 1.
  void (*expand_row)(uint8_t* dst, const uint8_t* src, uint64_t taps, const RowState& state);
  // Units [u0, u1) of a rank-2 row-mode plan (see RowGrid): fills and
  // expand_row in one loop, without a walk or a call per row.
  void (*expand_grid)(uint8_t* dst, const uint8_t* src, uint64_t u0, uint64_t u1,
                      const RowGrid& grid, const RowState& state);
  // The lane size and count tile mode uses for groups of `group` bytes.
  void (*tile_shape)(uint64_t group, uint32_t* lane_bytes, uint32_t* lanes);
  // Writes outer slices [slice_begin, slice_end) of dst (a multiple of
  // state.slices from slice_begin; the end may cut a tile). src and
  // src_bytes are the whole src tensor (reads stay inside it).
  void (*expand_tiles)(uint8_t* dst, const uint8_t* src, uint64_t src_bytes, uint64_t slice_begin,
                       uint64_t slice_end, const TileState& state);
  // The tables of a tile whose every src element is a tap (see
  // WriteDenseExpandTables in lib/tiles.cc), from the slice map `map`:
  // slice + lanes + 1 lanes of ts->lane_bytes, lane i holding the src lanes
  // before dst lane i (mod 2^(bits - 1)), its top bit set where i is not a
  // tap. Writes index, offset, has_taps, count and their summary; false when
  // this target's vectors are not ts->lanes wide (nothing written).
  bool (*dense_tables)(const uint8_t* map, uint64_t slice, TileState* ts);
  // The pair-entry contract tables of a tile whose every src element is a
  // tap (see WriteDenseContractTables in lib/tiles.cc), from `inv`:
  // src_slice + lanes + 1 lanes of ts->lane_bytes (32 bits for 8 and 16-bit
  // lanes), lane i holding the dst lane (in the slice) of src lane i,
  // continuing into the next slice; inv[-1] is readable (its value is not
  // used). An entry per run of a vector's taps within a pair, not a step
  // per tap. Writes index, offset, has_taps, count and their summary; false
  // where this target has no vector pairs of these lanes as wide as
  // ts->lanes, or the tables overflow (then nothing usable is written).
  bool (*dense_contract_tables)(const uint8_t* inv, uint64_t src_slice, uint64_t slice,
                                TileState* ts);
  // Whether tiles of whole vectors take column order while dst fits L2
  // (TileState::columns): measured per target, see GetExpandKernels.
  bool tile_columns;
  // Bit b set: for lanes of b bytes this target's tile loops take entries
  // that index a pair of whole vectors (TileState::pair_entries).
  uint32_t pair_lane_bytes;
  // Whether expand_grid can write a tap row of `taps` groups of `group`
  // bytes, `dilation` groups apart, as at most a few whole vectors, each a
  // permute of one window of the row's src by an index held in a register
  // (RowState::row_vectors); *vector_bytes: the bytes of those vectors.
  // `half`: rows of half a 512-bit vector or more may take half-width ones.
  bool (*vector_rows)(uint64_t group, uint64_t dilation, uint64_t taps, bool half,
                      uint32_t* vector_bytes);
  // Whether expand_tiles also runs tiles of half-width vectors
  // (TileState::half): 512-bit targets, whose 256-bit vectors tile kernels
  // of 23-32 lanes a row (K7 D4: 625 lanes a slice) with whole vectors
  // inside the tables, at every lane size they permute across a vector.
  bool half_tiles;
  // Lanes of the byte tiles whose entries may take narrow windows
  // (TileState::narrow), 0 for none: a contract's general tables then take
  // 16-byte entries.
  uint32_t narrow_lanes;
  // Bit b set: expand tiles of lanes of b bytes, at full width, may take
  // lane masks instead of index vectors (TileState::masks).
  uint32_t mask_lane_bytes;
  // Whether dilate_expand_2d's case (lib/small.h) of n k x k kernels of
  // elem_size-byte elements, dilation d, takes square_planes here: a
  // kernel's src in one vector (two on AVX-512), its plane in at most 8
  // (12, 24 on AVX-512, from kMinLongPlanes kernels: kMaxSquareKernelVectors,
  // kMaxWidePlaneVectors).
  bool (*square_planes_fit)(uint32_t elem_size, uint64_t k, uint64_t d, uint64_t n);
  // That case by vectors (a SquareSmallFn), [log2 elem_size]: a kernel at a
  // time, each of its plane's vectors a permute of its src (ExpandSquarePlanes,
  // lib/expand-inl.h). Where square_planes_fit is false: the scalar loop.
  dilate_status (*square_planes[4])(uint64_t n, uint64_t k, uint64_t d, const uint8_t* src,
                                    uint8_t* dst);
  // Any plan's p.outer kernels the same way, several at a time where they
  // fit (PlaneKernels), the indices from a walk of one slice's taps: where
  // a kernel's src slice fits one vector (two on AVX-512) and its dst slice
  // at most 8 (12 or 24: PlaneVectorsMax). False where it does not fit
  // (nothing written).
  bool (*planes)(const Plan& p, const uint8_t* src, uint8_t* dst);
};

struct ContractKernels {
  void (*prepare)(RowState* state);
  // dense[t] = expanded[t * dilation] for groups t < taps. taps >= 1.
  void (*contract_row)(uint8_t* dense, const uint8_t* expanded, uint64_t taps,
                       const RowState& state);
  // Whether p[0, n) is all fill pattern.
  bool (*is_fill)(const uint8_t* p, uint64_t n, const RowState& state);
  // Whether every hole between the taps of an expanded row is fill.
  bool (*row_holes_are_fill)(const uint8_t* expanded, uint64_t taps, const RowState& state);
  // (Tile shapes come from ExpandKernels::tile_shape: the same lanes.)
  // Writes outer slices [slice_begin, slice_end) of dense, reading the whole
  // expanded tensor of expanded_bytes.
  void (*contract_tiles)(uint8_t* dense, const uint8_t* expanded, uint64_t expanded_bytes,
                         uint64_t slice_begin, uint64_t slice_end, const TileState& state);
  // Any plan's p.outer kernels, several at a time where they fit
  // (PlaneKernels), each dense vector gathered from a plane's expanded
  // vectors by indices from a walk of one slice's taps (ContractPlanesFor,
  // lib/contract.cc); no hole check. False where it does not fit (nothing
  // written).
  bool (*planes)(const Plan& p, const uint8_t* expanded, uint8_t* dense);
  // Any plan's p.outer kernels a row of taps at a time: where a row's
  // expanded span fits one vector (two on AVX-512), a load (two), a
  // permute and a store per row (ContractTapRowsFor, lib/contract.cc); no
  // hole check. False where it does not fit (nothing written).
  bool (*tap_rows)(const Plan& p, const uint8_t* expanded, uint8_t* dense);
  // The widest expanded row (bytes from a row's first tap to its last
  // one's end) that tap_rows takes for groups of `group` bytes.
  uint64_t (*tap_row_span)(uint64_t group);
};

// Vectors of a plane of the vector loops of small kernels (SquarePlanes,
// PlanesFor, ContractPlanesFor): at most this many.
constexpr size_t kMaxSquareVectors = 8;
// Vectors of a plane of the expand's vector loops of small kernels
// (SquarePlanes by SquarePlanesFor and PlanesFor; contracts keep
// kMaxSquareVectors): at most this many, and past kMaxSquareVectors only
// for at least kMinLongPlanes planes. Twelve index vectors, a window pair
// and the fill still fit AVX-512's 32 registers, and kernels of 9-12
// vectors otherwise took tiles, whose index load per vector costs on Zen 5
// (benchmarks/loop_limits.cc: 0.66x memset against 0.82x with the index in
// a register), or aligned rows. Same-process A/B on the Zen 5 EPYC VM
// (AVX3_DL, tools/ab.sh), one-shot at 256 KiB: f32 K5 D3 0.69-0.70 of the
// time (0.62x -> 0.89x memset), K4 D4 0.70, f64 K3 D4 0.79, u16 K7 D3 /
// K5 D4 0.54 / 0.67, u8 K7 D4 0.54 (0.48x -> 0.90x); f32 K5 D3 at 32 / 128
// KiB 0.49 / 0.58; plans f32 K5 D3 0.79 (32 KiB 0.92), u8 K7 D4 0.72; in
// L1 on other targets, AVX2 u8 K5 D4 at 16 KiB 0.53, SSE4 u8 K4 D4 0.32.
// With fewer kernels the scalar loop wins (f32 K5 D3, 2 / 4 / 6 kernels:
// 1.41 / 1.06 / 0.86 of its time by an 11-vector plane).
constexpr size_t kMaxSquareKernelVectors = 12;
constexpr uint64_t kMinLongPlanes = 5;
// Whether `planes` planes of `vectors` vectors each pay (the rule above).
inline bool PlaneVectorsPay(uint64_t vectors, uint64_t planes) {
  return vectors <= kMaxSquareVectors || planes >= kMinLongPlanes;
}
// On AVX-512 (32 registers) expand planes go on to this many vectors, their
// indices in an array the compiler keeps in registers (ManyPlaneVectors in
// lib/expand-inl.h): 24 indices, a window pair, the fill and a result are
// 28. Past 12 the loop runs 16, 20 or 24 vectors (PlaneVectorsRun), so
// that it compiles three times a lane type, not 24. Kernels of 13-24
// vectors otherwise take aligned rows, whose bookkeeping a row costs more
// than their stores (measured: docs/benchmarks.md, "planes of 13-24").
constexpr size_t kMaxWidePlaneVectors = 24;

// The kernels the vector loops of small kernels take as one plane
// (PlanesFor in lib/expand-inl.h, ContractPlanesFor in lib/contract.cc): m consecutive
// kernels of `plane` dst and `in_plane` src lanes (a slice is contiguous on
// both sides, so m kernels are a slice m times as long) whose src fits a
// window of N lanes, or two where `pairs` (VectorPairs), and whose dst fits
// kMaxSquareVectors vectors, written by no more than twice their lanes. Of
// those, the m with the fewest vectors a kernel, a vector of a plane that
// takes two windows weighed 3/2 of one that takes one (1-D K5 D3 f32: 6
// kernels in 5 vectors from two windows took 1.19-1.4x the time of a
// kernel a vector, 1-D K3 D2 f64 3 in 2 vectors 1.08x); the smallest m among
// equals. 0 where none fits.
// (1-D K3 D2 u8 on AVX-512: 12 kernels, 60 lanes in a vector, against a
// 64-byte vector for each 5-byte kernel.)
//
// Among m of the same vector count and the same windows, more kernels cost
// less each, so where more than kMaxSquareVectors kernels fit, only the most
// that fit v vectors, and the most whose src fits one window, can be best:
// at most 9 candidates, with no division each, not a scan of every m (its
// branch per vector and per m took a third of a one-shot 1-D K3 D2 u8
// contract at 1 KB: 114 ns of search, 16 ns now; a division per candidate
// cost 3-D K3 D2 u8 expands at 1 KB 10-15% more time).
inline uint64_t PlaneKernels(uint64_t N, bool pairs, uint64_t plane, uint64_t in_plane,
                             uint64_t outer, uint64_t max_vectors = kMaxSquareVectors) {
  const uint64_t window = pairs ? 2 * N : N, max_lanes = max_vectors * N;
  if (plane == 0 || plane > max_lanes || in_plane > window || outer == 0) return 0;
  const Divisor lanes(N);
  uint64_t most = in_plane == 0 ? outer : window / in_plane;  // kernels whose src fits
  if (most > outer) most = outer;
  uint64_t best = 0, best_cost = 0;
  const auto consider = [&](uint64_t m) {
    const uint64_t out = m * plane, vectors = lanes.DivUp(out);
    if (vectors * N > 2 * out) return;
    const uint64_t cost = vectors * (m * in_plane > N ? 3 : 2);  // per m kernels
    // cost / m below best_cost / best, or equal with fewer kernels.
    if (best == 0 || cost * best < best_cost * m || (cost * best == best_cost * m && m < best)) {
      best = m;
      best_cost = cost;
    }
  };
  if (most <= max_vectors) {  // every m
    for (uint64_t m = 1; m <= most && m * plane <= max_lanes; ++m) consider(m);
    return best;
  }
  // m = min(v * N / plane, most) for v = 1, 2, ..., by a running quotient.
  const uint64_t step_q = N / plane, step_r = N % plane;
  uint64_t q = 0, r = 0, last = 0;
  for (uint64_t v = 1; v <= max_vectors && last < most; ++v) {
    q += step_q;
    r += step_r;
    if (r >= plane) {
      r -= plane;
      ++q;
    }
    const uint64_t m = q < most ? q : most;
    if (m != last) consider(m);  // (m grows with v: 0 only while last is)
    last = m;
  }
  const uint64_t one = in_plane == 0 ? 0 : N / in_plane;  // kernels whose src fits one window
  if (one != 0 && one < last) consider(one);              // (fits v = 8 as well)
  return best;
}

// The tiles whose loops hold their indices in registers (lib/simd-inl.h,
// ApplyPairTilesInRegisters and ApplyPairTwoTilesInRegisters): an expand
// tile of kPairRegVectors vector-pair entries, a contract tile of
// kPairTwoRegVectors output vectors of two pair entries each (a 3x3 kernel
// with dilation 2 at every lane size). lib/tiles.cc grows smaller tiles to
// them (MinTileVectors).
constexpr size_t kPairRegVectors = 25;
constexpr size_t kPairTwoRegVectors = 9;

// Vector rows (ExpandGridVectors, lib/expand-inl.h) run aligned rows
// (SlicesOfAlignedRows) for tap rows at least this many bytes apart: each costs more
// than an unaligned row (its phase, indices shifted per row instead of
// held as they are, the pending vector), repaid by fewer, unsplit stores where
// a row carries enough of them. Same-process A/B on an Intel Xeon VM,
// AVX3_DL at 256 KiB against unaligned vector rows (full-width, before
// half-width rows of 64 bytes or more): one-shot f32 K7 D3 / K11 D3 (228 /
// 348 bytes apart) 0.89 / 0.94 of the time, u16 K7 D4 (200) 0.93, f64 K7
// D4 0.97, AVX2 f32 K7 D4 / K7 D3 0.94 / 0.93; with half-width rows f32
// K11 D2 (168) 0.78-0.79, u8 K11 D4 (164) 0.81-0.91, but f32 K9 D2 (136)
// 1.03-1.04, u8 K9 D4 (132) 1.01-1.04, u16 K7 D3 (114) 1.21-1.32.
constexpr uint64_t kMinAlignedRowStep = 160;

// After non-temporal stores, before the call returns.
void FlushStreamingStores();

// The tables compiled for Highway target `target` (a single HWY_* bit), or
// null when this build did not compile that target.
const ExpandKernels* ExpandKernelsFor(int64_t target);
const ContractKernels* ContractKernelsFor(int64_t target);

}  // namespace dilate

#endif  // DILATE_LIB_KERNELS_H_
