// The targets this build compiled, which of them the CPU runs, and the one
// calls use now (DILATE_TARGET, dilate_set_target).
#ifndef DILATE_LIB_TARGETS_H_
#define DILATE_LIB_TARGETS_H_

#include <stddef.h>
#include <stdint.h>

#include <atomic>

#include "dilate/dilate.h"
#include "lib/kernels.h"

namespace dilate {

struct Target {
  int64_t bit;           // HWY_* target bit
  const char* name;      // Highway's name, e.g. "AVX3"
  bool supported;        // this CPU runs it
  const ExpandKernels* expand;
  const ContractKernels* contract;
};

// Compiled targets, best first.
struct TargetList {
  Target targets[24];
  size_t size;
};
const TargetList& CompiledTargets();

// Set once a target is active (DILATE_TARGET read and valid, or
// dilate_set_target called); null until then.
extern std::atomic<const Target*> g_active;

// ActiveTarget's first use: reads DILATE_TARGET (or its error).
dilate_status ChooseActiveTarget(const Target** target);

// The target operations use now, or the DILATE_TARGET error. Inline: after
// the first call it is one atomic load.
inline dilate_status ActiveTarget(const Target** target) {
  const Target* active = g_active.load(std::memory_order_acquire);
  if (active == nullptr) return ChooseActiveTarget(target);
  *target = active;
  return DILATE_OK;
}

// dilate_set_target.
dilate_status ForceTarget(const char* name);

}  // namespace dilate

#endif  // DILATE_LIB_TARGETS_H_
