// Compile-only: the public header is clean C++17 (-Werror -Wall -Wextra).
#include "dilate/dilate.h"

#include <type_traits>

static_assert(std::is_standard_layout<dilate_desc>::value, "dilate_desc must be C layout");
static_assert(sizeof(dilate_desc) == 4 * 4 + 2 * 8 + 4 * 8 * DILATE_MAX_RANK + 8,
              "dilate_desc has no padding");
int dilate_header_check_cxx() { return static_cast<int>(sizeof(dilate_shape)); }
