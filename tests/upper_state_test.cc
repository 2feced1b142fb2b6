// Every call returns with the upper halves of the vector registers clean
// (x86-64): the library's baseline code and its callers' SSE code pay for
// dirty 256- and 512-bit halves (CleanExit in lib/simd-inl.h). XGETBV with
// ECX = 1 reads which state components are in use; after each call the
// AVX upper halves (bit 2) and AVX-512's upper halves of ZMM0-15 (bit 6)
// must be clear. Random descriptions and the cases that reach each path
// (the small walk, the vector loop of dilate_expand_2d's case and of
// general kernels, tiles, rows), one-shot, planned and contracted, on every
// target.
#include <string.h>

#include <vector>

#include "dilate/dilate.h"
#include "tests/test_util.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#define DILATE_TEST_X86 1
#else
#define DILATE_TEST_X86 0
#endif

namespace dilate_test {
namespace {

using UpperState = TargetTest;

constexpr uint64_t kSeed = 0x0FF5E7;
constexpr uint64_t kYmmUpper = uint64_t{1} << 2;  // XSAVE component 2: AVX
constexpr uint64_t kZmmUpper = uint64_t{1} << 6;  // component 6: ZMM_Hi256

#if DILATE_TEST_X86
// XINUSE: the state components not in their initial state.
uint64_t InUse() {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(1));
  return (uint64_t{hi} << 32) | lo;
}

void ZeroUpper() { __asm__ volatile("vzeroupper" ::: "memory"); }

// Dirties the upper half of ymm0 (a probe that InUse reports it).
void DirtyUpper() { __asm__ volatile("vpcmpeqd %%ymm0, %%ymm0, %%ymm0" ::: "xmm0"); }

// Whether this CPU and OS report XINUSE (XGETBV ECX = 1) and have AVX
// state, and InUse sees a dirty upper half come and go.
bool CanObserve() {
  uint32_t a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d) || (c & (1u << 27)) == 0 || (c & (1u << 28)) == 0) {
    return false;  // no OSXSAVE or no AVX
  }
  if (__get_cpuid_max(0, nullptr) < 0xD) return false;
  __cpuid_count(0xD, 1, a, b, c, d);
  if ((a & (1u << 2)) == 0) return false;  // no XGETBV with ECX = 1
  ZeroUpper();
  const bool clean = (InUse() & kYmmUpper) == 0;
  DirtyUpper();
  const bool dirty = (InUse() & kYmmUpper) != 0;
  ZeroUpper();
  return clean && dirty;
}
#endif

// The cases: descriptions that reach every path a call can take.
std::vector<dilate_desc> Cases() {
  std::vector<dilate_desc> cases;
  const uint32_t dtypes[] = {DILATE_DTYPE_U8, DILATE_DTYPE_U16, DILATE_DTYPE_F32, DILATE_DTYPE_F64};
  for (uint32_t dt : dtypes) {
    for (uint64_t n : {1u, 8u, 13u, 200u, 2000u, 20000u}) {
      cases.push_back(CubeDesc(dt, 2, n, 1, 3, 2));  // dilate_expand_2d's case
      cases.push_back(CubeDesc(dt, 2, n, 1, 7, 3));
      cases.push_back(CubeDesc(dt, 1, n, 1, 3, 2));  // 1-D
      cases.push_back(CubeDesc(dt, 3, n, 1, 3, 2));  // 3-D
      cases.push_back(CubeDesc(dt, 2, n, 3, 3, 2));  // OHWI stem
      cases.push_back(CubeDesc(dt, 2, n, 64, 3, 2));
    }
    cases.push_back(CubeDesc(dt, 1, 1, 1, 1000, 2));  // one long row
    cases.push_back(CubeDesc(dt, 1, 1, 1, 100000, 3));
  }
  return cases;
}

