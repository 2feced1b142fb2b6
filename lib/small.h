// Tensors of at most a kilobyte or so: a scalar walk with no tables and no
// vector setup, so a single small call (one 3x3 kernel) costs little more
// than the loop a caller would have written inline.
#ifndef DILATE_LIB_SMALL_H_
#define DILATE_LIB_SMALL_H_

#include <stdint.h>

#include "lib/plan.h"

namespace dilate {

void ExpandSmall(const Plan& p, const uint8_t* src, uint8_t* dst);

// Returns whether every non-tap element is fill (true without verify).
bool ContractSmall(const Plan& p, const uint8_t* expanded, uint8_t* dense, bool verify);

}  // namespace dilate

#endif  // DILATE_LIB_SMALL_H_
