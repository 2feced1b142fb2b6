// Thin, header-only C++17 convenience over the C ABI in dilate.h: typed
// descriptions and std::vector overloads. Nothing here throws; every call
// returns the library's dilate_status.
//
//   dilate::Desc desc = dilate::Desc::Of<float>({7, 7}).Outer(n).Dilation(3);
//   std::vector<float> out;
//   dilate_status s = dilate::Expand(desc, kernels, out);  // resizes out
#ifndef DILATE_DILATE_HPP_
#define DILATE_DILATE_HPP_

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <initializer_list>
#include <vector>

#include "dilate/dilate.h"

namespace dilate {

// The dtype naming a C++ element type (half types: use DtypeOf<uint16_t> or
// name DILATE_DTYPE_F16 / BF16 explicitly).
template <typename T>
struct DtypeOf;
#define DILATE_HPP_DTYPE(T, V) \
  template <>                  \
  struct DtypeOf<T> {          \
    static constexpr uint32_t value = V; \
  };
DILATE_HPP_DTYPE(uint8_t, DILATE_DTYPE_U8)
DILATE_HPP_DTYPE(int8_t, DILATE_DTYPE_I8)
DILATE_HPP_DTYPE(uint16_t, DILATE_DTYPE_U16)
DILATE_HPP_DTYPE(int16_t, DILATE_DTYPE_I16)
DILATE_HPP_DTYPE(uint32_t, DILATE_DTYPE_U32)
DILATE_HPP_DTYPE(int32_t, DILATE_DTYPE_I32)
DILATE_HPP_DTYPE(float, DILATE_DTYPE_F32)
DILATE_HPP_DTYPE(uint64_t, DILATE_DTYPE_U64)
DILATE_HPP_DTYPE(int64_t, DILATE_DTYPE_I64)
DILATE_HPP_DTYPE(double, DILATE_DTYPE_F64)
#undef DILATE_HPP_DTYPE

// A dilate_desc with chainable setters. Invalid values are not rejected
// here; the library reports them when the description is used.
class Desc {
 public:
  Desc(uint32_t dtype, std::initializer_list<uint64_t> src_dims) {
    dilate_desc_init(&d_);
    d_.dtype = dtype;
    for (uint64_t s : src_dims) {
      if (d_.rank < DILATE_MAX_RANK) d_.src_dims[d_.rank] = s;
      ++d_.rank;  // > DILATE_MAX_RANK is reported as DILATE_ERROR_BAD_RANK
    }
  }
  template <typename T>
  static Desc Of(std::initializer_list<uint64_t> src_dims) {
    return Desc(DtypeOf<T>::value, src_dims);
  }

  Desc& Outer(uint64_t outer) { return d_.outer = outer, *this; }
  Desc& Inner(uint64_t inner) { return d_.inner = inner, *this; }
  // The same dilation on every axis.
  Desc& Dilation(uint64_t d) {
    for (uint64_t& x : d_.dilation) x = d;
    return *this;
  }
  // One dilation per axis, in order.
  Desc& Dilation(std::initializer_list<uint64_t> per_axis) {
    uint32_t i = 0;
    for (uint64_t d : per_axis) {
      if (i < DILATE_MAX_RANK) d_.dilation[i++] = d;
    }
    return *this;
  }
  Desc& Pad(uint32_t axis, int64_t lo, int64_t hi) {
    if (axis < DILATE_MAX_RANK) {
      d_.pad_lo[axis] = lo;
      d_.pad_hi[axis] = hi;
    }
    return *this;
  }
  // The fill element; sizeof(T) must equal the dtype's size.
  template <typename T>
  Desc& Fill(T value) {
    static_assert(sizeof(T) <= sizeof(d_.fill), "elements are at most 8 bytes");
    memset(d_.fill, 0, sizeof(d_.fill));
    memcpy(d_.fill, &value, sizeof(T));
    return *this;
  }

  dilate_status Shape(dilate_shape* shape) const {
    shape->struct_size = sizeof(*shape);
    return dilate_query_shape(&d_, shape);
  }
  const dilate_desc* c_desc() const { return &d_; }

