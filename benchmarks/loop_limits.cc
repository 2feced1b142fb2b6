// loop_limits: what the shapes of libdilate's inner loops can reach on this
// CPU, timed against memset in the same process (x86-64 with AVX-512 only).
// docs/benchmarks.md ("Why the targets are missed") quotes its output.
//
//   build/bench/benchmarks/loop_limits
//
// L2-sized (256 KiB dst; src of 36 % of it, as K3 D2 f32 reads, also in L2):
// plain 64-byte stores; one load per store, aligned or not (src offsets
// of a 16-kernel K3 D2 tile, or those rounded down to a vector); the same
// with a vpermt2d whose index stays in a register (tile columns: one
// index per column); load + vpermt2d + store with the index loaded per
// vector, the tile-order expand loop; the vector-pair loop the library runs
// on AVX-512 (each input vector loaded once, a two-table permute per output
// vector), the same with its schedule unrolled at compile time (a bound), and
// with the pair loaded per output vector; and the data movement alone (each
// input vector loaded once, stored without a permute). What each step of a
// pair-loop vector costs (the fill by a masked permute instead of a blend,
// the permute alone, a one-table vpermd), the tile unrolled with its 25
// indices held in registers (no index load per vector), and expand-load
// (vpexpandd from memory, or from a window in a register: a mask per
// vector, no index, no permute). The same K3 D2 tile
// on AVX2 (the data movement alone; the tile loop with its index loaded per
// vector or held in a register, as by columns; vector pairs; with the index
// in a register, the window rounded down to an aligned vector, a 16-byte
// window, and that without the blend of the fill); plain stores and the
// pair loop with dst 4 bytes off a line (every store spans two lines), the
// pair loop with a prefetchw of dst ahead, or with its results realigned by
// a second permute to aligned stores; and
// contract K3 D2 f32 against memcpy (the data movement alone; vpcompressd; pair
// permutes with a fixed schedule). At 4 MiB (past L2): memset, plain and
// non-temporal stores, and K3 D2's data movement. DRAM-sized (256 MiB):
// non-temporal stores alone, and with a sequential read stream of 36 % of
// the written bytes (what K3 D2 reads from src); then what the written data
// does to DRAM speed (memset of zero vs of 0xA5, non-temporal stores of
// zero lines, of lines with one non-zero lane, of non-zero lines). Last, the
// cost of starting and joining one std::thread (what num_threads pays per
// call).
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

