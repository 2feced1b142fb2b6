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

uint64_t Gcd(uint64_t a, uint64_t b) {
  while (b != 0) {
    const uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

class TableWriter {
 public:
  // With pad_vectors, every output vector gets at least one entry (an
  // empty one where it has no taps), so expand can run one entry per vector.
  TableWriter(TileState* ts, bool pad_vectors)
      : ts_(ts), lanes_(ts->lanes), lane_bytes_(ts->lane_bytes), pad_(pad_vectors) {
    shift_ = 0;
    while ((uint64_t{1} << shift_) < lanes_) ++shift_;
    pow2_ = (uint64_t{1} << shift_) == lanes_;
  }

  // Output lane `out` takes input lane `in`; calls come in increasing order.
  bool Add(uint64_t out, uint64_t in) {
    const uint64_t k = pow2_ ? out >> shift_ : out / lanes_;
    const uint64_t lane = pow2_ ? out & (lanes_ - 1) : out % lanes_;
    if (entries_ == 0 || k != cur_vector_ || in >= ts_->offset[entries_ - 1] + lanes_) {
      if (!PadTo(k, in) || !NewEntry(k, in)) return false;
    }
    const uint64_t e = entries_ - 1;
    const uint64_t value = in - ts_->offset[e];
    uint8_t* idx = ts_->index + (e * lanes_ + lane) * lane_bytes_;
    switch (lane_bytes_) {  // store as the lane type, in native byte order
      case 1:
        *idx = static_cast<uint8_t>(value);
        break;
      case 2: {
        const uint16_t v = static_cast<uint16_t>(value);
        memcpy(idx, &v, 2);
        break;
      }
      case 4: {
        const uint32_t v = static_cast<uint32_t>(value);
        memcpy(idx, &v, 4);
        break;
      }
      default:
        memcpy(idx, &value, 8);
    }
    ts_->mask[e * ts_->mask_stride + lane / 8] |= static_cast<uint8_t>(1u << (lane % 8));
    return true;
  }

  // Pads the vectors after the last tap; returns the entry count or 0.
  uint64_t Finish() { return PadTo(ts_->vectors, entries_ ? ts_->offset[entries_ - 1] : 0) ? entries_ : 0; }

 private:
  // Empty entries for vectors [started_, k) when padding.
  bool PadTo(uint64_t k, uint64_t in) {
    if (!pad_) return true;
    const uint64_t offset = entries_ ? ts_->offset[entries_ - 1] : in;
    while (started_ < k) {
      if (!NewEntry(started_, offset)) return false;
    }
    return true;
  }

  bool NewEntry(uint64_t k, uint64_t in) {
    if (k >= ts_->vectors) return false;  // cannot happen: walk stays inside the tile
    const uint64_t e = entries_;
    if (e + 1 > TileState::kMaxEntries || (e + 1) * lanes_ * lane_bytes_ > TileState::kIndexBytes ||
        (e + 1) * ts_->mask_stride > TileState::kMaskBytes) {
      return false;
    }
    memset(ts_->index + e * lanes_ * lane_bytes_, 0, lanes_ * lane_bytes_);
    memset(ts_->mask + e * ts_->mask_stride, 0, ts_->mask_stride);
    ts_->offset[e] = static_cast<uint32_t>(in);
    ++ts_->count[k];
    cur_vector_ = k;
    if (started_ <= k) started_ = k + 1;
    ++entries_;
    return true;
  }

  TileState* ts_;
  const uint64_t lanes_, lane_bytes_;
  const bool pad_;
  uint32_t shift_;
  bool pow2_;
  uint64_t cur_vector_ = 0;
  uint64_t started_ = 0;  // vectors with at least one entry: [0, started_)
  uint64_t entries_ = 0;
};

// Slices per tile: the fewest whose output is a whole number of vectors,
// else the fewest that waste at most 1/16 of the stores, else one.
uint64_t ChooseSlices(uint64_t out_lanes_per_slice, uint64_t lanes, uint64_t outer) {
  const uint64_t exact = lanes / Gcd(out_lanes_per_slice % lanes, lanes);
  uint64_t best = 1;
  for (uint64_t m = 1; m <= exact && m <= outer; ++m) {
    const uint64_t out = m * out_lanes_per_slice;
    if ((out + lanes - 1) / lanes > TileState::kMaxEntries) break;
    const uint64_t waste = (lanes - out % lanes) % lanes;
    if (waste == 0) return m;
    if (waste * 16 <= out && best == 1) best = m;
  }
  return best;
}

}  // namespace

bool BuildTiles(const Plan& p, TileSide side, TileState* ts) {
  const uint64_t lb = ts->lane_bytes, lanes = ts->lanes;
  if (lanes * lb < 16 || p.group % lb != 0 || p.src_bytes == 0 || p.dst_bytes == 0) return false;
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
  ts->mask_stride = static_cast<uint32_t>((lanes + 7) / 8);
  memset(ts->count, 0, ts->vectors * sizeof(ts->count[0]));

  TableWriter writer(ts, expand);
  bool ok = true;
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
  if (!ok) return false;
  const uint64_t entries = writer.Finish();
  if (entries == 0) return false;
  ts->entries = static_cast<uint32_t>(entries);
  ts->one_per_vector = entries == ts->vectors ? 1 : 0;
  uint64_t max_end = 0;
  for (uint64_t e = 0; e < ts->entries; ++e) {
    if (ts->offset[e] + lanes > max_end) max_end = ts->offset[e] + lanes;
  }
  ts->max_read_end = max_end;
  return true;
}

}  // namespace dilate
