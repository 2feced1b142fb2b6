// dilate_bench: throughput of dilate_expand / dilate_contract against the
// physical limit (memset / memcpy measured in the same benchmark) and the
// ways people expand kernels without the library.
//
// Benchmark names are
//     <op>/<dtype>/r<rank>/K<k>/D<d>/in<inner>/<fill>/<size>/<impl>
// op     expand | contract | small (one tiny call) | threads (1 vs 2 threads)
// size   nominal dst (expanded tensor) size; the exact bytes are the
//        dst_bytes counter. N (outer) is chosen to reach it.
// impl   lib:<TARGET>  the library with dilate_set_target(TARGET)
//        plan:<TARGET> dilate_plan_expand / _contract of a plan created once
//                      under TARGET (the best one; AVX2 too on the core
//                      grid): validation and tables once, not per call
//        memset        memset of dst (expand's limit)
//        memcpy        memcpy of the expanded bytes (contract's limit)
//        move          (expand: f32 2-D core grid and inner >= 16) the data
//                      movement any expand must do and nothing else: dst
//                      written in whole vectors, each a copy of a src
//                      vector, src read once in order (non-temporal stores
//                      from 16 MiB, as the library streams). No permute, no
//                      table: what the hardware allows an expand on this
//                      machine, so the gap from lib to it is the loop's own
//                      cost
//        memset:A5     (expand, zero fill, dst >= 64 MiB) memset of dst with a
//                      non-zero byte: out of cache some machines write
//                      all-zero lines much faster than lines with data (the
//                      reference machine: 76-81 vs 28 GB/s), and an expanded
//                      kernel's lines hold taps; report divides by this too
//        naive         plain loops over the effective window, testing each
//                      position for being a tap
//        selmat        (x^T h)^T h with h = eye(L)[::D], naive f32 triple loops
//        kron          kron(x, onehot(D,D))[:L,:L] in plain C++
//        scatter       fill dst, then scatter the taps (writes dst twice)
//        inline        (small only) an inlined scalar loop doing the same work
//                      (K, D, N constants: GCC folds it to 25 stores)
//        inline:runtime (small only) the same loop with K, D, N read at run time
//        contract      (small only) dilate_contract of the expanded result back
//                      into the kernel (contract:plan: through a plan)
//        expand_2d     (small only) dilate_expand_2d(F32, N, K, D, src, dst), the
//                      one-call form of the same expand, on the best target
//        threads:<n>   (threads only) options.num_threads = n, best target:
//                      the library starts n - 1 threads for the call
//        runner:2      (threads only) options.parallel_for = a persistent
//                      two-thread pool (SpinPool below), as an inference
//                      engine that owns a thread pool would pass
//        memset:runner:2 (threads only) memset of each half of dst on the
//                      two threads of such a pool: what two threads can
//                      write at all (the ceiling for runner:2)
//
// The small call through the library (lib:*, plan:*, expand_2d) is paired
// too, with the inlined loop: batches of 200 of each in turn, the counter
// `inline_ratio` = time(call) / time(inline loop), `ns_per_call` and
// `inline_ns_per_call` per call (see RunSmallPaired); small/*/inline,
// inline:runtime and contract are timed plainly, one call an iteration.
//
// Every other benchmark is timed with manual timing and *paired*:
// each iteration first runs the limit (memset of dst for expand, memcpy of
// the expanded bytes for contract) and then the operation on the same
// buffers, so the counter `limit_ratio` = time(limit) / time(op) compares two
// measurements taken microseconds apart (robust on a shared, noisy machine).
// From 16 MiB of dst an untimed limit call comes first, so that both timed
// calls follow the limit (see kSettleBytes).
// `limit_ratio` >= 1 means at least as fast as the limit. The reported time
// is that of the operation only; bytes_per_second counts dst (expanded)
// bytes for both expand and contract.
//
// Case selection: --suite=smoke|quick|full (default quick), then the usual
// --benchmark_filter regex on the names above.
#include <benchmark/benchmark.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "dilate/dilate.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr uint64_t KiB = 1024, MiB = 1024 * KiB;

// ----------------------------------------------------------------- buffers

struct Buffer {
  uint8_t* p = nullptr;
  size_t n = 0;
  explicit Buffer(size_t bytes) : n(bytes) {
    const size_t rounded = (bytes + 2 * MiB - 1) / (2 * MiB) * (2 * MiB);
    p = static_cast<uint8_t*>(aligned_alloc(2 * MiB, rounded == 0 ? 2 * MiB : rounded));
    if (p == nullptr) abort();
#ifdef MADV_HUGEPAGE
    if (rounded >= 4 * MiB) madvise(p, rounded, MADV_HUGEPAGE);
#endif
    memset(p, 0, rounded == 0 ? 1 : rounded);  // fault every page in now
  }
  ~Buffer() { free(p); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
};

// ---------------------------------------------------- data movement bound

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// "move": dst's vectors in order, vector k a copy of src vector
// floor(k * sv / dv) (sv, dv: whole vectors of src and dst), so each src
// vector is loaded about once and dst is written once. The src index is a
// 32.32 fixed-point counter stepped by sv / dv, so vectors depend on nothing
// but one add: the counter this loop had before (add, compare, conditional
// subtract: a three-instruction chain a vector) held it to 0.62x memset at
// K3 D2's src / dst and 0.48x at K5 D4's on a Zen 5 VM in L2, where this
// reaches 0.83x and 1.06x (2026-12-07). kStream: non-temporal stores (dst
// 64-byte aligned: Buffer is).
inline uint64_t MoveStep(size_t sv, size_t dv) { return dv ? (uint64_t{sv} << 32) / dv : 0; }

#if defined(__x86_64__)
template <bool kStream>
__attribute__((target("avx512f"))) void MoveAvx512(uint8_t* dst, size_t dst_n, const uint8_t* src,
                                                   size_t src_n) {
  const size_t dv = dst_n / 64;
  const uint64_t step = MoveStep(src_n / 64, dv);
  uint64_t acc = 0;
  for (size_t k = 0; k < dv; ++k, acc += step) {
    const __m512i v = _mm512_loadu_si512(src + ((acc >> 32) << 6));
    if (kStream) {
      _mm512_stream_si512(reinterpret_cast<__m512i*>(dst + k * 64), v);
    } else {
      _mm512_storeu_si512(dst + k * 64, v);
    }
  }
  if (kStream) _mm_sfence();
}

template <bool kStream>
__attribute__((target("avx2"))) void MoveAvx2(uint8_t* dst, size_t dst_n, const uint8_t* src,
                                              size_t src_n) {
  const size_t dv = dst_n / 32;
  const uint64_t step = MoveStep(src_n / 32, dv);
  uint64_t acc = 0;
  for (size_t k = 0; k < dv; ++k, acc += step) {
    const __m256i v =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + ((acc >> 32) << 5)));
    if (kStream) {
      _mm256_stream_si256(reinterpret_cast<__m256i*>(dst + k * 32), v);
    } else {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + k * 32), v);
    }
  }
  if (kStream) _mm_sfence();
}
#endif

