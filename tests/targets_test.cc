// The target registry: lists, dilate_set_target, dilate_target_name.
#include <string.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "dilate/dilate.h"
#include "tests/test_util.h"

namespace dilate_test {
namespace {

using Targets = TargetTest;

bool Contains(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

TEST_P(Targets, CompiledIsASupersetOfSupportedInTheSameOrder) {
  const std::vector<std::string> compiled = ListTargets(DILATE_TARGETS_COMPILED);
  const std::vector<std::string> supported = ListTargets(DILATE_TARGETS_SUPPORTED);
  ASSERT_FALSE(supported.empty());
  ASSERT_GE(compiled.size(), supported.size());
  // Both are best first, so supported is a subsequence of compiled.
  size_t at = 0;
  for (const std::string& name : supported) {
    while (at < compiled.size() && compiled[at] != name) ++at;
    ASSERT_LT(at, compiled.size()) << name << " is supported but not compiled (or out of order)";
  }
  // The scalar fallback runs everywhere.
  EXPECT_TRUE(Contains(supported, "SCALAR") || Contains(supported, "EMU128"));
  std::vector<std::string> sorted = compiled;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end()) << "duplicate names";
  EXPECT_TRUE(Contains(supported, target()));
}

TEST_P(Targets, ListHonoursCapacity) {
  for (uint32_t which : {DILATE_TARGETS_COMPILED, DILATE_TARGETS_SUPPORTED}) {
    uint32_t count = 12345;
    ASSERT_EQ(dilate_list_targets(which, nullptr, 0, &count), DILATE_OK);
    const std::vector<std::string> full = ListTargets(which);
    ASSERT_EQ(count, full.size());
    for (uint32_t capacity = 0; capacity <= count; ++capacity) {
      static const char kSentinel[] = "untouched";
      std::vector<const char*> names(count + 1, kSentinel);
      uint32_t got = 0;
      ASSERT_EQ(dilate_list_targets(which, names.data(), capacity, &got), DILATE_OK);
      EXPECT_EQ(got, count) << "count is the full count whatever the capacity";
      for (uint32_t i = 0; i < capacity; ++i) EXPECT_STREQ(names[i], full[i].c_str());
      for (uint32_t i = capacity; i <= count; ++i) EXPECT_EQ(names[i], kSentinel) << i;
    }
  }
}

TEST_P(Targets, ListRejectsBadArguments) {
  const char* names[16];
  EXPECT_EQ(dilate_list_targets(DILATE_TARGETS_SUPPORTED, names, 16, nullptr),
            DILATE_ERROR_NULL_POINTER);
  uint32_t count = 77;
  EXPECT_EQ(dilate_list_targets(2, names, 16, &count), DILATE_ERROR_BAD_ARGUMENT);
  EXPECT_EQ(dilate_list_targets(0xFFFFFFFFu, names, 16, &count), DILATE_ERROR_BAD_ARGUMENT);
  // names may be NULL only with capacity 0 (the header's dilate_list_targets).
  EXPECT_EQ(dilate_list_targets(DILATE_TARGETS_SUPPORTED, nullptr, 4, &count),
            DILATE_ERROR_NULL_POINTER);
  EXPECT_EQ(dilate_list_targets(DILATE_TARGETS_SUPPORTED, nullptr, 0, &count), DILATE_OK);
  EXPECT_GE(count, 1u);
}

TEST_P(Targets, UnknownNameLeavesTheChoiceUnchanged) {
  for (const char* name : {"NO_SUCH_TARGET", "SCALA", "SCALARX", " SCALAR", "SCALAR ", "AVX9",
                           "autox", "-", "AVX2\n"}) {
    EXPECT_EQ(dilate_set_target(name), DILATE_ERROR_UNKNOWN_TARGET) << name;
    const char* running = dilate_target_name();
    ASSERT_NE(running, nullptr);
    EXPECT_STREQ(running, target()) << "after dilate_set_target(\"" << name << "\")";
  }
}

TEST_P(Targets, NamesAreCaseInsensitive) {
  std::string lower = target(), mixed = target();
  for (size_t i = 0; i < lower.size(); ++i) {
    lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(lower[i])));
    if (i % 2) mixed[i] = lower[i];
  }
  for (const std::string& name : {lower, mixed}) {
    ASSERT_EQ(dilate_set_target(DILATE_FALLBACK_TARGET), DILATE_OK);
    ASSERT_EQ(dilate_set_target(name.c_str()), DILATE_OK) << name;
    EXPECT_STREQ(dilate_target_name(), target()) << name;
  }
}

TEST_P(Targets, AutoNullAndEmptyRestoreTheBest) {
  const std::string best = ListTargets(DILATE_TARGETS_SUPPORTED).front();
  for (const char* name : {static_cast<const char*>(nullptr), "", "auto", "AUTO", "Auto"}) {
    ASSERT_EQ(dilate_set_target(target()), DILATE_OK);
    ASSERT_EQ(dilate_set_target(name), DILATE_OK) << (name ? name : "NULL");
    const char* running = dilate_target_name();
    ASSERT_NE(running, nullptr);
    EXPECT_EQ(best, running) << (name ? name : "NULL");
  }
  ASSERT_EQ(dilate_set_target(target()), DILATE_OK);
}

TEST_P(Targets, CompiledButUnsupportedIsRefused) {
  const std::vector<std::string> supported = ListTargets(DILATE_TARGETS_SUPPORTED);
  int unsupported = 0;
  for (const std::string& name : ListTargets(DILATE_TARGETS_COMPILED)) {
    if (Contains(supported, name)) continue;
    ++unsupported;
    EXPECT_EQ(dilate_set_target(name.c_str()), DILATE_ERROR_UNSUPPORTED_TARGET) << name;
    EXPECT_STREQ(dilate_target_name(), target()) << "after refusing " << name;
  }
  if (unsupported == 0) {
    printf("[dilate] every compiled target is supported here: nothing to refuse\n");
  }
}

TEST_P(Targets, TheChosenTargetRunsOperations) {
  // A tiny expand through every entry point that dispatches.
  const uint8_t src[4] = {1, 2, 3, 4};
  uint8_t dst[9];
  ASSERT_EQ(dilate_expand_2d(DILATE_DTYPE_U8, 1, 2, 2, src, dst), DILATE_OK);
  const uint8_t want[9] = {1, 0, 2, 0, 0, 0, 3, 0, 4};
  EXPECT_EQ(memcmp(dst, want, 9), 0);
  EXPECT_STREQ(dilate_target_name(), target());
}

DILATE_INSTANTIATE_ON_ALL_TARGETS(Targets);

}  // namespace
}  // namespace dilate_test
