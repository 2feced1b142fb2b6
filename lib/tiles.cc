// Tile-mode table builder (see tiles.h and TileState in kernels.h).
//
// Both directions are one monotonic map between src lanes and dst lanes:
// the walk visits every tap in dst order, which is also src order. For
// expand the output is dst and the input src; for contract the reverse.
// Each output vector gets as many table entries as it needs windows of
// `lanes` consecutive input lanes to cover its taps (one for expand without
// cropping; a few for contract, which gathers from far apart).
#include "lib/tiles.h"

#include <string.h>

#include "lib/walk.h"

namespace dilate {
namespace {

// Writes table entries. Index lanes start as "keep the other vector" marks
// (top bit | lanes + k) and taps overwrite them; counts and offsets are
// written once per entry.
template <typename T>
class TableWriter {
 public:
  // With pad_vectors, every output vector gets at least one entry (an
  // empty one where it has no taps), so expand can run one entry per vector.
  TableWriter(TileState* ts, bool pad_vectors) : ts_(ts), lanes_(ts->lanes), pad_(pad_vectors) {
    shift_ = 0;
    while ((uint64_t{1} << shift_) < lanes_) ++shift_;
    pow2_ = (uint64_t{1} << shift_) == lanes_;
  }

  // Output lane `out` takes input lane `in`; calls come in increasing order.
  DILATE_ALWAYS_INLINE bool Add(uint64_t out, uint64_t in) {
    const uint64_t k = pow2_ ? out >> shift_ : out / lanes_;
    const uint64_t lane = pow2_ ? out & (lanes_ - 1) : out % lanes_;
    if (DILATE_UNLIKELY(k != vector_ || in >= offset_ + lanes_ || !open_)) {
      if (!Next(k, in)) return false;
    }
    open_index_[lane] = static_cast<T>(in - offset_);
    open_has_taps_ = 1;
    return true;
  }

  // Closes the last entry and pads the vectors after the last tap; returns
  // the entry count, or 0 if the tables overflowed.
  uint64_t Finish() { return Close() && PadTo(ts_->vectors) ? entries_ : 0; }

 private:
  T* Index(uint64_t e) { return reinterpret_cast<T*>(ts_->index) + e * lanes_; }

  // Closes the open entry and opens one for vector k at input lane `in`.
  DILATE_NOINLINE bool Next(uint64_t k, uint64_t in) { return Close() && PadTo(k) && Open(k, in); }

  bool Open(uint64_t k, uint64_t in) {
    if (k >= ts_->vectors) return false;  // cannot happen: walk stays inside the tile
    const uint64_t e = entries_;
    if (e + 1 > TileState::kMaxEntries || (e + 1) * lanes_ * sizeof(T) > TileState::kIndexBytes) {
      return false;
    }
    T* idx = open_index_ = Index(e);
    constexpr T kOther = static_cast<T>(T{1} << (sizeof(T) * 8 - 1));
    for (uint64_t i = 0; i < lanes_; ++i) idx[i] = static_cast<T>(kOther | (lanes_ + i));
    offset_ = in;
    vector_ = k;
    open_ = true;
    open_has_taps_ = 0;
    return true;
  }

  bool Close() {
    if (!open_) return true;
    const uint64_t e = entries_++;
    ts_->offset[e] = static_cast<uint32_t>(offset_);
    ts_->has_taps[e] = open_has_taps_;
    ++ts_->count[vector_];
    if (started_ <= vector_) started_ = vector_ + 1;
    open_ = false;
    return true;
  }

  // Empty entries for vectors [started_, k) when padding.
  bool PadTo(uint64_t k) {
    if (!pad_) return true;
    const uint64_t offset = entries_ ? ts_->offset[entries_ - 1] : 0;
    while (started_ < k) {
      if (!Open(started_, offset) || !Close()) return false;
    }
    return true;
  }

