/*
 * textsafe.h — text that may reach a terminal.
 *
 * Names and banners come off the network, target specs and host names from
 * the command line; an error message may quote either. Before any of it is
 * printed, every byte that could drive a terminal is replaced by '?': C0
 * controls (below 0x20) but TAB and LF, DEL (0x7f), the C1 controls
 * (U+0080-U+009F, UTF-8 C2 80-C2 9F, which xterm obeys like ESC [ and
 * friends), and every byte that is not part of a valid UTF-8 sequence
 * (overlong forms and surrogates included). Everything else — printable
 * ASCII and valid UTF-8 — is kept byte for byte. This is the same '?' the
 * inventory readers use (src/inventory/query.h), byte for byte, except that
 * here one bad byte of otherwise valid text costs one '?' only.
 */
#ifndef NC_UTIL_TEXTSAFE_H
#define NC_UTIL_TEXTSAFE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Rewrite s[0..len) in place as above (the length never changes: every
 * replaced byte becomes one '?'). keep_lf: leave LF alone (a multi-line
 * message); otherwise it becomes '?' too. Returns how many bytes changed. */
size_t textsafe_clean(char *s, size_t len, bool keep_lf);

/* fputs() of the cleaned text of s (s itself is not changed; LF kept).
 * Returns what fputs returns, EOF on error. */
int textsafe_fputs(const char *s, FILE *f);

#endif
