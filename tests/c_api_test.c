/* The public header compiled as strict C99 (-std=c99 -pedantic -Werror):
 * the seed case through dilate_expand_2d and a few checks of the C API.
 * Exits non-zero on failure. */
#include <stdio.h>
#include <string.h>

#include "dilate/dilate.h"

#define K 7
#define D 3
#define L (K + (K - 1) * (D - 1))
#define N 4

static int failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

int main(void) {
  static float src[N * K * K];
  static float dst[N * L * L + 1];
  dilate_desc desc;
  dilate_shape shape;
  dilate_options options;
  static float dense[N * K * K];
  const char* names[16];
  uint32_t count = 0;
  int n, y, x;
  dilate_plan* plan = NULL;
  static float again[N * L * L + 1];

  for (n = 0; n < N * K * K; ++n) src[n] = (float)(n + 1) * 0.5f;
  dst[N * L * L] = 12345.0f; /* one past the end: must survive */
  CHECK(dilate_expand_2d(DILATE_DTYPE_F32, N, K, D, src, dst) == DILATE_OK);
  for (n = 0; n < N; ++n) {
    for (y = 0; y < L; ++y) {
      for (x = 0; x < L; ++x) {
        const float got = dst[(n * L + y) * L + x];
        const float want = (y % D == 0 && x % D == 0) ? src[(n * K + y / D) * K + x / D] : 0.0f;
        CHECK(got == want);
      }
    }
  }
  CHECK(dst[N * L * L] == 12345.0f);

  /* The same through the general entry points, and back. */
  dilate_desc_init(&desc);
  desc.dtype = DILATE_DTYPE_F32;
  desc.rank = 2;
  desc.outer = N;
  desc.src_dims[0] = desc.src_dims[1] = K;
  desc.dilation[0] = desc.dilation[1] = D;
  shape.struct_size = sizeof(shape);
  CHECK(dilate_query_shape(&desc, &shape) == DILATE_OK);
  CHECK(shape.dst_dims[0] == L && shape.dst_dims[1] == L);
  CHECK(shape.dst_bytes == sizeof(float) * N * L * L);
  memset(&options, 0, sizeof(options));
  options.struct_size = sizeof(options);
  options.flags = DILATE_FLAG_VERIFY_HOLES;
  CHECK(dilate_contract(&desc, dst, shape.dst_bytes, dense, sizeof(dense), &options) == DILATE_OK);
  CHECK(memcmp(dense, src, sizeof(src)) == 0);
  dst[1] = 1.0f; /* a hole */
  CHECK(dilate_contract(&desc, dst, shape.dst_bytes, dense, sizeof(dense), &options) ==
        DILATE_ERROR_HOLE_NOT_FILL);

  /* A plan of the same description (1.1): same bytes, same errors. */
  dst[1] = 0.0f;
  CHECK(dilate_plan_create(&desc, 0, &plan) == DILATE_OK);
  CHECK(plan != NULL);
  again[N * L * L] = 12345.0f;
  CHECK(dilate_plan_expand(plan, src, sizeof(src), again, shape.dst_bytes, NULL) == DILATE_OK);
  CHECK(memcmp(again, dst, shape.dst_bytes) == 0);
  CHECK(again[N * L * L] == 12345.0f);
  memset(dense, 0, sizeof(dense));
  CHECK(dilate_plan_contract(plan, again, shape.dst_bytes, dense, sizeof(dense), &options) ==
        DILATE_OK);
  CHECK(memcmp(dense, src, sizeof(src)) == 0);
  CHECK(dilate_plan_expand(plan, src, sizeof(src) - 1, again, shape.dst_bytes, NULL) ==
        DILATE_ERROR_BUFFER_TOO_SMALL);
  dilate_plan_destroy(plan);

  CHECK(dilate_expand(NULL, src, sizeof(src), dst, sizeof(dst), NULL) == DILATE_ERROR_NULL_POINTER);
  CHECK(dilate_status_string(DILATE_ERROR_OVERLAP) != NULL);
  CHECK(dilate_dtype_size(DILATE_DTYPE_BF16) == 2);
  CHECK(dilate_version_number() == DILATE_VERSION_NUMBER);
  CHECK(strcmp(dilate_version_string(), DILATE_VERSION_STRING) == 0);
  CHECK(dilate_list_targets(DILATE_TARGETS_SUPPORTED, names, 16, &count) == DILATE_OK);
  CHECK(count >= 1);
  CHECK(dilate_target_name() != NULL);
  CHECK(dilate_set_target(DILATE_FALLBACK_TARGET) == DILATE_OK);
  CHECK(dilate_set_target(NULL) == DILATE_OK);

  if (failures == 0) printf("c_api_test: OK (target %s)\n", dilate_target_name());
  return failures == 0 ? 0 : 1;
}
