/*
 * log.h — diagnostics on stderr, by level.
 *
 * For developers and -v users ("state X -> Y", packet counts). What the user
 * must see (errors, the fallback warning) is printed by the CLI layer, not
 * through here. Thread-safe: one fprintf per message.
 */
#ifndef NC_UTIL_LOG_H
#define NC_UTIL_LOG_H

enum { LOG_LVL_ERROR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

void log_set_level(int level);
int log_get_level(void);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