namespace {

#define AVX512 __attribute__((target("avx512f,avx512dq")))

AVX512 void Stores(float* dst, size_t vectors) {
  const __m512i z = _mm512_setzero_si512();
  for (size_t k = 0; k < vectors; ++k) _mm512_storeu_si512(dst + k * 16, z);
}

AVX512 void LoadStore(float* dst, const float* src, size_t vectors) {
  for (size_t k = 0; k < vectors; ++k) {
    _mm512_storeu_si512(dst + k * 16, _mm512_load_si512(src + ((k * 6) & ~size_t{15})));
  }
}

// One load (at a 16-kernel K3 D2 tile's window offsets, or those rounded
// down to a whole vector) and one store per output vector, in tile order;
// with `permute`, a vpermt2d by an index that stays in a register.
template <bool kAligned, bool kPermute>
AVX512 void TileShape(float* dst, const float* src, const uint32_t* offset, const int* index,
                      size_t vectors) {
  const __m512i fill = _mm512_setzero_si512(), idx = _mm512_load_si512(index);
  for (size_t t = 0; t < vectors / 25; ++t) {
    const float* in = src + t * 144;
    float* out = dst + t * 400;
    for (size_t e = 0; e < 25; ++e) {
      __m512i w = kAligned ? _mm512_load_si512(in + (offset[e] & ~15u))
                           : _mm512_loadu_si512(in + offset[e]);
      if (kPermute) w = _mm512_permutex2var_epi32(w, idx, fill);
      _mm512_storeu_si512(out + e * 16, w);
    }
  }
}

// Expand-load (the mask tiles' loop, MaskExpand in lib/simd-inl.h): each
// output vector VPEXPANDD of the window at its first tap under the lane mask
// of its taps; kMemory: the memory form, else of a loaded register.
template <bool kMemory>
AVX512 void TileExpand(float* dst, const float* src, const uint32_t* offset,
                       const uint16_t* tap_masks, size_t vectors) {
  for (size_t t = 0; t < vectors / 25; ++t) {
    const float* in = src + t * 144;
    float* out = dst + t * 400;
    for (size_t e = 0; e < 25; ++e) {
      __m512i r;
      if (kMemory) {
        r = _mm512_maskz_expandloadu_epi32(tap_masks[e], in + offset[e]);
      } else {
        __m512i w = _mm512_loadu_si512(in + offset[e]);
        __asm__("" : "+v"(w));  // keeps the load out of VPEXPANDD
        r = _mm512_maskz_expand_epi32(tap_masks[e], w);
      }
      _mm512_storeu_si512(out + e * 16, r);
    }
  }
}

// The tile's 9 input vectors loaded once (aligned), each output vector a
// two-table permute of the two input vectors its window spans, the holes
// zeroed by a mask: index and mask loaded per vector from L1 tables.
AVX512 void TileRegisters(float* dst, const float* src, const uint32_t* offset, const int* index2,
                          const uint16_t* masks, size_t vectors) {
  for (size_t t = 0; t < vectors / 25; ++t) {
    const float* in = src + t * 144;
    float* out = dst + t * 400;
    __m512i v[10];
    for (int i = 0; i < 9; ++i) v[i] = _mm512_load_si512(in + i * 16);
    v[9] = v[8];
#pragma GCC unroll 25
    for (size_t e = 0; e < 25; ++e) {
      const size_t a = e * 144 / 25 / 16;  // offset[e] / 16, a constant once unrolled
      const __m512i idx = _mm512_load_si512(index2 + e * 16);
      _mm512_storeu_si512(out + e * 16,
                          _mm512_maskz_permutex2var_epi32(masks[e], v[a], idx, v[a + 1]));
    }
  }
}

// As TileRegisters, from runtime tables: each output vector loads the two
// aligned input vectors its window spans (no load crosses a cache line).
AVX512 void TileTwoLoads(float* dst, const float* src, const uint32_t* offset, const int* index2,
                         const uint16_t* masks, size_t vectors) {
  for (size_t t = 0; t < vectors / 25; ++t) {
    const float* in = src + t * 144;
    float* out = dst + t * 400;
    for (size_t e = 0; e < 25; ++e) {
      const float* a = in + (offset[e] & ~15u);
      const __m512i idx = _mm512_load_si512(index2 + e * 16);
      _mm512_storeu_si512(out + e * 16,
                          _mm512_maskz_permutex2var_epi32(masks[e], _mm512_load_si512(a), idx,
                                                          _mm512_load_si512(a + 16)));
    }
  }
}

// The library's vector-pair loop (ApplyTile, lib/simd-inl.h), kMode 0: the
// pair of input vectors moves on where a vector's offset does, each output
// vector is a two-table permute by its index, whose sign bits pick the fill.
// Its variants price each step of a vector: kMode 1, the fill by a
// zero-masked permute (no blend); 2, the permute alone (no mask: the holes
// are wrong); 3, a one-table vpermd of lo alone (wrong too). kMode 4 and 5
// add a prefetchw of dst 1 and 4 KiB ahead per vector; 6 realigns each result
// by a lane with a second two-table permute and stores aligned.
template <int kMode>
__attribute__((target("avx512f,avx512dq,prfchw"))) void PairLoop(float* dst, const float* src,
                                                                 const uint32_t* pair_offset,
                                                                 const int* index2s,
                                                                 size_t vectors) {
  const __m512i fill = _mm512_setzero_si512();
  __m512i prev = fill;
  for (size_t t = 0; t < vectors / 25; ++t) {
    const float* in = src + t * 144;
    float* out = dst + t * 400;
    uint32_t at = 0;
    __m512i lo = _mm512_load_si512(in), hi = _mm512_load_si512(in + 16);
#pragma GCC unroll 4
    for (size_t e = 0; e < 25; ++e) {
      if (pair_offset[e] != at) {
        at = pair_offset[e];
        lo = hi;
        hi = _mm512_load_si512(in + at + 16);
      }
      __m512i idx = _mm512_load_si512(index2s + e * 16);
      __asm__("" : "+v"(idx));
      __m512i r;
      if (kMode == 0 || kMode >= 4) {
        const __mmask16 is_fill = _mm512_movepi32_mask(idx);
        r = _mm512_mask_blend_epi32(is_fill, _mm512_permutex2var_epi32(lo, idx, hi), fill);
      } else if (kMode == 1) {
        r = _mm512_maskz_permutex2var_epi32(static_cast<__mmask16>(~_mm512_movepi32_mask(idx)), lo,
                                            idx, hi);
      } else if (kMode == 2) {
        r = _mm512_permutex2var_epi32(lo, idx, hi);
      } else {
        r = _mm512_permutexvar_epi32(idx, lo);
      }
      if (kMode == 4 || kMode == 5)
        __builtin_prefetch(out + e * 16 + (kMode == 4 ? 256 : 1024), 1, 3);
      if (kMode == 6) {  // realigned: lane 15 of prev and lanes 0-14 of r, stored aligned
        const __m512i shift =
            _mm512_set_epi32(30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15);
        const __m512i a = _mm512_permutex2var_epi32(prev, shift, r);
        prev = r;
        _mm512_store_si512(out + e * 16, a);
        continue;
      }
      _mm512_storeu_si512(out + e * 16, r);
    }
  }
}

// The unrolled tile with all 25 indices held in registers across tiles (no
// index load per vector): whether the index load is what the pair loop
// pays for.
AVX512 void TileIndexRegs(float* dst, const float* src, const int* index2s, size_t vectors) {
  __m512i idx[25];
#pragma GCC unroll 25
  for (int e = 0; e < 25; ++e) idx[e] = _mm512_load_si512(index2s + e * 16);
  for (size_t t = 0; t < vectors / 25; ++t) {
    const float* in = src + t * 144;
    float* out = dst + t * 400;
    __m512i v[10];
#pragma GCC unroll 9
    for (int i = 0; i < 9; ++i) v[i] = _mm512_load_si512(in + i * 16);
    v[9] = v[8];
#pragma GCC unroll 25
    for (size_t e = 0; e < 25; ++e) {
      const size_t a = e * 144 / 25 / 16;
      _mm512_storeu_si512(out + e * 16,
                          _mm512_maskz_permutex2var_epi32(
                              static_cast<__mmask16>(~_mm512_movepi32_mask(idx[e])), v[a], idx[e],
                              v[a + 1]));
    }
  }
}

// The data movement any K3 D2 f32 expand must do, and nothing else: each
// of a tile's 9 input vectors loaded once, 25 output vectors stored (each
// the last vector loaded: no permute, no table). A bound on the pair loop.
AVX512 void MoveOnly(float* dst, const float* src, size_t vectors) {
  for (size_t t = 0; t < vectors / 25; ++t) {
    const float* in = src + t * 144;
    float* out = dst + t * 400;
    __m512i v = _mm512_load_si512(in);
#pragma GCC unroll 25
    for (size_t e = 0; e < 25; ++e) {
      if (e != 0 && e * 9 / 25 != (e - 1) * 9 / 25) v = _mm512_load_si512(in + e * 9 / 25 * 16);
      _mm512_storeu_si512(out + e * 16, v);
    }
  }
}

// 25 table entries, as a 16-kernel tile of 3x3 dilation 2 (f32) has.
AVX512 void Permute(float* dst, const float* src, const int* index, const uint32_t* offset,
                    size_t vectors) {
  const __m512i fill = _mm512_setzero_si512();
  size_t e = 0, base = 0;
  for (size_t k = 0; k < vectors; ++k) {
    const __m512i w = _mm512_loadu_si512(src + base + offset[e]);
    const __m512i i = _mm512_load_si512(index + e * 16);
    _mm512_storeu_si512(dst + k * 16, _mm512_permutex2var_epi32(w, i, fill));
    if (++e == 25) {
      e = 0;
      base += 144;
    }
  }
}

#define AVX2 __attribute__((target("avx2")))

// AVX2, a K3 D2 f32 tile of 16 kernels: 50 output vectors of 8 lanes from
// 18 input vectors. The data movement alone (each input vector loaded once).
AVX2 void MoveOnly256(float* dst, const float* src, size_t vectors) {
  for (size_t t = 0; t < vectors / 50; ++t) {
    const float* in = src + t * 144;
    float* out = dst + t * 400;
    __m256i x = _mm256_load_si256(reinterpret_cast<const __m256i*>(in));
#pragma GCC unroll 50
    for (size_t e = 0; e < 50; ++e) {
      if (e != 0 && e * 18 / 50 != (e - 1) * 18 / 50) {
        x = _mm256_load_si256(reinterpret_cast<const __m256i*>(in + e * 18 / 50 * 8));
      }
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + e * 8), x);
    }
  }
}