 private:
  dilate_desc d_;
};

inline dilate_status Expand(const Desc& desc, const void* src, size_t src_bytes, void* dst,
                            size_t dst_bytes, const dilate_options* options = nullptr) {
  return dilate_expand(desc.c_desc(), src, src_bytes, dst, dst_bytes, options);
}

inline dilate_status Contract(const Desc& desc, const void* expanded, size_t expanded_bytes,
                              void* dense, size_t dense_bytes,
                              const dilate_options* options = nullptr) {
  return dilate_contract(desc.c_desc(), expanded, expanded_bytes, dense, dense_bytes, options);
}

// Expands src into dst, resizing dst to the dst shape. T must match the
// dtype's size (checked: DILATE_ERROR_BAD_DTYPE otherwise).
template <typename T>
dilate_status Expand(const Desc& desc, const std::vector<T>& src, std::vector<T>& dst,
                     const dilate_options* options = nullptr) {
  dilate_shape shape;
  const dilate_status s = desc.Shape(&shape);
  if (s != DILATE_OK) return s;
  if (shape.elem_size != sizeof(T)) return DILATE_ERROR_BAD_DTYPE;
  dst.resize(shape.dst_elems);
  return dilate_expand(desc.c_desc(), src.data(), src.size() * sizeof(T), dst.data(),
                       dst.size() * sizeof(T), options);
}

// Contracts expanded into dense, resizing dense to the src shape.
template <typename T>
dilate_status Contract(const Desc& desc, const std::vector<T>& expanded, std::vector<T>& dense,
                       const dilate_options* options = nullptr) {
  dilate_shape shape;
  const dilate_status s = desc.Shape(&shape);
  if (s != DILATE_OK) return s;
  if (shape.elem_size != sizeof(T)) return DILATE_ERROR_BAD_DTYPE;
  dense.resize(shape.src_elems);
  return dilate_contract(desc.c_desc(), expanded.data(), expanded.size() * sizeof(T),
                         dense.data(), dense.size() * sizeof(T), options);
}

// A dilate_plan (libdilate 1.1) owned by value: created from a Desc,
// destroyed with the object, movable, not copyable. A failed creation is
// kept in status() and returned by every call.
//
//   dilate::Plan plan(desc);
//   for (...) s = plan.Expand(src, src_bytes, dst, dst_bytes);
class Plan {
 public:
  explicit Plan(const Desc& desc, uint32_t flags = 0)
      : status_(dilate_plan_create(desc.c_desc(), flags, &plan_)) {}
  ~Plan() { dilate_plan_destroy(plan_); }
  Plan(Plan&& other) noexcept : plan_(other.plan_), status_(other.status_) {
    other.plan_ = nullptr;
    other.status_ = DILATE_ERROR_NULL_POINTER;
  }
  Plan& operator=(Plan&& other) noexcept {
    if (this != &other) {
      dilate_plan_destroy(plan_);
      plan_ = other.plan_;
      status_ = other.status_;
      other.plan_ = nullptr;
      other.status_ = DILATE_ERROR_NULL_POINTER;
    }
    return *this;
  }
  Plan(const Plan&) = delete;
  Plan& operator=(const Plan&) = delete;

  // DILATE_OK, or why dilate_plan_create refused the description.
  dilate_status status() const { return status_; }
  explicit operator bool() const { return plan_ != nullptr; }
  const dilate_plan* c_plan() const { return plan_; }

  dilate_status Expand(const void* src, size_t src_bytes, void* dst, size_t dst_bytes,
                       const dilate_options* options = nullptr) const {
    if (plan_ == nullptr) return status_;
    return dilate_plan_expand(plan_, src, src_bytes, dst, dst_bytes, options);
  }
  dilate_status Contract(const void* expanded, size_t expanded_bytes, void* dense,
                         size_t dense_bytes, const dilate_options* options = nullptr) const {
    if (plan_ == nullptr) return status_;
    return dilate_plan_contract(plan_, expanded, expanded_bytes, dense, dense_bytes, options);
  }

 private:
  dilate_plan* plan_ = nullptr;
  dilate_status status_;
};

}  // namespace dilate

#endif  // DILATE_DILATE_HPP_
