#ifndef GRAYGATE_CZLIB_SHIM_H
#define GRAYGATE_CZLIB_SHIM_H

#include <zlib.h>

#endif
