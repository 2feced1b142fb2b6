/* Compile-only: the public header is C99-clean (-std=c99 -pedantic -Werror). */
#include "dilate/dilate.h"

int dilate_header_check_c(void);
int dilate_header_check_c(void) {
  dilate_desc d;
  dilate_desc_init(&d);
  return (int)sizeof(d) + DILATE_VERSION_NUMBER + (int)DILATE_OK;
}
