#ifndef CRE2SHIM_H
#define CRE2SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A compiled RE2 pattern; thread-safe to match from many threads at once.
typedef struct cre2shim_regex cre2shim_regex;

/// Compiles `pattern` (UTF-8, `length` bytes) with RE2's defaults and a memory cap of
/// `max_memory` bytes. On failure returns NULL and copies RE2's message (NUL-terminated,
/// truncated to `error_capacity`) into `error`.
cre2shim_regex *cre2shim_compile(const char *pattern, size_t length, int64_t max_memory,
                                 char *error, size_t error_capacity);

/// Frees a pattern from `cre2shim_compile`.
void cre2shim_free(cre2shim_regex *regex);

/// The number of capturing groups in the pattern.
int cre2shim_group_count(const cre2shim_regex *regex);

/// Searches `text` (UTF-8, `length` bytes) from byte `start` for the leftmost match. On a match
/// returns 1 and writes byte offsets of the whole match and of each group as `begin, end` pairs
/// into `offsets` (`2 * (groups + 1)` entries; -1 for a group that did not take part);
/// otherwise returns 0.
int cre2shim_find(const cre2shim_regex *regex, const char *text, size_t length, size_t start,
                  int64_t *offsets, int groups);

#ifdef __cplusplus
}
#endif

#endif
