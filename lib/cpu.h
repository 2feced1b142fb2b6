// The x86 CPU's vendor and family, read once: rules measured on one CPU's
// kind apply on that kind only (lib/driver.cc, lib/tiles.cc). Neither on
// other architectures.
#ifndef DILATE_LIB_CPU_H_
#define DILATE_LIB_CPU_H_

#include <stdint.h>
#include <stdlib.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>  // __get_cpuid (CpuFamily)
#endif

namespace dilate {

enum class Vendor { kOther, kIntel, kAmd };

inline Vendor CpuVendor() {
#if defined(__x86_64__) || defined(__i386__)
  static const Vendor vendor = [] {
    __builtin_cpu_init();
    if (__builtin_cpu_is("intel")) return Vendor::kIntel;
    if (__builtin_cpu_is("amd")) return Vendor::kAmd;
    return Vendor::kOther;
  }();
  return vendor;
#else
  return Vendor::kOther;
#endif
}
inline bool IntelCpu() { return CpuVendor() == Vendor::kIntel; }
inline bool AmdCpu() { return CpuVendor() == Vendor::kAmd; }

// CPUID leaf 1's family, base plus extended: 25 for AMD's Zen 3 and Zen 4,
// 26 for Zen 5. 0 elsewhere.
inline uint32_t CpuFamily() {
#if defined(__x86_64__) || defined(__i386__)
  static const uint32_t family = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (__get_cpuid(1, &a, &b, &c, &d) == 0) return 0u;
    const uint32_t base = (a >> 8) & 0xF;
    return base == 0xF ? base + ((a >> 20) & 0xFF) : base;
  }();
  return family;
#else
  return 0;
#endif
}

// AMD's Zen 5 or later: 512-bit datapaths, where 512-bit permutes and
// stores are single operations (Zen 4 splits them in two).
inline bool AmdZen5OrLater() { return AmdCpu() && CpuFamily() >= 26; }

// A switch in the environment: "1" true, "0" false, else `otherwise`
// (DILATE_AVX2_COLUMNS, DILATE_HALF_ROWS, DILATE_MASK_TILES, each read
// once by its caller: the tests run the paths of both answers on any
// machine).
inline bool EnvSwitch(const char* name, bool otherwise) {
  if (const char* env = getenv(name)) {
    if (env[0] == '1' && env[1] == '\0') return true;
    if (env[0] == '0' && env[1] == '\0') return false;
  }
  return otherwise;
}

}  // namespace dilate

#endif  // DILATE_LIB_CPU_H_
