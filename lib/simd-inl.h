// Per-target building blocks shared by lib/expand-inl.h and lib/contract.cc:
// pattern fill, copy, full-width lane permutes and the choice of shuffle
// lane type. Re-included once per Highway target (toggle-guarded).
#if defined(DILATE_LIB_SIMD_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef DILATE_LIB_SIMD_INL_H_
#undef DILATE_LIB_SIMD_INL_H_
#else
#define DILATE_LIB_SIMD_INL_H_
#endif

#include <stdint.h>
#include <string.h>

#include <type_traits>

#include "hwy/cache_control.h"
#include "hwy/highway.h"
#include "lib/compiler.h"
#include "lib/kernels.h"

HWY_BEFORE_NAMESPACE();
namespace dilate {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

#undef DILATE_TARGET_IS_SVE  // re-included once per target
#if HWY_TARGET == HWY_SVE || HWY_TARGET == HWY_SVE2 || HWY_TARGET == HWY_SVE_256 || \
    HWY_TARGET == HWY_SVE2_128
#define DILATE_TARGET_IS_SVE 1
#else
#define DILATE_TARGET_IS_SVE 0
#endif

// Row strategies (RowState::mode).
enum : uint32_t {
  kModeCopy = 0,     // dilation 1: the row is one contiguous run
  kModeRuns = 1,     // long groups or long holes: copy/fill run by run
  kModeShuffle = 2,  // short groups and holes: permute tables, one vector at a time
};

// Whether this target permutes lanes of `lane_bytes` across a whole vector
// with one instruction and indices used as stored. Elsewhere the shuffles
// work on bytes within 128-bit vectors (PSHUFB, TBL), which is also what
// Highway itself would emit for 32/64-bit lanes on SSE4 and NEON.
constexpr bool WidePermute(size_t lane_bytes) {
#if HWY_TARGET == HWY_SCALAR || HWY_TARGET == HWY_EMU128 || DILATE_TARGET_IS_SVE || \
    HWY_TARGET == HWY_AVX3_DL
  return lane_bytes != 0;
#elif HWY_TARGET == HWY_AVX3
  return lane_bytes >= 2;
#elif HWY_TARGET == HWY_AVX2
  return lane_bytes == 4;  // VPERMD; 64-bit lanes go as pairs of 32-bit ones
#else
  static_cast<void>(lane_bytes);
  return false;
#endif
}

// Whether the shuffles of 1- and 2-byte lanes (bytes, where WidePermute(2)
// is false) take the target's full vectors rather than 128-bit ones: where
// the target permutes bytes across them with one instruction, or, with
// `composed`, on AVX2 with several (PermuteBytes256).
constexpr bool FullVectorBytes(bool composed) {
  return WidePermute(1) || (composed && HWY_TARGET == HWY_AVX2);
}

// Targets whose byte shuffles, with `composed`, take 256-bit vectors
// through PermuteBytes256: AVX2 (its full vectors), and AVX3 without VBMI
// (half its vectors), where most dilated tiles then take narrow windows
// (NarrowWindows) and the rest the composed permute. Same-process A/B on an
// Intel Xeon VM, AVX3 forced, u8 at 256 KiB against 128-bit PSHUFB tiles:
// one-shot expand K3 D2 / K5 D3 / K7 D3 / K11 D2 0.72 / 0.75 / 0.70 / 0.79
// of the time (K3 D2 0.50x -> 0.69x memset), plan K7 D4 0.79, contract K3
// D2 / K5 D3 0.75 / 0.80; 64 MiB 0.97; but one-shot K7 D4 1.08 (its whole
// tile of 625 vectors fits the per-call tables at 128 bits, not at 256).
// (Before narrow windows, 256-bit bytes had cost AVX3 1-8% in expand.)
#undef DILATE_BYTES256  // re-included once per target
#if HWY_TARGET == HWY_AVX2 || HWY_TARGET == HWY_AVX3
#define DILATE_BYTES256 1
#else
#define DILATE_BYTES256 0
#endif

#if DILATE_BYTES256
// Bytes across a 256-bit vector, which AVX2 has no instruction for: PSHUFB
// of v and of v with its 128-bit halves swapped, picked per lane by whether
// bit 4 of the index names the other half than the lane's own. A lane whose
// index has its top bit set is zero (as with PSHUFB; PermuteOr blends in
// the other vector there). Five instructions for 32 bytes, where 128-bit
// shuffles took one per 16 bytes plus a load, a blend and a store each.
// Same-process A/B against those on an Intel Xeon VM (AVX-512, AMX), AVX2
// forced, one-shot at 256 KiB: u8 expand K3 D2 / K5 D3 / K7 D4 0.89 / 0.78
// / 0.97 of the time, u16 K3 D2 / K7 D3 0.90 / 0.94, a u8 contract's tiles
// K3 D2 0.78; rows of u8 K600 D2 / u16 K400 D2 0.76 / 0.74; u8 K3 D2 at
// 64 MiB 0.94. (A contract's rows took 1.05-1.08: see WithShuffleTag.)
HWY_INLINE __m256i PermuteBytes256(__m256i v, __m256i idx) {
  const __m256i swapped = _mm256_permute4x64_epi64(v, 0x4E);
  const __m256i own = _mm256_shuffle_epi8(v, idx);
  const __m256i other = _mm256_shuffle_epi8(swapped, idx);
  const __m256i upper = _mm256_setr_epi64x(0, 0, 0x1010101010101010LL, 0x1010101010101010LL);
  // Bit 4 of (idx ^ upper): the lane reads the other half. BLENDV reads bit
  // 7 of each byte; a 16-bit shift by 3 moves each byte's bit 4 there.
  const __m256i sel = _mm256_slli_epi16(_mm256_xor_si256(idx, upper), 3);
  return _mm256_blendv_epi8(own, other, sel);
}
#endif

#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
// AVX-512BW permutes 16-bit lanes across the vector; VBMI (AVX3_DL) bytes.
// 512-bit vectors, or 256-bit ones (AVX-512VL) for half-width tiles
// (TileState::half).
template <class V>
HWY_INLINE V PermuteX86(V v, V idx, hwy::SizeTag<2> /* lane bytes */) {
  if constexpr (sizeof(v.raw) == 64) {
    return V{_mm512_permutexvar_epi16(idx.raw, v.raw)};
  } else {
    return V{_mm256_permutexvar_epi16(idx.raw, v.raw)};
  }
}
#if HWY_TARGET == HWY_AVX3_DL
template <class V>
HWY_INLINE V PermuteX86(V v, V idx, hwy::SizeTag<1> /* lane bytes */) {
  if constexpr (sizeof(v.raw) == 64) {
    return V{_mm512_permutexvar_epi8(idx.raw, v.raw)};
  } else {
    return V{_mm256_permutexvar_epi8(idx.raw, v.raw)};
  }
}
#endif
#endif

// Lanes of v chosen by idx (each index < Lanes(d)).
template <class D, class V = hn::Vec<D>>
HWY_INLINE V Permute(D d, V v, V idx) {
  using T = hn::TFromD<D>;
  constexpr size_t kLanes = hn::MaxLanes(D());
  constexpr bool kX86Wide = (HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL) &&
                            sizeof(T) < 4 && WidePermute(sizeof(T)) &&
                            (kLanes * sizeof(T) == 64 || kLanes * sizeof(T) == 32);
  if constexpr (sizeof(T) >= 4) {
    return hn::TableLookupLanes(v, hn::IndicesFromVec(d, idx));
  } else if constexpr (kX86Wide) {
    return PermuteX86(v, idx, hwy::SizeTag<sizeof(T)>());
  } else if constexpr (sizeof(T) == 1 && kLanes == 16 && HWY_TARGET != HWY_SCALAR) {
    return hn::TableLookupBytes(v, idx);  // 128-bit byte shuffle
#if DILATE_BYTES256
  } else if constexpr (sizeof(T) == 1 && kLanes == 32) {
    return V{PermuteBytes256(v.raw, idx.raw)};
#endif
  } else {
    return hn::TableLookupLanes(v, hn::IndicesFromVec(d, idx));  // SVE, EMU128, SCALAR
  }
}

// The fill pattern as a vector for a run starting `offset` bytes after an
// element boundary.
template <class D>
HWY_INLINE hn::Vec<D> PatternVec(D d, const RowState& st, uint64_t offset) {
  using T = hn::TFromD<D>;
  return hn::LoadU(d, reinterpret_cast<const T*>(st.pattern + offset % st.elem_size));
}

// Bytes of RowState::pattern that start at phase 0 and are a whole number of
// elements: the unit of pattern copies and compares without vectors.
constexpr uint64_t kPatternChunk = 256;

// Below this many bytes a run of non-temporal stores is not worth aligning.
constexpr uint64_t kStreamMinRun = 1024;

// Whether a run of n >= vec bytes at dst takes non-temporal stores: long
// runs, and runs of whole aligned vectors (HWIO groups of 64 or more
// elements, a few hundred bytes each, where every line of a row is written
// whole by one run or another).
HWY_INLINE bool StreamsRun(const RowState& st, const uint8_t* dst, uint64_t n, size_t vec) {
  return st.stream &&
         (n >= kStreamMinRun || (reinterpret_cast<uintptr_t>(dst) % vec == 0 && n % vec == 0));
}

// Bytes from dst to the next vector boundary (0 when aligned).
HWY_INLINE uint64_t HeadToAlign(const uint8_t* dst, size_t vec) {
  const size_t mis = reinterpret_cast<uintptr_t>(dst) % vec;
  return mis == 0 ? 0 : vec - mis;
}

// dst[0, n) = fill pattern; n is a whole number of elements.
HWY_INLINE void FillRun(uint8_t* HWY_RESTRICT dst, uint64_t n, const RowState& st) {
  const hn::ScalableTag<uint8_t> d;
  const size_t N = hn::Lanes(d);
  if (n < N || N % 8 != 0) {  // short, or a SCALAR vector: not a whole element
    for (uint64_t i = 0; i < n; i += kPatternChunk) {
      memcpy(dst + i, st.pattern, n - i < kPatternChunk ? n - i : kPatternChunk);
    }
    return;
  }
  const auto v = PatternVec(d, st, 0);
  uint64_t i = 0;
  if (StreamsRun(st, dst, n, N)) {
    i = HeadToAlign(dst, N);
    if (i != 0) hn::StoreU(v, d, dst);
    const auto va = PatternVec(d, st, i);
    for (; i + 4 * N <= n; i += 4 * N) {
      hn::Stream(va, d, dst + i);
      hn::Stream(va, d, dst + i + N);
      hn::Stream(va, d, dst + i + 2 * N);
      hn::Stream(va, d, dst + i + 3 * N);
    }
    for (; i + N <= n; i += N) hn::Stream(va, d, dst + i);
  } else {
    for (; i + 4 * N <= n; i += 4 * N) {
      hn::StoreU(v, d, dst + i);
      hn::StoreU(v, d, dst + i + N);
      hn::StoreU(v, d, dst + i + 2 * N);
      hn::StoreU(v, d, dst + i + 3 * N);
    }
    for (; i + N <= n; i += N) hn::StoreU(v, d, dst + i);
  }
  if (i < n) hn::StoreU(v, d, dst + n - N);  // n - N is a whole number of elements
}

// Copies [i, n) of src to dst four vectors of D at a time while four fit;
// returns where it stopped. kStream: non-temporal stores (dst + i aligned).
template <bool kStream = false, class D>
HWY_INLINE uint64_t CopyBy4(D d, uint8_t* HWY_RESTRICT dst, const uint8_t* HWY_RESTRICT src,
                            uint64_t i, uint64_t n) {
  const size_t N = hn::Lanes(d);
  const auto store = [&](hn::Vec<D> v, uint8_t* HWY_RESTRICT to) HWY_ATTR DILATE_INLINE_LAMBDA {
    if constexpr (kStream) {
      hn::Stream(v, d, to);
    } else {
      hn::StoreU(v, d, to);
    }
  };
  for (; i + 4 * N <= n; i += 4 * N) {
    const auto v0 = hn::LoadU(d, src + i);
    const auto v1 = hn::LoadU(d, src + i + N);
    const auto v2 = hn::LoadU(d, src + i + 2 * N);
    const auto v3 = hn::LoadU(d, src + i + 3 * N);
    store(v0, dst + i);
    store(v1, dst + i + N);
    store(v2, dst + i + 2 * N);
    store(v3, dst + i + 3 * N);
  }
  return i;
}

// dst[0, n) = src[0, n); the ranges do not overlap.
// Runs of at most this many bytes copy in 256-bit vectors on AVX-512 (CopyRun).
constexpr uint64_t kHalfCopyBytes = 512;

HWY_INLINE void CopyRun(uint8_t* HWY_RESTRICT dst, const uint8_t* HWY_RESTRICT src, uint64_t n,
                        const RowState& st) {
  const hn::ScalableTag<uint8_t> d;
  const size_t N = hn::Lanes(d);
  if (n < N) {
    memcpy(dst, src, n);
    return;
  }
  uint64_t i = 0;
  if (StreamsRun(st, dst, n, N)) {
    i = HeadToAlign(dst, N);
    if (i != 0) hn::StoreU(hn::LoadU(d, src), d, dst);
    i = CopyBy4<true>(d, dst, src, i, n);
    for (; i + N <= n; i += N) hn::Stream(hn::LoadU(d, src + i), d, dst + i);
  } else {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
    // In cache, runs up to kHalfCopyBytes (HWIO groups of 64 f32) in
    // 256-bit vectors: same-process A/B on the Intel Xeon VM, one-shot HWIO
    // K3 D2 inner 64 at 256 KiB 0.91-0.93 of the time (AVX2's 32-byte
    // copies had run it 0.93 of AVX3_DL's), inner 64 K5 D3 1.00-1.02; runs
    // of 2 KiB (inner 512) took 1.03 this way, and at 64 MiB inner 64 K5 D3
    // 1.03-1.04: those keep 512-bit vectors.
    if (st.in_cache && n <= kHalfCopyBytes)
      i = CopyBy4(hn::CappedTag<uint8_t, 32>(), dst, src, i, n);
#endif
    i = CopyBy4(d, dst, src, i, n);
    for (; i + N <= n; i += N) hn::StoreU(hn::LoadU(d, src + i), d, dst + i);
  }
  if (i < n) hn::StoreU(hn::LoadU(d, src + n - N), d, dst + n - N);
}

// Largest power of two <= 8 that divides `group`: the widest lane a group
// splits into (always a multiple of the element size).
inline uint32_t LaneBytesFor(uint64_t group) {
  if (group % 8 == 0) return 8;
  if (group % 4 == 0) return 4;
  if (group % 2 == 0) return 2;
  return 1;
}

// Calls f(d) with the descriptor the shuffle strategy uses for lanes of
// lane_bytes: a full vector where WidePermute allows, else bytes in a full
// vector where FullVectorBytes(kComposed) allows (AVX3: 256-bit bytes, see
// DILATE_BYTES256), else 128-bit bytes.
// kComposed false keeps AVX2's and AVX3's bytes at 128 bits: a contract's row mode,
// which permutes every input vector (K600 u8 rows: 5-8% slower at 256
// bits), where expand and the tile loops permute once per output vector.
template <bool kComposed = true, class F>
HWY_INLINE void WithShuffleTag(uint32_t lane_bytes, F&& f) {
  switch (lane_bytes) {
    case 8:
      return f(hn::ScalableTag<uint64_t>());
    case 4:
      return f(hn::ScalableTag<uint32_t>());
    case 2:
      if constexpr (WidePermute(2)) return f(hn::ScalableTag<uint16_t>());
      break;
    default:
      if constexpr (FullVectorBytes(kComposed)) return f(hn::ScalableTag<uint8_t>());
#if HWY_TARGET == HWY_AVX3
      if constexpr (kComposed) return f(hn::Full256<uint8_t>());  // see DILATE_BYTES256
#endif
      break;
  }
#if HWY_TARGET != HWY_SCALAR
  return f(hn::Full128<uint8_t>());
#endif
}

// The lane size the shuffle strategy works in for a group of `group` bytes.
inline uint32_t ShuffleLaneBytes(uint64_t group) {
  const uint32_t lb = LaneBytesFor(group);
  if (WidePermute(lb)) return lb;
  if (lb == 8 && WidePermute(4)) return 4;
  return 1;
}

// Row strategy for expand and contract alike: copy for dilation 1, runs for
// groups or holes of a vector or more (already at memory speed), else the
// shuffle tables that build(d) makes, if they fit (on the descriptor
// WithShuffleTag<kComposed> picks).
template <bool kComposed = true, class Build>
HWY_INLINE void ChooseRowMode(RowState* st, Build&& build) {
  st->mode = kModeRuns;
  if (st->dilation == 1) {
    st->mode = kModeCopy;
    return;
  }
  const hn::ScalableTag<uint8_t> du8;
  const uint64_t vec_bytes = hn::Lanes(du8);
  if (st->group >= vec_bytes || (st->dilation - 1) * st->group >= 2 * vec_bytes) return;
  bool built = false;
  WithShuffleTag<kComposed>(ShuffleLaneBytes(st->group), [&](auto d) { built = build(d); });
  if (built) st->mode = kModeShuffle;
}

#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
// Two-table permutes: index bit log2(N) picks `other` (lane index & (N-1)).
HWY_INLINE __m512i Permute2(__m512i a, __m512i idx, __m512i b, hwy::SizeTag<8>) {
  return _mm512_permutex2var_epi64(a, idx, b);
}
HWY_INLINE __m512i Permute2(__m512i a, __m512i idx, __m512i b, hwy::SizeTag<4>) {
  return _mm512_permutex2var_epi32(a, idx, b);
}
HWY_INLINE __m512i Permute2(__m512i a, __m512i idx, __m512i b, hwy::SizeTag<2>) {
  return _mm512_permutex2var_epi16(a, idx, b);
}
#if HWY_TARGET == HWY_AVX3_DL
HWY_INLINE __m512i Permute2(__m512i a, __m512i idx, __m512i b, hwy::SizeTag<1>) {
  return _mm512_permutex2var_epi8(a, idx, b);
}
#endif
// 256-bit (AVX-512VL), 32- and 64-bit lanes: one uop, as at 512 bits.
HWY_INLINE __m256i Permute2(__m256i a, __m256i idx, __m256i b, hwy::SizeTag<8>) {
  return _mm256_permutex2var_epi64(a, idx, b);
}
HWY_INLINE __m256i Permute2(__m256i a, __m256i idx, __m256i b, hwy::SizeTag<4>) {
  return _mm256_permutex2var_epi32(a, idx, b);
}
HWY_INLINE __m256i Permute2(__m256i a, __m256i idx, __m256i b, hwy::SizeTag<2>) {
  return _mm256_permutex2var_epi16(a, idx, b);
}
#endif

// Tile-mode table lanes: a lane index into the window, or kOther | (N + k)
// to keep lane k of `other`. The top bit marks "other" for blends and byte
// shuffles; N + k is what a two-table permute needs.
template <typename T>
constexpr T kOtherBit = static_cast<T>(T{1} << (sizeof(T) * 8 - 1));

// Lane k of the result: window[idx[k]], or other[k] where idx marks it.
// kRows: the caller is aligned rows (see the 256-bit case below).
template <bool kRows = false, class D, class V = hn::Vec<D>>
HWY_INLINE V PermuteOr(D d, V window, V idx, V other) {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  using T = hn::TFromD<D>;
  if constexpr (hn::MaxLanes(D()) * sizeof(T) == 64 && WidePermute(sizeof(T))) {
    return V{Permute2(window.raw, idx.raw, other.raw, hwy::SizeTag<sizeof(T)>())};
  }
  // Half-width (256-bit) vectors of 32/64-bit lanes too: one VPERMT2D /
  // VPERMT2Q (marks hold N + k) instead of compare, VPERMD and blend.
  // Same-process A/B on the Zen 4 EPYC VM, f32 one-shot at 256 KiB (aligned
  // rows of half-width vectors), both orders: K5 D4 0.93-0.95, K7 D3
  // 0.93-0.94, K11 D3 0.98; K5 D3 / K7 D4 / K7 D2, f64 K7 D4 / K5 D4,
  // contracts and a plan's K5 D4 (tiles) 0.99-1.02. 16-bit lanes only for
  // aligned rows (kRows: their shifted indices are loaded anyway): u16 K7
  // D4 / K11 D3 at 256 KiB 0.93-0.97 (AVX3 0.94), at 4 MiB 0.92; elsewhere
  // VPERMT2W lost: unaligned rows (indices in registers), u16 K7 D3 1.11.
  if constexpr (hn::MaxLanes(D()) * sizeof(T) == 32 &&
                (sizeof(T) >= 4 || (kRows && sizeof(T) == 2))) {
    return V{Permute2(window.raw, idx.raw, other.raw, hwy::SizeTag<sizeof(T)>())};
  }
#endif
  const hn::RebindToSigned<D> di;
#if (HWY_TARGET == HWY_AVX2 || HWY_TARGET == HWY_SSE4) && !HWY_IS_DEBUG_BUILD
  // BLENDV reads only the top bit of each lane: the "other" mark itself
  // selects, with no compare. (Not SSSE3: no BLENDV, its blend needs whole
  // lane masks.) PSHUFB zeroes marked byte lanes; VPERMD uses the low bits.
  return hn::BitCast(d, hn::IfNegativeThenElse(hn::BitCast(di, idx), hn::BitCast(di, other),
                                               hn::BitCast(di, Permute(d, window, idx))));
#endif
  const auto is_other = hn::RebindMask(d, hn::Lt(hn::BitCast(di, idx), hn::Zero(di)));
#if HWY_TARGET == HWY_SCALAR || HWY_TARGET == HWY_EMU128 || HWY_IS_DEBUG_BUILD
  idx = hn::IfThenZeroElse(is_other, idx);  // these check or use indices as given
#endif
  return hn::IfThenElse(is_other, other, Permute(d, window, idx));
}

// Whether Permute(d, ...) is zero in the lanes that PermuteOr takes from
// `other` (index top bit set): x86 byte shuffles, PSHUFB (and
// PermuteBytes256), do that. There PermuteOr with an all-zero `other` (a
// zero fill; a contract's first entry) is Permute alone, without the blend
// (ApplyTile's kZeroBase). Same-process A/B, AVX2 u8 at 256 KiB: expand
// K3 D2 / K5 D3 0.70 / 0.64 of the time with a zero fill.
template <class D>
constexpr bool PermuteZeroesOther(D) {
#if HWY_TARGET == HWY_AVX2 || HWY_TARGET == HWY_SSE4 || HWY_TARGET == HWY_SSSE3
  return sizeof(hn::TFromD<D>) == 1;
#elif HWY_TARGET == HWY_AVX3
  // 128-bit PSHUFB, PermuteBytes256
  return sizeof(hn::TFromD<D>) == 1 && (hn::MaxLanes(D()) == 16 || hn::MaxLanes(D()) == 32);
#elif HWY_TARGET == HWY_AVX3_DL
  return sizeof(hn::TFromD<D>) == 1 && hn::MaxLanes(D()) == 16;  // 128-bit PSHUFB
#else
  return false;
#endif
}

// Narrow windows (TileState::narrow): AVX2 (and AVX3) tiles of bytes in 256-bit
// vectors whose every output vector takes its taps from the first 16 bytes
// of its window (a dilated vector holds few taps: u8 K3 D2 at most 12 of
// its 32 bytes, u16 K7 D4 at most 5 of its 16 elements). There the window
// is one 16-byte load broadcast to both halves (VBROADCASTI128, a load
// port's work) and one in-lane PSHUFB places every tap: none of
// PermuteBytes256's cross-lane composition. Same-process A/B on an Intel
// Xeon VM (AVX-512, AMX), AVX2 forced, 256 KiB: one-shot u8 K3 D2 / K5 D3
// / K7 D3 0.73-0.78 / 0.73 / 0.77 of the time (K3 D2 0.53x -> 0.68-0.73x
// memset), u16 K3 D2 / K5 D3 0.74-0.80 / 0.84; plans u8 K3 D2 / K7 D4
// 0.75 / 0.90, u16 K7 D4 0.91; u8 at 64 MiB even.
template <class D>
constexpr bool NarrowWindows(D) {
#if DILATE_BYTES256
  return sizeof(hn::TFromD<D>) == 1 && hn::MaxLanes(D()) == 32;
#else
  return false;
#endif
}

// The window of an entry or row at `at`: a whole vector, or with kNarrow
// its first 16 bytes in both halves (NarrowWindows).
template <bool kNarrow, class D>
HWY_INLINE hn::Vec<D> LoadWindow(D d, const hn::TFromD<D>* HWY_RESTRICT at) {
#if DILATE_BYTES256
  if constexpr (kNarrow && NarrowWindows(D())) {
    return hn::Vec<D>{
        _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(at)))};
  }