// The same in 16-byte copies, for CPUs without AVX2.
void Move16(uint8_t* dst, size_t dst_n, const uint8_t* src, size_t src_n) {
  const size_t dv = dst_n / 16;
  const uint64_t step = MoveStep(src_n / 16, dv);
  uint64_t acc = 0;
  for (size_t k = 0; k < dv; ++k, acc += step) memcpy(dst + k * 16, src + ((acc >> 32) << 4), 16);
}

void MoveBound(uint8_t* dst, size_t dst_n, const uint8_t* src, size_t src_n) {
  const bool stream = dst_n >= 16 * MiB;  // as the library (kStreamBytes)
#if defined(__x86_64__)
  static const int level = __builtin_cpu_supports("avx512f") ? 2
                           : __builtin_cpu_supports("avx2")  ? 1
                                                             : 0;
  if (level == 2) return stream ? MoveAvx512<true>(dst, dst_n, src, src_n)
                                : MoveAvx512<false>(dst, dst_n, src, src_n);
  if (level == 1) return stream ? MoveAvx2<true>(dst, dst_n, src, src_n)
                                : MoveAvx2<false>(dst, dst_n, src, src_n);
#endif
  static_cast<void>(stream);
  Move16(dst, dst_n, src, src_n);
}

// ------------------------------------------------------------------- cases

struct Case {
  std::string op;  // expand | contract | small | threads
  uint32_t esize = 4;
  uint32_t rank = 2;
  uint64_t k = 3, d = 2, inner = 1;
  bool nonzero_fill = false;
  uint64_t nominal = 256 * KiB;  // dst bytes aimed at

  uint64_t L() const { return k + (k - 1) * (d - 1); }
  uint64_t Pow(uint64_t b) const {
    uint64_t r = 1;
    for (uint32_t i = 0; i < rank; ++i) r *= b;
    return r;
  }
  uint64_t DstPerKernel() const { return Pow(L()) * inner * esize; }
  uint64_t SrcPerKernel() const { return Pow(k) * inner * esize; }
  uint64_t N() const {
    if (op == "small") return 1;
    const uint64_t n = (nominal + DstPerKernel() / 2) / DstPerKernel();
    return n == 0 ? 1 : n;
  }
  uint64_t DstBytes() const { return N() * DstPerKernel(); }
  uint64_t SrcBytes() const { return N() * SrcPerKernel(); }
  uint32_t Dtype() const {
    switch (esize) {
      case 1: return DILATE_DTYPE_U8;
      case 2: return DILATE_DTYPE_U16;
      case 8: return DILATE_DTYPE_F64;
      default: return DILATE_DTYPE_F32;
    }
  }
  std::string Key() const {
    static const char* kNames[9] = {"", "u8", "u16", "", "f32", "", "", "", "f64"};
    std::string size;
    if (op == "small") {
      size = std::to_string(DstBytes()) + "B";
    } else if (nominal >= MiB) {
      size = std::to_string(nominal / MiB) + "M";
    } else {
      size = std::to_string(nominal / KiB) + "K";
    }
    return op + "/" + kNames[esize] + "/r" + std::to_string(rank) + "/K" + std::to_string(k) +
           "/D" + std::to_string(d) + "/in" + std::to_string(inner) + "/" +
           (nonzero_fill ? "fill" : "zero") + "/" + size;
  }
  void Desc(dilate_desc* desc) const {
    dilate_desc_init(desc);
    desc->dtype = Dtype();
    desc->rank = rank;
    desc->outer = N();
    desc->inner = inner;
    for (uint32_t i = 0; i < rank; ++i) {
      desc->src_dims[i] = k;
      desc->dilation[i] = d;
    }
    if (nonzero_fill) memset(desc->fill, 0xA5, esize);
  }
};

// ---------------------------------------------------------------- baselines

template <class T>
T FillValue(const Case& c) {
  T v;
  memset(&v, c.nonzero_fill ? 0xA5 : 0, sizeof(T));
  return v;
}

// The "slow loops" of the origin thread: visit every output position of the
// effective window and test whether it is a tap.
template <class T>
void NaiveExpand(const Case& c, const T* src, T* dst) {
  const uint64_t n = c.N(), L = c.L(), K = c.k, D = c.d, C = c.inner;
  const T fill = FillValue<T>(c);
  for (uint64_t o = 0; o < n; ++o) {
    if (c.rank == 1) {
      for (uint64_t x = 0; x < L; ++x)
        for (uint64_t ch = 0; ch < C; ++ch) {
          T* out = &dst[(o * L + x) * C + ch];
          if (x % D == 0)
            *out = src[(o * K + x / D) * C + ch];
          else
            *out = fill;
        }
    } else if (c.rank == 2) {
      for (uint64_t y = 0; y < L; ++y)
        for (uint64_t x = 0; x < L; ++x)
          for (uint64_t ch = 0; ch < C; ++ch) {
            T* out = &dst[((o * L + y) * L + x) * C + ch];
            if (y % D == 0 && x % D == 0)
              *out = src[((o * K + y / D) * K + x / D) * C + ch];
            else
              *out = fill;
          }
    } else {
      for (uint64_t z = 0; z < L; ++z)
        for (uint64_t y = 0; y < L; ++y)
          for (uint64_t x = 0; x < L; ++x)
            for (uint64_t ch = 0; ch < C; ++ch) {
              T* out = &dst[(((o * L + z) * L + y) * L + x) * C + ch];
              if (z % D == 0 && y % D == 0 && x % D == 0)
                *out = src[(((o * K + z / D) * K + y / D) * K + x / D) * C + ch];
              else
                *out = fill;
            }
    }
  }
}

