/*
 * libdilate — expand dense tensors into dilated ones (and back) at memory speed.
 *
 * This is the whole public C ABI. It is C99-clean and stable: within major
 * version 1 nothing here is renumbered, removed or changes meaning; new
 * functionality arrives as new entry points, new enum values, new flag bits
 * or new fields appended to the structs below (each struct carries its own
 * size, so a binary built against 1.0 keeps working with any 1.x library).
 *
 * The operation
 * -------------
 * View src as a row-major tensor [outer, s_1 ... s_r, inner] with r spatial
 * axes (1 <= r <= DILATE_MAX_RANK). Per axis i: dilation d_i >= 1 and edge
 * padding lo_i, hi_i (signed; negative values crop, as XLA's Pad does).
 * dst is [outer, p_1 ... p_r, inner] with
 *
 *     p_i = lo_i + s_i + (s_i - 1)(d_i - 1) + hi_i     (middle term 0 if s_i = 0)
 *
 * and dst[o, lo_1 + x_1 d_1, ..., lo_r + x_r d_r, c] = src[o, x_1, ..., x_r, c]
 * wherever that position lies inside dst; every other element of dst is the
 * fill value. `inner` elements move together, so one call serves OIHW
 * (outer = O*I, inner = 1), HWIO (outer = 1, inner = I*O), OHWI (outer = O,
 * inner = I) weights and NCHW / NHWC feature maps alike.
 *
 * dilate_contract() is the inverse (the gradient of expand): it reads a
 * dst-shaped tensor and writes the src-shaped tensor of its taps.
 *
 * Guarantees
 * ----------
 * - Results are byte-exact and identical on every CPU and every target.
 * - Bad input returns a specific dilate_status and leaves every output
 *   buffer untouched: everything is validated before anything is written.
 * - The library never prints, aborts, throws or keeps threads alive, and
 *   allocates only in dilate_plan_create and for the threads a call starts
 *   with num_threads (if that fails, the caller's thread does the work). Its
 *   only mutable global state is the target choice (see dilate_set_target);
 *   concurrent calls from many threads are safe.
 */
#ifndef DILATE_DILATE_H_
#define DILATE_DILATE_H_

#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- version */

#define DILATE_VERSION_MAJOR 1
#define DILATE_VERSION_MINOR 1
#define DILATE_VERSION_PATCH 0
/* MAJOR * 10000 + MINOR * 100 + PATCH, comparable with dilate_version_number(). */
#define DILATE_VERSION_NUMBER \
  (DILATE_VERSION_MAJOR * 10000 + DILATE_VERSION_MINOR * 100 + DILATE_VERSION_PATCH)
#define DILATE_VERSION_STRING "1.1.0"

/* ----------------------------------------------------------------- export */

#ifndef DILATE_API
#if defined(DILATE_STATIC_DEFINE)
#define DILATE_API
#elif defined(_WIN32)
#if defined(DILATE_BUILDING_LIBRARY)
#define DILATE_API __declspec(dllexport)
#else
#define DILATE_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define DILATE_API __attribute__((visibility("default")))
#else
#define DILATE_API
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* In C++ the enums get a fixed underlying type, so any int a C caller
 * passes (say, a status from a newer library) is a valid value: same size
 * and passing as the C enum. */
#ifdef __cplusplus
#define DILATE_ENUM_INT : int
#else
#define DILATE_ENUM_INT
#endif

/* Maximum number of spatial axes in a description. */
#define DILATE_MAX_RANK 8

/* ----------------------------------------------------------------- status */

/* Every entry point that can fail returns one of these. The values are
 * pinned: never renumbered, new codes only appended. */