#endif
  static_assert(!kNarrow || NarrowWindows(D()), "narrow windows only where NarrowWindows");
  return hn::LoadU(d, at);
}

// Lane k: window w's lane idx[k], or base[k] where idx marks it (the top
// bit). kZeroBase: base is zero and the permute zeroes marked lanes
// (PermuteZeroesOther), so no blend. kNarrow: w is from LoadWindow<true>
// and every index < 16: one in-lane PSHUFB.
template <bool kZeroBase, bool kNarrow, bool kRows = false, class D, class V = hn::Vec<D>>
HWY_INLINE V PermuteWindow(D d, V w, V idx, V base) {
  static_assert(!kZeroBase || PermuteZeroesOther(D()), "zero base only where the permute zeroes");
#if DILATE_BYTES256
  if constexpr (kNarrow && NarrowWindows(D())) {
    const V r{_mm256_shuffle_epi8(w.raw, idx.raw)};
    if constexpr (kZeroBase) return r;
    const hn::RebindToSigned<D> di;
    return hn::BitCast(
        d, hn::IfNegativeThenElse(hn::BitCast(di, idx), hn::BitCast(di, base), hn::BitCast(di, r)));
  }
#endif
  return kZeroBase ? Permute(d, w, idx) : PermuteOr<kRows>(d, w, idx, base);
}

