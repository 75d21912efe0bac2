#ifndef CINOTIFY_SHIM_H
#define CINOTIFY_SHIM_H
#include <sys/inotify.h>
#include <sys/vfs.h>
#include <inotifytools/inotifytools.h>

/// The event's file name: a flexible array member, which Swift cannot import.
static inline const char *cinotify_event_name(const struct inotify_event *event) {
    return event->len > 0 ? event->name : "";
}
#endif
