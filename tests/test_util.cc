#include "tests/test_util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <sstream>
#include <thread>

namespace dilate_test {

double Scale() {
  static const double scale = [] {
    const char* env = getenv("DILATE_TEST_SCALE");
    if (env == nullptr || env[0] == '\0') return 1.0;
    const double v = atof(env);
    return v > 0 ? v : 1.0;
  }();
  return scale;
}

uint64_t Scaled(uint64_t n, uint64_t min) {
  const uint64_t v = static_cast<uint64_t>(static_cast<double>(n) * Scale() + 0.5);
  return std::max(v, min);
}

uint64_t Rng::Next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void Rng::FillBytes(void* p, size_t n) {
  uint8_t* b = static_cast<uint8_t*>(p);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const uint64_t v = Next();
    memcpy(b + i, &v, 8);
  }
  if (i < n) {
    const uint64_t v = Next();
    memcpy(b + i, &v, n - i);
  }
}

uint64_t CaseSeed(uint64_t test_seed, uint64_t index) {
  Rng rng(test_seed * 0x100000001B3ull + index);
  return rng.Next();
}

GuardedBuffer::GuardedBuffer(size_t size, size_t misalign, Rng& rng) : size_(size) {
  // [pad to 64][kGuard][misalign][data][kGuard]
  storage_.resize(64 + kGuard + 64 + size + kGuard);
  const uintptr_t base = reinterpret_cast<uintptr_t>(storage_.data());
  const size_t to64 = (64 - base % 64) % 64;
  data_ = storage_.data() + to64 + kGuard + misalign % 64;
  guard_ = static_cast<uint8_t>(rng.Next() | 1);
  memset(storage_.data(), guard_, storage_.size());
  rng.FillBytes(data_, size_);
}

bool GuardedBuffer::GuardsIntact() const {
  const uint8_t* begin = storage_.data();
  const uint8_t* end = begin + storage_.size();
  for (const uint8_t* p = begin; p < data_; ++p) {
    if (*p != guard_) return false;
  }
  for (const uint8_t* p = data_ + size_; p < end; ++p) {
    if (*p != guard_) return false;
  }
  return true;
}

bool GuardedBuffer::Equals(const std::vector<uint8_t>& bytes) const {
  return bytes.size() == size_ && (size_ == 0 || memcmp(bytes.data(), data_, size_) == 0);
}

ExpectedShape ComputeShape(const dilate_desc& desc) {
  ExpectedShape out{};
  out.status = DILATE_OK;
  const uint64_t elem = dilate_dtype_size(desc.dtype);
  unsigned __int128 src = desc.outer * static_cast<unsigned __int128>(desc.inner);
  unsigned __int128 dst = src;
  for (uint32_t i = 0; i < desc.rank; ++i) {
    const int64_t s = static_cast<int64_t>(desc.src_dims[i]);
    const int64_t d = static_cast<int64_t>(desc.dilation[i]);
    // p = lo + s + (s - 1)(d - 1) + hi, the middle term 0 when s = 0.
    const int64_t p = desc.pad_lo[i] + s + (s == 0 ? 0 : (s - 1) * (d - 1)) + desc.pad_hi[i];
    out.dst_dims[i] = p;
    if (p < 0) out.status = DILATE_ERROR_NEGATIVE_EXTENT;
    src *= static_cast<uint64_t>(s);
    dst *= static_cast<uint64_t>(p < 0 ? 0 : p);
  }
  out.src_elems = static_cast<uint64_t>(src);
  out.dst_elems = static_cast<uint64_t>(dst);
  out.src_bytes = static_cast<uint64_t>(src * elem);
  out.dst_bytes = static_cast<uint64_t>(dst * elem);
  return out;
}

void ExpectQueryShapeMatches(const dilate_desc& desc, const ExpectedShape& want) {
  dilate_shape shape;
  memset(&shape, 0xA5, sizeof(shape));
  shape.struct_size = sizeof(shape);
  const dilate_status s = dilate_query_shape(&desc, &shape);
  ASSERT_EQ(s, want.status) << dilate_status_string(s);
  if (s != DILATE_OK) return;
  EXPECT_EQ(shape.struct_size, sizeof(shape));
  EXPECT_EQ(shape.rank, desc.rank);
  EXPECT_EQ(shape.elem_size, dilate_dtype_size(desc.dtype));
  EXPECT_EQ(shape.reserved, 0u);
  for (uint32_t i = 0; i < DILATE_MAX_RANK; ++i) {
    const uint64_t want_dim = i < desc.rank ? static_cast<uint64_t>(want.dst_dims[i]) : 0;
    EXPECT_EQ(shape.dst_dims[i], want_dim) << "axis " << i;
  }
  EXPECT_EQ(shape.src_elems, want.src_elems);
  EXPECT_EQ(shape.dst_elems, want.dst_elems);
  EXPECT_EQ(shape.src_bytes, want.src_bytes);
  EXPECT_EQ(shape.dst_bytes, want.dst_bytes);
}

namespace {

// Mostly small extents, so thousands of cases stay fast, but the whole range
// is drawn often enough.
uint64_t RandomExtent(Rng& rng, uint64_t max) {
  return rng.OneIn(3) ? rng.Uniform(0, max) : rng.Uniform(0, std::min<uint64_t>(max, 8));
}

uint64_t RandomInner(Rng& rng) {
  const uint64_t r = rng.Uniform(0, 9);
  if (r < 5) return rng.Uniform(1, 4);
  if (r < 8) return rng.Uniform(5, 16);
  return rng.Uniform(17, 70);
}

// Raises pad_hi where an axis crops below zero.
void FixNegativeExtents(dilate_desc* desc) {
  const ExpectedShape shape = ComputeShape(*desc);
  for (uint32_t i = 0; i < desc->rank; ++i) {
    if (shape.dst_dims[i] < 0) desc->pad_hi[i] -= shape.dst_dims[i];
  }
}

}  // namespace

