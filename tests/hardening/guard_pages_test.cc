// Every buffer flush against PROT_NONE pages on both sides: a read or write
// one byte outside src, dst, expanded or dense kills the test with SIGSEGV.
// Buffers are placed ending exactly at a page end, and (separately)
// starting exactly at a page start, for every supported target
// (less DILATE_TEST_SKIP_TARGETS, tests/tested_targets.h), element
// sizes 1, 2, 4, 8 and a sweep of shapes; results are compared byte-exact
// with dilate_ref.
#include <sys/mman.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "lib/reference.h"
#include "tests/hardening/hardening_util.h"
#include "tests/tested_targets.h"

namespace dilate_hardening {
namespace {

// `size` usable bytes with inaccessible pages right before and after the
// page run holding them; the buffer touches one of the two guards.
class Guarded {
 public:
  Guarded(size_t size, bool flush_end) : size_(size) {
    page_ = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const size_t pages = (size + page_ - 1) / page_;
    total_ = (pages + 2) * page_;
    void* m = mmap(nullptr, total_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) abort();
    base_ = static_cast<uint8_t*>(m);
    if (mprotect(base_, page_, PROT_NONE) != 0 ||
        mprotect(base_ + (pages + 1) * page_, page_, PROT_NONE) != 0) {
      abort();
    }
    data_ = flush_end ? base_ + (pages + 1) * page_ - size : base_ + page_;
  }
  ~Guarded() { munmap(base_, total_); }
  Guarded(const Guarded&) = delete;
  Guarded& operator=(const Guarded&) = delete;
  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  size_t page_, total_, size_;
  uint8_t* base_;
  uint8_t* data_;
};

struct Shape {
  dilate_desc desc;
  dilate_shape shape;
};

// A valid random description: ranks 1..3, inner 1..70, dilation 1..9,
// padding -4..5 (negative crops), long rows sometimes.
Shape RandomShape(Rng& rng, uint32_t elem) {
  Shape s;
  dilate_desc& d = s.desc;
  dilate_desc_init(&d);
  d.dtype = DtypeOfSize(elem);
  d.rank = 1 + static_cast<uint32_t>(rng.Below(3));
  const bool long_rows = rng.Below(4) == 0;
  d.outer = 1 + rng.Below(3);
  d.inner = rng.Below(3) == 0 ? 1 : 1 + rng.Below(70);
  for (uint32_t i = 0; i < d.rank; ++i) {
    const bool last = i + 1 == d.rank;
    d.src_dims[i] = (long_rows && last) ? 40 + rng.Below(300) : 1 + rng.Below(d.rank == 1 ? 12 : 5);
    if (long_rows && last) d.inner = 1 + rng.Below(4);
    d.dilation[i] = 1 + rng.Below(9);
    d.pad_lo[i] = rng.Range(-4, 5);
    d.pad_hi[i] = rng.Range(-4, 5);
    while (DstExtent(d, i) < 0) ++d.pad_hi[i];
  }
  uint8_t fill[8];
  FillRandom(fill, sizeof(fill), rng);
  if (rng.Below(3) == 0) memset(fill, 0, sizeof(fill));
  dilate_desc_set_fill(&d, fill);
  s.shape.struct_size = sizeof(s.shape);
  EXPECT_EQ(dilate_query_shape(&d, &s.shape), DILATE_OK);
  return s;
}

void CheckOne(const Shape& s, bool flush_end, uint64_t seed) {
  const dilate_desc& d = s.desc;
  Rng rng(seed);
  Guarded src(s.shape.src_bytes, flush_end), dst(s.shape.dst_bytes, !flush_end);
  FillRandom(src.data(), src.size(), rng);
  std::vector<uint8_t> want(s.shape.dst_bytes + 1), dense(s.shape.src_bytes + 1);
  dilate_ref::Expand(d, src.data(), want.data());
  dilate_ref::Contract(d, want.data(), dense.data(), s.shape.src_bytes);

  for (const std::string& t : dilate_test::TestedTargets()) {
    SCOPED_TRACE(t);
    ASSERT_EQ(dilate_set_target(t.c_str()), DILATE_OK);
    ASSERT_STREQ(dilate_target_name(), t.c_str());
    memset(dst.data(), 0xEE, dst.size());
    ASSERT_EQ(dilate_expand(&d, src.data(), src.size(), dst.data(), dst.size(), nullptr),
              DILATE_OK);
    ASSERT_EQ(memcmp(dst.data(), want.data(), dst.size()), 0);

    // Contract the expanded tensor back (verify: every hole is fill).
    Guarded back(s.shape.src_bytes, !flush_end);
    memset(back.data(), 0xEE, back.size());
    dilate_options o;
    memset(&o, 0, sizeof(o));
    o.struct_size = sizeof(o);
    o.flags = DILATE_FLAG_VERIFY_HOLES;
    ASSERT_EQ(dilate_contract(&d, dst.data(), dst.size(), back.data(), back.size(), &o),
              DILATE_OK);
    ASSERT_EQ(memcmp(back.data(), dense.data(), back.size()), 0);
    o.flags = 0;
    memset(back.data(), 0xEE, back.size());
    ASSERT_EQ(dilate_contract(&d, dst.data(), dst.size(), back.data(), back.size(), &o),
              DILATE_OK);
    ASSERT_EQ(memcmp(back.data(), dense.data(), back.size()), 0);

    // The same through a plan made on this target (its own, larger tiles).
    dilate_plan* plan = nullptr;
    ASSERT_EQ(dilate_plan_create(&d, 0, &plan), DILATE_OK);
    memset(dst.data(), 0xEE, dst.size());
    EXPECT_EQ(dilate_plan_expand(plan, src.data(), src.size(), dst.data(), dst.size(), nullptr),
              DILATE_OK);
    EXPECT_EQ(memcmp(dst.data(), want.data(), dst.size()), 0) << "plan_expand";
    memset(back.data(), 0xEE, back.size());
    EXPECT_EQ(dilate_plan_contract(plan, dst.data(), dst.size(), back.data(), back.size(), &o),
              DILATE_OK);
    EXPECT_EQ(memcmp(back.data(), dense.data(), back.size()), 0) << "plan_contract";
    dilate_plan_destroy(plan);
  }
  dilate_set_target(nullptr);
}

class GuardPages : public ::testing::TestWithParam<uint32_t> {};

TEST_P(GuardPages, ExpandAndContractStayInBounds) {
  const uint32_t elem = GetParam();
  const char* scale = getenv("DILATE_HARDENING_SCALE");
  const int cases = scale != nullptr ? atoi(scale) : 150;
  Rng rng(0xD11A7E + elem);
  for (int c = 0; c < cases; ++c) {
    const Shape s = RandomShape(rng, elem);
    SCOPED_TRACE(testing::Message() << "case " << c << " rank " << s.desc.rank << " inner "
                                    << s.desc.inner << " src0 " << s.desc.src_dims[0] << " dil0 "
                                    << s.desc.dilation[0] << " lo0 " << s.desc.pad_lo[0]
                                    << " hi0 " << s.desc.pad_hi[0]);
    CheckOne(s, /*flush_end=*/true, rng.Next());
    CheckOne(s, /*flush_end=*/false, rng.Next());
    if (HasFatalFailure()) return;
  }
}

// Hand-picked edges: single elements, rows of exactly one vector +- 1,
// inner 1..70 with every dilation 1..9 on a rank-1 row.
TEST_P(GuardPages, RowSweep) {
  const uint32_t elem = GetParam();
  Rng rng(77 + elem);
  for (uint64_t inner = 1; inner <= 70; inner += (inner < 20 ? 1 : 7)) {
    for (uint64_t dil = 1; dil <= 9; ++dil) {
      for (uint64_t len : {1, 2, 3, 17, 65}) {
        Shape s;
        dilate_desc_init(&s.desc);
        s.desc.dtype = DtypeOfSize(elem);
        s.desc.rank = 1;
        s.desc.inner = inner;
        s.desc.src_dims[0] = len;
        s.desc.dilation[0] = dil;
        s.desc.pad_lo[0] = (len % 2) ? -1 : 1;
        s.desc.pad_hi[0] = (len % 3) ? 2 : -1;
        while (DstExtent(s.desc, 0) < 0) ++s.desc.pad_hi[0];
        s.shape.struct_size = sizeof(s.shape);
        ASSERT_EQ(dilate_query_shape(&s.desc, &s.shape), DILATE_OK);
        SCOPED_TRACE(testing::Message() << "inner " << inner << " dil " << dil << " len " << len);
        CheckOne(s, true, rng.Next());
        CheckOne(s, false, rng.Next());
        if (HasFatalFailure()) return;
      }
    }
  }
}

// Dense rank-2 kernels of hundreds of lanes a slice (K 5-9, D 3-5) and
// tens to hundreds of slices: whole-vector tiles that overflow index tables
// (AVX-512 with VBMI2 writes u8 ones from lane masks, TileState::masks),
// the last tile's windows reaching src's end.
TEST_P(GuardPages, LargeDenseSlices) {
  const uint32_t elem = GetParam();
  Rng rng(0x5A1CE + elem);
  for (int c = 0; c < 6; ++c) {
    Shape s;
    dilate_desc_init(&s.desc);
    s.desc.dtype = DtypeOfSize(elem);
    s.desc.rank = 2;
    const uint64_t k = 5 + rng.Below(5), dil = 3 + rng.Below(3);
    for (uint32_t a = 0; a < 2; ++a) {
      s.desc.src_dims[a] = k;
      s.desc.dilation[a] = dil;
    }
    s.desc.outer = 64 + rng.Below(200);
    s.shape.struct_size = sizeof(s.shape);
    ASSERT_EQ(dilate_query_shape(&s.desc, &s.shape), DILATE_OK);
    SCOPED_TRACE(testing::Message() << "K" << k << " D" << dil << " outer " << s.desc.outer);
    CheckOne(s, true, rng.Next());
    CheckOne(s, false, rng.Next());
    if (HasFatalFailure()) return;
  }
}

INSTANTIATE_TEST_SUITE_P(ElementSizes, GuardPages, ::testing::Values(1u, 2u, 4u, 8u));

}  // namespace
}  // namespace dilate_hardening