// The naive contract: visit every position of the expanded window, keep taps.
template <class T>
void NaiveContract(const Case& c, const T* exp, T* dense) {
  const uint64_t n = c.N(), L = c.L(), K = c.k, D = c.d, C = c.inner;
  for (uint64_t o = 0; o < n; ++o) {
    if (c.rank == 1) {
      for (uint64_t x = 0; x < L; ++x)
        for (uint64_t ch = 0; ch < C; ++ch)
          if (x % D == 0) dense[(o * K + x / D) * C + ch] = exp[(o * L + x) * C + ch];
    } else if (c.rank == 2) {
      for (uint64_t y = 0; y < L; ++y)
        for (uint64_t x = 0; x < L; ++x)
          for (uint64_t ch = 0; ch < C; ++ch)
            if (y % D == 0 && x % D == 0)
              dense[((o * K + y / D) * K + x / D) * C + ch] = exp[((o * L + y) * L + x) * C + ch];
    } else {
      for (uint64_t z = 0; z < L; ++z)
        for (uint64_t y = 0; y < L; ++y)
          for (uint64_t x = 0; x < L; ++x)
            for (uint64_t ch = 0; ch < C; ++ch)
              if (z % D == 0 && y % D == 0 && x % D == 0)
                dense[(((o * K + z / D) * K + y / D) * K + x / D) * C + ch] =
                    exp[(((o * L + z) * L + y) * L + x) * C + ch];
    }
  }
}

// Fill dst completely, then write the taps: dst is written twice.
template <class T>
void ScatterExpand(const Case& c, const T* src, T* dst) {
  const uint64_t n = c.N(), L = c.L(), K = c.k, D = c.d, C = c.inner;
  const T fill = FillValue<T>(c);
  if (c.nonzero_fill) {
    std::fill(dst, dst + c.DstBytes() / sizeof(T), fill);
  } else {
    memset(dst, 0, c.DstBytes());
  }
  for (uint64_t o = 0; o < n; ++o) {
    if (c.rank == 1) {
      for (uint64_t x = 0; x < K; ++x)
        for (uint64_t ch = 0; ch < C; ++ch)
          dst[(o * L + x * D) * C + ch] = src[(o * K + x) * C + ch];
    } else if (c.rank == 2) {
      for (uint64_t y = 0; y < K; ++y)
        for (uint64_t x = 0; x < K; ++x)
          for (uint64_t ch = 0; ch < C; ++ch)
            dst[((o * L + y * D) * L + x * D) * C + ch] = src[((o * K + y) * K + x) * C + ch];
    } else {
      for (uint64_t z = 0; z < K; ++z)
        for (uint64_t y = 0; y < K; ++y)
          for (uint64_t x = 0; x < K; ++x)
            for (uint64_t ch = 0; ch < C; ++ch)
              dst[(((o * L + z * D) * L + y * D) * L + x * D) * C + ch] =
                  src[(((o * K + z) * K + y) * K + x) * C + ch];
    }
  }
}

// (x^T h)^T h with h = eye(L)[::D] (K x L), per kernel, naive f32 loops.
// Only zero fill, rank 2, inner 1.
void SelmatExpand(const Case& c, const float* src, float* dst, std::vector<float>& h,
                  std::vector<float>& t) {
  const uint64_t n = c.N(), L = c.L(), K = c.k, D = c.d;
  h.assign(K * L, 0.0f);
  for (uint64_t i = 0; i < K; ++i) h[i * L + i * D] = 1.0f;
  t.resize(K * L);
  for (uint64_t o = 0; o < n; ++o) {
    const float* x = src + o * K * K;
    float* out = dst + o * L * L;
    // t = x^T h: t[j][l] = sum_i x[i][j] h[i][l]
    for (uint64_t j = 0; j < K; ++j)
      for (uint64_t l = 0; l < L; ++l) {
        float s = 0.0f;
        for (uint64_t i = 0; i < K; ++i) s += x[i * K + j] * h[i * L + l];
        t[j * L + l] = s;
      }
    // out = t^T h: out[a][b] = sum_j t[j][a] h[j][b]
    for (uint64_t a = 0; a < L; ++a)
      for (uint64_t b = 0; b < L; ++b) {
        float s = 0.0f;
        for (uint64_t j = 0; j < K; ++j) s += t[j * L + a] * h[j * L + b];
        out[a * L + b] = s;
      }
  }
}

// kron(x, onehot(D, D))[:L, :L] per kernel, plain C++ (the full KD x KD
// Kronecker product, then the crop copied out).
void KronExpand(const Case& c, const float* src, float* dst, std::vector<float>& e,
                std::vector<float>& big) {
  const uint64_t n = c.N(), L = c.L(), K = c.k, D = c.d, M = K * D;
  e.assign(D * D, 0.0f);
  e[0] = 1.0f;
  big.resize(M * M);
  for (uint64_t o = 0; o < n; ++o) {
    const float* x = src + o * K * K;
    for (uint64_t i = 0; i < K; ++i)
      for (uint64_t a = 0; a < D; ++a)
        for (uint64_t j = 0; j < K; ++j)
          for (uint64_t b = 0; b < D; ++b) big[(i * D + a) * M + j * D + b] = x[i * K + j] * e[a * D + b];
    float* out = dst + o * L * L;
    for (uint64_t r = 0; r < L; ++r) memcpy(out + r * L, big.data() + r * M, L * sizeof(float));
  }
}

