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

#include <type_traits>

#include "lib/cpu.h"
#include "lib/walk.h"

namespace dilate {
namespace {

// Lanes of one table entry at most: a 2048-bit vector.
template <typename T>
constexpr uint64_t kMaxEntryLanes = 256 / sizeof(T);

// The "keep the other vector" mark of an index lane: its top bit.
template <typename T>
constexpr T kOther = static_cast<T>(T{1} << (sizeof(T) * 8 - 1));

// A contract takes narrow entries where the expanded tensor has at least
// this many bytes per dense byte: denser taps need so many more 16-byte
// entries than whole-window ones that they cost more. Same-process A/B on
// an Intel Xeon VM, u8 at 256 KiB, AVX2 forced: K3 D3 / K5 D2 / K3 D4 / K5
// D3 / K7 D3 / K7 D4 0.83 / 0.90 / 0.72 / 0.64 / 0.92 / 0.92 of the time
// (K5 D3 0.55x -> 0.85x memcpy), u16 K5 D3 / K7 D4 0.97 / 0.93, AVX3 u8
// K5 D3 0.80; K7 D2 (3.4 bytes per byte) even; but K3 D2 (2.8) u8 / u16 /
// AVX3 u8 1.01 / 1.17 / 1.43.
constexpr uint64_t kNarrowContractRatio = 3;

// A fresh entry: every lane k "keeps lane k of the other vector".
template <typename T>
void BlankEntry(uint64_t lanes, T* entry) {
  for (uint64_t i = 0; i < lanes; ++i) entry[i] = static_cast<T>(kOther<T> | (lanes + i));
}

// Writes table entries. Index lanes start as "keep the other vector" marks
// (top bit | lanes + k) and taps overwrite them; counts and offsets are
// written once per entry.
template <typename T>
class TableWriter {
 public:
  // With pad_vectors, every output vector gets at least one entry (an
  // empty one where it has no taps), so expand can run one entry per vector.
  // With pairs, an entry indexes the two vectors from its offset, rounded
  // down to a whole vector of the tile's input (aligned loads where tiles
  // start on one): TileState::pair_entries. With narrow, an entry indexes
  // the 16 bytes from its offset (TileState::narrow).
  TableWriter(TileState* ts, bool pad_vectors, bool pairs, bool narrow)
      : ts_(ts),
        lanes_(ts->lanes),
        by_lanes_(ts->lanes),
        span_(pairs    ? 2 * ts->lanes
              : narrow ? TileState::kNarrowBytes
                       : ts->lanes),
        pad_(pad_vectors),
        pairs_(pairs) {
    if (lanes_ <= kMaxEntryLanes<T>) BlankEntry(lanes_, blank_);
  }

  // Output lane o0 + t * ostep + w takes input lane i0 + t * istep + w, for
  // t < taps, w < width: one row's taps (calls come in increasing order).
  // The open entry's state stays in locals for the row; kept in the members,
  // it was reloaded after every index store.
  DILATE_ALWAYS_INLINE bool AddRun(uint64_t o0, uint64_t i0, uint64_t taps, uint64_t ostep,
                                   uint64_t istep, uint64_t width) {
    T* idx = open_index_;
    uint64_t vec = vector_, off = offset_;
    bool open = open_;
    bool ok = true, took = false;  // took: the open entry took a tap in this run
    // Locals: index stores (T may be uint32_t or a char type) could alias
    // the members, which would be reloaded after every store.
    const uint64_t span = span_;
    const Divisor by_lanes = by_lanes_;
    const auto one = [&](uint64_t out, uint64_t in) {
      const uint64_t k = by_lanes.Div(out);
      const uint64_t lane = by_lanes.Mod(out);
      if (DILATE_UNLIKELY(k != vec || in >= off + span || !open)) {
        if (took) open_has_taps_ = true;  // before Next closes the entry
        took = false;
        if (!Next(k, in)) {
          ok = false;
          return;
        }
        idx = open_index_;
        vec = vector_;
        off = offset_;
        open = true;
      }
      idx[lane] = static_cast<T>(in - off);
      took = true;
    };
    if (width == 1) {  // a tap is one lane: the common case, kept simple
      for (uint64_t t = 0; t < taps && ok; ++t) one(o0 + t * ostep, i0 + t * istep);
    } else {
      for (uint64_t t = 0; t < taps && ok; ++t) {
        for (uint64_t w = 0; w < width && ok; ++w) one(o0 + t * ostep + w, i0 + t * istep + w);
      }
    }
    if (took) open_has_taps_ = true;
    return ok;
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
    if (e + 1 > TileState::kMaxEntries || (e + 1) * lanes_ * sizeof(T) > TileState::kIndexBytes ||
        lanes_ > kMaxEntryLanes<T>) {
      return false;
    }
    open_index_ = Index(e);
    memcpy(open_index_, blank_, lanes_ * sizeof(T));  // every lane "keep the other vector"
    offset_ = pairs_ ? in - by_lanes_.Mod(in) : in;
    vector_ = k;
    open_ = true;
    open_has_taps_ = false;
    return true;
  }