// The AVX2 tile loop's shape: the window at each vector's offset, a vpermd by
// its index and a blendv of the fill by the index's sign. kIdxLoad: the
// index loaded per vector (tile order) or held in a register (columns).
// kNarrow: a 16-byte window (the vpermd reads lanes 0-3 only), fewer loads
// crossing a cache line, for vectors whose taps span <= 4 lanes. kBlend:
// false leaves out the blend of the fill.
template <bool kIdxLoad, bool kNarrow = false, bool kBlend = true>
AVX2 void Window256(float* dst, const float* src, const uint32_t* off, const int* idx,
                    size_t vectors) {
  const __m256 fill = _mm256_setzero_ps();
  const __m256i i0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(idx));
  for (size_t t = 0; t < vectors / 50; ++t) {
    const float* in = src + t * 144;
    float* out = dst + t * 400;
#pragma GCC unroll 4
    for (size_t e = 0; e < 50; ++e) {
      const __m256i i =
          kIdxLoad ? _mm256_load_si256(reinterpret_cast<const __m256i*>(idx + e * 8)) : i0;
      const __m256 w = kNarrow ? _mm256_castps128_ps256(_mm_loadu_ps(in + off[e]))
                               : _mm256_loadu_ps(in + off[e]);
      const __m256 p = _mm256_permutevar8x32_ps(w, i);
      _mm256_storeu_ps(out + e * 8, kBlend ? _mm256_blendv_ps(p, fill, _mm256_castsi256_ps(i)) : p);
    }
  }
}

