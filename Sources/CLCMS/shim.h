#ifndef CLCMS_SHIM_H
#define CLCMS_SHIM_H
#include <lcms2.h>

/* The pixel formats are function-like macros, which Swift cannot import; these fix the ones used. */
static const cmsUInt32Number hfa_TYPE_RGB_8 = TYPE_RGB_8;
static const cmsUInt32Number hfa_TYPE_RGB_16_SE = TYPE_RGB_16_SE;
static const cmsUInt32Number hfa_TYPE_RGB_DBL = TYPE_RGB_DBL;
static const cmsUInt32Number hfa_TYPE_Lab_DBL = TYPE_Lab_DBL;
static const cmsUInt32Number hfa_TYPE_CMYK_8 = TYPE_CMYK_8;
static const cmsUInt32Number hfa_TYPE_CMYK_16_SE = TYPE_CMYK_16_SE;
static const cmsUInt32Number hfa_TYPE_CMYK_DBL = TYPE_CMYK_DBL;
#endif