  TileState* ts_;
  const uint64_t lanes_;
  const bool pad_;
  uint32_t shift_;
  bool pow2_;
  bool open_ = false;
  uint64_t vector_ = 0;  // output vector of the open entry
  uint64_t offset_ = 0;  // input offset of the open entry
  T* open_index_ = nullptr;
  uint8_t open_has_taps_ = 0;
  uint64_t started_ = 0;  // vectors with at least one entry: [0, started_)
  uint64_t entries_ = 0;  // closed entries
};

// Slices per tile. Larger tiles make a whole number of vectors (no spilled
// lanes, aligned stores) but cost more to build per call and more L1 for
// their tables, so tiles stay within kPreferredVectors when they can: the
// fewest slices with no waste, else with the least waste, else one.
constexpr uint64_t kPreferredVectors = 64;

uint64_t ChooseSlices(uint64_t out_lanes_per_slice, uint64_t lanes, uint64_t outer) {
  const uint64_t exact = lanes / Gcd(out_lanes_per_slice % lanes, lanes);
  uint64_t best = 1, best_waste = (lanes - out_lanes_per_slice % lanes) % lanes;
  for (uint64_t m = 1; m <= exact && m <= outer; ++m) {
    const uint64_t out = m * out_lanes_per_slice;
    if (m > 1 && (out + lanes - 1) / lanes > kPreferredVectors) break;
    const uint64_t waste = (lanes - out % lanes) % lanes;
    if (waste == 0) return m;
    if (waste * best < best_waste * m) {  // less waste per slice
      best = m;
      best_waste = waste;
    }
  }
  return best;
}

// Walks the taps of one tile and writes its tables; returns the entry count
// or 0 when they do not fit.
template <typename T>
uint64_t WriteTables(const Plan& p, bool expand, uint64_t m, TileState* ts) {
  TableWriter<T> writer(ts, expand);
  bool ok = true;
  const uint64_t lb = sizeof(T);
  const uint64_t group_lanes = p.group / lb;
  const uint64_t dil = p.axis[p.rank - 1].dilation;
  auto row = [&](uint64_t dst_core, uint64_t src_core, uint64_t taps) {
    const uint64_t d0 = dst_core / lb, s0 = src_core / lb;
    for (uint64_t t = 0; t < taps && ok; ++t) {
      for (uint64_t w = 0; w < group_lanes && ok; ++w) {
        const uint64_t dl = d0 + t * dil * group_lanes + w, sl = s0 + t * group_lanes + w;
        ok = expand ? writer.Add(dl, sl) : writer.Add(sl, dl);
      }
    }
  };
  RowWalker<decltype(row)>(p, row).Walk(0, m * UnitsPerSlice(p));
  return ok ? writer.Finish() : 0;
}

}  // namespace

bool BuildTiles(const Plan& p, TileSide side, TileState* ts) {
  const uint64_t lb = ts->lane_bytes, lanes = ts->lanes;
  if (lanes * lb < 16 || p.group % lb != 0 || p.src_bytes == 0 || p.dst_bytes == 0) return false;
  // Indices up to 2 * lanes - 1 and the "other" mark (top bit) must fit a
  // lane: only bytes on vectors over 128 lanes (2048-bit SVE) do not.
  if (lb == 1 && 2 * lanes > 128) return false;
  const bool expand = side == TileSide::kExpand;
  const uint64_t src_per_slice = p.src_outer_stride / lb;
  const uint64_t dst_per_slice = p.dst_outer_stride / lb;
  const uint64_t out_per_slice = expand ? dst_per_slice : src_per_slice;
  if ((out_per_slice + lanes - 1) / lanes > TileState::kMaxEntries) return false;
  const uint64_t m = ChooseSlices(out_per_slice, lanes, p.outer);
  ts->slices = m;
  ts->out_lanes = m * out_per_slice;
  ts->in_lanes = m * (expand ? src_per_slice : dst_per_slice);
  ts->vectors = static_cast<uint32_t>((ts->out_lanes + lanes - 1) / lanes);
  if (ts->vectors > TileState::kMaxEntries || ts->in_lanes + lanes > UINT32_MAX) return false;
  memset(ts->count, 0, ts->vectors * sizeof(ts->count[0]));

  uint64_t entries = 0;
  switch (lb) {
    case 1:
      entries = WriteTables<uint8_t>(p, expand, m, ts);
      break;
    case 2:
      entries = WriteTables<uint16_t>(p, expand, m, ts);
      break;
    case 4:
      entries = WriteTables<uint32_t>(p, expand, m, ts);
      break;
    default:
      entries = WriteTables<uint64_t>(p, expand, m, ts);
  }
  if (entries == 0) return false;
  ts->one_per_vector = 1;
  for (uint64_t k = 0; k < ts->vectors; ++k) ts->one_per_vector &= ts->count[k] == 1 ? 1 : 0;
  uint64_t max_end = 0;
  for (uint64_t e = 0; e < entries; ++e) {
    if (ts->offset[e] + lanes > max_end) max_end = ts->offset[e] + lanes;
  }
  ts->max_read_end = max_end;
  return true;
}

}  // namespace dilate
