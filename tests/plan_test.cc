// dilate_plan: random descriptions through a plan, compared byte for byte
// with dilate_ref and with the one-shot calls, on the target the plan was
// built for and on another; the plan's own errors; one plan shared by
// threads.
#include <string.h>

#include <thread>
#include <vector>

#include "dilate/dilate.h"
#include "dilate/dilate.hpp"
#include "lib/reference.h"
#include "tests/test_util.h"

namespace dilate_test {
namespace {

using Plans = TargetTest;

constexpr uint64_t kSeed = 0x9A1A;
// Mostly small (the tap-list path below 1 KiB, per-call-sized tiles above);
// one in kBigOneIn up to 4 MiB (the plan's larger whole-vector tiles).
constexpr uint64_t kMaxDstBytes = 64u << 10;
constexpr uint64_t kMaxBigDstBytes = 4u << 20;
constexpr uint64_t kBigOneIn = 50;

dilate_options Opts(uint32_t flags, uint32_t threads) {
  dilate_options o;
  memset(&o, 0, sizeof(o));
  o.struct_size = sizeof(o);
  o.flags = flags;
  o.num_threads = threads;
  return o;
}

// Owns a plan for the span of a test.
struct PlanHolder {
  dilate_plan* plan = nullptr;
  ~PlanHolder() { dilate_plan_destroy(plan); }
};

// Expand and contract of one random description through a plan; `other`
// is a second target to run the same plan under (its tables were built for
// the fixture's target). Returns false on failure.
bool RunCase(uint64_t index, const char* other, uint64_t* ok_cases, uint64_t* rejected_cases) {
  const uint64_t seed = CaseSeed(kSeed, index);
  Rng rng(seed);
  const uint64_t max_dst = rng.OneIn(kBigOneIn) ? kMaxBigDstBytes : kMaxDstBytes;
  const dilate_desc desc = RandomDesc(rng, max_dst, /*allow_negative_extent=*/true);
  SCOPED_TRACE(testing::Message() << "case " << index << " seed 0x" << std::hex << seed << std::dec
                                  << " " << Describe(desc));
  const ExpectedShape want = ComputeShape(desc);
  PlanHolder h;
  const dilate_status created = dilate_plan_create(&desc, 0, &h.plan);
  EXPECT_EQ(created, want.status) << dilate_status_string(created);
  if (want.status != DILATE_OK) {
    EXPECT_EQ(h.plan, nullptr) << "a rejected plan_create wrote *plan";
    ++*rejected_cases;
    return !testing::Test::HasFailure();
  }
  if (created != DILATE_OK) return false;

  dilate_shape shape;
  shape.struct_size = sizeof(shape);
  EXPECT_EQ(dilate_plan_shape(h.plan, &shape), DILATE_OK);
  EXPECT_EQ(shape.dst_bytes, want.dst_bytes);
  EXPECT_EQ(shape.src_bytes, want.src_bytes);
  EXPECT_EQ(shape.dst_elems, want.dst_elems);
  for (uint32_t i = 0; i < desc.rank; ++i) {
    EXPECT_EQ(shape.dst_dims[i], static_cast<uint64_t>(want.dst_dims[i])) << "axis " << i;
  }

  const size_t extra = rng.OneIn(4) ? rng.Uniform(1, 16) : 0;
  GuardedBuffer src(want.src_bytes, rng.Uniform(0, 63), rng);
  std::vector<uint8_t> expect(want.dst_bytes + extra);
  rng.FillBytes(expect.data(), expect.size());
  GuardedBuffer dst(want.dst_bytes + extra, rng.Uniform(0, 63), rng);
  if (!expect.empty()) memcpy(dst.data(), expect.data(), expect.size());  // extra bytes stay
  dilate_ref::Expand(desc, src.data(), expect.data());
  std::vector<uint8_t> dense_expect(want.src_bytes);
  dilate_ref::Contract(desc, expect.data(), dense_expect.data(), dense_expect.size());

  const dilate_options opts = Opts(0, static_cast<uint32_t>(rng.Uniform(0, 2)));
  const dilate_options verify = Opts(DILATE_FLAG_VERIFY_HOLES, 0);
  // Under the plan's own target, then under `other` (tables built per call).
  for (const char* t : {static_cast<const char*>(nullptr), other}) {
    if (t != nullptr && dilate_set_target(t) != DILATE_OK) {
      ADD_FAILURE() << "cannot force " << t;
      return false;
    }
    SCOPED_TRACE(t == nullptr ? "the plan's target" : t);
    const uint8_t scribble = static_cast<uint8_t>(rng.Next());
    memset(dst.data(), scribble, want.dst_bytes);
    const dilate_status s = dilate_plan_expand(h.plan, src.data(), src.size(), dst.data(),
                                               dst.size(), rng.OneIn(2) ? &opts : nullptr);
    EXPECT_EQ(s, DILATE_OK) << dilate_status_string(s);
    EXPECT_TRUE(src.GuardsIntact() && dst.GuardsIntact()) << "guard bytes changed";
    if (!dst.Equals(expect)) {
      size_t i = 0;
      while (dst.data()[i] == expect[i]) ++i;
      ADD_FAILURE() << "plan_expand differs from dilate_ref at byte " << i << " of " << dst.size();
    }
    // Contract the expanded tensor back, with and without verify.
    GuardedBuffer dense(want.src_bytes, rng.Uniform(0, 63), rng);
    const bool check = rng.OneIn(2);
    const dilate_status c = dilate_plan_contract(h.plan, dst.data(), want.dst_bytes, dense.data(),
                                                 dense.size(), check ? &verify : &opts);
    EXPECT_EQ(c, DILATE_OK) << dilate_status_string(c) << (check ? " (verify)" : "");
    EXPECT_TRUE(dense.GuardsIntact()) << "dense guard bytes changed";
    EXPECT_TRUE(dense.Equals(dense_expect)) << "plan_contract differs from dilate_ref";
    if (t != nullptr) dilate_set_target(nullptr);
    if (testing::Test::HasFailure()) break;
  }
  ++*ok_cases;
  return !testing::Test::HasFailure();
}

TEST_P(Plans, MatchReference) {
  // The plan's tables on this target, and the same plan run under the
  // fallback target (or, on the fallback, the best one).
  const std::string best = ListTargets(DILATE_TARGETS_SUPPORTED).front();
  const std::string other = GetParam() == DILATE_FALLBACK_TARGET ? best : DILATE_FALLBACK_TARGET;
  const uint64_t cases = Scaled(1500, 40);
  uint64_t ok_cases = 0, rejected_cases = 0;
  for (uint64_t i = 0; i < cases; ++i) {
    // Each case forces `other` and back to auto: restore this test's target.
    ASSERT_EQ(dilate_set_target(target()), DILATE_OK);
    if (!RunCase(i, other.c_str(), &ok_cases, &rejected_cases)) break;
  }
  ASSERT_EQ(dilate_set_target(target()), DILATE_OK);
  printf("[dilate] %s: %llu random plans matched dilate_ref (also under %s), %llu rejected\n",
         target(), static_cast<unsigned long long>(ok_cases), other.c_str(),
         static_cast<unsigned long long>(rejected_cases));
  EXPECT_GT(rejected_cases, 0u) << "no case cropped below zero: plan_create's errors untested";
}

// A planted hole is reported by plan_contract with verify, as by
// dilate_contract, and the dense output is still written.
TEST_P(Plans, VerifyFindsHoles) {
  for (uint64_t n : {uint64_t{1}, uint64_t{200}}) {  // the small path, and tiles/rows
    dilate_desc d;
    dilate_desc_init(&d);
    d.dtype = DILATE_DTYPE_U16;
    d.rank = 2;
    d.outer = n;
    d.src_dims[0] = d.src_dims[1] = 3;
    d.dilation[0] = d.dilation[1] = 2;
    const uint16_t fill = 0x7E57;
    ASSERT_EQ(dilate_desc_set_fill(&d, &fill), DILATE_OK);
    PlanHolder h;
    ASSERT_EQ(dilate_plan_create(&d, 0, &h.plan), DILATE_OK);
    std::vector<uint16_t> src(n * 9), dst(n * 25), dense(n * 9, 0), ref(n * 9, 0);
    for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<uint16_t>(i * 7 + 1);
    ASSERT_EQ(
        dilate_plan_expand(h.plan, src.data(), src.size() * 2, dst.data(), dst.size() * 2, nullptr),
        DILATE_OK);
    dst[n * 25 - 2] = 0;  // a hole (row 4, column 3 of the last kernel)
    const dilate_options verify = Opts(DILATE_FLAG_VERIFY_HOLES, 0);
    EXPECT_EQ(dilate_plan_contract(h.plan, dst.data(), dst.size() * 2, dense.data(),
                                   dense.size() * 2, &verify),
              DILATE_ERROR_HOLE_NOT_FILL);
    EXPECT_EQ(dense, src);
    EXPECT_EQ(dilate_plan_contract(h.plan, dst.data(), dst.size() * 2, ref.data(), ref.size() * 2,
                                   nullptr),
              DILATE_OK);
    EXPECT_EQ(ref, src);
  }
}

// A small dst cropped out of a large src: the small path's tap list must
// not be used (its indices are 16-bit), or read the wrong src elements.
TEST_P(Plans, SmallDstFromLargeSrc) {
  for (uint32_t dtype : {DILATE_DTYPE_U8, DILATE_DTYPE_F32}) {
    dilate_desc d;
    dilate_desc_init(&d);
    d.dtype = dtype;
    d.rank = 1;
    d.src_dims[0] = 70000;
    d.dilation[0] = 2;
    d.pad_lo[0] = -2 * 69990;  // the last 10 taps, 19 elements
    const ExpectedShape want = ComputeShape(d);
    ASSERT_EQ(want.status, DILATE_OK);
    ASSERT_EQ(want.dst_elems, 19u);
    PlanHolder h;
    ASSERT_EQ(dilate_plan_create(&d, 0, &h.plan), DILATE_OK);
    std::vector<uint8_t> src(want.src_bytes), dst(want.dst_bytes), expect(want.dst_bytes);
    Rng rng(dtype);
    rng.FillBytes(src.data(), src.size());
    dilate_ref::Expand(d, src.data(), expect.data());
    ASSERT_EQ(dilate_plan_expand(h.plan, src.data(), src.size(), dst.data(), dst.size(), nullptr),
              DILATE_OK);
    EXPECT_EQ(dst, expect);
    std::vector<uint8_t> dense(want.src_bytes, 0xEE), dense_expect(want.src_bytes);
    dilate_ref::Contract(d, expect.data(), dense_expect.data(), dense_expect.size());
    ASSERT_EQ(dilate_plan_contract(h.plan, dst.data(), dst.size(), dense.data(), dense.size(),
                                   nullptr),
              DILATE_OK);
    EXPECT_EQ(dense, dense_expect);
  }
}

TEST_P(Plans, Errors) {
  dilate_desc d;
  dilate_desc_init(&d);
  d.dtype = DILATE_DTYPE_F32;
  d.rank = 2;
  d.outer = 3;
  d.src_dims[0] = d.src_dims[1] = 3;
  d.dilation[0] = d.dilation[1] = 2;
  const size_t src_bytes = 3 * 9 * 4, dst_bytes = 3 * 25 * 4;

  EXPECT_EQ(dilate_plan_create(&d, 0, nullptr), DILATE_ERROR_NULL_POINTER);
  EXPECT_EQ(dilate_plan_expand(nullptr, nullptr, 0, nullptr, 0, nullptr),
            DILATE_ERROR_NULL_POINTER);
  EXPECT_EQ(dilate_plan_contract(nullptr, nullptr, 0, nullptr, 0, nullptr),
            DILATE_ERROR_NULL_POINTER);
  dilate_plan_destroy(nullptr);  // does nothing
  dilate_plan* untouched = reinterpret_cast<dilate_plan*>(uintptr_t{0x5C});
  dilate_plan* p = untouched;
  EXPECT_EQ(dilate_plan_create(nullptr, 0, &p), DILATE_ERROR_NULL_POINTER);
  EXPECT_EQ(dilate_plan_create(&d, 1, &p), DILATE_ERROR_BAD_FLAGS);
  EXPECT_EQ(p, untouched);

  // Memory that is not a plan (zeroed, larger than any plan).
  std::vector<uint64_t> not_a_plan(1 << 15, 0);
  const dilate_plan* fake = reinterpret_cast<const dilate_plan*>(not_a_plan.data());
  Rng rng(3);
  GuardedBuffer src(src_bytes, 1, rng), dst(dst_bytes, 2, rng), dense(src_bytes, 3, rng);
  const std::vector<uint8_t> dst_before = dst.Copy(), dense_before = dense.Copy();
  EXPECT_EQ(dilate_plan_expand(fake, src.data(), src_bytes, dst.data(), dst_bytes, nullptr),
            DILATE_ERROR_BAD_ARGUMENT);
  EXPECT_EQ(dilate_plan_contract(fake, dst.data(), dst_bytes, dense.data(), src_bytes, nullptr),
            DILATE_ERROR_BAD_ARGUMENT);
  dilate_shape shape;
  shape.struct_size = sizeof(shape);
  EXPECT_EQ(dilate_plan_shape(fake, &shape), DILATE_ERROR_BAD_ARGUMENT);

  PlanHolder h;
  ASSERT_EQ(dilate_plan_create(&d, 0, &h.plan), DILATE_OK);
  EXPECT_EQ(dilate_plan_shape(h.plan, nullptr), DILATE_ERROR_NULL_POINTER);
  shape.struct_size = sizeof(shape) - 8;
  EXPECT_EQ(dilate_plan_shape(h.plan, &shape), DILATE_ERROR_BAD_STRUCT_SIZE);
  // Buffers: too small, NULL, overlapping; bad options. Nothing is written.
  EXPECT_EQ(dilate_plan_expand(h.plan, src.data(), src_bytes - 1, dst.data(), dst_bytes, nullptr),
            DILATE_ERROR_BUFFER_TOO_SMALL);
  EXPECT_EQ(dilate_plan_expand(h.plan, src.data(), src_bytes, dst.data(), dst_bytes - 4, nullptr),
            DILATE_ERROR_BUFFER_TOO_SMALL);
  EXPECT_EQ(dilate_plan_expand(h.plan, nullptr, src_bytes, dst.data(), dst_bytes, nullptr),
            DILATE_ERROR_NULL_POINTER);
  EXPECT_EQ(dilate_plan_expand(h.plan, dst.data() + 8, src_bytes, dst.data(), dst_bytes, nullptr),
            DILATE_ERROR_OVERLAP);
  EXPECT_EQ(
      dilate_plan_contract(h.plan, dst.data(), dst_bytes - 1, dense.data(), src_bytes, nullptr),
      DILATE_ERROR_BUFFER_TOO_SMALL);
  EXPECT_EQ(dilate_plan_contract(h.plan, dst.data(), dst_bytes, nullptr, src_bytes, nullptr),
            DILATE_ERROR_NULL_POINTER);
  dilate_options bad = Opts(DILATE_FLAG_VERIFY_HOLES, 0);
  EXPECT_EQ(dilate_plan_expand(h.plan, src.data(), src_bytes, dst.data(), dst_bytes, &bad),
            DILATE_ERROR_BAD_FLAGS);  // verify is contract's flag
  bad = Opts(0x80, 0);
  EXPECT_EQ(dilate_plan_contract(h.plan, dst.data(), dst_bytes, dense.data(), src_bytes, &bad),
            DILATE_ERROR_BAD_FLAGS);
  bad = Opts(0, 0);
  bad.struct_size = 4;
  EXPECT_EQ(dilate_plan_expand(h.plan, src.data(), src_bytes, dst.data(), dst_bytes, &bad),
            DILATE_ERROR_BAD_STRUCT_SIZE);
  EXPECT_TRUE(dst.Equals(dst_before) && dst.GuardsIntact()) << "a rejected call wrote dst";
  EXPECT_TRUE(dense.Equals(dense_before) && dense.GuardsIntact()) << "a rejected call wrote dense";
}

// One plan, many threads at once (each its own buffers, some splitting
// their call again over num_threads): every result matches dilate_ref.
TEST_P(Plans, SharedByThreads) {
  dilate_desc d;
  dilate_desc_init(&d);
  d.dtype = DILATE_DTYPE_F32;
  d.rank = 2;
  d.outer = static_cast<uint64_t>(Scaled(4000, 300));  // tile mode, and split (>= 256 KiB)
  d.src_dims[0] = d.src_dims[1] = 5;
  d.dilation[0] = d.dilation[1] = 2;
  PlanHolder h;
  ASSERT_EQ(dilate_plan_create(&d, 0, &h.plan), DILATE_OK);
  const size_t src_bytes = d.outer * 25 * 4, dst_bytes = d.outer * 81 * 4;
  std::vector<uint8_t> src(src_bytes), expect(dst_bytes);
  Rng rng(11);
  rng.FillBytes(src.data(), src.size());
  dilate_ref::Expand(d, src.data(), expect.data());
  constexpr int kThreads = 4;
  std::vector<std::vector<uint8_t>> out(kThreads, std::vector<uint8_t>(dst_bytes));
  std::vector<dilate_status> status(kThreads, DILATE_ERROR_BAD_ARGUMENT);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const dilate_options o = Opts(0, t % 2 == 0 ? 1u : 2u);
      for (int rep = 0; rep < 3; ++rep) {
        status[t] = dilate_plan_expand(h.plan, src.data(), src_bytes, out[t].data(), dst_bytes, &o);
        if (status[t] != DILATE_OK) break;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(status[t], DILATE_OK) << "thread " << t;
    EXPECT_TRUE(out[t] == expect) << "thread " << t << " differs from dilate_ref";
  }
}

// Plans of a few kernels, fewer than a tile of whole vectors takes (16
// f32 L x L planes of odd size on AVX-512): one tile of them all, which ends
// past the last window, or rows. 2-D square kernels of K 3-11 and D 2-4,
// OHWI inner 3 and 3-D 3x3x3, 1 to 20 kernels and one whole tile's worth,
// every element size, zero and random fill: plan_expand and plan_contract
// byte for byte against dilate_ref, dst misaligned between guard bytes.
TEST_P(Plans, FewKernelsMatchReference) {
  struct Shape {
    uint32_t rank;
    uint64_t k, d, inner;
  };
  const Shape shapes[] = {{2, 3, 2, 1},  {2, 3, 4, 1}, {2, 5, 3, 1}, {2, 5, 4, 1},
                          {2, 7, 2, 1},  {2, 7, 3, 1}, {2, 7, 4, 1}, {2, 11, 2, 1},
                          {2, 11, 3, 1}, {2, 3, 2, 3}, {2, 5, 2, 3}, {3, 3, 2, 1}};
  uint64_t index = 0, cases = 0;
  for (uint32_t dtype : {DILATE_DTYPE_U8, DILATE_DTYPE_U16, DILATE_DTYPE_F32, DILATE_DTYPE_F64}) {
    const uint64_t e = dilate_dtype_size(dtype);
    for (const Shape& shape : shapes) {
      uint64_t plane = e * shape.inner;
      for (uint32_t a = 0; a < shape.rank; ++a) plane *= (shape.k - 1) * shape.d + 1;
      for (uint64_t n = 1; n <= 21; ++n) {
        const uint64_t kernels = n == 21 ? 64 : n;  // 64: a whole tile (or more) on every target
        if (kernels * plane > (64u << 10)) continue;
        Rng rng(CaseSeed(0xFE3, index++));
        dilate_desc desc = CubeDesc(dtype, shape.rank, kernels, shape.inner, shape.k, shape.d);
        if (rng.OneIn(2)) rng.FillBytes(desc.fill, e);
        SCOPED_TRACE(testing::Message() << Describe(desc));
        const ExpectedShape want = ComputeShape(desc);
        GuardedBuffer src(want.src_bytes, rng.Uniform(0, 63), rng);
        std::vector<uint8_t> expect(want.dst_bytes), dense_expect(want.src_bytes);
        dilate_ref::Expand(desc, src.data(), expect.data());
        dilate_ref::Contract(desc, expect.data(), dense_expect.data(), dense_expect.size());
        PlanHolder h;
        ASSERT_EQ(dilate_plan_create(&desc, 0, &h.plan), DILATE_OK);
        GuardedBuffer dst(want.dst_bytes, rng.Uniform(0, 63), rng);
        ASSERT_EQ(
            dilate_plan_expand(h.plan, src.data(), src.size(), dst.data(), dst.size(), nullptr),
            DILATE_OK);
        ASSERT_TRUE(dst.Equals(expect)) << "plan_expand differs from dilate_ref";
        ASSERT_TRUE(src.GuardsIntact() && dst.GuardsIntact()) << "guard bytes changed";
        GuardedBuffer dense(want.src_bytes, rng.Uniform(0, 63), rng);
        ASSERT_EQ(dilate_plan_contract(h.plan, dst.data(), dst.size(), dense.data(), dense.size(),
                                       nullptr),
                  DILATE_OK);
        ASSERT_TRUE(dense.Equals(dense_expect)) << "plan_contract differs from dilate_ref";
        ASSERT_TRUE(dense.GuardsIntact()) << "dense guard bytes changed";
        ++cases;
      }
    }
  }
  EXPECT_GT(cases, 800u);
}

// The C++ wrapper: same bytes as dilate::Expand / Contract (hi = -1 crops
// the last tap column), moves, failed creation.
TEST_P(Plans, CppWrapper) {
  const dilate::Desc desc = dilate::Desc::Of<float>({7, 7}).Outer(6).Dilation(3).Pad(1, 2, -1);
  std::vector<float> src(6 * 49), one_shot;
  for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<float>(i) * 0.25f - 3.0f;
  ASSERT_EQ(dilate::Expand(desc, src, one_shot), DILATE_OK);
  dilate::Plan first(desc);
  ASSERT_EQ(first.status(), DILATE_OK);
  dilate::Plan plan(std::move(first));
  EXPECT_FALSE(first);
  EXPECT_EQ(first.Expand(nullptr, 0, nullptr, 0), DILATE_ERROR_NULL_POINTER);
  ASSERT_TRUE(plan);
  std::vector<float> out(one_shot.size(), 1.0f), dense(src.size(), 0.0f);
  EXPECT_EQ(plan.Expand(src.data(), src.size() * 4, out.data(), out.size() * 4), DILATE_OK);
  EXPECT_EQ(memcmp(out.data(), one_shot.data(), out.size() * 4), 0);
  EXPECT_EQ(plan.Contract(out.data(), out.size() * 4, dense.data(), dense.size() * 4), DILATE_OK);
  std::vector<float> dense_one_shot;  // the taps, with the cropped column zero
  ASSERT_EQ(dilate::Contract(desc, one_shot, dense_one_shot), DILATE_OK);
  EXPECT_EQ(memcmp(dense.data(), dense_one_shot.data(), dense.size() * 4), 0);
  EXPECT_NE(memcmp(dense.data(), src.data(), src.size() * 4), 0);
  const dilate::Plan bad(dilate::Desc::Of<float>({3}).Dilation(0));
  EXPECT_FALSE(bad);
  EXPECT_EQ(bad.status(), DILATE_ERROR_BAD_DILATION);
  EXPECT_EQ(bad.Expand(src.data(), 4, out.data(), 4), DILATE_ERROR_BAD_DILATION);
}

DILATE_INSTANTIATE_ON_ALL_TARGETS(Plans);

}  // namespace
}  // namespace dilate_test