// AVX2 vector pairs: two vpermd (one per vector of the pair), a blendv by
// bit 3 of the index and one of the fill by its sign.
AVX2 void Pair256(float* dst, const float* src, const uint32_t* pair_off, const int* idx2,
                  size_t vectors) {
  const __m256 fill = _mm256_setzero_ps();
  for (size_t t = 0; t < vectors / 50; ++t) {
    const float* in = src + t * 144;
    float* out = dst + t * 400;
    uint32_t at = 0;
    __m256 lo = _mm256_load_ps(in), hi = _mm256_load_ps(in + 8);
#pragma GCC unroll 4
    for (size_t e = 0; e < 50; ++e) {
      if (pair_off[e] != at) {
        at = pair_off[e];
        lo = hi;
        hi = _mm256_load_ps(in + at + 8);
      }
      const __m256i i = _mm256_load_si256(reinterpret_cast<const __m256i*>(idx2 + e * 8));
      const __m256 a = _mm256_permutevar8x32_ps(lo, i), b = _mm256_permutevar8x32_ps(hi, i);
      const __m256 p = _mm256_blendv_ps(a, b, _mm256_castsi256_ps(_mm256_slli_epi32(i, 28)));
      _mm256_storeu_ps(out + e * 8, _mm256_blendv_ps(p, fill, _mm256_castsi256_ps(i)));
    }
  }
}

#define AVX512VL __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl")))

// Contract K3 D2 f32, a tile of 16 kernels: 25 input vectors (400 lanes of
// the expanded tensor), 9 output vectors (144 taps). The data movement
// alone: 25 loads, 9 stores (each the OR of the loads before it).
AVX512 void ContractMoveOnly(float* out, const float* in, size_t tiles) {
  for (size_t t = 0; t < tiles; ++t) {
    const float* i = in + t * 400;
    float* o = out + t * 144;
    __m512i acc = _mm512_setzero_si512();
#pragma GCC unroll 25
    for (int j = 0; j < 25; ++j) {
      acc = _mm512_or_si512(acc, _mm512_load_si512(i + j * 16));
      if (j * 9 / 25 != (j + 1) * 9 / 25) {
        _mm512_storeu_si512(o + j * 9 / 25 * 16, acc);
        acc = _mm512_setzero_si512();
      }
    }
  }
}

// Contract by vpcompressd: each input vector's taps compressed to its low
// lanes and stored under a mask at their place in the output.
AVX512VL void ContractCompress(float* out, const float* in, size_t tiles, const uint16_t* mask,
                               const uint16_t* store_mask, const uint32_t* pos) {
  for (size_t t = 0; t < tiles; ++t) {
    const float* i = in + t * 400;
    float* o = out + t * 144;
#pragma GCC unroll 5
    for (int j = 0; j < 25; ++j) {
      const __m512 v = _mm512_maskz_compress_ps(mask[j], _mm512_load_ps(i + j * 16));
      _mm512_mask_storeu_ps(o + pos[j], store_mask[j], v);
    }
  }
}

