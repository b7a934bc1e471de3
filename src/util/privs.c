/*
 * privs.c — who the scan runs as, and giving up root and capabilities.
 *
 * Capabilities are changed with the raw capget/capset system calls (no libcap
 * dependency). The order of privs_drop_all() matters: the bounding set and
 * the securebits need CAP_SETPCAP, so they go first; the supplementary groups
 * and the gid before the uid (after setresuid we may no longer change them);
 * capset and no_new_privs last, then everything is read back and checked.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/compat.h"
#include "util/err.h"
#include "util/parse.h"
#include "util/privs.h"

#define PRIVS_PWBUF 16384
#define PRIVS_MAX_GROUPS 65536

static struct {
	bool prepared;
	bool switching;       /* root, and the target is another uid */
	bool dropped;         /* privs_drop_all() succeeded */
	bool as_target;       /* between privs_as_target() and privs_as_root() */
	uid_t uid;
	gid_t gid;
	gid_t *groups;        /* the target's supplementary groups */
	int ngroups;
	gid_t *saved_groups;  /* root's, while acting as the target */
	int nsaved;
	gid_t saved_egid;
	char name[64];
	const char *source;   /* "--user" or "SUDO_UID" */
} P;

static int caps_get(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };

	memset(data, 0, 2 * sizeof(*data));
	return (int)syscall(SYS_capget, &hdr, data);
}

static bool has_cap(int cap)
{
	struct __user_cap_data_struct data[2];

	if (caps_get(data) != 0)
		return false;
	return (data[cap / 32].effective & (1u << (cap % 32))) != 0;
}

/* Fill the target's supplementary groups from the group database. */
static int load_groups(const char *name, gid_t gid)
{
	int n = 32;

	for (;;) {
		gid_t *g = realloc(P.groups, (size_t)n * sizeof(*g));
		int want = n;

		if (g == NULL)
			return nc_fail(NC_ERR_NOMEM, "out of memory reading the groups of %s", name);
		P.groups = g;
		if (getgrouplist(name, gid, P.groups, &want) >= 0) {
			P.ngroups = want;
			return 0;
		}
		if (want <= n || want > PRIVS_MAX_GROUPS)
			return nc_fail(NC_ERR_INVALID, "cannot list the groups of user %s", name);
		n = want;
	}
}

/* Only the primary group, for a uid without a passwd entry. */
static int single_group(gid_t gid)
{
	free(P.groups);
	if ((P.groups = malloc(sizeof(*P.groups))) == NULL)
		return NC_ERR_NOMEM;
	P.groups[0] = gid;
	P.ngroups = 1;
	return 0;
}

/* Look a user up by name, or by number when the name is all digits. */
static int lookup_user(const char *user, struct passwd *pw, char *buf, struct passwd **found)
{
	uint64_t v;
	int e;

	*found = NULL;
	e = getpwnam_r(user, pw, buf, PRIVS_PWBUF, found);
	if (*found == NULL && e == 0 && user[strspn(user, "0123456789")] == '\0' &&
	    parse_u64(user, 0, UINT32_MAX - 1, &v, "user") == 0)
		e = getpwuid_r((uid_t)v, pw, buf, PRIVS_PWBUF, found);
	nc_clear_error();
	if (*found == NULL)
		return nc_fail(NC_ERR_INVALID, "unknown user '%s' (--user)%s%s", user,
			       e != 0 ? ": " : "", e != 0 ? strerror(e) : "");
	return 0;
}

static int plan_user(const char *user)
{
	struct passwd pw, *found;
	char *buf;
	int r;

	if ((buf = malloc(PRIVS_PWBUF)) == NULL)
		return NC_ERR_NOMEM;
	if ((r = lookup_user(user, &pw, buf, &found)) != 0)
		goto out;
	if (geteuid() != 0) {
		if (pw.pw_uid != getuid())
			r = nc_fail(NC_ERR_PERM,
				    "--user %s needs root (netcensus runs as uid %u)", user,
				    (unsigned)getuid());
		goto out;
	}
	if (pw.pw_uid == 0)
		goto out; /* --user root: stay root, without capabilities */
	P.uid = pw.pw_uid;
	P.gid = pw.pw_gid;
	snprintf(P.name, sizeof(P.name), "%s", pw.pw_name);
	P.source = "--user";
	if ((r = load_groups(pw.pw_name, pw.pw_gid)) == 0)
		P.switching = true;
out:
	free(buf);
	return r;
}

