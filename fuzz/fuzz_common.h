// Shared pieces of the libFuzzer harnesses: a byte reader, the decoder of a
// (possibly invalid) dilate_desc, buffers and options, and an independent
// model of which statuses the library may return for them.
//
// The model is written from include/dilate/dilate.h alone, with __int128
// arithmetic, and returns the *set* of statuses that apply to an input (the
// header does not rank errors against each other): a valid input must give
// DILATE_OK, an invalid one a status from the set, never OK.
#ifndef DILATE_FUZZ_FUZZ_COMMON_H_
#define DILATE_FUZZ_FUZZ_COMMON_H_

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memory>
#include <vector>

#include "dilate/dilate.h"
#include "fuzz/ref_impl.h"

namespace dilate_fuzz {

using u128 = unsigned __int128;
using i128 = __int128;

// Largest tensor the harnesses actually run (bytes, either side). Bigger
// valid descriptions are still checked with too-small buffers.
constexpr uint64_t kMaxRunBytes = 512u << 10;
// The reference walks every element; keep an execution fast.
constexpr uint64_t kMaxRunElems = 1u << 15;

// What the harness is looking at, printed on failure.
struct Context {
  const dilate_desc* desc = nullptr;
  int status = -1;
  uint64_t errors = 0;  // the model's allowed set
};
inline Context& Ctx() {
  static Context c;
  return c;
}

inline void PrintDesc(const dilate_desc& d) {
  fprintf(stderr, "desc: struct_size=%u dtype=%u rank=%u flags=%u outer=%llu inner=%llu\n",
          d.struct_size, d.dtype, d.rank, d.flags, (unsigned long long)d.outer,
          (unsigned long long)d.inner);
  for (uint32_t i = 0; i < DILATE_MAX_RANK && i < d.rank; ++i) {
    fprintf(stderr, "  axis %u: src=%llu dilation=%llu lo=%lld hi=%lld\n", i,
            (unsigned long long)d.src_dims[i], (unsigned long long)d.dilation[i],
            (long long)d.pad_lo[i], (long long)d.pad_hi[i]);
  }
  fprintf(stderr, "  fill:");
  for (int i = 0; i < 8; ++i) fprintf(stderr, " %02x", d.fill[i]);
  fprintf(stderr, "\n");
}

[[noreturn]] inline void Fail(const char* what) {
  fprintf(stderr, "dilate fuzz: MISMATCH: %s (target %s)\n", what,
          dilate_target_name() ? dilate_target_name() : "(null)");
  if (Ctx().desc) PrintDesc(*Ctx().desc);
  fprintf(stderr, "status=%d model-allowed-set=0x%llx\n", Ctx().status,
          (unsigned long long)Ctx().errors);
  fflush(stderr);
  __builtin_trap();
}
#define DILATE_FUZZ_CHECK(cond)           \
  do {                                    \
    if (!(cond)) ::dilate_fuzz::Fail(#cond); \
  } while (0)

// DILATE_FUZZ_KNOWN_BUGS=tolerate: accept the library bugs listed in
// fuzz/known-bugs/README.md (none open at the moment), so a fuzz run looks
// for new ones. Unset (strict), the reproducers in fuzz/known-bugs/ fail
// until they are fixed. Guard each tolerance with `if (TolerateKnownBugs())`.
inline bool TolerateKnownBugs() {
  static const bool t = [] {
    const char* v = getenv("DILATE_FUZZ_KNOWN_BUGS");
    return v != nullptr && strcmp(v, "tolerate") == 0;
  }();
  return t;
}

// Reads the fuzzer input front to back; zeros once exhausted.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : p_(data), n_(size) {}
  uint8_t U8() { return n_ ? (--n_, *p_++) : 0; }
  uint64_t Bytes(size_t k) {
    uint64_t v = 0;
    for (size_t i = 0; i < k; ++i) v |= uint64_t{U8()} << (8 * i);
    return v;
  }
  const uint8_t* rest() const { return p_; }
  size_t rest_size() const { return n_; }

 private:
  const uint8_t* p_;
  size_t n_;
};

// An unsigned extent: mostly small, sometimes large, sometimes extreme.
inline uint64_t ReadExtent(Reader& r, uint64_t small_max) {
  const uint8_t sel = r.U8();
  if (sel < 200) return sel % (small_max + 1);
  if (sel < 225) return r.Bytes(2) % 300;
  switch (sel % 8) {
    case 0: return UINT64_MAX;
    case 1: return uint64_t{1} << (r.U8() % 64);
    case 2: return (uint64_t{1} << 32) + r.U8();
    case 3: return (uint64_t{1} << 62) - 1 + (r.U8() % 3);
    default: return r.Bytes(8);
  }
}

// A padding: mostly small (incl. negative), sometimes extreme.
inline int64_t ReadPad(Reader& r) {
  const uint8_t sel = r.U8();
  if (sel < 160) return static_cast<int64_t>(sel % 17) - 8;
  if (sel < 200) return static_cast<int64_t>(r.U8()) - 128;
  switch (sel % 8) {
    case 0: return INT64_MIN;
    case 1: return INT64_MAX;
    case 2: return INT64_MIN + 1;
    case 3: return -(int64_t{1} << 62);
    case 4: return int64_t{1} << 62;
    default: return static_cast<int64_t>(r.Bytes(8));
  }
}

inline dilate_desc ReadDesc(Reader& r) {
  dilate_desc d;
  dilate_desc_init(&d);
  const uint8_t ctl = r.U8();  // rare corruptions
  d.struct_size = (ctl % 64 == 1) ? static_cast<uint32_t>(r.Bytes(1)) : sizeof(dilate_desc);
  d.flags = (ctl % 64 == 2) ? static_cast<uint32_t>(r.Bytes(4)) | 1u : 0;
  const uint8_t t = r.U8();
  if (t < 240) {
    d.dtype = 1 + t % 12;
  } else {
    static const uint32_t kBad[] = {0, 13, 14, 255, 256, 0x80000001u, UINT32_MAX, 100};
    d.dtype = kBad[t % 8];
  }
  const uint8_t rk = r.U8();
  d.rank = rk < 235 ? 1 + rk % 4 : (rk < 250 ? 5 + rk % 4 : rk % 10);  // 0..9
  const uint32_t axes = d.rank < DILATE_MAX_RANK ? d.rank : DILATE_MAX_RANK;
  const uint64_t small_dim = axes <= 2 ? 24 : (axes <= 4 ? 6 : 2);
  for (uint32_t i = 0; i < axes; ++i) {
    d.src_dims[i] = ReadExtent(r, small_dim);
    const uint8_t ds = r.U8();
    d.dilation[i] = ds < 8 ? 0 : (ds < 220 ? 1 + ds % 9 : ReadExtent(r, 70));
    d.pad_lo[i] = ReadPad(r);
    d.pad_hi[i] = ReadPad(r);
  }
  // Unused axes carry garbage sometimes: it must be ignored.
  if (ctl % 16 == 3) {
    for (uint32_t i = axes; i < DILATE_MAX_RANK; ++i) {
      d.src_dims[i] = UINT64_MAX;
      d.dilation[i] = 0;
      d.pad_lo[i] = INT64_MIN;
    }
  }
  d.outer = ReadExtent(r, 3);
  d.inner = ReadExtent(r, 70);
  for (int i = 0; i < 8; ++i) d.fill[i] = r.U8() & (i < 2 ? 0xFF : 0x00);
  if (ctl % 64 == 4) d.fill[7] = 0x5A;  // a non-zero byte past a small element
  if (ctl % 8 == 5) {                    // whole-element random fill
    for (int i = 0; i < 8; ++i) d.fill[i] = static_cast<uint8_t>(r.U8());
    const uint32_t e = dilate_dtype_size(d.dtype);
    if (e != 0) memset(d.fill + e, 0, 8 - e);
  }
  return d;
}

// What the model knows about a description.
struct Model {
  uint64_t errors = 0;  // bit s set: status s applies
  bool shape_known = false;
  uint32_t elem = 0;
  uint64_t dst_dims[DILATE_MAX_RANK] = {};
  uint64_t src_elems = 0, dst_elems = 0, src_bytes = 0, dst_bytes = 0;
  void Add(dilate_status s) { errors |= uint64_t{1} << s; }
  bool Allows(dilate_status s) const { return (errors >> s) & 1; }
  bool valid() const { return errors == 0; }
};

// Product with overflow detection: false if above `limit`; any zero factor
// makes it zero.
inline bool Product(const uint64_t* f, size_t n, u128 limit, uint64_t* out) {
  for (size_t i = 0; i < n; ++i) {
    if (f[i] == 0) {
      *out = 0;
      return true;
    }
  }
  u128 p = 1;
  for (size_t i = 0; i < n; ++i) {
    // p <= limit < 2^64 and f < 2^64: no u128 wrap.
    p *= f[i];
    if (p > limit) return false;
  }
  *out = static_cast<uint64_t>(p);
  return true;
}

inline Model ModelDesc(const dilate_desc& d) {
  Model m;
  if (d.struct_size != sizeof(dilate_desc)) m.Add(DILATE_ERROR_BAD_STRUCT_SIZE);
  if (d.flags != 0) m.Add(DILATE_ERROR_BAD_FLAGS);
  uint32_t elem = 0;
  if (d.dtype >= 1 && d.dtype <= 12) {
    elem = d.dtype <= 2 ? 1 : d.dtype <= 6 ? 2 : d.dtype <= 9 ? 4 : 8;
  } else {
    m.Add(DILATE_ERROR_BAD_DTYPE);
  }
  m.elem = elem;
  if (elem != 0) {
    for (uint32_t i = elem; i < 8; ++i) {
      if (d.fill[i] != 0) m.Add(DILATE_ERROR_BAD_ARGUMENT);
    }
  }
  if (d.rank == 0 || d.rank > DILATE_MAX_RANK) {
    m.Add(DILATE_ERROR_BAD_RANK);
    return m;
  }
  bool extents_ok = true;
  for (uint32_t i = 0; i < d.rank; ++i) {
    const u128 s = d.src_dims[i], dil = d.dilation[i];
    if (dil == 0) {
      m.Add(DILATE_ERROR_BAD_DILATION);
      extents_ok = false;
      continue;
    }
    const int64_t lo = d.pad_lo[i], hi = d.pad_hi[i];
    if (lo == INT64_MIN || hi == INT64_MIN) {
      m.Add(DILATE_ERROR_OVERFLOW);
      extents_ok = false;
      continue;
    }
    // core = s + (s - 1)(d - 1) < 2^128 exactly in u128.
    const u128 core = s == 0 ? 0 : s + (s - 1) * (dil - 1);
    const u128 big = u128{1} << 100;
    if (core >= big) {  // p >= core - 2^64 > INT64_MAX
      m.Add(DILATE_ERROR_OVERFLOW);
      extents_ok = false;
      continue;
    }
    const i128 p = static_cast<i128>(core) + lo + hi;
    if (core > static_cast<u128>(INT64_MAX) && p >= 0) {
      // The dilated core alone does not fit in int64 (however far negative
      // padding crops it back): the library reports OVERFLOW.
      m.Add(DILATE_ERROR_OVERFLOW);
      extents_ok = false;
      continue;
    }
    if (p < 0) {
      m.Add(DILATE_ERROR_NEGATIVE_EXTENT);
      if (core > static_cast<u128>(INT64_MAX)) m.Add(DILATE_ERROR_OVERFLOW);
      extents_ok = false;
      continue;
    }
    if (p > INT64_MAX) {
      m.Add(DILATE_ERROR_OVERFLOW);
      extents_ok = false;
      continue;
    }
    m.dst_dims[i] = static_cast<uint64_t>(p);
  }
  if (!extents_ok || elem == 0) return m;
  uint64_t sf[DILATE_MAX_RANK + 3], df[DILATE_MAX_RANK + 3];
  for (uint32_t i = 0; i < d.rank; ++i) {
    sf[i] = d.src_dims[i];
    df[i] = m.dst_dims[i];
  }
  sf[d.rank] = df[d.rank] = d.outer;
  sf[d.rank + 1] = df[d.rank + 1] = d.inner;
  sf[d.rank + 2] = df[d.rank + 2] = elem;
  const u128 size_limit = SIZE_MAX < UINT64_MAX ? u128{SIZE_MAX} : u128{UINT64_MAX};
  if (!Product(sf, d.rank + 2, UINT64_MAX, &m.src_elems) ||
      !Product(df, d.rank + 2, UINT64_MAX, &m.dst_elems) ||
      !Product(sf, d.rank + 3, size_limit, &m.src_bytes) ||
      !Product(df, d.rank + 3, size_limit, &m.dst_bytes)) {
    m.Add(DILATE_ERROR_OVERFLOW);
    return m;
  }
  m.shape_known = true;
  return m;
}

// The targets this CPU runs, best first (static names).
inline const std::vector<const char*>& SupportedTargets() {
  static const std::vector<const char*> names = [] {
    uint32_t n = 0;
    if (dilate_list_targets(DILATE_TARGETS_SUPPORTED, nullptr, 0, &n) != DILATE_OK) Fail("list");
    std::vector<const char*> v(n);
    if (dilate_list_targets(DILATE_TARGETS_SUPPORTED, v.data(), n, &n) != DILATE_OK) {
      Fail("list");
    }
    if (n == 0 || (strcmp(v.back(), "SCALAR") != 0 && strcmp(v.back(), "EMU128") != 0)) {
      Fail("SCALAR/EMU128 is not the last supported target");
    }
    return v;
  }();
  return names;
}

inline void UseTarget(const char* name) {
  if (dilate_set_target(name) != DILATE_OK) Fail("dilate_set_target");
  const char* now = dilate_target_name();
  if (now == nullptr || strcmp(now, name) != 0) Fail("dilate_target_name after set");
}

// A serial caller-supplied runner that runs tasks in reverse order: the
// result must not depend on task order.
inline void ReverseRunner(void* ctx, uint64_t count, dilate_task_fn task, void* task_ctx) {
  if (ctx != reinterpret_cast<void*>(0x1234)) Fail("runner_ctx not passed through");
  for (uint64_t i = count; i-- > 0;) task(task_ctx, i);
}

// Options decoded from one byte (+ a few); *present false means NULL.
inline dilate_options ReadOptions(Reader& r, bool* present) {
  const uint8_t sel = r.U8();
  dilate_options o;
  memset(&o, 0, sizeof(o));
  o.struct_size = sizeof(o);
  *present = sel % 4 != 0;
  switch ((sel >> 2) % 16) {
    case 0: o.struct_size = sel >> 6; break;  // bad size (0..3)
    case 1: o.struct_size = sizeof(o) + 8; break;
    case 2: o.reserved = 1u + (sel >> 6); break;
    case 3: o.flags = 1u << (1 + (sel >> 6)); break;  // unknown flag
    case 4: o.num_threads = 2 + (sel >> 6) % 2; break;
    case 5:
    case 6:
      o.parallel_for = &ReverseRunner;
      o.runner_ctx = reinterpret_cast<void*>(0x1234);
      o.num_threads = sel >> 6;
      break;
    default: break;
  }
  return o;
}

inline void ModelOptions(const dilate_options* o, uint32_t allowed, Model* m) {
  if (o == nullptr) return;
  if (o->struct_size != sizeof(dilate_options)) m->Add(DILATE_ERROR_BAD_STRUCT_SIZE);
  if ((o->flags & ~allowed) != 0 || o->reserved != 0) m->Add(DILATE_ERROR_BAD_FLAGS);
}

// Fills `n` bytes from the fuzzer data, varied so long buffers are not flat.
inline void FillData(uint8_t* p, size_t n, const uint8_t* data, size_t size, uint8_t salt) {
  if (n == 0) return;
  if (size == 0) {
    memset(p, salt, n);
    return;
  }
  for (size_t i = 0, round = 0; i < n; i += size, ++round) {
    const size_t k = n - i < size ? n - i : size;
    memcpy(p + i, data, k);
    p[i] = static_cast<uint8_t>(p[i] ^ (round * 97u) ^ salt);
    if (k > 1) p[i + k - 1] = static_cast<uint8_t>(p[i + k - 1] ^ (round * 31u) ^ salt);
  }
}

// The buffers of one call: sizes given to the library, each buffer ending
// exactly at the end of its own heap block (ASan catches any overrun), or
// both inside one block to test overlap; NULL pointers sometimes.
struct Buffers {
  size_t in_given = 0, out_given = 0;  // byte counts passed to the library
  std::unique_ptr<uint8_t[]> a, b;     // backing blocks (b unused if overlapping)
  size_t a_size = 0, b_size = 0;
  uint8_t* in = nullptr;
  uint8_t* out = nullptr;
  bool overlapping = false;
};

inline void MakeBuffers(Reader& r, uint64_t needed_in, uint64_t needed_out, Buffers* bu) {
  const uint8_t sel = r.U8();
  auto size_for = [&](uint64_t need, uint8_t how) -> size_t {
    uint64_t n = need > kMaxRunBytes ? kMaxRunBytes : need;
    switch (how % 8) {
      case 0: return n > 0 ? n - 1 - (r.U8() % n) : 0;  // short
      case 1: return n + 1 + r.U8() % 64;                // roomy
      default: return n;                                 // exact
    }
  };
  bu->in_given = size_for(needed_in, sel);
  bu->out_given = size_for(needed_out, sel >> 3);
  const uint8_t al = r.U8();
  const size_t in_off = al % 16, out_off = al / 16;
  const size_t mode = sel >> 6;
  if (mode == 3 && al % 2 == 1 && bu->in_given + bu->out_given > 0) {
    // Overlap: out starts inside (or right at the end of) in.
    bu->overlapping = true;
    const size_t at = in_off + r.Bytes(4) % (bu->in_given + 1);
    const size_t end = in_off + bu->in_given > at + bu->out_given ? in_off + bu->in_given
                                                                  : at + bu->out_given;
    bu->a_size = end;
    bu->a.reset(new uint8_t[end]);  // exact size
    bu->in = bu->a.get() + in_off;
    bu->out = bu->a.get() + at;
    return;
  }
  bu->a_size = in_off + bu->in_given;
  bu->b_size = out_off + bu->out_given;
  bu->a.reset(new uint8_t[bu->a_size]);  // exact sizes: ASan guards the ends
  bu->b.reset(new uint8_t[bu->b_size]);
  bu->in = bu->a.get() + in_off;
  bu->out = bu->b.get() + out_off;
  if (mode == 1 && al % 2 == 0) bu->in = nullptr;
  if (mode == 2 && al % 2 == 0) bu->out = nullptr;
}

inline void ModelBuffers(const Model& dm, bool in_is_src, const Buffers& bu, Model* m) {
  const void* in = bu.in;
  const void* out = bu.out;
  if (!dm.shape_known) return;
  const uint64_t in_need = in_is_src ? dm.src_bytes : dm.dst_bytes;
  const uint64_t out_need = in_is_src ? dm.dst_bytes : dm.src_bytes;
  if ((in == nullptr && in_need != 0) || (out == nullptr && out_need != 0)) {
    m->Add(DILATE_ERROR_NULL_POINTER);
  }
  if (bu.in_given < in_need || bu.out_given < out_need) m->Add(DILATE_ERROR_BUFFER_TOO_SMALL);
  if (in != nullptr && out != nullptr && in_need != 0 && out_need != 0 &&
      bu.in_given >= in_need && bu.out_given >= out_need) {
    const uintptr_t a = reinterpret_cast<uintptr_t>(in), b = reinterpret_cast<uintptr_t>(out);
    if (a < b + out_need && b < a + in_need) m->Add(DILATE_ERROR_OVERLAP);
  }
}

// Whether dilate_ref can evaluate the (valid, Runnable) description, fast
// and without signed overflow. lib/reference.h computes lo + core + hi and
// y - lo in int64 (which overflows for extreme paddings that cancel out,
// see docs/bad-input.md), multiplies the spatial extents in int64, and loops
// over outer * prod(p_i) positions even when inner is 0. When it cannot,
// the targets are compared with each other (the first one is the oracle).
inline bool RefOk(const dilate_desc& d) {
  const int64_t lim = int64_t{1} << 61;
  u128 src_spatial = 1, dst_spatial = 1;
  bool zero_dst = false;
  const u128 cap = u128{1} << 62;
  for (uint32_t i = 0; i < d.rank && i < DILATE_MAX_RANK; ++i) {
    const u128 s = d.src_dims[i], dil = d.dilation[i];
    const u128 core = s == 0 ? 0 : s + (s - 1) * (dil - 1);
    if (core > static_cast<u128>(lim) || dil > static_cast<u128>(lim) || d.pad_lo[i] > lim || d.pad_lo[i] < -lim ||
        d.pad_hi[i] > lim || d.pad_hi[i] < -lim) {
      return false;
    }
    const i128 p = static_cast<i128>(core) + d.pad_lo[i] + d.pad_hi[i];
    // Partial products the reference forms in int64 (zeros do not help it).
    src_spatial *= s == 0 ? 1 : s;
    dst_spatial *= p == 0 ? 1 : static_cast<u128>(p);
    if (src_spatial >= cap || dst_spatial >= cap) return false;
    if (p == 0) zero_dst = true;
  }
  const u128 work = u128{d.outer} * (zero_dst ? 1 : dst_spatial + 1);
  return work <= kMaxRunElems;
}

// Whether the library can be run on it here (buffers of bounded size).
inline bool Runnable(const Model& m) {
  return m.shape_known && m.src_bytes <= kMaxRunBytes && m.dst_bytes <= kMaxRunBytes;
}

// The one-shot call just returned `s` with the buffers as they are now; a
// dilate_plan of desc must agree: dilate_plan_create fails only with the
// one-shot call's own (description) error, and plan_call(plan), run on the
// snapshots a0/b0, returns `s` and leaves the same bytes. The one-shot
// call's bytes are back in place afterwards.
template <class PlanCall>
void CheckPlanAgrees(const dilate_desc& desc, Buffers& bu, const uint8_t* a0, const uint8_t* b0,
                     dilate_status s, const Model& m, PlanCall plan_call) {
  std::unique_ptr<uint8_t[]> a1(new uint8_t[bu.a_size]), b1(new uint8_t[bu.b_size]);
  memcpy(a1.get(), bu.a.get(), bu.a_size);
  if (bu.b_size) memcpy(b1.get(), bu.b.get(), bu.b_size);
  dilate_plan* plan = nullptr;
  const dilate_status c = dilate_plan_create(&desc, 0, &plan);
  DILATE_FUZZ_CHECK((c == DILATE_OK) == (plan != nullptr));
  if (c != DILATE_OK) {
    DILATE_FUZZ_CHECK(c == s && m.Allows(c));
    return;
  }
  memcpy(bu.a.get(), a0, bu.a_size);
  if (bu.b_size) memcpy(bu.b.get(), b0, bu.b_size);
  const dilate_status ps = plan_call(plan);
  dilate_plan_destroy(plan);
  DILATE_FUZZ_CHECK(ps == s);
  DILATE_FUZZ_CHECK(memcmp(bu.a.get(), a1.get(), bu.a_size) == 0);
  DILATE_FUZZ_CHECK(bu.b_size == 0 || memcmp(bu.b.get(), b1.get(), bu.b_size) == 0);
}

}  // namespace dilate_fuzz

#endif  // DILATE_FUZZ_FUZZ_COMMON_H_
