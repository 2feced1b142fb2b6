// The targets the suite runs every test on: the supported ones, best first,
// less any that DILATE_TEST_SKIP_TARGETS names (target names separated by
// spaces or commas, as `dilate targets` prints them).
//
// tools/run.sh test-arm runs the aarch64 suite under several qemu CPUs; the
// first (Cortex-A72) covers NEON and the scalar fallback, so the runs under
// the SVE CPUs skip those two and test only what that CPU adds: SVE and SVE2
// at its vector length, SVE2_128 or SVE_256. Never set it for a native run.
#ifndef DILATE_TESTS_TESTED_TARGETS_H_
#define DILATE_TESTS_TESTED_TARGETS_H_

#include <stdint.h>
#include <stdlib.h>

#include <string>
#include <vector>

#include "dilate/dilate.h"

namespace dilate_test {

// Target names from dilate_list_targets(which), best first (none if it fails).
inline std::vector<std::string> ListTargets(uint32_t which) {
  uint32_t n = 0;
  if (dilate_list_targets(which, nullptr, 0, &n) != DILATE_OK) return {};
  std::vector<const char*> names(n);
  if (dilate_list_targets(which, names.data(), n, &n) != DILATE_OK) return {};
  return std::vector<std::string>(names.begin(), names.begin() + n);
}

inline std::vector<std::string> TestedTargets() {
  const char* env = getenv("DILATE_TEST_SKIP_TARGETS");
  const std::string skip = std::string(" ") + (env != nullptr ? env : "") + " ";
  std::vector<std::string> tested;
  for (const std::string& name : ListTargets(DILATE_TARGETS_SUPPORTED)) {
    bool skipped = false;
    for (size_t at = skip.find(name); at != std::string::npos && !skipped;
         at = skip.find(name, at + 1)) {
      const char before = skip[at - 1], after = skip[at + name.size()];
      skipped = (before == ' ' || before == ',') && (after == ' ' || after == ',');
    }
    if (!skipped) tested.push_back(name);
  }
  return tested;
}

}  // namespace dilate_test

#endif  // DILATE_TESTS_TESTED_TARGETS_H_