/* The sudo caller: SUDO_UID, and SUDO_GID when set (else their passwd gid). */
static int plan_sudo(const char *sudo_uid)
{
	const char *sudo_gid = getenv("SUDO_GID");
	struct passwd pw, *found = NULL;
	uint64_t u, g;
	char *buf;
	int r;

	if (parse_u64(sudo_uid, 0, UINT32_MAX - 1, &u, "SUDO_UID") != 0)
		return nc_fail(NC_ERR_INVALID, "malformed SUDO_UID '%.20s'", sudo_uid);
	if (u == 0)
		return 0; /* root ran sudo: stay root */
	if ((buf = malloc(PRIVS_PWBUF)) == NULL)
		return NC_ERR_NOMEM;
	if (getpwuid_r((uid_t)u, &pw, buf, PRIVS_PWBUF, &found) != 0)
		found = NULL; /* a lookup error is told as no entry */
	if (sudo_gid != NULL && *sudo_gid != '\0') {
		if (parse_u64(sudo_gid, 0, UINT32_MAX - 1, &g, "SUDO_GID") != 0) {
			r = nc_fail(NC_ERR_INVALID, "malformed SUDO_GID '%.20s'", sudo_gid);
			goto out;
		}
	} else if (found != NULL) {
		g = found->pw_gid;
	} else {
		r = nc_fail(NC_ERR_INVALID,
			    "SUDO_UID %llu has no passwd entry and SUDO_GID is not set",
			    (unsigned long long)u);
		goto out;
	}
	P.uid = (uid_t)u;
	P.gid = (gid_t)g;
	P.source = "SUDO_UID";
	if (found != NULL) {
		snprintf(P.name, sizeof(P.name), "%s", found->pw_name);
		r = load_groups(found->pw_name, P.gid);
	} else {
		snprintf(P.name, sizeof(P.name), "uid %u", (unsigned)P.uid);
		r = single_group(P.gid);
	}
	if (r == 0)
		P.switching = true;
out:
	free(buf);
	return r;
}

int privs_prepare(const char *user)
{
	const char *sudo_uid = getenv("SUDO_UID");
	int r = 0;

	P.prepared = true;
	if (user != NULL)
		r = plan_user(user);
	else if (geteuid() == 0 && sudo_uid != NULL && *sudo_uid != '\0')
		r = plan_sudo(sudo_uid);
	if (r != 0)
		P.switching = false;
	return r;
}

bool privs_switching(void)
{
	return P.switching;
}

const char *privs_target_name(void)
{
	return P.name;
}

uid_t privs_target_uid(void)
{
	return P.uid;
}

void privs_plan_describe(char *buf, size_t len)
{
	if (P.switching)
		snprintf(buf, len, "after opening the database and the raw sockets: dropping to "
			 "user %s (uid %u, gid %u, from %s) without capabilities", P.name,
			 (unsigned)P.uid, (unsigned)P.gid, P.source);
	else if (geteuid() == 0)
		snprintf(buf, len, "after opening the raw sockets: staying uid 0 (neither --user "
			 "nor SUDO_UID) but without capabilities");
	else
		snprintf(buf, len, "after opening the raw sockets: running as uid %u without "
			 "capabilities", (unsigned)getuid());
}

int privs_as_target(void)
{
	int n;

	if (!P.switching || P.as_target || P.dropped)
		return 0;
	if ((n = getgroups(0, NULL)) < 0)
		return nc_fail(NC_ERR_SYS, "getgroups: %s", strerror(errno));
	free(P.saved_groups);
	if ((P.saved_groups = malloc((size_t)(n > 0 ? n : 1) * sizeof(gid_t))) == NULL)
		return NC_ERR_NOMEM;
	if ((P.nsaved = getgroups(n, P.saved_groups)) < 0)
		return nc_fail(NC_ERR_SYS, "getgroups: %s", strerror(errno));
	P.saved_egid = getegid();
	if (setgroups((size_t)P.ngroups, P.groups) != 0 || setegid(P.gid) != 0 ||
	    seteuid(P.uid) != 0) {
		int e = errno;

		privs_as_root();
		return nc_fail(NC_ERR_SYS, "cannot act as user %s: %s", P.name, strerror(e));
	}
	P.as_target = true;
	return 0;
}

int privs_as_root(void)
{
	if (!P.switching || P.dropped)
		return 0;
	P.as_target = false;
	if (seteuid(0) != 0 || setegid(P.saved_egid) != 0 ||
	    setgroups((size_t)P.nsaved, P.saved_groups) != 0)
		return nc_fail(NC_ERR_SYS, "cannot return to root: %s", strerror(errno));
	return 0;
}

