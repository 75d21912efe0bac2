#ifndef CPOPPLER_SHIM_H
#define CPOPPLER_SHIM_H
#include <poppler.h>
#include <glib-object.h>
/* Poppler renders into Cairo; the proof sheet and image-to-PDF also need Cairo's PDF surface. */
#include <cairo-pdf.h>

/// g_object_unref takes a gpointer; Poppler handles import as OpaquePointer, so unref through a typed helper.
static inline void cpoppler_document_unref(PopplerDocument *document) { g_object_unref(document); }
static inline void cpoppler_page_unref(PopplerPage *page) { g_object_unref(page); }
#endif