typedef enum dilate_status DILATE_ENUM_INT {
  DILATE_OK = 0,
  /* A required pointer is NULL (a buffer pointer may be NULL only when the
   * tensor it holds has zero bytes). */
  DILATE_ERROR_NULL_POINTER = 1,
  /* struct_size of a dilate_desc, dilate_shape or dilate_options is not one
   * this library knows (too small, or from a newer header). */
  DILATE_ERROR_BAD_STRUCT_SIZE = 2,
  /* dtype is not a dilate_dtype value. */
  DILATE_ERROR_BAD_DTYPE = 3,
  /* rank is 0 or above DILATE_MAX_RANK. */
  DILATE_ERROR_BAD_RANK = 4,
  /* A dilation of 0 on an axis within rank. */
  DILATE_ERROR_BAD_DILATION = 5,
  /* Negative padding crops a dst dimension below zero. */
  DILATE_ERROR_NEGATIVE_EXTENT = 6,
  /* An element count, byte size or padded extent does not fit in 64 bits
   * (or, for byte sizes, in size_t), or a padding is INT64_MIN. */
  DILATE_ERROR_OVERFLOW = 7,
  /* The input and output buffers overlap. */
  DILATE_ERROR_OVERLAP = 8,
  /* A buffer is smaller than the description needs. */
  DILATE_ERROR_BUFFER_TOO_SMALL = 9,
  /* An unknown flag bit, a flag the operation does not take, or a non-zero
   * reserved field. */
  DILATE_ERROR_BAD_FLAGS = 10,
  /* dilate_contract with DILATE_FLAG_VERIFY_HOLES: some element that is not
   * a tap differs from the fill value. The dense output is still written. */
  DILATE_ERROR_HOLE_NOT_FILL = 11,
  /* A target name (dilate_set_target or DILATE_TARGET) that this build does
   * not know. */
  DILATE_ERROR_UNKNOWN_TARGET = 12,
  /* A target this build knows but this CPU cannot run. */
  DILATE_ERROR_UNSUPPORTED_TARGET = 13,
  /* An invalid argument not covered above: an unknown `which` for
   * dilate_list_targets, or non-zero bytes in dilate_desc.fill beyond the
   * element size; or a dilate_plan that dilate_plan_create did not make.
   */
  DILATE_ERROR_BAD_ARGUMENT = 14,
  /* dilate_plan_create could not allocate the plan (since 1.1). */
  DILATE_ERROR_OUT_OF_MEMORY = 15
} dilate_status;

/* A static English description of a status ("unknown status" for values
 * this library does not know). Never NULL. */
DILATE_API const char* dilate_status_string(dilate_status status);

/* ------------------------------------------------------------ element types */

/* Element types, by name. Values are pinned. Only the element size matters
 * to the data movement; the name documents intent and fixes the size. */
typedef enum dilate_dtype DILATE_ENUM_INT {
  DILATE_DTYPE_U8 = 1,
  DILATE_DTYPE_I8 = 2,
  DILATE_DTYPE_U16 = 3,
  DILATE_DTYPE_I16 = 4,
  DILATE_DTYPE_F16 = 5,
  DILATE_DTYPE_BF16 = 6,
  DILATE_DTYPE_U32 = 7,
  DILATE_DTYPE_I32 = 8,
  DILATE_DTYPE_F32 = 9,
  DILATE_DTYPE_U64 = 10,
  DILATE_DTYPE_I64 = 11,
  DILATE_DTYPE_F64 = 12
} dilate_dtype;

/* Size in bytes of one element of `dtype` (1, 2, 4 or 8), or 0 if unknown. */
DILATE_API uint32_t dilate_dtype_size(uint32_t dtype);
/* "f32", "bf16", ... or NULL if unknown. */
DILATE_API const char* dilate_dtype_name(uint32_t dtype);

/* ------------------------------------------------------------ description */

/* What to expand. Plain fixed-width fields, no padding between them, no
 * unions or bit-fields: Rust (#[repr(C)]) and Go (cgo) map it directly.
 * Start from dilate_desc_init(), which sets struct_size and the defaults. */
typedef struct dilate_desc {
  uint32_t struct_size; /* sizeof(dilate_desc) of the caller's header */
  uint32_t dtype;       /* a dilate_dtype value */
  uint32_t rank;        /* number of spatial axes, 1 .. DILATE_MAX_RANK */
  uint32_t flags;       /* reserved in 1.0: must be 0 */
  uint64_t outer;       /* leading batch extent (O*I for OIHW); may be 0 */
  uint64_t inner;       /* trailing extent moved as one unit (I*O for HWIO) */
  uint64_t src_dims[DILATE_MAX_RANK]; /* s_i, entries [0, rank) used */
  uint64_t dilation[DILATE_MAX_RANK]; /* d_i >= 1 */
  int64_t pad_lo[DILATE_MAX_RANK];    /* lo_i; negative crops */
  int64_t pad_hi[DILATE_MAX_RANK];    /* hi_i; negative crops */
  /* The fill element's bytes in memory order (the first dtype-size bytes
   * are used, the rest must be 0). All zero means fill with zero. Set it
   * with dilate_desc_set_fill() or memcpy of one element. */
  uint8_t fill[8];
} dilate_desc;

