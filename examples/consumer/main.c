/* Smoke test of an installed libdilate through its public C header only. */
#include <dilate/dilate.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  if (dilate_version_number() / 10000 != DILATE_VERSION_MAJOR) {
    fprintf(stderr, "header %s but library %s\n", DILATE_VERSION_STRING,
            dilate_version_string());
    return 1;
  }

  /* One 3x3 f32 kernel, dilation 2 -> 5x5 with zeros in the holes. */
  float src[9], dst[25], back[9];
  for (int i = 0; i < 9; ++i) src[i] = (float)(i + 1);
  memset(dst, 0xff, sizeof dst);
  dilate_status st = dilate_expand_2d(DILATE_DTYPE_F32, 1, 3, 2, src, dst);
  if (st != DILATE_OK) {
    fprintf(stderr, "dilate_expand_2d: %s\n", dilate_status_string(st));
    return 1;
  }
  for (int y = 0; y < 5; ++y) {
    for (int x = 0; x < 5; ++x) {
      float want = (y % 2 == 0 && x % 2 == 0) ? src[(y / 2) * 3 + x / 2] : 0.0f;
      if (dst[y * 5 + x] != want) {
        fprintf(stderr, "dst[%d][%d] = %g, want %g\n", y, x, dst[y * 5 + x], want);
        return 1;
      }
    }
  }

  /* And back. */
  dilate_desc desc;
  dilate_desc_init(&desc);
  desc.dtype = DILATE_DTYPE_F32;
  desc.rank = 2;
  desc.src_dims[0] = desc.src_dims[1] = 3;
  desc.dilation[0] = desc.dilation[1] = 2;
  st = dilate_contract(&desc, dst, sizeof dst, back, sizeof back, NULL);
  if (st != DILATE_OK || memcmp(back, src, sizeof src) != 0) {
    fprintf(stderr, "dilate_contract: %s\n", dilate_status_string(st));
    return 1;
  }

  const char* names[16];
  uint32_t count = 0;
  if (dilate_list_targets(DILATE_TARGETS_SUPPORTED, names, 16, &count) != DILATE_OK) return 1;
  printf("libdilate %s, target %s, supported:", dilate_version_string(),
         dilate_target_name());
  for (uint32_t i = 0; i < count && i < 16; ++i) printf(" %s", names[i]);
  printf("\nOK\n");
  return 0;
}