dilate_desc CubeDesc(uint32_t dtype, uint32_t rank, uint64_t outer, uint64_t inner, uint64_t k,
                     uint64_t d) {
  dilate_desc desc;
  dilate_desc_init(&desc);
  desc.dtype = dtype;
  desc.rank = rank;
  desc.outer = outer;
  desc.inner = inner;
  for (uint32_t a = 0; a < rank; ++a) {
    desc.src_dims[a] = k;
    desc.dilation[a] = d;
  }
  return desc;
}

dilate_desc RandomDesc(Rng& rng, uint64_t max_dst_bytes, bool allow_negative_extent) {
  static const uint64_t kMaxDim[] = {40, 40, 20, 10};
  dilate_desc desc;
  dilate_desc_init(&desc);
  desc.dtype = static_cast<uint32_t>(rng.Uniform(1, 12));
  desc.rank = static_cast<uint32_t>(rng.Uniform(1, 4));
  desc.outer = rng.Uniform(0, 5);
  desc.inner = RandomInner(rng);
  for (uint32_t i = 0; i < desc.rank; ++i) {
    desc.src_dims[i] = RandomExtent(rng, kMaxDim[desc.rank - 1]);
    desc.dilation[i] = rng.Uniform(1, 9);
    desc.pad_lo[i] = rng.OneIn(2) ? 0 : rng.UniformSigned(-3, 3);
    desc.pad_hi[i] = rng.OneIn(2) ? 0 : rng.UniformSigned(-3, 3);
  }
  if (!rng.OneIn(2)) {
    uint8_t value[8];
    rng.FillBytes(value, sizeof(value));
    EXPECT_EQ(dilate_desc_set_fill(&desc, value), DILATE_OK);
  }
  if (!allow_negative_extent) FixNegativeExtents(&desc);
  for (;;) {
    const ExpectedShape shape = ComputeShape(desc);
    if (shape.status != DILATE_OK || shape.dst_bytes <= max_dst_bytes) break;
    if (desc.inner > 1) {
      desc.inner /= 2;
    } else {
      uint64_t* largest = std::max_element(desc.src_dims, desc.src_dims + desc.rank);
      *largest /= 2;
      if (!allow_negative_extent) FixNegativeExtents(&desc);
    }
  }
  return desc;
}

std::string Describe(const dilate_desc& desc) {
  std::ostringstream os;
  const char* name = dilate_dtype_name(desc.dtype);
  os << "{dtype=" << (name ? name : "?") << "(" << desc.dtype << ") rank=" << desc.rank
     << " outer=" << desc.outer << " inner=" << desc.inner;
  const uint32_t n = std::min<uint32_t>(desc.rank, DILATE_MAX_RANK);
  const auto list = [&](const char* label, auto* v) {
    os << " " << label << "=[";
    for (uint32_t i = 0; i < n; ++i) os << (i ? "," : "") << v[i];
    os << "]";
  };
  list("s", desc.src_dims);
  list("d", desc.dilation);
  list("lo", desc.pad_lo);
  list("hi", desc.pad_hi);
  char fill[40];
  snprintf(fill, sizeof(fill), " fill=%02x%02x%02x%02x%02x%02x%02x%02x}", desc.fill[0],
           desc.fill[1], desc.fill[2], desc.fill[3], desc.fill[4], desc.fill[5], desc.fill[6],
           desc.fill[7]);
  os << fill;
  return os.str();
}

void TargetTest::SetUp() {
  ASSERT_EQ(dilate_set_target(target()), DILATE_OK) << target();
  const char* running = dilate_target_name();
  ASSERT_NE(running, nullptr);
  ASSERT_STREQ(running, target()) << "the forced target is not the one that runs";
  RecordProperty("target", target());
}

void TargetTest::TearDown() {
  // Nothing in a test may leave another target behind (tests that change it
  // restore it themselves).
  const char* running = dilate_target_name();
  EXPECT_TRUE(running != nullptr && strcmp(running, target()) == 0)
      << "target changed during the test: " << (running ? running : "(null)");
  EXPECT_EQ(dilate_set_target(nullptr), DILATE_OK);
}

std::string TargetTestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

void ReverseRunner::Run(void* ctx, uint64_t task_count, dilate_task_fn task, void* task_ctx) {
  ReverseRunner* self = static_cast<ReverseRunner*>(ctx);
  self->calls.assign(task_count, 0);
  self->max_task_count = std::max(self->max_task_count, task_count);
  for (uint64_t i = task_count; i-- > 0;) {
    ++self->calls[i];
    task(task_ctx, i);
  }
}

void ThreadRunner::Run(void* ctx, uint64_t task_count, dilate_task_fn task, void* task_ctx) {
  const ThreadRunner* self = static_cast<const ThreadRunner*>(ctx);
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < self->threads; ++t) {
    threads.emplace_back([=] {
      for (uint64_t i = t; i < task_count; i += self->threads) task(task_ctx, i);
    });
  }
  for (std::thread& th : threads) th.join();
}

}  // namespace dilate_test
