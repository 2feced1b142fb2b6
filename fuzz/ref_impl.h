// dilate_ref (lib/reference.h) behind plain functions; see ref_impl.cc.
#ifndef DILATE_FUZZ_REF_IMPL_H_
#define DILATE_FUZZ_REF_IMPL_H_

#include <stddef.h>
#include <stdint.h>

#include "dilate/dilate.h"

namespace dilate_fuzz {
void RefExpand(const dilate_desc& desc, const void* src, void* dst);
bool RefContract(const dilate_desc& desc, const void* expanded, void* dense, size_t dense_bytes);
int64_t RefDstDim(const dilate_desc& desc, uint32_t axis);
}  // namespace dilate_fuzz

#endif  // DILATE_FUZZ_REF_IMPL_H_