/* Resets *desc: struct_size = sizeof(dilate_desc), dtype 0 (to be set),
 * rank 0 (to be set), outer = inner = 1, every dilation 1, no padding,
 * zero fill. Does nothing if desc is NULL. */
DILATE_API void dilate_desc_init(dilate_desc* desc);

/* Copies one element (dilate_dtype_size(desc->dtype) bytes) from `value`
 * into desc->fill and clears the unused bytes. */
DILATE_API dilate_status dilate_desc_set_fill(dilate_desc* desc, const void* value);

/* --------------------------------------------------------------- shapes */

/* Output of dilate_query_shape. The caller sets struct_size. */
typedef struct dilate_shape {
  uint32_t struct_size; /* set by the caller: sizeof(dilate_shape) */
  uint32_t rank;
  uint32_t elem_size;   /* bytes per element */
  uint32_t reserved;    /* written as 0 */
  uint64_t dst_dims[DILATE_MAX_RANK]; /* p_i; entries past rank are 0 */
  uint64_t src_elems;   /* outer * prod(s_i) * inner */
  uint64_t dst_elems;   /* outer * prod(p_i) * inner */
  uint64_t src_bytes;
  uint64_t dst_bytes;
} dilate_shape;

/* Validates `desc` and fills *shape. Overflow of any count or byte size is
 * reported as DILATE_ERROR_OVERFLOW, never wrapped. */
DILATE_API dilate_status dilate_query_shape(const dilate_desc* desc, dilate_shape* shape);

/* --------------------------------------------------------------- options */

/* A task the library hands to a caller-supplied runner: process part
 * `task_index` of the work. */
typedef void (*dilate_task_fn)(void* task_ctx, uint64_t task_index);

/* A caller-supplied parallel-for: call task(task_ctx, i) exactly once for
 * every i in [0, task_count), on any threads, and return when all are done.
 * (This is how pthreadpool, a oneDNN threadpool or libjxl's runner plug in.) */
typedef void (*dilate_parallel_for_fn)(void* runner_ctx, uint64_t task_count,
                                       dilate_task_fn task, void* task_ctx);

/* Flag bits for dilate_options.flags. */
/* dilate_contract only: also check that every element that is not a tap
 * equals the fill value; DILATE_ERROR_HOLE_NOT_FILL if one does not. */
#define DILATE_FLAG_VERIFY_HOLES 0x1u

/* Optional per-call options; pass NULL for the defaults (serial on the
 * caller's thread, no flags). */
typedef struct dilate_options {
  uint32_t struct_size; /* sizeof(dilate_options) */
  uint32_t flags;       /* DILATE_FLAG_* bits */
  /* With parallel_for == NULL: 0 or 1 runs serially on the caller's thread;
   * n > 1 runs on the caller's thread plus up to n - 1 threads started for
   * this call and joined before it returns: one per 16 MiB of output (a
   * smaller call runs serially; starting a thread costs tens of
   * microseconds or more). With parallel_for set: a hint of how many
   * threads the runner has (0 = unknown). Results are identical whatever
   * the threading. */
  uint32_t num_threads;
  uint32_t reserved;    /* must be 0 */
  dilate_parallel_for_fn parallel_for; /* NULL: no runner */
  void* runner_ctx;                    /* passed to parallel_for */
} dilate_options;

/* ------------------------------------------------------------- operations */

/* Expands src (src_bytes available) into dst (dst_bytes available).
 * Needs src_bytes >= shape.src_bytes and dst_bytes >= shape.dst_bytes;
 * bytes past those are not touched. src and dst must not overlap.
 * Any alignment is accepted. */
DILATE_API dilate_status dilate_expand(const dilate_desc* desc, const void* src,
                                       size_t src_bytes, void* dst, size_t dst_bytes,
                                       const dilate_options* options);

/* The inverse: reads the dst-shaped tensor `expanded` and writes the
 * src-shaped tensor `dense` of its taps. src elements whose tap is cropped
 * away by negative padding are written as zero bytes (the gradient of
 * expand). With DILATE_FLAG_VERIFY_HOLES also checks every non-tap element
 * of `expanded` against the fill value. */
DILATE_API dilate_status dilate_contract(const dilate_desc* desc, const void* expanded,
                                         size_t expanded_bytes, void* dense,
                                         size_t dense_bytes, const dilate_options* options);

/* The common case in one call: n kernels of k x k elements (src holds
 * n*k*k elements), dilation d on both axes, no padding, zero fill; dst
 * receives n*L*L elements with L = k + (k - 1)(d - 1). */
