// dilate_contract: round trips through expand, arbitrary expanded input
// against dilate_ref::Contract, and the hole check on planted non-fill
// elements in each kind of hole.
#include <string.h>

#include <vector>

#include "dilate/dilate.h"
#include "lib/reference.h"
#include "tests/test_util.h"

namespace dilate_test {
namespace {

using Contract = TargetTest;

constexpr uint64_t kMaxDstBytes = 1u << 20;

dilate_options Options(uint32_t flags) {
  dilate_options o;
  memset(&o, 0, sizeof(o));
  o.struct_size = sizeof(o);
  o.flags = flags;
  return o;
}

// Contracts `expanded` into a fresh guarded, misaligned buffer; expects
// `want_status`, and dense bytes equal to `want` (or untouched when the
// status is an error other than HOLE_NOT_FILL).
void ExpectContract(const dilate_desc& desc, const std::vector<uint8_t>& expanded, uint32_t flags,
                    dilate_status want_status, const std::vector<uint8_t>& want, Rng& rng) {
  // The input, too, at an arbitrary address.
  GuardedBuffer in(expanded.size(), rng.Uniform(0, 63), rng);
  if (!expanded.empty()) memcpy(in.data(), expanded.data(), expanded.size());
  GuardedBuffer dense(want.size(), rng.Uniform(0, 63), rng);
  const std::vector<uint8_t> before = dense.Copy();
  const dilate_options options = Options(flags);
  const dilate_status s = dilate_contract(&desc, in.data(), in.size(), dense.data(), dense.size(),
                                          flags || rng.OneIn(2) ? &options : nullptr);
  EXPECT_EQ(s, want_status) << "flags " << flags << ": " << dilate_status_string(s);
  EXPECT_TRUE(dense.GuardsIntact());
  EXPECT_TRUE(in.GuardsIntact());
  EXPECT_TRUE(expanded.empty() || memcmp(in.data(), expanded.data(), expanded.size()) == 0)
      << "contract wrote its input";
  const bool written = want_status == DILATE_OK || want_status == DILATE_ERROR_HOLE_NOT_FILL;
  EXPECT_TRUE(dense.Equals(written ? want : before))
      << "flags " << flags << ": dense differs from " << (written ? "dilate_ref" : "its old bytes");
}

// Contracts arbitrary expanded bytes for `desc` without the hole check and
// expects dilate_ref::Contract's dense bytes; returns both.
void ExpectArbitraryInput(const dilate_desc& desc, Rng& rng, std::vector<uint8_t>* expanded,
                          std::vector<uint8_t>* want) {
  const ExpectedShape shape = ComputeShape(desc);
  ASSERT_EQ(shape.status, DILATE_OK);
  expanded->assign(shape.dst_bytes, 0);
  want->assign(shape.src_bytes, 0);
  rng.FillBytes(expanded->data(), expanded->size());
  ASSERT_FALSE(dilate_ref::Contract(desc, expanded->data(), want->data(), want->size()));
  ExpectContract(desc, *expanded, 0, DILATE_OK, *want, rng);
}

TEST_P(Contract, InvertsExpand) {
  const uint64_t cases = Scaled(600, 20);
  for (uint64_t i = 0; i < cases && !HasFailure(); ++i) {
    const uint64_t seed = CaseSeed(0xC0417AC7, i);
    Rng rng(seed);
    const dilate_desc desc = RandomDesc(rng, kMaxDstBytes, /*allow_negative_extent=*/false);
    SCOPED_TRACE(testing::Message() << "case " << i << " seed 0x" << std::hex << seed << std::dec
                                    << " " << Describe(desc));
    const ExpectedShape shape = ComputeShape(desc);
    std::vector<uint8_t> src(shape.src_bytes), expanded(shape.dst_bytes);
    rng.FillBytes(src.data(), src.size());
    ASSERT_EQ(
        dilate_expand(&desc, src.data(), src.size(), expanded.data(), expanded.size(), nullptr),
        DILATE_OK);
    // Taps cropped away by negative padding come back as zero.
    std::vector<uint8_t> want(src.size());
    ASSERT_TRUE(dilate_ref::Contract(desc, expanded.data(), want.data(), want.size()));
    bool cropped = false;
    for (uint32_t a = 0; a < desc.rank; ++a) cropped |= desc.pad_lo[a] < 0 || desc.pad_hi[a] < 0;
    if (!cropped) {
      ASSERT_EQ(want, src) << "dilate_ref does not invert itself";
    }
    ExpectContract(desc, expanded, 0, DILATE_OK, want, rng);
    ExpectContract(desc, expanded, DILATE_FLAG_VERIFY_HOLES, DILATE_OK, want, rng);
  }
}

TEST_P(Contract, ArbitraryInputMatchesReference) {
  const uint64_t cases = Scaled(600, 20);
  uint64_t holes_fine = 0, holes_bad = 0;
  for (uint64_t i = 0; i < cases && !HasFailure(); ++i) {
    const uint64_t seed = CaseSeed(0xA4B17A4F, i);
    Rng rng(seed);
    const dilate_desc desc = RandomDesc(rng, kMaxDstBytes, /*allow_negative_extent=*/true);
    SCOPED_TRACE(testing::Message() << "case " << i << " seed 0x" << std::hex << seed << std::dec
                                    << " " << Describe(desc));
    const ExpectedShape shape = ComputeShape(desc);
    ExpectQueryShapeMatches(desc, shape);
    if (shape.status != DILATE_OK) {
      ExpectContract(desc, std::vector<uint8_t>(16), 0, shape.status, std::vector<uint8_t>(16),
                     rng);
      continue;
    }
    std::vector<uint8_t> expanded(shape.dst_bytes);
    rng.FillBytes(expanded.data(), expanded.size());
    if (rng.OneIn(4)) {  // mostly fill, so some cases pass the hole check
      std::vector<uint8_t> zeros(shape.src_bytes, 0);
      dilate_ref::Expand(desc, zeros.data(), expanded.data());
    }
    std::vector<uint8_t> want(shape.src_bytes);
    const bool ok = dilate_ref::Contract(desc, expanded.data(), want.data(), want.size());
    (ok ? holes_fine : holes_bad)++;
    ExpectContract(desc, expanded, 0, DILATE_OK, want, rng);
    ExpectContract(desc, expanded, DILATE_FLAG_VERIFY_HOLES,
                   ok ? DILATE_OK : DILATE_ERROR_HOLE_NOT_FILL, want, rng);
  }
  EXPECT_GT(holes_fine, 0u);
  EXPECT_GT(holes_bad, 0u);
}

// Where a non-tap dst element sits.
enum HoleKind { kPadding, kBetweenTapsInRow, kFillRowOrPlane, kNumKinds };
const char* const kKindNames[] = {"padding", "between taps in a row", "whole fill row/plane"};

// Classifies dst element `e`, or returns -1 for a tap. Written from the
// header's formula, per axis: a coordinate is a tap, a hole between taps, or
// padding (before the first or after the last tap).
int Classify(const dilate_desc& desc, const ExpectedShape& shape, uint64_t e) {
  uint64_t rest = e / desc.inner;
  bool padding = false, inner_hole = false, outer_hole = false;
  for (uint32_t a = desc.rank; a-- > 0;) {
    const uint64_t p = static_cast<uint64_t>(shape.dst_dims[a]);
    const int64_t rel = static_cast<int64_t>(rest % p) - desc.pad_lo[a];
    rest /= p;
    const int64_t s = static_cast<int64_t>(desc.src_dims[a]);
    const int64_t d = static_cast<int64_t>(desc.dilation[a]);
    if (rel < 0 || s == 0 || rel > (s - 1) * d) {
      padding = true;
    } else if (rel % d != 0) {
      (a + 1 == desc.rank ? inner_hole : outer_hole) = true;
    }
  }
  if (padding) return kPadding;
  if (outer_hole) return kFillRowOrPlane;
  if (inner_hole) return kBetweenTapsInRow;
  return -1;
}

TEST_P(Contract, VerifyHolesCatchesAPlantedElement) {
  const uint64_t cases = Scaled(400, 20);
  uint64_t planted[kNumKinds] = {};
  for (uint64_t i = 0; i < cases && !HasFailure(); ++i) {
    const uint64_t seed = CaseSeed(0x401E5, i);
    Rng rng(seed);
    const dilate_desc desc = RandomDesc(rng, 256 << 10, /*allow_negative_extent=*/false);
    SCOPED_TRACE(testing::Message() << "case " << i << " seed 0x" << std::hex << seed << std::dec
                                    << " " << Describe(desc));
    const ExpectedShape shape = ComputeShape(desc);
    const uint32_t e = dilate_dtype_size(desc.dtype);
    std::vector<uint8_t> src(shape.src_bytes), expanded(shape.dst_bytes);
    rng.FillBytes(src.data(), src.size());
    dilate_ref::Expand(desc, src.data(), expanded.data());
    // Holes of each kind, in dst order.
    std::vector<uint64_t> holes[kNumKinds];
    for (uint64_t el = 0; el < shape.dst_elems; ++el) {
      const int kind = Classify(desc, shape, el);
      if (kind >= 0) holes[kind].push_back(el);
    }
    for (int kind = 0; kind < kNumKinds; ++kind) {
      if (holes[kind].empty()) continue;
      SCOPED_TRACE(kKindNames[kind]);
      const uint64_t el = holes[kind][rng.Uniform(0, holes[kind].size() - 1)];
      const uint64_t byte = el * e + rng.Uniform(0, e - 1);
      SCOPED_TRACE(testing::Message() << "planted at dst byte " << byte);
      std::vector<uint8_t> bad = expanded;
      bad[byte] ^= static_cast<uint8_t>(rng.Uniform(1, 255));
      std::vector<uint8_t> want(src.size());
      ASSERT_FALSE(dilate_ref::Contract(desc, bad.data(), want.data(), want.size()))
          << "the test's hole classification disagrees with dilate_ref";
      // The dense output is still written, and without the flag all is well.
      ExpectContract(desc, bad, DILATE_FLAG_VERIFY_HOLES, DILATE_ERROR_HOLE_NOT_FILL, want, rng);
      ExpectContract(desc, bad, 0, DILATE_OK, want, rng);
      ++planted[kind];
    }
  }
  for (int kind = 0; kind < kNumKinds; ++kind) {
    EXPECT_GT(planted[kind], 0u) << "no hole planted " << kKindNames[kind];
  }
}

TEST_P(Contract, CroppedAwayTapsAreWrittenAsZero) {
  // Every tap cropped: dst has zero size, and all of dense becomes zero.
  dilate_desc desc;
  dilate_desc_init(&desc);
  desc.dtype = DILATE_DTYPE_U16;
  desc.rank = 1;
  desc.outer = 3;
  desc.inner = 5;
  desc.src_dims[0] = 4;
  desc.dilation[0] = 2;
  desc.pad_lo[0] = -7;  // p = -7 + 7 + 0 = 0
  const uint16_t fill = 0xBEEF;
  ASSERT_EQ(dilate_desc_set_fill(&desc, &fill), DILATE_OK);
  Rng rng(7);
  std::vector<uint8_t> want(3 * 4 * 5 * 2, 0);
  ExpectContract(desc, {}, DILATE_FLAG_VERIFY_HOLES, DILATE_OK, want, rng);
  // Contract with a NULL expanded pointer is allowed: it holds zero bytes.
  GuardedBuffer dense(want.size(), 3, rng);
  ASSERT_EQ(dilate_contract(&desc, nullptr, 0, dense.data(), dense.size(), nullptr), DILATE_OK);
  EXPECT_TRUE(dense.Equals(want));
  EXPECT_TRUE(dense.GuardsIntact());
}

// Many kernels in one call: a one-shot contract of a few hundred KiB or less
// takes tiles of whole vectors where they pay (and, on AVX-512, tables of
// vector pairs: TileState::pair_entries), which the random descriptions
// above, with few kernels each, seldom reach. Every element size, a few
// kernel shapes, inner 1 and 3; arbitrary input, then a fill-only one with
// the hole check.
TEST_P(Contract, ManyKernelsMatchReference) {
  const uint32_t dtypes[] = {DILATE_DTYPE_U8, DILATE_DTYPE_BF16, DILATE_DTYPE_F32,
                             DILATE_DTYPE_F64};
  const uint64_t shapes[][2] = {{3, 2}, {5, 2}, {5, 3}, {3, 4}, {7, 4}};
  Rng rng(CaseSeed(0x3A7C4E55, 0));
  // Under a reduced DILATE_TEST_SCALE (qemu runs), K3 D2 inner 1 only.
  const bool all_shapes = Scaled(100) >= 50;
  for (uint32_t dtype : dtypes) {
    const uint64_t e = dilate_dtype_size(dtype);
    for (const auto& kd : shapes) {
      for (uint64_t inner : {1, 3}) {
        dilate_desc desc;
        dilate_desc_init(&desc);
        desc.dtype = dtype;
        desc.rank = 2;
        // Enough kernels for 16 whole-vector tiles of 64 lanes and more.
        desc.outer = (e <= 2 ? 1040 : 300) + rng.Uniform(0, 40);
        desc.inner = inner;
        desc.src_dims[0] = desc.src_dims[1] = kd[0];
        desc.dilation[0] = desc.dilation[1] = kd[1];
        if (!all_shapes && (kd[0] != 3 || kd[1] != 2 || inner != 1)) continue;
        SCOPED_TRACE(testing::Message() << Describe(desc));
        std::vector<uint8_t> expanded, want;
        ASSERT_NO_FATAL_FAILURE(ExpectArbitraryInput(desc, rng, &expanded, &want));
        ExpectContract(desc, expanded, DILATE_FLAG_VERIFY_HOLES, DILATE_ERROR_HOLE_NOT_FILL, want,
                       rng);
        std::vector<uint8_t> src(want.size());
        rng.FillBytes(src.data(), src.size());
        dilate_ref::Expand(desc, src.data(), expanded.data());
        ExpectContract(desc, expanded, DILATE_FLAG_VERIFY_HOLES, DILATE_OK, src, rng);
      }
    }
  }
}

// Long 1-D rows (1-4 KiB expanded) in few slices, which a one-shot contract
// of 8- and 16-bit elements takes by rows (kFewContractSlices in
// lib/driver.cc) and of wider ones by tiles, on either side of that limit:
// arbitrary input, then the hole check on a planted element and on a clean
// expand.
TEST_P(Contract, LongRowsFewSlicesMatchReference) {
  Rng rng(CaseSeed(0x10C0, 0));
  for (uint32_t dtype : {DILATE_DTYPE_U8, DILATE_DTYPE_U16, DILATE_DTYPE_F32}) {
    for (uint64_t k : {600u, 1000u, 1900u}) {
      for (uint64_t d : {2u, 3u}) {
        for (uint64_t outer : {1u, 4u, 16u, 17u}) {
          const dilate_desc desc = CubeDesc(dtype, 1, outer, 1, k, d);
          SCOPED_TRACE(testing::Message() << Describe(desc));
          std::vector<uint8_t> expanded, want;
          ASSERT_NO_FATAL_FAILURE(ExpectArbitraryInput(desc, rng, &expanded, &want));
          std::vector<uint8_t> src(want.size());
          rng.FillBytes(src.data(), src.size());
          dilate_ref::Expand(desc, src.data(), expanded.data());
          ExpectContract(desc, expanded, DILATE_FLAG_VERIFY_HOLES, DILATE_OK, src, rng);
          // The element before the last (a tap): a hole.
          expanded[expanded.size() - 2 * dilate_dtype_size(dtype)] ^= 1;
          ExpectContract(desc, expanded, DILATE_FLAG_VERIFY_HOLES, DILATE_ERROR_HOLE_NOT_FILL, src,
                         rng);
          if (testing::Test::HasFailure()) return;
        }
      }
    }
  }
}

// 3-D kernels from 1 KB of expanded bytes to past 64 KB, which a one-shot
// contract takes by the vector loop of small kernels to
// kContractPlanesBytesRank3 (lib/driver.cc), by tiles beyond: planes of
// several kernels, the last one cut short. Every element size, inner 1 and
// 3, K3 D2 and K3 D3; arbitrary input.
TEST_P(Contract, ThreeDimensionalKernelsMatchReference) {
  Rng rng(CaseSeed(0x3D3D, 0));
  for (uint32_t dtype : {DILATE_DTYPE_U8, DILATE_DTYPE_U16, DILATE_DTYPE_F32, DILATE_DTYPE_F64}) {
    for (uint64_t inner : {1u, 3u}) {
      for (uint64_t d : {2u, 3u}) {
        const uint64_t e = dilate_dtype_size(dtype), l = 2 * d + 1;
        const uint64_t kernel = l * l * l * inner * e;  // expanded bytes
        for (uint64_t bytes : {1000u, 9000u, 40000u, 66000u, 70000u}) {
          if (Scaled(100) < 50 && bytes > 9000u) continue;  // (qemu)
          const uint64_t outer = (bytes + kernel - 1) / kernel + rng.Uniform(0, 2);
          const dilate_desc desc = CubeDesc(dtype, 3, outer, inner, 3, d);
          SCOPED_TRACE(testing::Message() << Describe(desc));
          std::vector<uint8_t> expanded, want;
          ASSERT_NO_FATAL_FAILURE(ExpectArbitraryInput(desc, rng, &expanded, &want));
          if (testing::Test::HasFailure()) return;
        }
      }
    }
  }
}

// Kernels with long rows of taps, which a one-shot contract from 8 KiB
// takes a row at a time (tap rows: TapRowsPay and TapRowsBeforeSquare in
// lib/driver.cc / lib/driver.h) where a row fits the target's vector, and
// by the other loops where it does not: square kernels on either side of
// 8 KiB and of the square loop's limit, inner 1 and 3 (OHWI), a 1-D and a
// 3-D shape, and a cropped kernel (its rows not contiguous in dense, which
// tap rows decline); arbitrary input against dilate_ref.
TEST_P(Contract, LongTapRowsMatchReference) {
  Rng rng(CaseSeed(0x7A9, 0));
  const uint64_t shapes[][2] = {{7, 2}, {7, 3}, {7, 4}, {11, 4}, {3, 4}, {5, 3}};
  for (uint32_t dtype : {DILATE_DTYPE_U8, DILATE_DTYPE_U16, DILATE_DTYPE_F32, DILATE_DTYPE_F64}) {
    const uint64_t e = dilate_dtype_size(dtype);
    for (const auto& kd : shapes) {
      for (uint64_t inner : {1u, 3u}) {
        const uint64_t l = (kd[0] - 1) * kd[1] + 1, kernel = l * l * inner * e;
        for (uint64_t bytes : {6000u, 12000u, 70000u, 300000u}) {
          if (Scaled(100) < 50 && bytes != 12000u) continue;  // (qemu)
          const uint64_t outer = (bytes + kernel - 1) / kernel + rng.Uniform(0, 2);
          const dilate_desc desc = CubeDesc(dtype, 2, outer, inner, kd[0], kd[1]);
          SCOPED_TRACE(testing::Message() << Describe(desc));
          std::vector<uint8_t> expanded, want;
          ASSERT_NO_FATAL_FAILURE(ExpectArbitraryInput(desc, rng, &expanded, &want));
          if (testing::Test::HasFailure()) return;
        }
      }
    }
  }
  // 1-D and 3-D kernels, and a 2-D kernel cropped by one column.
  for (uint32_t dtype : {DILATE_DTYPE_U8, DILATE_DTYPE_F32}) {
    for (uint32_t rank : {1u, 3u}) {
      const dilate_desc desc = CubeDesc(dtype, rank, rank == 1 ? 2000 : 40, 1, 7, 2);
      SCOPED_TRACE(testing::Message() << Describe(desc));
      std::vector<uint8_t> expanded, want;
      ASSERT_NO_FATAL_FAILURE(ExpectArbitraryInput(desc, rng, &expanded, &want));
    }
    dilate_desc desc = CubeDesc(dtype, 2, 300, 1, 7, 2);
    desc.pad_hi[1] = -1;
    SCOPED_TRACE(testing::Message() << Describe(desc));
    std::vector<uint8_t> expanded, want;
    ASSERT_NO_FATAL_FAILURE(ExpectArbitraryInput(desc, rng, &expanded, &want));
  }
}

DILATE_INSTANTIATE_ON_ALL_TARGETS(Contract);

}  // namespace
}  // namespace dilate_test
