#ifndef GRAYGATE_CMICROHTTPD_SHIM_H
#define GRAYGATE_CMICROHTTPD_SHIM_H

#include <microhttpd.h>

#endif
