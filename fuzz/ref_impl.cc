// The reference, compiled without coverage instrumentation (it is the
// oracle, not the code under test, and instrumented it dominates the run).
#include "fuzz/ref_impl.h"

#include "lib/reference.h"

namespace dilate_fuzz {

void RefExpand(const dilate_desc& desc, const void* src, void* dst) {
  dilate_ref::Expand(desc, src, dst);
}

bool RefContract(const dilate_desc& desc, const void* expanded, void* dense, size_t dense_bytes) {
  return dilate_ref::Contract(desc, expanded, dense, dense_bytes);
}

int64_t RefDstDim(const dilate_desc& desc, uint32_t axis) { return dilate_ref::DstDim(desc, axis); }

}  // namespace dilate_fuzz
