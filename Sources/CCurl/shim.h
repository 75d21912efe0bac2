#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H
#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call; these fix the type per call. */
static inline CURLcode hfa_curl_set_long(CURL *curl, CURLoption option, long value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode hfa_curl_set_size(CURL *curl, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode hfa_curl_set_pointer(CURL *curl, CURLoption option, const void *value) {
    return curl_easy_setopt(curl, option, value);
}
typedef size_t (*hfa_curl_data_callback)(char *data, size_t size, size_t count, void *context);
static inline CURLcode hfa_curl_set_callback(CURL *curl, CURLoption option, hfa_curl_data_callback callback) {
    return curl_easy_setopt(curl, option, callback);
}
typedef curl_socket_t (*hfa_curl_opensocket_callback)(void *context, curlsocktype purpose, struct curl_sockaddr *address);
static inline CURLcode hfa_curl_set_opensocket(CURL *curl, hfa_curl_opensocket_callback callback, void *context) {
    CURLcode code = curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, callback);
    return code != CURLE_OK ? code : curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, context);
}
static inline CURLcode hfa_curl_get_long(CURL *curl, CURLINFO info, long *value) {
    return curl_easy_getinfo(curl, info, value);
}
#endif
