// A helper run by CTest with DILATE_TARGET set in its environment: the
// variable is read once per process, so each setting needs its own process.
//
//   env_target_check expect NAME   the running target must be NAME
//                                  ("BEST": the first supported target)
//   env_target_check unknown       DILATE_TARGET names no target: operations
//                                  fail with UNKNOWN_TARGET, touching nothing
//
// Plain C++ with no gtest, so it runs unchanged under qemu-user. Exit status
// 0 on success; every failed check prints a line.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <string>
#include <vector>

#include "dilate/dilate.h"
#include "lib/reference.h"

namespace {

int g_failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      ++g_failures;                                                            \
    }                                                                          \
  } while (0)

std::string Best() {
  const char* names[1] = {nullptr};
  uint32_t count = 0;
  dilate_list_targets(DILATE_TARGETS_SUPPORTED, names, 1, &count);
  return count > 0 && names[0] ? names[0] : "";
}

// A small padded 2-D expand and its contract; `want` is the status both must
// return. On failure the outputs must be untouched.
void CheckOperations(dilate_status want) {
  dilate_desc desc;
  dilate_desc_init(&desc);
  desc.dtype = DILATE_DTYPE_I16;
  desc.rank = 2;
  desc.outer = 2;
  desc.inner = 3;
  desc.src_dims[0] = 3;
  desc.src_dims[1] = 5;
  desc.dilation[0] = 2;
  desc.dilation[1] = 3;
  desc.pad_lo[1] = 1;
  desc.pad_hi[0] = -1;
  const int16_t fill = -7;
  CHECK(dilate_desc_set_fill(&desc, &fill) == DILATE_OK);
  dilate_shape shape;
  shape.struct_size = sizeof(shape);
  CHECK(dilate_query_shape(&desc, &shape) == DILATE_OK);  // needs no target
  std::vector<uint8_t> src(shape.src_bytes), dst(shape.dst_bytes, 0xEE), want_dst(dst.size());
  for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<uint8_t>(i * 7 + 1);
  dilate_ref::Expand(desc, src.data(), want_dst.data());
  const std::vector<uint8_t> before = dst;
  CHECK(dilate_expand(&desc, src.data(), src.size(), dst.data(), dst.size(), nullptr) == want);
  CHECK(dst == (want == DILATE_OK ? want_dst : before));

  std::vector<uint8_t> dense(src.size(), 0xEE), want_dense(src.size());
  dilate_ref::Contract(desc, want_dst.data(), want_dense.data(), want_dense.size());
  const std::vector<uint8_t> dense_before = dense;
  dilate_options options;
  memset(&options, 0, sizeof(options));
  options.struct_size = sizeof(options);
  options.flags = DILATE_FLAG_VERIFY_HOLES;
  CHECK(dilate_contract(&desc, want_dst.data(), want_dst.size(), dense.data(), dense.size(),
                        &options) == want);
  CHECK(dense == (want == DILATE_OK ? want_dense : dense_before));
  CHECK(dilate_expand_2d(DILATE_DTYPE_U8, 1, 1, 1, src.data(), dst.data()) == want);
}

int ExpectTarget(std::string name) {
  if (name == "BEST") name = Best();
  const char* running = dilate_target_name();
  printf("DILATE_TARGET=\"%s\": running %s (expected %s)\n",
         getenv("DILATE_TARGET") ? getenv("DILATE_TARGET") : "(unset)",
         running ? running : "(null)", name.c_str());
  CHECK(running != nullptr && name == running);
  CheckOperations(DILATE_OK);
  // Read once: changing the variable now has no effect.
  setenv("DILATE_TARGET", "NO_SUCH_TARGET", 1);
  running = dilate_target_name();
  CHECK(running != nullptr && name == running);
  CheckOperations(DILATE_OK);
  // dilate_set_target overrides the variable, and "auto" means the best.
  CHECK(dilate_set_target(DILATE_FALLBACK_TARGET) == DILATE_OK);
  CHECK(dilate_target_name() != nullptr && strcmp(dilate_target_name(), DILATE_FALLBACK_TARGET) == 0);
  CHECK(dilate_set_target("auto") == DILATE_OK);
  CHECK(dilate_target_name() != nullptr && Best() == dilate_target_name());
  return g_failures == 0 ? 0 : 1;
}

int ExpectUnknown() {
  const char* running = dilate_target_name();
  printf("DILATE_TARGET=\"%s\": running %s (expected none)\n",
         getenv("DILATE_TARGET") ? getenv("DILATE_TARGET") : "(unset)",
         running ? running : "(null)");
  CHECK(running == nullptr);
  CheckOperations(DILATE_ERROR_UNKNOWN_TARGET);
  // Read once: a valid value set now is not seen.
  setenv("DILATE_TARGET", DILATE_FALLBACK_TARGET, 1);
  CHECK(dilate_target_name() == nullptr);
  CheckOperations(DILATE_ERROR_UNKNOWN_TARGET);
  // A refused dilate_set_target keeps the (broken) environment choice.
  CHECK(dilate_set_target("NO_SUCH_TARGET_EITHER") == DILATE_ERROR_UNKNOWN_TARGET);
  CHECK(dilate_target_name() == nullptr);
  // dilate_set_target overrides the environment.
  CHECK(dilate_set_target(DILATE_FALLBACK_TARGET) == DILATE_OK);
  CHECK(dilate_target_name() != nullptr && strcmp(dilate_target_name(), DILATE_FALLBACK_TARGET) == 0);
  CheckOperations(DILATE_OK);
  CHECK(dilate_set_target(nullptr) == DILATE_OK);
  CHECK(dilate_target_name() != nullptr && Best() == dilate_target_name());
  CheckOperations(DILATE_OK);
  return g_failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && strcmp(argv[1], "expect") == 0) return ExpectTarget(argv[2]);
  if (argc == 2 && strcmp(argv[1], "unknown") == 0) return ExpectUnknown();
  fprintf(stderr, "usage: %s expect NAME|BEST  or  %s unknown\n", argv[0], argv[0]);
  return 2;
}
