// Threading: results identical, byte for byte, serially, with library
// threads (num_threads) and through caller-supplied parallel_for runners, on
// tensors large enough (>= 256 KiB of dst) to be split, and one large enough
// (> 16 MiB) for num_threads to start threads.
#include <string.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "dilate/dilate.h"
#include "lib/reference.h"
#include "tests/test_util.h"

namespace dilate_test {
namespace {

using Threads = TargetTest;

struct Case {
  const char* name;
  dilate_desc desc;
};

std::vector<Case> Cases() {
  std::vector<Case> cases;
  const auto add = [&](const char* name, uint32_t dtype, uint32_t rank, uint64_t outer,
                       uint64_t inner, std::vector<uint64_t> s, std::vector<uint64_t> d,
                       std::vector<int64_t> lo, std::vector<int64_t> hi, uint64_t fill) {
    Case c{name, {}};
    dilate_desc_init(&c.desc);
    c.desc.dtype = dtype;
    c.desc.rank = rank;
    c.desc.outer = outer;
    c.desc.inner = inner;
    for (uint32_t i = 0; i < rank; ++i) {
      c.desc.src_dims[i] = s[i];
      c.desc.dilation[i] = d[i];
      c.desc.pad_lo[i] = lo[i];
      c.desc.pad_hi[i] = hi[i];
    }
    EXPECT_EQ(dilate_desc_set_fill(&c.desc, &fill), DILATE_OK);
    cases.push_back(c);
  };
  // Rank 1: work splits by outer index.
  add("rank1", DILATE_DTYPE_F32, 1, 64, 2, {1000}, {3}, {2}, {-1}, 0x3F800000);
  // Rank 2: work splits by (outer, first-axis row), holes rows included.
  add("rank2", DILATE_DTYPE_U8, 2, 3, 3, {200, 150}, {2, 3}, {1, 2}, {-2, 1}, 0x7F);
  // Rank 3 with cropping on every axis.
  add("rank3", DILATE_DTYPE_I16, 3, 2, 5, {20, 30, 40}, {3, 2, 2}, {-2, 0, -3}, {-1, 3, 1}, 0x8001);
  // Fewer rows than threads times chunks.
  add("few_rows", DILATE_DTYPE_U64, 2, 1, 1, {3, 20000}, {2, 1}, {0, 1}, {0, 1}, 0);
  // Zero-filled, identity leading axis, big groups.
  add("big_groups", DILATE_DTYPE_F64, 2, 2, 257, {3, 40}, {1, 4}, {0, 0}, {0, -2}, 0);
  return cases;
}

dilate_options Options(uint32_t threads, dilate_parallel_for_fn runner, void* ctx, uint32_t flags) {
  dilate_options o;
  memset(&o, 0, sizeof(o));
  o.struct_size = sizeof(o);
  o.flags = flags;
  o.num_threads = threads;
  o.parallel_for = runner;
  o.runner_ctx = ctx;
  return o;
}

// Expands src and contracts `want` (checking its holes) with this threading,
// into guarded buffers at random offsets: both must equal dilate_ref's.
void ExpectBothWays(const dilate_desc& desc, const std::vector<uint8_t>& src,
                    const std::vector<uint8_t>& want, const std::vector<uint8_t>& want_dense,
                    uint32_t threads, dilate_parallel_for_fn runner, void* ctx, Rng& rng) {
  GuardedBuffer dst(want.size(), rng.Uniform(0, 63), rng);
  const dilate_options plain = Options(threads, runner, ctx, 0);
  ASSERT_EQ(dilate_expand(&desc, src.data(), src.size(), dst.data(), dst.size(), &plain),
            DILATE_OK);
  ASSERT_TRUE(dst.GuardsIntact());
  ASSERT_TRUE(dst.Equals(want)) << "expand differs from dilate_ref";
  const dilate_options verify = Options(threads, runner, ctx, DILATE_FLAG_VERIFY_HOLES);
  GuardedBuffer dense(src.size(), rng.Uniform(0, 63), rng);
  ASSERT_EQ(dilate_contract(&desc, want.data(), want.size(), dense.data(), dense.size(), &verify),
            DILATE_OK);
  ASSERT_TRUE(dense.GuardsIntact());
  ASSERT_TRUE(dense.Equals(want_dense)) << "contract differs from dilate_ref";
}

// The largest task count any runner in this process was handed.
uint64_t g_max_task_count = 0;

TEST_P(Threads, IdenticalWhateverTheThreading) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(testing::Message() << c.name << " " << Describe(c.desc));
    const ExpectedShape shape = ComputeShape(c.desc);
    ASSERT_EQ(shape.status, DILATE_OK);
    ASSERT_GE(shape.dst_bytes, 256u << 10) << "too small to be split";
    Rng rng(CaseSeed(0x7487, shape.dst_bytes));
    std::vector<uint8_t> src(shape.src_bytes), want(shape.dst_bytes);
    rng.FillBytes(src.data(), src.size());
    dilate_ref::Expand(c.desc, src.data(), want.data());
    std::vector<uint8_t> want_dense(src.size());
    ASSERT_TRUE(dilate_ref::Contract(c.desc, want.data(), want_dense.data(), want_dense.size()));
    // A hole planted in the middle of the tensor, for the hole check.
    std::vector<uint8_t> bad = want;
    const uint32_t e = dilate_dtype_size(c.desc.dtype);
    uint64_t hole = 0;  // the byte of the non-tap element nearest the middle
    dilate_ref::ForEachDstElement(c.desc, [&](int64_t di, int64_t si) {
      const uint64_t at = static_cast<uint64_t>(di) * e;
      if (si < 0 && (hole == 0 || at <= want.size() / 2)) hole = at;
    });
    bad[hole] ^= 0x40;
    std::vector<uint8_t> want_bad_dense(src.size());
    dilate_ref::Contract(c.desc, bad.data(), want_bad_dense.data(), want_bad_dense.size());

