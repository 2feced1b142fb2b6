// Builds the tile-mode tables (TileState in kernels.h) for a plan, once per
// call, from the target's lane size and count.
#ifndef DILATE_LIB_TILES_H_
#define DILATE_LIB_TILES_H_

#include "lib/kernels.h"
#include "lib/plan.h"

namespace dilate {

enum class TileSide { kExpand, kContract };

// How many output vectors a tile may span (the driver decides, lib/driver.cc).
enum class TileSize {
  kFew,     // up to kFewVectors: per-call tables that cost more than they
            // save when they are applied only a few times
  kCached,  // up to kCachedVectors: per-call tables in cache (expand: up to
            // dst/16 bytes of them where that makes tiles whole vectors)
  kLarge,   // up to the table limit, to end on a whole vector: tables built
            // once for many calls (a dilate_plan), or streaming out of cache
};

// The fewest slices whose output lanes are a whole number of vectors of
// `lanes` lanes.
uint64_t WholeVectorSlices(uint64_t out_lanes_per_slice, const Divisor& by_lanes, uint64_t lanes);

// Whether a contract's tables (other than few-vector tiles) index pairs of
// whole vectors (TileState::pair_entries): where the target has them for
// lanes of `lane_bytes`, and for taps narrower than a vector. (Taps of a
// vector or more take a window each, and the pair's second vector only read
// holes: HWIO inner 64 K3 D2 f32 took 1.3x the time in L2 and 2.2x at
// 256 MiB with pairs.)
bool ContractTakesPairs(const Plan& p, const ExpandKernels& k, uint64_t lane_bytes, uint64_t lanes);

// Whether an expand's tiles of `lanes` lanes of `lane_bytes` take lane masks
// (TileState::masks): where the target has them for that lane size at this
// width, the dense writer applies (every src element a tap, the slice map
// within bounds), and a whole-vector tile overflows the index as index
// vectors but fits it as masks; bytes in cache or streaming, wider lanes
// only streaming (in cache vector pairs and vector rows ran as fast or
// faster: same-process A/B, f32 / u16 plans of K7 D4 at 256 KiB took 1.05 /
// 1.06 of the time with masks).
bool ExpandTakesMasks(const Plan& p, const ExpandKernels& k, uint64_t lane_bytes, uint64_t lanes,
                      bool stream);

// Bytes of the index an expand tile's entry takes: 8 with masks, else a
// vector.
inline uint64_t ExpandEntryBytes(bool masks, uint64_t lane_bytes, uint64_t lanes) {
  return masks ? 8 : lane_bytes * lanes;
}

// Fills ts->slices, lane/entry counts and the tables, given ts->lane_bytes
// and ts->lanes (from k.tile_shape; k.dense_tables writes dense expand
// tables). Returns false when tile mode does not fit this plan; the caller
// then uses row mode.
bool BuildTiles(const Plan& p, const ExpandKernels& k, TileSide side, TileSize size,
                TileState* ts);

}  // namespace dilate

#endif  // DILATE_LIB_TILES_H_
