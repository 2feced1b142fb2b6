// Differential fuzzing of dilate_expand: every supported target against
// dilate_ref::Expand, byte-exact; invalid input must return a status the
// model allows and leave every buffer untouched. A dilate_plan of the same
// description must give the same status and the same bytes, and
// dilate_expand_2d of the square 2-D description derived from it the
// status and bytes of that description.
#include <string.h>

#include <memory>

#include "fuzz/fuzz_common.h"

using namespace dilate_fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader r(data, size);
  const dilate_desc desc = ReadDesc(r);
  Ctx().desc = &desc;
  bool has_options;
  const dilate_options options = ReadOptions(r, &has_options);
  const Model dm = ModelDesc(desc);
  if (dm.valid() && !Runnable(dm)) return 0;  // too big for the reference
  const uint64_t need_in = dm.shape_known ? dm.src_bytes : r.U8();
  const uint64_t need_out = dm.shape_known ? dm.dst_bytes : r.U8();
  Buffers bu;
  MakeBuffers(r, need_in, need_out, &bu);
  FillData(bu.a.get(), bu.a_size, r.rest(), r.rest_size(), 0x00);
  FillData(bu.b.get(), bu.b_size, r.rest(), r.rest_size(), 0xA5);
  // Snapshots of everything before the call.
  std::unique_ptr<uint8_t[]> a0(new uint8_t[bu.a_size]), b0(new uint8_t[bu.b_size]);
  memcpy(a0.get(), bu.a.get(), bu.a_size);
  if (bu.b_size) memcpy(b0.get(), bu.b.get(), bu.b_size);

  Model m = dm;
  ModelOptions(has_options ? &options : nullptr, 0, &m);
  ModelBuffers(dm, /*in_is_src=*/true, bu, &m);

  std::unique_ptr<uint8_t[]> expected;  // expected b block (or a, if overlapping: never valid)
  for (const char* target : SupportedTargets()) {
    UseTarget(target);
    memcpy(bu.a.get(), a0.get(), bu.a_size);
    if (bu.b_size) memcpy(bu.b.get(), b0.get(), bu.b_size);
    const dilate_status s = dilate_expand(&desc, bu.in, bu.in_given, bu.out, bu.out_given,
                                          has_options ? &options : nullptr);
    Ctx().status = s;
    Ctx().errors = m.errors;
    // A plan of desc (made on this target) gives the same status and bytes.
    CheckPlanAgrees(desc, bu, a0.get(), b0.get(), s, m, [&](const dilate_plan* plan) {
      return dilate_plan_expand(plan, bu.in, bu.in_given, bu.out, bu.out_given,
                                has_options ? &options : nullptr);
    });
    DILATE_FUZZ_CHECK(bu.overlapping || memcmp(bu.a.get(), a0.get(), bu.a_size) == 0);
    if (!m.valid()) {
      DILATE_FUZZ_CHECK(s != DILATE_OK);
      DILATE_FUZZ_CHECK(m.Allows(s));
      DILATE_FUZZ_CHECK(memcmp(bu.a.get(), a0.get(), bu.a_size) == 0);
      DILATE_FUZZ_CHECK(bu.b_size == 0 || memcmp(bu.b.get(), b0.get(), bu.b_size) == 0);
      continue;
    }
    DILATE_FUZZ_CHECK(s == DILATE_OK);
    // The block holding dst (the shared one when the layout overlaps but
    // one tensor is empty), its snapshot and size.
    uint8_t* ob = bu.overlapping ? bu.a.get() : bu.b.get();
    const uint8_t* ob0 = bu.overlapping ? a0.get() : b0.get();
    const size_t obs = bu.overlapping ? bu.a_size : bu.b_size;
    if (!expected) {
      expected.reset(new uint8_t[obs]);
      if (obs) memcpy(expected.get(), ob0, obs);
      if (RefOk(desc)) {
        RefExpand(desc, bu.in ? a0.get() + (bu.in - bu.a.get()) : nullptr,
                  bu.out ? expected.get() + (bu.out - ob) : nullptr);
      } else {  // the first target is the oracle of the others
        memcpy(expected.get(), ob, obs);
      }
    }
    // dst matches the reference and bytes past dst_bytes are untouched.
    DILATE_FUZZ_CHECK(obs == 0 || memcmp(ob, expected.get(), obs) == 0);
  }
  // dilate_expand_2d of the first axis's extent and dilation (n = outer),
  // whose small case skips the Plan: the status the model gives the
  // description it stands for, nothing written on error, the reference's
  // bytes (and nothing past them) on success, on every target.
  dilate_desc sq;
  dilate_desc_init(&sq);
  sq.dtype = desc.dtype;
  sq.rank = 2;
  sq.outer = desc.outer;
  sq.src_dims[0] = sq.src_dims[1] = desc.src_dims[0];
  sq.dilation[0] = sq.dilation[1] = desc.dilation[0];
  const Model sm = ModelDesc(sq);
  if (sm.valid() && !Runnable(sm)) return 0;
  const size_t sq_in = sm.valid() ? sm.src_bytes : 64, sq_out = sm.valid() ? sm.dst_bytes : 64;
  std::unique_ptr<uint8_t[]> sq_src(new uint8_t[sq_in + 1]), sq_dst(new uint8_t[sq_out + 64]);
  std::unique_ptr<uint8_t[]> sq_want(new uint8_t[sq_out + 64]);
  FillData(sq_src.get(), sq_in + 1, r.rest(), r.rest_size(), 0x3C);
  memset(sq_want.get(), 0xA5, sq_out + 64);
  if (sm.valid() && RefOk(sq)) RefExpand(sq, sq_src.get(), sq_want.get());
  for (const char* target : SupportedTargets()) {
    UseTarget(target);
    memset(sq_dst.get(), 0xA5, sq_out + 64);
    const dilate_status s = dilate_expand_2d(sq.dtype, sq.outer, sq.src_dims[0], sq.dilation[0],
                                             sq_src.get(), sq_dst.get());
    Ctx().status = s;
    Ctx().errors = sm.errors;
    if (!sm.valid()) {
      DILATE_FUZZ_CHECK(s != DILATE_OK && sm.Allows(s));
      DILATE_FUZZ_CHECK(memcmp(sq_dst.get(), sq_want.get(), sq_out + 64) == 0);
      continue;
    }
    DILATE_FUZZ_CHECK(s == DILATE_OK);
    if (RefOk(sq)) DILATE_FUZZ_CHECK(memcmp(sq_dst.get(), sq_want.get(), sq_out + 64) == 0);
  }
  dilate_set_target(nullptr);
  return 0;
}