template <class F>
void ByType(uint32_t esize, F&& f) {
  switch (esize) {
    case 1: return f(uint8_t{});
    case 2: return f(uint16_t{});
    case 8: return f(uint64_t{});
    default: return f(uint32_t{});
  }
}

// ------------------------------------------------------------------ running

// Calls per timed batch, so that a batch takes well over the clock's
// resolution even for small dst.
int BatchFor(uint64_t bytes) {
  const uint64_t r = (2 * MiB) / (bytes == 0 ? 1 : bytes);
  return static_cast<int>(std::clamp<uint64_t>(r, 1, 256));
}

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// From this dst size on, each iteration runs limit() once untimed before
// its timed limit(): out of cache a call's speed depends on what ran before
// it. Paired plainly, op ran after limit (evicting limit's dirty lines)
// while limit ran after op, and after an op that streams (non-temporal
// stores leave no dirty lines) memset wrote up to 2x faster than after
// memset (the Zen 5 EPYC VM, 64-256 MiB): the ratio compared op to a memset
// no loop of memsets reaches. With the settling call both timed calls
// follow a limit().
constexpr uint64_t kSettleBytes = 16 * MiB;

// Paired timing: limit() then op(), `reps` times each per iteration (from
// kSettleBytes, limit() untimed first). The iteration time is op's;
// limit_ratio = sum(limit) / sum(op).
template <class Op, class Limit>
void RunPaired(benchmark::State& state, const Case& c, Op&& op, Limit&& limit) {
  const int reps = BatchFor(c.DstBytes());
  const bool settle = c.DstBytes() >= kSettleBytes;
  op();  // warm up: first touch, target tables, caches
  limit();
  double t_limit = 0, t_op = 0;
  for (auto _ : state) {
    if (settle) {
      limit();
      benchmark::ClobberMemory();
    }
    const auto t0 = Clock::now();
    for (int r = 0; r < reps; ++r) limit();
    benchmark::ClobberMemory();
    const auto t1 = Clock::now();
    for (int r = 0; r < reps; ++r) op();
    benchmark::ClobberMemory();
    const auto t2 = Clock::now();
    t_limit += Seconds(t0, t1);
    t_op += Seconds(t1, t2);
    state.SetIterationTime(Seconds(t1, t2));
  }
  const double calls = static_cast<double>(state.iterations()) * reps;
  state.SetBytesProcessed(static_cast<int64_t>(calls * static_cast<double>(c.DstBytes())));
  state.counters["reps"] = reps;
  state.counters["ns_per_call"] = t_op / calls * 1e9;
  state.counters["limit_ns_per_call"] = t_limit / calls * 1e9;
  state.counters["limit_ratio"] = t_op > 0 ? t_limit / t_op : 0;
  state.counters["dst_bytes"] = static_cast<double>(c.DstBytes());
  state.counters["src_bytes"] = static_cast<double>(c.SrcBytes());
  state.counters["N"] = static_cast<double>(c.N());
}

// The small call, timed in batches of kSmallBatch calls alternating with
// batches of base() (the inlined loop it is measured against), each
// iteration one of each: the Zen 5 EPYC VM's host moves a call this short
// by up to 2x from one moment to the next (branchy code most: the small
// call 5.7 -> 11.6 ns while the inlined loop went 3.1 -> 3.7), so the two
// are timed in the same moments. The iteration time is op's batch;
// inline_ratio = sum(op) / sum(base).
constexpr int kSmallBatch = 200;

template <class Op, class Base>
void RunSmallPaired(benchmark::State& state, Op&& op, Base&& base) {
  for (int r = 0; r < kSmallBatch; ++r) {  // warm up
    base();
    op();
  }
  double t_base = 0, t_op = 0;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    for (int r = 0; r < kSmallBatch; ++r) base();
    const auto t1 = Clock::now();
    for (int r = 0; r < kSmallBatch; ++r) op();
    const auto t2 = Clock::now();
    t_base += Seconds(t0, t1);
    t_op += Seconds(t1, t2);
    state.SetIterationTime(Seconds(t1, t2));
  }
  const double calls = static_cast<double>(state.iterations()) * kSmallBatch;
  state.counters["reps"] = kSmallBatch;
  state.counters["ns_per_call"] = t_op / calls * 1e9;
  state.counters["inline_ns_per_call"] = t_base / calls * 1e9;
  state.counters["inline_ratio"] = t_base > 0 ? t_op / t_base : 0;
}

// A minimal persistent pool for runner:2: one worker thread kept alive for
// the whole benchmark, spinning between jobs (a benchmark may burn a core;
// a real pool would park). parallel_for runs tasks on the caller and the
// worker and returns when both are done with this job.
class SpinPool {
 public:
  SpinPool() : worker_([this] { Work(); }) {}
  ~SpinPool() {
    stop_.store(true, std::memory_order_release);
    worker_.join();
  }
  static void ParallelFor(void* self, uint64_t count, dilate_task_fn task, void* ctx) {
    SpinPool& p = *static_cast<SpinPool*>(self);
    p.count_ = count;
    p.task_ = task;
    p.ctx_ = ctx;
    p.next_.store(0, std::memory_order_relaxed);
    const uint64_t gen = p.gen_.load(std::memory_order_relaxed) + 1;
    p.gen_.store(gen, std::memory_order_release);  // publishes the job
    p.Drain();
    while (p.done_gen_.load(std::memory_order_acquire) != gen) Pause();
  }

 private:
  static void Pause() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
  void Drain() {
    for (uint64_t i; (i = next_.fetch_add(1, std::memory_order_relaxed)) < count_;) task_(ctx_, i);
  }
  void Work() {
    uint64_t seen = 0;
    for (;;) {
      uint64_t gen;
      while ((gen = gen_.load(std::memory_order_acquire)) == seen) {
        if (stop_.load(std::memory_order_acquire)) return;
        Pause();
      }
      seen = gen;
      Drain();
      done_gen_.store(seen, std::memory_order_release);
    }
  }

