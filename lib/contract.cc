// The contract kernels (the inverse of expand), compiled once per Highway
// target.
//
// A row of `taps` groups is gathered from an expanded row where they stand
// `dilation` groups apart.
//   kModeCopy     dilation 1: one contiguous copy.
//   kModeRuns     long groups or holes: copy group by group.
//   kModeShuffle  short groups and holes: each output vector gathers its
//                 lanes from the few consecutive input vectors its taps span,
//                 one permutation and blend per input vector; the tables of
//                 one period are built once per call in Prepare.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "lib/contract.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "lib/kernels.h"
#include "lib/plan.h"
#include "lib/simd-inl.h"
#include "lib/walk.h"

HWY_BEFORE_NAMESPACE();
namespace dilate {
namespace HWY_NAMESPACE {
namespace {

// Expanded-row lane of dense lane q.
HWY_INLINE uint64_t ExpandedLane(uint64_t q, uint64_t g, uint64_t dilation) {
  return q / g * dilation * g + q % g;
}

// Builds the gather tables of one period: output vector k of the period
// reads count[k] consecutive input vectors starting at lane offset[k] of the
// period; from input vector i it takes index[.][j] into lane j where
// mask[.][j] is set. Entries for (k, i) are stored consecutively.
template <class D>
bool BuildContractTables(D d, RowState* st) {
  using T = hn::TFromD<D>;
  const uint64_t N = hn::Lanes(d);
  const uint64_t g = st->group / sizeof(T);
  const uint64_t dil = st->dilation;
  const uint64_t period = g / Gcd(N, g);  // output vectors per period
  if (period > RowState::kMaxPeriod) return false;
  T* index = reinterpret_cast<T*>(st->index);
  T* mask = reinterpret_cast<T*>(st->mask);
  uint64_t entry = 0;
  // Lane j's expanded lane less the vector's first, stepped (no division
  // per lane: two per lane and entry were 57% of a one-shot 1-D K1000 D2
  // u8 contract).
  uint64_t rel[hn::MaxLanes(D())];
  for (uint64_t k = 0; k < period; ++k) {
    const uint64_t start = ExpandedLane(k * N, g, dil);
    uint64_t r = (k * N) % g, base = start - r;  // lane = base + r, r < g
    for (uint64_t j = 0; j < N; ++j) {
      rel[j] = base + r - start;
      if (++r == g) {
        r = 0;
        base += dil * g;
      }
    }
    const uint64_t count = rel[N - 1] / N + 1;
    if ((entry + count) * N * sizeof(T) > RowState::kTableBytes) return false;
    for (uint64_t i = 0, lo = 0; i < count; ++i, lo += N) {
      for (uint64_t j = 0; j < N; ++j) {
        const bool here = rel[j] >= lo && rel[j] < lo + N;
        index[(entry + i) * N + j] = static_cast<T>(here ? rel[j] - lo : 0);
        mask[(entry + i) * N + j] = static_cast<T>(here ? ~T{0} : 0);
      }
    }
    st->offset[k] = static_cast<uint32_t>(start);
    st->count[k] = static_cast<uint32_t>(count);
    entry += count;
  }
  st->lanes = static_cast<uint32_t>(N);
  st->lane_bytes = sizeof(T);
  st->group_lanes = static_cast<uint32_t>(g);
  st->period = static_cast<uint32_t>(period);
  st->advance = period * N * dil;  // input lanes per period
  return true;
}

void Prepare(RowState* st) {
  ChooseRowMode</*kComposed=*/false>(st, [st](auto d) { return BuildContractTables(d, st); });
}

template <class D>
HWY_INLINE void ContractShuffle(D d, uint8_t* HWY_RESTRICT dense_bytes,
                                const uint8_t* HWY_RESTRICT expanded_bytes, uint64_t taps,
                                const RowState& st) {
  using T = hn::TFromD<D>;
  using V = hn::Vec<D>;
  const size_t N = hn::Lanes(d);
  T* HWY_RESTRICT dense = reinterpret_cast<T*>(dense_bytes);
  const T* HWY_RESTRICT expanded = reinterpret_cast<const T*>(expanded_bytes);
  const uint64_t g = st.group_lanes;
  const uint64_t out_lanes = taps * g;
  const uint64_t in_lanes = ((taps - 1) * st.dilation + 1) * g;
  const T* index = reinterpret_cast<const T*>(st.index);
  const T* mask = reinterpret_cast<const T*>(st.mask);

  uint64_t out = 0, base = 0;
  size_t k = 0, entry = 0;
  while (out + N <= out_lanes) {
    const uint64_t at = base + st.offset[k];
    const size_t count = st.count[k];
    if (at + count * N > in_lanes) break;
    V r = hn::Zero(d);
    for (size_t i = 0; i < count; ++i) {
      const V v = hn::LoadU(d, expanded + at + i * N);
      const V idx = hn::Load(d, index + (entry + i) * N);
      const auto m = hn::MaskFromVec(hn::Load(d, mask + (entry + i) * N));
      r = hn::IfThenElse(m, Permute(d, v, idx), r);
    }
    hn::StoreU(r, d, dense + out);
    out += N;
    entry += count;
    if (++k == st.period) {
      k = entry = 0;
      base += st.advance;
    }
  }
  // The end of the row, lane by lane: nothing outside the row is touched.
  for (; out < out_lanes; ++out) {
    memcpy(dense + out, expanded + ExpandedLane(out, g, st.dilation), sizeof(T));
  }
}

void ContractRow(uint8_t* dense, const uint8_t* expanded, uint64_t taps, const RowState& st) {
  const uint64_t g = st.group;
  switch (st.mode) {
    case kModeCopy:
      CopyRun(dense, expanded, taps * g, st);
      return;
    case kModeShuffle:
      WithShuffleTag</*kComposed=*/false>(
          st.lane_bytes, [&](auto d) { ContractShuffle(d, dense, expanded, taps, st); });
      return;
    default:
      for (uint64_t t = 0; t < taps; ++t) {
        CopyRun(dense + t * g, expanded + t * st.dilation * g, g, st);
      }
  }
}

bool IsFill(const uint8_t* p, uint64_t n, const RowState& st) {
  const hn::ScalableTag<uint8_t> d;
  const size_t N = hn::Lanes(d);
  if (n < N || N % 8 != 0) {  // short, or a SCALAR vector: not a whole element
    bool same = true;
    for (uint64_t i = 0; i < n; i += kPatternChunk) {
      same &= memcmp(p + i, st.pattern, n - i < kPatternChunk ? n - i : kPatternChunk) == 0;
    }
    return same;
  }
  const auto pattern = PatternVec(d, st, 0);
  auto diff = hn::Zero(d);
  uint64_t i = 0;
  for (; i + N <= n; i += N) diff = hn::Or(diff, hn::Xor(hn::LoadU(d, p + i), pattern));
  if (i < n) diff = hn::Or(diff, hn::Xor(hn::LoadU(d, p + n - N), pattern));
  return hn::AllTrue(d, hn::Eq(diff, hn::Zero(d)));
}

bool RowHolesAreFill(const uint8_t* expanded, uint64_t taps, const RowState& st) {
  const uint64_t g = st.group;
  const uint64_t hole = (st.dilation - 1) * g;
  if (hole == 0) return true;
  bool ok = true;
  for (uint64_t t = 0; t + 1 < taps; ++t) {
    ok &= IsFill(expanded + t * st.dilation * g + g, hole, st);
  }
  return ok;
}

void ContractTiles(uint8_t* dense, const uint8_t* expanded, uint64_t expanded_bytes, uint64_t s0,
                   uint64_t s1, const TileState& ts) {
  WithShuffleTag(ts.lane_bytes, [&](auto d) {
    ApplyTiles</*kColumns=*/false>(d, dense, expanded, expanded_bytes, s0, s1, ts, hn::Zero(d));
  });
}

// The inverse of PlanesFor (lib/expand-inl.h): p.outer kernels, m at a
// time as one plane (PlaneKernels), whose expanded slice fits at most
// kMaxSquareVectors vectors and whose dense slice one window (two where
// VectorPairs). Each dense vector of a plane is gathered from the plane's
// R expanded vectors by E entries held in a table on the stack: a pair of
// vectors each (VectorPairs) or one, lanes of other entries marked to keep
// the running result (PermutePairOr / PermuteOr), zero where no tap lands
// (cropped). A plane's last dense vector spills into the next plane, which
// overwrites it; the last planes load and store exactly. False where that
// does not fit (nothing written).
template <class D>
bool ContractPlanesFor(D d, const Plan& p, const uint8_t* expanded, uint8_t* dense) {
  using T = hn::TFromD<D>;
  using V = hn::Vec<D>;
  const uint64_t N = hn::Lanes(d), lb = sizeof(T);
  if (p.group % lb != 0 || p.dst_outer_stride % lb != 0 || p.src_outer_stride % lb != 0) {
    return false;
  }
  const uint64_t slice = p.dst_outer_stride / lb, in_slice = p.src_outer_stride / lb;
  if ((lb == 1 && N > 64) || slice == 0 || in_slice == 0) return false;
  constexpr bool kPairs = VectorPairs(D());
  const uint64_t m = PlaneKernels(N, kPairs, slice, in_slice, p.outer);
  if (m == 0) return false;
  const uint64_t plane = m * slice, in_plane = m * in_slice;
  const size_t R = static_cast<size_t>((plane + N - 1) / N);     // expanded vectors
  const size_t O = static_cast<size_t>((in_plane + N - 1) / N);  // dense vectors
  const size_t per = kPairs ? 2 : 1;                             // vectors an entry reads
  const size_t E = (R + per - 1) / per;                          // entries a dense vector
  constexpr size_t kMaxLanes = hn::MaxLanes(D());
  // Entry e of dense vector o at index + (o * E + e) * N: every lane marked
  // (kOtherBit | (N + k): keep lane k of the running result), then each
  // tap's lane set to its place in the entry's vectors.
  HWY_ALIGN T index[2 * kMaxSquareVectors * kMaxLanes];
  const V marks = hn::Or(hn::Set(d, kOtherBit<T>), hn::Iota(d, static_cast<T>(N)));
  for (size_t i = 0; i < O * E; ++i) hn::Store(marks, d, index + i * N);
  // The first kernel's taps as (expanded lane, dense lane) pairs by a walk
  // of its rows, then every kernel's entries from that list, with locals,
  // restrict pointers and shifts (1-D K3 D2 u8 at 1 KB spent most of its
  // time in a walk of all m kernels that divided twice a tap lane by
  // captures GCC reloaded after every byte store).
  const uint64_t gl = p.group / lb, step = p.axis[p.rank - 1].dilation * gl;
  const uint64_t span = per * N;  // expanded lanes an entry reads
  uint16_t tap_x[2 * kMaxLanes], tap_s[2 * kMaxLanes];  // a kernel's taps: at most a window
  size_t taps = 0;
  auto row = [&](uint64_t core, uint64_t to, uint64_t n) {
    const uint64_t x0 = core / lb, s0 = to / lb;  // expanded, dense lanes
    for (uint64_t t = 0; t < n; ++t) {
      for (uint64_t w = 0; w < gl; ++w, ++taps) {
        tap_x[taps] = static_cast<uint16_t>(x0 + t * step + w);
        tap_s[taps] = static_cast<uint16_t>(s0 + t * gl + w);
      }
    }
  };
  WalkSliceRows(p, 1, row);
  {
    const Divisor div_n(N), div_span(span);
    const uint16_t* HWY_RESTRICT xs = tap_x;
    const uint16_t* HWY_RESTRICT ss = tap_s;
    T* HWY_RESTRICT ix = index;
    for (uint64_t c = 0, cx = 0, cs = 0; c < m; ++c, cx += slice, cs += in_slice) {
      for (size_t i = 0; i < taps; ++i) {
        const uint64_t x = xs[i] + cx, s = ss[i] + cs;
        const uint64_t o = div_n.Div(s), e = div_span.Div(x);
        ix[(o * E + e) * N + (s - o * N)] = static_cast<T>(x - e * span);
      }
    }
  }
  const uint64_t total_out = p.outer * in_slice, total_in = p.outer * slice;
  const uint64_t planes = m == 1 ? p.outer : (p.outer + m - 1) / m;
  // R as a constant, so that a plane's vectors stay in registers (a
  // runtime R kept them on the stack: 1-D K3 D2 f32 at 20 KB took 2.4x the
  // time of tiles).
  const auto run = [&](auto r_tag) HWY_ATTR DILATE_INLINE_LAMBDA {
    constexpr size_t kR = decltype(r_tag)::value;
    const T* HWY_RESTRICT in = reinterpret_cast<const T*>(expanded);
    const T* const in0 = in;
    T* HWY_RESTRICT out = reinterpret_cast<T*>(dense);
    const auto store = [&](V v, uint64_t to, size_t o) HWY_ATTR DILATE_INLINE_LAMBDA {
      const uint64_t left = total_out - (to + o * N);
      if (left >= N) {
        hn::StoreU(v, d, out + o * N);
      } else {
        StoreBounded(d, v, out + o * N, left);
      }
    };
    if constexpr (kPairs) {  // fixed-size vectors: arrays of them allowed
      constexpr size_t kE = (kR + 1) / 2;
      V idx[2][kE];
      for (size_t o = 0; o < 2; ++o) {
        for (size_t e = 0; e < kE; ++e) {
          idx[o][e] = hn::Load(d, index + ((o < O ? o : 0) * E + e) * N);
        }
      }
      for (uint64_t j = 0; j < planes; ++j, in += plane, out += in_plane) {
        const uint64_t at = j * plane, to = j * in_plane;
        V src[2 * kE];
        if (at + kR * N <= total_in) {
          for (size_t r = 0; r < kR; ++r) src[r] = hn::LoadU(d, in + r * N);
        } else {
          for (size_t r = 0; r < kR; ++r) src[r] = LoadWindowBounded(d, in0, at + r * N, total_in);
        }
        if (kR % 2 != 0) src[kR] = hn::Zero(d);  // the pair of an odd last vector
        for (size_t o = 0; o < 2; ++o) {
          if (o >= O || to + o * N >= total_out) break;
          V v = hn::Zero(d);
          for (size_t e = 0; e < kE; ++e) {
            v = PermutePairOr(d, src[2 * e], src[2 * e + 1], idx[o][e], v);
          }
          store(v, to, o);
        }
      }
    } else {
      // One window (a dense plane fits one vector: O is 1), an entry per
      // expanded vector; no arrays of vectors (SVE's are sizeless).
      for (uint64_t j = 0; j < planes; ++j, in += plane, out += in_plane) {
        const uint64_t at = j * plane, to = j * in_plane;
        const bool whole = at + kR * N <= total_in;
        V v = hn::Zero(d);
        for (size_t r = 0; r < kR; ++r) {
          const V w =
              whole ? hn::LoadU(d, in + r * N) : LoadWindowBounded(d, in0, at + r * N, total_in);
          v = PermuteOr(d, w, hn::Load(d, index + r * N), v);
        }
        store(v, to, 0);
      }
    }
  };
  WithPlaneVectors(R, run);
  return true;
}

// Tap rows (ContractKernels::tap_rows): each row of a kernel's taps (n
// taps of gl lanes, step lanes apart) whose expanded span fits one vector
// (two where VectorPairs: a two-table permute) takes one load from the
// row's first tap (two), one permute packing its taps into the low lanes
// and one store at the row's dense offset: a half vector where the taps
// fit one (fewer stores across a line). The lanes past the taps are
// garbage that the next row's store overwrites (a kernel's rows are
// contiguous in dense and stored in order), so a row is three or four
// instructions and the holes' rows are not read. Rows whose store would
// pass the end of dense store exactly; those whose loads would pass the
// end of expanded load exactly. False where the rows do not fit (nothing
// written): more than kMaxTapRows rows, rows of differing taps or not
// contiguous in dense (cropped), a span past the vectors.
constexpr size_t kMaxTapRows = 64;

// Lanes idx[j] of the pair (lo, hi); lo alone where !kTwo.
template <bool kTwo, class D, class V = hn::Vec<D>>
HWY_INLINE V PermuteRow(D d, V lo, V hi, V idx) {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  if constexpr (kTwo && VectorPairs(D())) {
    return V{Permute2(lo.raw, idx.raw, hi.raw, hwy::SizeTag<sizeof(hn::TFromD<D>)>())};
  }
#endif
  static_cast<void>(hi);
  return Permute(d, lo, idx);
}

// Kernels [0, whole) of tap rows, every row's loads and store whole:
// stores of ds (d, or its lower half). Not inlined: with the caller's
// values live, GCC reloaded a row table's pointer from the stack per row
// (u16 K7 D4 at 256 KiB took 1.15 of the time).
template <bool kTwo, class D, class DS, class V = hn::Vec<D>>
HWY_NOINLINE void TapRowsWhole(D d, DS ds, const hn::TFromD<D>* HWY_RESTRICT in,
                               hn::TFromD<D>* HWY_RESTRICT out, uint64_t slice, uint64_t in_slice,
                               uint64_t whole, const uint32_t* HWY_RESTRICT xs,
                               const uint32_t* HWY_RESTRICT ss, size_t rows, V idx) {
  using T = hn::TFromD<D>;
  const size_t N = hn::Lanes(d);
  for (uint64_t c = 0; c < whole; ++c, in += slice, out += in_slice) {
    for (size_t r = 0; r < rows; ++r) {
      const T* HWY_RESTRICT at = in + xs[r];
      const V lo = hn::LoadU(d, at);
      const V v = PermuteRow<kTwo>(d, lo, kTwo ? hn::LoadU(d, at + N) : lo, idx);
      if constexpr (hn::MaxLanes(DS()) == hn::MaxLanes(D())) {
        hn::StoreU(v, d, out + ss[r]);
      } else {
        hn::StoreU(hn::LowerHalf(ds, v), ds, out + ss[r]);
      }
    }
  }
}

template <class D>
bool ContractTapRowsFor(D d, const Plan& p, const uint8_t* expanded, uint8_t* dense) {
  using T = hn::TFromD<D>;
  using V = hn::Vec<D>;
  const uint64_t N = hn::Lanes(d), lb = sizeof(T);
  if (p.group % lb != 0 || p.dst_outer_stride % lb != 0 || p.src_outer_stride % lb != 0 ||
      p.outer == 0 || N < 2) {
    return false;
  }
  const uint64_t slice = p.dst_outer_stride / lb, in_slice = p.src_outer_stride / lb;
  const uint64_t gl = p.group / lb, step = p.axis[p.rank - 1].dilation * gl;
  uint32_t xr[kMaxTapRows], sr[kMaxTapRows];  // a row's expanded, dense lane
  size_t rows = 0;
  uint64_t taps = 0, next = 0, x_max = 0;
  bool fits = true;
  auto row = [&](uint64_t core, uint64_t to, uint64_t n) {
    if (!fits || rows == kMaxTapRows || (rows != 0 && n != taps) || to / lb != next) {
      fits = false;
      return;
    }
    taps = n;
    xr[rows] = static_cast<uint32_t>(core / lb);
    sr[rows] = static_cast<uint32_t>(to / lb);
    if (xr[rows] > x_max) x_max = xr[rows];
    next = to / lb + n * gl;
    ++rows;
  };
  WalkSliceRows(p, 1, row);
  const uint64_t span = (taps - 1) * step + gl;
  constexpr bool kPairs = VectorPairs(D());
  if (!fits || rows == 0 || next != in_slice || taps * gl > N || span > (kPairs ? 2 : 1) * N) {
    return false;
  }
  const uint64_t W = span > N ? 2 : 1;  // vectors a row loads
  HWY_ALIGN T lanes[hn::MaxLanes(D())];
  for (uint64_t j = 0; j < N; ++j) {
    lanes[j] = static_cast<T>(j < taps * gl ? j / gl * step + j % gl : 0);
  }
  const V idx = hn::Load(d, lanes);
  const T* HWY_RESTRICT in = reinterpret_cast<const T*>(expanded);
  T* HWY_RESTRICT out = reinterpret_cast<T*>(dense);
  const uint32_t* HWY_RESTRICT xs = xr;
  const uint32_t* HWY_RESTRICT ss = sr;
  const uint64_t total_in = p.outer * slice, total_out = p.outer * in_slice;
  // Kernels [0, whole): every row loads and stores whole vectors.
  const uint64_t s_max = sr[rows - 1];
  uint64_t whole = 0;
  if (total_in >= x_max + W * N && total_out >= s_max + N) {
    whole =
        HWY_MIN(HWY_MIN((total_in - x_max - W * N) / slice, (total_out - s_max - N) / in_slice) + 1,
                p.outer);
  }
  if constexpr (hn::MaxLanes(D()) > 1) {
    const hn::Half<D> dh;
    if (2 * taps * gl <= N) {
      W == 2 ? TapRowsWhole<true>(d, dh, in, out, slice, in_slice, whole, xs, ss, rows, idx)
             : TapRowsWhole<false>(d, dh, in, out, slice, in_slice, whole, xs, ss, rows, idx);
    } else {
      W == 2 ? TapRowsWhole<true>(d, d, in, out, slice, in_slice, whole, xs, ss, rows, idx)
             : TapRowsWhole<false>(d, d, in, out, slice, in_slice, whole, xs, ss, rows, idx);
    }
  }
  for (uint64_t c = whole; c < p.outer; ++c) {
    for (size_t r = 0; r < rows; ++r) {
      const uint64_t x = c * slice + xs[r], s = c * in_slice + ss[r];
      const V lo = x + N <= total_in ? hn::LoadU(d, in + x) : LoadWindowBounded(d, in, x, total_in);
      V v;
      if (W == 2) {
        const V hi = x + 2 * N <= total_in ? hn::LoadU(d, in + x + N)
                                           : LoadWindowBounded(d, in, x + N, total_in);
        v = PermuteRow<true>(d, lo, hi, idx);
      } else {
        v = PermuteRow<false>(d, lo, lo, idx);
      }
      if (s + N <= total_out) {
        hn::StoreU(v, d, out + s);
      } else {
        StoreBounded(d, v, out + s, total_out - s);
      }
    }
  }
  return true;
}

bool ContractTapRows(const Plan& p, const uint8_t* expanded, uint8_t* dense) {
  bool done = false;
  WithShuffleTag(ShuffleLaneBytes(p.group),
                 [&](auto d) { done = ContractTapRowsFor(d, p, expanded, dense); });
  return done;
}

// ContractKernels::tap_row_span: the bytes of the vectors tap rows load.
uint64_t TapRowSpan(uint64_t group) {
  uint64_t bytes = 0;
  WithShuffleTag(ShuffleLaneBytes(group), [&](auto d) {
    const uint64_t N = hn::Lanes(d);
    bytes = N < 2 ? 0 : (VectorPairs(decltype(d)()) ? 2 : 1) * N * sizeof(hn::TFromD<decltype(d)>);
  });
  return bytes;
}

// ContractKernels::planes.
bool ContractPlanes(const Plan& p, const uint8_t* expanded, uint8_t* dense) {
  bool done = false;
  WithShuffleTag(ShuffleLaneBytes(p.group),
                 [&](auto d) { done = ContractPlanesFor(d, p, expanded, dense); });
  return done;
}

}  // namespace

const ContractKernels* GetContractKernels() {
  static constexpr ContractKernels kKernels = {
      &CleanExit<&Prepare>::Call,         &CleanExit<&ContractRow>::Call,
      &CleanExit<&IsFill>::Call,          &CleanExit<&RowHolesAreFill>::Call,
      &CleanExit<&ContractTiles>::Call,   &CleanExit<&ContractPlanes>::Call,
      &CleanExit<&ContractTapRows>::Call, &TapRowSpan};
  return &kKernels;
}

// NOLINTNEXTLINE(google-readability-namespace-comments)
}  // namespace HWY_NAMESPACE
}  // namespace dilate
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "lib/target_table.h"

namespace dilate {
HWY_EXPORT(GetContractKernels);

const ContractKernels* ContractKernelsFor(int64_t target) {
  const auto fn = TableEntryFor(HWY_DISPATCH_TABLE(GetContractKernels), target);
  return fn != nullptr ? fn() : nullptr;
}
}  // namespace dilate
#endif  // HWY_ONCE
