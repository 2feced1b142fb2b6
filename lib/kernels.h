// The per-target kernel interface. Each Highway target compiles one
// ExpandKernels and one ContractKernels table (lib/expand.cc,
// lib/contract.cc); lib/targets.cc picks the table for the chosen target and
// lib/driver.cc walks the tensor and calls it one row at a time.
//
// A "row" is the innermost remaining spatial axis: `taps` groups of `group`
// bytes, `dilation` groups apart in the expanded tensor. Everything between
// rows (padding, whole rows and planes of holes) is a plain fill.
#ifndef DILATE_LIB_KERNELS_H_
#define DILATE_LIB_KERNELS_H_

#include <stddef.h>
#include <stdint.h>

namespace dilate {

// Per-call constants shared by every row, plus the permutation tables a
// target builds once per call in Prepare (never per row). Lives on the
// caller's stack: no allocation in the hot path.
struct alignas(64) RowState {
  // Set by the driver.
  const uint8_t* pattern;  // fill element repeated, phase 0 (Plan::pattern)
  uint64_t group;          // bytes per tap
  uint64_t dilation;       // of the row axis
  uint32_t elem_size;
  uint32_t stream;         // non-zero: non-temporal stores for long runs
  uint32_t fill_is_zero;

  // Set by Prepare; meaning private to the target that prepared it.
  uint32_t mode;           // which row strategy applies
  uint32_t lanes;          // vector lanes of the shuffle lane type
  uint32_t lane_bytes;     // bytes per shuffle lane
  uint32_t group_lanes;    // group / lane_bytes
  uint32_t period;         // table entries (vectors) per period
  uint64_t advance;        // lanes consumed per period on the read side
  static constexpr size_t kMaxPeriod = 256;
  static constexpr size_t kTableBytes = 4096;
  uint32_t offset[kMaxPeriod];  // per entry: read offset (lanes) in the period
  uint32_t count[kMaxPeriod];   // per entry: vectors read (contract)
  alignas(64) uint8_t index[kTableBytes];
  alignas(64) uint8_t mask[kTableBytes];
};

struct ExpandKernels {
  // Chooses the row strategy and builds its tables in *state.
  void (*prepare)(RowState* state);
  // dst[0, n) = fill pattern (n is a whole number of elements).
  void (*fill)(uint8_t* dst, uint64_t n, const RowState& state);
  // Writes taps groups from src with (dilation - 1) groups of fill between
  // them: ((taps - 1) * dilation + 1) * group bytes. taps >= 1.
  void (*expand_row)(uint8_t* dst, const uint8_t* src, uint64_t taps, const RowState& state);
};

struct ContractKernels {
  void (*prepare)(RowState* state);
  // dense[t] = expanded[t * dilation] for groups t < taps. taps >= 1.
  void (*contract_row)(uint8_t* dense, const uint8_t* expanded, uint64_t taps,
                       const RowState& state);
  // Whether p[0, n) is all fill pattern.
  bool (*is_fill)(const uint8_t* p, uint64_t n, const RowState& state);
  // Whether every hole between the taps of an expanded row is fill.
  bool (*row_holes_are_fill)(const uint8_t* expanded, uint64_t taps, const RowState& state);
};

// After non-temporal stores, before the call returns.
void FlushStreamingStores();

// The tables compiled for Highway target `target` (a single HWY_* bit), or
// null when this build did not compile that target.
const ExpandKernels* ExpandKernelsFor(int64_t target);
const ContractKernels* ContractKernelsFor(int64_t target);

}  // namespace dilate

#endif  // DILATE_LIB_KERNELS_H_