  uint64_t count_ = 0;
  dilate_task_fn task_ = nullptr;
  void* ctx_ = nullptr;
  std::atomic<uint64_t> next_{0}, gen_{0}, done_gen_{0};
  std::atomic<bool> stop_{false};
  std::thread worker_;
};

void Fail(benchmark::State& state, dilate_status s) {
  state.SkipWithError(dilate_status_string(s));
}

// A dilate_plan made under target `name` (its tables are for that target),
// which stays forced while the plan runs; destroyed with the holder.
struct ForcedPlan {
  dilate_plan* plan = nullptr;
  dilate_status status = DILATE_OK;
  ForcedPlan(const char* name, const dilate_desc& desc) {
    status = dilate_set_target(name);
    if (status == DILATE_OK) status = dilate_plan_create(&desc, 0, &plan);
  }
  ~ForcedPlan() {
    dilate_plan_destroy(plan);
    dilate_set_target("auto");
  }
};

void BenchExpand(benchmark::State& state, Case c, std::string impl) {
  Buffer src(c.SrcBytes()), dst(c.DstBytes());
  for (size_t i = 0; i < src.n; ++i) src.p[i] = static_cast<uint8_t>(i * 2654435761u >> 13);
  dilate_desc desc;
  c.Desc(&desc);
  const uint8_t fill_byte = c.nonzero_fill ? 0xA5 : 0;
  auto limit = [&] { memset(dst.p, fill_byte, dst.n); };
  std::vector<float> w1, w2;
  if (impl.rfind("lib:", 0) == 0) {
    const dilate_status s = dilate_set_target(impl.c_str() + 4);
    if (s != DILATE_OK) return Fail(state, s);
    dilate_status last = DILATE_OK;
    RunPaired(state, c, [&] { last = dilate_expand(&desc, src.p, src.n, dst.p, dst.n, nullptr); },
              limit);
    dilate_set_target("auto");
    if (last != DILATE_OK) Fail(state, last);
  } else if (impl.rfind("plan:", 0) == 0) {
    ForcedPlan fp(impl.c_str() + 5, desc);
    if (fp.status != DILATE_OK) return Fail(state, fp.status);
    dilate_status last = DILATE_OK;
    RunPaired(
        state, c, [&] { last = dilate_plan_expand(fp.plan, src.p, src.n, dst.p, dst.n, nullptr); },
        limit);
    if (last != DILATE_OK) Fail(state, last);
  } else if (impl.rfind("threads:", 0) == 0) {
    dilate_options opt;
    memset(&opt, 0, sizeof opt);
    opt.struct_size = sizeof opt;
    opt.num_threads = static_cast<uint32_t>(atoi(impl.c_str() + 8));
    RunPaired(state, c, [&] { dilate_expand(&desc, src.p, src.n, dst.p, dst.n, &opt); }, limit);
  } else if (impl == "runner:2") {
    SpinPool pool;
    dilate_options opt;
    memset(&opt, 0, sizeof opt);
    opt.struct_size = sizeof opt;
    opt.num_threads = 2;
    opt.parallel_for = &SpinPool::ParallelFor;
    opt.runner_ctx = &pool;
    RunPaired(state, c, [&] { dilate_expand(&desc, src.p, src.n, dst.p, dst.n, &opt); }, limit);
  } else if (impl == "memset:runner:2") {
    // The hardware's own two-thread scaling: memset of each half of dst on
    // one thread of the same kind of pool, so "runner:2" can be read against
    // what two threads writing these bytes can do at all.
    SpinPool pool;
    struct Halves {
      uint8_t* p;
      size_t n;
      int byte;
    } halves{static_cast<uint8_t*>(dst.p), dst.n, fill_byte};
    const dilate_task_fn half = [](void* ctx, uint64_t i) {
      const Halves& h = *static_cast<const Halves*>(ctx);
      const size_t mid = h.n / 2 / 64 * 64;
      if (i == 0) {
        memset(h.p, h.byte, mid);
      } else {
        memset(h.p + mid, h.byte, h.n - mid);
      }
    };
    RunPaired(
        state, c, [&] { SpinPool::ParallelFor(&pool, 2, half, &halves); }, limit);
  } else if (impl == "memset") {
    RunPaired(state, c, limit, limit);
  } else if (impl == "memset:A5") {
    RunPaired(state, c, [&] { memset(dst.p, 0xA5, dst.n); }, limit);
  } else if (impl == "move") {
    RunPaired(state, c, [&] { MoveBound(dst.p, dst.n, src.p, src.n); }, limit);
  } else if (impl == "naive") {
    ByType(c.esize, [&](auto t) {
      using T = decltype(t);
      RunPaired(state, c,
                [&] { NaiveExpand<T>(c, reinterpret_cast<const T*>(src.p), reinterpret_cast<T*>(dst.p)); },
                limit);
    });
  } else if (impl == "scatter") {
    ByType(c.esize, [&](auto t) {
      using T = decltype(t);
      RunPaired(state, c,
                [&] { ScatterExpand<T>(c, reinterpret_cast<const T*>(src.p), reinterpret_cast<T*>(dst.p)); },
                limit);
    });
  } else if (impl == "selmat") {
    RunPaired(state, c,
              [&] {
                SelmatExpand(c, reinterpret_cast<const float*>(src.p),
                             reinterpret_cast<float*>(dst.p), w1, w2);
              },
              limit);
  } else if (impl == "kron") {
    RunPaired(state, c,
              [&] {
                KronExpand(c, reinterpret_cast<const float*>(src.p),
                           reinterpret_cast<float*>(dst.p), w1, w2);
              },
              limit);
  }
}

