// The C entry points: validate everything, then dispatch once per call.
// Nothing here throws or prints; only dilate_plan_create allocates.
#include <string.h>

#include <new>

#include "dilate/dilate.h"
#include "lib/driver.h"
#include "lib/plan.h"
#include "lib/small.h"
#include "lib/targets.h"
#include "lib/walk.h"

namespace dilate {
namespace {

// dilate_expand_2d's plain small case (k and d below these, dst <= 1 KiB).
constexpr uint64_t kSquareMaxK = 32;
constexpr uint64_t kSquareMaxD = 32;

// Whether [a, a + an) and [b, b + bn) share a byte.
bool Overlap(const void* a, uint64_t an, const void* b, uint64_t bn) {
  if (an == 0 || bn == 0) return false;
  const uintptr_t pa = reinterpret_cast<uintptr_t>(a);
  const uintptr_t pb = reinterpret_cast<uintptr_t>(b);
  return pa < pb + bn && pb < pa + an;
}

dilate_status ReadOptions(const dilate_options* options, uint32_t allowed_flags,
                          uint32_t* flags, Threading* threading) {
  *flags = 0;
  *threading = Threading{0, nullptr, nullptr};
  if (options == nullptr) return DILATE_OK;
  if (options->struct_size != sizeof(dilate_options)) return DILATE_ERROR_BAD_STRUCT_SIZE;
  if ((options->flags & ~allowed_flags) != 0 || options->reserved != 0) {
    return DILATE_ERROR_BAD_FLAGS;
  }
  *flags = options->flags;
  *threading = Threading{options->num_threads, options->parallel_for, options->runner_ctx};
  return DILATE_OK;
}

// What expand and contract check of a call, once the description is a
// valid plan (MakePlan checked it): options, buffers, target. `in` is read (in_needed bytes),
// `out` written (out_needed bytes).
dilate_status CheckCall(const Plan& plan, const dilate_options* options, uint32_t allowed_flags,
                        const void* in, size_t in_bytes, bool in_is_src, const void* out,
                        size_t out_bytes, uint32_t* flags, Threading* threading,
                        const Target** target) {
  const dilate_status s = ReadOptions(options, allowed_flags, flags, threading);
  if (s != DILATE_OK) return s;
  const uint64_t in_needed = in_is_src ? plan.src_bytes : plan.dst_bytes;
  const uint64_t out_needed = in_is_src ? plan.dst_bytes : plan.src_bytes;
  if ((in == nullptr && in_needed != 0) || (out == nullptr && out_needed != 0)) {
    return DILATE_ERROR_NULL_POINTER;
  }
  if (in_bytes < in_needed || out_bytes < out_needed) return DILATE_ERROR_BUFFER_TOO_SMALL;
  if (Overlap(in, in_needed, out, out_needed)) return DILATE_ERROR_OVERLAP;
  return ActiveTarget(target);
}

// Which sizes of dilate_expand_2d's case SquareSmallCase takes past the
// entry points' small call (SmallCallValid in lib/small.cc: the expanded
// tensor at most kSmallBytes, which these take too): kExpand and kContract,
// as large as a one-shot call through a Plan takes a loop without tables
// for (expand: up to kSquarePlanesBytes, the target's vector loop where it
// fits, else the scalar loop while SquareExpandPays; contract:
// SquareContractPays, in lib/small.h), checked out of line where the small
// call declined, before a Plan is made (MakePlan and the description were
// ~40% of a 1.6 KB call).
enum class SquareSizes { kExpand, kContract };

// Whether n square k x k kernels of esize-byte elements, one dilation d, are
// dilate_expand_2d's case in kSizes with every argument plainly valid: the
// dense tensor (n k k elements) and the expanded one (n L L) non-null,
// within dense_avail and expanded_avail bytes, apart, and a target active
// (until one is, the general path chooses it, or reports a bad
// DILATE_TARGET). A few compares, inlined so that the callers end in a
// tail jump to the case's loop; anything else takes the general path,
// which reports what is wrong.
template <SquareSizes kSizes>
DILATE_ALWAYS_INLINE bool SquareSmallCase(uint32_t esize, uint64_t n, uint64_t k, uint64_t d,
                                          const void* dense, uint64_t dense_avail,
                                          const void* expanded, uint64_t expanded_avail) {
  if (esize == 0 || k - 1 >= kSquareMaxK || d - 1 >= kSquareMaxD || n - 1 >= kSmallBytes ||
      dense == nullptr || expanded == nullptr) {
    return false;
  }
  const uint64_t l = (k - 1) * d + 1;                 // < 2^10
  const uint64_t expanded_bytes = n * l * l * esize;  // < 2^10 * 2^20 * 8: no overflow
  const uint64_t dense_bytes = n * k * k * esize;
  bool fits = expanded_bytes <= kSmallBytes;
  // (Not where k or d is 1: the general path copies those whole.)
  if constexpr (kSizes == SquareSizes::kExpand) {
    fits =
        fits ||
        (k > 1 && d > 1 && k < kSquareFixedK &&
         (expanded_bytes <= kSquarePlanesBytes || SquareExpandPays(expanded_bytes, n * k * k, k)));
  } else if constexpr (kSizes == SquareSizes::kContract) {
    fits = fits || (k > 1 && d > 1 && SquareContractPays(expanded_bytes, n * k * k));
  }
  return fits && expanded_bytes <= expanded_avail &&
         dense_bytes <= dense_avail && !Overlap(dense, dense_bytes, expanded, expanded_bytes) &&
         g_active.load(std::memory_order_acquire) != nullptr;
}

// dilate_expand_2d's case from src to dst: its loop, else null.
template <SquareSizes kSizes>
DILATE_ALWAYS_INLINE SquareSmallFn SquareSmallLoop(uint32_t esize, uint64_t n, uint64_t k,
                                                   uint64_t d, const void* src, uint64_t src_avail,
                                                   const void* dst, uint64_t dst_avail) {
  if (!SquareSmallCase<kSizes>(esize, n, k, d, src, src_avail, dst, dst_avail)) return nullptr;
  if constexpr (kSizes == SquareSizes::kExpand) {
    // Past kSmallBytes: the target's vector loop where it fits, else the
    // scalar loop while it pays, else none (a Plan).
    const uint64_t l = (k - 1) * d + 1, bytes = n * l * l * esize;
    if (bytes > kSmallBytes) {
      if (const SquareSmallFn planes = SquarePlanesLoop(*g_active.load(std::memory_order_relaxed),
                                                        esize, k, d, bytes, true)) {
        return planes;
      }
      if (!SquareExpandPays(bytes, n * k * k, k)) return nullptr;
    }
  }
  return ExpandSquareSmallFor(esize, k);
}

// Whether desc describes that case (rank 2, n square k x k kernels, one
// dilation, inner 1, no padding, zero fill, no flags), with its n, k, d:
// fields that are then plainly valid but for the sizes SquareSmallCase
// checks.
DILATE_ALWAYS_INLINE bool SquareDesc(const dilate_desc* desc, uint64_t* n, uint64_t* k,
                                     uint64_t* d) {
  if (desc == nullptr || desc->struct_size != sizeof(dilate_desc) || desc->rank != 2 ||
      desc->flags != 0 || desc->inner != 1) {
    return false;
  }
  *n = desc->outer;
  *k = desc->src_dims[0];
  *d = desc->dilation[0];
  uint64_t fill;
  memcpy(&fill, desc->fill, sizeof(fill));
  return desc->src_dims[1] == *k && desc->dilation[1] == *d &&
         (desc->pad_lo[0] | desc->pad_lo[1] | desc->pad_hi[0] | desc->pad_hi[1] |
          static_cast<int64_t>(fill)) == 0;
}

// The loop of dilate_expand_2d's case in kSizes described by desc (no
// options) from src to dst, with its n, k, d; else null.
template <SquareSizes kSizes>
DILATE_ALWAYS_INLINE SquareSmallFn DescExpandLoop(const dilate_desc* desc, const void* src,
                                                  uint64_t src_bytes, const void* dst,
                                                  uint64_t dst_bytes, const dilate_options* options,
                                                  uint64_t* n, uint64_t* k, uint64_t* d) {
  if (options != nullptr || !SquareDesc(desc, n, k, d)) return nullptr;
  return SquareSmallLoop<kSizes>(DtypeSize(desc->dtype), *n, *k, *d, src, src_bytes, dst,
                                 dst_bytes);
}

// The same case contracted (no options, so no verify): its contract loop
// from expanded to dense, with its n, k, d; else null.
template <SquareSizes kSizes>
DILATE_ALWAYS_INLINE SquareSmallFn DescContractLoop(const dilate_desc* desc, const void* expanded,
                                                    uint64_t expanded_bytes, const void* dense,
                                                    uint64_t dense_bytes,
                                                    const dilate_options* options, uint64_t* n,
                                                    uint64_t* k, uint64_t* d) {
  if (options != nullptr || !SquareDesc(desc, n, k, d)) return nullptr;
  const uint32_t esize = DtypeSize(desc->dtype);
  if (!SquareSmallCase<kSizes>(esize, *n, *k, *d, dense, dense_bytes, expanded, expanded_bytes)) {
    return nullptr;
  }
  if constexpr (kSizes == SquareSizes::kContract) {
    // Long rows of taps: the target's tap rows (through a Plan) instead.
    const uint64_t l = (*k - 1) * *d + 1;
    if (TapRowsBeforeSquare(*g_active.load(std::memory_order_relaxed), esize, *k, *d,
                            *n * l * l * esize)) {
      return nullptr;
    }
  }
  return ContractSquareSmallFor(esize, *k);
}

// An expand of a valid plan (a one-shot call's, or a dilate_plan's with its
// prepared tables): the call's checks, then the run.
dilate_status Expand(const Plan& plan, const Prepared* prepared, const void* src,
                     size_t src_bytes, void* dst, size_t dst_bytes,
                     const dilate_options* options) {
  uint32_t flags;
  Threading threading;
  const Target* target;
  const dilate_status s = CheckCall(plan, options, 0, src, src_bytes, true, dst, dst_bytes, &flags,
                                    &threading, &target);
  if (s != DILATE_OK) return s;
  RunExpand(plan, *target, static_cast<const uint8_t*>(src), static_cast<uint8_t*>(dst),
            threading, prepared);
  return DILATE_OK;
}

dilate_status Contract(const Plan& plan, const Prepared* prepared, const void* expanded,
                       size_t expanded_bytes, void* dense, size_t dense_bytes,
                       const dilate_options* options) {
  uint32_t flags;
  Threading threading;
  const Target* target;
  const dilate_status s =
      CheckCall(plan, options, DILATE_FLAG_VERIFY_HOLES, expanded, expanded_bytes, false, dense,
                dense_bytes, &flags, &threading, &target);
  if (s != DILATE_OK) return s;
  const bool verify = (flags & DILATE_FLAG_VERIFY_HOLES) != 0;
  const bool holes_ok =
      RunContract(plan, *target, static_cast<const uint8_t*>(expanded),
                  static_cast<uint8_t*>(dense), verify, threading, prepared);
  return holes_ok ? DILATE_OK : DILATE_ERROR_HOLE_NOT_FILL;
}

// dilate_expand of desc through a Plan made for this call.
dilate_status ExpandByPlan(const dilate_desc* desc, const void* src, size_t src_bytes, void* dst,
                           size_t dst_bytes, const dilate_options* options) {
  Plan plan;
  const dilate_status s = MakePlan(desc, &plan, nullptr);
  if (s != DILATE_OK) return s;
  return Expand(plan, nullptr, src, src_bytes, dst, dst_bytes, options);
}

}  // namespace

// dilate_expand past the small case: dilate_expand_2d's case while its loop
// pays, else through a Plan (out of line: the Plan would otherwise cost the
// small case's frame).
DILATE_NOINLINE dilate_status ExpandGeneral(const dilate_desc* desc, const void* src,
                                            size_t src_bytes, void* dst, size_t dst_bytes,
                                            const dilate_options* options) {
  uint64_t n, k, d;
  if (const SquareSmallFn loop = DescExpandLoop<SquareSizes::kExpand>(
          desc, src, src_bytes, dst, dst_bytes, options, &n, &k, &d)) {
    return loop(n, k, d, static_cast<const uint8_t*>(src), static_cast<uint8_t*>(dst));
  }
  return ExpandByPlan(desc, src, src_bytes, dst, dst_bytes, options);
}

// dilate_contract through a Plan (out of line, as ExpandGeneral).
DILATE_NOINLINE dilate_status ContractGeneral(const dilate_desc* desc, const void* expanded,
                                              size_t expanded_bytes, void* dense,
                                              size_t dense_bytes, const dilate_options* options) {
  uint64_t n, k, d;
  if (const SquareSmallFn loop = DescContractLoop<SquareSizes::kContract>(
          desc, expanded, expanded_bytes, dense, dense_bytes, options, &n, &k, &d)) {
    return loop(n, k, d, static_cast<const uint8_t*>(expanded), static_cast<uint8_t*>(dense));
  }
  Plan plan;
  const dilate_status s = MakePlan(desc, &plan, nullptr);
  if (s != DILATE_OK) return s;
  return Contract(plan, nullptr, expanded, expanded_bytes, dense, dense_bytes, options);
}

// dilate_expand_2d through a description (out of line: its desc would
// otherwise cost the small case's frame).
DILATE_NOINLINE dilate_status Expand2dGeneral(uint32_t dtype, uint64_t n, uint64_t k, uint64_t d,
                                              const void* src, void* dst) {
  if (const SquareSmallFn loop = SquareSmallLoop<SquareSizes::kExpand>(
          DtypeSize(dtype), n, k, d, src, UINT64_MAX, dst, UINT64_MAX)) {
    return loop(n, k, d, static_cast<const uint8_t*>(src), static_cast<uint8_t*>(dst));
  }
  dilate_desc desc;
  dilate_desc_init(&desc);
  desc.dtype = dtype;
  desc.rank = 2;
  desc.outer = n;
  desc.src_dims[0] = desc.src_dims[1] = k;
  desc.dilation[0] = desc.dilation[1] = d;
  // The buffers are as large as the description says: one plan, no second
  // validation through dilate_query_shape (the small call, 211 -> 111 ns);
  // and straight to the Plan, as the case's loop was checked above.
  return ExpandByPlan(&desc, src, SIZE_MAX, dst, SIZE_MAX, nullptr);
}

namespace {

// Marks a live dilate_plan (cleared by dilate_plan_destroy).
constexpr uint64_t kPlanMagic = 0x6e616c7074616c64ull;  // "dlatplan"

}  // namespace
}  // namespace dilate

