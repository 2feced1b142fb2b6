/* The origin thread's case in C: N dense K x K kernels, dilation D, zero
 * holes. Build: cc seed.c -ldilate (or find_package(dilate) / pkg-config). */
#include <stdio.h>
#include <stdlib.h>

#include <dilate/dilate.h>

int main(void) {
  enum { N = 64, K = 7, D = 3, L = K + (K - 1) * (D - 1) }; /* L = 19 */
  float* kernels = malloc(sizeof(float) * N * K * K);
  float* dilated = malloc(sizeof(float) * N * L * L);
  if (kernels == NULL || dilated == NULL) return 1;
  for (int i = 0; i < N * K * K; ++i) kernels[i] = (float)(i % 97) + 1.0f;

  dilate_status s = dilate_expand_2d(DILATE_DTYPE_F32, N, K, D, kernels, dilated);
  if (s != DILATE_OK) {
    fprintf(stderr, "dilate: %s\n", dilate_status_string(s));
    return 1;
  }
  /* Tap (y, x) of kernel n lands at (y*D, x*D); everything else is 0. */
  printf("%s: kernel 5, tap (2,3) = %g at (6,9) = %g; hole (1,1) = %g\n",
         dilate_target_name(), kernels[5 * K * K + 2 * K + 3],
         dilated[5 * L * L + 6 * L + 9], dilated[5 * L * L + 1 * L + 1]);
  free(kernels);
  free(dilated);
  return 0;
}