void BenchContract(benchmark::State& state, Case c, std::string impl) {
  Buffer exp(c.DstBytes()), dense(c.SrcBytes()), scratch(c.DstBytes());
  dilate_desc desc;
  c.Desc(&desc);
  // A valid expanded tensor (taps + fill) as input.
  {
    Buffer src(c.SrcBytes());
    for (size_t i = 0; i < src.n; ++i) src.p[i] = static_cast<uint8_t>(i * 2654435761u >> 13);
    dilate_set_target("auto");
    dilate_expand(&desc, src.p, src.n, exp.p, exp.n, nullptr);
  }
  // contract reads the expanded tensor: its limit is a copy of those bytes.
  auto limit = [&] { memcpy(scratch.p, exp.p, exp.n); };
  if (impl.rfind("lib:", 0) == 0) {
    const dilate_status s = dilate_set_target(impl.c_str() + 4);
    if (s != DILATE_OK) return Fail(state, s);
    dilate_status last = DILATE_OK;
    RunPaired(state, c,
              [&] { last = dilate_contract(&desc, exp.p, exp.n, dense.p, dense.n, nullptr); },
              limit);
    dilate_set_target("auto");
    if (last != DILATE_OK) Fail(state, last);
  } else if (impl.rfind("plan:", 0) == 0) {
    ForcedPlan fp(impl.c_str() + 5, desc);
    if (fp.status != DILATE_OK) return Fail(state, fp.status);
    dilate_status last = DILATE_OK;
    RunPaired(
        state, c,
        [&] { last = dilate_plan_contract(fp.plan, exp.p, exp.n, dense.p, dense.n, nullptr); },
        limit);
    if (last != DILATE_OK) Fail(state, last);
  } else if (impl == "memcpy") {
    RunPaired(state, c, limit, limit);
  } else if (impl == "naive") {
    ByType(c.esize, [&](auto t) {
      using T = decltype(t);
      RunPaired(state, c,
                [&] { NaiveContract<T>(c, reinterpret_cast<const T*>(exp.p), reinterpret_cast<T*>(dense.p)); },
                limit);
    });
  }
}

// One tiny call (N=1, K=3, D=2, f32 2-D) through the full C entry point
// (validation, plan, dispatch) vs an inlined scalar loop doing the same.
void BenchSmall(benchmark::State& state, Case c, std::string impl) {
  alignas(64) float src[9];
  alignas(64) float dst[25];
  for (int i = 0; i < 9; ++i) src[i] = static_cast<float>(i + 1);
  dilate_desc desc;
  c.Desc(&desc);
  // The target's base: the loop a caller writes inline (K, D, N constants).
  float inline_dst[25];
  const auto inline_loop = [&] {
    benchmark::DoNotOptimize(src);
    for (int y = 0; y < 5; ++y)
      for (int x = 0; x < 5; ++x)
        inline_dst[y * 5 + x] = (y % 2 == 0 && x % 2 == 0) ? src[(y / 2) * 3 + x / 2] : 0.0f;
    benchmark::DoNotOptimize(inline_dst);
    benchmark::ClobberMemory();
  };
  if (impl == "inline") {
    for (auto _ : state) inline_loop();
  } else if (impl == "inline:runtime") {
    // The same loop as a caller would write it for a kernel read at run time:
    // K, D and N opaque to the compiler, zero dst, then store the taps.
    uint64_t k = c.k, d = c.d, n = c.N();
    for (auto _ : state) {
      benchmark::DoNotOptimize(src);
      benchmark::DoNotOptimize(k);
      benchmark::DoNotOptimize(d);
      benchmark::DoNotOptimize(n);
      const uint64_t l = (k - 1) * d + 1;
      for (uint64_t o = 0; o < n; ++o) {
        float* out = dst + o * l * l;
        for (uint64_t i = 0; i < l * l; ++i) out[i] = 0.0f;
        for (uint64_t y = 0; y < k; ++y)
          for (uint64_t x = 0; x < k; ++x) out[y * d * l + x * d] = src[(o * k + y) * k + x];
      }
      benchmark::DoNotOptimize(dst);
      benchmark::ClobberMemory();
    }
  } else if (impl == "contract" || impl == "contract:plan") {
    // The small call backwards: the 5 x 5 result contracted into 3 x 3, by
    // dilate_contract of the description or a plan made once (auto target).
    float back[9];
    if (dilate_expand(&desc, src, sizeof src, dst, sizeof dst, nullptr) != DILATE_OK) {
      return Fail(state, DILATE_ERROR_BAD_ARGUMENT);
    }
    dilate_plan* plan = nullptr;
    if (impl == "contract:plan") {
      const dilate_status s = dilate_plan_create(&desc, 0, &plan);
      if (s != DILATE_OK) return Fail(state, s);
    }
    for (auto _ : state) {
      benchmark::DoNotOptimize(dst);
      benchmark::DoNotOptimize(
          plan != nullptr ? dilate_plan_contract(plan, dst, sizeof dst, back, sizeof back, nullptr)
                          : dilate_contract(&desc, dst, sizeof dst, back, sizeof back, nullptr));
      benchmark::ClobberMemory();
    }
    dilate_plan_destroy(plan);
  } else if (impl == "expand_2d") {
    const uint64_t k = c.k, d = c.d, n = c.N();
    RunSmallPaired(
        state,
        [&] {
          benchmark::DoNotOptimize(src);
          benchmark::DoNotOptimize(dilate_expand_2d(DILATE_DTYPE_F32, n, k, d, src, dst));
          benchmark::ClobberMemory();
        },
        inline_loop);
  } else if (impl.rfind("plan:", 0) == 0) {
    ForcedPlan fp(impl.c_str() + 5, desc);
    if (fp.status != DILATE_OK) return Fail(state, fp.status);
    RunSmallPaired(
        state,
        [&] {
          benchmark::DoNotOptimize(src);
          benchmark::DoNotOptimize(
              dilate_plan_expand(fp.plan, src, sizeof src, dst, sizeof dst, nullptr));
          benchmark::ClobberMemory();
        },
        inline_loop);
  } else {
    const dilate_status s = dilate_set_target(impl.c_str() + 4);
    if (s != DILATE_OK) return Fail(state, s);
    RunSmallPaired(
        state,
        [&] {
          benchmark::DoNotOptimize(src);
          benchmark::DoNotOptimize(dilate_expand(&desc, src, sizeof src, dst, sizeof dst, nullptr));
          benchmark::ClobberMemory();
        },
        inline_loop);
    dilate_set_target("auto");
  }
  const bool paired = state.counters.count("inline_ratio") != 0;
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * (paired ? kSmallBatch : 1) *
                          100);
  state.counters["dst_bytes"] = 100;
  state.counters["src_bytes"] = 36;
  state.counters["N"] = 1;
}

