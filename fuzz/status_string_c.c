/* Calls dilate_status_string as a C caller does: in C an enum is an int, so
 * any value may be passed (a status from a newer library, garbage). */
#include <stdint.h>

#include "dilate/dilate.h"

const char* dilate_fuzz_status_string(uint32_t value);

const char* dilate_fuzz_status_string(uint32_t value) {
  return dilate_status_string((dilate_status)value);
}