// Contract by pairs, schedule fixed at compile time: each output vector two
// two-table permutes of two aligned pairs, the second merged by its sign
// mask (what the library's pair entries do, without their offset table).
AVX512 void ContractPairs(float* out, const float* in, size_t tiles, const int* idx) {
  for (size_t t = 0; t < tiles; ++t) {
    const float* i = in + t * 400;
    float* o = out + t * 144;
#pragma GCC unroll 9
    for (int k = 0; k < 9; ++k) {
      const int a = k * 25 / 9;
      __m512i i0 = _mm512_load_si512(idx + 2 * k * 16),
              i1 = _mm512_load_si512(idx + (2 * k + 1) * 16);
      __asm__("" : "+v"(i0));
      __asm__("" : "+v"(i1));
      const float* p = i + a * 16;
      const __m512i v0 = _mm512_load_si512(p), v1 = _mm512_load_si512(p + 16);
      const __m512i v2 = _mm512_load_si512(p + 32);
      const __m512i v3 = _mm512_load_si512(a + 3 < 25 ? p + 48 : p + 32);
      __m512i r = _mm512_maskz_mov_epi32(static_cast<__mmask16>(~_mm512_movepi32_mask(i0)),
                                         _mm512_permutex2var_epi32(v0, i0, v1));
      r = _mm512_mask_blend_epi32(_mm512_movepi32_mask(i1), _mm512_permutex2var_epi32(v2, i1, v3),
                                  r);
      _mm512_storeu_si512(o + k * 16, r);
    }
  }
}

AVX512 void StreamStores(float* dst, size_t vectors) {
  const __m512i z = _mm512_setzero_si512();
  for (size_t k = 0; k < vectors; ++k) _mm512_stream_si512(reinterpret_cast<__m512i*>(dst + k * 16), z);
  _mm_sfence();
}

AVX512 void StreamWithReads(float* dst, const float* src, size_t vectors) {
  for (size_t k = 0; k < vectors; ++k) {
    _mm512_stream_si512(reinterpret_cast<__m512i*>(dst + k * 16),
                        _mm512_loadu_si512(src + (k * 9 / 25) * 16));
  }
  _mm_sfence();
}

AVX512 void StreamValue(float* dst, size_t vectors, int lane0, int others) {
  const __m512i v = _mm512_mask_set1_epi32(_mm512_set1_epi32(others), 1, lane0);
  for (size_t k = 0; k < vectors; ++k) _mm512_stream_si512(reinterpret_cast<__m512i*>(dst + k * 16), v);
  _mm_sfence();
}