// PermuteWindow of the window at `at`.
template <bool kZeroBase, bool kNarrow, class D, class V = hn::Vec<D>>
HWY_INLINE V TakeWindow(D d, const hn::TFromD<D>* HWY_RESTRICT at, V idx, V base) {
  return PermuteWindow<kZeroBase, kNarrow>(d, LoadWindow<kNarrow>(d, at), idx, base);
}

// Vector pairs (TileState::vector_pairs): where a two-table permute spans
// two whole vectors and a lane's sign bit can pick the fill, each output
// vector of a tile takes its taps from the pair of aligned-in-the-tile input
// vectors that holds its window, and consecutive vectors share pairs: the
// tile loops load each input vector about once, not a window per output
// vector. An unaligned 64-byte window load per 64-byte store kept the column
// loop at ~0.5x memset in L2 on a Zen 5 EPYC (benchmarks/loop_limits.cc).
template <class D>
constexpr bool VectorPairs(D) {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  using T = hn::TFromD<D>;
  return hn::MaxLanes(D()) * sizeof(T) == 64 && WidePermute(sizeof(T));
#else
  return false;
#endif
}

#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
// Lane k: lane idx[k] of the pair (lo, hi), or fill[k] where idx's sign bit
// is set. The empty asm keeps one load of idx for both uses: the compiler
// otherwise loaded idx twice (the permute overwrites its copy), and a
// second 64-byte load per vector cost more than the blend.
#define DILATE_PAIR_PERMUTE(bits, suffix)                                                       \
  HWY_INLINE __m512i PairPermute(__m512i lo, __m512i idx, __m512i hi, __m512i fill,             \
                                 hwy::SizeTag<bits / 8>) {                                      \
    __asm__("" : "+v"(idx));                                                                    \
    const auto is_fill = _mm512_movepi##bits##_mask(idx);                                       \
    return _mm512_mask_blend_##suffix(is_fill, Permute2(lo, idx, hi, hwy::SizeTag<bits / 8>()), \
                                      fill);                                                    \
  }
DILATE_PAIR_PERMUTE(64, epi64)
DILATE_PAIR_PERMUTE(32, epi32)
DILATE_PAIR_PERMUTE(16, epi16)
#if HWY_TARGET == HWY_AVX3_DL
DILATE_PAIR_PERMUTE(8, epi8)
#endif
#undef DILATE_PAIR_PERMUTE
#endif