// ------------------------------------------------------------- case tables

std::vector<std::string> Targets() {
  const char* names[32];
  uint32_t count = 0;
  dilate_list_targets(DILATE_TARGETS_SUPPORTED, names, 32, &count);
  std::vector<std::string> out;
  for (uint32_t i = 0; i < count && i < 32; ++i) out.push_back(names[i]);
  return out;
}

struct Suite {
  std::vector<Case> cases;
  std::set<std::string> keys;
  void Add(Case c) {
    if (keys.insert(c.Key()).second) cases.push_back(c);
  }
};

Case Ex(uint64_t k, uint64_t d, uint64_t size) {
  Case c;
  c.op = "expand";
  c.k = k;
  c.d = d;
  c.nominal = size;
  return c;
}

Suite MakeSuite(const std::string& mode) {
  Suite s;
  const bool full = mode == "full", smoke = mode == "smoke";
  const uint64_t l2 = 256 * KiB;
  const uint64_t big = smoke ? 4 * MiB : 256 * MiB;  // out of cache
  // Sweeps other than the core grid use a smaller out-of-cache size in quick.
  const uint64_t sweep_big = smoke ? 4 * MiB : full ? 256 * MiB : 64 * MiB;

  // One small call, first: it is timed in absolute ns against the inline
  // loops (not paired with a limit), and after the 256 MiB cases the whole
  // small section, inline loops included, ran 1.4-1.9x slower than alone on
  // the Zen 5 EPYC VM (runs quick-20261202-135907 and -142710).
  Case small = Ex(3, 2, 0);
  small.op = "small";
  s.Add(small);
  // Core grid: f32, inner 1, K in {3,5,7}, D in {2,3,4}, L2 and >= 256 MiB.
  for (uint64_t k : {3, 5, 7})
    for (uint64_t d : {2, 3, 4}) {
      if (smoke && !((k == 3 && d == 2) || (k == 7 && d == 4))) continue;
      s.Add(Ex(k, d, l2));
      s.Add(Ex(k, d, big));
    }
  if (!smoke) {
    // Size sweep (flat in N): 2K (a few dozen kernels, past the small case)
    // .. 256M.
    std::vector<std::pair<uint64_t, uint64_t>> kd = {{3, 2}};
    if (full) kd = {{3, 2}, {5, 3}, {7, 4}};
    for (auto [k, d] : kd)
      for (uint64_t size : {2 * KiB, 16 * KiB, 256 * KiB, 4 * MiB, 64 * MiB, 256 * MiB}) {
        s.Add(Ex(k, d, size));
      }
    // A sparse kernel between L2 and streaming (vector rows past L2, or tiles).
    s.Add(Ex(7, 4, 4 * MiB));
    // A kernel whose src passes a pair of 512-bit vectors (49 f32 lanes),
    // in L1 and in L2: shifted windows (ShiftedWindows, lib/expand-inl.h)
    // against tiles whose tables each call builds.
    s.Add(Ex(7, 2, 16 * KiB));
    s.Add(Ex(7, 2, 64 * KiB));
  }
  // K and D sweeps.
  for (uint64_t size : {l2, sweep_big}) {
    if (smoke && size != l2) continue;
    for (uint64_t k : {1, 11}) s.Add(Ex(k, 2, size));
    for (uint64_t d : {1, 8}) s.Add(Ex(3, d, size));
    if (full) s.Add(Ex(11, 8, size));
  }
  // Element sizes, inner extents, ranks, non-zero fill.
  for (uint64_t size : {l2, sweep_big}) {
    for (uint32_t e : {1u, 2u, 8u}) {
      Case c = Ex(3, 2, size);
      c.esize = e;
      s.Add(c);
      if (full || (!smoke && size == l2)) {  // a sparse kernel too, for every element size
        c.k = 7;
        c.d = 4;
        s.Add(c);
      }
      if (!smoke && size == l2 && e == 2) {
        // Tap rows 136 bytes apart: vector rows there split lines (whole
        // tiles instead one-shot, lib/driver.cc TakesVectorRows).
        c.k = 5;
        c.d = 4;
        s.Add(c);
      }
    }
    for (uint64_t in : {3, 64, 512}) {
      Case c = Ex(3, 2, size);
      c.inner = in;
      s.Add(c);
      if (in == 64 && !smoke) {  // rows of 3.3 KiB: tile or row mode by size
        c.k = 5;
        c.d = 3;
        s.Add(c);
      }
      if (full) {
        c.k = 7;
        c.d = 4;
        s.Add(c);
      }
    }
    for (uint32_t r : {1u, 3u}) {
      Case c = Ex(3, 2, size);
      c.rank = r;
      s.Add(c);
      if (full || r == 1) {
        c.k = r == 1 ? 11 : 5;
        c.d = r == 1 ? 8 : 3;
        s.Add(c);
      }
    }
    Case f = Ex(3, 2, size);
    f.nonzero_fill = true;
    s.Add(f);
    f.k = 7;
    f.d = 4;
    if (!smoke) s.Add(f);
    if (smoke) break;
  }
  // Contract: the core grid in full; in quick in L2, and only its diagonal
  // out of cache (whose contracts ran at 1.1-1.5x memcpy in run
  // quick-20261207-055259); in smoke K3 only.
  for (uint64_t size : {l2, big}) {
    for (uint64_t k : {3, 5, 7})
      for (uint64_t d : {2, 3, 4}) {
        const bool diagonal = (k == 3 && d == 2) || (k == 5 && d == 3) || (k == 7 && d == 4);
        if (!full && !diagonal && (smoke || size != l2)) continue;
        if (smoke && k != 3) continue;
        Case c = Ex(k, d, size);
        c.op = "contract";
        s.Add(c);
      }
    Case c = Ex(3, 2, size);
    c.op = "contract";
    c.inner = 64;
    s.Add(c);
    // Every element size (the target holds for each), K3 D2; in L2 also
    // K5 D3, whose sparser taps take other tables on some targets (a
    // contract's 16-byte byte entries, lib/tiles.cc).
    if (smoke) continue;
    c.inner = 1;
    for (uint32_t e : {1u, 2u, 8u}) {
      c.esize = e;
      s.Add(c);
      if (size == l2) {
        Case sparse = Ex(5, 3, size);
        sparse.op = "contract";
        sparse.esize = e;
        s.Add(sparse);
      }
    }
  }
  // Threads: 2 MiB (num_threads starts no thread there: one per 16 MiB),
  // L3-size (12 MiB) and 256 MiB.
  for (uint64_t size : {2 * MiB, 12 * MiB, big}) {
    Case c = Ex(3, 2, size);
    c.op = "threads";
    s.Add(c);
    if (full) {
      c.inner = 64;
      s.Add(c);
    }
  }
  return s;
}

