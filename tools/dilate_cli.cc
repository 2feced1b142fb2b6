// `dilate`: the command-line face of libdilate.
//   dilate demo [K] [D] [--target NAME]   the seed's example, printed as grids
//   dilate targets                        compiled, supported and chosen targets
//   dilate version
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <string>
#include <vector>

#include "dilate/dilate.h"

namespace {

int Usage(FILE* out) {
  fprintf(out,
          "usage: dilate demo [K] [D] [--target NAME]  expand a KxK kernel (default 7) with\n"
          "                                            dilation D (default 3), print both\n"
          "       dilate targets                       list compiled and supported targets\n"
          "       dilate version\n");
  return out == stderr ? 2 : 0;
}

int Fail(const char* what, dilate_status s) {
  fprintf(stderr, "dilate: %s: %s\n", what, dilate_status_string(s));
  return 1;
}

// Prints rows x cols floats; holes (exact zeros) as dots so the taps stand out.
void PrintGrid(const float* v, uint64_t rows, uint64_t cols) {
  for (uint64_t r = 0; r < rows; ++r) {
    for (uint64_t c = 0; c < cols; ++c) {
      const float x = v[r * cols + c];
      if (x == 0.0f) {
        printf("  .");
      } else {
        printf("%3g", static_cast<double>(x));
      }
    }
    printf("\n");
  }
}

bool ParseCount(const char* s, uint64_t* out) {
  char* end = nullptr;
  const unsigned long long v = strtoull(s, &end, 10);
  if (end == s || *end != '\0' || v == 0 || v > 64) return false;
  *out = v;
  return true;
}

int Demo(int argc, char** argv) {
  uint64_t k = 7, d = 3;
  const char* target = nullptr;
  int positional = 0;
  for (int i = 0; i < argc; ++i) {
    if (strcmp(argv[i], "--target") == 0 && i + 1 < argc) {
      target = argv[++i];
    } else if (positional < 2 && ParseCount(argv[i], positional == 0 ? &k : &d)) {
      ++positional;
    } else {
      fprintf(stderr, "dilate demo: unexpected argument '%s' (K and D are 1..64)\n", argv[i]);
      return 2;
    }
  }
  if (target != nullptr) {
    const dilate_status s = dilate_set_target(target);
    if (s != DILATE_OK) return Fail(target, s);
  }
  const uint64_t l = k + (k - 1) * (d - 1);
  std::vector<float> kernel(k * k), dilated(l * l, -1.0f);
  for (uint64_t i = 0; i < k * k; ++i) kernel[i] = static_cast<float>(i + 1);

  // The seed's case in one call: N = 1 kernel of K x K, dilation D.
  const dilate_status s =
      dilate_expand_2d(DILATE_DTYPE_F32, 1, k, d, kernel.data(), dilated.data());
  if (s != DILATE_OK) return Fail("expand", s);

  const char* ran = dilate_target_name();
  printf("libdilate %s, target %s\n\n", dilate_version_string(), ran != nullptr ? ran : "?");
  printf("dense kernel, %llu x %llu:\n", static_cast<unsigned long long>(k),
         static_cast<unsigned long long>(k));
  PrintGrid(kernel.data(), k, k);
  printf("\ndilated with D = %llu, %llu x %llu (L = K + (K-1)(D-1)):\n",
         static_cast<unsigned long long>(d), static_cast<unsigned long long>(l),
         static_cast<unsigned long long>(l));
  PrintGrid(dilated.data(), l, l);

  // And back: contract recovers the kernel and confirms every hole is zero.
  std::vector<float> back(k * k, -1.0f);
  dilate_desc desc;
  dilate_desc_init(&desc);
  desc.dtype = DILATE_DTYPE_F32;
  desc.rank = 2;
  desc.src_dims[0] = desc.src_dims[1] = k;
  desc.dilation[0] = desc.dilation[1] = d;
  dilate_options options;
  memset(&options, 0, sizeof(options));
  options.struct_size = sizeof(options);
  options.flags = DILATE_FLAG_VERIFY_HOLES;
  const dilate_status c =
      dilate_contract(&desc, dilated.data(), dilated.size() * sizeof(float), back.data(),
                      back.size() * sizeof(float), &options);
  if (c != DILATE_OK) return Fail("contract", c);
  const bool same = memcmp(back.data(), kernel.data(), back.size() * sizeof(float)) == 0;
  printf("\ncontract(expand(kernel)) == kernel: %s; every hole is fill: yes\n",
         same ? "yes" : "NO");
  return same ? 0 : 1;
}

int Targets() {
  for (uint32_t which : {DILATE_TARGETS_COMPILED, DILATE_TARGETS_SUPPORTED}) {
    const char* names[32];
    uint32_t n = 0;
    const dilate_status s = dilate_list_targets(which, names, 32, &n);
    if (s != DILATE_OK) return Fail("list targets", s);
    printf("%s:", which == DILATE_TARGETS_COMPILED ? "compiled " : "supported");
    for (uint32_t i = 0; i < n && i < 32; ++i) printf(" %s", names[i]);
    printf("\n");
  }
  const char* chosen = dilate_target_name();
  if (chosen == nullptr) {
    const char* env = getenv("DILATE_TARGET");
    printf("chosen   : none (DILATE_TARGET=%s is not a supported target)\n", env ? env : "");
    return 1;
  }
  printf("chosen   : %s\n", chosen);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage(stderr);
  const std::string cmd = argv[1];
  if (cmd == "demo") return Demo(argc - 2, argv + 2);
  if (cmd == "targets") return Targets();
  if (cmd == "version") {
    printf("libdilate %s (header %s)\n", dilate_version_string(), DILATE_VERSION_STRING);
    return 0;
  }
  if (cmd == "-h" || cmd == "--help" || cmd == "help") return Usage(stdout);
  fprintf(stderr, "dilate: unknown command '%s'\n", cmd.c_str());
  return Usage(stderr);
}