// Lane k of the result: lane idx[k] of the pair (lo, hi), or other[k] where
// idx's sign bit is set. Only where VectorPairs(d).
template <class D, class V = hn::Vec<D>>
HWY_INLINE V PermutePairOr(D d, V lo, V hi, V idx, V other) {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  if constexpr (VectorPairs(D())) {
    return V{
        PairPermute(lo.raw, idx.raw, hi.raw, other.raw, hwy::SizeTag<sizeof(hn::TFromD<D>)>())};
  }
#endif
  static_cast<void>(d);
  static_cast<void>(hi);
  static_cast<void>(idx);
  static_cast<void>(lo);
  return other;  // never reached: no pair tables are built here
}

// Whether MaskedLoad and BlendedStore of lanes of `lane_bytes` touch no
// memory outside the mask: AVX-512 masked moves and AVX2's VPMASKMOV (32/64-bit
// lanes) suppress faults on masked-off lanes. (Highway emulates AVX2's 8/16-bit
// ones with whole-vector accesses.)
constexpr bool MaskedAccessIsExact(size_t lane_bytes) {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  return lane_bytes != 0;
#elif HWY_TARGET == HWY_AVX2
  return lane_bytes >= 4;
#else
  static_cast<void>(lane_bytes);
  return false;
#endif
}

// LoadWindowBounded through a bounce buffer.
template <class D>
HWY_NOINLINE hn::Vec<D> LoadWindowCopied(D d, const hn::TFromD<D>* in, uint64_t at,
                                         uint64_t total) {
  using T = hn::TFromD<D>;
  HWY_ALIGN T buf[hn::MaxLanes(D())] = {};
  const size_t N = hn::Lanes(d);
  if (at < total) memcpy(buf, in + at, (total - at < N ? total - at : N) * sizeof(T));
  return hn::Load(d, buf);
}

// Loads the window at lane `at` of in[0, total), zero past the end. A masked
// load where it reads nothing outside: at 16 KiB of dst, where the last tile
// is a fair share of a call, the bounce buffer's memcpy and the stalled load
// from it took 20% of the samples of a plan's expand (tools/profile.sh).
template <class D>
HWY_INLINE hn::Vec<D> LoadWindowBounded(D d, const hn::TFromD<D>* in, uint64_t at,
                                        uint64_t total) {
  using T = hn::TFromD<D>;
  if constexpr (MaskedAccessIsExact(sizeof(T))) {
    if (at >= total) return hn::Zero(d);
    return hn::MaskedLoad(hn::FirstN(d, static_cast<size_t>(total - at)), d, in + at);
  } else {
    return LoadWindowCopied(d, in, at, total);
  }
}

// Stores lanes [lo, hi) of v to out[lo, hi), touching no other lane of out
// (another writer's: another thread's chunk maybe).
template <class D, class V = hn::Vec<D>>
HWY_INLINE void StoreLanes(D d, V v, hn::TFromD<D>* HWY_RESTRICT out, size_t lo, size_t hi) {
  using T = hn::TFromD<D>;
  if (lo == 0 && hi == hn::Lanes(d)) return hn::StoreU(v, d, out);
  if constexpr (MaskedAccessIsExact(sizeof(T))) {
    hn::BlendedStore(v, hn::AndNot(hn::FirstN(d, lo), hn::FirstN(d, hi)), d, out);
  } else if constexpr (hn::MaxLanes(D()) > 1) {  // one lane: all or nothing, above
    HWY_ALIGN T buf[hn::MaxLanes(D())];
    hn::Store(v, d, buf);
    memcpy(out + lo, buf + lo, (hi - lo) * sizeof(T));
  }
}

// Stores the first n < Lanes(d) lanes of v to out[0, n).
template <class D, class V = hn::Vec<D>>
HWY_INLINE void StoreBounded(D d, V v, hn::TFromD<D>* HWY_RESTRICT out, uint64_t n) {
  StoreLanes(d, v, out, 0, static_cast<size_t>(n));
}

// Stores v to out: non-temporal with kStream.
template <bool kStream, class D, class V = hn::Vec<D>>
HWY_INLINE void StoreVector(D d, V v, hn::TFromD<D>* HWY_RESTRICT out) {
  if (kStream) {
    hn::Stream(v, d, out);
  } else {
    hn::StoreU(v, d, out);
  }
}

// one(0), ..., one(n - 1), unrolled by 4 (one is inlined at each call).
template <class F>
HWY_INLINE void Unrolled4(size_t n, const F& one) {
  size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    one(k);
    one(k + 1);
    one(k + 2);
    one(k + 3);
  }
  for (; k < n; ++k) one(k);
}

// The vector-pair loop of a dense expand tile (TileState::vector_pairs):
// output vectors [0, vectors) of the tile at out, in. The pair of input
// vectors moves on where a vector's offset does; each output vector is a
// two-table permute by its index.
template <bool kStream, bool kAllTaps, class D, class V = hn::Vec<D>>
HWY_INLINE void ApplyPairs(D d, hn::TFromD<D>* HWY_RESTRICT out,
                           const hn::TFromD<D>* HWY_RESTRICT in, const TileState& ts, V base,
                           size_t vectors) {
  using T = hn::TFromD<D>;
  const size_t N = hn::Lanes(d);
  const T* HWY_RESTRICT index = reinterpret_cast<const T*>(ts.index);
  const uint32_t* HWY_RESTRICT offset = ts.offset;
  const uint8_t* HWY_RESTRICT has_taps = ts.has_taps;
  uint64_t at = offset[0];
  V lo = hn::LoadU(d, in + at), hi = hn::LoadU(d, in + at + N);
  // Unrolled by 4 (benchmarks/loop_limits.cc: the K3 D2 f32 pair loop
  // in L2, ~0.55x memset rolled, ~0.7x unrolled).
  Unrolled4(vectors, [&](size_t k) HWY_ATTR DILATE_INLINE_LAMBDA {
    V r = base;
    if (kAllTaps || has_taps[k]) {
      const uint64_t next = offset[k];
      // Offsets of vectors with taps rise by one vector at most: a
      // window starts where the last one started plus its taps (at
      // most N). A branch, where a branch-free update (a blend and a
      // load per vector) took 30-90% more time.
      if (next != at) {
        lo = hi;
        hi = hn::LoadU(d, in + next + N);
        at = next;
      }
      r = PermutePairOr(d, lo, hi, hn::Load(d, index + k * N), base);
    }
    StoreVector<kStream>(d, r, out + k * N);
  });
}

// Mask tiles (TileState::masks): on AVX-512 an expand tile's output vector
// k is VPEXPAND of the window at offset[k] under a lane mask (bit j: lane
// j is a tap; the taps are the window's first lanes in order), the fill
// elsewhere. Its table is 8 bytes a vector instead of a vector of indices,
// so whole-vector tiles (aligned stores, nothing spilled into the next
// tile) fit where index tables did not: u8 K7 D4 takes 625 vectors a tile
// (40 KiB of indices against 5 KiB of masks). Bytes and 16-bit lanes need
// VBMI2 (AVX3_DL); 32 and 64-bit lanes AVX-512F. Same-process A/B on the
// Intel Xeon VM (AVX-512, AMX), u8 K7 D4 against tiles of 49 index
// vectors (every store across two lines) or half-width tiles: one-shot
// 256 KiB / 2 MiB / 64 MiB / 256 MiB 0.83-0.86 / 0.93 / 0.91 / 0.97 of
// the time (256 KiB 0.60x -> 0.70x memset), a plan at 256 KiB 0.85-0.88
// (0.68x -> 0.79x); streaming f32 K7 D4 at 256 MiB 0.94. Where index
// tiles fit, masks lost (f32 K3 D2 / K7 D3 1.03 / 1.04, u8 / u16 K3 D2
// 1.03): lib/tiles.cc takes them only where those overflow
// (ExpandTakesMasks).
template <class D>
constexpr bool ExpandMasks(D) {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  using T = hn::TFromD<D>;
  return hn::MaxLanes(D()) * sizeof(T) == 64 && hwy::IsSame<T, hwy::MakeUnsigned<T>>() &&
         (sizeof(T) >= 4 || HWY_TARGET == HWY_AVX3_DL);
#else
  return false;
#endif
}

// LoadU kept a separate instruction: GCC folds a load into VPEXPAND's
// memory form, which ran 5-7% slower than a load and the register form in
// L2 on the Intel Xeon VM (a stand-alone loop over mask tables, u8 / f32,
// K3-K7, D2-D4).
template <class D>
HWY_INLINE hn::Vec<D> LoadRegister(D d, const hn::TFromD<D>* HWY_RESTRICT at) {
  auto v = hn::LoadU(d, at);
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  __asm__("" : "+v"(v.raw));
#endif
  return v;
}

// Lane j of the result: window lane popcount(mask & (2^j - 1)) where mask
// bit j is set, base lane j elsewhere (ExpandMasks).
template <class D, class V = hn::Vec<D>>
HWY_INLINE V MaskExpand(D d, V base, uint64_t mask, V window) {
  static_assert(ExpandMasks(D()), "mask tiles only where ExpandMasks");
  (void)d;
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  using T = hn::TFromD<D>;
  if constexpr (sizeof(T) == 8) {
    return V{_mm512_mask_expand_epi64(base.raw, static_cast<__mmask8>(mask), window.raw)};
  } else if constexpr (sizeof(T) == 4) {
    return V{_mm512_mask_expand_epi32(base.raw, static_cast<__mmask16>(mask), window.raw)};
  }
#if HWY_TARGET == HWY_AVX3_DL
  else if constexpr (sizeof(T) == 2) {
    return V{_mm512_mask_expand_epi16(base.raw, static_cast<__mmask32>(mask), window.raw)};
  } else {
    return V{_mm512_mask_expand_epi8(base.raw, static_cast<__mmask64>(mask), window.raw)};
  }
#endif
#endif
  return base;
}