/* The number of threads of this process, or 0 when /proc cannot tell. */
static int thread_count(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* Empty the bounding set and lock root out of capabilities (needs
 * CAP_SETPCAP: root only; an unprivileged run cannot and need not). */
static void drop_bounding(void)
{
	if (!has_cap(CAP_SETPCAP))
		return;
	for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
	/* uid 0 no longer means "all capabilities" on execve, and nothing can
	 * turn that back on; failure (an older kernel, a container) is harmless:
	 * no_new_privs and the empty bounding set already cover execve */
	prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_KEEP_CAPS_LOCKED |
				 SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED,
	      0, 0, 0);
}

static int switch_user(void)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (P.as_target && privs_as_root() != 0)
		return NC_ERR_SYS;
	if (setgroups((size_t)P.ngroups, P.groups) != 0)
		return nc_fail(NC_ERR_SYS, "cannot set the groups of %s: %s", P.name,
			       strerror(errno));
	if (setresgid(P.gid, P.gid, P.gid) != 0)
		return nc_fail(NC_ERR_SYS, "cannot switch to gid %u: %s", (unsigned)P.gid,
			       strerror(errno));
	if (setresuid(P.uid, P.uid, P.uid) != 0)
		return nc_fail(NC_ERR_SYS, "cannot switch to user %s: %s", P.name,
			       strerror(errno));
	if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0 ||
	    ru != P.uid || eu != P.uid || su != P.uid || rg != P.gid || eg != P.gid ||
	    sg != P.gid)
		return nc_fail(NC_ERR_SYS, "switching to user %s did not take", P.name);
	/* the way back must be closed */
	if (setuid(0) == 0 || (P.gid != 0 && setgid(0) == 0))
		return nc_fail(NC_ERR_SYS, "could regain root after switching to %s", P.name);
	return 0;
}

int privs_drop_all(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	int r, threads;

	if (P.dropped)
		return 0;
	if ((threads = thread_count()) > 1)
		return nc_fail(NC_ERR_INTERNAL,
			       "privileges must be dropped before threads start (%d running)",
			       threads);
	if (P.as_target && (r = privs_as_root()) != 0)
		return r;
	drop_bounding();
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
		return nc_fail(NC_ERR_SYS, "cannot clear the ambient capabilities: %s",
			       strerror(errno));
	if (P.switching && (r = switch_user()) != 0)
		return r;
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data) != 0)
		return nc_fail(NC_ERR_SYS, "cannot drop capabilities: %s", strerror(errno));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return nc_fail(NC_ERR_SYS, "prctl(no_new_privs): %s", strerror(errno));
	if (caps_get(data) != 0 || data[0].effective || data[1].effective ||
	    data[0].permitted || data[1].permitted || data[0].inheritable ||
	    data[1].inheritable || prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return nc_fail(NC_ERR_SYS, "capabilities are still set after dropping them");
	P.dropped = true;
	return 0;
}

/* Copy the value of "Key:\tvalue" with tabs turned to commas. */
static void status_field(const char *line, char *out, size_t len)
{
	size_t i = 0;

	line += strspn(line, " \t");
	for (; *line != '\0' && *line != '\n' && i + 1 < len; line++)
		out[i++] = *line == '\t' || *line == ' ' ? ',' : *line;
	out[i] = '\0';
}

int privs_status(char *buf, size_t len)
{
	static const char *const keys[] = { "Uid:", "Gid:", "CapEff:", "NoNewPrivs:" };
	static const char *const names[] = { "uid", "gid", "CapEff", "NoNewPrivs" };
	char vals[ARRAY_SIZE(keys)][96], line[512];
	FILE *f;

	memset(vals, 0, sizeof(vals));
	if ((f = fopen("/proc/self/status", "re")) == NULL)
		return nc_fail(NC_ERR_IO, "/proc/self/status: %s", strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL)
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
			if (strncmp(line, keys[i], strlen(keys[i])) == 0)
				status_field(line + strlen(keys[i]), vals[i], sizeof(vals[i]));
	fclose(f);
	snprintf(buf, len, "%s=%s %s=%s %s=%s %s=%s", names[0], vals[0][0] ? vals[0] : "?",
		 names[1], vals[1][0] ? vals[1] : "?", names[2], vals[2][0] ? vals[2] : "?",
		 names[3], vals[3][0] ? vals[3] : "?");
	return 0;
}
