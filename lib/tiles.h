// Builds the tile-mode tables (TileState in kernels.h) for a plan, once per
// call, from the target's lane size and count.
#ifndef DILATE_LIB_TILES_H_
#define DILATE_LIB_TILES_H_

#include "lib/kernels.h"
#include "lib/plan.h"

namespace dilate {

enum class TileSide { kExpand, kContract };

// Fills ts->slices, lane/entry counts and the tables, given ts->lane_bytes,
// ts->lanes and ts->stream. `reused`: the tables serve many calls (a
// dilate_plan), so tiles may grow to the table limit to end on a whole
// vector. Returns false when tile mode does not fit this plan; the caller
// then uses row mode.
bool BuildTiles(const Plan& p, TileSide side, bool reused, TileState* ts);

}  // namespace dilate

#endif  // DILATE_LIB_TILES_H_
