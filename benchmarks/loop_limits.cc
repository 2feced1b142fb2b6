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
// input vector loaded once, stored without a permute). DRAM-sized (256 MiB):
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

// The library's vector-pair loop (ApplyTile, lib/simd-inl.h): the pair of
// input vectors moves on where a vector's offset does, each output vector
// is a two-table permute by its index, whose sign bits pick the fill.
AVX512 void PairLoop(float* dst, const float* src, const uint32_t* pair_offset, const int* index2s,
                     size_t vectors) {
  const __m512i fill = _mm512_setzero_si512();
  for (size_t t = 0; t < vectors / 25; ++t) {
    const float* in = src + t * 144;
    float* out = dst + t * 400;
    uint32_t at = 0;
    __m512i lo = _mm512_load_si512(in), hi = _mm512_load_si512(in + 16);
#pragma GCC unroll 4  // as the library
    for (size_t e = 0; e < 25; ++e) {
      if (pair_offset[e] != at) {
        at = pair_offset[e];
        lo = hi;
        hi = _mm512_load_si512(in + at + 16);
      }
      __m512i idx = _mm512_load_si512(index2s + e * 16);
      __asm__("" : "+v"(idx));  // one load of idx, as in the library
      const __mmask16 is_fill = _mm512_movepi32_mask(idx);
      _mm512_storeu_si512(out + e * 16, _mm512_mask_blend_epi32(
                                            is_fill, _mm512_permutex2var_epi32(lo, idx, hi), fill));
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
    const double rr =
        MedianNs([&] { TileRegisters(dst, src, offset, index2, masks, whole); }, 200, 9);
    const double r2 =
        MedianNs([&] { TileTwoLoads(dst, src, offset, index2, masks, whole); }, 200, 9);
    const double pl = MedianNs([&] { PairLoop(dst, src, pair_offset, index2s, whole); }, 200, 9);
    const double mo = MedianNs([&] { MoveOnly(dst, src, whole); }, 200, 9);
    printf("256 KiB dst: memset %.0f ns (%.0f GB/s); x memset: stores %.2f, load+store %.2f, "
           "load+vpermt2d+store %.2f\n", m, bytes / m, m / s, m / l, m / p);
    printf("256 KiB dst, tile offsets, x memset: aligned load+store %.2f, unaligned load+store "
           "%.2f; index in a register: aligned load+vpermt2d+store %.2f, unaligned %.2f\n",
           mw / ta, mw / tu, mw / pa, mw / pu);
    printf(
        "256 KiB dst, x memset: two-table permute of the aligned vector pair holding each "
        "window: the library's pair loop %.2f, schedule unrolled at compile time %.2f, pair "
        "loaded per output vector %.2f; each input vector loaded once and stored without a "
        "permute or table (the data movement alone) %.2f\n",
        mw / pl, mw / rr, mw / r2, mw / mo);
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
