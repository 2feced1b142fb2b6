// Target registry and choice (see targets.h). The only mutable global state
// of the library is `g_active`, one atomic pointer.
#include "lib/targets.h"

#include <stdlib.h>

#include <atomic>

#include "hwy/targets.h"

namespace dilate {

// The target calls use: set by dilate_set_target, or on first use from
// DILATE_TARGET; null until then (and while DILATE_TARGET names a target
// that cannot run, so every call reports that).
std::atomic<const Target*> g_active{nullptr};

namespace {

// What Resolve returns for "auto" (or no name).
constexpr int32_t kAuto = -1;

bool SameNameIgnoringCase(const char* a, const char* b) {
  for (; *a != '\0' && *b != '\0'; ++a, ++b) {
    const char ca = (*a >= 'a' && *a <= 'z') ? static_cast<char>(*a - 'a' + 'A') : *a;
    const char cb = (*b >= 'a' && *b <= 'z') ? static_cast<char>(*b - 'a' + 'A') : *b;
    if (ca != cb) return false;
  }
  return *a == *b;
}

TargetList BuildList() {
  TargetList list{};
  const int64_t supported = hwy::SupportedTargets();
  // Lower bits are better targets.
  for (int64_t bits = HWY_TARGETS; bits != 0; bits &= bits - 1) {
    const int64_t bit = bits & -bits;
    const ExpandKernels* expand = ExpandKernelsFor(bit);
    const ContractKernels* contract = ContractKernelsFor(bit);
    if (expand == nullptr || contract == nullptr) continue;
    if (list.size == sizeof(list.targets) / sizeof(list.targets[0])) break;
    list.targets[list.size++] =
        Target{bit, hwy::TargetName(bit), (supported & bit) != 0, expand, contract};
  }
  return list;
}

// Resolves a name to a list index, kAuto, or an error status (negated).
int32_t Resolve(const char* name) {
  if (name == nullptr || name[0] == '\0' || SameNameIgnoringCase(name, "auto")) return kAuto;
  const TargetList& list = CompiledTargets();
  for (size_t i = 0; i < list.size; ++i) {
    if (SameNameIgnoringCase(name, list.targets[i].name)) {
      return list.targets[i].supported ? static_cast<int32_t>(i)
                                       : -static_cast<int32_t>(DILATE_ERROR_UNSUPPORTED_TARGET);
    }
  }
  return -static_cast<int32_t>(DILATE_ERROR_UNKNOWN_TARGET);
}

// The best target this CPU runs (SCALAR or EMU128 always does).
int32_t BestSupported() {
  const TargetList& list = CompiledTargets();
  for (size_t i = 0; i < list.size; ++i) {
    if (list.targets[i].supported) return static_cast<int32_t>(i);
  }
  return -static_cast<int32_t>(DILATE_ERROR_UNSUPPORTED_TARGET);  // unreachable
}

// A name resolved to a list index (kAuto becomes the best supported one) or
// an error status (negated).
int32_t Choose(const char* name) {
  const int32_t choice = Resolve(name);
  return choice == kAuto ? BestSupported() : choice;
}

// DILATE_TARGET, read once.
int32_t EnvironmentChoice() {
  static const int32_t choice = Choose(getenv("DILATE_TARGET"));
  return choice;
}

}  // namespace

const TargetList& CompiledTargets() {
  static const TargetList list = BuildList();
  return list;
}

dilate_status ChooseActiveTarget(const Target** target) {
  const int32_t choice = EnvironmentChoice();
  if (choice < 0) return static_cast<dilate_status>(-choice);
  const Target* active = &CompiledTargets().targets[choice];
  // Publish the environment's choice unless dilate_set_target got there first.
  const Target* expected = nullptr;
  if (!g_active.compare_exchange_strong(expected, active, std::memory_order_acq_rel)) {
    active = expected;
  }
  *target = active;
  return DILATE_OK;
}

dilate_status ForceTarget(const char* name) {
  const int32_t choice = Choose(name);
  if (choice < 0) return static_cast<dilate_status>(-choice);
  g_active.store(&CompiledTargets().targets[choice], std::memory_order_release);
  return DILATE_OK;
}

}  // namespace dilate