    ReverseRunner reverse;
    ThreadRunner two{2}, five{5};
    struct Setting {
      std::string label;
      uint32_t threads;
      dilate_parallel_for_fn runner;
      void* ctx;
    };
    const Setting settings[] = {
        {"serial", 0, nullptr, nullptr},
        {"num_threads=1", 1, nullptr, nullptr},
        {"num_threads=2", 2, nullptr, nullptr},
        {"num_threads=3", 3, nullptr, nullptr},
        {"num_threads=8", 8, nullptr, nullptr},
        {"reverse runner", 0, &ReverseRunner::Run, &reverse},
        {"reverse runner, hint 3", 3, &ReverseRunner::Run, &reverse},
        {"2-thread runner, hint 2", 2, &ThreadRunner::Run, &two},
        {"5-thread runner", 0, &ThreadRunner::Run, &five},
    };
    for (const Setting& s : settings) {
      SCOPED_TRACE(s.label);
      ExpectBothWays(c.desc, src, want, want_dense, s.threads, s.runner, s.ctx, rng);
      if (HasFatalFailure()) return;

      const dilate_options verify = Options(s.threads, s.runner, s.ctx, DILATE_FLAG_VERIFY_HOLES);
      GuardedBuffer dense2(src.size(), rng.Uniform(0, 63), rng);
      ASSERT_EQ(
          dilate_contract(&c.desc, bad.data(), bad.size(), dense2.data(), dense2.size(), &verify),
          DILATE_ERROR_HOLE_NOT_FILL)
          << "planted hole at byte " << hole;
      ASSERT_TRUE(dense2.Equals(want_bad_dense));
      if (s.runner == &ReverseRunner::Run) {
        for (uint32_t n : reverse.calls) ASSERT_EQ(n, 1u);
      }
    }
    g_max_task_count = std::max(g_max_task_count, reverse.max_task_count);
  }
  // Not a promise of the header, but without a split these tests test nothing.
  EXPECT_GT(g_max_task_count, 1u) << "no runner was ever handed more than one task";
}

// num_threads starts one thread per 16 MiB of output (include/dilate/dilate.h),
// so the cases above run on the caller's thread alone with it; this one is
// large enough (> 16 MiB) for 1 started thread with num_threads >= 2,
// expanding and contracting with the hole check.
TEST_P(Threads, StartedThreadsOnALargeTensor) {
  dilate_desc desc;
  dilate_desc_init(&desc);
  desc.dtype = DILATE_DTYPE_F32;
  desc.rank = 2;
  desc.outer = 180000;
  desc.src_dims[0] = desc.src_dims[1] = 3;
  desc.dilation[0] = desc.dilation[1] = 2;
  desc.pad_lo[0] = 1;
  desc.pad_hi[1] = -1;
  const ExpectedShape shape = ComputeShape(desc);
  ASSERT_EQ(shape.status, DILATE_OK);
  ASSERT_GT(shape.dst_bytes, 16u << 20);
  Rng rng(0x516);
  std::vector<uint8_t> src(shape.src_bytes), want(shape.dst_bytes);
  rng.FillBytes(src.data(), src.size());
  dilate_ref::Expand(desc, src.data(), want.data());
  std::vector<uint8_t> want_dense(src.size());
  ASSERT_TRUE(dilate_ref::Contract(desc, want.data(), want_dense.data(), want_dense.size()));
  for (uint32_t threads : {2u, 3u, 8u}) {
    SCOPED_TRACE(testing::Message() << "num_threads=" << threads);
    ExpectBothWays(desc, src, want, want_dense, threads, nullptr, nullptr, rng);
    if (HasFatalFailure()) return;
  }
}

TEST_P(Threads, ConcurrentCallsFromManyThreads) {
  // The header: concurrent calls from many threads are safe.
  std::vector<Case> cases = Cases();
  std::vector<std::vector<uint8_t>> srcs, wants, gots;
  for (const Case& c : cases) {
    const ExpectedShape shape = ComputeShape(c.desc);
    Rng rng(CaseSeed(0xC0C0, shape.src_bytes));
    srcs.emplace_back(shape.src_bytes);
    rng.FillBytes(srcs.back().data(), shape.src_bytes);
    wants.emplace_back(shape.dst_bytes);
    dilate_ref::Expand(c.desc, srcs.back().data(), wants.back().data());
    gots.emplace_back(shape.dst_bytes);
  }
  std::vector<dilate_status> status(cases.size(), DILATE_ERROR_BAD_ARGUMENT);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < cases.size(); ++i) {
    threads.emplace_back([&, i] {
      const dilate_options o = Options(2, nullptr, nullptr, 0);
      status[i] = dilate_expand(&cases[i].desc, srcs[i].data(), srcs[i].size(), gots[i].data(),
                                gots[i].size(), i % 2 ? &o : nullptr);
    });
  }
  for (std::thread& t : threads) t.join();
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(status[i], DILATE_OK) << cases[i].name;
    EXPECT_TRUE(gots[i] == wants[i]) << cases[i].name;
  }
}

DILATE_INSTANTIATE_ON_ALL_TARGETS(Threads);

}  // namespace
}  // namespace dilate_test