// Runs every API call on desc (when it is valid) and checks the state after
// each; returns false once a check failed.
bool CheckCalls(const dilate_desc& desc, Rng& rng) {
#if DILATE_TEST_X86
  dilate_shape shape;
  memset(&shape, 0, sizeof(shape));
  shape.struct_size = sizeof(shape);
  if (dilate_query_shape(&desc, &shape) != DILATE_OK || shape.dst_bytes > (64u << 20)) {
    return true;
  }
  std::vector<uint8_t> src(shape.src_bytes + 1), dst(shape.dst_bytes + 1);
  for (auto& b : src) b = static_cast<uint8_t>(rng.Uniform(0, 255));
  const auto check = [&](const char* call, dilate_status s) {
    const uint64_t in_use = InUse();
    EXPECT_EQ(s, DILATE_OK) << call << " " << Describe(desc);
    EXPECT_EQ(in_use & (kYmmUpper | kZmmUpper), 0u)
        << call << " returned with dirty upper vector halves (XINUSE 0x" << std::hex << in_use
        << std::dec << ") for " << Describe(desc);
    ZeroUpper();
    return !testing::Test::HasFailure();
  };
  ZeroUpper();
  if (!check("dilate_expand", dilate_expand(&desc, src.data(), shape.src_bytes, dst.data(),
                                            shape.dst_bytes, nullptr))) {
    return false;
  }
  if (!check("dilate_contract", dilate_contract(&desc, dst.data(), shape.dst_bytes, src.data(),
                                                shape.src_bytes, nullptr))) {
    return false;
  }
  dilate_plan* plan = nullptr;
  if (!check("dilate_plan_create", dilate_plan_create(&desc, 0, &plan))) {
    dilate_plan_destroy(plan);
    return false;
  }
  const bool ok =
      check("dilate_plan_expand", dilate_plan_expand(plan, src.data(), shape.src_bytes, dst.data(),
                                                     shape.dst_bytes, nullptr)) &&
      check("dilate_plan_contract", dilate_plan_contract(plan, dst.data(), shape.dst_bytes,
                                                         src.data(), shape.src_bytes, nullptr));
  dilate_plan_destroy(plan);
  ZeroUpper();
  if (!ok) return false;
  const bool square = desc.rank == 2 && desc.inner == 1 && desc.src_dims[0] == desc.src_dims[1] &&
                      desc.dilation[0] == desc.dilation[1] && desc.pad_lo[0] == 0 &&
                      desc.pad_lo[1] == 0 && desc.pad_hi[0] == 0 && desc.pad_hi[1] == 0;
  if (square) {
    return check("dilate_expand_2d", dilate_expand_2d(desc.dtype, desc.outer, desc.src_dims[0],
                                                      desc.dilation[0], src.data(), dst.data()));
  }
#else
  static_cast<void>(desc);
  static_cast<void>(rng);
#endif
  return true;
}

TEST_P(UpperState, CleanAfterEveryCall) {
#if DILATE_TEST_X86
  if (!CanObserve()) GTEST_SKIP() << "XINUSE (XGETBV with ECX = 1) not available or not exact";
  Rng rng(kSeed);
  uint64_t calls = 0;
  for (const dilate_desc& desc : Cases()) {
    if (!CheckCalls(desc, rng)) return;
    ++calls;
  }
  const uint64_t random_cases = Scaled(300, 20);
  for (uint64_t i = 0; i < random_cases; ++i) {
    Rng case_rng(CaseSeed(kSeed, i));
    const dilate_desc desc = RandomDesc(case_rng, 64u << 10, /*allow_negative_extent=*/false);
    if (!CheckCalls(desc, case_rng)) return;
    ++calls;
  }
  RecordProperty("descriptions", static_cast<int>(calls));
#else
  GTEST_SKIP() << "x86-64 only: other architectures have no dirty upper state";
#endif
}

DILATE_INSTANTIATE_ON_ALL_TARGETS(UpperState);

}  // namespace
}  // namespace dilate_test
