#ifndef CSIMD_LEVEL_H
#define CSIMD_LEVEL_H

#include "CSIMD.h"

/* `level` lowered to what this CPU supports: the path a `_using` call takes. */
CSIMDLevel csimd_usable_level(CSIMDLevel level);

#endif
