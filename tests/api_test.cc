// The small entry points: status strings, dtype sizes and names, versions,
// and dilate_query_shape against dims computed here from the formula.
#include <stdio.h>
#include <string.h>

#include <set>
#include <string>

#include "dilate/dilate.h"
#include "tests/test_util.h"

namespace dilate_test {
namespace {

using Api = TargetTest;

TEST_P(Api, StatusStringsAreDistinct) {
  std::set<std::string> seen;
  for (int s = DILATE_OK; s <= DILATE_ERROR_OUT_OF_MEMORY; ++s) {
    const char* text = dilate_status_string(static_cast<dilate_status>(s));
    ASSERT_NE(text, nullptr) << s;
    EXPECT_GT(strlen(text), 0u) << s;
    EXPECT_TRUE(seen.insert(text).second) << "status " << s << " repeats \"" << text << "\"";
  }
  // Values the library does not know: never NULL, never a known status's text.
  for (int s : {-1, 16, 17, 1000, 0x7FFFFFFF}) {
    const char* text = dilate_status_string(static_cast<dilate_status>(s));
    ASSERT_NE(text, nullptr) << s;
    EXPECT_EQ(seen.count(text), 0u) << s;
  }
}

TEST_P(Api, PinnedStatusValues) {
  // The header pins these numbers: a binary built against 1.0 relies on them.
  EXPECT_EQ(DILATE_OK, 0);
  EXPECT_EQ(DILATE_ERROR_NULL_POINTER, 1);
  EXPECT_EQ(DILATE_ERROR_BAD_STRUCT_SIZE, 2);
  EXPECT_EQ(DILATE_ERROR_BAD_DTYPE, 3);
  EXPECT_EQ(DILATE_ERROR_BAD_RANK, 4);
  EXPECT_EQ(DILATE_ERROR_BAD_DILATION, 5);
  EXPECT_EQ(DILATE_ERROR_NEGATIVE_EXTENT, 6);
  EXPECT_EQ(DILATE_ERROR_OVERFLOW, 7);
  EXPECT_EQ(DILATE_ERROR_OVERLAP, 8);
  EXPECT_EQ(DILATE_ERROR_BUFFER_TOO_SMALL, 9);
  EXPECT_EQ(DILATE_ERROR_BAD_FLAGS, 10);
  EXPECT_EQ(DILATE_ERROR_HOLE_NOT_FILL, 11);
  EXPECT_EQ(DILATE_ERROR_UNKNOWN_TARGET, 12);
  EXPECT_EQ(DILATE_ERROR_UNSUPPORTED_TARGET, 13);
  EXPECT_EQ(DILATE_ERROR_BAD_ARGUMENT, 14);
  EXPECT_EQ(DILATE_ERROR_OUT_OF_MEMORY, 15);
}

TEST_P(Api, DtypeSizesAndNames) {
  struct Want {
    uint32_t dtype, size;
    const char* name;
  };
  const Want want[] = {
      {DILATE_DTYPE_U8, 1, "u8"},   {DILATE_DTYPE_I8, 1, "i8"},   {DILATE_DTYPE_U16, 2, "u16"},
      {DILATE_DTYPE_I16, 2, "i16"}, {DILATE_DTYPE_F16, 2, "f16"}, {DILATE_DTYPE_BF16, 2, "bf16"},
      {DILATE_DTYPE_U32, 4, "u32"}, {DILATE_DTYPE_I32, 4, "i32"}, {DILATE_DTYPE_F32, 4, "f32"},
      {DILATE_DTYPE_U64, 8, "u64"}, {DILATE_DTYPE_I64, 8, "i64"}, {DILATE_DTYPE_F64, 8, "f64"}};
  for (uint32_t i = 0; i < 12; ++i) {
    EXPECT_EQ(want[i].dtype, i + 1) << "dtype values are pinned";
    EXPECT_EQ(dilate_dtype_size(want[i].dtype), want[i].size) << want[i].name;
    const char* name = dilate_dtype_name(want[i].dtype);
    ASSERT_NE(name, nullptr) << want[i].dtype;
    EXPECT_STREQ(name, want[i].name);
  }
  for (uint32_t bad : {0u, 13u, 255u, 0x80000000u, 0xFFFFFFFFu}) {
    EXPECT_EQ(dilate_dtype_size(bad), 0u) << bad;
    EXPECT_EQ(dilate_dtype_name(bad), nullptr) << bad;
  }
}

TEST_P(Api, VersionMatchesHeader) {
  EXPECT_EQ(dilate_version_number(), static_cast<uint32_t>(DILATE_VERSION_NUMBER));
  EXPECT_EQ(DILATE_VERSION_NUMBER,
            DILATE_VERSION_MAJOR * 10000 + DILATE_VERSION_MINOR * 100 + DILATE_VERSION_PATCH);
  ASSERT_NE(dilate_version_string(), nullptr);
  EXPECT_STREQ(dilate_version_string(), DILATE_VERSION_STRING);
  char dotted[32];
  snprintf(dotted, sizeof(dotted), "%d.%d.%d", DILATE_VERSION_MAJOR, DILATE_VERSION_MINOR,
           DILATE_VERSION_PATCH);
  EXPECT_STREQ(DILATE_VERSION_STRING, dotted);
  EXPECT_EQ(DILATE_VERSION_MAJOR, 1);
}

TEST_P(Api, QueryShapeOfRandomDescriptions) {
  for (uint64_t i = 0; i < Scaled(2000, 100); ++i) {
    Rng rng(CaseSeed(0x5AAE, i));
    const dilate_desc desc = RandomDesc(rng, 1u << 20, /*allow_negative_extent=*/true);
    SCOPED_TRACE(Describe(desc));
    ExpectQueryShapeMatches(desc, ComputeShape(desc));
    if (HasFailure()) break;
  }
}

TEST_P(Api, QueryShapeOfLargeValues) {
  // Values far beyond anything allocatable: only the arithmetic is checked.
  dilate_desc d;
  dilate_desc_init(&d);
  d.dtype = DILATE_DTYPE_BF16;
  d.rank = 8;
  d.outer = 3;
  d.inner = 5;
  const uint64_t s[8] = {1, 2, 3, 1000, 0x10000, 7, 1, 9};
  const uint64_t dil[8] = {9, 1, 4, 1, 1, 2, 1000000, 3};
  const int64_t lo[8] = {-1, 0, 3, -999, 0, 2, 5, -20};
  const int64_t hi[8] = {4, -2, 0, 0, 7, 0, 0, 0};
  for (int i = 0; i < 8; ++i) {
    d.src_dims[i] = s[i];
    d.dilation[i] = dil[i];
    d.pad_lo[i] = lo[i];
    d.pad_hi[i] = hi[i];
  }
  // p = lo + s + (s - 1)(d - 1) + hi, by hand.
  const uint64_t p[8] = {4, 0, 12, 1, 0x10007, 15, 6, 5};
  dilate_shape shape;
  shape.struct_size = sizeof(shape);
  ASSERT_EQ(dilate_query_shape(&d, &shape), DILATE_OK);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(shape.dst_dims[i], p[i]) << i;
  EXPECT_EQ(shape.dst_elems, 0u);  // p[1] == 0
  EXPECT_EQ(shape.src_elems, uint64_t{3} * 5 * 2 * 3 * 1000 * 0x10000 * 7 * 9);
  EXPECT_EQ(shape.src_bytes, shape.src_elems * 2);
  EXPECT_EQ(shape.elem_size, 2u);
  EXPECT_EQ(shape.rank, 8u);
  // The largest extent that still fits: 2^62 elements of u8 in one axis.
  dilate_desc big;
  dilate_desc_init(&big);
  big.dtype = DILATE_DTYPE_U8;
  big.rank = 1;
  big.src_dims[0] = (uint64_t{1} << 61) + 1;
  big.dilation[0] = 2;
  big.pad_hi[0] = -1;
  ASSERT_EQ(dilate_query_shape(&big, &shape), DILATE_OK);
  EXPECT_EQ(shape.dst_dims[0], uint64_t{1} << 62);
  EXPECT_EQ(shape.dst_bytes, uint64_t{1} << 62);
  EXPECT_EQ(shape.dst_dims[1], 0u);
}

DILATE_INSTANTIATE_ON_ALL_TARGETS(Api);

}  // namespace
}  // namespace dilate_test