DILATE_API dilate_status dilate_expand_2d(uint32_t dtype, uint64_t n, uint64_t k, uint64_t d,
                                          const void* src, void* dst);

/* ------------------------------------------------------------------ plans */

/* A plan (since 1.1) is a description validated once, with the tables the
 * calls would otherwise build on every call: for code that expands or
 * contracts tensors of one shape many times (a small kernel per call, or
 * weights re-expanded per batch). dilate_plan_expand / dilate_plan_contract
 * then check only the buffers and options, and give byte-for-byte the
 * results of dilate_expand / dilate_contract with the same description.
 *
 * The tables are built for the target active at creation; after
 * dilate_set_target chooses another, calls stay correct and build their
 * tables per call as dilate_expand does. A plan is never written after
 * creation: any number of threads may use one plan at once. Creation is the
 * only place the library allocates (one block, released by
 * dilate_plan_destroy). */
typedef struct dilate_plan dilate_plan;

/* Validates desc (as dilate_expand would, with the same status codes) and
 * stores a new plan in *plan. Also DILATE_ERROR_NULL_POINTER (plan NULL),
 * DILATE_ERROR_BAD_FLAGS (`flags` is reserved: 0), the DILATE_TARGET error
 * (see dilate_target_name) and DILATE_ERROR_OUT_OF_MEMORY; on any error
 * *plan is left untouched. */
DILATE_API dilate_status dilate_plan_create(const dilate_desc* desc, uint32_t flags,
                                            dilate_plan** plan);

/* Releases a plan. NULL does nothing. */
DILATE_API void dilate_plan_destroy(dilate_plan* plan);

/* dilate_expand with the plan's description. */
DILATE_API dilate_status dilate_plan_expand(const dilate_plan* plan, const void* src,
                                            size_t src_bytes, void* dst, size_t dst_bytes,
                                            const dilate_options* options);

/* dilate_contract with the plan's description. */
DILATE_API dilate_status dilate_plan_contract(const dilate_plan* plan, const void* expanded,
                                              size_t expanded_bytes, void* dense,
                                              size_t dense_bytes, const dilate_options* options);

/* The shape of the plan's tensors (as dilate_query_shape: the caller sets
 * shape->struct_size). */
DILATE_API dilate_status dilate_plan_shape(const dilate_plan* plan, dilate_shape* shape);

/* ---------------------------------------------------------------- targets */

/* Targets are the instruction sets a kernel is compiled for, named as
 * Highway names them: on x86-64 "AVX3_DL", "AVX3", "AVX2", "SSE4", "SSSE3"
 * and "SCALAR" (or "EMU128"); on aarch64 "SVE2_128", "SVE_256", "SVE2",
 * "SVE", "NEON" and "SCALAR". By default every call uses the best target
 * the CPU supports. The environment variable DILATE_TARGET, read once at the
 * first call, or dilate_set_target() chooses another. */

/* Which list dilate_list_targets returns. */
#define DILATE_TARGETS_COMPILED 0u
#define DILATE_TARGETS_SUPPORTED 1u

/* Writes up to `capacity` static target names, best first, into names[] and
 * stores the full count in *count. names may be NULL only when capacity is
 * 0 (to ask for the count); DILATE_ERROR_NULL_POINTER otherwise. */
DILATE_API dilate_status dilate_list_targets(uint32_t which, const char** names,
                                             uint32_t capacity, uint32_t* count);

/* Forces every later call in the process to use target `name`
 * (case-insensitive). NULL, "" or "auto" restores the best supported target.
 * DILATE_ERROR_UNKNOWN_TARGET / DILATE_ERROR_UNSUPPORTED_TARGET leave the
 * current choice unchanged. The choice is process-global (an atomic); it
 * does not touch Highway's own global target state. */
DILATE_API dilate_status dilate_set_target(const char* name);

/* Name of the target the next call will use. If DILATE_TARGET names an
 * unknown or unsupported target (and dilate_set_target has not overridden
 * it), operations return that error and this returns NULL. */
DILATE_API const char* dilate_target_name(void);

/* ----------------------------------------------------------------- version */

/* DILATE_VERSION_NUMBER of the library actually linked. */
DILATE_API uint32_t dilate_version_number(void);
/* DILATE_VERSION_STRING of the library actually linked. */
DILATE_API const char* dilate_version_string(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DILATE_DILATE_H_ */
