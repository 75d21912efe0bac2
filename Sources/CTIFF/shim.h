#ifndef CTIFF_SHIM_H
#define CTIFF_SHIM_H
#include <tiffio.h>

/* TIFFGetField is variadic, which Swift cannot call; these fix the value's type per call. */
static inline int hfa_tiff_get_uint32(TIFF *tiff, uint32_t tag, uint32_t *value) { return TIFFGetField(tiff, tag, value); }
static inline int hfa_tiff_get_uint16(TIFF *tiff, uint32_t tag, uint16_t *value) { return TIFFGetField(tiff, tag, value); }
static inline int hfa_tiff_get_uint16_defaulted(TIFF *tiff, uint32_t tag, uint16_t *value) {
    return TIFFGetFieldDefaulted(tiff, tag, value);
}
static inline int hfa_tiff_get_float_defaulted(TIFF *tiff, uint32_t tag, float *value) {
    return TIFFGetFieldDefaulted(tiff, tag, value);
}
static inline int hfa_tiff_get_extra_samples(TIFF *tiff, uint16_t *count, uint16_t **values) {
    return TIFFGetField(tiff, TIFFTAG_EXTRASAMPLES, count, values);
}
#endif
