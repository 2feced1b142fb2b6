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

// The target operations use now, or the DILATE_TARGET error.
dilate_status ActiveTarget(const Target** target);

// Set once a target is active (DILATE_TARGET read and valid, or
// dilate_set_target called); ActiveTarget's one load, inlined where a call
// costs more than the work (dilate_expand_2d's small case).
extern std::atomic<const Target*> g_active;
inline dilate_status ActiveTargetInline(const Target** target) {
  const Target* active = g_active.load(std::memory_order_acquire);
  if (active == nullptr) return ActiveTarget(target);
  *target = active;
  return DILATE_OK;
}

// dilate_set_target.
dilate_status ForceTarget(const char* name);

}  // namespace dilate

#endif  // DILATE_LIB_TARGETS_H_
