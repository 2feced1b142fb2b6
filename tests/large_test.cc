// Long rows, big groups and tensors past 16 MiB: the copy, run and shuffle
// strategies with their vector tails, and non-temporal stores.
#include <string.h>

#include <algorithm>
#include <string>
#include <vector>

#include "dilate/dilate.h"
#include "lib/reference.h"
#include "tests/test_util.h"

namespace dilate_test {
namespace {

using Large = TargetTest;

// Values around vector widths (16-256 bytes) and their neighbours.
const uint64_t kEdgeCounts[] = {1,  2,  3,  4,  5,   7,   8,   9,   15,  16,  17,  31,   32,
                                33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 600, 1000, 5000};

uint64_t EdgeOrUniform(Rng& rng, uint64_t max) {
  if (rng.OneIn(2)) return rng.Uniform(1, max);
  uint64_t v;
  do {
    v = kEdgeCounts[rng.Uniform(0, sizeof(kEdgeCounts) / sizeof(kEdgeCounts[0]) - 1)];
  } while (v > max);
  return v;
}

// Expands with the library at an odd address, compares with `want`, then
// contracts back with the hole check and compares with dilate_ref::Contract.
// misalign: dst's offset from a 64-byte boundary, or -1 for a random one;
// threads: num_threads for the expand (0: serial); want_dense:
// dilate_ref::Contract of want, or null to compute it here; plan: both
// through one dilate_plan of desc instead of the one-shot calls.
void ExpandAndContract(const dilate_desc& desc, const std::vector<uint8_t>& src,
                       const std::vector<uint8_t>& want, Rng& rng, int misalign = -1,
                       uint32_t threads = 0, const std::vector<uint8_t>* want_dense = nullptr,
                       bool plan = false) {
  dilate_plan* p = nullptr;
  if (plan) {
    ASSERT_EQ(dilate_plan_create(&desc, 0, &p), DILATE_OK);
  }
  struct Destroy {
    dilate_plan* p;
    ~Destroy() { dilate_plan_destroy(p); }
  } destroy{p};
  GuardedBuffer dst(want.size(), misalign < 0 ? rng.Uniform(0, 63) : static_cast<uint64_t>(misalign),
                    rng);
  dilate_options expand_options;
  memset(&expand_options, 0, sizeof(expand_options));
  expand_options.struct_size = sizeof(expand_options);
  expand_options.num_threads = threads;
  ASSERT_EQ(
      plan ? dilate_plan_expand(p, src.data(), src.size(), dst.data(), dst.size(), &expand_options)
           : dilate_expand(&desc, src.data(), src.size(), dst.data(), dst.size(), &expand_options),
      DILATE_OK);
  ASSERT_TRUE(dst.GuardsIntact());
  if (!dst.Equals(want)) {
    size_t i = 0;
    while (dst.data()[i] == want[i]) ++i;
    FAIL() << "expand differs from dilate_ref at byte " << i << " of " << want.size();
  }
  std::vector<uint8_t> computed;
  if (want_dense == nullptr) {
    computed.resize(src.size());
    ASSERT_TRUE(dilate_ref::Contract(desc, want.data(), computed.data(), computed.size()));
    want_dense = &computed;
  }
  GuardedBuffer dense(src.size(), rng.Uniform(0, 63), rng);
  dilate_options options;
  memset(&options, 0, sizeof(options));
  options.struct_size = sizeof(options);
  options.flags = DILATE_FLAG_VERIFY_HOLES;
  ASSERT_EQ(
      plan ? dilate_plan_contract(p, dst.data(), dst.size(), dense.data(), dense.size(), &options)
           : dilate_contract(&desc, dst.data(), dst.size(), dense.data(), dense.size(), &options),
      DILATE_OK);
  ASSERT_TRUE(dense.GuardsIntact());
  ASSERT_TRUE(dense.Equals(*want_dense)) << "contract differs from dilate_ref";
}

TEST_P(Large, LongRowsAndBigGroups) {
  const uint64_t cases = Scaled(80, 8);
  for (uint64_t i = 0; i < cases && !HasFailure(); ++i) {
    const uint64_t seed = CaseSeed(0x1A26E, i);
    Rng rng(seed);
    dilate_desc desc;
    dilate_desc_init(&desc);
    desc.dtype = static_cast<uint32_t>(rng.Uniform(1, 12));
    const uint32_t e = dilate_dtype_size(desc.dtype);
    // Mostly rank 1; sometimes a short leading axis in front of the long row.
    desc.rank = rng.OneIn(4) ? 2 : 1;
    const uint32_t row = desc.rank - 1;
    if (desc.rank == 2) {
      desc.src_dims[0] = rng.Uniform(1, 4);
      desc.dilation[0] = rng.Uniform(1, 3);
    }
    desc.outer = rng.Uniform(1, 3);
    desc.inner = EdgeOrUniform(rng, 600);
    desc.src_dims[row] = EdgeOrUniform(rng, 5000);
    const uint64_t r = rng.Uniform(0, 3);  // copy, small, medium and large dilations
    desc.dilation[row] = r == 0 ? 1 : r == 1 ? 2 : r == 2 ? rng.Uniform(3, 5) : rng.Uniform(6, 9);
    desc.pad_lo[row] = rng.UniformSigned(-3, 3);
    desc.pad_hi[row] = rng.UniformSigned(-3, 3);
    while (ComputeShape(desc).status != DILATE_OK) ++desc.pad_hi[row];  // no cropping below 0
    if (rng.OneIn(2)) {
      uint8_t fill[8];
      rng.FillBytes(fill, 8);
      ASSERT_EQ(dilate_desc_set_fill(&desc, fill), DILATE_OK);
    }
    // At most 2 MiB of dst: shorten the row, then the groups.
    while (ComputeShape(desc).dst_bytes > (2u << 20)) {
      if (desc.src_dims[row] > 64) {
        desc.src_dims[row] = desc.src_dims[row] * 3 / 4;
      } else {
        desc.inner = desc.inner * 3 / 4 + 1;
      }
    }
    SCOPED_TRACE(testing::Message() << "case " << i << " seed 0x" << std::hex << seed << std::dec
                                    << " " << Describe(desc));
    const ExpectedShape shape = ComputeShape(desc);
    ASSERT_EQ(shape.status, DILATE_OK);
    ASSERT_EQ(shape.src_bytes % e, 0u);
    std::vector<uint8_t> src(shape.src_bytes), want(shape.dst_bytes);
    rng.FillBytes(src.data(), src.size());
    dilate_ref::Expand(desc, src.data(), want.data());
    ExpandAndContract(desc, src, want, rng);
  }
}

// The streaming cases, each with dst >= 16 MiB, and the "rows_" cases
// between L2 and that. dilate_ref is slow at this size, so its result is
// kept for the next target (gtest runs one test on every target in a row).
struct BigCase {
  std::string name;
  dilate_desc desc;
  std::vector<uint8_t> src, want, want_dense;  // want_dense: dilate_ref::Contract(want)
};

const BigCase& GetBigCase(const std::string& name) {
  static BigCase cached;
  if (cached.name == name) return cached;
  cached = BigCase();
  cached.name = name;
  dilate_desc& d = cached.desc;
  dilate_desc_init(&d);
  Rng rng(CaseSeed(0xB16, name.size()));
  uint8_t fill[8];
  rng.FillBytes(fill, sizeof(fill));
  if (name == "shuffle") {  // 16 f32 kernels 260 x 260, dilated by 2 and padded
    d.dtype = DILATE_DTYPE_F32;
    d.rank = 2;
    d.outer = 16;
    d.src_dims[0] = d.src_dims[1] = 260;
    d.dilation[0] = d.dilation[1] = 2;
    d.pad_lo[0] = 1;
    d.pad_hi[0] = 1;
    d.pad_hi[1] = 2;
  } else if (name == "tiles") {  // 170,000 f32 3x3 kernels dilated by 2: tile mode
    d.dtype = DILATE_DTYPE_F32;
    d.rank = 2;
    d.outer = 170000;
    d.src_dims[0] = d.src_dims[1] = 3;
    d.dilation[0] = d.dilation[1] = 2;
  } else if (name == "tiles_wide") {  // 52,000 f32 5x5 kernels by 2: whole tiles of 16 kernels
    d.dtype = DILATE_DTYPE_F32;
    d.rank = 2;
    d.outer = 52000;
    d.src_dims[0] = d.src_dims[1] = 5;
    d.dilation[0] = d.dilation[1] = 2;
  } else if (name == "tiles_spill") {  // 6,800 f32 7x7 kernels by 4: tiles that spill
    d.dtype = DILATE_DTYPE_F32;
    d.rank = 2;
    d.outer = 6800;
    d.src_dims[0] = d.src_dims[1] = 7;
    d.dilation[0] = d.dilation[1] = 4;
  } else if (name == "copy") {  // one long contiguous row, cropped and padded
    d.dtype = DILATE_DTYPE_U8;
    d.rank = 1;
    d.src_dims[0] = (17u << 20) + 3;
    d.pad_lo[0] = -1;
    d.pad_hi[0] = 5;
  } else if (name == "fill") {  // no taps at all: dst is all fill
    d.dtype = DILATE_DTYPE_F64;
    d.rank = 1;
    d.src_dims[0] = 0;
    d.pad_lo[0] = (2 << 20) + 1;
  } else if (name == "vector_runs") {  // 400 f32 5x5 kernels by 3, groups of 64 elements
    d.dtype = DILATE_DTYPE_F32;
    d.rank = 2;
    d.outer = 400;
    d.inner = 64;
    d.src_dims[0] = d.src_dims[1] = 5;
    d.dilation[0] = d.dilation[1] = 3;
    d.pad_lo[1] = 1;
    d.pad_hi[0] = 2;
  } else if (name == "vector_runs16") {  // 420 f32 7x7 kernels by 4, groups of 16 elements
    d.dtype = DILATE_DTYPE_F32;
    d.rank = 2;
    d.outer = 420;
    d.inner = 16;
    d.src_dims[0] = d.src_dims[1] = 7;
    d.dilation[0] = d.dilation[1] = 4;
  } else if (name == "ws_tiles") {  // 130,000 f32 3x3 kernels by 2: 13 MB dst, 4.7 MB src
    d.dtype = DILATE_DTYPE_F32;
    d.rank = 2;
    d.outer = 130000;
    d.src_dims[0] = d.src_dims[1] = 3;
    d.dilation[0] = d.dilation[1] = 2;
  } else if (name == "ws_hwio") {  // 2,000 f32 3x3 kernels by 2, groups of 64: 12.8 + 4.6 MB
    d.dtype = DILATE_DTYPE_F32;
    d.rank = 2;
    d.outer = 2000;
    d.inner = 64;
    d.src_dims[0] = d.src_dims[1] = 3;
    d.dilation[0] = d.dilation[1] = 2;
  } else if (name == "ws_copy") {  // one row of 9 MiB, padded: a copy that streams
    d.dtype = DILATE_DTYPE_U8;
    d.rank = 1;
    d.src_dims[0] = (9u << 20) + 1;
    d.pad_lo[0] = 3;
    d.pad_hi[0] = 2;
  } else if (name == "rows_f32") {  // 1,700 f32 7x7 kernels by 4 (4.2 MB): vector rows past L2
    d.dtype = DILATE_DTYPE_F32;
    d.rank = 2;
    d.outer = 1700;
    d.src_dims[0] = d.src_dims[1] = 7;
    d.dilation[0] = d.dilation[1] = 4;
  } else if (name == "rows_f32_k11") {  // 320 f32 11x11 kernels by 3 (1.2 MB): rows 124 bytes long
    d.dtype = DILATE_DTYPE_F32;
    d.rank = 2;
    d.outer = 320;
    d.src_dims[0] = d.src_dims[1] = 11;
    d.dilation[0] = d.dilation[1] = 3;
  } else if (name == "rows_f32_k5") {  // 1,000 f32 5x5 kernels by 4 (1.2 MB): Intel takes tiles
    d.dtype = DILATE_DTYPE_F32;
    d.rank = 2;
    d.outer = 1000;
    d.src_dims[0] = d.src_dims[1] = 5;
    d.dilation[0] = d.dilation[1] = 4;
  } else if (name == "rows_f64") {  // 700 f64 7x7 kernels by 3, padded: rows 160 bytes long
    d.dtype = DILATE_DTYPE_F64;
    d.rank = 2;
    d.outer = 700;
    d.src_dims[0] = d.src_dims[1] = 7;
    d.dilation[0] = d.dilation[1] = 3;
    d.pad_lo[1] = 1;
    d.pad_hi[0] = 2;
  } else if (name == "rows_u16") {  // 3,000 u16 7x7 kernels by 4: half-width rows of 50 bytes
    d.dtype = DILATE_DTYPE_U16;
    d.rank = 2;
    d.outer = 3000;
    d.src_dims[0] = d.src_dims[1] = 7;
    d.dilation[0] = d.dilation[1] = 4;
  } else {  // "runs": 4 KiB groups with 16 KiB of fill between them
    d.dtype = DILATE_DTYPE_U8;
    d.rank = 1;
    d.inner = 4096 + 3;
    d.src_dims[0] = 1000;
    d.dilation[0] = 5;
    d.pad_hi[0] = 2;
  }
  EXPECT_EQ(dilate_desc_set_fill(&d, fill), DILATE_OK);
  const ExpectedShape shape = ComputeShape(d);
  if (name.compare(0, 5, "rows_") == 0) {  // past L2, below the streaming threshold
    // (which counts dst and the src bytes read: StreamsDst, lib/driver.cc)
    EXPECT_GT(shape.dst_bytes, 1u << 20);
    EXPECT_LT(shape.dst_bytes + std::min(shape.src_bytes, shape.dst_bytes), 16u << 20);
  } else if (name.compare(0, 3, "ws_") == 0) {  // dst below 16 MiB, dst and src read past it
    EXPECT_LT(shape.dst_bytes, 16u << 20);
    EXPECT_GE(shape.dst_bytes + std::min(shape.src_bytes, shape.dst_bytes), 16u << 20);
  } else {
    EXPECT_GE(shape.dst_bytes, 16u << 20);
  }
  cached.src.resize(shape.src_bytes);
  rng.FillBytes(cached.src.data(), cached.src.size());
  cached.want.resize(shape.dst_bytes);
  dilate_ref::Expand(d, cached.src.data(), cached.want.data());
  cached.want_dense.resize(shape.src_bytes);
  EXPECT_TRUE(dilate_ref::Contract(d, cached.want.data(), cached.want_dense.data(),
                                   cached.want_dense.size()));
  return cached;
}

void RunBigCase(const char* name, int misalign = -1, uint32_t threads = 0, bool plan = false) {
  const BigCase& c = GetBigCase(name);
  SCOPED_TRACE(testing::Message() << name << " misalign " << misalign << " threads " << threads
                                  << (plan ? " plan " : " ") << Describe(c.desc));
  Rng rng(CaseSeed(0xB16B16, c.want.size()));
  ExpandAndContract(c.desc, c.src, c.want, rng, misalign, threads, &c.want_dense, plan);
}

// One test per case, so the cached reference serves every target in turn.
TEST_P(Large, Streaming16MiBShuffle) { RunBigCase("shuffle"); }
// Aligned dst streams whole-vector tiles straight to dst (non-temporal
// stores); misaligned dst, and tiles that do not end on a vector, stream
// through the staging buffer (ApplyTilesStaged). "wide": out of cache, tiles
// grow to a whole number of vectors (81 of them on 512-bit f32); "spill":
// 625 vectors would not fit the tables, so the tiles do not end on a vector
// (or, with dst aligned on 512-bit targets, are 625 half-width vectors);
// with 3 threads, chunks start and end inside vectors. Reduced runs (qemu,
// sanitizers: DILATE_TEST_SCALE < 1) keep one variant of each new case.
TEST_P(Large, Streaming16MiBTiles) {
  RunBigCase("tiles", 0);
  RunBigCase("tiles", 4);
}
TEST_P(Large, Streaming16MiBTilesWide) {
  RunBigCase("tiles_wide", 0);
  if (Scale() >= 1) RunBigCase("tiles_wide", 4);
}
TEST_P(Large, Streaming16MiBTilesSpill) {
  RunBigCase("tiles_spill", 12, 3);
  // dst aligned: on 512-bit targets, tiles of whole 256-bit vectors
  // (TileState::half), here on two threads.
  RunBigCase("tiles_spill", 0, 2);
  if (Scale() >= 1) RunBigCase("tiles_spill", 0);
}
// The same through a dilate_plan: its tables are built once, at creation.
TEST_P(Large, Streaming16MiBTilesPlan) {
  RunBigCase("tiles_wide", 0, 0, true);
  if (Scale() >= 1) RunBigCase("tiles_spill", 12, 2, true);
}
TEST_P(Large, Streaming16MiBCopy) { RunBigCase("copy"); }
TEST_P(Large, Streaming16MiBFillOnly) { RunBigCase("fill"); }
TEST_P(Large, Streaming16MiBRuns) { RunBigCase("runs"); }
// Expands whose dst is below the threshold (16 MiB in the tests) stream
// once dst and the src they read pass it (StreamsDst in lib/driver.cc):
// tiles straight to an aligned dst and through the staging buffer, HWIO
// rows of whole lines, and a copy (which takes memcpy below it).
TEST_P(Large, StreamingWorkingSet) {
  RunBigCase("ws_tiles", 0);
  if (Scale() >= 1) RunBigCase("ws_tiles", 4, 2);
  RunBigCase("ws_hwio", 0);
  if (Scale() >= 1) RunBigCase("ws_hwio", 0, 0, true);
  RunBigCase("ws_copy");
}
// Groups of whole cache lines (HWIO layouts): out of cache, row mode with
// line-aligned dst streams every group and hole (ExpandRowVectors); other
// dst alignments take the run-by-run path.
TEST_P(Large, Streaming16MiBVectorRuns) {
  RunBigCase("vector_runs", 0);
  if (Scale() >= 1) RunBigCase("vector_runs", 4);
}
TEST_P(Large, Streaming16MiBVectorRuns16) {
  RunBigCase("vector_runs16", 0, 3);
  if (Scale() >= 1) RunBigCase("vector_runs16", 0, 0, true);
}

// Past L2 and below the streaming threshold (the tests pin it at 16 MiB),
// rank-2 expands whose tap rows are kMinAlignedRowStep bytes apart or more
// in lanes of 16 bits or more take vector rows (VectorRowsFit in
// lib/driver.cc): aligned rows where dst is aligned to their lanes,
// unaligned ones where it is not, split between threads, and through a
// plan (whose tables overflow for f32 K7 D4 on 512-bit targets). On Intel
// CPUs one-shot calls take whole tiles of up to 640 vectors there instead
// (kMaxTileVectorsOverAlignedRows): f32 K5 D4 (289), K7 D4 on 256-bit
// targets; f32 K11 D3 (961 vectors at 512 bits) keeps rows everywhere.
TEST_P(Large, VectorRowsPastL2) {
  RunBigCase("rows_f32", 0);
  RunBigCase("rows_f32_k11", 0);
  RunBigCase("rows_f32_k5", 0);
  if (Scale() >= 1) RunBigCase("rows_f32_k5", 4, 2);
  RunBigCase("rows_f32", 4, 3);
  if (Scale() >= 1) RunBigCase("rows_f32", 0, 0, true);
  RunBigCase("rows_f64", 8, 2);
  if (Scale() >= 1) RunBigCase("rows_f64", 3);
  RunBigCase("rows_u16", 0);
  if (Scale() >= 1) RunBigCase("rows_u16", 2, 2, true);
}

// Expands each case (at or just past its dst_bytes), checks it against
// dilate_ref and contracts it back: one-shot, with num_threads 2, through
// a plan, and by dilate_expand_2d where the shape is its.
struct PlanesCase {
  uint32_t dtype, rank;
  uint64_t inner, k, d, dst_bytes;
  bool fill;
};
template <size_t kN>
void RunPlanesCases(const PlanesCase (&cases)[kN], uint64_t seed) {
  uint64_t index = 0;
  for (const PlanesCase& c : cases) {
    if (Scale() < 1 && index % 3 != 0) {
      ++index;
      continue;
    }
    Rng rng(CaseSeed(seed, index++));
    dilate_desc desc;
    dilate_desc_init(&desc);
    desc.dtype = c.dtype;
    desc.rank = c.rank;
    desc.inner = c.inner;
    uint64_t slice = c.inner * dilate_dtype_size(c.dtype);
    for (uint32_t a = 0; a < c.rank; ++a) {
      desc.src_dims[a] = c.k;
      desc.dilation[a] = c.d;
      slice *= (c.k - 1) * c.d + 1;
    }
    desc.outer = c.dst_bytes / slice + (index % 2);  // at or just past the size
    if (c.fill) {
      uint8_t fill[8];
      rng.FillBytes(fill, 8);
      ASSERT_EQ(dilate_desc_set_fill(&desc, fill), DILATE_OK);
    }
    SCOPED_TRACE(testing::Message() << Describe(desc));
    const ExpectedShape shape = ComputeShape(desc);
    ASSERT_EQ(shape.status, DILATE_OK);
    std::vector<uint8_t> src(shape.src_bytes), want(shape.dst_bytes);
    rng.FillBytes(src.data(), src.size());
    dilate_ref::Expand(desc, src.data(), want.data());
    ExpandAndContract(desc, src, want, rng);
    ExpandAndContract(desc, src, want, rng, -1, 2);
    if (Scale() >= 1) ExpandAndContract(desc, src, want, rng, -1, 0, nullptr, true);
    if (c.rank == 2 && c.inner == 1 && !c.fill) {
      GuardedBuffer dst(want.size(), rng.Uniform(0, 63), rng);
      ASSERT_EQ(dilate_expand_2d(c.dtype, desc.outer, c.k, c.d, src.data(), dst.data()), DILATE_OK);
      ASSERT_TRUE(dst.GuardsIntact());
      ASSERT_TRUE(dst.Equals(want)) << "dilate_expand_2d differs from dilate_ref";
    }
  }
}

// Between L2 and kWideSerialPlanesBytes (4 MiB), serial one-shot expands
// on 512-bit targets on Zen 5 take the vector loops of small kernels where
// those beat tiles (SerialPlanesPay in lib/small.h; DILATE_WIDE_PLANES=1
// and 0 run this on either path, tests/CMakeLists.txt): dilate_expand_2d's
// case and its description (kernels of 3-25 vectors, one src window or
// two), 1-D, 3-D and OHWI kernels, a fill, just past 256 KiB, past L2 and
// at the limit; serial, with num_threads 2 (no thread is started below
// kBytesPerStartedThread) and through a plan; each contracted back.
TEST_P(Large, SerialPlanesPastL2) {
  const PlanesCase cases[] = {
      {DILATE_DTYPE_F32, 2, 1, 5, 3, 256 << 10, false},  // 11 vectors, two windows
      {DILATE_DTYPE_U8, 2, 1, 7, 4, 1 << 20, false},     // 10 vectors, one window
      {DILATE_DTYPE_U16, 2, 1, 7, 3, 600 << 10, false},  // 12 vectors, two windows
      {DILATE_DTYPE_F64, 2, 1, 3, 4, 4 << 20, false},    // at the limit
      {DILATE_DTYPE_F32, 2, 1, 4, 2, 1 << 20, true},     // a fill
      {DILATE_DTYPE_U16, 2, 1, 3, 4, 300 << 10, false},
      {DILATE_DTYPE_F32, 1, 1, 3, 2, 700 << 10, false},  // several kernels a plane
      {DILATE_DTYPE_U16, 3, 1, 3, 3, 2 << 20, false},
      {DILATE_DTYPE_U8, 2, 3, 3, 2, 400 << 10, true},    // OHWI inner 3
      {DILATE_DTYPE_F32, 2, 1, 3, 2, 300 << 10, false},  // K3 D2: tiles
  };
  RunPlanesCases(cases, 0x5E41A1);
}

// Past kSquarePlanesBytes and up to kShiftPlanesBytes (128 KiB), one-shot
// expands of elements of 4-byte lanes on AVX2 whose kernel's src passes a
// vector take the vector loops of small kernels, each output vector from a
// window of its own (ShiftPlanes; DILATE_SHIFT_PLANES=1 and 0 run this on
// either path, tests/CMakeLists.txt); below it u8 and u16 kernels too.
// Kernels of 4-11 vectors, dilate_expand_2d's case and OHWI inner 3, a
// fill, at the limit and just past it. On AVX-512 the kernels whose src
// passes a pair of vectors take those windows up to the same limit, in L1
// and (on Zen 5) past it: f32 6 x 6 and 7 x 7, f64 5 x 5 and 6 x 6, planes
// of up to 12 vectors and of 13-16, a fill; past 16 (f32 K7 D3) tiles.
TEST_P(Large, ShiftPlanesPastL1) {
  const PlanesCase cases[] = {
      {DILATE_DTYPE_F32, 2, 1, 3, 2, 100 << 10, false},  // 4 vectors
      {DILATE_DTYPE_F32, 2, 1, 3, 3, 128 << 10, false},  // 7 vectors, at the limit
      {DILATE_DTYPE_F32, 2, 1, 5, 2, 64 << 10, false},   // 11 vectors
      {DILATE_DTYPE_F32, 2, 1, 4, 2, 40 << 10, true},    // a fill
      {DILATE_DTYPE_F64, 2, 1, 3, 2, 128 << 10, false},  // 7 vectors of 4 lanes
      {DILATE_DTYPE_F32, 2, 3, 3, 2, 60 << 10, true},    // OHWI inner 3, a fill
      {DILATE_DTYPE_U16, 2, 1, 5, 2, 20 << 10, false},   // in L1 only
      {DILATE_DTYPE_U8, 2, 1, 7, 2, 16 << 10, false},
      {DILATE_DTYPE_F32, 2, 1, 3, 4, 129 << 10, false},  // past the limit: tiles
      {DILATE_DTYPE_F32, 2, 1, 7, 2, 100 << 10, false},  // AVX-512: 11 vectors, 49 lanes
      {DILATE_DTYPE_F32, 2, 1, 6, 2, 128 << 10, false},  // 8 vectors, at the limit
      {DILATE_DTYPE_F64, 2, 1, 5, 2, 12 << 10, false},   // 11 vectors of 8 lanes, in L1
      {DILATE_DTYPE_F32, 2, 1, 7, 2, 20 << 10, true},    // a fill: a kernel a plane
      {DILATE_DTYPE_F64, 2, 1, 5, 2, 90 << 10, true},
      {DILATE_DTYPE_F32, 2, 1, 7, 2, 140 << 10, false},  // past the limit: tiles
      {DILATE_DTYPE_F32, 2, 1, 7, 3, 100 << 10, false},  // 23 vectors: tiles
      {DILATE_DTYPE_F64, 2, 1, 6, 2, 50 << 10, false},   // 16 vectors of 8 lanes
      {DILATE_DTYPE_F32, 2, 1, 6, 3, 30 << 10, true},    // 16 vectors, a fill
      {DILATE_DTYPE_F64, 2, 1, 5, 3, 128 << 10, false},  // 22 vectors: tiles
  };
  RunPlanesCases(cases, 0x5A1F7);
}

DILATE_INSTANTIATE_ON_ALL_TARGETS(Large);

}  // namespace
}  // namespace dilate_test
