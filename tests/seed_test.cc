// The project's seed cases: K = 7 kernels dilated by D = 3 into 19 x 19,
// checked three independent ways, and the spec's 2 x 2 example.
#include <string.h>

#include <vector>

#include "dilate/dilate.h"
#include "lib/reference.h"
#include "tests/test_util.h"

namespace dilate_test {
namespace {

using Seed = TargetTest;

constexpr uint64_t kK = 7, kD = 3, kL = kK + (kK - 1) * (kD - 1);
static_assert(kL == 19, "the seed case is 19 x 19");

// The description dilate_expand_2d(dtype, n, k, d, ...) stands for, from
// the header: n kernels of k x k, dilation d on both axes.
dilate_desc SquareDesc(uint32_t dtype, uint64_t n, uint64_t k, uint64_t d) {
  dilate_desc desc;
  dilate_desc_init(&desc);
  desc.dtype = dtype;
  desc.rank = 2;
  desc.outer = n;
  desc.src_dims[0] = desc.src_dims[1] = k;
  desc.dilation[0] = desc.dilation[1] = d;
  return desc;
}

// Finite, non-zero values: the matrix formulas below multiply by 0 and 1,
// which is exact for these (and -0.0 would compare equal to +0.0 anyway).
std::vector<float> RandomKernels(uint64_t n, Rng& rng) {
  std::vector<float> x(n * kK * kK);
  for (float& v : x) {
    v = static_cast<float>(rng.UniformSigned(-1000000, 1000000) | 1) / 1024.0f;
  }
  return x;
}

// kron(x, onehot(D, D)) cropped to L x L, onehot(D, D) being the D x D matrix
// with a single 1 at (0, 0).
std::vector<float> KronThenCrop(const float* x) {
  const uint64_t big = kK * kD;
  std::vector<float> kron(big * big);
  for (uint64_t i = 0; i < kK; ++i) {
    for (uint64_t j = 0; j < kK; ++j) {
      for (uint64_t u = 0; u < kD; ++u) {
        for (uint64_t v = 0; v < kD; ++v) {
          const float onehot = (u == 0 && v == 0) ? 1.0f : 0.0f;
          kron[(i * kD + u) * big + (j * kD + v)] = x[i * kK + j] * onehot;
        }
      }
    }
  }
  std::vector<float> out(kL * kL);
  for (uint64_t a = 0; a < kL; ++a) {
    for (uint64_t b = 0; b < kL; ++b) out[a * kL + b] = kron[a * big + b];
  }
  return out;
}

// ((x^T h)^T h) with h = eye(L)[::D] (K x L), in double.
std::vector<double> SelectionProduct(const float* x) {
  std::vector<double> h(kK * kL, 0.0);
  for (uint64_t i = 0; i < kK; ++i) h[i * kL + i * kD] = 1.0;
  std::vector<double> xth(kK * kL, 0.0);  // x^T h: K x L
  for (uint64_t r = 0; r < kK; ++r) {
    for (uint64_t c = 0; c < kL; ++c) {
      for (uint64_t m = 0; m < kK; ++m) xth[r * kL + c] += x[m * kK + r] * h[m * kL + c];
    }
  }
  std::vector<double> out(kL * kL, 0.0);  // (x^T h)^T h: L x L
  for (uint64_t r = 0; r < kL; ++r) {
    for (uint64_t c = 0; c < kL; ++c) {
      for (uint64_t m = 0; m < kK; ++m) out[r * kL + c] += xth[m * kL + r] * h[m * kL + c];
    }
  }
  return out;
}

TEST_P(Seed, SevenByDilationThreeInto19x19) {
  for (uint64_t n : {1, 2, 5, 64, 301}) {
    SCOPED_TRACE(testing::Message() << "N = " << n);
    Rng rng(CaseSeed(0x5EED, n));
    const std::vector<float> x = RandomKernels(n, rng);
    GuardedBuffer dst(n * kL * kL * sizeof(float), n % 61, rng);
    ASSERT_EQ(dilate_expand_2d(DILATE_DTYPE_F32, n, kK, kD, x.data(), dst.data()), DILATE_OK);
    EXPECT_TRUE(dst.GuardsIntact());

    const dilate_desc desc = SquareDesc(DILATE_DTYPE_F32, n, kK, kD);
    std::vector<uint8_t> want(dst.size());
    dilate_ref::Expand(desc, x.data(), want.data());
    ASSERT_TRUE(dst.Equals(want)) << "differs from dilate_ref";

    std::vector<float> got(n * kL * kL);
    memcpy(got.data(), dst.data(), dst.size());
    for (uint64_t k = 0; k < n; ++k) {
      const float* xk = x.data() + k * kK * kK;
      const float* gk = got.data() + k * kL * kL;
      const std::vector<float> kron = KronThenCrop(xk);
      const std::vector<double> sel = SelectionProduct(xk);
      for (uint64_t i = 0; i < kL * kL; ++i) {
        ASSERT_EQ(gk[i], kron[i]) << "kron-then-crop, kernel " << k << " element " << i;
        ASSERT_EQ(static_cast<double>(gk[i]), sel[i])
            << "selection product, kernel " << k << " element " << i;
      }
    }
  }
}

TEST_P(Seed, SpecExampleTwoByTwo) {
  // [[A, B], [C, D]] dilated by 2 is [[A, 0, B], [0, 0, 0], [C, 0, D]].
  const float a = 1.5f, b = -2.25f, c = 3.0f, d = 4.125f;
  const float src[4] = {a, b, c, d};
  float dst[9];
  memset(dst, 0xFF, sizeof(dst));
  ASSERT_EQ(dilate_expand_2d(DILATE_DTYPE_F32, 1, 2, 2, src, dst), DILATE_OK);
  const float want[9] = {a, 0, b, 0, 0, 0, c, 0, d};
  EXPECT_EQ(memcmp(dst, want, sizeof(want)), 0);

  // The same in every element size.
  for (uint32_t dtype = DILATE_DTYPE_U8; dtype <= DILATE_DTYPE_F64; ++dtype) {
    const uint32_t e = dilate_dtype_size(dtype);
    uint8_t in[4 * 8], out[9 * 8], expect[9 * 8] = {};
    for (uint32_t i = 0; i < sizeof(in); ++i) in[i] = static_cast<uint8_t>(0x11 * (i / e + 1));
    memset(out, 0xFF, sizeof(out));
    for (int t = 0; t < 4; ++t) memcpy(expect + (t / 2 * 6 + t % 2 * 2) * e, in + t * e, e);
    ASSERT_EQ(dilate_expand_2d(dtype, 1, 2, 2, in, out), DILATE_OK) << dtype;
    EXPECT_EQ(memcmp(out, expect, 9 * e), 0) << dilate_dtype_name(dtype);
    for (uint32_t i = 9 * e; i < sizeof(out); ++i) EXPECT_EQ(out[i], 0xFF) << "past the end";
  }
}

// dilate_expand_2d over every dtype and small n, k, d on both sides of its
// plain small case (dst <= 1 KiB, k and d <= 32, no Plan) and into the
// general path: bytes against dilate_ref, guards intact, and src unchanged.
TEST_P(Seed, Expand2dAgreesWithReference) {
  uint64_t index = 0, small = 0, general = 0;
  for (uint32_t dtype = DILATE_DTYPE_U8; dtype <= DILATE_DTYPE_F64; ++dtype) {
    const uint64_t e = dilate_dtype_size(dtype);
    for (uint64_t k : {1, 2, 3, 4, 5, 6, 7, 8, 11, 33}) {
      for (uint64_t d : {1, 2, 3, 4, 8, 33}) {
        for (uint64_t n : {1, 2, 3, 9}) {
          const uint64_t l = (k - 1) * d + 1;
          const uint64_t dst_bytes = n * l * l * e, src_bytes = n * k * k * e;
          if (dst_bytes > (uint64_t{64} << 10)) continue;
          (dst_bytes <= 1024 && k <= 32 && d <= 32 ? small : general) += 1;
          SCOPED_TRACE(testing::Message() << dilate_dtype_name(dtype) << " n=" << n << " k=" << k
                                          << " d=" << d);
          Rng rng(CaseSeed(0x2D2D, index++));
          GuardedBuffer src(src_bytes, rng.Uniform(0, 63), rng);
          GuardedBuffer dst(dst_bytes, rng.Uniform(0, 63), rng);
          const std::vector<uint8_t> src_before = src.Copy();
          ASSERT_EQ(dilate_expand_2d(dtype, n, k, d, src.data(), dst.data()), DILATE_OK);
          std::vector<uint8_t> want(dst_bytes);
          dilate_ref::Expand(SquareDesc(dtype, n, k, d), src.data(), want.data());
          ASSERT_TRUE(dst.Equals(want)) << "differs from dilate_ref";
          EXPECT_TRUE(dst.GuardsIntact());
          EXPECT_TRUE(src.Equals(src_before) && src.GuardsIntact());
        }
      }
    }
  }
  EXPECT_GT(small, 100u);
  EXPECT_GT(general, 100u);
}

// The same small square cases as descriptions, one-shot and through a plan
// (a one-shot expand of this shape takes dilate_expand_2d's loop without a
// Plan while it pays, dilate_expand and ExpandGeneral in lib/api.cc; a small
// plan takes it through ExpandIfSquare in lib/small.cc), and next to them the descriptions that
// must not: a non-zero fill, padding on either side of either axis, unequal
// sizes or dilations (either axis), inner 3, and one row less with padding
// that gives the same dst extents; and the square case with options.
TEST_P(Seed, SmallSquareDescriptionsMatchReference) {
  uint64_t index = 0, cases = 0;
  dilate_options options;
  memset(&options, 0, sizeof(options));
  options.struct_size = sizeof(options);
  for (uint32_t dtype : {DILATE_DTYPE_U8, DILATE_DTYPE_F16, DILATE_DTYPE_F32, DILATE_DTYPE_F64}) {
    for (uint64_t k = 1; k <= 8; ++k) {
      for (uint64_t d : {1, 2, 3}) {
        for (int variant = 0; variant < 12; ++variant) {
          // A few kernels (the small case, dst <= 1 KiB) or a few dozen (up to
          // 16 KiB: the one-shot calls that take the same loops without a
          // Plan while they pay, SquareExpandPays and SquareContractPays in
          // lib/small.h, and past them).
          static constexpr uint64_t kNs[] = {1, 2, 3, 16, 40};
          dilate_desc desc = SquareDesc(dtype, kNs[index % 5], k, d);
          const uint64_t fill = 0x0102030405060708ull;
          if (variant == 1) {
            ASSERT_EQ(dilate_desc_set_fill(&desc, &fill), DILATE_OK);
          }
          if (variant == 2) desc.pad_hi[1] = 1;
          if (variant == 3) desc.src_dims[0] = k + 1;
          if (variant == 4) desc.dilation[0] = d + 1;
          if (variant == 5) desc.inner = 3;
          if (variant == 6) {  // the same dst extents from one row less and padding
            if (k < 2) continue;
            desc.src_dims[0] = k - 1;
            desc.pad_hi[0] = static_cast<int64_t>(d);
          }
          if (variant == 7) desc.src_dims[1] = k + 1;
          if (variant == 8) desc.dilation[1] = d + 1;
          if (variant == 9) desc.pad_lo[0] = 1;
          if (variant == 10) desc.pad_lo[1] = -1;  // crops: k >= 2 leaves a column
          if (variant == 10 && k < 2) continue;
          const dilate_options* opts = variant == 11 ? &options : nullptr;
          dilate_shape shape;
          shape.struct_size = sizeof(shape);
          ASSERT_EQ(dilate_query_shape(&desc, &shape), DILATE_OK);
          if (shape.dst_bytes > (uint64_t{16} << 10)) continue;
          ++cases;
          SCOPED_TRACE(testing::Message() << Describe(desc));
          Rng rng(CaseSeed(0x5C5C, index++));
          GuardedBuffer src(shape.src_bytes, rng.Uniform(0, 63), rng);
          std::vector<uint8_t> want(shape.dst_bytes);
          dilate_ref::Expand(desc, src.data(), want.data());
          GuardedBuffer dst(shape.dst_bytes, rng.Uniform(0, 63), rng);
          ASSERT_EQ(dilate_expand(&desc, src.data(), src.size(), dst.data(), dst.size(), opts),
                    DILATE_OK);
          EXPECT_TRUE(dst.Equals(want)) << "one-shot differs from dilate_ref";
          EXPECT_TRUE(dst.GuardsIntact());
          dilate_plan* plan = nullptr;
          ASSERT_EQ(dilate_plan_create(&desc, 0, &plan), DILATE_OK);
          GuardedBuffer dst2(shape.dst_bytes, rng.Uniform(0, 63), rng);
          EXPECT_EQ(
              dilate_plan_expand(plan, src.data(), src.size(), dst2.data(), dst2.size(), nullptr),
              DILATE_OK);
          EXPECT_TRUE(dst2.Equals(want)) << "a plan differs from dilate_ref";
          EXPECT_TRUE(dst2.GuardsIntact());
          // And back: the expanded tensor contracted (dilate_contract's small
          // case takes the same loop's inverse, lib/api.cc), one-shot and by
          // the plan.
          std::vector<uint8_t> want_dense(shape.src_bytes);
          dilate_ref::Contract(desc, want.data(), want_dense.data(), want_dense.size());
          GuardedBuffer expanded(shape.dst_bytes, rng.Uniform(0, 63), rng);
          memcpy(expanded.data(), want.data(), want.size());
          GuardedBuffer dense(shape.src_bytes, rng.Uniform(0, 63), rng);
          ASSERT_EQ(dilate_contract(&desc, expanded.data(), expanded.size(), dense.data(),
                                    dense.size(), opts),
                    DILATE_OK);
          EXPECT_TRUE(dense.Equals(want_dense)) << "one-shot contract differs from dilate_ref";
          EXPECT_TRUE(dense.GuardsIntact());
          GuardedBuffer dense2(shape.src_bytes, rng.Uniform(0, 63), rng);
          EXPECT_EQ(dilate_plan_contract(plan, expanded.data(), expanded.size(), dense2.data(),
                                         dense2.size(), nullptr),
                    DILATE_OK);
          EXPECT_TRUE(dense2.Equals(want_dense)) << "a plan's contract differs from dilate_ref";
          EXPECT_TRUE(dense2.GuardsIntact());
          dilate_plan_destroy(plan);
        }
      }
    }
  }
  EXPECT_GT(cases, 500u);
}

// dilate_expand_2d's case past 1 KiB, where the target's vector loop
// takes it (ExpandSquarePlanes in lib/expand-inl.h: a kernel's src in one
// vector, its plane in up to 8, 12 from kMinLongPlanes kernels, 16 / 20 / 24
// on AVX-512 (f32 K5 D4, u16 K7 D4, u8 K7 D5, f64 K4 D4); one-shot up to
// kSquarePlanesBytes, a plan up
// to kSquarePlanPlanesBytes, lib/small.h) and just past those limits: every
// dtype, k 2-7, d 1-5, kernel counts whose last kernels take the loop's
// exact tail (vectors or windows that would pass the end of dst or src)
// after many or no whole kernels. dilate_expand_2d, the description
// one-shot without and with options (lib/driver.cc), and a plan, each
// between guard bytes at a random misalignment, against dilate_ref.
TEST_P(Seed, SquarePlanesMatchReference) {
  uint64_t index = 0, cases = 0;
  dilate_options options;
  memset(&options, 0, sizeof(options));
  options.struct_size = sizeof(options);
  for (uint32_t dtype : {DILATE_DTYPE_U8, DILATE_DTYPE_F16, DILATE_DTYPE_F32, DILATE_DTYPE_F64}) {
    const uint64_t e = dilate_dtype_size(dtype);
    for (uint64_t k = 2; k <= 7; ++k) {
      for (uint64_t d = 1; d <= 5; ++d) {
        const uint64_t l = (k - 1) * d + 1, plane = l * l * e;
        // Just past 1 KiB, mid-way, each limit and one kernel past it.
        const uint64_t first = 1024 / plane + 1;
        for (uint64_t n : {first, first + 1, first + 7, (8192 / plane), (8192 / plane) + 1,
                           (24576 / plane), (24576 / plane) + 1}) {
          if (n == 0) continue;
          ++cases;
          const dilate_desc desc = SquareDesc(dtype, n, k, d);
          SCOPED_TRACE(testing::Message() << Describe(desc));
          const uint64_t dst_bytes = n * plane, src_bytes = n * k * k * e;
          Rng rng(CaseSeed(0x5A5A, index++));
          GuardedBuffer src(src_bytes, rng.Uniform(0, 63), rng);
          std::vector<uint8_t> want(dst_bytes);
          dilate_ref::Expand(desc, src.data(), want.data());
          dilate_plan* plan = nullptr;
          ASSERT_EQ(dilate_plan_create(&desc, 0, &plan), DILATE_OK);
          for (int how = 0; how < 4; ++how) {
            GuardedBuffer dst(dst_bytes, rng.Uniform(0, 63), rng);
            dilate_status s = DILATE_OK;
            if (how == 0) s = dilate_expand_2d(dtype, n, k, d, src.data(), dst.data());
            if (how == 1) {
              s = dilate_expand(&desc, src.data(), src.size(), dst.data(), dst.size(), nullptr);
            }
            if (how == 2) {
              s = dilate_expand(&desc, src.data(), src.size(), dst.data(), dst.size(), &options);
            }
            if (how == 3) {
              s = dilate_plan_expand(plan, src.data(), src.size(), dst.data(), dst.size(), nullptr);
            }
            ASSERT_EQ(s, DILATE_OK) << "call " << how;
            ASSERT_TRUE(dst.Equals(want)) << "call " << how << " differs from dilate_ref";
            ASSERT_TRUE(dst.GuardsIntact()) << "call " << how;
          }
          dilate_plan_destroy(plan);
        }
      }
    }
  }
  EXPECT_GT(cases, 700u);
}

// Many small kernels of any rank (1-D, 3-D, OHWI inner 3), which one-shot
// calls may take several at a time as one plane of the vector loops
// (PlaneKernels in lib/kernels.h: 1-D K3 D2 u8 12 kernels a vector; 3-D
// K3 D3 and, with a fill, 2-D K5 D4 f32 planes of 13-24 vectors on
// AVX-512, kMaxWidePlaneVectors), the
// last plane in part: kernel counts from one to past 24 KiB of dst, every
// element size, zero and non-zero fill, misaligned between guard bytes,
// expanded and contracted (the expanded tensor, and arbitrary input),
// one-shot and through a plan, against dilate_ref.
TEST_P(Seed, ManySmallKernelsMatchReference) {
  struct Shape {
    uint32_t rank;
    uint64_t inner, k, d;
  };
  uint64_t index = 0, cases = 0;
  for (uint32_t dtype : {DILATE_DTYPE_U8, DILATE_DTYPE_U16, DILATE_DTYPE_F32, DILATE_DTYPE_F64}) {
    const uint64_t e = dilate_dtype_size(dtype);
    for (const Shape sh :
         {Shape{1, 1, 3, 2}, Shape{1, 1, 2, 3}, Shape{1, 1, 5, 3}, Shape{1, 1, 4, 2},
          Shape{1, 2, 3, 2}, Shape{3, 1, 2, 2}, Shape{3, 1, 3, 2}, Shape{2, 3, 3, 2},
          Shape{2, 1, 2, 4}, Shape{3, 1, 3, 3}, Shape{2, 1, 5, 4}}) {
      uint64_t plane = sh.inner * e, in_plane = sh.inner * e;
      for (uint32_t a = 0; a < sh.rank; ++a) {
        plane *= (sh.k - 1) * sh.d + 1;
        in_plane *= sh.k;
      }
      for (uint64_t n : {uint64_t{1}, uint64_t{2}, uint64_t{3}, uint64_t{7}, uint64_t{12},
                         uint64_t{13}, uint64_t{38}, uint64_t{39}, 1024 / plane + 1,
                         4096 / plane + 3, 24576 / plane, 24576 / plane + 1}) {
        if (n == 0) continue;
        for (int fill = 0; fill < 2; ++fill) {
          dilate_desc desc = CubeDesc(dtype, sh.rank, n, sh.inner, sh.k, sh.d);
          if (fill != 0) memcpy(desc.fill, "\x5A\xC3\x96\x3C\xA5\x0F\xF0\x69", e);
          ++cases;
          SCOPED_TRACE(testing::Message() << Describe(desc));
          Rng rng(CaseSeed(0x6A6A, index++));
          GuardedBuffer src(n * in_plane, rng.Uniform(0, 63), rng);
          std::vector<uint8_t> want(n * plane);
          dilate_ref::Expand(desc, src.data(), want.data());
          dilate_plan* plan = nullptr;
          ASSERT_EQ(dilate_plan_create(&desc, 0, &plan), DILATE_OK);
          for (int how = 0; how < 2; ++how) {
            GuardedBuffer dst(n * plane, rng.Uniform(0, 63), rng);
            const dilate_status s = how == 0 ? dilate_expand(&desc, src.data(), src.size(),
                                                             dst.data(), dst.size(), nullptr)
                                             : dilate_plan_expand(plan, src.data(), src.size(),
                                                                  dst.data(), dst.size(), nullptr);
            ASSERT_EQ(s, DILATE_OK) << "call " << how;
            ASSERT_TRUE(dst.Equals(want)) << "call " << how << " differs from dilate_ref";
            ASSERT_TRUE(dst.GuardsIntact()) << "call " << how;
          }
          // Back: the expanded tensor contracts to src, and arbitrary input
          // to dilate_ref's taps.
          GuardedBuffer expanded(want.size(), rng.Uniform(0, 63), rng);
          for (int input = 0; input < 2; ++input) {
            std::vector<uint8_t> back(src.size());
            if (input == 0) {
              memcpy(expanded.data(), want.data(), want.size());
              memcpy(back.data(), src.data(), src.size());
            } else {
              rng.FillBytes(expanded.data(), expanded.size());
              dilate_ref::Contract(desc, expanded.data(), back.data(), back.size());
            }
            for (int how = 0; how < 2; ++how) {
              GuardedBuffer dense(src.size(), rng.Uniform(0, 63), rng);
              const dilate_status s =
                  how == 0 ? dilate_contract(&desc, expanded.data(), expanded.size(), dense.data(),
                                             dense.size(), nullptr)
                           : dilate_plan_contract(plan, expanded.data(), expanded.size(),
                                                  dense.data(), dense.size(), nullptr);
              ASSERT_EQ(s, DILATE_OK) << "contract " << how;
              ASSERT_TRUE(dense.Equals(back))
                  << "contract " << how << " of input " << input << " differs from dilate_ref";
              ASSERT_TRUE(dense.GuardsIntact()) << "contract " << how;
            }
          }
          dilate_plan_destroy(plan);
        }
      }
    }
  }
  EXPECT_GT(cases, 800u);
}

// The small call of every dtype (its functions are chosen by dtype and k,
// kSmallDesc and kExpand2dSmall in lib/small.cc): k 1-8, d 1-3, one kernel
// and as many as fit 1 KiB of dst, and one more, by dilate_expand_2d,
// dilate_expand and dilate_contract (the expanded tensor, and arbitrary
// input: its holes unread), misaligned between guard bytes, against
// dilate_ref.
TEST_P(Seed, SmallCallEveryDtypeMatchesReference) {
  uint64_t index = 0, cases = 0;
  for (uint32_t dtype = DILATE_DTYPE_U8; dtype <= DILATE_DTYPE_F64; ++dtype) {
    const uint64_t e = dilate_dtype_size(dtype);
    for (uint64_t k = 1; k <= 8; ++k) {
      for (uint64_t d = 1; d <= 3; ++d) {
        const uint64_t l = (k - 1) * d + 1, plane = l * l * e;
        for (uint64_t n : {uint64_t{1}, 1024 / plane, 1024 / plane + 1}) {
          if (n == 0) continue;
          ++cases;
          const dilate_desc desc = SquareDesc(dtype, n, k, d);
          SCOPED_TRACE(testing::Message() << Describe(desc));
          const uint64_t dst_bytes = n * plane, src_bytes = n * k * k * e;
          Rng rng(CaseSeed(0x5CA1, index++));
          GuardedBuffer src(src_bytes, rng.Uniform(0, 63), rng);
          std::vector<uint8_t> want(dst_bytes);
          dilate_ref::Expand(desc, src.data(), want.data());
          for (int how = 0; how < 2; ++how) {
            GuardedBuffer dst(dst_bytes, rng.Uniform(0, 63), rng);
            const dilate_status s =
                how == 0
                    ? dilate_expand_2d(dtype, n, k, d, src.data(), dst.data())
                    : dilate_expand(&desc, src.data(), src.size(), dst.data(), dst.size(), nullptr);
            ASSERT_EQ(s, DILATE_OK) << "call " << how;
            ASSERT_TRUE(dst.Equals(want)) << "call " << how << " differs from dilate_ref";
            ASSERT_TRUE(dst.GuardsIntact()) << "call " << how;
          }
          for (int input = 0; input < 2; ++input) {
            GuardedBuffer expanded(dst_bytes, rng.Uniform(0, 63), rng);
            if (input == 0) memcpy(expanded.data(), want.data(), dst_bytes);
            std::vector<uint8_t> want_dense(src_bytes);
            dilate_ref::Contract(desc, expanded.data(), want_dense.data(), want_dense.size());
            GuardedBuffer dense(src_bytes, rng.Uniform(0, 63), rng);
            ASSERT_EQ(dilate_contract(&desc, expanded.data(), expanded.size(), dense.data(),
                                      dense.size(), nullptr),
                      DILATE_OK);
            ASSERT_TRUE(dense.Equals(want_dense)) << "contract differs from dilate_ref";
            ASSERT_TRUE(dense.GuardsIntact());
          }
        }
      }
    }
  }
  EXPECT_GT(cases, 800u);
}

// The small square case's bad arguments, one at a time, around a valid
// call of each dtype: dilate_expand (and dilate_plan_expand, for the call's
// own arguments) reports each with the status of the general path (the same description with one
// field changed beyond the small case reports the same) and leaves dst untouched.
TEST_P(Seed, SmallSquareBadArgumentsReported) {
  uint64_t index = 0;
  for (uint32_t dtype : {DILATE_DTYPE_U8, DILATE_DTYPE_U16, DILATE_DTYPE_F32, DILATE_DTYPE_F64}) {
    // n k x k kernels: the small case (dst <= 1 KiB), and more kernels, whose
    // f32 and f64 dst past 1 KiB the one-shot call takes without a Plan too
    // (ExpandGeneral in lib/api.cc).
    struct Kernels {
      uint64_t n, k;
    };
    for (const Kernels kn : {Kernels{2, 1}, Kernels{2, 3}, Kernels{1, 5}, Kernels{16, 3},
                             Kernels{6, 5}}) {
      const uint64_t k = kn.k;
      const dilate_desc good = SquareDesc(dtype, kn.n, k, 2);
      dilate_shape shape;
      shape.struct_size = sizeof(shape);
      ASSERT_EQ(dilate_query_shape(&good, &shape), DILATE_OK);
      ASSERT_LE(shape.dst_bytes, 4096u);
      SCOPED_TRACE(testing::Message() << Describe(good));
      Rng rng(CaseSeed(0xBAD5, index++));
      GuardedBuffer src(shape.src_bytes, rng.Uniform(0, 63), rng);
      GuardedBuffer dst(shape.dst_bytes, rng.Uniform(0, 63), rng);
      const std::vector<uint8_t> dst_before = dst.Copy();
      const size_t sn = src.size(), dn = dst.size();
      dilate_plan* plan = nullptr;
      ASSERT_EQ(dilate_plan_create(&good, 0, &plan), DILATE_OK);
      // One-shot, and through a plan of the good description where the bad
      // argument is one of the call's.
      auto expect_status = [&](const dilate_desc& desc, const void* s, size_t s_bytes, void* d,
                               size_t d_bytes, dilate_status want, const char* what) {
        EXPECT_EQ(dilate_expand(&desc, s, s_bytes, d, d_bytes, nullptr), want) << what;
        EXPECT_TRUE(dst.Equals(dst_before) && dst.GuardsIntact()) << what << ": dst written";
        if (memcmp(&desc, &good, sizeof(desc)) == 0) {
          EXPECT_EQ(dilate_plan_expand(plan, s, s_bytes, d, d_bytes, nullptr), want)
              << what << " (plan)";
          EXPECT_TRUE(dst.Equals(dst_before) && dst.GuardsIntact())
              << what << ": dst written (plan)";
        }
      };
      expect_status(good, src.data(), sn - 1, dst.data(), dn, DILATE_ERROR_BUFFER_TOO_SMALL,
                    "src one byte short");
      expect_status(good, src.data(), sn, dst.data(), dn - 1, DILATE_ERROR_BUFFER_TOO_SMALL,
                    "dst one byte short");
      expect_status(good, nullptr, sn, dst.data(), dn, DILATE_ERROR_NULL_POINTER, "src NULL");
      expect_status(good, src.data(), sn, nullptr, dn, DILATE_ERROR_NULL_POINTER, "dst NULL");
      // src inside dst's bytes.
      expect_status(good, dst.data() + dn - sn, sn, dst.data(), dn, DILATE_ERROR_OVERLAP,
                    "src overlaps dst");
      dilate_desc bad = good;
      bad.struct_size -= 8;
      expect_status(bad, src.data(), sn, dst.data(), dn, DILATE_ERROR_BAD_STRUCT_SIZE,
                    "struct_size");
      bad = good;
      bad.flags = 1;
      expect_status(bad, src.data(), sn, dst.data(), dn, DILATE_ERROR_BAD_FLAGS, "flags");
      bad = good;
      bad.dtype = 99;
      expect_status(bad, src.data(), sn, dst.data(), dn, DILATE_ERROR_BAD_DTYPE, "dtype");
      bad = good;
      bad.dilation[1] = 0;
      expect_status(bad, src.data(), sn, dst.data(), dn, DILATE_ERROR_BAD_DILATION, "dilation 0");
      // Past the checks of the description that pick the small call's
      // function (kSmallDesc in lib/small.cc), each of the checks it makes:
      // both dilations 0, a dtype below the first, dst over src's last byte.
      bad = good;
      bad.dilation[0] = bad.dilation[1] = 0;
      expect_status(bad, src.data(), sn, dst.data(), dn, DILATE_ERROR_BAD_DILATION,
                    "both dilations 0");
      bad = good;
      bad.dtype = 0;
      expect_status(bad, src.data(), sn, dst.data(), dn, DILATE_ERROR_BAD_DTYPE, "dtype 0");
      {
        const std::vector<uint8_t> src_before = src.Copy();
        EXPECT_EQ(dilate_expand(&good, src.data(), sn, src.data() + sn - 1, dn, nullptr),
                  DILATE_ERROR_OVERLAP);
        EXPECT_TRUE(src.Equals(src_before) && src.GuardsIntact()) << "dst over src: written";
      }
      // No kernels: nothing to write, and nothing written.
      bad = good;
      bad.outer = 0;
      expect_status(bad, src.data(), sn, dst.data(), dn, DILATE_OK, "no kernels");
      if (dilate_dtype_size(dtype) < 8) {
        bad = good;
        bad.fill[7] = 1;  // past the element: must be 0
        expect_status(bad, src.data(), sn, dst.data(), dn, DILATE_ERROR_BAD_ARGUMENT,
                      "fill byte past the element");
      }
      dilate_options options;
      memset(&options, 0, sizeof(options));
      options.struct_size = sizeof(options) + 1;
      EXPECT_EQ(dilate_expand(&good, src.data(), sn, dst.data(), dn, &options),
                DILATE_ERROR_BAD_STRUCT_SIZE);
      EXPECT_EQ(dilate_plan_expand(plan, src.data(), sn, dst.data(), dn, &options),
                DILATE_ERROR_BAD_STRUCT_SIZE);
      EXPECT_TRUE(dst.Equals(dst_before)) << "options: dst written";
      // And the valid calls write dilate_ref's bytes.
      std::vector<uint8_t> want(shape.dst_bytes);
      dilate_ref::Expand(good, src.data(), want.data());
      ASSERT_EQ(dilate_expand(&good, src.data(), sn, dst.data(), dn, nullptr), DILATE_OK);
      EXPECT_TRUE(dst.Equals(want) && dst.GuardsIntact());
      GuardedBuffer dst2(shape.dst_bytes, rng.Uniform(0, 63), rng);
      ASSERT_EQ(dilate_plan_expand(plan, src.data(), sn, dst2.data(), dst2.size(), nullptr),
                DILATE_OK);
      EXPECT_TRUE(dst2.Equals(want) && dst2.GuardsIntact());

      // The same for dilate_contract (and dilate_plan_contract) of the
      // expanded tensor `want` into a dense one: each bad argument reported
      // with the general path's status, dense untouched.
      GuardedBuffer exp(shape.dst_bytes, rng.Uniform(0, 63), rng);
      memcpy(exp.data(), want.data(), want.size());
      GuardedBuffer dense(shape.src_bytes, rng.Uniform(0, 63), rng);
      const std::vector<uint8_t> dense_before = dense.Copy();
      const size_t en = exp.size(), cn = dense.size();
      auto expect_contract = [&](const dilate_desc& desc, const void* e, size_t e_bytes, void* c,
                                 size_t c_bytes, dilate_status want_status, const char* what) {
        EXPECT_EQ(dilate_contract(&desc, e, e_bytes, c, c_bytes, nullptr), want_status) << what;
        EXPECT_TRUE(dense.Equals(dense_before) && dense.GuardsIntact())
            << what << ": dense written";
        if (memcmp(&desc, &good, sizeof(desc)) == 0) {
          EXPECT_EQ(dilate_plan_contract(plan, e, e_bytes, c, c_bytes, nullptr), want_status)
              << what << " (plan)";
          EXPECT_TRUE(dense.Equals(dense_before) && dense.GuardsIntact())
              << what << ": dense written (plan)";
        }
      };
      expect_contract(good, exp.data(), en - 1, dense.data(), cn, DILATE_ERROR_BUFFER_TOO_SMALL,
                      "contract: expanded one byte short");
      expect_contract(good, exp.data(), en, dense.data(), cn - 1, DILATE_ERROR_BUFFER_TOO_SMALL,
                      "contract: dense one byte short");
      expect_contract(good, nullptr, en, dense.data(), cn, DILATE_ERROR_NULL_POINTER,
                      "contract: expanded NULL");
      expect_contract(good, exp.data(), en, nullptr, cn, DILATE_ERROR_NULL_POINTER,
                      "contract: dense NULL");
      // dense inside the expanded tensor's bytes: reported, nothing written.
      const std::vector<uint8_t> exp_before = exp.Copy();
      EXPECT_EQ(dilate_contract(&good, exp.data(), en, exp.data() + en - cn, cn, nullptr),
                DILATE_ERROR_OVERLAP);
      EXPECT_EQ(dilate_plan_contract(plan, exp.data(), en, exp.data() + en - cn, cn, nullptr),
                DILATE_ERROR_OVERLAP);
      EXPECT_TRUE(exp.Equals(exp_before) && exp.GuardsIntact()) << "contract overlap: written";
      bad = good;
      bad.struct_size -= 8;
      expect_contract(bad, exp.data(), en, dense.data(), cn, DILATE_ERROR_BAD_STRUCT_SIZE,
                      "contract: struct_size");
      bad = good;
      bad.flags = 1;
      expect_contract(bad, exp.data(), en, dense.data(), cn, DILATE_ERROR_BAD_FLAGS,
                      "contract: flags");
      bad = good;
      bad.dtype = 99;
      expect_contract(bad, exp.data(), en, dense.data(), cn, DILATE_ERROR_BAD_DTYPE,
                      "contract: dtype");
      bad = good;
      bad.dilation[0] = 0;
      expect_contract(bad, exp.data(), en, dense.data(), cn, DILATE_ERROR_BAD_DILATION,
                      "contract: dilation 0");
      bad = good;
      bad.dilation[0] = bad.dilation[1] = 0;
      expect_contract(bad, exp.data(), en, dense.data(), cn, DILATE_ERROR_BAD_DILATION,
                      "contract: both dilations 0");
      bad = good;
      bad.dtype = 0;
      expect_contract(bad, exp.data(), en, dense.data(), cn, DILATE_ERROR_BAD_DTYPE,
                      "contract: dtype 0");
      bad = good;
      bad.outer = 0;
      expect_contract(bad, exp.data(), en, dense.data(), cn, DILATE_OK, "contract: no kernels");
      // The expanded tensor from dense's last byte.
      EXPECT_EQ(dilate_contract(&good, dense.data() + cn - 1, en, dense.data(), cn, nullptr),
                DILATE_ERROR_OVERLAP);
      EXPECT_TRUE(dense.Equals(dense_before) && dense.GuardsIntact()) << "over dense: written";
      if (dilate_dtype_size(dtype) < 8) {
        bad = good;
        bad.fill[7] = 1;
        expect_contract(bad, exp.data(), en, dense.data(), cn, DILATE_ERROR_BAD_ARGUMENT,
                        "contract: fill byte past the element");
      }
      EXPECT_EQ(dilate_contract(&good, exp.data(), en, dense.data(), cn, &options),
                DILATE_ERROR_BAD_STRUCT_SIZE);
      EXPECT_EQ(dilate_plan_contract(plan, exp.data(), en, dense.data(), cn, &options),
                DILATE_ERROR_BAD_STRUCT_SIZE);
      EXPECT_TRUE(dense.Equals(dense_before)) << "contract options: dense written";
      std::vector<uint8_t> want_dense(shape.src_bytes);
      dilate_ref::Contract(good, want.data(), want_dense.data(), want_dense.size());
      ASSERT_EQ(dilate_contract(&good, exp.data(), en, dense.data(), cn, nullptr), DILATE_OK);
      EXPECT_TRUE(dense.Equals(want_dense) && dense.GuardsIntact());
      GuardedBuffer dense2(shape.src_bytes, rng.Uniform(0, 63), rng);
      ASSERT_EQ(dilate_plan_contract(plan, exp.data(), en, dense2.data(), dense2.size(), nullptr),
                DILATE_OK);
      EXPECT_TRUE(dense2.Equals(want_dense) && dense2.GuardsIntact());
      dilate_plan_destroy(plan);
    }
  }
}

DILATE_INSTANTIATE_ON_ALL_TARGETS(Seed);

}  // namespace
}  // namespace dilate_test
