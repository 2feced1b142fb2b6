// Thousands of random descriptions per target, expanded at unaligned
// addresses between guard bytes and compared byte for byte with dilate_ref.
#include <string.h>

#include <string>
#include <vector>

#include "dilate/dilate.h"
#include "lib/reference.h"
#include "tests/test_util.h"

namespace dilate_test {
namespace {

using RandomExpand = TargetTest;

constexpr uint64_t kSeed = 0xD11A7E;
// dst size bounds: most cases are small so thousands run quickly; one in
// kBigOneIn may reach 4 MiB.
constexpr uint64_t kMaxDstBytes = 64u << 10;
constexpr uint64_t kMaxBigDstBytes = 4u << 20;
constexpr uint64_t kBigOneIn = 100;

// Adds a failure naming the first byte where dst differs from dilate_ref's
// bytes `expect`, after `what` (which call wrote dst, or "").
void ExpectReferenceBytes(const GuardedBuffer& dst, const std::vector<uint8_t>& expect,
                          const char* what = "", uint64_t dst_elems = 0) {
  if (dst.Equals(expect)) return;
  size_t b = 0;
  while (dst.data()[b] == expect[b]) ++b;
  ADD_FAILURE() << what << "dst differs from dilate_ref at byte " << b << " of " << dst.size()
                << (dst_elems != 0 ? " (dst elements " : "")
                << (dst_elems != 0 ? std::to_string(dst_elems) + ")" : "");
}

// One case; returns false (with a gtest failure) when it fails.
bool RunCase(uint64_t index, uint64_t* ok_cases, uint64_t* rejected_cases) {
  const uint64_t seed = CaseSeed(kSeed, index);
  Rng rng(seed);
  const uint64_t max_dst = rng.OneIn(kBigOneIn) ? kMaxBigDstBytes : kMaxDstBytes;
  const dilate_desc desc = RandomDesc(rng, max_dst, /*allow_negative_extent=*/true);
  SCOPED_TRACE(testing::Message() << "case " << index << " seed 0x" << std::hex << seed << std::dec
                                  << " " << Describe(desc));
  const ExpectedShape want = ComputeShape(desc);
  ExpectQueryShapeMatches(desc, want);
  if (testing::Test::HasFatalFailure()) return false;

  // Extra bytes past what the description needs must be left alone.
  const size_t src_extra = rng.OneIn(4) ? rng.Uniform(1, 16) : 0;
  const size_t dst_extra = rng.OneIn(4) ? rng.Uniform(1, 16) : 0;
  const size_t src_need = want.status == DILATE_OK ? want.src_bytes : 16;
  const size_t dst_need = want.status == DILATE_OK ? want.dst_bytes : 16;
  GuardedBuffer src(src_need + src_extra, rng.Uniform(0, 63), rng);
  GuardedBuffer dst(dst_need + dst_extra, rng.Uniform(0, 63), rng);
  const std::vector<uint8_t> dst_before = dst.Copy();

  dilate_options options;
  memset(&options, 0, sizeof(options));
  options.struct_size = sizeof(options);
  options.num_threads = static_cast<uint32_t>(rng.Uniform(0, 1));
  const dilate_options* opts = rng.OneIn(2) ? &options : nullptr;

  const dilate_status s =
      dilate_expand(&desc, src.data(), src.size(), dst.data(), dst.size(), opts);
  EXPECT_EQ(s, want.status) << dilate_status_string(s);
  EXPECT_TRUE(src.GuardsIntact()) << "src guard bytes changed";
  EXPECT_TRUE(dst.GuardsIntact()) << "dst guard bytes changed";
  if (want.status != DILATE_OK) {
    EXPECT_TRUE(dst.Equals(dst_before)) << "a rejected call wrote dst";
    ++*rejected_cases;
    return !testing::Test::HasFailure();
  }
  std::vector<uint8_t> expect = dst_before;  // keeps the extra bytes
  dilate_ref::Expand(desc, src.data(), expect.data());
  ExpectReferenceBytes(dst, expect, "", want.dst_elems);
  ++*ok_cases;
  return !testing::Test::HasFailure();
}

TEST_P(RandomExpand, MatchesReference) {
  const uint64_t cases = Scaled(3000, 50);
  uint64_t ok_cases = 0, rejected_cases = 0;
  for (uint64_t i = 0; i < cases; ++i) {
    if (!RunCase(i, &ok_cases, &rejected_cases)) break;  // the first failure says enough
  }
  printf("[dilate] %s: %llu random expands matched dilate_ref, %llu rejected as expected\n",
         target(), static_cast<unsigned long long>(ok_cases),
         static_cast<unsigned long long>(rejected_cases));
  EXPECT_GT(rejected_cases, 0u) << "no case cropped below zero: NEGATIVE_EXTENT untested";
}

// Runs a call's chunks one after another in reverse order: a chunk that
// wrote past its end would have its bytes overwritten by the wrong chunk.
void ReverseRunner(void* /* runner_ctx */, uint64_t tasks, void (*task)(void*, uint64_t),
                   void* task_ctx) {
  for (uint64_t t = tasks; t-- > 0;) task(task_ctx, t);
}

// Rank-2 kernels of 1-2 elements a group whose dilated rows span one to a
// few vectors: the shapes whose rows a target writes as whole permuted
// vectors (vector rows, lib/expand-inl.h), with padding and cropping on both
// axes, any element size, zero or random fill, split into chunks by a
// runner or not, at unaligned addresses between guard bytes; dst 1-640 KiB.
TEST_P(RandomExpand, ShortDilatedRowsMatchReference) {
  const uint64_t cases = Scaled(600, 20);
  static const uint32_t kDtypes[] = {DILATE_DTYPE_U8, DILATE_DTYPE_F16, DILATE_DTYPE_F32,
                                     DILATE_DTYPE_F64};
  uint64_t done = 0;
  for (uint64_t i = 0; i < cases && !testing::Test::HasFailure(); ++i) {
    Rng rng(CaseSeed(0x5107, i));
    dilate_desc desc;
    dilate_desc_init(&desc);
    desc.dtype = kDtypes[rng.Uniform(0, 3)];
    desc.rank = 2;
    desc.inner = rng.OneIn(4) ? 2 : 1;
    for (uint32_t a = 0; a < 2; ++a) {
      desc.src_dims[a] = rng.Uniform(2, 13);
      desc.dilation[a] = rng.Uniform(1, 9);
      desc.pad_lo[a] = rng.OneIn(3) ? rng.UniformSigned(-2, 3) : 0;
      desc.pad_hi[a] = rng.OneIn(3) ? rng.UniformSigned(-2, 3) : 0;
    }
    if (rng.OneIn(2)) {
      uint8_t fill[8];
      rng.FillBytes(fill, sizeof(fill));
      ASSERT_EQ(dilate_desc_set_fill(&desc, fill), DILATE_OK);
    }
    desc.outer = 1;
    const ExpectedShape one = ComputeShape(desc);
    if (one.status != DILATE_OK || one.dst_bytes == 0) continue;
    desc.outer = rng.Uniform(1, (640u << 10) / one.dst_bytes + 1);
    const ExpectedShape want = ComputeShape(desc);
    ASSERT_EQ(want.status, DILATE_OK);
    SCOPED_TRACE(testing::Message() << "case " << i << " " << Describe(desc));
    GuardedBuffer src(want.src_bytes, rng.Uniform(0, 63), rng);
    GuardedBuffer dst(want.dst_bytes, rng.Uniform(0, 63), rng);
    std::vector<uint8_t> expect(want.dst_bytes);
    dilate_ref::Expand(desc, src.data(), expect.data());
    dilate_options options;
    memset(&options, 0, sizeof(options));
    options.struct_size = sizeof(options);
    if (rng.OneIn(2)) options.parallel_for = &ReverseRunner;
    ASSERT_EQ(dilate_expand(&desc, src.data(), src.size(), dst.data(), dst.size(), &options),
              DILATE_OK);
    ASSERT_TRUE(dst.GuardsIntact()) << "dst guard bytes changed";
    ExpectReferenceBytes(dst, expect);
    ++done;
  }
  printf("[dilate] %s: %llu expands of short dilated rows matched dilate_ref\n", target(),
         static_cast<unsigned long long>(done));
  EXPECT_GT(done, cases / 2);
}

// Dense rank-2 kernels whose slices span hundreds of lanes (K 5-9, D 3-5:
// u8 K7 D4 is 625 bytes a slice), one-shot and through a plan, dst 16 KiB
// to 1 MiB at unaligned addresses between guard bytes, zero or random
// fill: the shapes whose whole-vector tiles overflow index tables, which
// AVX-512 with VBMI2 writes from lane masks (TileState::masks), with the
// last tile cut short by the tensor's end or by a runner's chunks.
TEST_P(RandomExpand, LargeSliceTilesMatchReference) {
  const uint64_t cases = Scaled(160, 12);
  static const uint32_t kDtypes[] = {DILATE_DTYPE_U8, DILATE_DTYPE_U8, DILATE_DTYPE_F16,
                                     DILATE_DTYPE_F32};
  uint64_t done = 0;
  for (uint64_t i = 0; i < cases && !testing::Test::HasFailure(); ++i) {
    Rng rng(CaseSeed(0x7A5C, i));
    dilate_desc desc;
    dilate_desc_init(&desc);
    desc.dtype = kDtypes[rng.Uniform(0, 3)];
    desc.rank = 2;
    for (uint32_t a = 0; a < 2; ++a) {
      desc.src_dims[a] = rng.Uniform(5, 9);
      desc.dilation[a] = rng.Uniform(3, 5);
      desc.pad_hi[a] = rng.OneIn(4) ? rng.Uniform(0, 3) : 0;
    }
    if (rng.OneIn(2)) {
      uint8_t fill[8];
      rng.FillBytes(fill, sizeof(fill));
      ASSERT_EQ(dilate_desc_set_fill(&desc, fill), DILATE_OK);
    }
    desc.outer = 1;
    const ExpectedShape one = ComputeShape(desc);
    ASSERT_EQ(one.status, DILATE_OK);
    desc.outer = rng.Uniform((16u << 10) / one.dst_bytes + 1, (1u << 20) / one.dst_bytes + 1);
    const ExpectedShape want = ComputeShape(desc);
    ASSERT_EQ(want.status, DILATE_OK);
    SCOPED_TRACE(testing::Message() << "case " << i << " " << Describe(desc));
    GuardedBuffer src(want.src_bytes, rng.Uniform(0, 63), rng);
    GuardedBuffer dst(want.dst_bytes, rng.OneIn(2) ? 0 : rng.Uniform(1, 63), rng);
    std::vector<uint8_t> expect(want.dst_bytes);
    dilate_ref::Expand(desc, src.data(), expect.data());
    dilate_options options;
    memset(&options, 0, sizeof(options));
    options.struct_size = sizeof(options);
    if (rng.OneIn(3)) options.parallel_for = &ReverseRunner;
    if (rng.OneIn(2)) {
      dilate_plan* plan = nullptr;
      ASSERT_EQ(dilate_plan_create(&desc, 0, &plan), DILATE_OK);
      const dilate_status s =
          dilate_plan_expand(plan, src.data(), src.size(), dst.data(), dst.size(), &options);
      dilate_plan_destroy(plan);
      ASSERT_EQ(s, DILATE_OK);
    } else {
      ASSERT_EQ(dilate_expand(&desc, src.data(), src.size(), dst.data(), dst.size(), &options),
                DILATE_OK);
    }
    ASSERT_TRUE(dst.GuardsIntact()) << "dst guard bytes changed";
    ExpectReferenceBytes(dst, expect);
    ++done;
  }
  printf("[dilate] %s: %llu expands of large dense slices matched dilate_ref\n", target(),
         static_cast<unsigned long long>(done));
  EXPECT_EQ(done, cases);
}

// Few-kernel tensors of every rank between 1 and 64 KiB, one-shot: the
// sizes where a one-shot expand takes the scalar walk or the tile tables by
// their cost (WalkPays in lib/driver.cc): groups of 1-20 elements, any
// element size, padding and cropping, zero or random fill, at unaligned
// addresses between guard bytes, each next to the same description's plan
// (which keeps its tables), both against dilate_ref.
TEST_P(RandomExpand, FewKernelsPastSmallMatchReference) {
  const uint64_t cases = Scaled(300, 20);
  static const uint32_t kDtypes[] = {DILATE_DTYPE_U8, DILATE_DTYPE_F16, DILATE_DTYPE_F32,
                                     DILATE_DTYPE_F64};
  uint64_t done = 0;
  for (uint64_t i = 0; i < cases && !testing::Test::HasFailure(); ++i) {
    Rng rng(CaseSeed(0x3A1C, i));
    dilate_desc desc;
    dilate_desc_init(&desc);
    desc.dtype = kDtypes[rng.Uniform(0, 3)];
    desc.rank = static_cast<uint32_t>(rng.Uniform(1, 4));
    desc.inner = rng.OneIn(2) ? 1 : rng.Uniform(2, 20);
    for (uint32_t a = 0; a < desc.rank; ++a) {
      desc.src_dims[a] = rng.Uniform(2, desc.rank > 2 ? 5 : 9);
      desc.dilation[a] = rng.Uniform(1, 4);
      desc.pad_lo[a] = rng.OneIn(4) ? rng.UniformSigned(-1, 2) : 0;
      desc.pad_hi[a] = rng.OneIn(4) ? rng.UniformSigned(-1, 2) : 0;
    }
    if (rng.OneIn(3)) {
      uint8_t fill[8];
      rng.FillBytes(fill, sizeof(fill));
      ASSERT_EQ(dilate_desc_set_fill(&desc, fill), DILATE_OK);
    }
    desc.outer = 1;
    const ExpectedShape one = ComputeShape(desc);
    if (one.status != DILATE_OK || one.dst_bytes == 0 || one.dst_bytes > (64u << 10)) continue;
    // Half of them just past 1 KiB, where the walk mostly pays.
    const uint64_t lo = (1u << 10) / one.dst_bytes + 1, hi = (64u << 10) / one.dst_bytes;
    desc.outer = rng.Uniform(lo, rng.OneIn(2) && lo + 2 < hi ? lo + 2 : hi);
    const ExpectedShape want = ComputeShape(desc);
    ASSERT_EQ(want.status, DILATE_OK);
    SCOPED_TRACE(testing::Message() << "case " << i << " " << Describe(desc));
    GuardedBuffer src(want.src_bytes, rng.Uniform(0, 63), rng);
    std::vector<uint8_t> expect(want.dst_bytes);
    dilate_ref::Expand(desc, src.data(), expect.data());
    dilate_plan* plan = nullptr;
    ASSERT_EQ(dilate_plan_create(&desc, 0, &plan), DILATE_OK);
    for (int planned = 0; planned < 2; ++planned) {
      GuardedBuffer dst(want.dst_bytes, rng.Uniform(0, 63), rng);
      const dilate_status s =
          planned
              ? dilate_plan_expand(plan, src.data(), src.size(), dst.data(), dst.size(), nullptr)
              : dilate_expand(&desc, src.data(), src.size(), dst.data(), dst.size(), nullptr);
      ASSERT_EQ(s, DILATE_OK) << (planned ? "plan" : "one-shot");
      ASSERT_TRUE(dst.GuardsIntact()) << "dst guard bytes changed";
      ExpectReferenceBytes(dst, expect, planned ? "plan: " : "one-shot: ");
    }
    dilate_plan_destroy(plan);
    ++done;
  }
  printf("[dilate] %s: %llu few-kernel expands past 1 KiB matched dilate_ref\n", target(),
         static_cast<unsigned long long>(done));
  EXPECT_GT(done, cases / 2);
}

// Small kernels between 1 and 24 KiB one-shot, where a kernel's src slice
// fits a vector or two and its dst slice a few (ExpandKernels::planes,
// lib/expand-inl.h; RunExpand in lib/driver.cc): every rank, groups of 1-4
// elements, any element size, padding and cropping, zero or random fill,
// at unaligned addresses between guard bytes, without and with options,
// against dilate_ref.
TEST_P(RandomExpand, SmallKernelsByVectorsMatchReference) {
  const uint64_t cases = Scaled(400, 40);
  static const uint32_t kDtypes[] = {DILATE_DTYPE_U8, DILATE_DTYPE_F16, DILATE_DTYPE_F32,
                                     DILATE_DTYPE_F64};
  dilate_options options;
  memset(&options, 0, sizeof(options));
  options.struct_size = sizeof(options);
  uint64_t done = 0;
  for (uint64_t i = 0; i < cases && !testing::Test::HasFailure(); ++i) {
    Rng rng(CaseSeed(0x71A5, i));
    dilate_desc desc;
    dilate_desc_init(&desc);
    desc.dtype = kDtypes[rng.Uniform(0, 3)];
    desc.rank = static_cast<uint32_t>(rng.Uniform(1, 4));
    desc.inner = rng.OneIn(2) ? 1 : rng.Uniform(2, 5);
    for (uint32_t a = 0; a < desc.rank; ++a) {
      desc.src_dims[a] = rng.Uniform(1, desc.rank > 2 ? 4 : 6);
      desc.dilation[a] = rng.Uniform(1, 5);
      desc.pad_lo[a] = rng.OneIn(4) ? rng.UniformSigned(-1, 2) : 0;
      desc.pad_hi[a] = rng.OneIn(4) ? rng.UniformSigned(-1, 2) : 0;
    }
    if (rng.OneIn(3)) {
      uint8_t fill[8];
      rng.FillBytes(fill, sizeof(fill));
      ASSERT_EQ(dilate_desc_set_fill(&desc, fill), DILATE_OK);
    }
    desc.outer = 1;
    const ExpectedShape one = ComputeShape(desc);
    if (one.status != DILATE_OK || one.dst_bytes == 0 || one.dst_bytes > 1024) continue;
    const uint64_t lo = 1024 / one.dst_bytes + 1, hi = (24u << 10) / one.dst_bytes;
    if (lo > hi) continue;
    desc.outer = rng.Uniform(lo, hi);
    const ExpectedShape want = ComputeShape(desc);
    ASSERT_EQ(want.status, DILATE_OK);
    SCOPED_TRACE(testing::Message() << "case " << i << " " << Describe(desc));
    GuardedBuffer src(want.src_bytes, rng.Uniform(0, 63), rng);
    std::vector<uint8_t> expect(want.dst_bytes);
    dilate_ref::Expand(desc, src.data(), expect.data());
    for (int with_options = 0; with_options < 2; ++with_options) {
      GuardedBuffer dst(want.dst_bytes, rng.Uniform(0, 63), rng);
      ASSERT_EQ(dilate_expand(&desc, src.data(), src.size(), dst.data(), dst.size(),
                              with_options ? &options : nullptr),
                DILATE_OK);
      ASSERT_TRUE(dst.GuardsIntact()) << "dst guard bytes changed";
      ExpectReferenceBytes(dst, expect, with_options ? "with options: " : "one-shot: ");
    }
    ++done;
  }
  printf("[dilate] %s: %llu small-kernel expands between 1 and 24 KiB matched dilate_ref\n",
         target(), static_cast<unsigned long long>(done));
  EXPECT_GT(done, cases / 3);
}

DILATE_INSTANTIATE_ON_ALL_TARGETS(RandomExpand);

}  // namespace
}  // namespace dilate_test
