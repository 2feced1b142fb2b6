// Helpers shared by the hardening tests.
#ifndef DILATE_TESTS_HARDENING_UTIL_H_
#define DILATE_TESTS_HARDENING_UTIL_H_

#include <stdint.h>
#include <string.h>

#include <string>
#include <vector>

#include "dilate/dilate.h"
#include "tests/tested_targets.h"

namespace dilate_hardening {

// Supported targets, best first (all of them: DILATE_TEST_SKIP_TARGETS is
// TestedTargets', for the per-target runs).
inline std::vector<std::string> SupportedTargets() {
  return dilate_test::ListTargets(DILATE_TARGETS_SUPPORTED);
}

inline uint32_t DtypeOfSize(uint32_t bytes) {
  switch (bytes) {
    case 1: return DILATE_DTYPE_U8;
    case 2: return DILATE_DTYPE_F16;
    case 4: return DILATE_DTYPE_F32;
    default: return DILATE_DTYPE_F64;
  }
}

// Deterministic generator (splitmix64).
struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed) {}
  uint64_t Next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }
  int64_t Range(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(Below(hi - lo + 1)); }
};

inline void FillRandom(uint8_t* p, size_t n, Rng& rng) {
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(rng.Next());
}

// dst extent of axis i, or < 0.
inline int64_t DstExtent(const dilate_desc& d, uint32_t i) {
  const int64_t s = static_cast<int64_t>(d.src_dims[i]);
  const int64_t core = s == 0 ? 0 : s + (s - 1) * (static_cast<int64_t>(d.dilation[i]) - 1);
  return d.pad_lo[i] + core + d.pad_hi[i];
}

}  // namespace dilate_hardening

#endif  // DILATE_TESTS_HARDENING_UTIL_H_
