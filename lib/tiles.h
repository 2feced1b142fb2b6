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

// Fills ts->slices, lane/entry counts and the tables, given ts->lane_bytes
// and ts->lanes (from k.tile_shape; k.dense_tables writes dense expand
// tables). Returns false when tile mode does not fit this plan; the caller
// then uses row mode.
bool BuildTiles(const Plan& p, const ExpandKernels& k, TileSide side, TileSize size,
                TileState* ts);

}  // namespace dilate

#endif  // DILATE_LIB_TILES_H_