// The mask-tile loop (TileState::masks): output vectors [0, vectors) of
// the tile at out, in. No branch on vectors of pure fill: their mask is 0
// and their window (at the next tap) is inside the input. Not inlined: one
// copy per lane size and store kind, not one per ApplyTile variant (each
// copy costs compile time; a call per tile of hundreds of vectors costs
// nothing).
template <bool kStream, class D, class V = hn::Vec<D>>
HWY_NOINLINE void ApplyMasks(D d, hn::TFromD<D>* HWY_RESTRICT out,
                             const hn::TFromD<D>* HWY_RESTRICT in, const TileState& ts, V base,
                             size_t vectors) {
  const size_t N = hn::Lanes(d);
  const uint64_t* HWY_RESTRICT masks = reinterpret_cast<const uint64_t*>(ts.index);
  const uint32_t* HWY_RESTRICT offset = ts.offset;
  Unrolled4(vectors, [&](size_t k) HWY_ATTR DILATE_INLINE_LAMBDA {
    StoreVector<kStream>(d, MaskExpand(d, base, masks[k], LoadRegister(d, in + offset[k])),
                         out + k * N);
  });
}

// Output vectors [0, vectors) of a tile of one window per vector (no masks,
// no vector pairs): ApplyTile's loop, and the bounded path's for the vectors
// whose windows and stores lie inside.
template <bool kStream, bool kAllTaps, bool kZeroBase, class D, class V = hn::Vec<D>>
HWY_INLINE void ApplyWindows(D d, hn::TFromD<D>* HWY_RESTRICT out,
                             const hn::TFromD<D>* HWY_RESTRICT in, const TileState& ts, V base,
                             size_t vectors) {
  using T = hn::TFromD<D>;
  const size_t N = hn::Lanes(d);
  const T* HWY_RESTRICT index = reinterpret_cast<const T*>(ts.index);
  const uint32_t* HWY_RESTRICT offset = ts.offset;
  const uint8_t* HWY_RESTRICT has_taps = ts.has_taps;
  // Vectors of pure fill (hole rows) are plain stores: no load, no
  // permute. The branch follows the tile's fixed pattern, and is compiled
  // out when every vector takes taps.
  const auto run = [&](auto narrow) HWY_ATTR DILATE_INLINE_LAMBDA {
    const auto one = [&](size_t k) HWY_ATTR DILATE_INLINE_LAMBDA {
      V r = base;
      if (kAllTaps || has_taps[k]) {
        r = TakeWindow<kZeroBase, decltype(narrow)::value>(d, in + offset[k],
                                                           hn::Load(d, index + k * N), base);
      }
      StoreVector<kStream>(d, r, out + k * N);
    };
#if HWY_TARGET == HWY_AVX2 || HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
    if constexpr (!kAllTaps && hn::MaxLanes(D()) * sizeof(T) == 32) {
      // Unrolled by 4 on 256-bit vectors (AVX2, and AVX-512's half-width
      // tiles) where vectors of pure fill branch: same-process A/B, a
      // plan's K5 D3 / K7 D4 f32 at 256 KiB on the Zen 5 EPYC, AVX2
      // 18-32% less time. (Where every vector takes taps, and on SSE4,
      // unrolling gained nothing or lost up to 22%.)
      Unrolled4(vectors, one);
      return;
    }
#endif
    for (size_t k = 0; k < vectors; ++k) one(k);
  };
  if constexpr (NarrowWindows(D())) {
    if (ts.narrow) return run(std::true_type());
  }
  return run(std::false_type());
}

// Tile mode (see TileState in kernels.h), shared by expand and contract:
// output vector k of a tile starts as `base` (the fill, or zero) and takes
// the marked lanes of each of its count[k] table entries. The last vector of
// a tile may spill into the next tile, which overwrites it; a tile at the end
// of the range, or one whose windows reach the end of the input, takes the
// bounded path instead.
template <bool kStream, bool kAllTaps, bool kZeroBase = false, class D, class V = hn::Vec<D>>
HWY_INLINE void ApplyTile(D d, hn::TFromD<D>* HWY_RESTRICT out,
                          const hn::TFromD<D>* HWY_RESTRICT in, const TileState& ts, V base) {
  using T = hn::TFromD<D>;
  const size_t N = hn::Lanes(d);
  const T* HWY_RESTRICT index = reinterpret_cast<const T*>(ts.index);
  const uint32_t* HWY_RESTRICT offset = ts.offset;
  // Expand: one entry, permute and store per output vector.
  if (ts.one_per_vector) {
    const size_t vectors = ts.vectors;  // a local: stores to out may alias ts
    if constexpr (ExpandMasks(D())) {
      if (ts.masks) return ApplyMasks<kStream>(d, out, in, ts, base, vectors);
    }
    if constexpr (VectorPairs(D())) {
      if (ts.vector_pairs) {  // pairs of input vectors, each loaded once
        ApplyPairs<kStream, kAllTaps>(d, out, in, ts, base, vectors);
        return;
      }
    }
    return ApplyWindows<kStream, kAllTaps, kZeroBase>(d, out, in, ts, base, vectors);
  }
  size_t e = 0;
  if constexpr (NarrowWindows(D())) {
    if (ts.narrow) {  // a contract's 16-byte entries
      for (size_t k = 0; k < ts.vectors; ++k) {
        V r = base;
        for (size_t c = ts.count[k]; c != 0; --c, ++e) {
          const V idx = hn::Load(d, index + e * N);
          if constexpr (kZeroBase) {  // each lane comes from one entry; zero elsewhere
            r = hn::Or(r, TakeWindow<true, true>(d, in + offset[e], idx, r));
          } else {
            r = TakeWindow<false, true>(d, in + offset[e], idx, r);
          }
        }
        StoreVector<kStream>(d, r, out + k * N);
      }
      return;
    }
  }
  if constexpr (VectorPairs(D())) {
    if (ts.pair_entries == 2) {
      // Contract, two pair entries per output vector: unrolled, no loop over
      // entries (same-process A/B, K3 D2 f32 at 256 KiB: 11-14% less time).
      const size_t vectors = ts.vectors;  // a local: stores to out may alias ts
      Unrolled4(vectors, [&](size_t k) HWY_ATTR DILATE_INLINE_LAMBDA {
        const T* HWY_RESTRICT a0 = in + offset[2 * k];
        const T* HWY_RESTRICT a1 = in + offset[2 * k + 1];
        V r = PermutePairOr(d, hn::LoadU(d, a0), hn::LoadU(d, a0 + N),
                            hn::Load(d, index + 2 * k * N), base);
        r = PermutePairOr(d, hn::LoadU(d, a1), hn::LoadU(d, a1 + N),
                          hn::Load(d, index + (2 * k + 1) * N), r);
        StoreVector<kStream>(d, r, out + k * N);
      });
      return;
    }
    if (ts.pair_entries) {  // contract: each entry a pair of whole vectors
      for (size_t k = 0; k < ts.vectors; ++k) {
        V r = base;
        for (size_t c = ts.count[k]; c != 0; --c, ++e) {
          const T* HWY_RESTRICT at = in + offset[e];
          r = PermutePairOr(d, hn::LoadU(d, at), hn::LoadU(d, at + N), hn::Load(d, index + e * N),
                            r);
        }
        StoreVector<kStream>(d, r, out + k * N);
      }
      return;
    }
  }
  for (size_t k = 0; k < ts.vectors; ++k) {
    V r = base;
    size_t c = ts.count[k];
    if (kZeroBase && c != 0) {
      r = Permute(d, hn::LoadU(d, in + offset[e]), hn::Load(d, index + e * N));
      --c;
      ++e;
    }
    for (; c != 0; --c, ++e) {
      r = PermuteOr(d, hn::LoadU(d, in + offset[e]), hn::Load(d, index + e * N), r);
    }
    StoreVector<kStream>(d, r, out + k * N);
  }
}

// Whole tiles of exactly kPairRegVectors vector-pair entries (a 3x3
// kernel with dilation 2 at every lane size: 25 lanes per slice, N slices
// per tile) with the tile's indices held in registers from tile to tile,
// the tile unrolled: no index load per vector. `tiles` tiles at out + j *
// out_step, in + j * in_step. (benchmarks/loop_limits.cc, K3 D2 f32 in
// L2: 0.72-0.80x memset with the indices in registers, 0.66-0.69x for the
// pair loop loading one per vector.) kPairRegVectors: lib/kernels.h.
// Returns false, having written nothing, where a pair moves by more than a
// vector (not from the dense writer). The indices load straight into
// registers and the pair steps a pointer: before, GCC copied the 25 index
// vectors to the stack (`rep movsq`) per call and reloaded 25 offsets from
// it per tile. Same-process A/B on the Zen 4 EPYC VM, K3 D2 one-shot: f32
// 16 KiB 0.90 of the time, 256 KiB 0.97 (both orders), plan 0.96; u16
// 0.98, 1-D f32 0.98, u8 even, 64 MiB (streaming) even.

