// Fuzzing of dilate_query_shape against an independent __int128 model of
// the shape formula with overflow detection, plus the small pure helpers.
#include <string.h>

#include "fuzz/fuzz_common.h"

using namespace dilate_fuzz;

extern "C" const char* dilate_fuzz_status_string(uint32_t value);  // status_string_c.c

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader r(data, size);
  const dilate_desc desc = ReadDesc(r);
  Ctx().desc = &desc;
  const uint8_t sel = r.U8();
  Model m = ModelDesc(desc);

  dilate_shape shape;
  memset(&shape, 0xC3, sizeof(shape));
  shape.struct_size = sizeof(shape);
  if (sel % 32 == 1) shape.struct_size = r.U8();
  if (sel % 32 == 2) shape.struct_size = sizeof(shape) + 8;
  const bool null_desc = sel % 64 == 3, null_shape = sel % 64 == 4;

  Model q = m;
  if (null_desc || null_shape) q.Add(DILATE_ERROR_NULL_POINTER);
  if (shape.struct_size != sizeof(shape)) q.Add(DILATE_ERROR_BAD_STRUCT_SIZE);

  const dilate_shape before = shape;
  const dilate_status s =
      dilate_query_shape(null_desc ? nullptr : &desc, null_shape ? nullptr : &shape);
  Ctx().status = s;
  Ctx().errors = q.errors;
  if (!q.valid()) {
    DILATE_FUZZ_CHECK(s != DILATE_OK);
    DILATE_FUZZ_CHECK(q.Allows(s));
    DILATE_FUZZ_CHECK(memcmp(&shape, &before, sizeof(shape)) == 0);
  } else {
    DILATE_FUZZ_CHECK(s == DILATE_OK);
    DILATE_FUZZ_CHECK(m.shape_known);
    DILATE_FUZZ_CHECK(shape.struct_size == sizeof(shape));
    DILATE_FUZZ_CHECK(shape.rank == desc.rank);
    DILATE_FUZZ_CHECK(shape.elem_size == m.elem);
    DILATE_FUZZ_CHECK(shape.reserved == 0);
    for (uint32_t i = 0; i < DILATE_MAX_RANK; ++i) {
      DILATE_FUZZ_CHECK(shape.dst_dims[i] == (i < desc.rank ? m.dst_dims[i] : 0));
      if (i < desc.rank && RefOk(desc)) {
        DILATE_FUZZ_CHECK(static_cast<int64_t>(shape.dst_dims[i]) == RefDstDim(desc, i));
      }
    }
    DILATE_FUZZ_CHECK(shape.src_elems == m.src_elems);
    DILATE_FUZZ_CHECK(shape.dst_elems == m.dst_elems);
    DILATE_FUZZ_CHECK(shape.src_bytes == m.src_bytes);
    DILATE_FUZZ_CHECK(shape.dst_bytes == m.dst_bytes);
  }

  // The pure helpers agree with the model.
  DILATE_FUZZ_CHECK(dilate_dtype_size(desc.dtype) == m.elem);
  DILATE_FUZZ_CHECK((dilate_dtype_name(desc.dtype) != nullptr) == (m.elem != 0));
  DILATE_FUZZ_CHECK(dilate_status_string(static_cast<dilate_status>(s)) != nullptr);
  // Any value, as a C caller may pass (values outside 0..15 were undefined
  // behaviour in C++ before the enums got a fixed underlying type; the
  // corpus keeps regression-status-string-enum for it).
  DILATE_FUZZ_CHECK(dilate_fuzz_status_string(desc.dtype) != nullptr);
  return 0;
}
