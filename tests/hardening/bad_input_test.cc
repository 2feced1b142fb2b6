// Every bad input of docs/bad-input.md: the status it gets, and that every
// output buffer is byte-for-byte unchanged, on every supported target. The
// test names are the table's first column.
#include <stdlib.h>

#include <gtest/gtest.h>

#include "lib/reference.h"
#include "tests/hardening/hardening_util.h"

namespace dilate_hardening {
namespace {

// f32, [outer 2, 3 x 4, inner 3], dilation (2, 3), padding 1 on each side:
// dst is [2, 7 x 12, 3].
dilate_desc Base() {
  dilate_desc d;
  dilate_desc_init(&d);
  d.dtype = DILATE_DTYPE_F32;
  d.rank = 2;
  d.outer = 2;
  d.inner = 3;
  d.src_dims[0] = 3;
  d.src_dims[1] = 4;
  d.dilation[0] = 2;
  d.dilation[1] = 3;
  d.pad_lo[0] = d.pad_lo[1] = d.pad_hi[0] = d.pad_hi[1] = 1;
  return d;
}
constexpr size_t kSrcBytes = 2 * 3 * 4 * 3 * 4;   // 288
constexpr size_t kDstBytes = 2 * 7 * 12 * 3 * 4;  // 2016

dilate_options Options() {
  dilate_options o;
  memset(&o, 0, sizeof(o));
  o.struct_size = sizeof(o);
  return o;
}

enum Ops : unsigned { kExpand = 1, kContract = 2, kShape = 4, kAll = 7 };

// Runs the chosen operations on `desc` (may be NULL) with buffers of the
// given sizes (a NULL pointer if null_in / null_out) and checks the status
// and that no buffer changed, on every supported target.
void ExpectRejected(const dilate_desc* desc, dilate_status want, unsigned ops = kAll,
                    const dilate_options* opt = nullptr, size_t src_bytes = kSrcBytes,
                    size_t dst_bytes = kDstBytes, bool null_src = false, bool null_dst = false) {
  Rng rng(7);
  std::vector<uint8_t> src(src_bytes + 16), dst(dst_bytes + 16);
  FillRandom(src.data(), src.size(), rng);
  FillRandom(dst.data(), dst.size(), rng);
  const std::vector<uint8_t> src0 = src, dst0 = dst;
  for (const std::string& t : SupportedTargets()) {
    SCOPED_TRACE(t);
    ASSERT_EQ(dilate_set_target(t.c_str()), DILATE_OK);
    if (ops & kExpand) {
      EXPECT_EQ(dilate_expand(desc, null_src ? nullptr : src.data(), src_bytes,
                              null_dst ? nullptr : dst.data(), dst_bytes, opt),
                want)
          << "expand";
    }
    if (ops & kContract) {
      EXPECT_EQ(dilate_contract(desc, null_dst ? nullptr : dst.data(), dst_bytes,
                                null_src ? nullptr : src.data(), src_bytes, opt),
                want)
          << "contract";
    }
    if (ops & kShape) {
      dilate_shape shape;
      memset(&shape, 0x5C, sizeof(shape));
      shape.struct_size = sizeof(shape);
      const dilate_shape before = shape;
      EXPECT_EQ(dilate_query_shape(desc, &shape), want) << "query_shape";
      EXPECT_EQ(memcmp(&shape, &before, sizeof(shape)), 0) << "shape written";
    }
    // The same through a dilate_plan (1.1): rejected by dilate_plan_create
    // with the same status, or by the plan's calls.
    if (ops & (kExpand | kContract)) {
      dilate_plan* const untouched = reinterpret_cast<dilate_plan*>(uintptr_t{0x5C});
      dilate_plan* plan = untouched;
      const dilate_status c = dilate_plan_create(desc, 0, &plan);
      if (c != DILATE_OK) {
        EXPECT_EQ(c, want) << "plan_create";
        EXPECT_EQ(plan, untouched) << "plan_create wrote *plan";
      } else {
        if (ops & kExpand) {
          EXPECT_EQ(dilate_plan_expand(plan, null_src ? nullptr : src.data(), src_bytes,
                                       null_dst ? nullptr : dst.data(), dst_bytes, opt),
                    want)
              << "plan_expand";
        }
        if (ops & kContract) {
          EXPECT_EQ(dilate_plan_contract(plan, null_dst ? nullptr : dst.data(), dst_bytes,
                                         null_src ? nullptr : src.data(), src_bytes, opt),
                    want)
              << "plan_contract";
        }
        dilate_plan_destroy(plan);
      }
    }
    EXPECT_EQ(src, src0) << "src/dense buffer written";
    EXPECT_EQ(dst, dst0) << "dst/expanded buffer written";
  }
  dilate_set_target(nullptr);
}

TEST(BadInput, BaseIsValid) {
  const dilate_desc d = Base();
  dilate_shape s;
  s.struct_size = sizeof(s);
  ASSERT_EQ(dilate_query_shape(&d, &s), DILATE_OK);
  EXPECT_EQ(s.src_bytes, kSrcBytes);
  EXPECT_EQ(s.dst_bytes, kDstBytes);
}

// ------------------------------------------------------------ description
TEST(BadInput, DescNull) { ExpectRejected(nullptr, DILATE_ERROR_NULL_POINTER); }

TEST(BadInput, DescStructSizeZero) {
  dilate_desc d = Base();
  d.struct_size = 0;
  ExpectRejected(&d, DILATE_ERROR_BAD_STRUCT_SIZE);
}
TEST(BadInput, DescStructSizeSmaller) {
  dilate_desc d = Base();
  d.struct_size = sizeof(dilate_desc) - 8;
  ExpectRejected(&d, DILATE_ERROR_BAD_STRUCT_SIZE);
}
TEST(BadInput, DescStructSizeLarger) {
  dilate_desc d = Base();
  d.struct_size = sizeof(dilate_desc) + 8;
  ExpectRejected(&d, DILATE_ERROR_BAD_STRUCT_SIZE);
}
TEST(BadInput, DescFlagsNonZero) {
  for (uint32_t f : {1u, 0x80000000u}) {
    dilate_desc d = Base();
    d.flags = f;
    ExpectRejected(&d, DILATE_ERROR_BAD_FLAGS);
  }
}
TEST(BadInput, DtypeUnknown) {
  for (uint32_t t : {0u, 13u, 255u, UINT32_MAX}) {
    dilate_desc d = Base();
    d.dtype = t;
    ExpectRejected(&d, DILATE_ERROR_BAD_DTYPE);
  }
}
TEST(BadInput, RankZero) {
  dilate_desc d = Base();
  d.rank = 0;
  ExpectRejected(&d, DILATE_ERROR_BAD_RANK);
}
TEST(BadInput, RankAboveMax) {
  for (uint32_t r : {9u, 64u, UINT32_MAX}) {
    dilate_desc d = Base();
    d.rank = r;
    ExpectRejected(&d, DILATE_ERROR_BAD_RANK);
  }
}
TEST(BadInput, DilationZero) {
  for (uint32_t axis : {0u, 1u}) {
    dilate_desc d = Base();
    d.dilation[axis] = 0;
    ExpectRejected(&d, DILATE_ERROR_BAD_DILATION);
  }
}
TEST(BadInput, DilationZeroBeyondRankIsIgnored) {
  dilate_desc d = Base();
  d.dilation[2] = 0;
  d.src_dims[5] = UINT64_MAX;
  d.pad_lo[7] = INT64_MIN;
  dilate_shape s;
  s.struct_size = sizeof(s);
  EXPECT_EQ(dilate_query_shape(&d, &s), DILATE_OK);
}
TEST(BadInput, NegativePaddingCropsBelowZero) {
  dilate_desc d = Base();
  d.pad_lo[0] = -4;
  d.pad_hi[0] = -2;  // 3 + 2 - 6 = -1
  ExpectRejected(&d, DILATE_ERROR_NEGATIVE_EXTENT);
}
TEST(BadInput, NegativePaddingHugeBothSides) {
  dilate_desc d = Base();
  d.pad_lo[1] = INT64_MIN + 1;
  d.pad_hi[1] = INT64_MIN + 1;
  ExpectRejected(&d, DILATE_ERROR_NEGATIVE_EXTENT);
}
TEST(BadInput, PaddingInt64Min) {
  for (int side = 0; side < 2; ++side) {
    dilate_desc d = Base();
    (side ? d.pad_hi : d.pad_lo)[1] = INT64_MIN;
    ExpectRejected(&d, DILATE_ERROR_OVERFLOW);
  }
}
TEST(BadInput, PaddedExtentAboveInt64Max) {
  dilate_desc d = Base();
  d.pad_lo[0] = INT64_MAX;
  d.pad_hi[0] = 1;
  ExpectRejected(&d, DILATE_ERROR_OVERFLOW);
}
TEST(BadInput, DilatedExtentAboveInt64Max) {
  dilate_desc d = Base();
  d.src_dims[0] = 3;
  d.dilation[0] = uint64_t{1} << 63;  // (3 - 1) * 2^63 + 1
  ExpectRejected(&d, DILATE_ERROR_OVERFLOW);
}
// s = d = 2^64 - 1 make the dilated extent ~2^128 (a fuzzer find: lib/plan.cc
// used to wrap it negative in __int128 and report NEGATIVE_EXTENT).
TEST(BadInput, DilatedExtentAbove2To127) {
  dilate_desc d = Base();
  d.src_dims[0] = UINT64_MAX;
  d.dilation[0] = UINT64_MAX;
  d.pad_lo[0] = d.pad_hi[0] = 0;
  ExpectRejected(&d, DILATE_ERROR_OVERFLOW);
}
TEST(BadInput, ElementCountOverflow) {
  dilate_desc d = Base();
  d.src_dims[0] = d.src_dims[1] = uint64_t{1} << 32;
  d.dilation[0] = d.dilation[1] = 1;
  d.pad_lo[0] = d.pad_lo[1] = d.pad_hi[0] = d.pad_hi[1] = 0;
  d.outer = d.inner = 1;  // 2^64 elements
  ExpectRejected(&d, DILATE_ERROR_OVERFLOW);
}
TEST(BadInput, ByteSizeOverflow) {
  dilate_desc d = Base();
  d.dtype = DILATE_DTYPE_F64;
  d.rank = 1;
  d.src_dims[0] = uint64_t{1} << 61;  // 2^61 elements fit, 2^64 bytes do not
  d.dilation[0] = 1;
  d.pad_lo[0] = d.pad_hi[0] = 0;
  d.outer = d.inner = 1;
  ExpectRejected(&d, DILATE_ERROR_OVERFLOW);
}
TEST(BadInput, OuterTimesInnerOverflow) {
  dilate_desc d = Base();
  d.outer = UINT64_MAX;
  d.inner = 2;
  ExpectRejected(&d, DILATE_ERROR_OVERFLOW);
}
TEST(BadInput, DstOnlyOverflow) {  // src fits, the padded dst does not
  dilate_desc d = Base();
  d.dtype = DILATE_DTYPE_U8;
  d.rank = 1;
  d.src_dims[0] = 2;
  d.dilation[0] = uint64_t{1} << 62;
  d.pad_lo[0] = d.pad_hi[0] = 0;
  d.outer = 4;
  d.inner = 1;
  ExpectRejected(&d, DILATE_ERROR_OVERFLOW);
}
TEST(BadInput, FillBytesBeyondElement) {
  dilate_desc d = Base();  // f32: fill[4..7] must be 0
  d.fill[4] = 1;
  ExpectRejected(&d, DILATE_ERROR_BAD_ARGUMENT);
}

// ------------------------------------------------------------ buffers
TEST(BadInput, SrcNull) {
  const dilate_desc d = Base();
  ExpectRejected(&d, DILATE_ERROR_NULL_POINTER, kExpand | kContract, nullptr, kSrcBytes,
                 kDstBytes, /*null_src=*/true, false);
}
TEST(BadInput, DstNull) {
  const dilate_desc d = Base();
  ExpectRejected(&d, DILATE_ERROR_NULL_POINTER, kExpand | kContract, nullptr, kSrcBytes,
                 kDstBytes, false, /*null_dst=*/true);
}
TEST(BadInput, NullWithZeroBytesIsFine) {
  dilate_desc d = Base();
  d.outer = 0;
  EXPECT_EQ(dilate_expand(&d, nullptr, 0, nullptr, 0, nullptr), DILATE_OK);
  EXPECT_EQ(dilate_contract(&d, nullptr, 0, nullptr, 0, nullptr), DILATE_OK);
}
TEST(BadInput, SrcTooSmall) {
  const dilate_desc d = Base();
  ExpectRejected(&d, DILATE_ERROR_BUFFER_TOO_SMALL, kExpand | kContract, nullptr,
                 kSrcBytes - 1, kDstBytes);
}
TEST(BadInput, DstTooSmall) {
  const dilate_desc d = Base();
  ExpectRejected(&d, DILATE_ERROR_BUFFER_TOO_SMALL, kExpand | kContract, nullptr, kSrcBytes,
                 kDstBytes - 1);
}
TEST(BadInput, BuffersZeroSized) {
  const dilate_desc d = Base();
  ExpectRejected(&d, DILATE_ERROR_BUFFER_TOO_SMALL, kExpand | kContract, nullptr, 0, 0);
}
TEST(BadInput, BuffersOverlap) {
  const dilate_desc d = Base();
  for (size_t shift : {size_t{0}, size_t{1}, kSrcBytes - 1}) {
    std::vector<uint8_t> arena(kSrcBytes + kDstBytes + 16, 0x77);
    const std::vector<uint8_t> arena0 = arena;
    for (const std::string& t : SupportedTargets()) {
      ASSERT_EQ(dilate_set_target(t.c_str()), DILATE_OK);
      EXPECT_EQ(dilate_expand(&d, arena.data(), kSrcBytes, arena.data() + shift, kDstBytes,
                              nullptr),
                DILATE_ERROR_OVERLAP);
      EXPECT_EQ(dilate_contract(&d, arena.data() + shift, kDstBytes, arena.data(), kSrcBytes,
                                nullptr),
                DILATE_ERROR_OVERLAP);
      EXPECT_EQ(arena, arena0) << t;
    }
  }
  dilate_set_target(nullptr);
}

// ------------------------------------------------------------ options
TEST(BadInput, OptionsStructSize) {
  const dilate_desc d = Base();
  for (uint32_t size : {0u, 8u, static_cast<uint32_t>(sizeof(dilate_options) + 8)}) {
    dilate_options o = Options();
    o.struct_size = size;
    ExpectRejected(&d, DILATE_ERROR_BAD_STRUCT_SIZE, kExpand | kContract, &o);
  }
}
TEST(BadInput, OptionsUnknownFlag) {
  const dilate_desc d = Base();
  for (uint32_t f : {2u, 0x80000000u}) {
    dilate_options o = Options();
    o.flags = f;
    ExpectRejected(&d, DILATE_ERROR_BAD_FLAGS, kExpand | kContract, &o);
  }
}
TEST(BadInput, OptionsVerifyHolesOnExpand) {
  const dilate_desc d = Base();
  dilate_options o = Options();
  o.flags = DILATE_FLAG_VERIFY_HOLES;
  ExpectRejected(&d, DILATE_ERROR_BAD_FLAGS, kExpand, &o);
}
TEST(BadInput, OptionsReservedNonZero) {
  const dilate_desc d = Base();
  dilate_options o = Options();
  o.reserved = 1;
  ExpectRejected(&d, DILATE_ERROR_BAD_FLAGS, kExpand | kContract, &o);
}

// A hole that is not the fill value: the one status that writes (the dense
// output, as documented); the expanded input is untouched.
TEST(BadInput, HoleNotFill) {
  const dilate_desc d = Base();
  Rng rng(3);
  std::vector<uint8_t> src(kSrcBytes), expanded(kDstBytes), want(kSrcBytes);
  FillRandom(src.data(), src.size(), rng);
  dilate_ref::Expand(d, src.data(), expanded.data());
  expanded[0] = 1;  // (0, 0) is padding: not a tap
  ASSERT_FALSE(dilate_ref::Contract(d, expanded.data(), want.data(), want.size()));
  const std::vector<uint8_t> expanded0 = expanded;
  dilate_options o = Options();
  o.flags = DILATE_FLAG_VERIFY_HOLES;
  for (const std::string& t : SupportedTargets()) {
    ASSERT_EQ(dilate_set_target(t.c_str()), DILATE_OK);
    std::vector<uint8_t> dense(kSrcBytes, 0xEE);
    EXPECT_EQ(dilate_contract(&d, expanded.data(), expanded.size(), dense.data(), dense.size(),
                              &o),
              DILATE_ERROR_HOLE_NOT_FILL)
        << t;
    EXPECT_EQ(dense, want) << t;
    EXPECT_EQ(expanded, expanded0) << t;
  }
  dilate_set_target(nullptr);
}

// ------------------------------------------------------------ query_shape
TEST(BadInput, ShapeNull) {
  const dilate_desc d = Base();
  EXPECT_EQ(dilate_query_shape(&d, nullptr), DILATE_ERROR_NULL_POINTER);
}
TEST(BadInput, ShapeStructSize) {
  const dilate_desc d = Base();
  for (uint32_t size : {0u, static_cast<uint32_t>(sizeof(dilate_shape) - 8),
                        static_cast<uint32_t>(sizeof(dilate_shape) + 8)}) {
    dilate_shape s;
    memset(&s, 0x5C, sizeof(s));
    s.struct_size = size;
    const dilate_shape before = s;
    EXPECT_EQ(dilate_query_shape(&d, &s), DILATE_ERROR_BAD_STRUCT_SIZE);
    EXPECT_EQ(memcmp(&s, &before, sizeof(s)), 0);
  }
}

// ------------------------------------------------------------ other entry points
TEST(BadInput, SetFillNull) {
  dilate_desc d = Base();
  const dilate_desc before = d;
  const float one = 1.0f;
  EXPECT_EQ(dilate_desc_set_fill(nullptr, &one), DILATE_ERROR_NULL_POINTER);
  EXPECT_EQ(dilate_desc_set_fill(&d, nullptr), DILATE_ERROR_NULL_POINTER);
  EXPECT_EQ(memcmp(&d, &before, sizeof(d)), 0);
}
TEST(BadInput, SetFillBadDtype) {
  dilate_desc d = Base();
  d.dtype = 99;
  const dilate_desc before = d;
  const double v = 2.0;
  EXPECT_EQ(dilate_desc_set_fill(&d, &v), DILATE_ERROR_BAD_DTYPE);
  EXPECT_EQ(memcmp(&d, &before, sizeof(d)), 0);
}
TEST(BadInput, SetFillBadStructSize) {
  dilate_desc d = Base();
  d.struct_size = 4;
  const dilate_desc before = d;
  const float v = 2.0f;
  EXPECT_EQ(dilate_desc_set_fill(&d, &v), DILATE_ERROR_BAD_STRUCT_SIZE);
  EXPECT_EQ(memcmp(&d, &before, sizeof(d)), 0);
}
TEST(BadInput, Expand2dBad) {
  std::vector<uint8_t> src(64, 1), dst(1024, 2);
  const std::vector<uint8_t> dst0 = dst;
  for (const std::string& t : SupportedTargets()) {
    ASSERT_EQ(dilate_set_target(t.c_str()), DILATE_OK);
    EXPECT_EQ(dilate_expand_2d(0, 1, 3, 2, src.data(), dst.data()), DILATE_ERROR_BAD_DTYPE);
    EXPECT_EQ(dilate_expand_2d(DILATE_DTYPE_U8, 1, 3, 0, src.data(), dst.data()),
              DILATE_ERROR_BAD_DILATION);
    EXPECT_EQ(dilate_expand_2d(DILATE_DTYPE_U8, 1, 3, 2, nullptr, dst.data()),
              DILATE_ERROR_NULL_POINTER);
    EXPECT_EQ(dilate_expand_2d(DILATE_DTYPE_U8, 1, 3, 2, src.data(), nullptr),
              DILATE_ERROR_NULL_POINTER);
    EXPECT_EQ(dilate_expand_2d(DILATE_DTYPE_U8, UINT64_MAX, 3, 2, src.data(), dst.data()),
              DILATE_ERROR_OVERFLOW);
    EXPECT_EQ(dst, dst0) << t;
  }
  dilate_set_target(nullptr);
}
TEST(BadInput, ListTargetsCountNull) {
  const char* names[8] = {};
  EXPECT_EQ(dilate_list_targets(DILATE_TARGETS_SUPPORTED, names, 8, nullptr),
            DILATE_ERROR_NULL_POINTER);
  for (const char* n : names) EXPECT_EQ(n, nullptr);
}
// "names may be NULL only when capacity is 0 (to ask for the count);
// DILATE_ERROR_NULL_POINTER otherwise."
TEST(BadInput, ListTargetsNamesNullWithCapacity) {
  uint32_t count = 12345;
  EXPECT_EQ(dilate_list_targets(DILATE_TARGETS_SUPPORTED, nullptr, 4, &count),
            DILATE_ERROR_NULL_POINTER);
  EXPECT_EQ(count, 12345u);
}
TEST(BadInput, ListTargetsUnknownWhich) {
  const char* names[8] = {};
  uint32_t count = 12345;
  EXPECT_EQ(dilate_list_targets(2, names, 8, &count), DILATE_ERROR_BAD_ARGUMENT);
  EXPECT_EQ(count, 12345u);
  for (const char* n : names) EXPECT_EQ(n, nullptr);
}
TEST(BadInput, SetTargetUnknown) {
  // The worst supported target (the portable fallback): exists on every
  // architecture and compiler, and is never the default on a SIMD CPU.
  const std::string fallback = SupportedTargets().back();
  ASSERT_EQ(dilate_set_target(fallback.c_str()), DILATE_OK);
  EXPECT_EQ(dilate_set_target("NOT_A_TARGET"), DILATE_ERROR_UNKNOWN_TARGET);
  EXPECT_EQ(dilate_set_target((SupportedTargets().front() + " ").c_str()),
            DILATE_ERROR_UNKNOWN_TARGET);
  EXPECT_STREQ(dilate_target_name(), fallback.c_str());  // choice unchanged
  dilate_set_target(nullptr);
}
TEST(BadInput, SetTargetUnsupported) {
  uint32_t nc = 0, ns = 0;
  ASSERT_EQ(dilate_list_targets(DILATE_TARGETS_COMPILED, nullptr, 0, &nc), DILATE_OK);
  ASSERT_EQ(dilate_list_targets(DILATE_TARGETS_SUPPORTED, nullptr, 0, &ns), DILATE_OK);
  std::vector<const char*> compiled(nc);
  dilate_list_targets(DILATE_TARGETS_COMPILED, compiled.data(), nc, &nc);
  const std::vector<std::string> supported = SupportedTargets();
  bool tested = false;
  for (const char* c : compiled) {
    bool ok = false;
    for (const std::string& s : supported) ok |= s == c;
    if (ok) continue;
    const char* before = dilate_target_name();
    EXPECT_EQ(dilate_set_target(c), DILATE_ERROR_UNSUPPORTED_TARGET) << c;
    EXPECT_STREQ(dilate_target_name(), before);
    tested = true;
  }
  if (!tested) GTEST_SKIP() << "this CPU supports every compiled target";
}
// DILATE_TARGET naming an unknown target: operations fail, nothing written.
// Read once per process, so checked in a fresh child (death-test machinery).
[[noreturn]] void EnvironmentTargetChild() {
  setenv("DILATE_TARGET", "NOT_A_TARGET", 1);
  const dilate_desc d = Base();
  std::vector<uint8_t> src(kSrcBytes, 1), dst(kDstBytes, 2);
  const dilate_status s = dilate_expand(&d, src.data(), src.size(), dst.data(), dst.size(), nullptr);
  const dilate_status c = dilate_contract(&d, dst.data(), dst.size(), src.data(), src.size(), nullptr);
  bool untouched = true;
  for (uint8_t b : src) untouched &= b == 1;
  for (uint8_t b : dst) untouched &= b == 2;
  const bool ok = s == DILATE_ERROR_UNKNOWN_TARGET && c == DILATE_ERROR_UNKNOWN_TARGET &&
                  dilate_target_name() == nullptr && untouched &&
                  dilate_set_target("auto") == DILATE_OK && dilate_target_name() != nullptr;
  exit(ok ? 0 : 1);
}
TEST(BadInputDeathTest, EnvironmentTargetUnknown) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(EnvironmentTargetChild(), ::testing::ExitedWithCode(0), "");
}
// ------------------------------------------------------------------ plans
TEST(BadInput, PlanCreateOutNull) {
  const dilate_desc d = Base();
  EXPECT_EQ(dilate_plan_create(&d, 0, nullptr), DILATE_ERROR_NULL_POINTER);
}
TEST(BadInput, PlanCreateFlags) {
  const dilate_desc d = Base();
  for (uint32_t f : {1u, 0x80000000u}) {
    dilate_plan* plan = nullptr;
    EXPECT_EQ(dilate_plan_create(&d, f, &plan), DILATE_ERROR_BAD_FLAGS) << f;
    EXPECT_EQ(plan, nullptr);
  }
}
TEST(BadInput, PlanNull) {
  Rng rng(9);
  std::vector<uint8_t> src(kSrcBytes), dst(kDstBytes);
  FillRandom(src.data(), src.size(), rng);
  FillRandom(dst.data(), dst.size(), rng);
  const std::vector<uint8_t> src0 = src, dst0 = dst;
  EXPECT_EQ(dilate_plan_expand(nullptr, src.data(), kSrcBytes, dst.data(), kDstBytes, nullptr),
            DILATE_ERROR_NULL_POINTER);
  EXPECT_EQ(dilate_plan_contract(nullptr, dst.data(), kDstBytes, src.data(), kSrcBytes, nullptr),
            DILATE_ERROR_NULL_POINTER);
  dilate_shape shape;
  shape.struct_size = sizeof(shape);
  EXPECT_EQ(dilate_plan_shape(nullptr, &shape), DILATE_ERROR_NULL_POINTER);
  dilate_plan_destroy(nullptr);
  EXPECT_EQ(src, src0);
  EXPECT_EQ(dst, dst0);
}
TEST(BadInput, PlanNotAPlan) {
  // Zeroed memory (larger than a plan) that dilate_plan_create did not make.
  std::vector<uint64_t> fake(1 << 15, 0);
  const dilate_plan* p = reinterpret_cast<const dilate_plan*>(fake.data());
  Rng rng(10);
  std::vector<uint8_t> src(kSrcBytes), dst(kDstBytes);
  FillRandom(src.data(), src.size(), rng);
  FillRandom(dst.data(), dst.size(), rng);
  const std::vector<uint8_t> src0 = src, dst0 = dst;
  EXPECT_EQ(dilate_plan_expand(p, src.data(), kSrcBytes, dst.data(), kDstBytes, nullptr),
            DILATE_ERROR_BAD_ARGUMENT);
  EXPECT_EQ(dilate_plan_contract(p, dst.data(), kDstBytes, src.data(), kSrcBytes, nullptr),
            DILATE_ERROR_BAD_ARGUMENT);
  dilate_shape shape;
  memset(&shape, 0x5C, sizeof(shape));
  shape.struct_size = sizeof(shape);
  const dilate_shape before = shape;
  EXPECT_EQ(dilate_plan_shape(p, &shape), DILATE_ERROR_BAD_ARGUMENT);
  EXPECT_EQ(memcmp(&shape, &before, sizeof(shape)), 0);
  EXPECT_EQ(src, src0);
  EXPECT_EQ(dst, dst0);
}
TEST(BadInput, PlanShapeBad) {
  const dilate_desc d = Base();
  dilate_plan* plan = nullptr;
  ASSERT_EQ(dilate_plan_create(&d, 0, &plan), DILATE_OK);
  EXPECT_EQ(dilate_plan_shape(plan, nullptr), DILATE_ERROR_NULL_POINTER);
  for (uint32_t size : {0u, static_cast<uint32_t>(sizeof(dilate_shape) - 8),
                        static_cast<uint32_t>(sizeof(dilate_shape) + 8)}) {
    dilate_shape shape;
    memset(&shape, 0x5C, sizeof(shape));
    shape.struct_size = size;
    const dilate_shape before = shape;
    EXPECT_EQ(dilate_plan_shape(plan, &shape), DILATE_ERROR_BAD_STRUCT_SIZE) << size;
    EXPECT_EQ(memcmp(&shape, &before, sizeof(shape)), 0);
  }
  dilate_plan_destroy(plan);
}

TEST(BadInput, StatusStringUnknown) {
  // The enum has a fixed underlying type (int): every int is a valid value.
  for (int v : {16, 17, 1000, -1, INT32_MIN, INT32_MAX}) {
    EXPECT_STREQ(dilate_status_string(static_cast<dilate_status>(v)), "unknown status") << v;
  }
  for (int s = 0; s <= DILATE_ERROR_OUT_OF_MEMORY; ++s) {
    EXPECT_STRNE(dilate_status_string(static_cast<dilate_status>(s)), "unknown status") << s;
  }
}
TEST(BadInput, DtypeHelpersUnknown) {
  for (uint32_t t : {0u, 13u, UINT32_MAX}) {
    EXPECT_EQ(dilate_dtype_size(t), 0u);
    EXPECT_EQ(dilate_dtype_name(t), nullptr);
  }
}
TEST(BadInput, DescInitNull) { dilate_desc_init(nullptr); }

}  // namespace
}  // namespace dilate_hardening
