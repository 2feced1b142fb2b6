// Differential fuzzing of dilate_contract, without and with
// DILATE_FLAG_VERIFY_HOLES: every supported target against
// dilate_ref::Contract (dense bytes and the holes verdict), byte-exact;
// invalid input must return a status the model allows and leave every
// buffer untouched. A dilate_plan of the same description must agree.
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
  const uint8_t how = r.U8();  // how the expanded input is made
  const Model dm = ModelDesc(desc);
  if (dm.valid() && !Runnable(dm)) return 0;
  const uint64_t need_in = dm.shape_known ? dm.dst_bytes : r.U8();
  const uint64_t need_out = dm.shape_known ? dm.src_bytes : r.U8();
  Buffers bu;
  MakeBuffers(r, need_in, need_out, &bu);
  FillData(bu.a.get(), bu.a_size, r.rest(), r.rest_size(), 0x00);
  FillData(bu.b.get(), bu.b_size, r.rest(), r.rest_size(), 0x5A);
  if (how % 4 != 0 && Runnable(dm) && RefOk(desc) && bu.in != nullptr && bu.in_given >= dm.dst_bytes &&
      !bu.overlapping) {
    // A real expanded tensor (holes are fill), sometimes with one byte changed.
    std::unique_ptr<uint8_t[]> dense(new uint8_t[dm.src_bytes + 1]);
    FillData(dense.get(), dm.src_bytes, r.rest(), r.rest_size(), 0x33);
    RefExpand(desc, dense.get(), bu.in);
    if (how % 4 == 3 && dm.dst_bytes != 0) bu.in[(how * 7919u + r.rest_size()) % dm.dst_bytes] ^= 1u << (how % 8);
  }
  std::unique_ptr<uint8_t[]> a0(new uint8_t[bu.a_size]), b0(new uint8_t[bu.b_size]);
  memcpy(a0.get(), bu.a.get(), bu.a_size);
  if (bu.b_size) memcpy(b0.get(), bu.b.get(), bu.b_size);

  dilate_options verify = options;
  if (!has_options) {
    memset(&verify, 0, sizeof(verify));
    verify.struct_size = sizeof(verify);
  }
  verify.flags |= DILATE_FLAG_VERIFY_HOLES;

  std::unique_ptr<uint8_t[]> expected;
  bool holes_ok = true;
  bool expected_unverified = false;  // no reference: verdict not yet known
  for (int pass = 0; pass < 2; ++pass) {
    const dilate_options* opt = pass == 0 ? (has_options ? &options : nullptr) : &verify;
    Model m = dm;
    ModelOptions(opt, DILATE_FLAG_VERIFY_HOLES, &m);
    ModelBuffers(dm, /*in_is_src=*/false, bu, &m);
    const bool verifying = opt != nullptr && (opt->flags & DILATE_FLAG_VERIFY_HOLES) != 0;
    for (const char* target : SupportedTargets()) {
      UseTarget(target);
      memcpy(bu.a.get(), a0.get(), bu.a_size);
      if (bu.b_size) memcpy(bu.b.get(), b0.get(), bu.b_size);
      const dilate_status s =
          dilate_contract(&desc, bu.in, bu.in_given, bu.out, bu.out_given, opt);
      Ctx().status = s;
      Ctx().errors = m.errors;
      CheckPlanAgrees(desc, bu, a0.get(), b0.get(), s, m, [&](const dilate_plan* plan) {
        return dilate_plan_contract(plan, bu.in, bu.in_given, bu.out, bu.out_given, opt);
      });
      if (!m.valid()) {
        DILATE_FUZZ_CHECK(s != DILATE_OK);
        DILATE_FUZZ_CHECK(m.Allows(s));
        DILATE_FUZZ_CHECK(memcmp(bu.a.get(), a0.get(), bu.a_size) == 0);
        DILATE_FUZZ_CHECK(bu.b_size == 0 || memcmp(bu.b.get(), b0.get(), bu.b_size) == 0);
        continue;
      }
      uint8_t* ob = bu.overlapping ? bu.a.get() : bu.b.get();
      const uint8_t* ob0 = bu.overlapping ? a0.get() : b0.get();
      const size_t obs = bu.overlapping ? bu.a_size : bu.b_size;
      if (!expected) {
        expected.reset(new uint8_t[obs]);
        if (obs) memcpy(expected.get(), ob0, obs);
        if (RefOk(desc)) {
          holes_ok = RefContract(desc, bu.in ? a0.get() + (bu.in - bu.a.get()) : nullptr,
                                 bu.out ? expected.get() + (bu.out - ob) : nullptr, dm.src_bytes);
        } else {  // the first target (and its verdict) is the oracle of the others
          memcpy(expected.get(), ob, obs);
          holes_ok = !(verifying && s == DILATE_ERROR_HOLE_NOT_FILL);
          if (!verifying) expected_unverified = true;
        }
      } else if (expected_unverified && verifying) {
        // Learn the verdict from the first verifying run.
        holes_ok = s != DILATE_ERROR_HOLE_NOT_FILL;
        expected_unverified = false;
      }
      DILATE_FUZZ_CHECK(s == ((verifying && !holes_ok) ? DILATE_ERROR_HOLE_NOT_FILL : DILATE_OK));
      DILATE_FUZZ_CHECK(bu.overlapping || memcmp(bu.a.get(), a0.get(), bu.a_size) == 0);
      DILATE_FUZZ_CHECK(obs == 0 || memcmp(ob, expected.get(), obs) == 0);
    }
  }
  dilate_set_target(nullptr);
  return 0;
}