// kFixedMoves: the tile's moves as a constant (K3D2PairMoves), so that the
// unrolled loop has no branch per vector and its pair is renamed
// registers; false, nothing written, where the tile's differ. Otherwise
// (kRuntimeMoves) the moves are bits tested per vector: a test and a
// branch per vector, which on the Zen 5 EPYC VM held K3 D2 f32 at 0.61-0.68x
// memset in L2. Same-process A/B there (tools/ab.sh, AVX3_DL, 256 KiB)
// against them: f32 K3 D2 one-shot 0.89 of the time (the other order:
// 0.88), AVX3 0.89, a plan 0.87; u16 / f64 0.90 / 0.89 (u8 takes no
// pairs); at 16 KiB and 1 MiB even.
constexpr uint32_t kRuntimeMoves = ~0u;

// The moves (bit k: output vector k's pair is the next input vector) of an
// expand tile of n 3 x 3 kernels of one lane each with dilation 2 (25
// lanes a kernel, 9 taps) in vectors of n lanes: each vector's pair starts
// at its first tap's input lane rounded down to a vector (TableWriter in
// lib/tiles.cc).
constexpr uint32_t K3D2PairMoves(size_t n) {
  uint32_t moves = 0;
  uint64_t at = 0;
  bool first = true;
  for (size_t e = 0; e < kPairRegVectors; ++e) {
    for (uint64_t x = e * n; x < (e + 1) * n; ++x) {
      const uint64_t c = x / 25, p = x % 25, r = p / 5, q = p % 5;
      if (r % 2 != 0 || q % 2 != 0) continue;
      const uint64_t src = 9 * c + 3 * (r / 2) + q / 2, off = src - src % n;
      if (!first && off != at) moves |= 1u << e;
      at = off;
      first = false;
      break;
    }
  }
  return moves;
}

template <bool kStream, bool kAllTaps, uint32_t kFixedMoves = kRuntimeMoves, class D,
          class V = hn::Vec<D>>
HWY_NOINLINE bool ApplyPairTilesInRegisters(D d, hn::TFromD<D>* HWY_RESTRICT out,
                                            const hn::TFromD<D>* HWY_RESTRICT in, size_t out_step,
                                            size_t in_step, uint64_t tiles, const TileState& ts,
                                            V base) {
  using T = hn::TFromD<D>;
  const size_t N = hn::Lanes(d);
  const T* HWY_RESTRICT index = reinterpret_cast<const T*>(ts.index);
  V idx[kPairRegVectors];
  uint32_t moves = 0, taps = 0;  // bit k: vector k moves the pair on; takes taps
  const uint32_t first = ts.offset[0];
  uint32_t at = first;
  // Unrolled, so that each index loads into its register: as a loop GCC
  // turned the loads into a `rep movsq` of the 25 vectors to the stack
  // (4% of a one-shot 16 KiB K3 D2 f32 expand's samples) and loaded them
  // from there.
#pragma GCC unroll 25
  for (size_t k = 0; k < kPairRegVectors; ++k) {
    idx[k] = hn::Load(d, index + k * N);
    if (ts.has_taps[k]) {
      taps |= 1u << k;
      if (ts.offset[k] != at) {
        // A move is to the next vector (the dense writer's pairs: a vector
        // has at most N taps), so the loop below steps a pointer instead of
        // reloading 25 offsets from the stack per tile.
        if (ts.offset[k] != at + N) return false;
        moves |= 1u << k;
      }
      at = ts.offset[k];
    }
  }
  if constexpr (kFixedMoves != kRuntimeMoves) {
    static_assert(kAllTaps, "fixed moves: every vector takes taps");
    if (moves != kFixedMoves) return false;
  }
  const uint32_t mv = kFixedMoves != kRuntimeMoves ? kFixedMoves : moves;
  for (uint64_t j = 0; j < tiles; ++j, out += out_step, in += in_step) {
    const T* HWY_RESTRICT pair = in + first;
    V lo = hn::LoadU(d, pair), hi = hn::LoadU(d, pair + N);
#pragma GCC unroll 25
    for (size_t k = 0; k < kPairRegVectors; ++k) {
      V r = base;
      if (kAllTaps || (taps >> k & 1)) {
        if (mv >> k & 1) {
          lo = hi;
          pair += N;
          hi = hn::LoadU(d, pair + N);
        }
        r = PermutePairOr(d, lo, hi, idx[k], base);
      }
      StoreVector<kStream>(d, r, out + k * N);
    }
  }
  return true;
}

// Whole contract tiles of kPairTwoRegVectors output vectors of two pair
// entries each (a 3x3 kernel with dilation 2 at every lane size: 9 taps
// per slice, N slices per tile), the 18 indices held in registers from tile
// to tile, the tile unrolled: `tiles` tiles at out + j * out_step,
// in + j * in_step. kPairTwoRegVectors: lib/kernels.h.

template <class D, class V = hn::Vec<D>>
HWY_NOINLINE void ApplyPairTwoTilesInRegisters(D d, hn::TFromD<D>* HWY_RESTRICT out,
                                               const hn::TFromD<D>* HWY_RESTRICT in,
                                               size_t out_step, size_t in_step, uint64_t tiles,
                                               const TileState& ts, V base) {
  using T = hn::TFromD<D>;
  const size_t N = hn::Lanes(d);
  const T* HWY_RESTRICT index = reinterpret_cast<const T*>(ts.index);
  constexpr size_t kEntries = 2 * kPairTwoRegVectors;
  V idx[kEntries];
  uint32_t off[kEntries];
  for (size_t e = 0; e < kEntries; ++e) {
    idx[e] = hn::Load(d, index + e * N);
    off[e] = ts.offset[e];
  }
  for (uint64_t j = 0; j < tiles; ++j, out += out_step, in += in_step) {
#pragma GCC unroll 9
    for (size_t k = 0; k < kPairTwoRegVectors; ++k) {
      const T* HWY_RESTRICT a0 = in + off[2 * k];
      const T* HWY_RESTRICT a1 = in + off[2 * k + 1];
      V r = PermutePairOr(d, hn::LoadU(d, a0), hn::LoadU(d, a0 + N), idx[2 * k], base);
      r = PermutePairOr(d, hn::LoadU(d, a1), hn::LoadU(d, a1 + N), idx[2 * k + 1], r);
      hn::StoreU(r, d, out + k * N);
    }
  }
}

template <class D, class V = hn::Vec<D>>
HWY_NOINLINE void ApplyTileBounded(D d, hn::TFromD<D>* HWY_RESTRICT out, uint64_t out_limit,
                                   const hn::TFromD<D>* HWY_RESTRICT in, uint64_t in_base,
                                   uint64_t in_total, const TileState& ts, V base) {
  using T = hn::TFromD<D>;
  const size_t N = hn::Lanes(d);
  const T* index = reinterpret_cast<const T*>(ts.index);
  size_t e = 0, k0 = 0;
  if constexpr (ExpandMasks(D())) {
    if (ts.masks) {
      // Vectors before the first that ends past out_limit or reads past the
      // input take the loop of whole tiles.
      size_t safe = static_cast<size_t>(out_limit / N);
      if (safe > ts.vectors) safe = ts.vectors;
      while (safe != 0 && in_base + ts.offset[safe - 1] + N > in_total) --safe;
      ApplyMasks<false>(d, out, in + in_base, ts, base, safe);
      const uint64_t* masks = reinterpret_cast<const uint64_t*>(ts.index);
      for (size_t k = safe; k < ts.vectors && k * N < out_limit; ++k) {
        const uint64_t at = in_base + ts.offset[k];
        const V w =
            at + N <= in_total ? hn::LoadU(d, in + at) : LoadWindowBounded(d, in, at, in_total);
        const V r = MaskExpand(d, base, masks[k], w);
        if (k * N + N <= out_limit) {
          hn::StoreU(r, d, out + k * N);
        } else {
          StoreBounded(d, r, out + k * N, out_limit - k * N);
        }
      }
      return;
    }
  }
  // Vector pairs: the two vectors at offset[k] (one entry per vector).
  const bool pairs = VectorPairs(D()) && ts.vector_pairs;
  if (pairs) {
    // The vectors before the first that ends past out_limit or whose pair
    // reaches past the input (offsets do not fall) take the pair loop: a
    // one-shot K5 D3 f32 expand of 16 KiB spent 13% of its samples here,
    // most of it on whole vectors.
    size_t safe = static_cast<size_t>(out_limit / N);
    if (safe > ts.vectors) safe = ts.vectors;
    while (safe != 0 && in_base + ts.offset[safe - 1] + 2 * N > in_total) --safe;
    if (safe != 0) {
      ApplyPairs<false, false>(d, out, in + in_base, ts, base, safe);
      k0 = safe;
    }
  } else if (ts.one_per_vector) {
    // Likewise one window per vector: the vectors before the first whose
    // store or window reaches past the end take ApplyTile's loop. (A plan
    // of 8 3-D K3 D2 f32 kernels is one tile whose last windows pass the
    // input: all of it came here, a bounds check and a pass of the entry
    // loop per vector, 2.2x the time.)
    size_t safe = 0, limit = static_cast<size_t>(out_limit / N);
    if (limit > ts.vectors) limit = ts.vectors;
    while (safe < limit && in_base + ts.offset[safe] + N <= in_total) ++safe;
    if (safe != 0) {
      ApplyWindows<false, false, false>(d, out, in + in_base, ts, base, safe);
      k0 = e = safe;
    }
  }
  for (size_t k = k0; k < ts.vectors && k * N < out_limit; ++k) {
    if (pairs) {
      V r = base;
      if (ts.has_taps[k]) {
        const uint64_t at = in_base + ts.offset[k];
        const V lo =
            at + N <= in_total ? hn::LoadU(d, in + at) : LoadWindowBounded(d, in, at, in_total);
        const V hi = at + 2 * N <= in_total ? hn::LoadU(d, in + at + N)
                                            : LoadWindowBounded(d, in, at + N, in_total);
        r = PermutePairOr(d, lo, hi, hn::Load(d, index + k * N), base);
      }
      if (k * N + N <= out_limit) {
        hn::StoreU(r, d, out + k * N);
      } else {
        StoreBounded(d, r, out + k * N, out_limit - k * N);
      }
      continue;
    }
    V r = base;
    for (size_t c = ts.count[k]; c != 0; --c, ++e) {
      const uint64_t at = in_base + ts.offset[e];
      const V v = at + N <= in_total ? hn::LoadU(d, in + at) : LoadWindowBounded(d, in, at, in_total);
      if (VectorPairs(D()) && ts.pair_entries) {
        const V hi = at + 2 * N <= in_total ? hn::LoadU(d, in + at + N)
                                            : LoadWindowBounded(d, in, at + N, in_total);
        r = PermutePairOr(d, v, hi, hn::Load(d, index + e * N), r);
      } else {
        r = PermuteOr(d, v, hn::Load(d, index + e * N), r);
      }
    }
    if (k * N + N <= out_limit) {
      hn::StoreU(r, d, out + k * N);
    } else {
      StoreBounded(d, r, out + k * N, out_limit - k * N);
    }
  }
}

