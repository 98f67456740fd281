#ifndef GRAYGATE_CISAL_SHIM_H
#define GRAYGATE_CISAL_SHIM_H

#include <isa-l/igzip_lib.h>

#endif
