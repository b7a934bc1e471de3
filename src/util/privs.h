/*
 * privs.h — give up privileges once the raw sockets and the database are
 * open, so that everything that parses what the network sends runs without
 * them (tcpdump and arp-scan do the same).
 *
 * Two ways to have the privileges a raw scan needs:
 *   root       started by root or through sudo. Before anything is sent the
 *              scan decides who it will become (privs_prepare): the user of
 *              --user, else the sudo caller (SUDO_UID/SUDO_GID), else it stays
 *              uid 0. The database is opened as that user (privs_as_target),
 *              so the files it creates are theirs; then the packet socket and
 *              the pcap handles are opened as root, and privs_drop_all()
 *              switches uid, gid and supplementary groups for good.
 *   setcap     an unprivileged user running a binary with file capabilities
 *              cap_net_raw,cap_net_admin=eip: no uid changes, only the
 *              capabilities go.
 * Either way privs_drop_all() leaves empty effective, permitted, inheritable
 * and ambient capability sets (and an empty bounding set when it was root)
 * and sets no_new_privs, so no later execve() gains anything back.
 *
 * The state is process-wide, as privileges are. Capability sets are per
 * thread on Linux: privs_drop_all() must run while the process has a single
 * thread (it refuses otherwise); threads started later inherit the empty
 * sets. uid/gid changes go to every thread (glibc's setxid broadcast).
 */
#ifndef NC_UTIL_PRIVS_H
#define NC_UTIL_PRIVS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Decide who the process will be after privs_drop_all(). user is --user NAME
 * (a name or a numeric uid), or NULL to take SUDO_UID/SUDO_GID when the
 * process runs as root. Only resolves users and groups; changes nothing.
 * Errors: NC_ERR_INVALID (unknown user, malformed SUDO_UID/SUDO_GID),
 * NC_ERR_PERM (--user for another user without root), NC_ERR_NOMEM.
 */
int privs_prepare(const char *user);

/* Will privs_drop_all() change the uid? (root with a target user) */
bool privs_switching(void);

/* One line for -v saying what privs_drop_all() will do ("dropping to alice
 * (uid 1000, gid 1000, from SUDO_UID)"). */
void privs_plan_describe(char *buf, size_t len);

/* The target user's name, or "uid N" when it has none; and uid. Meaningful
 * only when privs_switching(). */
const char *privs_target_name(void);
uid_t privs_target_uid(void);

/*
 * Act as the target user until privs_as_root(): effective uid, gid and the
 * supplementary groups become theirs, so files created meanwhile belong to
 * them and their permissions decide what may be opened. The saved uid stays 0.
 * A no-op unless privs_switching(). 0 or NC_ERR_SYS.
 */
int privs_as_target(void);
/* Back to root after privs_as_target(). 0 or NC_ERR_SYS. */
int privs_as_root(void);

/*
 * Drop for good: switch to the target user (when privs_switching()), clear
 * the capability sets, set no_new_privs, then check that it all took. Safe
 * to call again (later calls return at once). Without privs_prepare() it only
 * drops the capabilities. 0, or NC_ERR_SYS / NC_ERR_INTERNAL (more than one
 * thread) with a detail; the caller must not go on after an error.
 */
int privs_drop_all(void);

/*
 * The process's credentials as the kernel reports them in /proc/self/status:
 * "uid=R,E,S,F gid=R,E,S,F CapEff=... NoNewPrivs=N". 0 or NC_ERR_IO.
 */
int privs_status(char *buf, size_t len);

#endif
