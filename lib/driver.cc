// The walk over the tensor (see driver.h).
//
// The dst tensor is written strictly in order, each byte once. The walk
// visits only rows that hold taps; everything between one row's last tap and
// the next row's first (padding, holes between rows, whole planes of holes)
// is one pending fill, written just before the next row. Contract mirrors
// this: the dense tensor is written in order, and cropped elements are
// zeroed as a pending run.
//
// Work is split in "units" of dst: one outer index for rank 1, one
// (outer, first-axis) position otherwise. A chunk is a range of units; each
// writes its own contiguous part of the output, so chunks run in any order
// on any thread with identical results.
#include "lib/driver.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "hwy/targets.h"
#include "lib/cpu.h"
#include "lib/small.h"
#include "lib/tiles.h"
#include "lib/walk.h"

namespace dilate {
namespace {

using u128 = unsigned __int128;

// Below this many output bytes a call is not split across threads.
constexpr uint64_t kMinParallelBytes = 256 * 1024;
// Non-temporal stores once dst is this large (larger than the caches), or
// a quarter of the L3 where that is larger (StreamBytes).
constexpr uint64_t kStreamBytes = 16u << 20;

// The size of the L3 that CPU 0 shares, as Linux reports it in sysfs
// (cache/index*/level 3, "32768K"), or 0 where there is none to read. This
// is one L3 instance: on the Zen 4 EPYC VM sysfs says 32 MiB while glibc's
// sysconf(_SC_LEVEL3_CACHE_SIZE) says 320 MiB (from the VM's CPUID); on the
// Intel Xeon VM both said 480 MiB.
uint64_t SysfsL3Bytes() {
#if defined(__linux__)
  // A file of a few bytes, as a string (empty when unreadable).
  const auto read_small = [](const char* path, char* buf, size_t cap) {
    buf[0] = '\0';
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    const ssize_t n = ::read(fd, buf, cap - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
  };
  for (int i = 0; i < 16; ++i) {
    char path[80], text[32];
    snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
    read_small(path, text, sizeof(text));
    if (text[0] == '\0') return 0;  // no more caches
    if (strcmp(text, "3\n") != 0 && strcmp(text, "3") != 0) continue;
    snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
    read_small(path, text, sizeof(text));
    char* end = nullptr;
    const unsigned long long v = strtoull(text, &end, 10);
    if (end == text || v == 0 || v > (1ull << 30)) return 0;  // (no overflow below)
    const uint64_t unit = *end == 'K'   ? 1ull << 10
                          : *end == 'M' ? 1ull << 20
                          : *end == 'G' ? 1ull << 30
                                        : 1;
    return static_cast<uint64_t>(v) * unit;
  }
#endif
  return 0;
}

// The working-set bytes (dst and the src it reads: StreamsDst) from which
// an expand streams: kStreamBytes, or a quarter of the L3 where one larger
// than 64 MiB is reported (sysfs, else the C library: glibc reads CPUID;
// its own memset streams only from 3/4 of it). Plain stores pay only while
// that working set stays in the L3 between calls. Measured on an Intel Xeon
// VM reporting a 480 MiB L3 (same-process A/B, tools/ab.sh, f32 K3 D2, plain
// stores against streaming): 32 MiB 0.62-0.64 of the time in three runs an
// hour apart (0.55x -> 0.88x memset); 64 MiB 0.61-0.75 in seven (inner 64,
// K7 D4 and u8 alike), though one suite run there streamed at 1.7x the
// plain stores' speed; 128 MiB 0.89 once, but 1.52-1.81 later; 256 MiB 1.96
// (streams). On the same host model reporting 300 MiB, where a repeated
// memset ran from the L3 only up to ~96 MiB, each side in its own process:
// f32 K3 D2 at 64 MiB (an 87 MiB working set) streamed in 0.36-0.97 of the
// time over five pairs (median 0.48; plain stores are the bimodal side),
// HWIO inner 64 K3 D2 0.44-0.60, f32 K5 D2 (84 MiB) 0.44-0.53,
// K7 D4 (67 MiB) and HWIO inner 64 K5 D3 (74 MiB, both left plain here)
// 0.96 / 0.88; K3 D2, K7 D4 and that K5 D3 0.98-1.05 at 32 MiB. Hence the
// working set, not dst alone. On the Zen 4 EPYC VM (a 32 MiB L3 in sysfs,
// 320 MiB from glibc), streaming from 16 MiB against from 80 MiB: f32 K3
// D2 at 24 / 32 / 64 MiB 0.96 / 0.91 / 0.88 of the time, K7 D4 at 64 MiB
// 0.43, HWIO inner 64 K3 D2 / K5 D3 at 64 MiB 0.52 / 0.49 (K5 D3 at 24 MiB
// 0.63). On AMD CPUs the C library's figure is not taken: an L3 there
// serves one CCD, 32 MiB (96 MiB with 3D V-Cache), while CPUID in a VM
// may report the host's whole (glibc: 320 MiB on the Zen 4 VM, 508 MiB on
// the Zen 5 EPYC VM, whose sysfs has no caches). On the latter, streaming
// from 16 MiB against the 127 MiB that figure gave, same-process A/B
// (tools/ab.sh: each library reads its own): f32 K3 D2 at 32 / 64 MiB 0.69
// / 0.71 of the time, HWIO inner 64 K5 D3 at 64 MiB 0.41 (0.46x -> 1.13x
// memset); in process pairs K3 D2 at 24 MiB 0.71-0.76, K7 D4 at 64 MiB
// 0.78-0.81. DILATE_STREAM_BYTES (decimal bytes,
// read once) overrides it: the tests pin 16 MiB, so every machine runs the
// streaming paths at the sizes they use.
uint64_t StreamBytes() {
  static const uint64_t bytes = [] {
    if (const char* env = getenv("DILATE_STREAM_BYTES")) {
      char* end = nullptr;
      const unsigned long long v = strtoull(env, &end, 10);
      if (end != env && *end == '\0' && v != 0) return static_cast<uint64_t>(v);
    }
    uint64_t l3 = SysfsL3Bytes();
#ifdef _SC_LEVEL3_CACHE_SIZE
    if (l3 == 0 && !AmdCpu()) {
      const long reported = sysconf(_SC_LEVEL3_CACHE_SIZE);
      if (reported > 0) l3 = static_cast<uint64_t>(reported);
    }
#endif
    const uint64_t quarter = l3 / 4;
    return quarter > kStreamBytes ? quarter : kStreamBytes;
  }();
  return bytes;
}

// Whether an expand of p writes dst with non-temporal stores: its working
// set, dst and the src bytes it reads (at most dst's: a crop reads no
// more), from StreamBytes.
bool StreamsDst(const Plan& p) {
  const uint64_t read = p.src_bytes < p.dst_bytes ? p.src_bytes : p.dst_bytes;
  return p.dst_bytes + read >= StreamBytes();
}
// Tile mode may write tiles column by column up to this many output bytes
// (about one L2; see ApplyTileColumns in lib/simd-inl.h).
constexpr uint64_t kColumnBytes = 1u << 20;
// A one-shot contract of an expanded tensor below this size takes tiles of
// a few vectors (TileSize::kFew). Its tables need several windows per output
// vector, and building them cost more than applying them where a call
// applies them only a few times: K7 D4 f32 at 256 KiB, AVX-512, 60% of the
// library's samples were the table writer (tools/profile.sh), and the call
// went from 9.1 to 3.8 us with few-vector tiles; 16 KiB 2.1 -> 0.6 us; K5
// D3 256 KiB 7.4 -> 5.3 us; K3 D2 even. Even at 4 MiB; 4-13% slower at 64 MiB.
constexpr uint64_t kFewTilesBytes = 4u << 20;
// Chunks per thread, to even out rows of unequal cost.
constexpr uint64_t kChunksPerThread = 4;
// num_threads starts one thread per this many output bytes, at most
// num_threads - 1: a thread started for a call costs 55-75 us to start and
// join on the reference VM, and often only runs once its creator blocks.
// Measured there (K3 D2 f32, a thread started per call, 2 vs 1 threads):
// 1 MiB 0.25x, 2-4 MiB 0.56x, 8 MiB 0.95x, 12 MiB 1.08x, 16 MiB 1.22x,
// 64 MiB 1.59x, 128 MiB 1.69x. Since the vector-pair tile loop made one
// thread ~1.7x faster, with one started at 8 MiB and up: 8 MiB 1.02x,
// 12 MiB 0.79-0.81x, 16 MiB 0.96-1.03x, 24 MiB 1.10-1.24x, 64 MiB
// 1.47-1.63x; so one per 16 MiB. A caller's runner has its threads running
// already and splits from kMinParallelBytes.
constexpr uint64_t kBytesPerStartedThread = 16u << 20;

void InitRowState(const Plan& p, const uint8_t* pattern, bool stream, RowState* st) {
  st->pattern = pattern;
  st->group = p.group;
  st->dilation = p.axis[p.rank - 1].dilation;
  st->elem_size = p.elem_size;
  st->stream = stream ? 1 : 0;
  st->in_cache = p.dst_bytes < kColumnBytes ? 1 : 0;
  st->row_vectors = 0;
}

// Runs chunk(u0, u1) over [0, units) serially, through the caller's runner,
// or on short-lived threads, as `threading` asks.
template <class Chunk>
void ForEachChunk(uint64_t units, uint64_t bytes, const Threading& threading, Chunk& chunk) {
  const bool runner = threading.parallel_for != nullptr;
  uint64_t threads = threading.num_threads;  // the caller's and the started ones
  if (!runner && threads > 1 + bytes / kBytesPerStartedThread) {
    threads = 1 + bytes / kBytesPerStartedThread;
  }
  uint64_t chunks = 1;
  if ((runner || threads > 1) && bytes >= kMinParallelBytes) {
    chunks = (threads > 1 ? threads : 8) * kChunksPerThread;
    if (chunks > units) chunks = units;
  }
  if (chunks <= 1) {
    chunk(0, units);
    return;
  }
  struct Job {
    Chunk* chunk;
    uint64_t units, chunks;
    std::atomic<uint64_t> next{0};
    void Run(uint64_t c) {
      const uint64_t u0 = static_cast<uint64_t>(u128{units} * c / chunks);
      const uint64_t u1 = static_cast<uint64_t>(u128{units} * (c + 1) / chunks);
      (*chunk)(u0, u1);
    }
    void Drain() {
      for (uint64_t c; (c = next.fetch_add(1)) < chunks;) Run(c);
    }
  } job;
  job.chunk = &chunk;
  job.units = units;
  job.chunks = chunks;
  if (runner) {
    threading.parallel_for(
        threading.runner_ctx, chunks, [](void* ctx, uint64_t c) { static_cast<Job*>(ctx)->Run(c); },
        &job);
    return;
  }
  std::vector<std::thread> workers;
  try {
    workers.reserve(threads - 1);
    for (uint64_t t = 1; t < threads; ++t) workers.emplace_back([&job] { job.Drain(); });
  } catch (...) {
    // Could not start (all) threads: the caller's thread does the rest.
  }
  job.Drain();
  for (std::thread& w : workers) w.join();
}

}  // namespace

namespace {

// Which rows try tile mode first: rows under kShortRowBytes always; rows
// under kLongRowBytes on 512-bit (or wider) vectors, where one permute per
// vector beats row mode's copy/fill runs (measured: HWIO inner 64 f32,
// 0.24x -> 0.57x memset out of cache on AVX-512), and on narrower vectors
// when expanding out of cache (same case at 64 MiB: AVX2 9.8 -> 3.3 ms, SSE4
// 9.0 -> 4.8 ms; in L2 row mode stays faster there). Not a one-shot expand
// under kColumnBytes (about one L2) on any vectors: its per-call tables cost
// more than row mode's runs there (same-process A/B, AVX-512, f32 HWIO at
// 256 KiB: inner 64 K5 D2 / K3 D3 / K3 D4 24-34% faster by rows, K3 D2 even;
// inner 32 K5 D2 24%; at 1 MiB K5 D2 13% faster, K3 D2 9% slower). A plan's
// tables are built once, and keep tile mode (`per_call` false).
constexpr uint64_t kShortRowBytes = 1024;
constexpr uint64_t kLineBytes = 64;
constexpr uint64_t kLongRowBytes = 4096;
// A one-shot contract of rows of 1-4 KiB in 8- or 16-bit lanes (their
// tables from the general writer, 4-6 ns a tap) and at most this many
// slices takes row mode: the tables of a tile of one slice cost more than
// the rows. Same-process A/B against tiles (tools/ab.sh contract, AVX-512):
// 1-D K1000 D2 u8 at 2 / 8 / 32 KB (1 / 4 / 16 slices) 0.14 / 0.24 / 0.77
// of the time, K600 D2 u8 at 4.8 KB 0.42, u16 at 4 / 16 KB 0.10-0.13 /
// 0.17. More slices pay for the tables: u8 K600 D2 at 76 KB (63 slices)
// 1.61, u16 K300 D2 at 60 KB (50) 1.09 (though u16 K1000 D2 at 200 KB, 50
// slices, 0.62). f32 takes dense tables: 0.92-1.02 at 8-32 KB, 1.31 at
// K300 D2 240 KB.
constexpr uint64_t kFewContractSlices = 16;

// Vector rows (RowState::row_vectors, ExpandGridVectors in lib/expand-inl.h)
// fit a rank-2 expand whose tap rows span at least a vector and fit the
// target's few, where whole-vector stores from each row's start write at
// most 100 / kMinVectorRowsShare times the bytes dst has: while dst fits
// L2 (below kColumnBytes) always, and from there up to kStreamBytes (or
// StreamBytes where that is less: from there tiles stream) where the rows
// run aligned (tap rows kMinAlignedRowStep apart or more, lib/kernels.h)
// in lanes of 16 bits or more. (Against tile mode, one-shot f32 on
// AVX-512, the Zen 5 EPYC before aligned rows: K7 D4 at 1 MiB 0.68 of the
// time, 2 MiB 0.88, 4 MiB 1.12; K7 D3 at 1 MiB 1.06, 4 MiB 1.16: spilled
// and unaligned stores cost more beyond L2. Aligned rows on the Intel Xeon
// VM: K7 D3 at 1 / 4 / 16 MiB 1.00 / 1.01 / 1.05, K7 D4 at 4 MiB 0.99,
// where tiles ran at 0.81-0.90x memset. On the Zen 4 EPYC VM, one-shot at
// 4 MiB: f32 K7 D4 / K7 D3 / K11 D2 / K11 D3 0.69 / 0.81-0.86 / 0.79 / 0.60
// of the time, K5 D4 even, f64 K7 D4 / K7 D3 0.67 / 0.72, u16 K7 D4 0.92; K7 D4 at
// 2 / 8 / 15 MiB 0.69 / 0.70 / 0.70; plans K7 D4 / K11 D3 0.71 / 0.63.
// Unaligned or byte rows there: f32 K9 D2 even, u16 K7 D3 0.94, but u8
// K9 D4 / K11 D4 1.20 / 1.46.)
constexpr uint64_t kMinVectorRowsShare = 80;  // percent

// Whether vector rows of half a 512-bit vector or more may take half-width
// vectors (VectorRows, lib/expand-inl.h, measured on Intel CPUs): not on
// AMD's Zen 5 (family 26 or later), whose 512-bit stores and permutes are
// single operations. Same-process A/B there (tools/ab.sh, the Zen 5 EPYC
// VM, AVX3_DL) against half-width rows, one-shot at 256 KiB: f32 K7 D3 /
// K5 D4 / K7 D4 / K3 D8 0.91 / 0.94 / 0.90 / 0.94 of the time (the same
// builds in the other order: 0.92 / 0.94), K11 D2 0.99, f64 K7 D3 1.01;
// K7 D3 at 1 / 4 MiB 0.96 / 1.01; a plan of K7 D4 0.91. Rows under 64
// bytes then take tiles: u16 K7 D4 / u8 K11 D4 0.87 / 0.85. (On the Zen 4
// VM, 256-bit datapaths, half-width rows had won K7 D4: kept there.)
// DILATE_HALF_ROWS=1 or 0 (read once) overrides the CPU, so the tests run
// both on every AVX-512 machine (tests/CMakeLists.txt).
bool HalfWidthRows() {
  static const bool half = EnvSwitch("DILATE_HALF_ROWS", !AmdZen5OrLater());
  return half;
}

// Returns the vectors' bytes (RowState::row_vectors), 0 where they do not fit.
uint32_t VectorRowsFit(const Plan& p, const ExpandKernels& k) {
  if (p.rank != 2 || p.outer == 0) return 0;
  const Axis &a0 = p.axis[0], &a1 = p.axis[1];
  const uint64_t step = a0.dilation * a0.dst_stride;  // from one tap row to the next
  if (p.dst_bytes >= kColumnBytes && (p.dst_bytes >= kStreamBytes || StreamsDst(p) ||
                                      step < kMinAlignedRowStep || p.group % 2 != 0)) {
    return 0;
  }
  const uint64_t rows = a0.Taps(), taps = a1.Taps();
  uint32_t vb = 0;
  if (rows == 0 || !k.vector_rows(p.group, a1.dilation, taps, HalfWidthRows(), &vb)) return 0;
  const uint64_t span = ((taps - 1) * a1.dilation + 1) * p.group;
  if (span < vb) return 0;
  const uint64_t row_vectors = (span + vb - 1) / vb;
  // Stores from one tap row's start to the next's: its vectors, then fill.
  const auto stores = [&](uint64_t bytes) {
    const uint64_t n = (bytes + vb - 1) / vb;
    return n > row_vectors ? n : row_vectors;
  };
  const uint64_t last = p.dst_outer_stride - (rows - 1) * step;  // to the next slice's first
  const uint64_t written = ((rows - 1) * stores(step) + stores(last)) * vb;
  return p.dst_outer_stride * 100 >= written * kMinVectorRowsShare ? vb : 0;
}

// Output vectors of a tile of whole vectors on this target, or 0 where
// such a tile overflows the tile tables.
uint64_t WholeTileVectors(const Plan& p, const ExpandKernels& k) {
  uint32_t lane_bytes = 0, lanes = 0;
  k.tile_shape(p.group, &lane_bytes, &lanes);
  if (lane_bytes == 0 || lanes == 0 || p.dst_outer_stride % lane_bytes != 0) return 0;
  const uint64_t per_slice = p.dst_outer_stride / lane_bytes;  // output lanes
  const uint64_t slices = WholeVectorSlices(per_slice, Divisor(lanes), lanes);
  if (slices > p.outer) return 0;
  const uint64_t vectors = slices * per_slice / lanes;
  const uint64_t entry =
      ExpandEntryBytes(ExpandTakesMasks(p, k, lane_bytes, lanes, false), lane_bytes, lanes);
  return vectors <= TileState::kMaxEntries && vectors * entry <= TileState::kIndexBytes ? vectors
                                                                                        : 0;
}

// Whether a plan has fewer kernels (outer slices) than a tile of whole
// vectors needs, and they all fit the tile tables in one tile, up to
// kFewSliceTileBytes of dst: such a plan takes tile mode (tiles of the
// fewest slices with the least waste, the last vector of each spilling into
// the next), not vector rows, whose per-call setup (Prepare: a quarter of
// the call) it paid on every call. Best of 21 loops in one process against
// rows, plans on AVX-512 (AVX3_DL, an Intel Xeon VM): f32 K7 D3 with 5
// kernels (7.2 KB) 0.38-0.39 of the time, K7 D4 with 4 0.62-0.65, K11 D2
// with 5 0.61, K11 D3 with 2 0.46, K5 D3 with 12 0.57-0.62; f64 K7 D3
// with 3 0.54, K5 D3 with 6 / 7 0.75 / 0.84, K7 D2 with 6 / 7 0.82 /
// 0.91; u16 K7 D4 / K5 D4 at 7.5 / 8 KB 0.49 / 0.48. Beyond 10 KiB rows
// paid for their setup on some: f32 K5 D4 with 9 (10.2 KB) and K7 D3 with
// 9 / 15 (13 / 22 KB) still 0.57 / 0.51 / 0.72-0.79, but f64 K5 D4 / K7 D3
// at 11.5 KB 1.24 / 1.30, f32 K7 D4 at 20 / 30 KB 1.30 / 1.47, f64 K7 D4
// at 20 KB 2.09.
constexpr uint64_t kFewSliceTileBytes = 10 * 1024;

// Whether p has fewer kernels (outer slices) than a tile of whole vectors of
// k's tile shape needs.
bool FewerSlicesThanTile(const Plan& p, const ExpandKernels& k) {
  uint32_t lane_bytes = 0, lanes = 0;
  k.tile_shape(p.group, &lane_bytes, &lanes);
  if (lane_bytes == 0 || lanes == 0 || p.dst_outer_stride % lane_bytes != 0) return false;
  const uint64_t per_slice = p.dst_outer_stride / lane_bytes;  // output lanes
  return WholeVectorSlices(per_slice, Divisor(lanes), lanes) > p.outer;
}

bool FewSliceTilesFit(const Plan& p, const ExpandKernels& k) {
  if (p.dst_bytes > kFewSliceTileBytes || !FewerSlicesThanTile(p, k)) return false;
  uint32_t lane_bytes = 0, lanes = 0;
  k.tile_shape(p.group, &lane_bytes, &lanes);
  const uint64_t vector_bytes = uint64_t{lane_bytes} * lanes;
  const uint64_t vectors = (p.dst_bytes + vector_bytes - 1) / vector_bytes;  // one tile of all
  return vectors <= TileState::kMaxEntries && vectors * vector_bytes <= TileState::kIndexBytes;
}

// One-shot calls take vector rows over whole tiles of more than this many
// vectors, whose tables cost more to build per call.
constexpr uint64_t kMaxTileVectorsOverRows = 256;
// Unless the rows would run unaligned (tap rows under kMinAlignedRowStep
// apart: each row's vectors and fill split cache lines), where whole tiles
// of up to kMaxTileVectorsOverUnalignedRows vectors pay for their tables
// from kDstBytesPerTileVector bytes of dst per tile vector (8 tiles' worth
// of 512-bit vectors, 16 of 256-bit ones). Same-process A/B on the Zen 4
// EPYC VM, one-shot u16 (289 / 361 vectors a whole tile, rows 136 / 114
// bytes apart): K5 D4 at 256 KiB 0.72 / 0.69 / 0.68 / 0.82 of the time on
// AVX3_DL / AVX2 / AVX3 / SSE4 (0.37x -> 0.51x memset on AVX3_DL), at
// 192 KiB 0.72 / 0.73, 512 KiB 0.72 / 0.66; K7 D3 at 256 KiB 0.84-0.88 /
// 0.83-0.86 / 0.87 / 0.80, 192 KiB 0.89 / 0.94, 512 KiB 0.99 / 0.71. Below
// the threshold tiles lost (AVX2 K7 D3 at 128 / 160 KiB 1.11 / 1.09, K5 D4
// at 16 KiB 1.19), as did larger whole tiles (u16 K11 D2, 441 vectors: 1.29
// / 1.49 at 256 KiB; u16 K9 D3 on AVX2, 625: 1.06).
constexpr uint64_t kMaxTileVectorsOverUnalignedRows = 384;
constexpr uint64_t kDstBytesPerTileVector = 512;

// On Intel CPUs, where rows would run aligned, one-shot calls take whole
// tiles of up to kMaxTileVectorsOverAlignedRows vectors from
// kDstBytesPerTileVectorOverAlignedRows bytes of dst per tile vector (24
// tiles of 512-bit vectors): their tables then pay. Same-process A/B on an
// Intel Xeon VM (AVX-512, AMX, model 207), one-shot f32 against aligned
// rows, medians of three runs: K5 D4 (289 vectors a whole tile) at 512 KiB
// / 1 / 2 MiB 0.92 / 0.875 / 0.915 of the time (1 MiB 0.65x -> 0.86x
// memset), K7 D3 (361) 0.99 / 0.93 / 0.96, K3 D8 (289) 1.00 / 0.935 /
// 0.94; K7 D4 (625) 1.00 at 1 and 4 MiB. Below: K3 D8 at 320 / 384 KiB
// 1.037 / 1.014, K7 D3 at 320 / 400 KiB 1.05 / 1.005, so not from 1 KiB
// of dst per tile vector (K5 D4 at 256 KiB 0.92 would have gained, K3 D8
// there lost 1.03-1.07). Groups of up to 4 bytes: f64 K7 D3 took 1.03-1.08
// / 1.02 at 1 / 2 MiB (single runs; its rows run at 0.86x memset). Not
// on AMD: on the Zen 4 EPYC VM aligned rows had taken 0.81-0.86 of tiles'
// time for K7 D3 at 4 MiB, 0.69 for K7 D4.
constexpr uint64_t kMaxTileVectorsOverAlignedRows = 640;
constexpr uint64_t kDstBytesPerTileVectorOverAlignedRows = 1536;

// Vector rows instead of tile mode: for a one-shot call where a tile of
// whole vectors is large or overflows the tables, for a plan (its tables
// built once) only where it overflows them, or has fewer kernels than such
// a tile past kFewSliceTileBytes (FewSliceTilesFit). Same-process A/B (tools/ab.sh,
// an Intel Xeon VM with AVX-512 and AMX), f32 at 256 KiB against tile
// mode: AVX-512 one-shot K7 D4 / K5 D4 / K11 D3 / K7 D3 0.73 / 0.72 / 0.82 /
// 0.86 of the time (625 / 289 / 961 / 361 vectors a whole tile), plans K7
// D4 0.73 and K11 D3 0.77, but K7 D3 1.14 and K5 D4 1.04; AVX2 one-shot K7
// D4 0.72, K7 D3 0.91, K5 D3 1.00 (169), K3 D4 1.21 (81); f64 one-shot K7
// D4 0.74, K5 D3 1.05 (169: tiles of up to 256 vectors stay).
// (On Intel, see kMaxTileVectorsOverAlignedRows.)
bool TakesVectorRows(const Plan& p, const ExpandKernels& k, bool per_call) {
  if (VectorRowsFit(p, k) == 0) return false;
  const uint64_t whole = WholeTileVectors(p, k);
  if (whole == 0) return per_call || !FewSliceTilesFit(p, k);
  if (!per_call || whole <= kMaxTileVectorsOverRows) return false;
  const uint64_t step = p.axis[0].dilation * p.axis[0].dst_stride;  // as VectorRowsFit
  if (step >= kMinAlignedRowStep) {
    return !(p.group <= 4 && whole <= kMaxTileVectorsOverAlignedRows &&
             whole * kDstBytesPerTileVectorOverAlignedRows <= p.dst_bytes && IntelCpu());
  }
  return whole > kMaxTileVectorsOverUnalignedRows || whole * kDstBytesPerTileVector > p.dst_bytes;
}

bool TileCandidate(const Plan& p, const ExpandKernels& k, TileSide side, bool per_call,
                   const uint8_t* dst) {
  const bool expand = side == TileSide::kExpand;
  if (expand && TakesVectorRows(p, k, per_call)) return false;
  const uint64_t row = p.axis[p.rank - 1].dst_dim * p.group;
  if (row < kShortRowBytes) return true;
  // Out of cache, rows whose groups are whole cache lines (HWIO layouts of
  // 16 or more f32), dst line-aligned, stream every group and hole
  // (ExpandRowVectors in lib/expand-inl.h). Same-process A/B, f32 at 64 MiB on
  // AVX-512 against tile mode: inner 64 K5 D3 0.40 of the time (0.37x ->
  // 0.93x memset), inner 16 K7 D4 0.47 (0.47x -> 0.99x), inner 64 K3 D2
  // 0.89; inner 16 K7 D3 and inner 32 K5 D3 even; a plan's K5 D3 / K7 D4
  // 0.48 / 0.42.
  if (expand && StreamsDst(p) && p.group % kLineBytes == 0 && dst != nullptr &&
      reinterpret_cast<uintptr_t>(dst) % kLineBytes == 0) {
    return false;
  }
  if (row >= kLongRowBytes) return false;
  if (expand && per_call && p.dst_bytes < kColumnBytes) return false;
  // Out of cache, tile mode streams whole vectors, while row mode's runs of
  // a few hundred bytes that are not whole lines do not stream.
  if (expand && StreamsDst(p)) return true;
  uint32_t lane_bytes = 0, lanes = 0;
  k.tile_shape(p.group, &lane_bytes, &lanes);
  if (!expand && per_call && lane_bytes < 4 && p.outer <= kFewContractSlices) return false;
  return uint64_t{lane_bytes} * lanes >= 64;
}

// Whether a one-shot contract below kFewTilesBytes takes tiles of up to
// kCachedVectors after all: where the target gathers by pairs of whole
// vectors (TileState::pair_entries) and the call has at least
// kMinPairTiles tiles of whole vectors to apply one tile's tables to.
// Same-process A/B, f32 on AVX-512 at 256 KiB, against few-vector tiles:
// K3 D2 / K5 D2 / K5 D3 / K3 D4 26 / 34 / 37 / 13% less time; but K7 D4, 6
// such tiles, 59% more. From 16 tiles down to 8 (the Zen 4 EPYC VM, f32
// one-shot against 16): K3 D2 at 16 KiB (10 tiles) 0.52 of the time, 12.8
// KiB (8) 0.62, K3 D3 at 25 KiB (8) 0.58, K5 D2 / K3 D4 at 64 KiB (12)
// 0.60 / 0.71, K7 D2 at 86 KiB (8) 0.83, K7 D3 at 256 KiB (11) 0.90, K7 D4
// at 320 KiB (8) 0.91, K5 D3 at 86 / 99 KiB (8 / 9) 0.99 / 0.91; u8 / u16
// / f64 K3 D2 at 16 KiB 0.86 / 0.82 / 0.66. Down to 4 lost where the taps
// are sparse (more pair entries a tile): K5 D3 at 43 / 65 KiB (4 / 6 tiles)
// 1.12 / 1.04, K7 D4 at 200 KiB (5) 1.04.
constexpr uint64_t kMinPairTiles = 8;
// Where the expanded tensor has at most kDensePairRatio bytes per dense
// byte (dilation 2 on both axes: 2.8-3.4), from one whole tile per
// kDensePairTileVectors vectors of a tile (at least one). Against 8 tiles:
// f32 K3 D2 (9-vector tiles) at 1.6 / 2 / 3 / 3.2 / 4.8 / 8 / 11 KiB (1 / 1
// / 1 / 2 / 3 / 5 / 7 tiles) 0.58 / 0.63 / 0.62 / 0.63 / 0.64 / 0.63 /
// 0.60 of the time, f64 K3 D2 at 2 / 4.7 KiB 0.80 / 0.79; K5 D2 (25 vectors) at 6.8 / 15.6 / 20.7 /
// 36 KiB (1 / 3 / 4 / 7) 1.00 / 0.77 / 0.70 / 0.64; K7 D2 (49 vectors) at 12.8 / 32 / 43 / 65 KiB
// (1 / 3 / 4 / 6) 1.26 / 0.98 / 0.92 / 0.84. Lanes of 8 and 16 bits, once their pair tables took a
// pass of compares per vector instead of a step per lane (DenseContractTablesPairs; the Zen 5 EPYC
// VM, against 8 tiles): u8 / u16 K3 D2 at 11.2 KiB (7 tiles) 0.65 / 0.69 of the time, at 1.6 / 3.2
// / 4.8 / 8 KiB (1 / 2 / 3 / 5) 1.00 / 1.00 / 0.97-1.00 / 1.03; K5 D2 at 15.6 KiB (3) 0.83 / 0.79,
// u8 at 36 KiB (7) 0.84; K7 D2 at 12.8 / 32 KiB (1 / 3) 0.94 / 0.97; u16 3-D K3 D2 at 30 KiB 0.96;
// u8 3-D K3 D2 at 8 KiB (1 tile) 0.97-1.10 (10 ns steps of ~300 ns).
constexpr uint64_t kDensePairRatio = 4;
constexpr uint64_t kDensePairTileVectors = 16;

bool PairTilesPay(const Plan& p, const Target& target, const TileState& ts) {
  if (!ContractTakesPairs(p, *target.expand, ts.lane_bytes, ts.lanes)) return false;
  const uint64_t per_slice = Divisor(ts.lane_bytes).Div(p.src_outer_stride);  // output lanes
  const uint64_t slices = WholeVectorSlices(per_slice, Divisor(ts.lanes), ts.lanes);
  const uint64_t tiles = Divisor(slices).Div(p.outer);
  if (p.dst_bytes / kDensePairRatio <= p.src_bytes) {                        // expanded, dense
    const uint64_t vectors = slices * per_slice / ts.lanes;                  // a whole tile's
    const uint64_t min_tiles = vectors / kDensePairTileVectors;
    return tiles >= (min_tiles > 1 ? min_tiles : 1);
  }
  return tiles >= kMinPairTiles;
}

// Whether whole-vector tiles take column order on this target and CPU
// (ExpandKernels::tile_columns, measured per target). AVX2 was measured both
// ways: tile order on an AVX-512 Xeon, columns on the Zen 5 EPYC
// (same-process A/B, f32 at 256 KiB: K3 D2 / K5 D3 / K3 D4 / K5 D2 0.68-0.83
// of the time one-shot, 0.70-0.76 with a plan; 1 MiB 0.75-0.90), so AVX2
// takes columns on AMD CPUs. DILATE_AVX2_COLUMNS=1 or 0 in the environment
// (read once) overrides the CPU's vendor, so the tests run AVX2's column
// loops and its tile order on every x86 machine (tests/CMakeLists.txt).
bool TakesColumns(const Target& target) {
  if (target.expand->tile_columns) return true;
#if HWY_ARCH_X86
  if (target.bit == HWY_AVX2) {
    static const bool columns = EnvSwitch("DILATE_AVX2_COLUMNS", AmdCpu());
    return columns;
  }
#endif
  return false;
}

// Whether a one-shot streaming expand into `out` takes tiles of half-width
// vectors (TileState::half): where a tile of whole full-width vectors
// overflows the tables but one of whole half-width vectors fits them, and
// out is aligned to half a vector. (Otherwise tiles that do not end on a
// vector stream through ApplyTilesStaged.) Same-process A/B, f32 at 256 MiB
// on AVX-512 (K7 D4: 625 vectors a tile at full width; AVX2's whole 256-bit
// tiles had taken 0.82 of the time of AVX3_DL's staged ones): K7 D4 0.81 of
// the time where memset took 4.0 ms (0.65x -> 0.80x memset), 0.94 where
// DRAM was slower (memset 6.6-10 ms); K11 D3 0.95. A plan's tables do not
// know dst's alignment and keep full-width tiles there. An expand in cache
// takes them too at any lane size (no alignment needed), where its
// alternative is tiles of a few vectors whose last spills into the next:
// with a plan (`reused`), and one-shot from kColumnBytes, below which
// building the larger tables per call costs more. Same-process A/B,
// AVX3_DL, K7 D4 (625 vectors a whole tile at full width): plans at 256 KiB
// u8 / u16 0.91 / 0.87 of the time (0.62x -> 0.69x, 0.59x -> 0.67x
// memset); one-shot at 2 MiB u8 / u16 0.84 / 0.83 (0.68x -> 0.83x), u16 at
// 8 MiB 0.96; but one-shot at 256 KiB u8 / u16 1.15 / 1.05.
bool TakesHalfTiles(const Plan& p, const ExpandKernels& k, const TileState& ts, const uint8_t* out,
                    bool reused) {
  const uint64_t lb = ts.lane_bytes, lanes = ts.lanes;
  if (lanes * lb != 64 || p.dst_outer_stride % lb != 0) return false;
  if (ts.stream &&
      (lb < 4 || out == nullptr || reinterpret_cast<uintptr_t>(out) % (lanes / 2 * lb) != 0)) {
    return false;
  }
  if (!ts.stream && !reused && p.dst_bytes < kColumnBytes) return false;
  const uint64_t per_slice = p.dst_outer_stride / lb;  // output lanes
  // Vectors of a tile of whole `n`-lane vectors, if the tables hold it, else 0.
  const auto whole_tile = [&](uint64_t n) -> uint64_t {
    const uint64_t slices = WholeVectorSlices(per_slice, Divisor(n), n);
    if (slices > p.outer) return 0;
    const uint64_t vectors = slices * per_slice / n;
    const uint64_t entry = ExpandEntryBytes(ExpandTakesMasks(p, k, lb, n, ts.stream != 0), lb, n);
    return vectors <= TileState::kMaxEntries && vectors * entry <= TileState::kIndexBytes ? vectors
                                                                                          : 0;
  };
  return whole_tile(lanes) == 0 && whole_tile(lanes / 2) != 0;
}

// Builds tile-mode tables for `side` into *ts (its fill pattern at
// `pattern`, for expand), with tiles up to the table limit when `reused`
// (a plan's tables, built once). False when tile mode does not fit.
bool MakeTiles(const Plan& p, const Target& target, TileSide side, const uint8_t* pattern,
               bool reused, TileState* ts, const uint8_t* out) {
  const bool expand = side == TileSide::kExpand;
  ts->pattern = expand ? pattern : nullptr;  // contract starts from zero, not the fill
  ts->stream = expand && StreamsDst(p) ? 1 : 0;
  target.expand->tile_shape(p.group, &ts->lane_bytes, &ts->lanes);
  ts->half = 0;
  if (expand && target.expand->half_tiles && TakesHalfTiles(p, *target.expand, *ts, out, reused)) {
    ts->lanes /= 2;
    ts->half = 1;
  }
  TileSize size = TileSize::kCached;
  if (reused || ts->stream) {
    size = TileSize::kLarge;
  } else if (!expand && p.dst_bytes < kFewTilesBytes && !PairTilesPay(p, target, *ts)) {
    size = TileSize::kFew;
  }
  if (!BuildTiles(p, *target.expand, side, size, ts)) return false;
  // Column order only for whole-vector tiles: where a tile's last vector
  // spills into the next, every store splits a line written again a column
  // later (K5 D2 f32, 256 KiB, AVX-512: 0.30x memset by columns, 0.60x not).
  // And only where the target takes columns (TakesColumns), and narrow
  // tiles only on AVX2 (AVX3 u8 at 256 KiB on an Intel Xeon VM: tile order
  // 0.70-0.75 of the time of columns, same-process A/B; AVX2 takes columns
  // on AMD CPUs alone, where on the Zen 4 EPYC VM narrow columns took 0.76
  // of the time of tile order at 256 KiB: u8 / u16 K3 D2, K5 D3, a plan's
  // u8 K3 D2; u16 K3 D2 at 1 MiB 0.89).
  ts->columns = expand && TakesColumns(target) && p.dst_bytes <= kColumnBytes &&
                        ts->out_lanes % ts->lanes == 0 && !ts->masks &&
                        (!ts->narrow || target.bit == HWY_AVX2)
                    ? 1
                    : 0;
  return true;
}

// Tile mode with built tables: expand (in = src, out = dst) or contract
// (in = the expanded tensor, out = dense).
void ApplyTiled(const Plan& p, const Target& target, TileSide side, const uint8_t* in,
                uint64_t in_bytes, uint8_t* out, const Threading& threading, const TileState& ts) {
  const auto apply =
      side == TileSide::kExpand ? target.expand->expand_tiles : target.contract->contract_tiles;
  const uint64_t tiles = (p.outer + ts.slices - 1) / ts.slices;
  auto chunk = [&](uint64_t t0, uint64_t t1) {
    const uint64_t s1 = t1 * ts.slices < p.outer ? t1 * ts.slices : p.outer;
    apply(out, in, in_bytes, t0 * ts.slices, s1, ts);
  };
  ForEachChunk(tiles, p.dst_bytes, threading, chunk);
}

// Tile mode, tables built for this call, when the plan fits it; false
// otherwise (nothing written).
DILATE_NOINLINE bool RunTiled(const Plan& p, const Target& target, TileSide side, const uint8_t* in,
                              uint64_t in_bytes, uint8_t* out, const Threading& threading) {
  alignas(64) uint8_t pattern[kPatternBytes];
  TileState ts;
  const bool expand = side == TileSide::kExpand;
  if (expand) FillPattern(p, pattern);
  if (!MakeTiles(p, target, side, expand ? pattern : nullptr, false, &ts, out)) return false;
  ApplyTiled(p, target, side, in, in_bytes, out, threading, ts);
  return true;
}

// Tile mode for a call: the prepared tables when they are for this target,
// else tables built now. False: row mode.
bool TryTiles(const Plan& p, const Target& target, TileSide side, const uint8_t* in,
              uint64_t in_bytes, uint8_t* out, const Threading& threading,
              const Prepared* prepared) {
  const bool planned = prepared != nullptr && prepared->target == &target;
  if (!TileCandidate(p, *target.expand, side, !planned, out)) return false;
  if (planned) {
    const TileState* ts = side == TileSide::kExpand ? prepared->expand : prepared->contract;
    if (ts == nullptr) return false;  // the plan found tile mode does not fit
    ApplyTiled(p, target, side, in, in_bytes, out, threading, *ts);
    return true;
  }
  return RunTiled(p, target, side, in, in_bytes, out, threading);
}

// No taps at all: dst is one fill.
DILATE_NOINLINE void FillAll(const Plan& p, const Target& target, uint8_t* dst) {
  alignas(64) uint8_t pattern[kPatternBytes];
  FillPattern(p, pattern);
  RowState st;
  InitRowState(p, pattern, StreamsDst(p), &st);
  target.expand->fill(dst, p.dst_bytes, st);
  if (st.stream) FlushStreamingStores();
}

DILATE_NOINLINE void ExpandRows(const Plan& p, const Target& target, const uint8_t* src,
                                uint8_t* dst, const Threading& threading) {
  const ExpandKernels& k = *target.expand;
  alignas(64) uint8_t pattern[kPatternBytes];
  FillPattern(p, pattern);
  RowState st;
  InitRowState(p, pattern, StreamsDst(p), &st);
  k.prepare(&st);
  if (p.rank == 2) {
    st.row_vectors = VectorRowsFit(p, k);
    // One kernel call per chunk: a walk and two calls per row cost ~20% of
    // a one-shot HWIO expand in L2 (K3 D2 f32, inner 64: 1,280-byte rows).
    const Axis &a0 = p.axis[0], &a1 = p.axis[1];
    RowGrid g;
    g.row_bytes = a0.dst_stride;
    g.rows = a0.dst_dim;
    g.first_row = a0.Taps() != 0 ? a0.FirstTapPos() : 0;
    g.row_step = a0.dilation;
    g.tap_rows = a0.Taps();
    g.taps = a1.Taps();
    g.tap_offset = a1.Taps() != 0 ? a1.FirstTapPos() * a1.dst_stride : 0;
    g.tap_span = a1.Taps() != 0 ? ((a1.Taps() - 1) * a1.dilation + 1) * p.group : 0;
    g.src_first = a0.tap_begin * a0.src_stride + a1.tap_begin * a1.src_stride;
    g.src_row_bytes = a0.src_stride;
    g.src_slice_bytes = p.src_outer_stride;
    g.src_bytes = p.src_bytes;
    auto chunk = [&](uint64_t u0, uint64_t u1) {
      k.expand_grid(dst, src, u0, u1, g, st);
      if (st.stream) FlushStreamingStores();
    };
    ForEachChunk(p.outer * UnitsPerSlice(p), p.dst_bytes, threading, chunk);
    return;
  }
  const uint64_t unit_bytes = p.rank == 1 ? p.dst_outer_stride : p.axis[0].dst_stride;
  auto chunk = [&](uint64_t u0, uint64_t u1) {
    uint64_t fill_from = u0 * unit_bytes;
    auto row = [&](uint64_t core, uint64_t from, uint64_t taps) {
      if (core > fill_from) k.fill(dst + fill_from, core - fill_from, st);
      k.expand_row(dst + core, src + from, taps, st);
      fill_from = core + ((taps - 1) * st.dilation + 1) * st.group;
    };
    RowWalker<decltype(row)>(p, row).Walk(u0, u1);
    const uint64_t end = u1 * unit_bytes;
    if (end > fill_from) k.fill(dst + fill_from, end - fill_from, st);
    if (st.stream) FlushStreamingStores();
  };
  ForEachChunk(p.outer * UnitsPerSlice(p), p.dst_bytes, threading, chunk);
}

// Every axis maps src to dst unchanged (1x1 kernels, dilation 1 without
// padding): dst is src, byte for byte.
bool IsCopy(const Plan& p) {
  for (uint32_t i = 0; i < p.rank; ++i) {
    if (!p.axis[i].IsIdentity()) return false;
  }
  return p.src_bytes == p.dst_bytes;
}

// dst[0, bytes) = src[0, bytes), split like any other call. Measured: K1 D2
// f32, 256 KiB: tile mode 0.29x memset (AVX2 0.19x), this 0.49x.
DILATE_NOINLINE void CopyAll(const Plan& p, const uint8_t* src, uint8_t* dst,
                             const Threading& threading) {
  constexpr uint64_t kUnit = 64 * 1024;  // bytes per unit of work
  const uint64_t units = (p.dst_bytes + kUnit - 1) / kUnit;
  auto chunk = [&](uint64_t u0, uint64_t u1) {
    const uint64_t b0 = u0 * kUnit, b1 = u1 * kUnit < p.dst_bytes ? u1 * kUnit : p.dst_bytes;
    memcpy(dst + b0, src + b0, b1 - b0);
  };
  ForEachChunk(units, p.dst_bytes, threading, chunk);
}

// How a call handles p, decided once here for the calls and for
// PrepareTiles alike. kWalk: tile mode where it fits, else row mode.
enum class Route { kNone, kSmall, kFill, kCopy, kWalk };

// Whether a one-shot expand past kSmallBytes costs less through ExpandSmall
// (dst filled, then the taps stored row by row, scalar, no tables) than
// through the tile tables it would build for this call: while the walk's
// stores, weighed as below, are at most kWalkStores. A tap group of 16
// bytes or more is stored in 16-byte pieces, a narrower one element by
// element (two stores an element where there are several: their inner
// loop); a row costs about four stores (eight past rank 2, walked by
// RowWalker's recursion); the fill a store per 64 bytes. Same-process A/B
// on the Intel Xeon VM (tools/ab_harness.c, ExpandSmall against the tile
// path; f32 unless said, weighed stores in brackets): one 3-D K5 D3
// kernel (8.8 KB; 462) 0.13 of the time, 3-D K3 D2 at 2 / 3 KB (427 / 640)
// 0.70-0.71 / 0.74-1.14, 1-D K3 D2 at 2 KB (745) 0.82, OHWI inner 3 K3 D2
// at 2 KB (424) 0.84, inner 8 at 4 KB (212) 0.56, inner 16 at 4 / 8 / 16
// KB (146 / 365 / 730) 0.36 / 0.50 / 0.83, f64 inner 2 at 4 KB (272)
// 0.84, K7 D4 at 16 KB (696) 0.73; beyond it lost or even: 3-D K3 D2 at 4
// / 8 KB (854 / 1,709) 0.88-1.13 / 1.20, 1-D K3 D2 at 4 KB (1,491) 1.47,
// inner 3 at 4 / 9.6 KB (918 / 2,262) 0.85-1.12 / 1.49, u8 3-D K3 D2 at 2
// KB (1,615) 1.36, K5 D2 at 8 KB (1,251) 0.98, inner 64 K3 D2 at 25 KB
// (1,024) 0.87-0.98.
constexpr uint64_t kWalkStores = 800;
constexpr uint64_t kWalkMaxBytes = 64 * 1024;  // (and so no overflow below)
// The walk's stores, weighed as above (dst of at most kWalkMaxBytes).
uint64_t WalkStores(const Plan& p) {
  uint64_t rows = p.outer;
  for (uint32_t i = 0; i + 1 < p.rank; ++i) rows *= p.axis[i].Taps();
  const uint64_t taps = rows * p.axis[p.rank - 1].Taps();
  const uint64_t elems = p.group / p.elem_size;
  const uint64_t per_tap = p.group >= 16 ? (p.group + 15) / 16 : elems == 1 ? 1 : 2 * elems;
  const uint64_t per_row = p.rank > 2 ? 8 : 4;  // (RowWalker's recursion past rank 2)
  return taps * per_tap + per_row * rows + p.dst_bytes / 64;
}
bool WalkPays(const Plan& p) {
  return p.dst_bytes <= kWalkMaxBytes && WalkStores(p) <= kWalkStores;
}

// Whether a one-shot call that the walk would take (WalkPays, or both
// tensors of at most kSmallBytes) takes the vector loop of
// ExpandKernels::planes / ContractKernels::planes first, where that fits:
// past a number of weighed stores of taps moved element by element (groups
// under 16 bytes; groups of 16 bytes or more the walk copies in 16-byte
// pieces: inner 8 / 16 at 6.4 KB expand 1.03 / 1.15 by the vector loop).
//
// Expand, past kPlanesOverWalkStores; twice that past rank 2 and for bytes.
// Best of 21 loops in one process against the walk, f32 unless said
// (weighed stores in brackets): 1-D K3 D2 at 0.5 / 1 / 2 KB (182 / 365 /
// 731) 0.98 / 0.68 / 0.37 of the time, u8 at 0.5 / 1 KB (707 / 1,415) 0.61
// / 0.28, u16 at 1 KB (715) 0.46, f64 at 1 KB (190) 0.94; 1-D K5 D3 at 1 /
// 3 KB (186 / 588) 0.70 / 0.38; 3-D K3 D2 at 2 KB (427) 0.66, u8 at 0.5 / 1
// KB (403 / 807) 0.66 / 0.38; OHWI inner 3 at 0.9 / 2.1 KB (212 / 494) 0.72
// / 0.36. Below: 1-D K3 D2 u8 at 100 / 250 bytes (141 / 353) 1.41 / 1.12,
// f32 at 200 bytes (73) 1.51, 3-D K3 D2 at 1 KB (213) 1.18-1.40.
//
// Contract (ContractSmall without the hole check, which moves only the
// taps): past half as many up to rank 2, twice as many past it.
// Same-process A/B against the vector loop, f32 unless said: 1-D K3 D2 at
// 240 B (87) 0.84 of the time, f64 at 240 / 480 B (87) 0.75 / 0.83; 3-D K3
// D2 at 500 B / 1 KB (103 / 206) 0.54-0.56 / 0.82, u16 0.55 / 0.84, f64 at
// 1 KB (103) 0.67; beyond them lost: 1-D K3 D2 at 500 B (182) 1.33, K5 D3
// at 1 KB (186) 1.17, u16 / u8 at 250 B (182 / 354) 1.28 / 1.64.
constexpr uint64_t kPlanesOverWalkStores = 200;
bool PlanesBeforeWalk(const Plan& p, TileSide side) {
  if (p.group >= 16 || p.dst_bytes > kWalkMaxBytes) return false;
  uint64_t over = kPlanesOverWalkStores;
  if (side == TileSide::kExpand) {
    if (p.rank > 2 || p.elem_size == 1) over *= 2;
  } else {
    over = p.rank > 2 ? 2 * over : over / 2;
  }
  return WalkStores(p) > over;
}

// Whether a plan of small tensors (its tap list: ListSmallTaps) takes the
// vector loop of ExpandKernels::planes / ContractKernels::planes first, where
// that fits: past kPlanesOverListTaps tap elements (twice that for contracts
// past rank 2), as the list moves an element at a time (~0.4 ns each here)
// while the loop builds its tables per call.
constexpr uint32_t kPlanesOverListTaps = 200;
bool PlanesBeforeList(const Plan& p, const Prepared& prepared, TileSide side) {
  const uint32_t over =
      side == TileSide::kContract && p.rank > 2 ? 2 * kPlanesOverListTaps : kPlanesOverListTaps;
  return prepared.small_pairs != nullptr && prepared.small_taps > over && p.group < 16;
}

Route ExpandRoute(const Plan& p) {
  if (p.dst_bytes == 0) return Route::kNone;
  if (p.dst_bytes <= kSmallBytes) return Route::kSmall;
  if (p.src_bytes == 0) return Route::kFill;
  // In cache; out of it the tile and row paths' non-temporal stores beat
  // memcpy in 64 KiB pieces (K1 D2 f32, 64 MiB: 0.35x vs 0.24x memset).
  if (!StreamsDst(p) && IsCopy(p)) return Route::kCopy;
  return Route::kWalk;
}

// kNone: every tap is cropped away (or there are none); kFill: no taps to
// gather, only holes to verify.
Route ContractRoute(const Plan& p) {
  if (p.dst_bytes <= kSmallBytes && p.src_bytes <= kSmallBytes) return Route::kSmall;
  if (p.dst_bytes == 0) return Route::kNone;
  if (p.src_bytes == 0) return Route::kFill;
  if (IsCopy(p)) return Route::kCopy;  // no holes to verify
  return Route::kWalk;
}

}  // namespace

bool WidePlanes(const Target& target) {
#if HWY_ARCH_X86
  if (target.bit == HWY_AVX3 || target.bit == HWY_AVX3_DL) {
    static const bool wide = EnvSwitch("DILATE_WIDE_PLANES", AmdZen5OrLater());
    return wide;
  }
#endif
  static_cast<void>(target);
  return false;
}

bool ShiftPlanes(const Target& target) {
#if HWY_ARCH_X86
  if (target.bit == HWY_AVX2) {
    static const bool shift = EnvSwitch("DILATE_SHIFT_PLANES", true);
    return shift;
  }
#endif
  static_cast<void>(target);
  return false;
}

bool PlanKeepsTables(const Target& target, uint32_t esize, uint64_t k) {
#if HWY_ARCH_X86
  if (target.bit == HWY_AVX3 || target.bit == HWY_AVX3_DL) return k * k * esize > kPairWindowBytes;
  return target.bit == HWY_AVX2 && esize < kShiftLaneBytes && k * k * esize > kShiftWindowBytes;
#else
  static_cast<void>(target);
  static_cast<void>(esize);
  static_cast<void>(k);
  return false;
#endif
}

namespace {

// Whether an expand that the walk does not take tries the vector loop of
// small kernels (ExpandKernels::planes) before tiles: one-shot up to
// kSquarePlanesBytes; where WidePlanes, up to kWidePlanesBytes, one-shot
// and (past kWidePlanPlanesMinBytes) with a plan. For dilate_expand_2d's
// shape (IsSquare, any fill) past kWideSquarePlanesKernels (the square
// loop's limit, SquarePlanesLoop), only in lanes of 1 or 2 bytes but K3 D2
// in 2: there tiles of vector pairs (the pair loop with constant moves for
// K3 D2, K3D2PairMoves in lib/simd-inl.h) hold their own. And plans never
// for K3 D2. Medians of four same-process A/B runs (tools/ab.sh, both
// orders) on the Zen 5 EPYC VM against tiles, one-shot past 1,024 kernels:
// u8 K3 D2 at 32 / 256 KiB 0.76 / 0.86, u8 / u16 K3 D3 at 256 KiB 0.81 /
// 0.84; but f32 K3 D3 1.04, f32 / u16 K3 D2 1.00 / 1.01 (u16 at 128 KiB
// 1.07), and f32 K3 D2 with a fill at 256 KiB even there but 0.74-0.76x
// memset in the suite against 0.80-0.81x by tiles. With a fill, up to
// 1,024 kernels: f32 K3 D2 at 32 / 64 KiB 0.76-0.87 / 0.84-0.87. With a
// plan, against its tables: f32 K5 D2 / K3 D4 at 256 KiB (809 kernels) 0.87
// / 0.94, 3-D K3 D2 at 64 / 256 KiB 0.80 / 0.69, 1-D K3 D2 0.89, OHWI inner
// 3 K3 D2 at 24 / 256 KiB 0.81 / 0.78, u8 K5 D3 0.69, u16 K3 D3 0.89; but
// f32 K3 D3 at 256 KiB (1,337 kernels) 1.10, 3-D at 2 / 8 KiB 1.38 / 1.19,
// f32 K3 D2 at 16 / 32 KiB 1.11 / 1.02 and u8 K3 D2 at 64 KiB 1.02-1.07.
// Past kWidePlanesBytes, `serial` one-shot calls (no caller's runner) where
// SerialPlanesPay (lib/small.h). On AVX2, one-shot calls up to
// kShiftPlanesBytes where ShiftPlanesPay (lib/driver.h). Plans not where
// a kernel's src passes kPairWindowBytes (they would take shifted windows:
// f32 K7 D2 at 64 / 128 KiB 1.25 / 1.27 of the time of their tables).
bool PlanesBeforeTiles(const Plan& p, const Target& target, const Prepared* prepared, bool serial) {
  if (prepared == nullptr && p.dst_bytes <= kSquarePlanesBytes) return true;
  // Plans keep their tables where the loops would take shifted windows.
  if (prepared != nullptr && p.src_outer_stride > kPairWindowBytes) return false;
  if (prepared == nullptr && ShiftPlanesPay(target, p.dst_bytes, p.src_outer_stride, p.group)) {
    return true;
  }
  if (prepared == nullptr && serial && WidePlanes(target) &&
      SerialPlanesPay(p.dst_bytes, SquareAxes(p), p.axis[1].src_dim, p.axis[1].dilation, p.group)) {
    return true;
  }
  if (p.dst_bytes > kWidePlanesBytes || !WidePlanes(target)) return false;
  if (prepared != nullptr && p.dst_bytes <= kWidePlanPlanesMinBytes) return false;
  if (!IsSquare(p)) return true;
  const bool k3d2 = p.axis[1].src_dim == 3 && p.axis[1].dilation == 2;
  if (prepared != nullptr && k3d2) return false;
  return p.outer <= kWideSquarePlanesKernels || p.elem_size == 1 || (p.elem_size == 2 && !k3d2);
}

}  // namespace

void RunExpand(const Plan& p, const Target& target, const uint8_t* src, uint8_t* dst,
               const Threading& threading, const Prepared* prepared) {
  switch (ExpandRoute(p)) {
    case Route::kNone:
      return;
    case Route::kSmall:
      // dilate_expand_2d's case, described: its loop (the small call, K3 D2
      // f32: one-shot 32 -> 26 ns, with a plan 8.9 -> 8.7 ns).
      if (ExpandIfSquare(p, src, dst)) return;
      if ((prepared == nullptr ? PlanesBeforeWalk(p, TileSide::kExpand)
                               : PlanesBeforeList(p, *prepared, TileSide::kExpand)) &&
          target.expand->planes(p, src, dst)) {
        return;
      }
      if (prepared != nullptr && prepared->small_pairs != nullptr) {
        return ExpandListed(p, prepared->small_pairs, prepared->small_taps, src, dst);
      }
      return ExpandSmall(p, src, dst);
    case Route::kFill:
      return FillAll(p, target, dst);
    case Route::kCopy:
      return CopyAll(p, src, dst, threading);
    case Route::kWalk:
      // Serial without a caller's runner: SerialPlanesPay stops below
      // kBytesPerStartedThread.
      static_assert(kWideSerialPlanesBytes < kBytesPerStartedThread, "serial planes");
      const bool serial = threading.parallel_for == nullptr;
      // dilate_expand_2d's case, one-shot (with options): as SquareSmallLoop
      // in lib/api.cc, the target's vector loop where it fits, else the
      // scalar loop while it pays.
      if (prepared == nullptr && ExpandSquareFnFor(p) != nullptr) {
        const uint64_t k = p.axis[1].src_dim, d = p.axis[1].dilation;
        SquareSmallFn loop = SquarePlanesLoop(target, p.elem_size, k, d, p.dst_bytes, serial);
        if (loop == nullptr && SquareExpandPays(p.dst_bytes, p.src_bytes / p.elem_size, k)) {
          loop = ExpandSquareFnFor(p);
        }
        if (loop != nullptr) {
          loop(p.outer, k, d, src, dst);
          return;
        }
      }
      const bool walk = prepared == nullptr && WalkPays(p);
      if (walk && !PlanesBeforeWalk(p, TileSide::kExpand)) return ExpandSmall(p, src, dst);
      // One-shot, kernels whose src slice fits a vector or two and whose dst
      // slice fits a few: the target's vector loop, one or more kernels at a
      // time (ExpandKernels::planes), in L1 (kSquarePlanesBytes,
      // lib/small.h), where the walk does not pay (or PlanesBeforeWalk).
      // Several kernels a plane: 1-D K3 D2 at 4 / 20 KB f32 0.34 / 0.51 of
      // the time of tiles, u8 at 10 KB 0.51, u16 at 2 / 20 KB 0.33 / 0.65.
      // Serial, as threads never split so little. Best of 21 loops in one process against tiles,
      // f32 at 4 / 8 / 16 / 24 KB: OHWI inner 3 K3 D2 0.53 / 0.58 / 0.61 / 0.56 of the time, 3-D K3
      // D2 0.63 / 0.60 / 0.62 (u16 inner 3 at 8 KB 0.53). Not for plans: against their tables 3-D
      // K3 D2 at 2 / 8 KB took 1.49 / 1.20 (4 KB 0.42, inner 3 at 4 / 8 KB 0.37 / 0.95);
      // larger, where WidePlanes (PlanesBeforeTiles).
      static_assert(kSquarePlanesBytes <= kMinParallelBytes &&
                        kWidePlanesBytes <= kMinParallelBytes &&
                        kShiftPlanesBytes <= kMinParallelBytes,
                    "vector-loop expands are serial");
      if (PlanesBeforeTiles(p, target, prepared, serial) && target.expand->planes(p, src, dst)) {
        return;
      }
      if (walk) return ExpandSmall(p, src, dst);
      if (TryTiles(p, target, TileSide::kExpand, src, p.src_bytes, dst, threading, prepared)) {
        return;
      }
      return ExpandRows(p, target, src, dst, threading);
  }
}

namespace {

DILATE_NOINLINE bool ContractRows(const Plan& p, const Target& target, const uint8_t* expanded,
                                  uint8_t* dense, bool verify, const Threading& threading) {
  const ContractKernels& k = *target.contract;
  const ExpandKernels& zero_fill = *target.expand;
  RowState zero;  // a fill state whose pattern is zero, for cropped elements
  static const uint8_t kZeros[kPatternBytes] = {};
  InitRowState(p, kZeros, false, &zero);
  alignas(64) uint8_t pattern[kPatternBytes];
  FillPattern(p, pattern);
  RowState st;
  InitRowState(p, pattern, false, &st);
  k.prepare(&st);
  const uint64_t unit_bytes = p.rank == 1 ? p.dst_outer_stride : p.axis[0].dst_stride;
  const Axis& a0 = p.axis[0];
  // Where unit u's part of the dense tensor starts (see the file comment).
  auto dense_start = [&](uint64_t u) -> uint64_t {
    if (p.rank == 1) return u * p.src_outer_stride;
    const uint64_t o = u / a0.dst_dim, y = u % a0.dst_dim;
    uint64_t at = o * p.src_outer_stride;
    if (y != 0) {
      const int64_t rel = static_cast<int64_t>(y) - a0.lo;
      uint64_t x = rel <= 0 ? 0 : (static_cast<uint64_t>(rel) + a0.dilation - 1) / a0.dilation;
      if (x > a0.src_dim) x = a0.src_dim;
      at += x * a0.src_stride;
    }
    return at;
  };
  std::atomic<bool> holes_ok{true};
  auto chunk = [&](uint64_t u0, uint64_t u1) {
    uint64_t zero_from = dense_start(u0);
    uint64_t check_from = u0 * unit_bytes;
    bool ok = true;
    auto row = [&](uint64_t core, uint64_t to, uint64_t taps) {
      if (to > zero_from) zero_fill.fill(dense + zero_from, to - zero_from, zero);
      k.contract_row(dense + to, expanded + core, taps, st);
      zero_from = to + taps * st.group;
      if (verify) {
        ok &= k.is_fill(expanded + check_from, core - check_from, st);
        ok &= k.row_holes_are_fill(expanded + core, taps, st);
        check_from = core + ((taps - 1) * st.dilation + 1) * st.group;
      }
    };
    RowWalker<decltype(row)>(p, row).Walk(u0, u1);
    const uint64_t dense_end = dense_start(u1);
    if (dense_end > zero_from) zero_fill.fill(dense + zero_from, dense_end - zero_from, zero);
    if (verify) {
      ok &= k.is_fill(expanded + check_from, u1 * unit_bytes - check_from, st);
      if (!ok) holes_ok.store(false, std::memory_order_relaxed);
    }
  };
  ForEachChunk(p.outer * UnitsPerSlice(p), p.dst_bytes, threading, chunk);
  return holes_ok.load();
}

}  // namespace

// A one-shot contract without the hole check takes the vector loop of small
// kernels (ContractKernels::planes) below 1 KiB, before the walk where
// PlanesBeforeWalk, and up to this many expanded bytes, before tiles.
// Same-process A/B (tools/ab.sh contract) against the walk / tiles, f32
// unless said: 1-D K3 D2 at 0.5 / 4 / 8 / 12 / 20 KB 0.48 / 0.87 / 1.03 /
// 1.08 / 1.34 of the time, u8 at 1 / 10 / 20 KB 0.25 / 0.78 / 0.99, u16 at 2
// KB 0.36, f64 K5 D3 at 5.2 KB 0.74, 3-D K3 D2 at 1 / 4 / 16 KB 0.96-1.20 /
// 0.67 / 0.74, OHWI inner 3 at 3.9 / 12 KB 0.57 / 0.66. 1-D f32 past 8 KB
// keeps its dense tables.
// Past rank 2, up to kContractPlanesBytesRank3: tiles of 3-D kernels take
// the general table writer. Against tiles (the Zen 5 EPYC VM), 3-D K3 D2
// u8 at 16 / 32 / 64 KB 0.29 / 0.36 / 0.82 of the time, u16 0.52 / 0.55 /
// 0.67, f32 0.51 / 0.55 / 0.70; at 256 KB u8 1.13, f32 0.89, f64 even. (1-D
// and 2-D at 16 KB: u8 0.96 / 0.97, u16 1-D 1.04, f32 2-D 1.04; beyond, up
// to 2x.)
constexpr uint64_t kContractPlanesBytes = 8 * 1024;
constexpr uint64_t kContractPlanesBytesRank3 = 64 * 1024;

// Where WidePlanes, a one-shot contract whose kernel's expanded slice takes
// more than kWideContractPlaneBytes (five or more 512-bit vectors: one
// kernel a plane) takes the vector loop too, before tiles, whose per-call
// tables and index loads cost more: up to kWideContractPlanesBytes without
// a caller's runner, else up to kWidePlanesBytes (a runner splits from
// kMinParallelBytes, started threads from kBytesPerStartedThread; the loop
// is serial). Medians of four same-process A/B runs (tools/ab.sh, both
// orders) on the Zen 5 EPYC VM against tiles, at 256 KiB: u16 K5 D3 / K7
// D2 0.87 / 0.82 of the time, u8 K7 D3 / K5 D4 0.72 / 0.88, f32 K5 D2
// 0.92, 3-D K3 D2 f32 0.88; at 128 KiB u16 K5 D3 0.73, u8 K7 D3 0.56, f32
// K5 D2 0.90; u8 K7 D3 at 64 KiB 0.51; f32 K3 D4, OHWI inner 3 K3 D2 and
// 1-D K11 D8 0.98-1.00; AVX3 forced, u16 K5 D3 / K7 D2 0.83 / 0.88
// (single runs). At or below the limit the loop lost (single runs): u8 K5
// D3 (169-byte slices) 1.09, u16 K5 D2 (162) 1.05, u8 K3 D4 (three
// 81-byte kernels a plane) 1.13, every K3 D2 (1.6-2.8). Past 256 KiB
// (medians of four): at 512 KiB f32 K5 D2, u16 K5 D3 0.93, u8 K7 D3 0.83;
// at 1 MiB u16 K5 D3 1.00, f32 K5 D2 1.05; at 4 MiB 0.91 / 0.98 (16 MiB,
// single runs: 0.94-1.08).
constexpr uint64_t kWideContractPlaneBytes = 256;
constexpr uint64_t kWideContractPlanesBytes = 512u << 10;

namespace {
static_assert(kWideContractPlanesBytes < kBytesPerStartedThread,
              "no thread is started for a contract the vector loop takes");
bool WideContractPlanes(const Plan& p, const Target& target, const Threading& threading) {
  const bool serial = threading.parallel_for == nullptr;  // (see the static_assert)
  return p.dst_bytes <= (serial ? kWideContractPlanesBytes : kWidePlanesBytes) &&
         p.dst_outer_stride > kWideContractPlaneBytes && WidePlanes(target);
}
}  // namespace

// One-shot contracts take tap rows (ContractKernels::tap_rows) where a
// kernel's expanded slice holds at least kTapRowBytes per row of taps and
// passes kTapRowPlaneBytes (more than the vector loop of small kernels
// holds, 8 vectors of 64 bytes), or at least kTapRowWideBytes per row: a
// row costs about a vector loaded from L2 (~1 ns on the Zen 5 EPYC VM),
// and below that the vector loops, which load each expanded vector once,
// cost less. Same-process A/B there (tools/ab.sh, AVX3_DL, one-shot)
// against tiles or the vector loop, at 256 KiB: f32 K7 D2 0.63-0.77 of the
// time, u16 K7 D3 0.75-0.77 (AVX3 0.75), u8 K7 D4 0.79, u8 K11 D4 0.74,
// u16 K3 D4 inner 3 0.78; f32 K5 D3, u16 K5 D4, f64 K3 D3 even; at 64 KiB
// u8 K7 D4 0.58; at 1 MiB f32 K7 D2 0.92; at 4 MiB f32 K7 D2 0.96, u16 K7
// D3 0.93, u8 K11 D4 0.65, u8 K7 D4 even. Where it lost: f32 K5 D2 (65
// bytes a row) 1.19, u16 K5 D3 (68) 1.32, u16 K7 D2 (48) 1.58, u8 K7 D3
// (52) 1.65; OHWI inner 3 f32 K3 D2 (300-byte slices, 100 a row) 1.06;
// with a plan f32 K3 D4 1.15 (plans keep their tables). From
// kTapRowsMinBytes (at 4 KiB f32 K7 D2 took 1.11), and before the loop of
// dilate_expand_2d's case where k is at least kTapRowsSquareMinK (against
// it f32 K7 D2 at 12 / 16 / 64 KiB 0.89 / 0.70 / 0.65, u8 K7 D4 at 16 KiB
// 0.72, u16 K7 D3 at 64 KiB 0.82; at 64 KiB f64 K3 D3 1.52, u16 K5 D4
// 1.08, f32 K5 D3 0.97, which keep it; TapRowsBeforeSquare is the same
// check for dilate_contract's inline one). Serial: below
// kBytesPerStartedThread without a caller's runner, below
// kMinParallelBytes with one. (kTapRowBytes and the rest:
// SliceTakesTapRows in lib/driver.h.)
constexpr uint64_t kTapRowsMaxBytes = kBytesPerStartedThread;

namespace {
bool TapRowsPay(const Plan& p, const Threading& threading) {
  uint64_t rows = 1;
  for (uint32_t i = 0; i + 1 < p.rank; ++i) rows *= p.axis[i].Taps();
  const bool serial = threading.parallel_for == nullptr;
  return p.dst_bytes >= kTapRowsMinBytes &&
         p.dst_bytes < (serial ? kTapRowsMaxBytes : kMinParallelBytes) &&
         SliceTakesTapRows(p.dst_outer_stride, rows);
}
}  // namespace

bool RunContract(const Plan& p, const Target& target, const uint8_t* expanded, uint8_t* dense,
                 bool verify, const Threading& threading, const Prepared* prepared) {
  switch (ContractRoute(p)) {
    case Route::kSmall:
      if (!verify && prepared != nullptr && prepared->small_pairs != nullptr) {
        if (!PlanesBeforeList(p, *prepared, TileSide::kContract) ||
            !target.contract->planes(p, expanded, dense)) {
          ContractListed(p, prepared->small_pairs, prepared->small_taps, expanded, dense);
        }
        return true;
      }
      // (The small call's case: K3 D2 f32 at 0.5 / 1 KiB 0.29 / 0.21 of the
      // time of ContractSmall's walk.)
      if (!verify && ContractIfSquare(p, expanded, dense)) return true;
      if (!verify && prepared == nullptr && PlanesBeforeWalk(p, TileSide::kContract) &&
          target.contract->planes(p, expanded, dense)) {
        return true;
      }
      return ContractSmall(p, expanded, dense, verify);
    case Route::kNone:
      if (p.src_bytes != 0) memset(dense, 0, p.src_bytes);
      return true;
    case Route::kFill: {
      if (!verify) return true;
      alignas(64) uint8_t pattern[kPatternBytes];
      FillPattern(p, pattern);
      RowState st;
      InitRowState(p, pattern, false, &st);
      return target.contract->is_fill(expanded, p.dst_bytes, st);
    }
    case Route::kCopy:
      CopyAll(p, expanded, dense, threading);
      return true;
    case Route::kWalk:
      // dilate_expand_2d's case, one-shot, below the size threads split: a
      // load and a store per tap, which read only the lines holding taps
      // where tiles read every byte and build tables per call, while the
      // taps are at most kSquareStores + expanded bytes / 16. Same-process
      // A/B on the Zen 4 EPYC VM against tiles, f32 K3 D2 at 0.5 / 1 / 1.6
      // / 3 / 4 / 8 / 16 / 32 KiB 0.29 / 0.21 / 0.35 / 0.32 / 0.40 / 0.53 /
      // 0.67 / 0.80-0.81 of the time (64 KiB, beyond the limit, 0.92), K5
      // D3 at 16 / 64 / 128 KiB 0.45 / 0.62 / 0.67, K7 D4 at 64 / 244 KiB
      // 0.54 / 0.68, u16 K5 D3 at 64 KiB 0.77, u8 K3 D2 at 4 KiB 0.67; u8
      // K3 D2 at 16 KiB (5,895 taps, beyond it) took 1.16.
      static_assert(kSquareContractBytes <= kMinParallelBytes,
                    "one-shot square contracts are serial");
      if (!verify && prepared == nullptr && TapRowsPay(p, threading) &&
          (!IsSquare(p) || p.axis[1].src_dim >= kTapRowsSquareMinK ||
           !SquareContractPays(p.dst_bytes, p.src_bytes / p.elem_size)) &&
          target.contract->tap_rows(p, expanded, dense)) {
        return true;
      }
      if (!verify && prepared == nullptr &&
          SquareContractPays(p.dst_bytes, p.src_bytes / p.elem_size) &&
          ContractIfSquare(p, expanded, dense)) {
        return true;
      }
      // One-shot, the scalar walk (ContractSmall) where it pays as for an
      // expand (WalkPays), before the vector loop where that pays too
      // (PlanesBeforeWalk); then small kernels several at a time by
      // the target's vector loop (ContractKernels::planes), to
      // kContractPlanesBytes. Serial.
      static_assert(kWalkMaxBytes <= kMinParallelBytes, "one-shot contract walks are serial");
      const bool walk = !verify && prepared == nullptr && WalkPays(p);
      if (walk && !PlanesBeforeWalk(p, TileSide::kContract)) {
        return ContractSmall(p, expanded, dense, false);
      }
      static_assert(
          kContractPlanesBytesRank3 <= kMinParallelBytes && kWidePlanesBytes <= kMinParallelBytes,
          "vector-loop contracts are serial");
      if (!verify && prepared == nullptr &&
          (p.dst_bytes <= (p.rank > 2 ? kContractPlanesBytesRank3 : kContractPlanesBytes) ||
           WideContractPlanes(p, target, threading)) &&
          target.contract->planes(p, expanded, dense)) {
        return true;
      }
      if (walk) return ContractSmall(p, expanded, dense, false);
      // Tile mode gathers taps only; checking holes goes row by row.
      if (!verify && TryTiles(p, target, TileSide::kContract, expanded, p.dst_bytes, dense,
                              threading, prepared)) {
        return true;
      }
      return ContractRows(p, target, expanded, dense, verify, threading);
  }
  return true;  // unreachable: every route returns
}

bool TakesTiles(const Plan& p, const Target& target, TileSide side) {
  const Route route = side == TileSide::kExpand ? ExpandRoute(p) : ContractRoute(p);
  return route == Route::kWalk && TileCandidate(p, *target.expand, side, false, nullptr);
}

bool PrepareTiles(const Plan& p, const Target& target, TileSide side, const uint8_t* pattern,
                  TileState* ts) {
  return MakeTiles(p, target, side, pattern, true, ts, nullptr);
}

bool FewerKernelsThanTile(const Plan& p, const Target& target) {
  return FewerSlicesThanTile(p, *target.expand);
}

bool TakesTapList(const Plan& p) {
  return ExpandRoute(p) == Route::kSmall && ContractRoute(p) == Route::kSmall;
}

}  // namespace dilate