// Tiles of one entry per output vector: `tiles` whole tiles at
// out + j * out_step, in + j * in_step, written column by column (output
// vector k of every tile, then k + 1), so each vector's index and read
// offset are loaded once per group instead of once per vector; a column of
// pure fill is plain stores. Each store is still one whole vector written
// once. Measured on AVX-512 (Zen 4), K3 D2 f32 kernel alone, x memset: 256
// KiB dst 0.52 in tile order, 0.60 by columns; 1 MiB 0.60 / 0.64; but 4 MiB
// 0.53 / 0.49, so the driver allows columns only while dst fits L2
// (TileState::columns). With columns of pure fill too (before, only tiles
// whose every vector takes taps), same-process A/B on the Zen 5 EPYC, f32
// at 256 KiB: AVX2 K5 D3 / K3 D4 / K5 D2 0.68-0.76 of the time, SSE4 K5 D3
// / K7 D4 / K3 D4 0.51-0.66.
template <bool kZeroBase = false, bool kNarrow = false, class D, class V = hn::Vec<D>>
HWY_INLINE void ApplyTileColumns(D d, hn::TFromD<D>* HWY_RESTRICT out,
                                 const hn::TFromD<D>* HWY_RESTRICT in, size_t out_step,
                                 size_t in_step, size_t tiles, const TileState& ts, V base) {
  using T = hn::TFromD<D>;
  const size_t N = hn::Lanes(d);
  const T* HWY_RESTRICT index = reinterpret_cast<const T*>(ts.index);
  const uint32_t* HWY_RESTRICT offset = ts.offset;
  // A tile's last vector may run past its output into the next tile's first
  // vector, which the next tile rewrites: the last column goes first.
  const size_t last = ts.vectors - 1;
  const auto column = [&](size_t k) HWY_ATTR DILATE_INLINE_LAMBDA {
    T* HWY_RESTRICT o = out + k * N;
    if (!ts.has_taps[k]) {  // a column of pure fill
      for (size_t j = 0; j < tiles; ++j) hn::StoreU(base, d, o + j * out_step);
      return;
    }
    const T* HWY_RESTRICT i = in + offset[k];
    const V idx = hn::Load(d, index + k * N);
    for (size_t j = 0; j < tiles; ++j) {
      hn::StoreU(TakeWindow<kZeroBase, kNarrow>(d, i + j * in_step, idx, base), d,
                 o + j * out_step);
    }
  };
  column(last);
  size_t k = 0;
#if HWY_ARCH_X86
  // x86: two columns at a time where both take taps, each tile's two
  // vectors stored together (a cache line's halves on AVX2 where dst is
  // aligned), two indices held in registers. Same-process A/B on the Zen 4
  // EPYC VM against one column at a time, f32 at 256 KiB, both orders: AVX2
  // (columns there on AMD CPUs, TakesColumns) one-shot K3 D2 / K5 D2 / K3
  // D3 / K3 D4 / K5 D3 / K7 D2 0.86 / 0.83 / 0.81 / 0.83-0.84 / 0.88-0.90 /
  // 0.92 of the time, plans K5 D2 / K7 D3 / K3 D3 0.89 / 0.85 / 0.90, K5 D3
  // at 1 MiB 0.93; SSE4 K3 D2 / K5 D3 / K3 D4 0.87-0.94 / 0.83 / 0.84-0.85,
  // SSSE3 K5 D2 0.82; AVX3 u8 K3 D2 / K5 D3, u16 K5 D3 0.90-1.01 / 0.95 /
  // 0.97. (Arm targets, not measured, keep one column at a time.)
  for (; k + 1 < last; k += 2) {
    if (!ts.has_taps[k] || !ts.has_taps[k + 1]) {
      column(k);
      column(k + 1);
      continue;
    }
    T* HWY_RESTRICT o = out + k * N;
    const T* HWY_RESTRICT i0 = in + offset[k];
    const T* HWY_RESTRICT i1 = in + offset[k + 1];
    const V idx0 = hn::Load(d, index + k * N);
    const V idx1 = hn::Load(d, index + (k + 1) * N);
    for (size_t j = 0; j < tiles; ++j) {
      hn::StoreU(TakeWindow<kZeroBase, kNarrow>(d, i0 + j * in_step, idx0, base), d,
                 o + j * out_step);
      hn::StoreU(TakeWindow<kZeroBase, kNarrow>(d, i1 + j * in_step, idx1, base), d,
                 o + N + j * out_step);
    }
  }
#endif
  for (; k < last; ++k) column(k);
}

// Bytes of the staging buffer of ApplyTilesStaged (on the stack).
constexpr size_t kStageBytes = 8192;

// Whether ApplyTilesStaged can take tiles of `ts` (whole tiles well inside
// the staging buffer) with output at `out`.
template <class D>
HWY_INLINE bool CanStage(D d, const hn::TFromD<D>* out, const TileState& ts) {
  using T = hn::TFromD<D>;
  const size_t vector_bytes = hn::Lanes(d) * sizeof(T);
  return reinterpret_cast<uintptr_t>(out) % sizeof(T) == 0 &&
         (ts.vectors + 2) * vector_bytes <= kStageBytes;
}

// Out of cache, tiles that do not start on a vector (they do not end on
// one, or dst is misaligned) still get non-temporal stores: tiles are
// written into a staging buffer in L1 whose start is vector-aligned in
// dst's address space, and whole aligned vectors stream from it. The extra
// L1 store and load per vector cost nothing next to DRAM (K7 D4 f32, 256 MiB,
// AVX-512: plain stores 0.74x memset, staged NT stores ~1.5x). Writes slices
// [s0, s1) as far as whole tiles fit (fits(s), as in ApplyTiles); returns
// the first slice not written.
template <class D, class Fits, class V = hn::Vec<D>>
HWY_NOINLINE uint64_t ApplyTilesStaged(D d, hn::TFromD<D>* HWY_RESTRICT out,
                                       const hn::TFromD<D>* HWY_RESTRICT in, uint64_t s0,
                                       uint64_t s1, uint64_t out_per_slice, uint64_t in_per_slice,
                                       const Fits& fits, const TileState& ts, V base) {
  using T = hn::TFromD<D>;
  const size_t N = hn::Lanes(d);
  constexpr size_t kCap = kStageBytes / sizeof(T);  // lanes; a multiple of N
  HWY_ALIGN T stage[kCap + 2 * hn::MaxLanes(D())];
  const uint64_t m = ts.slices;
  const uint64_t tile_lanes = m * out_per_slice, tile_written = uint64_t{ts.vectors} * N;
  // stage[i] is dst[written + i - skip]: the stage starts vector-aligned in
  // dst's address space, and its first `skip` lanes (before this range,
  // until the first flush) are never written out.
  T* HWY_RESTRICT dst = out + s0 * out_per_slice;
  const uint64_t phase = reinterpret_cast<uintptr_t>(dst) / sizeof(T) % N;
  uint64_t written = 0, skip = phase, pos = phase, s = s0;
  // Writes stage[skip, n) out (n a multiple of N) and moves the rest down.
  const auto flush = [&](uint64_t n) {
    uint64_t i = 0;
    if (skip != 0 && n != 0) {
      memcpy(dst, stage + skip, (N - skip) * sizeof(T));
      written = N - skip;
      skip = 0;
      i = N;
    }
    for (; i < n; i += N, written += N) hn::Stream(hn::Load(d, stage + i), d, dst + written);
    hn::Store(hn::Load(d, stage + n), d, stage);  // the < N lanes past n
    pos -= n;
  };
  for (; s < s1 && fits(s); s += m) {
    if (pos + tile_written > kCap + N) flush(pos / N * N);
    if (ts.all_taps) {
      ApplyTile<false, true>(d, stage + pos, in + s * in_per_slice, ts, base);
    } else {
      ApplyTile<false, false>(d, stage + pos, in + s * in_per_slice, ts, base);
    }
    pos += tile_lanes;
  }
  flush(pos / N * N);
  // The last < N lanes: a plain copy (the head too, if no vector was whole).
  if (pos > skip) memcpy(dst + written, stage + skip, (pos - skip) * sizeof(T));
  return s;
}