  bool Close() {
    if (!open_) return true;
    const uint64_t e = entries_++;
    ts_->offset[e] = static_cast<uint32_t>(offset_);
    ts_->has_taps[e] = open_has_taps_ ? 1 : 0;
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
  const Divisor by_lanes_;
  const uint64_t span_;  // input lanes an entry indexes
  const bool pad_;
  const bool pairs_;
  bool open_ = false;
  uint64_t vector_ = 0;  // output vector of the open entry
  uint64_t offset_ = 0;  // input offset of the open entry
  T* open_index_ = nullptr;
  T blank_[kMaxEntryLanes<T>];  // a fresh entry
  bool open_has_taps_ = false;  // bool, not uint8_t: a char store would alias every member
  uint64_t started_ = 0;  // vectors with at least one entry: [0, started_)
  uint64_t entries_ = 0;  // closed entries
};

// Slices per tile. Larger tiles make a whole number of vectors (no spilled
// lanes, aligned stores) but cost more to build per call and more L1 for
// their tables, so tiles stay within `max_vectors` when they can: the fewest
// slices with no waste (repeated up to `min_vectors` vectors, see
// MinTileVectors), else with the least waste, else one.
constexpr uint64_t kCachedVectors = 64;
// In cache, a whole-vector tile of fewer vectors repeats its slices up to
// at least this many (within max_vectors): each tile pays a call, its bounds
// check and its first window, which small tiles (1-D kernels: K3 D2 f32
// takes 5 vectors a tile) paid every few vectors. An expand grows to
// kPairRegVectors (25), so tiles of 5 vectors take the loop with the
// indices in registers; a contract to kPairTwoRegVectors (9), the size of
// its own such loop (2-D K3 D2, 9 vectors a tile: grown to 27 it lost that
// loop, u8 / f32 K3 D2 1.22x -> 0.95x / 1.34x -> 1.25x memcpy in the suite).
// Same-process A/B on the Zen 4 EPYC VM (AVX-512), 1-D at 256 KiB: f32 K3
// D2 0.69 of the time (0.37x -> 0.53x memset), with a plan 0.67-0.72, K5 D2
// / K3 D3 / K3 D4 0.86 / 0.84 / 0.83, u8 / u16 K3 D2 0.62 / 0.72, AVX2 /
// SSE4 0.86 / 0.83, 4 MiB 0.80, 2-D K2 D2 0.83; tiles of 16 or of 32-40
// vectors gained less. Streaming tiles keep the fewest slices: at 64 MiB
// and 256 MiB 1.02-1.03, where the same build against itself moved by 3%.
uint64_t MinTileVectors(TileSide side, bool stream) {
  if (stream) return 0;
  return side == TileSide::kExpand ? kPairRegVectors : kPairTwoRegVectors;
}
// Mask tables (TileState::masks) cost 8 bytes and a few instructions a
// vector: a call's own may cover a whole-vector tile up to 1/4 of dst.
constexpr uint64_t kMaskTableShare = 4;
constexpr uint64_t kFewVectors = 4;

uint64_t ChooseSlices(uint64_t out_lanes_per_slice, uint64_t lanes, const Divisor& by_lanes,
                      uint64_t outer, uint64_t max_vectors, uint64_t min_vectors) {
  // Once per call, but on small calls its divisions showed in profiles:
  // step the remainder instead of dividing per candidate.
  const uint64_t step = by_lanes.Mod(out_lanes_per_slice);
  const uint64_t exact = WholeVectorSlices(out_lanes_per_slice, by_lanes, lanes);
  // `exact` slices are the fewest with no waste: when they fit, no search
  // (the loop below was 4.5% of a one-shot 16 KiB K3 D2 expand).
  if (exact <= outer && (exact == 1 || exact * out_lanes_per_slice <= max_vectors * lanes)) {
    const uint64_t step_lanes = exact * out_lanes_per_slice;
    uint64_t m = exact, tile = step_lanes;  // tile: m * out_lanes_per_slice
    while (tile < min_vectors * lanes && m + exact <= outer &&
           tile + step_lanes <= max_vectors * lanes) {
      m += exact;
      tile += step_lanes;
    }
    return m;
  }
  uint64_t best = 1, best_waste = step == 0 ? 0 : lanes - step;
  uint64_t rem = 0;  // (m * out_lanes_per_slice) % lanes
  for (uint64_t m = 1; m <= exact && m <= outer; ++m) {
    rem += step;
    if (rem >= lanes) rem -= lanes;
    if (m > 1 && m * out_lanes_per_slice > max_vectors * lanes) break;
    const uint64_t waste = rem == 0 ? 0 : lanes - rem;
    if (waste == 0) return m;
    if (waste * best < best_waste * m) {  // less waste per slice
      best = m;
      best_waste = waste;
    }
  }
  return best;
}

// Bytes of the dense writer's slice map at most (on the stack): larger
// slices take the general writer.
constexpr uint64_t kMaxMapBytes = 8192;

// Whether every src element of p is a tap (no negative padding crops one):
// the dense writers below apply.
bool AllSrcAreTaps(const Plan& p) {
  for (uint32_t i = 0; i < p.rank; ++i) {
    if (p.axis[i].tap_begin != 0 || p.axis[i].tap_end != p.axis[i].src_dim) return false;
  }
  return p.axis[p.rank - 1].Taps() != 0;
}

// Expand tables when every src element is a tap (no negative padding): the
// taps of an output vector are then consecutive src lanes, fewer than
// `lanes`, so each vector takes exactly one entry whose offset is its first
// tap. Every slice of a tile maps alike, so this walks one slice into a map
// (dst lane -> the src lanes before it, top bit set on holes) and the
// target's dense_tables derives each vector's entry from the map at the
// vector's phase in its slice: no walk per tile, no branch per tap. (With
// the per-tap writer before it, a one-shot K5 D2 f32 expand at 256 KiB on
// AVX-512 spent ~2,650 TSC ticks per call in FillPattern + tables; with this
// ~1,300.) Returns the entry count, or 0 when this writer does not apply.
template <typename T>
uint64_t WriteDenseExpandTables(const Plan& p, const ExpandKernels& k, TileState* ts) {
  const uint64_t lanes = ts->lanes, lb = sizeof(T);
  const uint64_t slice = p.dst_outer_stride / lb, src_slice = p.src_outer_stride / lb;
  // (BuildTiles has checked that an entry per vector fits the index.)
  if (!AllSrcAreTaps(p) || lanes > kMaxEntryLanes<T> || slice == 0 ||
      (slice + lanes + 1) * lb > kMaxMapBytes) {
    return 0;
  }
  constexpr T kHole = kOther<T>;
  constexpr T kLow = static_cast<T>(kHole - 1);
  // map[i], dst lane i of slice 0: the src lanes before it (for a tap, its
  // own src lane) mod 2^(bits - 1), | kHole where i is not a tap. Past the
  // slice it continues into the next slices.
  alignas(64) T map[kMaxMapBytes / sizeof(T)];
  uint64_t at = 0;
  const uint64_t group_lanes = p.group / lb;
  const uint64_t step = p.axis[p.rank - 1].dilation * group_lanes;
  auto row = [&](uint64_t dst_core, uint64_t src_core, uint64_t taps) DILATE_INLINE_LAMBDA {
    T* DILATE_RESTRICT m = map;
    uint64_t a = at;
    const uint64_t d0 = dst_core / lb, s0 = src_core / lb, gl = group_lanes, st = step;
    for (uint64_t t = 0; t < taps; ++t) {
      const uint64_t s = s0 + t * gl;
      const T hole = static_cast<T>((s & kLow) | kHole);
      for (const uint64_t d = d0 + t * st; a < d; ++a) m[a] = hole;
      for (uint64_t w = 0; w < gl; ++w) m[a++] = static_cast<T>((s + w) & kLow);
    }
    at = a;
  };
  WalkSliceRows(p, 1, row);
  for (const T hole = static_cast<T>((src_slice & kLow) | kHole); at < slice; ++at) map[at] = hole;
  for (uint64_t i = slice; i <= slice + lanes; ++i) {
    const T x = map[i - slice];
    map[i] = static_cast<T>((static_cast<T>(x + src_slice) & kLow) | (x & kHole));
  }
  return k.dense_tables(reinterpret_cast<const uint8_t*>(map), slice, ts) ? ts->vectors : 0;
}

// Contract pair-entry tables when every src element is a tap, from the
// slice's inverse map (dst lane of each src lane, continuing into the next
// slice), through the target's dense_contract_tables (32 and 64-bit lanes:
// a map of their own width, a tile's dst lanes fit them, BuildTiles checks;
// narrower ones: a 32-bit map). Returns the entry count (1 from the
// target's writer), or 0 when this writer does not apply (the general
// writer then runs).
template <typename T>
uint64_t WriteDenseContractTables(const Plan& p, const ExpandKernels& k, TileState* ts) {
  using M = typename std::conditional<(sizeof(T) >= 4), T, uint32_t>::type;
  const uint64_t lb = sizeof(T), lanes = ts->lanes;
  const uint64_t slice = p.dst_outer_stride / lb, src_slice = p.src_outer_stride / lb;
  if (!AllSrcAreTaps(p) || src_slice == 0 || lanes > kMaxEntryLanes<T> ||
      (src_slice + lanes + 1) * sizeof(M) > kMaxMapBytes) {
    return 0;
  }
  // inv[-1] is readable (DenseContractTablesPairs loads lane j - 1 of each
  // lane j); its value does not matter.
  alignas(64) M inv_lanes[kMaxMapBytes / sizeof(M) + 1];
  inv_lanes[0] = 0;
  M* const inv = inv_lanes + 1;
  uint64_t at = 0;
  const uint64_t group_lanes = p.group / lb;
  const uint64_t step = p.axis[p.rank - 1].dilation * group_lanes;
  auto row = [&](uint64_t dst_core, uint64_t src_core, uint64_t taps) DILATE_INLINE_LAMBDA {
    M* DILATE_RESTRICT v = inv;
    uint64_t a = at;
    const uint64_t d0 = dst_core / lb, gl = group_lanes, st = step;
    static_cast<void>(src_core);  // src lanes are consecutive: every one is a tap
    for (uint64_t t = 0; t < taps; ++t) {
      for (uint64_t w = 0; w < gl; ++w) v[a++] = static_cast<M>(d0 + t * st + w);
    }
    at = a;
  };
  WalkSliceRows(p, 1, row);
  if (at != src_slice) return 0;  // cannot happen: every src lane is a tap
  for (uint64_t i = src_slice; i <= src_slice + lanes; ++i) {
    inv[i] = static_cast<M>(inv[i - src_slice] + slice);
  }
  return k.dense_contract_tables(reinterpret_cast<const uint8_t*>(inv), src_slice, slice, ts) ? 1
                                                                                              : 0;
}

// Walks the taps of one tile and writes its tables and their summary
// (one_per_vector, all_taps, max_read_end, narrow); returns the entry count
// or 0 when they do not fit.
template <typename T>
uint64_t WriteTables(const Plan& p, bool expand, bool pairs, bool narrow, uint64_t m,
                     TileState* ts) {
  memset(ts->count, 0, ts->vectors * sizeof(ts->count[0]));
  TableWriter<T> writer(ts, expand, pairs, narrow);
  bool ok = true;
  const uint64_t lb = sizeof(T);
  const uint64_t group_lanes = p.group / lb;
  const uint64_t dil = p.axis[p.rank - 1].dilation;
  auto row = [&](uint64_t dst_core, uint64_t src_core, uint64_t taps) DILATE_INLINE_LAMBDA {
    if (!ok) return;
    const uint64_t d0 = dst_core / lb, s0 = src_core / lb, dstep = dil * group_lanes;
    ok = expand ? writer.AddRun(d0, s0, taps, dstep, group_lanes, group_lanes)
                : writer.AddRun(s0, d0, taps, group_lanes, dstep, group_lanes);
  };
  WalkSliceRows(p, m, row);
  const uint64_t entries = ok ? writer.Finish() : 0;
  if (entries == 0) return 0;
  ts->one_per_vector = pairs ? 0 : 1;
  ts->vector_pairs = 0;
  ts->narrow = narrow ? 1 : 0;
  // 2: every output vector takes exactly two pair entries (K3 D2 contract
  // on AVX-512, every lane size), which the tile loop runs unrolled.
  ts->pair_entries = pairs ? 1 : 0;
  if (pairs) {
    bool two = true;
    for (uint64_t k = 0; k < ts->vectors; ++k) two &= ts->count[k] == 2;
    if (two) ts->pair_entries = 2;
  }
  for (uint64_t k = 0; k < ts->vectors; ++k) ts->one_per_vector &= ts->count[k] == 1 ? 1 : 0;
  ts->all_taps = ts->one_per_vector;
  for (uint64_t k = 0; k < ts->vectors && ts->all_taps; ++k) ts->all_taps = ts->has_taps[k];
  const uint64_t span = (pairs ? 2 : 1) * ts->lanes;
  uint64_t max_end = 0;
  for (uint64_t e = 0; e < entries; ++e) {
    if (ts->offset[e] + span > max_end) max_end = ts->offset[e] + span;
  }
  ts->max_read_end = max_end;
  return entries;
}

// The dense expand writer where it applies, else the general one.
// Contract takes pair entries where ContractTakesPairs: an output vector
// gathers its taps from a few input vectors, two per entry (K3 D2 f32 on
// AVX-512: two entries per vector, each loading whole vectors, instead of
// about three unaligned windows). (Not in few-vector tiles, whose entries
// pairs do not reduce: one-shot K5 D3 f32 at 16 KiB took 22% more time with
// them.)
template <typename T>
uint64_t WriteAnyTables(const Plan& p, const ExpandKernels& k, bool expand, TileSize size,
                        uint64_t m, TileState* ts) {
  const bool pairs =
      !expand && size != TileSize::kFew && ContractTakesPairs(p, k, sizeof(T), ts->lanes);
  const uint64_t entries = expand  ? WriteDenseExpandTables<T>(p, k, ts)
                           : pairs ? WriteDenseContractTables<T>(p, k, ts)
                                   : 0;
  if (entries != 0 || ts->masks) return entries;  // masks only from the dense writer
  // A contract's byte tables on targets with narrow windows: entries of 16
  // bytes (more of them, each one broadcast load and one in-lane shuffle),
  // or, where those overflow the tables, whole windows.
  if (!expand && !pairs && sizeof(T) == 1 && k.narrow_lanes == ts->lanes &&
      p.dst_bytes >= kNarrowContractRatio * p.src_bytes) {
    const uint64_t narrow = WriteTables<T>(p, expand, pairs, true, m, ts);
    if (narrow != 0) return narrow;
  }
  return WriteTables<T>(p, expand, pairs, false, m, ts);
}

}  // namespace

uint64_t WholeVectorSlices(uint64_t out_lanes_per_slice, const Divisor& by_lanes, uint64_t lanes) {
  return Divisor(by_lanes.GcdWith(by_lanes.Mod(out_lanes_per_slice))).Div(lanes);
}

namespace {

// Byte mask tiles in cache (VPEXPANDB, measured on the Intel Xeon VM) are
// not taken on AMD's Zen 5 up to kNoByteMaskBytes of dst. Same-process A/B
// there (tools/ab.sh, the Zen 5 EPYC VM, AVX3_DL) without them against
// them, u8 K7 D4: one-shot at 64 KiB / 256 KiB / 1 MiB 0.92 / 0.87 (the
// other order: 0.87) / 0.91 of the time, a plan at 256 KiB / 1 MiB 0.79 /
// 1.01; but one-shot at 4 MiB 1.17, so masks stay beyond.
// DILATE_MASK_TILES=1 or 0 (read once) overrides the CPU, so the tests run
// both on every machine with AVX3_DL (tests/CMakeLists.txt).
constexpr uint64_t kNoByteMaskBytes = 1u << 20;
bool ByteMasksInCache() {
  static const bool masks = EnvSwitch("DILATE_MASK_TILES", !AmdZen5OrLater());
  return masks;
}

}  // namespace

bool ExpandTakesMasks(const Plan& p, const ExpandKernels& k, uint64_t lane_bytes, uint64_t lanes,
                      bool stream) {
  if ((k.mask_lane_bytes & lane_bytes) == 0 || lane_bytes * lanes != 64 || !AllSrcAreTaps(p) ||
      p.dst_outer_stride % lane_bytes != 0 || (lane_bytes != 1 && !stream)) {
    return false;
  }
  if (!stream && p.dst_bytes <= kNoByteMaskBytes && !ByteMasksInCache()) return false;
  const uint64_t per_slice = p.dst_outer_stride / lane_bytes;  // output lanes
  if ((per_slice + lanes + 1) * lane_bytes > kMaxMapBytes) return false;
  // Only where a whole-vector tile overflows the index as index vectors but
  // fits it as masks.
  const uint64_t slices = WholeVectorSlices(per_slice, Divisor(lanes), lanes);
  const uint64_t vectors = slices * per_slice / lanes;
  return slices <= p.outer && vectors <= TileState::kMaxEntries &&
         vectors * lanes * lane_bytes > TileState::kIndexBytes;
}

bool ContractTakesPairs(const Plan& p, const ExpandKernels& k, uint64_t lane_bytes,
                        uint64_t lanes) {
  return (k.pair_lane_bytes & lane_bytes) != 0 && p.group < lanes * lane_bytes;
}

bool BuildTiles(const Plan& p, const ExpandKernels& k, TileSide side, TileSize size,
                TileState* ts) {
  const uint64_t lb = ts->lane_bytes, lanes = ts->lanes;
  const Divisor by_lb(lb), by_lanes(lanes), by_vector(lanes * lb);
  if (lanes * lb < 16 || by_lb.Mod(p.group) != 0 || p.src_bytes == 0 || p.dst_bytes == 0) {
    return false;
  }
  // Indices up to 2 * lanes - 1 and the "other" mark (top bit) must fit a
  // lane: only bytes on vectors over 128 lanes (2048-bit SVE) do not.
  if (lb == 1 && 2 * lanes > 128) return false;
  const bool expand = side == TileSide::kExpand;
  const uint64_t src_per_slice = by_lb.Div(p.src_outer_stride);
  const uint64_t dst_per_slice = by_lb.Div(p.dst_outer_stride);
  const uint64_t out_per_slice = expand ? dst_per_slice : src_per_slice;
  if (by_lanes.DivUp(out_per_slice) > TileState::kMaxEntries) return false;
  // In cache, tiles of up to kCachedVectors vectors: cheap per-call tables
  // that stay in L1 (kFewVectors where even those cost more than they save:
  // see kFewTilesBytes in lib/driver.cc). Streaming out of cache wants
  // whole-vector tiles (aligned stores, see ApplyTiles), worth tables up to
  // the limit at >= 16 MiB of dst (K5 D2 f32, 256 MiB: 0.66x -> 1.35x memset
  // on AVX-512); so are tables built once for many calls. A call's own
  // expand tables cost about what their bytes of dst cost to write, so they
  // may grow to 1/16 of dst where that makes tiles whole vectors: same-process
  // A/B, one-shot f32 on AVX-512, K5 D2 / K7 D2 / K3 D4 at 256 KiB 19 / 13 /
  // 10% faster, the K<=7 D<=4 grid at 1 and 4 MiB 7-16% (to dst/4 instead:
  // K7 D3 and K5 D4 at 256 KiB 10-13% slower).
  const bool masks =
      expand && size != TileSize::kFew && ExpandTakesMasks(p, k, lb, lanes, ts->stream != 0);
  ts->masks = masks ? 1 : 0;
  const uint64_t entry_bytes = ExpandEntryBytes(masks, lb, lanes);
  const uint64_t table_vectors = TileState::kIndexBytes / entry_bytes;
  const uint64_t limit_vectors =
      table_vectors < TileState::kMaxEntries ? table_vectors : TileState::kMaxEntries;
  uint64_t max_vectors = size == TileSize::kLarge
                             ? limit_vectors
                             : (size == TileSize::kFew ? kFewVectors : kCachedVectors);
  if (size == TileSize::kCached && expand) {
    const uint64_t by_size = by_vector.Div(p.dst_bytes / (masks ? kMaskTableShare : 16));
    if (by_size > max_vectors) max_vectors = by_size < limit_vectors ? by_size : limit_vectors;
  }
  const uint64_t min_vectors = MinTileVectors(side, ts->stream != 0);
  uint64_t m = ChooseSlices(out_per_slice, lanes, by_lanes, p.outer, max_vectors, min_vectors);
  // No whole-vector tile fits the tables: small tiles, which stream through
  // a staging buffer instead (ApplyTilesStaged).
  if (max_vectors > kCachedVectors && by_lanes.Mod(m * out_per_slice) != 0) {
    m = ChooseSlices(out_per_slice, lanes, by_lanes, p.outer, kCachedVectors, min_vectors);
  }
  ts->slices = m;
  ts->vector_pairs = 0;
  ts->pair_entries = 0;
  ts->narrow = 0;
  ts->out_lanes = m * out_per_slice;
  ts->in_lanes = m * (expand ? src_per_slice : dst_per_slice);
  ts->vectors = static_cast<uint32_t>(by_lanes.DivUp(ts->out_lanes));
  if (ts->vectors > TileState::kMaxEntries || ts->in_lanes + lanes > UINT32_MAX) return false;
  // Expand takes an entry per vector at least: when those cannot fit the
  // index, say so before walking a tap. (A walk that overflowed at the end
  // cost more than the row mode that followed: K5 D3 f32 HWIO inner 64, 256
  // KiB, AVX-512, same-process A/B 9.9 -> 6.0 us.)
  if (expand && uint64_t{ts->vectors} * entry_bytes > TileState::kIndexBytes) return false;

  uint64_t entries = 0;
  switch (lb) {
    case 1:
      entries = WriteAnyTables<uint8_t>(p, k, expand, size, m, ts);
      break;
    case 2:
      entries = WriteAnyTables<uint16_t>(p, k, expand, size, m, ts);
      break;
    case 4:
      entries = WriteAnyTables<uint32_t>(p, k, expand, size, m, ts);
      break;
    default:
      entries = WriteAnyTables<uint64_t>(p, k, expand, size, m, ts);
  }
  return entries != 0;
}

}  // namespace dilate