// The object behind the C API's opaque dilate_plan: never written after
// dilate_plan_create returns it.
struct dilate_plan {
  uint64_t magic;
  dilate::Plan plan;
  dilate_shape shape;           // data fields only (struct_size is the caller's)
  dilate::Prepared prepared;    // tables for prepared.target, pointing below
  dilate::TileState* tiles[2];  // expand, contract: owned, or null
  uint16_t* small_pairs;        // owned, or null
  // A small plan of dilate_expand_2d's case: its loop (ExpandSquareFnFor),
  // else null; and its contract loop (ContractSquareFnFor), else null.
  dilate::SquareSmallFn square;
  dilate::SquareSmallFn contract_square;
  // A plan of that case past kSmallBytes whose expand takes prepared.target's
  // vector loop (SquarePlanesLoop), else null.
  dilate::SquareSmallFn square_planes;
  alignas(64) uint8_t pattern[dilate::kPatternBytes];
};

using dilate::Plan;
using dilate::Target;

extern "C" {

const char* dilate_status_string(dilate_status status) {
  switch (status) {
    case DILATE_OK:
      return "success";
    case DILATE_ERROR_NULL_POINTER:
      return "a required pointer is NULL";
    case DILATE_ERROR_BAD_STRUCT_SIZE:
      return "struct_size is not a size this library knows";
    case DILATE_ERROR_BAD_DTYPE:
      return "unknown dtype";
    case DILATE_ERROR_BAD_RANK:
      return "rank is 0 or above DILATE_MAX_RANK";
    case DILATE_ERROR_BAD_DILATION:
      return "a dilation is 0";
    case DILATE_ERROR_NEGATIVE_EXTENT:
      return "negative padding crops a dimension below zero";
    case DILATE_ERROR_OVERFLOW:
      return "an element count or byte size overflows";
    case DILATE_ERROR_OVERLAP:
      return "input and output buffers overlap";
    case DILATE_ERROR_BUFFER_TOO_SMALL:
      return "a buffer is smaller than the description needs";
    case DILATE_ERROR_BAD_FLAGS:
      return "unknown or inapplicable flag, or a non-zero reserved field";
    case DILATE_ERROR_HOLE_NOT_FILL:
      return "an element that is not a tap differs from the fill value";
    case DILATE_ERROR_UNKNOWN_TARGET:
      return "unknown target name";
    case DILATE_ERROR_UNSUPPORTED_TARGET:
      return "target not supported by this CPU";
    case DILATE_ERROR_BAD_ARGUMENT:
      return "invalid argument";
    case DILATE_ERROR_OUT_OF_MEMORY:
      return "out of memory";
  }
  return "unknown status";
}

uint32_t dilate_dtype_size(uint32_t dtype) { return dilate::DtypeSize(dtype); }

const char* dilate_dtype_name(uint32_t dtype) {
  static const char* const kNames[] = {nullptr, "u8",  "i8",  "u16", "i16", "f16", "bf16",
                                       "u32",   "i32", "f32", "u64", "i64", "f64"};
  return dtype < sizeof(kNames) / sizeof(kNames[0]) ? kNames[dtype] : nullptr;
}

void dilate_desc_init(dilate_desc* desc) {
  if (desc == nullptr) return;
  memset(desc, 0, sizeof(*desc));
  desc->struct_size = sizeof(dilate_desc);
  desc->outer = 1;
  desc->inner = 1;
  for (uint64_t& d : desc->dilation) d = 1;
}

dilate_status dilate_desc_set_fill(dilate_desc* desc, const void* value) {
  if (desc == nullptr || value == nullptr) return DILATE_ERROR_NULL_POINTER;
  if (desc->struct_size != sizeof(dilate_desc)) return DILATE_ERROR_BAD_STRUCT_SIZE;
  const uint32_t size = dilate_dtype_size(desc->dtype);
  if (size == 0) return DILATE_ERROR_BAD_DTYPE;
  memset(desc->fill, 0, sizeof(desc->fill));
  memcpy(desc->fill, value, size);
  return DILATE_OK;
}

dilate_status dilate_query_shape(const dilate_desc* desc, dilate_shape* shape) {
  if (desc == nullptr || shape == nullptr) return DILATE_ERROR_NULL_POINTER;
  if (shape->struct_size != sizeof(dilate_shape)) return DILATE_ERROR_BAD_STRUCT_SIZE;
  dilate_shape result = *shape;
  const dilate_status s = dilate::MakePlan(desc, nullptr, &result);
  if (s == DILATE_OK) *shape = result;
  return s;
}

dilate_status dilate_expand(const dilate_desc* desc, const void* src, size_t src_bytes,
                            void* dst, size_t dst_bytes, const dilate_options* options) {
  // dilate_expand_2d's small case described (n square k x k kernels in
  // OIHW, 1 <= k <= 7, one dilation on both axes, no padding, zero fill, no
  // options, dst <= kSmallBytes): the description recognised here in a few
  // compares of fields that are then plainly valid, and a jump by dtype and
  // k to a function (kSmallDesc, lib/small.cc) that checks the rest with
  // both known at compile time and runs the case's loop without a Plan
  // (K3 D2 f32 N=1 on the Zen 4 EPYC VM: 29.5 -> 8.2 ns; with the jump by
  // dtype and k, on the Zen 5 EPYC VM, 6.3 -> 5.7 ns, same-process A/B
  // 0.86-0.89 of the time). Anything else, every bad argument included,
  // takes the general path, which reports it; statuses and bytes are the
  // same either way (tests/seed_test.cc: SmallSquare*).
  if (const dilate::SmallDescFn fn = dilate::SmallDescFor<false>(desc, options)) {
    return fn(desc, src, src_bytes, dst, dst_bytes);
  }
  return dilate::ExpandGeneral(desc, src, src_bytes, dst, dst_bytes, options);
}

dilate_status dilate_contract(const dilate_desc* desc, const void* expanded,
                              size_t expanded_bytes, void* dense, size_t dense_bytes,
                              const dilate_options* options) {
  // dilate_expand_2d's small case contracted (no options, so no verify):
  // recognised as dilate_expand does, and run by its contract loop without a
  // Plan (K3 D2 f32 N=1 on the Zen 4 EPYC VM: 29.6 -> 7.6 ns; with the jump
  // by dtype and k, same-process A/B on the Zen 5 EPYC VM 0.87 of the
  // time). Anything else, every bad argument included, takes the general
  // path; statuses and bytes are the same either way (tests/seed_test.cc:
  // SmallSquare*).
  if (const dilate::SmallDescFn fn = dilate::SmallDescFor<true>(desc, options)) {
    return fn(desc, expanded, expanded_bytes, dense, dense_bytes);
  }
  return dilate::ContractGeneral(desc, expanded, expanded_bytes, dense, dense_bytes, options);
}

dilate_status dilate_expand_2d(uint32_t dtype, uint64_t n, uint64_t k, uint64_t d,
                               const void* src, void* dst) {
  // The origin's case with a small dst (one 3x3 to 7x7 kernel, a few small
  // ones): a jump by dtype and k (1 <= k <= 7) to a function that checks the
  // rest in a few compares, then fills and stores each tap without a Plan
  // (kExpand2dSmall, lib/small.cc; the small call, K3 D2 f32 N=1: ~35 -> ~9
  // ns; ~6 ns with a loop per kernel size and a tail jump to it, ~4.8 ->
  // ~4.2 ns with the jump by dtype and k, on the Zen 5 EPYC). Everything
  // else, including every bad argument, takes the general path, which
  // reports it; the statuses and bytes are the same either way.
  const uint32_t type = dtype - 1;
  if (type < dilate::kSmallDescTypes && k - 1 < dilate::kSquareFixedK - 1) {
    return dilate::kExpand2dSmall[type][k - 1](dtype, n, k, d, src, dst);
  }
  return dilate::Expand2dGeneral(dtype, n, k, d, src, dst);
}

dilate_status dilate_plan_create(const dilate_desc* desc, uint32_t flags, dilate_plan** plan) {
  if (plan == nullptr) return DILATE_ERROR_NULL_POINTER;
  Plan p;
  dilate_shape shape;
  dilate_status s = dilate::MakePlan(desc, &p, &shape);
  if (s != DILATE_OK) return s;
  if (flags != 0) return DILATE_ERROR_BAD_FLAGS;
  const Target* target;
  s = dilate::ActiveTarget(&target);
  if (s != DILATE_OK) return s;
  dilate_plan* obj = new (std::nothrow) dilate_plan;
  if (obj == nullptr) return DILATE_ERROR_OUT_OF_MEMORY;
  obj->plan = p;
  obj->shape = shape;
  dilate::FillPattern(p, obj->pattern);
  obj->tiles[0] = obj->tiles[1] = nullptr;
  obj->small_pairs = nullptr;
  // A small plan of dilate_expand_2d's case keeps its loops, and so does a
  // larger one while they pay (SquarePlanPays; not copies, k or d 1). Its
  // expand loop also while it pays for a one-shot call (SquareExpandPays)
  // where the plan has fewer kernels than a tile of whole vectors, whose
  // tiles then end in spilled vectors: best of 21 loops in one process
  // against those tiles (AVX3_DL, an Intel Xeon VM), at 7-12 KB: f32 K5
  // D3 with 12 kernels 0.59 of the time, K5 D4 with 7 0.64, K7 D3 with 5
  // 0.74, K7 D4 with 4 0.65; f64 K5 D3 with 6 0.51, K7 D2 with 6 0.63, K7
  // D3 with 3 / 4 0.73 / 0.49, K5 D4 with 5 0.59; u16 K7 D4 / K5 D4 0.70 /
  // 0.76, u8 K7 D4 with 11 0.94.
  const dilate::Axis& last = p.axis[p.rank - 1];  // (axes past p.rank are unset)
  const bool real = last.src_dim > 1 && last.dilation > 1;
  const uint64_t taps = p.src_bytes / p.elem_size;
  const bool loops =
      p.dst_bytes <= dilate::kSmallBytes || (real && dilate::SquarePlanPays(p.dst_bytes, taps));
  const bool expand_loop =
      loops || (real && dilate::SquareExpandPays(p.dst_bytes, taps, last.src_dim) &&
                dilate::FewerKernelsThanTile(p, *target));
  obj->square = expand_loop ? dilate::ExpandSquareFnFor(p) : nullptr;
  obj->square_planes = nullptr;
  if (p.dst_bytes > dilate::kSmallBytes && p.dst_bytes <= dilate::kSquarePlanPlanesBytes &&
      p.outer <= dilate::kSquarePlanPlanesKernels && dilate::ExpandSquareFnFor(p) != nullptr &&
      !dilate::PlanKeepsTables(*target, p.elem_size, p.axis[1].src_dim)) {
    obj->square_planes = dilate::SquarePlanesLoop(*target, p.elem_size, p.axis[1].src_dim,
                                                  p.axis[1].dilation, p.dst_bytes, false);
    if (obj->square_planes != nullptr) obj->square = nullptr;
  }
  obj->contract_square = loops ? dilate::ContractSquareFnFor(p) : nullptr;
  uint32_t small_taps = 0;
  // (Not for a small dst cropped out of a large src: 16-bit indices.)
  if (dilate::TakesTapList(p)) {
    obj->small_pairs = new (std::nothrow) uint16_t[2 * dilate::kSmallBytes];
    if (obj->small_pairs == nullptr) {
      dilate_plan_destroy(obj);
      return DILATE_ERROR_OUT_OF_MEMORY;
    }
    small_taps = dilate::ListSmallTaps(p, obj->small_pairs);
  }
  const dilate::TileSide sides[2] = {dilate::TileSide::kExpand, dilate::TileSide::kContract};
  for (int i = 0; i < 2; ++i) {
    if (!dilate::TakesTiles(p, *target, sides[i])) continue;
    dilate::TileState* ts = new (std::nothrow) dilate::TileState;
    if (ts == nullptr) {
      dilate_plan_destroy(obj);
      return DILATE_ERROR_OUT_OF_MEMORY;
    }
    if (dilate::PrepareTiles(p, *target, sides[i], obj->pattern, ts)) {
      obj->tiles[i] = ts;
    } else {
      delete ts;  // the tables do not fit: row mode
    }
  }
  obj->prepared =
      dilate::Prepared{target, obj->tiles[0], obj->tiles[1], obj->small_pairs, small_taps};
  obj->magic = dilate::kPlanMagic;
  *plan = obj;
  return DILATE_OK;
}

void dilate_plan_destroy(dilate_plan* plan) {
  if (plan == nullptr) return;
  plan->magic = 0;
  delete plan->tiles[0];
  delete plan->tiles[1];
  delete[] plan->small_pairs;
  delete plan;
}

dilate_status dilate_plan_expand(const dilate_plan* plan, const void* src, size_t src_bytes,
                                 void* dst, size_t dst_bytes, const dilate_options* options) {
  if (plan == nullptr) return DILATE_ERROR_NULL_POINTER;
  if (plan->magic != dilate::kPlanMagic) return DILATE_ERROR_BAD_ARGUMENT;
  // A small plan of dilate_expand_2d's case, called without options and
  // with valid buffers, goes straight to its loop (K3 D2 f32 N=1 on the Zen 4
  // EPYC VM: 10.9 -> 6.0-6.4 ns); the rest, every bad argument included, takes
  // Expand's checks. (The plan was made with a target active: no choice to
  // make, and the loop is the same on every target.)
  if (plan->square != nullptr && options == nullptr && src != nullptr && dst != nullptr &&
      src_bytes >= plan->plan.src_bytes && dst_bytes >= plan->plan.dst_bytes &&
      !dilate::Overlap(src, plan->plan.src_bytes, dst, plan->plan.dst_bytes)) {
    const Plan& p = plan->plan;
    return plan->square(p.outer, p.axis[1].src_dim, p.axis[1].dilation,
                        static_cast<const uint8_t*>(src), static_cast<uint8_t*>(dst));
  }
  // Its vector loop, on the target the plan was made for while that is
  // the one active.
  if (plan->square_planes != nullptr && options == nullptr && src != nullptr && dst != nullptr &&
      src_bytes >= plan->plan.src_bytes && dst_bytes >= plan->plan.dst_bytes &&
      !dilate::Overlap(src, plan->plan.src_bytes, dst, plan->plan.dst_bytes) &&
      dilate::g_active.load(std::memory_order_relaxed) == plan->prepared.target) {
    const Plan& p = plan->plan;
    return plan->square_planes(p.outer, p.axis[1].src_dim, p.axis[1].dilation,
                               static_cast<const uint8_t*>(src), static_cast<uint8_t*>(dst));
  }
  return dilate::Expand(plan->plan, &plan->prepared, src, src_bytes, dst, dst_bytes, options);
}

dilate_status dilate_plan_contract(const dilate_plan* plan, const void* expanded,
                                   size_t expanded_bytes, void* dense, size_t dense_bytes,
                                   const dilate_options* options) {
  if (plan == nullptr) return DILATE_ERROR_NULL_POINTER;
  if (plan->magic != dilate::kPlanMagic) return DILATE_ERROR_BAD_ARGUMENT;
  // As dilate_plan_expand: a small plan of dilate_expand_2d's case, called
  // without options (so without verify) and with valid buffers, goes
  // straight to its contract loop (K3 D2 f32 N=1: 11.9 -> 5.3 ns).
  const Plan& p = plan->plan;
  if (plan->contract_square != nullptr && options == nullptr && expanded != nullptr &&
      dense != nullptr && expanded_bytes >= p.dst_bytes && dense_bytes >= p.src_bytes &&
      !dilate::Overlap(expanded, p.dst_bytes, dense, p.src_bytes)) {
    return plan->contract_square(p.outer, p.axis[1].src_dim, p.axis[1].dilation,
                                 static_cast<const uint8_t*>(expanded),
                                 static_cast<uint8_t*>(dense));
  }
  return dilate::Contract(p, &plan->prepared, expanded, expanded_bytes, dense, dense_bytes,
                          options);
}

dilate_status dilate_plan_shape(const dilate_plan* plan, dilate_shape* shape) {
  if (plan == nullptr || shape == nullptr) return DILATE_ERROR_NULL_POINTER;
  if (plan->magic != dilate::kPlanMagic) return DILATE_ERROR_BAD_ARGUMENT;
  if (shape->struct_size != sizeof(dilate_shape)) return DILATE_ERROR_BAD_STRUCT_SIZE;
  const uint32_t size = shape->struct_size;
  *shape = plan->shape;
  shape->struct_size = size;
  return DILATE_OK;
}

dilate_status dilate_list_targets(uint32_t which, const char** names, uint32_t capacity,
                                  uint32_t* count) {
  if (count == nullptr || (names == nullptr && capacity != 0)) return DILATE_ERROR_NULL_POINTER;
  if (which != DILATE_TARGETS_COMPILED && which != DILATE_TARGETS_SUPPORTED) {
    return DILATE_ERROR_BAD_ARGUMENT;
  }
  const dilate::TargetList& list = dilate::CompiledTargets();
  uint32_t n = 0;
  for (size_t i = 0; i < list.size; ++i) {
    if (which == DILATE_TARGETS_SUPPORTED && !list.targets[i].supported) continue;
    if (n < capacity) names[n] = list.targets[i].name;
    ++n;
  }
  *count = n;
  return DILATE_OK;
}

dilate_status dilate_set_target(const char* name) { return dilate::ForceTarget(name); }

const char* dilate_target_name(void) {
  const Target* target;
  return dilate::ActiveTarget(&target) == DILATE_OK ? target->name : nullptr;
}

uint32_t dilate_version_number(void) { return DILATE_VERSION_NUMBER; }

const char* dilate_version_string(void) { return DILATE_VERSION_STRING; }

}  // extern "C"