// ApplyTile with stream and all_taps as template arguments.
template <bool kZeroBase, class D, class V = hn::Vec<D>>
HWY_INLINE void ApplyTileWith(D d, bool stream, bool all_taps, hn::TFromD<D>* HWY_RESTRICT out,
                              const hn::TFromD<D>* HWY_RESTRICT in, const TileState& ts, V base) {
  if (stream && all_taps) {
    ApplyTile<true, true, kZeroBase>(d, out, in, ts, base);
  } else if (stream) {
    ApplyTile<true, false, kZeroBase>(d, out, in, ts, base);
  } else if (all_taps) {
    ApplyTile<false, true, kZeroBase>(d, out, in, ts, base);
  } else {
    ApplyTile<false, false, kZeroBase>(d, out, in, ts, base);
  }
}

// Outer slices [s0, s1) of the output; in_bytes is the whole input tensor.
// kColumns: whether column order (TileState::columns) is compiled in; a
// contract never takes it, and with it compiled into the contract AVX2 u8 /
// u16 K5 D3 at 256 KiB took 1.20 / 1.31 of the time (same-process A/B).
template <bool kColumns = true, class D, class V = hn::Vec<D>>
HWY_INLINE void ApplyTiles(D d, uint8_t* out_bytes, const uint8_t* in_bytes, uint64_t in_size,
                           uint64_t s0, uint64_t s1, const TileState& ts, V base) {
  using T = hn::TFromD<D>;
  const size_t N = hn::Lanes(d);
  T* out = reinterpret_cast<T*>(out_bytes);
  const T* in = reinterpret_cast<const T*>(in_bytes);
  const uint64_t in_total = in_size / sizeof(T);
  const uint64_t m = ts.slices;
  const uint64_t out_per_slice = ts.out_lanes / m, in_per_slice = ts.in_lanes / m;
  const uint64_t out_end = s1 * out_per_slice;
  const bool stream = ts.stream != 0 && ts.out_lanes % N == 0 &&
                      reinterpret_cast<uintptr_t>(out) % (N * sizeof(T)) == 0;
  const bool all_taps = ts.all_taps != 0;
  bool zero_base = false;  // see PermuteZeroesOther
  if constexpr (PermuteZeroesOther(D())) zero_base = hn::AllTrue(d, hn::Eq(base, hn::Zero(d)));
  // Whether the tile at slice s lies inside the range and its windows inside
  // the input; a tile that fits is preceded by tiles that fit.
  const auto fits = [&](uint64_t s) {
    return s * out_per_slice + ts.vectors * N <= out_end &&
           s * in_per_slice + ts.max_read_end <= in_total;
  };
  if (ts.stream != 0 && !stream && CanStage(d, out, ts)) {
    s0 = ApplyTilesStaged(d, out, in, s0, s1, out_per_slice, in_per_slice, fits, ts, base);
  }
  if constexpr (VectorPairs(D())) {
    if (ts.pair_entries == 2 && ts.vectors == kPairTwoRegVectors && !stream) {
      uint64_t tiles = 0;
      while (s0 + (tiles + 1) * m <= s1 && fits(s0 + tiles * m)) ++tiles;
      if (tiles != 0) {
        ApplyPairTwoTilesInRegisters(d, out + s0 * out_per_slice, in + s0 * in_per_slice,
                                     m * out_per_slice, m * in_per_slice, tiles, ts, base);
        s0 += tiles * m;
      }
    }
    if (ts.vector_pairs && ts.vectors == kPairRegVectors && ts.out_lanes % N == 0) {
      uint64_t tiles = 0;
      while (s0 + (tiles + 1) * m <= s1 && fits(s0 + tiles * m)) ++tiles;
      if (tiles != 0) {
        T* o = out + s0 * out_per_slice;
        const T* i = in + s0 * in_per_slice;
        const size_t os = m * out_per_slice, is = m * in_per_slice;
        // K3 D2 tiles first by their constant moves (see K3D2PairMoves).
        constexpr uint32_t kK3D2 = K3D2PairMoves(hn::MaxLanes(D()));
        const auto apply = [&](auto streaming) HWY_ATTR DILATE_INLINE_LAMBDA {
          constexpr bool kS = decltype(streaming)::value;
          if (!all_taps) {
            return ApplyPairTilesInRegisters<kS, false>(d, o, i, os, is, tiles, ts, base);
          }
          return ApplyPairTilesInRegisters<kS, true, kK3D2>(d, o, i, os, is, tiles, ts, base) ||
                 ApplyPairTilesInRegisters<kS, true>(d, o, i, os, is, tiles, ts, base);
        };
        const bool done = stream ? apply(std::true_type()) : apply(std::false_type());
        if (done) s0 += tiles * m;
      }
    }
  }
  for (uint64_t s = s0; s < s1;) {
    if (kColumns && ts.one_per_vector && ts.columns && !ts.vector_pairs && !ts.masks) {
      // Column order over groups of kColumnTiles whole tiles.
      constexpr uint64_t kColumnTiles = 8;
      uint64_t n = 0;
      while (n < kColumnTiles && s + n * m < s1 && fits(s + n * m)) ++n;
      if (n > 1) {
        T* const o = out + s * out_per_slice;
        const T* const i = in + s * in_per_slice;
        const size_t os = m * out_per_slice, is = m * in_per_slice;
        bool done = false;
        if constexpr (NarrowWindows(D())) {
          if (ts.narrow) {
            if (zero_base) {
              ApplyTileColumns<true, true>(d, o, i, os, is, n, ts, base);
            } else {
              ApplyTileColumns<false, true>(d, o, i, os, is, n, ts, base);
            }
            done = true;
          }
        }
        if (!done) ApplyTileColumns(d, o, i, os, is, n, ts, base);
        s += n * m;
        continue;
      }
    }
    const uint64_t obase = s * out_per_slice, ibase = s * in_per_slice;
    const bool whole = fits(s);
    s += m;
    if (whole) {
      if constexpr (PermuteZeroesOther(D())) {
        if (zero_base) {
          ApplyTileWith<true>(d, stream, all_taps, out + obase, in + ibase, ts, base);
          continue;
        }
      }
      ApplyTileWith<false>(d, stream, all_taps, out + obase, in + ibase, ts, base);
    } else {
      ApplyTileBounded(d, out + obase, out_end - obase, in, ibase, in_total, ts, base);
    }
  }
}

// Lane size and count of tile mode for groups of `group` bytes.
HWY_INLINE void TileShapeFor(uint64_t group, uint32_t* lane_bytes, uint32_t* lanes) {
  WithShuffleTag(ShuffleLaneBytes(group), [&](auto d) {
    *lane_bytes = sizeof(hn::TFromD<decltype(d)>);
    *lanes = static_cast<uint32_t>(hn::Lanes(d));
  });
}

// Calls f(std::integral_constant<size_t, R>()) for R in 1..kMax (past kMax:
// kMax; kMax 8 to 12): the vector count of a plane of the vector loops of
// small kernels (kMaxSquareVectors, kMaxSquareKernelVectors), as a
// constant, so that the plane's vectors and indices stay in registers.
template <size_t kMax = kMaxSquareVectors, class F>
HWY_INLINE void WithPlaneVectors(size_t R, F&& f) {
  static_assert(kMax >= 8 && kMax <= 12, "cases 1-12");
  const auto up_to = [&](auto r) HWY_ATTR DILATE_INLINE_LAMBDA {
    constexpr size_t kR = decltype(r)::value;
    f(std::integral_constant<size_t, (kR < kMax ? kR : kMax)>());
  };
  switch (R) {
    case 1:
      return up_to(std::integral_constant<size_t, 1>());
    case 2:
      return up_to(std::integral_constant<size_t, 2>());
    case 3:
      return up_to(std::integral_constant<size_t, 3>());
    case 4:
      return up_to(std::integral_constant<size_t, 4>());
    case 5:
      return up_to(std::integral_constant<size_t, 5>());
    case 6:
      return up_to(std::integral_constant<size_t, 6>());
    case 7:
      return up_to(std::integral_constant<size_t, 7>());
    case 8:
      return up_to(std::integral_constant<size_t, 8>());
    case 9:
      return up_to(std::integral_constant<size_t, 9>());
    case 10:
      return up_to(std::integral_constant<size_t, 10>());
    case 11:
      return up_to(std::integral_constant<size_t, 11>());
    default:
      return up_to(std::integral_constant<size_t, 12>());
  }
}

// The kernel tables' entries (ExpandKernels, ContractKernels) are called
// from code compiled for the baseline (lib/driver.cc, lib/api.cc), whose
// SSE instructions pay for 256- and 512-bit register halves left dirty:
// CleanExit<&F>::Call runs F and then clears them (VZEROUPPER). GCC does
// so itself at the end of most functions that use those registers, but not
// after a call to a function taking a vector by value (SquarePlanes,
// ApplyTileBounded, ...): Prepare, ExpandSquarePlanes and the tail calls
// to ExpandPlanes returned dirty. On the Intel Xeon VM the next baseline
// code and the next vector instruction then stalled, ~150-200 ns a call
// (best of 21 loops, one-shot f32 3-D K3 D2 at 4 KB 341 -> 165 ns, OHWI
// inner 3 K3 D2 270 -> 110 ns). tests/upper_state_test.cc checks every
// entry.
template <auto F>
struct CleanExit;
template <typename R, typename... A, R (*F)(A...)>
struct CleanExit<F> {
  static R Call(A... a) {
    struct ZeroUpper {
      HWY_INLINE ~ZeroUpper() {
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX2
        _mm256_zeroupper();
#endif
      }
    } zero_upper;
    return F(a...);
  }
};

// NOLINTNEXTLINE(google-readability-namespace-comments)
}  // namespace HWY_NAMESPACE
}  // namespace dilate
HWY_AFTER_NAMESPACE();

#endif  // DILATE_LIB_SIMD_INL_H_
