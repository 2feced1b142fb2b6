// main() of every gtest executable: prints which targets this build compiled
// and this CPU supports, so the CI log shows what ran.
#include <gtest/gtest.h>
#include <stdio.h>

#include <string>
#include <vector>

#include "dilate/dilate.h"
#include "tests/test_util.h"

namespace {

class PrintTargets : public ::testing::Environment {
 public:
  void SetUp() override {
    Print("compiled targets", dilate_test::ListTargets(DILATE_TARGETS_COMPILED));
    Print("supported targets", dilate_test::ListTargets(DILATE_TARGETS_SUPPORTED));
    const char* current = dilate_target_name();
    printf("[dilate] default target: %s\n", current ? current : "(none: DILATE_TARGET invalid)");
    printf("[dilate] library %s, DILATE_TEST_SCALE=%g\n", dilate_version_string(),
           dilate_test::Scale());
    fflush(stdout);
  }

 private:
  static void Print(const char* label, const std::vector<std::string>& names) {
    printf("[dilate] %s:", label);
    for (const std::string& n : names) printf(" %s", n.c_str());
    printf("\n");
  }
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new PrintTargets);
  return RUN_ALL_TESTS();
}
