// Walks a planned tensor and drives one target's kernels over it, serially
// or split into chunks for a runner or short-lived threads.
#ifndef DILATE_LIB_DRIVER_H_
#define DILATE_LIB_DRIVER_H_

#include <stdint.h>

#include "dilate/dilate.h"
#include "lib/plan.h"
#include "lib/targets.h"

namespace dilate {

struct Threading {
  uint32_t num_threads;                 // dilate_options.num_threads
  dilate_parallel_for_fn parallel_for;  // may be null
  void* runner_ctx;
};

// dst = expand(src). Inputs are validated.
void RunExpand(const Plan& plan, const Target& target, const uint8_t* src, uint8_t* dst,
               const Threading& threading);

// dense = contract(expanded); with verify, returns whether every non-tap
// element is fill (always true without verify).
bool RunContract(const Plan& plan, const Target& target, const uint8_t* expanded,
                 uint8_t* dense, bool verify, const Threading& threading);

}  // namespace dilate

#endif  // DILATE_LIB_DRIVER_H_
