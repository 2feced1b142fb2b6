// The C++ header with the weight layouts of the description: HWIO weights
// (inner = I*O) with per-axis dilation, a quantised OIHW tensor whose holes
// are its zero-point, expanded and contracted back, and a plan reused for
// many small kernels of one shape.
#include <stdio.h>

#include <vector>

#include "dilate/dilate.hpp"

int main() {
  // HWIO: 3x3 kernel, 16 input and 32 output channels moved together.
  const uint64_t kh = 3, kw = 3, ci = 16, co = 32;
  std::vector<float> hwio(kh * kw * ci * co, 1.0f), out;
  dilate::Desc hwio_desc = dilate::Desc::Of<float>({kh, kw}).Inner(ci * co).Dilation({2, 4});
  dilate_status s = dilate::Expand(hwio_desc, hwio, out);
  if (s != DILATE_OK) return fprintf(stderr, "%s\n", dilate_status_string(s)), 1;
  printf("HWIO 3x3x16x32, dilation (2,4) -> %zu elements (5x9x16x32 = %d)\n", out.size(),
         5 * 9 * 16 * 32);

  // OIHW int8 with zero-point 3 as the fill, one pixel of padding each side.
  const uint8_t zero_point = 3;
  std::vector<uint8_t> q(8 * 4 * 5 * 5, 7), expanded, back;
  dilate::Desc q_desc = dilate::Desc::Of<uint8_t>({5, 5})
                            .Outer(8 * 4)
                            .Dilation(2)
                            .Pad(0, 1, 1)
                            .Pad(1, 1, 1)
                            .Fill(zero_point);
  s = dilate::Expand(q_desc, q, expanded);
  if (s != DILATE_OK) return fprintf(stderr, "%s\n", dilate_status_string(s)), 1;
  dilate_options verify = {sizeof(dilate_options), DILATE_FLAG_VERIFY_HOLES, 0, 0, nullptr,
                           nullptr};
  s = dilate::Contract(q_desc, expanded, back, &verify);
  if (s != DILATE_OK) return fprintf(stderr, "%s\n", dilate_status_string(s)), 1;
  printf("OIHW u8 5x5 -> 11x11 with zero-point fill; round trip %s\n",
         back == q ? "exact" : "BROKEN");
  if (back != q) return 1;

  // Many 3x3 kernels, one call each: a plan validates and prepares once.
  const dilate::Plan plan(dilate::Desc::Of<float>({3, 3}).Dilation(2));
  if (!plan) return fprintf(stderr, "%s\n", dilate_status_string(plan.status())), 1;
  float kernel[9], dilated[25];
  for (int n = 0; n < 1000; ++n) {
    for (int i = 0; i < 9; ++i) kernel[i] = static_cast<float>(n + i);
    s = plan.Expand(kernel, sizeof kernel, dilated, sizeof dilated);
    if (s != DILATE_OK) return fprintf(stderr, "%s\n", dilate_status_string(s)), 1;
  }
  printf("plan: 1000 kernels 3x3 -> 5x5, last centre %.0f (want %d)\n", dilated[12], 999 + 4);
  return dilated[12] == 999.0f + 4.0f ? 0 : 1;
}
