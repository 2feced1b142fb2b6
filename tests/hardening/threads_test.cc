// Concurrency (run under ThreadSanitizer by tools/harden.sh): many threads
// expanding and contracting different buffers at once while another thread
// switches the target; the library's own threads (num_threads > 1); and a
// caller-supplied parallel_for runner built on std::thread.
#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "lib/reference.h"
#include "tests/hardening/hardening_util.h"

namespace dilate_hardening {
namespace {

struct Job {
  dilate_desc desc;
  dilate_shape shape;
  std::vector<uint8_t> src, want, dense;
};

// With min_dst_bytes, `big` grows until dst has at least that many bytes.
Job MakeJob(Rng& rng, uint64_t big, uint64_t min_dst_bytes = 0) {
  Job j;
  dilate_desc_init(&j.desc);
  j.desc.dtype = DtypeOfSize(1u << rng.Below(4));
  j.desc.rank = 2;
  j.desc.outer = big ? big : 1 + rng.Below(4);
  j.desc.inner = 1 + rng.Below(9);
  for (uint32_t i = 0; i < 2; ++i) {
    j.desc.src_dims[i] = 1 + rng.Below(7);
    j.desc.dilation[i] = 1 + rng.Below(5);
    j.desc.pad_lo[i] = rng.Range(-1, 2);
    j.desc.pad_hi[i] = rng.Range(0, 2);
  }
  const uint8_t fill[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  dilate_desc_set_fill(&j.desc, fill);
  j.shape.struct_size = sizeof(j.shape);
  EXPECT_EQ(dilate_query_shape(&j.desc, &j.shape), DILATE_OK);
  if (j.shape.dst_bytes != 0 && j.shape.dst_bytes < min_dst_bytes) {
    j.desc.outer *= (min_dst_bytes + j.shape.dst_bytes - 1) / j.shape.dst_bytes;
    EXPECT_EQ(dilate_query_shape(&j.desc, &j.shape), DILATE_OK);
  }
  j.src.resize(j.shape.src_bytes);
  FillRandom(j.src.data(), j.src.size(), rng);
  j.want.resize(j.shape.dst_bytes);
  j.dense.resize(j.shape.src_bytes);
  dilate_ref::Expand(j.desc, j.src.data(), j.want.data());
  dilate_ref::Contract(j.desc, j.want.data(), j.dense.data(), j.dense.size());
  return j;
}

// Runs expand + verifying contract of `j` and returns whether both match.
bool RunJob(const Job& j, const dilate_options* opt_in) {
  std::vector<uint8_t> dst(j.want.size()), back(j.dense.size());
  if (dilate_expand(&j.desc, j.src.data(), j.src.size(), dst.data(), dst.size(), opt_in) !=
      DILATE_OK) {
    return false;
  }
  dilate_options o;
  if (opt_in != nullptr) {
    o = *opt_in;
  } else {
    memset(&o, 0, sizeof(o));
    o.struct_size = sizeof(o);
  }
  o.flags = DILATE_FLAG_VERIFY_HOLES;
  if (dilate_contract(&j.desc, dst.data(), dst.size(), back.data(), back.size(), &o) !=
      DILATE_OK) {
    return false;
  }
  return dst == j.want && back == j.dense;
}

TEST(HardeningThreads, ConcurrentCallsWhileTargetSwitches) {
  const std::vector<std::string> targets = SupportedTargets();
  std::atomic<bool> stop{false};
  std::atomic<int> bad_names{0};
  std::thread switcher([&] {
    for (size_t i = 0; !stop.load(); ++i) {
      const std::string& t = targets[i % targets.size()];
      if (dilate_set_target(t.c_str()) != DILATE_OK) bad_names.fetch_add(1);
      const char* now = dilate_target_name();
      bool known = false;
      for (const std::string& u : targets) known |= now != nullptr && u == now;
      if (!known) bad_names.fetch_add(1);
      if (i % 16 == 0) std::this_thread::yield();
    }
  });
  constexpr int kThreads = 8, kIters = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      Rng rng(1000 + t);
      for (int i = 0; i < kIters; ++i) {
        const Job j = MakeJob(rng, 0);
        if (!RunJob(j, nullptr)) failures.fetch_add(1);
      }
    });
  }
  for (std::thread& w : workers) w.join();
  stop.store(true);
  switcher.join();
  dilate_set_target(nullptr);
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(bad_names.load(), 0);
}

TEST(HardeningThreads, LibraryThreads) {
  Rng rng(42);
  // Large enough for num_threads to start a thread: one per 16 MiB of dst.
  const Job j = MakeJob(rng, 8000, 17u << 20);
  ASSERT_GE(j.shape.dst_bytes, 17u << 20);
  for (uint32_t n : {2u, 3u, 8u}) {
    dilate_options o;
    memset(&o, 0, sizeof(o));
    o.struct_size = sizeof(o);
    o.num_threads = n;
    EXPECT_TRUE(RunJob(j, &o)) << n << " threads";
  }
}

// A caller-supplied runner: `threads` std::threads pull task indices from a
// shared counter; every index runs exactly once.
struct StdThreadRunner {
  unsigned threads;
  std::atomic<uint64_t> calls{0};
  static void ParallelFor(void* ctx, uint64_t count, dilate_task_fn task, void* task_ctx) {
    StdThreadRunner* self = static_cast<StdThreadRunner*>(ctx);
    self->calls.fetch_add(1);
    std::atomic<uint64_t> next{0};
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < self->threads; ++t) {
      pool.emplace_back([&] {
        for (uint64_t i; (i = next.fetch_add(1)) < count;) task(task_ctx, i);
      });
    }
    for (std::thread& th : pool) th.join();
  }
};

TEST(HardeningThreads, CallerSuppliedRunner) {
  Rng rng(43);
  const Job j = MakeJob(rng, 8000);
  StdThreadRunner runner{4};
  dilate_options o;
  memset(&o, 0, sizeof(o));
  o.struct_size = sizeof(o);
  o.num_threads = 4;
  o.parallel_for = &StdThreadRunner::ParallelFor;
  o.runner_ctx = &runner;
  EXPECT_TRUE(RunJob(j, &o));
  EXPECT_GE(runner.calls.load(), 1u);
  // Several callers sharing one runner type at once.
  std::vector<std::thread> callers;
  std::atomic<int> failures{0};
  for (int c = 0; c < 3; ++c) {
    callers.emplace_back([&] {
      StdThreadRunner r{3};
      dilate_options oc = o;
      oc.runner_ctx = &r;
      if (!RunJob(j, &oc)) failures.fetch_add(1);
    });
  }
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace dilate_hardening
