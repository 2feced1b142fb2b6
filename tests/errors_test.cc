// Every bad input: the specific status, and every output buffer left byte
// for byte as it was. Also the zero-sized tensors that are valid.
#include <string.h>

#include <vector>

#include "dilate/dilate.h"
#include "lib/reference.h"
#include "tests/test_util.h"

namespace dilate_test {
namespace {

using Errors = TargetTest;

constexpr size_t kBufBytes = 4096;

// A valid description to break one field at a time: f32, 2 x [3, 4] x 3,
// dilation (2, 3), some padding: dst is 2 x [6, 11] x 3, 1584 bytes.
dilate_desc Good() {
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
  d.pad_lo[0] = 1;
  d.pad_hi[1] = 1;
  return d;
}

dilate_options Opts(uint32_t flags = 0) {
  dilate_options o;
  memset(&o, 0, sizeof(o));
  o.struct_size = sizeof(o);
  o.flags = flags;
  return o;
}

// Runs expand and contract on roomy, guarded buffers and expects `want`
// from both, with neither output touched.
void ExpectRejected(const dilate_desc* desc, dilate_status want,
                    const dilate_options* expand_opts = nullptr,
                    const dilate_options* contract_opts = nullptr) {
  Rng rng(0xE4404);
  GuardedBuffer in(kBufBytes, 5, rng), out(kBufBytes, 11, rng);
  const std::vector<uint8_t> in_before = in.Copy(), out_before = out.Copy();
  dilate_status s = dilate_expand(desc, in.data(), in.size(), out.data(), out.size(), expand_opts);
  EXPECT_EQ(s, want) << "expand: " << dilate_status_string(s);
  EXPECT_TRUE(out.Equals(out_before) && out.GuardsIntact()) << "expand wrote its output";
  s = dilate_contract(desc, in.data(), in.size(), out.data(), out.size(), contract_opts);
  EXPECT_EQ(s, want) << "contract: " << dilate_status_string(s);
  EXPECT_TRUE(out.Equals(out_before) && out.GuardsIntact()) << "contract wrote its output";
  EXPECT_TRUE(in.Equals(in_before) && in.GuardsIntact()) << "an input was written";
  // A plan of the same description: rejected by dilate_plan_create with the
  // same status, or (a valid description, bad options) by its calls.
  dilate_plan* const kUntouched = reinterpret_cast<dilate_plan*>(uintptr_t{0x5C});
  dilate_plan* plan = kUntouched;
  s = dilate_plan_create(desc, 0, &plan);
  if (s != DILATE_OK) {
    EXPECT_EQ(s, want) << "plan_create: " << dilate_status_string(s);
    EXPECT_EQ(plan, kUntouched) << "a rejected plan_create wrote *plan";
    return;
  }
  s = dilate_plan_expand(plan, in.data(), in.size(), out.data(), out.size(), expand_opts);
  EXPECT_EQ(s, want) << "plan_expand: " << dilate_status_string(s);
  s = dilate_plan_contract(plan, in.data(), in.size(), out.data(), out.size(), contract_opts);
  EXPECT_EQ(s, want) << "plan_contract: " << dilate_status_string(s);
  EXPECT_TRUE(out.Equals(out_before) && out.GuardsIntact()) << "a plan call wrote its output";
  EXPECT_TRUE(in.Equals(in_before) && in.GuardsIntact()) << "an input was written";
  dilate_plan_destroy(plan);
}

// dilate_query_shape must agree and leave *shape alone.
void ExpectShapeRejected(const dilate_desc* desc, dilate_status want) {
  dilate_shape shape;
  memset(&shape, 0x5C, sizeof(shape));
  shape.struct_size = sizeof(shape);
  dilate_shape before = shape;
  EXPECT_EQ(dilate_query_shape(desc, &shape), want);
  EXPECT_EQ(memcmp(&shape, &before, sizeof(shape)), 0) << "query_shape wrote *shape";
}

void ExpectDescRejected(const dilate_desc& desc, dilate_status want) {
  SCOPED_TRACE(Describe(desc));
  ExpectRejected(&desc, want);
  ExpectShapeRejected(&desc, want);
}

TEST_P(Errors, GoodDescriptionIsAccepted) {
  // The baseline every other test breaks: it must work, or they prove nothing.
  const dilate_desc d = Good();
  const ExpectedShape shape = ComputeShape(d);
  ExpectQueryShapeMatches(d, shape);
  ASSERT_EQ(shape.dst_bytes, 1584u);
  Rng rng(1);
  GuardedBuffer src(kBufBytes, 5, rng), dst(kBufBytes, 11, rng), dense(kBufBytes, 3, rng);
  ASSERT_EQ(dilate_expand(&d, src.data(), src.size(), dst.data(), dst.size(), nullptr), DILATE_OK);
  const dilate_options verify = Opts(DILATE_FLAG_VERIFY_HOLES);
  ASSERT_EQ(dilate_contract(&d, dst.data(), dst.size(), dense.data(), dense.size(), &verify),
            DILATE_OK);
}

TEST_P(Errors, NullPointers) {
  dilate_desc d = Good();
  ExpectRejected(nullptr, DILATE_ERROR_NULL_POINTER);
  ExpectShapeRejected(nullptr, DILATE_ERROR_NULL_POINTER);
  EXPECT_EQ(dilate_query_shape(&d, nullptr), DILATE_ERROR_NULL_POINTER);

  Rng rng(2);
  GuardedBuffer buf(kBufBytes, 7, rng);
  const std::vector<uint8_t> before = buf.Copy();
  EXPECT_EQ(dilate_expand(&d, nullptr, kBufBytes, buf.data(), buf.size(), nullptr),
            DILATE_ERROR_NULL_POINTER);
  EXPECT_EQ(dilate_contract(&d, nullptr, kBufBytes, buf.data(), buf.size(), nullptr),
            DILATE_ERROR_NULL_POINTER);
  EXPECT_TRUE(buf.Equals(before));
  EXPECT_EQ(dilate_expand(&d, buf.data(), buf.size(), nullptr, kBufBytes, nullptr),
            DILATE_ERROR_NULL_POINTER);
  EXPECT_EQ(dilate_contract(&d, buf.data(), buf.size(), nullptr, kBufBytes, nullptr),
            DILATE_ERROR_NULL_POINTER);
  // A NULL buffer claiming zero bytes is still too small for a non-empty tensor.
  const dilate_status s = dilate_expand(&d, buf.data(), buf.size(), nullptr, 0, nullptr);
  EXPECT_TRUE(s == DILATE_ERROR_NULL_POINTER || s == DILATE_ERROR_BUFFER_TOO_SMALL)
      << dilate_status_string(s);
  EXPECT_TRUE(buf.Equals(before));
  EXPECT_EQ(dilate_expand_2d(DILATE_DTYPE_F32, 1, 3, 2, nullptr, buf.data()),
            DILATE_ERROR_NULL_POINTER);
  EXPECT_EQ(dilate_expand_2d(DILATE_DTYPE_F32, 1, 3, 2, buf.data(), nullptr),
            DILATE_ERROR_NULL_POINTER);
  EXPECT_TRUE(buf.Equals(before) && buf.GuardsIntact());
}

TEST_P(Errors, StructSizes) {
  for (uint32_t size : {0u, 4u, static_cast<uint32_t>(sizeof(dilate_desc) - 1),
                        static_cast<uint32_t>(sizeof(dilate_desc) + 8), 0xFFFFFFFFu}) {
    dilate_desc d = Good();
    d.struct_size = size;
    ExpectDescRejected(d, DILATE_ERROR_BAD_STRUCT_SIZE);
    const float one = 1.0f;
    EXPECT_EQ(dilate_desc_set_fill(&d, &one), DILATE_ERROR_BAD_STRUCT_SIZE);
  }
  const dilate_desc d = Good();
  for (uint32_t size : {0u, static_cast<uint32_t>(sizeof(dilate_options) - 1),
                        static_cast<uint32_t>(sizeof(dilate_options) + 8)}) {
    dilate_options o = Opts();
    o.struct_size = size;
    ExpectRejected(&d, DILATE_ERROR_BAD_STRUCT_SIZE, &o, &o);
  }
  for (uint32_t size : {0u, static_cast<uint32_t>(sizeof(dilate_shape) - 1),
                        static_cast<uint32_t>(sizeof(dilate_shape) + 8)}) {
    dilate_shape shape;
    memset(&shape, 0x5C, sizeof(shape));
    shape.struct_size = size;
    const dilate_shape before = shape;
    EXPECT_EQ(dilate_query_shape(&d, &shape), DILATE_ERROR_BAD_STRUCT_SIZE);
    EXPECT_EQ(memcmp(&shape, &before, sizeof(shape)), 0);
  }
}

TEST_P(Errors, Flags) {
  for (uint32_t flags : {1u, 2u, 0x80000000u}) {
    dilate_desc d = Good();
    d.flags = flags;
    ExpectDescRejected(d, DILATE_ERROR_BAD_FLAGS);
  }
  const dilate_desc d = Good();
  for (uint32_t flags : {2u, 4u, 0x80000000u, DILATE_FLAG_VERIFY_HOLES | 2u}) {
    const dilate_options o = Opts(flags);
    ExpectRejected(&d, DILATE_ERROR_BAD_FLAGS, &o, &o);
  }
  dilate_options reserved = Opts();
  reserved.reserved = 1;
  ExpectRejected(&d, DILATE_ERROR_BAD_FLAGS, &reserved, &reserved);
  // VERIFY_HOLES is contract's flag only.
  Rng rng(3);
  GuardedBuffer src(kBufBytes, 1, rng), dst(kBufBytes, 2, rng);
  const std::vector<uint8_t> before = dst.Copy();
  const dilate_options verify = Opts(DILATE_FLAG_VERIFY_HOLES);
  EXPECT_EQ(dilate_expand(&d, src.data(), src.size(), dst.data(), dst.size(), &verify),
            DILATE_ERROR_BAD_FLAGS);
  EXPECT_TRUE(dst.Equals(before));
}

TEST_P(Errors, DtypeRankDilation) {
  for (uint32_t dtype : {0u, 13u, 14u, 0xFFFFFFFFu}) {
    dilate_desc d = Good();
    d.dtype = dtype;
    ExpectDescRejected(d, DILATE_ERROR_BAD_DTYPE);
    const uint64_t zero = 0;
    EXPECT_EQ(dilate_desc_set_fill(&d, &zero), DILATE_ERROR_BAD_DTYPE);
  }
  for (uint32_t rank : {0u, 9u, 64u, 0xFFFFFFFFu}) {
    dilate_desc d = Good();
    d.rank = rank;
    ExpectDescRejected(d, DILATE_ERROR_BAD_RANK);
  }
  for (uint32_t axis : {0u, 1u}) {
    dilate_desc d = Good();
    d.dilation[axis] = 0;
    ExpectDescRejected(d, DILATE_ERROR_BAD_DILATION);
  }
  Rng rng(4);
  uint8_t buf[64];
  EXPECT_EQ(dilate_expand_2d(DILATE_DTYPE_U8, 1, 3, 0, buf, buf + 32), DILATE_ERROR_BAD_DILATION);
  EXPECT_EQ(dilate_expand_2d(0, 1, 3, 2, buf, buf + 32), DILATE_ERROR_BAD_DTYPE);
}

TEST_P(Errors, FieldsPastRankAreIgnored) {
  dilate_desc d = Good();
  const ExpectedShape shape = ComputeShape(d);
  for (uint32_t i = d.rank; i < DILATE_MAX_RANK; ++i) {
    d.src_dims[i] = 0xDEADBEEF;
    d.dilation[i] = 0;  // "a dilation of 0 on an axis within rank" only
  }
  ExpectQueryShapeMatches(d, shape);
  Rng rng(5);
  GuardedBuffer src(shape.src_bytes, 1, rng), dst(shape.dst_bytes, 2, rng);
  std::vector<uint8_t> want(shape.dst_bytes);
  dilate_ref::Expand(Good(), src.data(), want.data());
  ASSERT_EQ(dilate_expand(&d, src.data(), src.size(), dst.data(), dst.size(), nullptr), DILATE_OK);
  EXPECT_TRUE(dst.Equals(want) && dst.GuardsIntact());
}

TEST_P(Errors, NegativeExtent) {
  struct Axis {
    uint64_t s, d;
    int64_t lo, hi;
  };
  for (const Axis& a : {Axis{3, 1, -2, -2}, Axis{0, 1, -1, 0}, Axis{0, 5, 1, -2},
                        Axis{4, 3, -5, -6}, Axis{1, 9, -1, -1}}) {
    dilate_desc d = Good();
    d.src_dims[1] = a.s;
    d.dilation[1] = a.d;
    d.pad_lo[1] = a.lo;
    d.pad_hi[1] = a.hi;
    ASSERT_EQ(ComputeShape(d).status, DILATE_ERROR_NEGATIVE_EXTENT);
    ExpectDescRejected(d, DILATE_ERROR_NEGATIVE_EXTENT);
  }
}

TEST_P(Errors, Overflow) {
  const auto expect_overflow = [](const dilate_desc& d) {
    ExpectDescRejected(d, DILATE_ERROR_OVERFLOW);
  };
  for (int side = 0; side < 2; ++side) {
    for (int64_t other : {int64_t{0}, int64_t{5}, INT64_MAX}) {
      dilate_desc d = Good();
      (side ? d.pad_hi : d.pad_lo)[0] = INT64_MIN;
      (side ? d.pad_lo : d.pad_hi)[0] = other;
      expect_overflow(d);
    }
  }
  dilate_desc d = Good();  // elements: 2^40 * 2^30 does not fit in 64 bits
  d.rank = 1;
  d.outer = uint64_t{1} << 40;
  d.inner = 1;
  d.src_dims[0] = uint64_t{1} << 30;
  d.dilation[0] = 1;
  d.pad_lo[0] = d.pad_hi[0] = 0;
  expect_overflow(d);
  d.outer = uint64_t{1} << 61;  // 2^61 elements fit, 2^64 bytes do not
  d.src_dims[0] = 1;
  d.dtype = DILATE_DTYPE_F64;
  expect_overflow(d);
  d.outer = 1;  // the padded extent: 2 + (2^63 - 1) > INT64_MAX
  d.src_dims[0] = 2;
  d.dilation[0] = uint64_t{1} << 63;
  expect_overflow(d);
  d.dilation[0] = 1;
  d.src_dims[0] = 1;
  d.pad_hi[0] = INT64_MAX;
  expect_overflow(d);
  d.pad_hi[0] = 0;
  d.src_dims[0] = UINT64_MAX;
  expect_overflow(d);
  // Only dst overflows: s = 2^32, d = 2^32 - 1.
  d.src_dims[0] = uint64_t{1} << 32;
  d.dilation[0] = (uint64_t{1} << 32) - 1;
  d.dtype = DILATE_DTYPE_U8;
  expect_overflow(d);
  uint8_t buf[16];
  EXPECT_EQ(dilate_expand_2d(DILATE_DTYPE_F32, uint64_t{1} << 40, uint64_t{1} << 20, 1, buf, buf),
            DILATE_ERROR_OVERFLOW);
}

// Extents around where MakePlan leaves 64-bit arithmetic (extents and
// dilation from 2^31, padding from 2^61 or negative) against the header's
// formula in 128 bits: p = (s-1)d + 1 + lo + hi, an error past INT64_MAX.
TEST_P(Errors, ExtentsAtArithmeticEdges) {
  const uint64_t sizes[] = {0, 1, 2, 3, (uint64_t{1} << 31) - 1, uint64_t{1} << 31,
                            (uint64_t{1} << 32) + 1};
  const uint64_t dilations[] = {1, 2, (uint64_t{1} << 31) - 1, uint64_t{1} << 31,
                                uint64_t{1} << 32};
  const int64_t pads[] = {INT64_MIN + 1, -(int64_t{1} << 61), -2, -1, 0, 1,
                          (int64_t{1} << 61) - 1, int64_t{1} << 61, int64_t{1} << 62, INT64_MAX};
  int checked = 0;
  for (uint64_t s : sizes)
    for (uint64_t dil : dilations)
      for (int64_t lo : pads)
        for (int64_t hi : pads) {
          dilate_desc d;
          dilate_desc_init(&d);
          d.dtype = DILATE_DTYPE_U8;
          d.rank = 1;
          d.outer = d.inner = 1;
          d.src_dims[0] = s;
          d.dilation[0] = dil;
          d.pad_lo[0] = lo;
          d.pad_hi[0] = hi;
          using i128 = __int128;
          const i128 core = s == 0 ? 0 : (i128{s} - 1) * i128{dil} + 1;
          const i128 p = core + lo + hi;
          dilate_status want = DILATE_OK;
          if (core > INT64_MAX) {
            want = DILATE_ERROR_OVERFLOW;
          } else if (p < 0) {
            want = DILATE_ERROR_NEGATIVE_EXTENT;
          } else if (p > INT64_MAX) {
            want = DILATE_ERROR_OVERFLOW;
          }
          dilate_shape shape;
          shape.struct_size = sizeof shape;
          const dilate_status got = dilate_query_shape(&d, &shape);
          ASSERT_EQ(got, want) << Describe(d);
          if (want == DILATE_OK) {
            ASSERT_EQ(shape.dst_dims[0], static_cast<uint64_t>(p)) << Describe(d);
            ASSERT_EQ(shape.dst_bytes, static_cast<uint64_t>(p)) << Describe(d);
            ASSERT_EQ(shape.src_bytes, s) << Describe(d);
          }
          ++checked;
        }
  EXPECT_EQ(checked, 7 * 5 * 10 * 10);
}

TEST_P(Errors, Overlap) {
  const dilate_desc d = Good();
  const ExpectedShape shape = ComputeShape(d);
  const size_t src_need = shape.src_bytes, dst_need = shape.dst_bytes;
  Rng rng(6);
  GuardedBuffer buf(src_need + dst_need + 64, 9, rng);
  const std::vector<uint8_t> before = buf.Copy();
  uint8_t* b = buf.data();
  struct Placement {
    const char* what;
    size_t in, out;  // offsets into buf
  };
  // Expand reads src_need and writes dst_need; contract the other way round.
  for (const Placement& p :
       {Placement{"same pointer", 0, 0}, Placement{"src ends in dst", 0, src_need - 1},
        Placement{"dst ends in src", dst_need - 1, 0}, Placement{"dst inside src", 8, 16}}) {
    SCOPED_TRACE(p.what);
    EXPECT_EQ(dilate_expand(&d, b + p.in, src_need, b + p.out, dst_need, nullptr),
              DILATE_ERROR_OVERLAP);
    EXPECT_TRUE(buf.Equals(before) && buf.GuardsIntact());
  }
  for (const Placement& p :
       {Placement{"same pointer", 0, 0}, Placement{"expanded ends in dense", 0, dst_need - 1},
        Placement{"dense ends in expanded", src_need - 1, 0}}) {
    SCOPED_TRACE(p.what);
    EXPECT_EQ(dilate_contract(&d, b + p.in, dst_need, b + p.out, src_need, nullptr),
              DILATE_ERROR_OVERLAP);
    EXPECT_TRUE(buf.Equals(before) && buf.GuardsIntact());
  }
  // dilate_expand_2d, in its plain small case (3x3 f32 dilated by 2: 36 bytes
  // in, 100 out) and in the general path (dst > 1 KiB: 17x17 u32, 1156 bytes).
  for (const uint64_t k : {3, 5}) {
    const uint32_t dtype = k == 3 ? DILATE_DTYPE_F32 : DILATE_DTYPE_U32;
    const uint64_t dil = k == 3 ? 2 : 4, l = (k - 1) * dil + 1;
    const uint64_t in = k * k * 4, out = l * l * 4;
    GuardedBuffer big(in + out, 3, rng);
    const std::vector<uint8_t> big_before = big.Copy();
    uint8_t* p = big.data();
    for (const Placement& pl : {Placement{"same pointer", 0, 0},
                                Placement{"src ends in dst", 0, in - 1},
                                Placement{"dst ends in src", out - 1, 0}}) {
      SCOPED_TRACE(testing::Message() << "expand_2d k=" << k << ": " << pl.what);
      if (pl.in + in > big.size() || pl.out + out > big.size()) continue;
      EXPECT_EQ(dilate_expand_2d(dtype, 1, k, dil, p + pl.in, p + pl.out), DILATE_ERROR_OVERLAP);
      EXPECT_TRUE(big.Equals(big_before) && big.GuardsIntact());
    }
    EXPECT_EQ(dilate_expand_2d(dtype, 1, k, dil, p, p + in), DILATE_OK) << "adjacent, k=" << k;
    EXPECT_TRUE(big.GuardsIntact());
  }
  // Adjacent is not overlapping.
  EXPECT_EQ(dilate_expand(&d, b, src_need, b + src_need, dst_need, nullptr), DILATE_OK);
  EXPECT_EQ(dilate_expand(&d, b + dst_need, src_need, b, dst_need, nullptr), DILATE_OK);
  EXPECT_TRUE(buf.GuardsIntact());
}

TEST_P(Errors, BuffersTooSmall) {
  const dilate_desc d = Good();
  const ExpectedShape shape = ComputeShape(d);
  Rng rng(7);
  GuardedBuffer in(kBufBytes, 3, rng), out(kBufBytes, 4, rng);
  const std::vector<uint8_t> before = out.Copy();
  for (size_t cut : {size_t{1}, size_t{4}, shape.src_bytes}) {
    EXPECT_EQ(dilate_expand(&d, in.data(), shape.src_bytes - cut, out.data(), kBufBytes, nullptr),
              DILATE_ERROR_BUFFER_TOO_SMALL);
    EXPECT_EQ(dilate_contract(&d, in.data(), kBufBytes, out.data(), shape.src_bytes - cut, nullptr),
              DILATE_ERROR_BUFFER_TOO_SMALL);
  }
  for (size_t cut : {size_t{1}, size_t{4}, shape.dst_bytes}) {
    EXPECT_EQ(dilate_expand(&d, in.data(), kBufBytes, out.data(), shape.dst_bytes - cut, nullptr),
              DILATE_ERROR_BUFFER_TOO_SMALL);
    EXPECT_EQ(dilate_contract(&d, in.data(), shape.dst_bytes - cut, out.data(), kBufBytes, nullptr),
              DILATE_ERROR_BUFFER_TOO_SMALL);
  }
  EXPECT_TRUE(out.Equals(before) && out.GuardsIntact());
}

TEST_P(Errors, UnusedFillBytesMustBeZero) {
  for (uint32_t dtype = DILATE_DTYPE_U8; dtype <= DILATE_DTYPE_F64; ++dtype) {
    const uint32_t e = dilate_dtype_size(dtype);
    for (uint32_t byte = e; byte < 8; ++byte) {
      dilate_desc d = Good();
      d.dtype = dtype;
      d.fill[byte] = 0x01;
      ExpectDescRejected(d, DILATE_ERROR_BAD_ARGUMENT);
    }
  }
}

TEST_P(Errors, SetFill) {
  dilate_desc d = Good();
  const uint8_t value[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_EQ(dilate_desc_set_fill(nullptr, value), DILATE_ERROR_NULL_POINTER);
  EXPECT_EQ(dilate_desc_set_fill(&d, nullptr), DILATE_ERROR_NULL_POINTER);
  for (uint32_t dtype = DILATE_DTYPE_U8; dtype <= DILATE_DTYPE_F64; ++dtype) {
    d.dtype = dtype;
    memset(d.fill, 0xFF, sizeof(d.fill));
    ASSERT_EQ(dilate_desc_set_fill(&d, value), DILATE_OK);
    const uint32_t e = dilate_dtype_size(dtype);
    for (uint32_t i = 0; i < 8; ++i) EXPECT_EQ(d.fill[i], i < e ? value[i] : 0) << i;
  }
}

TEST_P(Errors, DescInit) {
  dilate_desc_init(nullptr);  // does nothing, and does not crash
  dilate_desc d;
  memset(&d, 0xAB, sizeof(d));
  dilate_desc_init(&d);
  EXPECT_EQ(d.struct_size, sizeof(dilate_desc));
  EXPECT_EQ(d.dtype, 0u);
  EXPECT_EQ(d.rank, 0u);
  EXPECT_EQ(d.flags, 0u);
  EXPECT_EQ(d.outer, 1u);
  EXPECT_EQ(d.inner, 1u);
  for (int i = 0; i < DILATE_MAX_RANK; ++i) {
    EXPECT_EQ(d.dilation[i], 1u);
    EXPECT_EQ(d.pad_lo[i], 0);
    EXPECT_EQ(d.pad_hi[i], 0);
  }
  for (uint8_t b : d.fill) EXPECT_EQ(b, 0);
  // Fresh from init, dtype and rank are still to be set.
  ExpectDescRejected(d, DILATE_ERROR_BAD_DTYPE);
}

// Valid zero-sized tensors: nothing to read, NULL allowed where no bytes are.
TEST_P(Errors, ZeroSizedTensorsAreValid) {
  Rng rng(8);
  for (int which = 0; which < 3; ++which) {
    dilate_desc d = Good();
    if (which == 0) d.outer = 0;
    if (which == 1) d.inner = 0;
    if (which == 2) d.src_dims[0] = d.pad_lo[0] = 0;  // s = 0, no padding: p = 0
    SCOPED_TRACE(Describe(d));
    const ExpectedShape shape = ComputeShape(d);
    ExpectQueryShapeMatches(d, shape);
    ASSERT_EQ(shape.dst_bytes, 0u);
    const dilate_options verify = Opts(DILATE_FLAG_VERIFY_HOLES);
    EXPECT_EQ(dilate_expand(&d, nullptr, 0, nullptr, 0, nullptr), DILATE_OK);
    EXPECT_EQ(dilate_contract(&d, nullptr, 0, nullptr, 0, &verify), DILATE_OK);
    GuardedBuffer in(64, 1, rng), out(64, 2, rng);
    const std::vector<uint8_t> before = out.Copy();
    EXPECT_EQ(dilate_expand(&d, in.data(), in.size(), out.data(), out.size(), nullptr), DILATE_OK);
    EXPECT_EQ(dilate_contract(&d, in.data(), in.size(), out.data(), out.size(), &verify),
              DILATE_OK);
    EXPECT_TRUE(out.Equals(before) && out.GuardsIntact()) << "a zero-sized output was written";
  }
  EXPECT_EQ(dilate_expand_2d(DILATE_DTYPE_F32, 0, 7, 3, nullptr, nullptr), DILATE_OK);
  EXPECT_EQ(dilate_expand_2d(DILATE_DTYPE_F32, 5, 0, 3, nullptr, nullptr), DILATE_OK);

  // Huge extents times a zero count are zero elements, not an overflow.
  dilate_desc huge = Good();
  huge.outer = 0;
  huge.src_dims[0] = huge.src_dims[1] = uint64_t{1} << 62;
  huge.dilation[0] = huge.dilation[1] = 1;
  huge.pad_lo[0] = huge.pad_hi[1] = 0;
  ExpectQueryShapeMatches(huge, ComputeShape(huge));
  EXPECT_EQ(dilate_expand(&huge, nullptr, 0, nullptr, 0, nullptr), DILATE_OK);
}

TEST_P(Errors, EmptySourceWithPaddingIsAllFill) {
  // s = 0 with padding: src is empty (NULL is fine), dst is all fill.
  dilate_desc d = Good();
  d.dtype = DILATE_DTYPE_U16;
  d.src_dims[1] = 0;
  d.pad_lo[1] = 2;
  d.pad_hi[1] = 3;
  const uint16_t fill = 0xA55A;
  ASSERT_EQ(dilate_desc_set_fill(&d, &fill), DILATE_OK);
  const ExpectedShape shape = ComputeShape(d);
  ASSERT_EQ(shape.src_bytes, 0u);
  ASSERT_GT(shape.dst_bytes, 0u);
  Rng rng(9);
  GuardedBuffer dst(shape.dst_bytes, 13, rng);
  ASSERT_EQ(dilate_expand(&d, nullptr, 0, dst.data(), dst.size(), nullptr), DILATE_OK);
  EXPECT_TRUE(dst.GuardsIntact());
  std::vector<uint8_t> want(shape.dst_bytes);
  dilate_ref::Expand(d, nullptr, want.data());
  EXPECT_TRUE(dst.Equals(want));
  for (size_t i = 0; i < want.size(); i += 2) EXPECT_EQ(memcmp(&want[i], &fill, 2), 0);

  // Contract: nothing to write; the hole check still reads everything.
  const dilate_options verify = Opts(DILATE_FLAG_VERIFY_HOLES);
  EXPECT_EQ(dilate_contract(&d, dst.data(), dst.size(), nullptr, 0, &verify), DILATE_OK);
  dst.data()[shape.dst_bytes - 1] ^= 1;
  EXPECT_EQ(dilate_contract(&d, dst.data(), dst.size(), nullptr, 0, &verify),
            DILATE_ERROR_HOLE_NOT_FILL);
  EXPECT_EQ(dilate_contract(&d, dst.data(), dst.size(), nullptr, 0, nullptr), DILATE_OK);
}

DILATE_INSTANTIATE_ON_ALL_TARGETS(Errors);

}  // namespace
}  // namespace dilate_test
