// The installed C++ convenience header, against the static library.
#include <dilate/dilate.hpp>

#include <cstdio>
#include <vector>

int main() {
  std::vector<float> src(2 * 3 * 3);
  for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<float>(i + 1);
  std::vector<float> dst, back;
  const dilate::Desc desc = dilate::Desc::Of<float>({3, 3}).Outer(2).Dilation(2);
  if (dilate::Expand(desc, src, dst) != DILATE_OK || dst.size() != 2 * 5 * 5) return 1;
  if (dilate::Contract(desc, dst, back) != DILATE_OK || back != src) return 1;
  std::printf("C++ header OK\n");
  return 0;
}