void Register(const Suite& suite) {
  const std::vector<std::string> targets = Targets();
  for (const Case& c : suite.cases) {
    std::vector<std::string> impls;
    for (const std::string& t : targets) impls.push_back("lib:" + t);
    // A plan (tables built once) on the best target: the small call, f32
    // 2-D expand with inner 1 (core grid, size sweep) or >= 16, and contract.
    if (c.op == "small" || c.op == "contract" ||
        (c.op == "expand" && c.esize == 4 && c.rank == 2 && (c.inner == 1 || c.inner >= 16) &&
         !c.nonzero_fill && c.k >= 3 && c.d >= 2)) {
      impls.push_back("plan:" + targets.front());
      // And on AVX2 for the core grid (the AVX2 target).
      const bool core = c.op == "expand" && c.k <= 7 && c.d <= 4 &&
                        (c.nominal == 256 * KiB || c.nominal >= 256 * MiB);
      if (core && targets.front() != "AVX2" &&
          std::find(targets.begin(), targets.end(), "AVX2") != targets.end()) {
        impls.push_back("plan:AVX2");
      }
    }
    if (c.op == "expand") {
      impls.push_back("memset");
      if (!c.nonzero_fill && c.DstBytes() >= 64 * MiB) impls.push_back("memset:A5");
      // The data movement bound where the expand targets are read.
      const bool core = c.esize == 4 && c.rank == 2 && c.inner == 1 && !c.nonzero_fill &&
                        c.k >= 3 && c.k <= 7 && c.d >= 2 && c.d <= 4 &&
                        (c.nominal == 256 * KiB || c.nominal >= 256 * MiB);
      // And on the size sweep of K3 D2 (flat in N): what the data movement
      // alone does where memset's own speed steps.
      const bool sweep =
          c.esize == 4 && c.rank == 2 && c.inner == 1 && !c.nonzero_fill && c.k == 3 && c.d == 2;
      if (core || sweep || c.inner >= 16) impls.push_back("move");
      impls.push_back("naive");
      impls.push_back("scatter");
      if (c.esize == 4 && c.rank == 2 && c.inner == 1 && !c.nonzero_fill) {
        impls.push_back("selmat");
        impls.push_back("kron");
      }
    } else if (c.op == "contract") {
      impls.push_back("memcpy");
      impls.push_back("naive");
    } else if (c.op == "small") {
      impls.push_back("inline");
      impls.push_back("inline:runtime");
      impls.push_back("expand_2d");
      impls.push_back("contract");
      impls.push_back("contract:plan");
    } else if (c.op == "threads") {
      impls = {"threads:1", "threads:2", "runner:2", "memset:runner:2"};
    }
    for (const std::string& impl : impls) {
      const std::string name = c.Key() + "/" + impl;
      benchmark::internal::Benchmark* b = nullptr;
      if (c.op == "contract") {
        b = benchmark::RegisterBenchmark(name.c_str(), BenchContract, c, impl);
      } else if (c.op == "small") {
        b = benchmark::RegisterBenchmark(name.c_str(), BenchSmall, c, impl);
      } else {
        b = benchmark::RegisterBenchmark(name.c_str(), BenchExpand, c, impl);
      }
      const bool small_paired =
          c.op == "small" &&
          (impl.rfind("lib:", 0) == 0 || impl.rfind("plan:", 0) == 0 || impl == "expand_2d");
      if (c.op != "small" || small_paired) b->UseManualTime();
      b->Unit(c.DstBytes() >= 16 * MiB ? benchmark::kMillisecond : benchmark::kMicrosecond);
      if (c.op == "small") b->Unit(small_paired ? benchmark::kMicrosecond : benchmark::kNanosecond);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = "quick";
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (strncmp(argv[i], "--suite=", 8) == 0) {
      mode = argv[i] + 8;
      continue;
    }
    args.push_back(argv[i]);
  }
  if (mode != "smoke" && mode != "quick" && mode != "full") {
    fprintf(stderr, "unknown --suite=%s (smoke|quick|full)\n", mode.c_str());
    return 2;
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  benchmark::AddCustomContext("dilate_suite", mode);
  benchmark::AddCustomContext("dilate_version", dilate_version_string());
  std::string targets;
  for (const std::string& t : Targets()) targets += (targets.empty() ? "" : ",") + t;
  benchmark::AddCustomContext("dilate_targets", targets);
  Register(MakeSuite(mode));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