template <class F>
double MedianNs(F f, int reps, int rounds) {
  std::vector<double> t;
  for (int r = 0; r < rounds; ++r) {
    const auto a = std::chrono::steady_clock::now();
    for (int i = 0; i < reps; ++i) {
      f();
      __asm__ volatile("" ::: "memory");
    }
    const auto b = std::chrono::steady_clock::now();
    t.push_back(std::chrono::duration<double, std::nano>(b - a).count() / reps);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

int main() {
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512dq")) {
    printf("loop_limits: needs AVX-512F\n");
    return 0;
  }
  {
    const size_t bytes = 256 << 10, vectors = bytes / 64;
    float* dst = static_cast<float*>(aligned_alloc(64, bytes));
    float* src = static_cast<float*>(aligned_alloc(64, bytes + 128));
    memset(src, 1, bytes + 128);  // TileShape reads 36 % of it
    alignas(64) static int index[25 * 16];
    uint32_t offset[25];
    for (int e = 0; e < 25; ++e) {
      offset[e] = static_cast<uint32_t>(e * 144 / 25);
      for (int k = 0; k < 16; ++k) {
        index[e * 16 + k] = k % 3 == 0 ? k / 3 : static_cast<int>(0x80000000u | (16 + k));
      }
    }
    alignas(64) static int index2[25 * 16];
    uint16_t masks[25];
    for (int e = 0; e < 25; ++e) {
      masks[e] = 0;
      for (int k = 0; k < 16; ++k) {
        const int w = index[e * 16 + k];
        index2[e * 16 + k] = w < 0 ? 0 : static_cast<int>(offset[e] % 16) + w;
        if (w >= 0) masks[e] = static_cast<uint16_t>(masks[e] | (1u << k));
      }
    }
    alignas(64) static int index2s[25 * 16];  // index2, the fill lanes' sign bits set
    uint32_t pair_offset[25];
    for (int e = 0; e < 25; ++e) {
      pair_offset[e] = offset[e] & ~15u;
      for (int k = 0; k < 16; ++k) {
        index2s[e * 16 + k] = index[e * 16 + k] < 0 ? index[e * 16 + k] : index2[e * 16 + k];
      }
    }
    const double m = MedianNs([&] { memset(dst, 0, bytes); }, 200, 9);
    const double s = MedianNs([&] { Stores(dst, vectors); }, 200, 9);
    const double l = MedianNs([&] { LoadStore(dst, src, vectors); }, 200, 9);
    const double p = MedianNs([&] { Permute(dst, src, index, offset, vectors); }, 200, 9);
    const size_t whole = vectors / 25 * 25;  // TileShape writes whole tiles
    const double mw = MedianNs([&] { memset(dst, 0, whole * 64); }, 200, 9);
    const double ta = MedianNs([&] { TileShape<true, false>(dst, src, offset, index, whole); }, 200, 9);
    const double tu = MedianNs([&] { TileShape<false, false>(dst, src, offset, index, whole); }, 200, 9);
    const double pa = MedianNs([&] { TileShape<true, true>(dst, src, offset, index, whole); }, 200, 9);
    const double pu = MedianNs([&] { TileShape<false, true>(dst, src, offset, index, whole); }, 200, 9);
    uint16_t tap_masks[25];
    for (int e = 0; e < 25; ++e) {
      tap_masks[e] = 0;
      for (int k = 0; k < 16; ++k) {
        if (index[e * 16 + k] >= 0) tap_masks[e] = static_cast<uint16_t>(tap_masks[e] | (1u << k));
      }
    }
    const double er =
        MedianNs([&] { TileExpand<false>(dst, src, offset, tap_masks, whole); }, 200, 9);
    const double em =
        MedianNs([&] { TileExpand<true>(dst, src, offset, tap_masks, whole); }, 200, 9);
    const double rr =
        MedianNs([&] { TileRegisters(dst, src, offset, index2, masks, whole); }, 200, 9);
    const double r2 =
        MedianNs([&] { TileTwoLoads(dst, src, offset, index2, masks, whole); }, 200, 9);
    const double pl = MedianNs([&] { PairLoop<0>(dst, src, pair_offset, index2s, whole); }, 200, 9);
    const double mo = MedianNs([&] { MoveOnly(dst, src, whole); }, 200, 9);
    // dst 4 bytes past a line: every 64-byte store spans two lines (a tile
    // that does not start on a vector).
    const double sm = MedianNs([&] { Stores(dst + 1, vectors - 1); }, 200, 9);
    const double plm =
        MedianNs([&] { PairLoop<0>(dst + 1, src, pair_offset, index2s, whole - 25); }, 200, 9);
    const double pla =
        MedianNs([&] { PairLoop<0>(dst, src, pair_offset, index2s, whole - 25); }, 200, 9);
    printf(
        "256 KiB dst, x memset, dst 4 bytes off a line (each store spans two lines): plain "
        "stores %.2f (aligned %.2f); the pair loop %.2f (aligned %.2f)\n",
        m / sm, m / s, mw / plm, mw / pla);
    printf("256 KiB dst: memset %.0f ns (%.0f GB/s); x memset: stores %.2f, load+store %.2f, "
           "load+vpermt2d+store %.2f\n", m, bytes / m, m / s, m / l, m / p);
    printf("256 KiB dst, tile offsets, x memset: aligned load+store %.2f, unaligned load+store "
           "%.2f; index in a register: aligned load+vpermt2d+store %.2f, unaligned %.2f\n",
           mw / ta, mw / tu, mw / pa, mw / pu);
    printf(
        "256 KiB dst, tile offsets, x memset: expand-load, VPEXPANDD of the window under its "
        "tap mask, of a register %.2f, from memory %.2f\n",
        mw / er, mw / em);
    printf(
        "256 KiB dst, x memset: two-table permute of the aligned vector pair holding each "
        "window: the library's pair loop %.2f, schedule unrolled at compile time %.2f, pair "
        "loaded per output vector %.2f; each input vector loaded once and stored without a "
        "permute or table (the data movement alone) %.2f\n",
        mw / pl, mw / rr, mw / r2, mw / mo);
    const double v1 = MedianNs([&] { PairLoop<1>(dst, src, pair_offset, index2s, whole); }, 200, 9);
    const double v2 = MedianNs([&] { PairLoop<2>(dst, src, pair_offset, index2s, whole); }, 200, 9);
    const double v3 = MedianNs([&] { PairLoop<3>(dst, src, pair_offset, index2s, whole); }, 200, 9);
    const double ir = MedianNs([&] { TileIndexRegs(dst, src, index2s, whole); }, 200, 9);
    const double p0 = MedianNs([&] { PairLoop<0>(dst, src, pair_offset, index2s, whole); }, 200, 9);
    const double p4 = MedianNs([&] { PairLoop<4>(dst, src, pair_offset, index2s, whole); }, 200, 9);
    const double p5 = MedianNs([&] { PairLoop<5>(dst, src, pair_offset, index2s, whole); }, 200, 9);
    const double p6 = MedianNs([&] { PairLoop<6>(dst, src, pair_offset, index2s, whole); }, 200, 9);
    printf(
        "256 KiB dst, x memset: the pair loop %.2f; with a prefetchw of dst 1 KiB ahead per "
        "vector %.2f, 4 KiB ahead %.2f; results one lane off a vector realigned by a second "
        "two-table permute to aligned stores (what a tile off a vector would pay instead of "
        "stores across lines) %.2f\n",
        mw / p0, mw / p4, mw / p5, mw / p6);
    printf("256 KiB dst, x memset, the pair loop's steps: fill by a zero-masked permute (no blend) %.2f; "
           "the permute alone (no fill) %.2f; a one-table vpermd instead %.2f; the tile unrolled with "
           "its 25 indices held in registers %.2f\n", mw / v1, mw / v2, mw / v3, mw / ir);
    free(dst);
    free(src);
  }
  if (__builtin_cpu_supports("avx2")) {
    const size_t bytes = 256 << 10, whole = bytes / 32 / 50 * 50;
    float* dst = static_cast<float*>(aligned_alloc(64, bytes));
    float* src = static_cast<float*>(aligned_alloc(64, bytes + 256));
    memset(src, 1, bytes + 256);
    alignas(32) static int idx[50 * 8], idx2[50 * 8];
    uint32_t off[50], pair_off[50];
    for (int e = 0; e < 50; ++e) {
      off[e] = static_cast<uint32_t>(e * 144 / 50);
      pair_off[e] = off[e] & ~7u;
      for (int k = 0; k < 8; ++k) {
        const bool hole = k % 2 != 0;
        idx[e * 8 + k] = hole ? static_cast<int>(0x80000000u) : k / 2;
        idx2[e * 8 + k] =
            hole ? static_cast<int>(0x80000000u) : static_cast<int>(off[e] % 8) + k / 2;
      }
    }
    const double m = MedianNs([&] { memset(dst, 0, whole * 32); }, 200, 9);
    const double mo = MedianNs([&] { MoveOnly256(dst, src, whole); }, 200, 9);
    const double wl = MedianNs([&] { Window256<true>(dst, src, off, idx, whole); }, 200, 9);
    const double wr = MedianNs([&] { Window256<false>(dst, src, off, idx, whole); }, 200, 9);
    const double pr = MedianNs([&] { Pair256(dst, src, pair_off, idx2, whole); }, 200, 9);
    const double w16 = MedianNs([&] { Window256<false, true>(dst, src, off, idx, whole); }, 200, 9);
    const double w16p =
        MedianNs([&] { Window256<false, true, false>(dst, src, off, idx, whole); }, 200, 9);
    uint32_t off_aligned[50];
    for (int e = 0; e < 50; ++e) off_aligned[e] = off[e] & ~7u;
    const double wa =
        MedianNs([&] { Window256<false>(dst, src, off_aligned, idx, whole); }, 200, 9);
    printf(
        "AVX2, 256 KiB dst (K3 D2 f32 tiles), x memset: the data movement alone %.2f; window + "
        "vpermd + blendv with the index loaded per vector (tile order) %.2f, held in a register "
        "(columns) %.2f; vector pairs (2 vpermd + 2 blendv) %.2f\n",
        m / mo, m / wl, m / wr, m / pr);
    printf(
        "AVX2, 256 KiB dst, x memset: index in a register, 32-byte window %.2f, the same "
        "window rounded down to a vector (aligned) %.2f, 16-byte window %.2f, 16-byte window "
        "without the blend of the fill %.2f\n",
        m / wr, m / wa, m / w16, m / w16p);
    free(dst);
    free(src);
  }
  {
    const size_t bytes = 256 << 10, tiles = bytes / 1600;
    float* in = static_cast<float*>(aligned_alloc(64, tiles * 1600 + 64));
    float* out = static_cast<float*>(aligned_alloc(64, tiles * 576 + 4096));
    float* copy = static_cast<float*>(aligned_alloc(64, tiles * 1600 + 64));
    memset(in, 1, tiles * 1600 + 64);
    uint16_t mask[25], store_mask[25];
    uint32_t pos[25], p = 0;
    for (int j = 0; j < 25; ++j) {
      uint16_t m = 0;
      for (int k = 0; k < 16; ++k) {
        const int e = (j * 16 + k) % 25;  // element of a 5x5 expanded kernel
        if (e / 5 % 2 == 0 && e % 5 % 2 == 0) m = static_cast<uint16_t>(m | (1u << k));
      }
      mask[j] = m;
      pos[j] = p;
      p += static_cast<uint32_t>(__builtin_popcount(m));
      store_mask[j] = static_cast<uint16_t>((1u << __builtin_popcount(m)) - 1);
    }
    alignas(64) static int pidx[18 * 16];  // any indices, every third lane "keep"
    for (int j = 0; j < 18 * 16; ++j)
      pidx[j] = j % 3 == 0 ? static_cast<int>(0x80000000u) : j * 7 % 32;
    const double mc = MedianNs([&] { memcpy(copy, in, tiles * 1600); }, 200, 9);
    const double mo = MedianNs([&] { ContractMoveOnly(out, in, tiles); }, 200, 9);
    const double cp =
        __builtin_cpu_supports("avx512vl")
            ? MedianNs([&] { ContractCompress(out, in, tiles, mask, store_mask, pos); }, 200, 9)
            : 0;
    const double pp = MedianNs([&] { ContractPairs(out, in, tiles, pidx); }, 200, 9);
    printf(
        "contract K3 D2 f32, 256 KiB read, x memcpy: the data movement alone (25 loads, 9 "
        "stores per tile) %.2f; vpcompressd + masked store per input vector %.2f; two pair "
        "permutes per output vector, schedule fixed at compile time %.2f\n",
        mc / mo, cp > 0 ? mc / cp : 0.0, mc / pp);
    free(in);
    free(out);
    free(copy);
  }
  {
    // 4 MiB dst (past the L2 of the machines measured): what memset (glibc's
    // rep stosb there) has that vector stores do not (flat in N, 4 MiB).
    const size_t bytes = size_t{4} << 20, vectors = bytes / 64, whole = vectors / 25 * 25;
    float* dst = static_cast<float*>(aligned_alloc(64, bytes));
    float* src = static_cast<float*>(aligned_alloc(64, bytes));
    memset(src, 1, bytes);
    memset(dst, 1, bytes);
    const double m = MedianNs([&] { memset(dst, 0, bytes); }, 10, 9);
    const double s = MedianNs([&] { Stores(dst, vectors); }, 10, 9);
    const double n = MedianNs([&] { StreamStores(dst, vectors); }, 10, 9);
    const double mw = MedianNs([&] { memset(dst, 0, whole * 64); }, 10, 9);
    const double mo = MedianNs([&] { MoveOnly(dst, src, whole); }, 10, 9);
    printf(
        "4 MiB dst: memset %.0f GB/s; x memset: stores %.2f, NT stores %.2f, the data "
        "movement of K3 D2 (MoveOnly) %.2f\n",
        static_cast<double>(bytes) / m, m / s, m / n, mw / mo);
    free(dst);
    free(src);
  }
  {
    const size_t bytes = size_t{256} << 20, vectors = bytes / 64;
    float* dst = static_cast<float*>(aligned_alloc(64, bytes));
    float* src = static_cast<float*>(aligned_alloc(64, bytes));
    memset(src, 1, bytes);
    memset(dst, 1, bytes);
    const double m = MedianNs([&] { memset(dst, 0, bytes); }, 1, 5);
    const double s = MedianNs([&] { StreamStores(dst, vectors); }, 1, 5);
    const double r = MedianNs([&] { StreamWithReads(dst, src, vectors); }, 1, 5);
    printf("256 MiB dst: memset %.2f ms; x memset: NT stores %.2f, NT stores + 36%% reads %.2f\n",
           m / 1e6, m / s, m / r);
    volatile int seven = 7;  // not a constant: the compiler must store it
    const double gb = static_cast<double>(bytes);
    const double m0 = MedianNs([&] { memset(dst, 0, bytes); }, 1, 5);
    const double ma = MedianNs([&] { memset(dst, 0xA5, bytes); }, 1, 5);
    const double z = MedianNs([&] { StreamValue(dst, vectors, 0, 0); }, 1, 5);
    const double one = MedianNs([&] { StreamValue(dst, vectors, seven, 0); }, 1, 5);
    const double all = MedianNs([&] { StreamValue(dst, vectors, seven, seven); }, 1, 5);
    printf("256 MiB dst, GB/s by data written: memset 0 %.1f, memset 0xA5 %.1f; NT lines of zeros "
           "%.1f, one non-zero lane %.1f, all lanes non-zero %.1f\n",
           gb / m0, gb / ma, gb / z, gb / one, gb / all);
    free(dst);
    free(src);
  }
  {
    const double t = MedianNs([] { std::thread([] {}).join(); }, 20, 9);
    printf("std::thread start + join: %.1f us\n", t / 1e3);
  }
  return 0;
}
