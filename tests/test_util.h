// Shared helpers of the GoogleTest suite: the per-target fixture, a
// portable seeded RNG, guarded (misaligned) buffers, random descriptions and
// an independent computation of the dst shape.
//
// Every expectation in the suite comes from lib/reference.h (dilate_ref) or
// from formulas written here from include/dilate/dilate.h, never from the
// library's own planning code.
#ifndef DILATE_TESTS_TEST_UTIL_H_
#define DILATE_TESTS_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <stddef.h>
#include <stdint.h>

#include <string>
#include <vector>

#include "dilate/dilate.h"
#include "tests/tested_targets.h"

namespace dilate_test {

// The size knob: DILATE_TEST_SCALE (default 1.0) multiplies the number of
// random cases and the sizes of the costly tests. qemu runs use e.g. 0.05.
double Scale();
// max(min, n * Scale()), rounded.
uint64_t Scaled(uint64_t n, uint64_t min = 1);

// splitmix64: the same sequence on every platform and standard library
// (std:: distributions are implementation-defined), so a printed seed
// reproduces a case anywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next();
  // Uniform in [lo, hi] (inclusive; hi - lo < 2^64 - 1).
  uint64_t Uniform(uint64_t lo, uint64_t hi) { return lo + Next() % (hi - lo + 1); }
  int64_t UniformSigned(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool OneIn(uint64_t n) { return Next() % n == 0; }
  void FillBytes(void* p, size_t n);

 private:
  uint64_t state_;
};

// Seed of case `index` of a test: independent streams for every case, so one
// case reproduces without running the ones before it.
uint64_t CaseSeed(uint64_t test_seed, uint64_t index);

// A buffer of `size` bytes whose start is `misalign` bytes past a 64-byte
// boundary, with guard bytes on both sides and random initial content.
class GuardedBuffer {
 public:
  static constexpr size_t kGuard = 64;
  GuardedBuffer(size_t size, size_t misalign, Rng& rng);
  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  // Whether the guard bytes still hold their pattern.
  bool GuardsIntact() const;
  std::vector<uint8_t> Copy() const { return std::vector<uint8_t>(data_, data_ + size_); }
  bool Equals(const std::vector<uint8_t>& bytes) const;

 private:
  std::vector<uint8_t> storage_;
  uint8_t* data_;
  size_t size_;
  uint8_t guard_;
};

// Element count / byte size products in 128 bits, saturating is not needed:
// descriptions that reach here are small. Computed from the header's formula.
struct ExpectedShape {
  dilate_status status;  // DILATE_OK or DILATE_ERROR_NEGATIVE_EXTENT
  int64_t dst_dims[DILATE_MAX_RANK];
  uint64_t src_elems, dst_elems, src_bytes, dst_bytes;
};
// For descriptions whose fields are all valid except possibly extents.
ExpectedShape ComputeShape(const dilate_desc& desc);

// Checks dilate_query_shape against ComputeShape (status and every field).
void ExpectQueryShapeMatches(const dilate_desc& desc, const ExpectedShape& want);

// A random, valid-looking description: rank 1-4, sizes 0-40 (smaller for
// higher rank), dilation 1-9, padding -3..3, outer 0-5, inner 1-70, any of
// the 12 dtypes, zero or random fill; shrunk until dst fits max_dst_bytes.
// With allow_negative_extent false, paddings never crop below zero.
dilate_desc RandomDesc(Rng& rng, uint64_t max_dst_bytes, bool allow_negative_extent);

// `outer` kernels of k elements on each of `rank` axes, groups of `inner`
// elements, dilation d on every axis, no padding, zero fill.
dilate_desc CubeDesc(uint32_t dtype, uint32_t rank, uint64_t outer, uint64_t inner, uint64_t k,
                     uint64_t d);

// A printable description, for failure messages.
std::string Describe(const dilate_desc& desc);

// The fixture of every test: runs once per supported target (the parameter),
// forces it in SetUp and asserts it is the one that really runs.
class TargetTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;
  const char* target() const { return GetParam().c_str(); }
};

std::string TargetTestName(const ::testing::TestParamInfo<std::string>& info);

// Instantiates `fixture` (derived from TargetTest) once per supported target
// (TestedTargets, tests/tested_targets.h), named by target:
// Target/Fixture.Test/AVX2.
#define DILATE_INSTANTIATE_ON_ALL_TARGETS(fixture)                                  \
  INSTANTIATE_TEST_SUITE_P(Target, fixture,                                         \
                           ::testing::ValuesIn(::dilate_test::TestedTargets()), \
                           ::dilate_test::TargetTestName)

// A caller-supplied parallel_for that runs tasks in reverse order on the
// calling thread, counting how often each index ran.
struct ReverseRunner {
  std::vector<uint32_t> calls;  // per task index, of the last parallel_for
  uint64_t max_task_count = 0;
  static void Run(void* ctx, uint64_t task_count, dilate_task_fn task, void* task_ctx);
};

// A caller-supplied parallel_for on `threads` std::threads, each taking every
// threads-th task.
struct ThreadRunner {
  uint32_t threads = 3;
  static void Run(void* ctx, uint64_t task_count, dilate_task_fn task, void* task_ctx);
};

}  // namespace dilate_test

#endif  // DILATE_TESTS_TEST_UTIL_H_
