/*
 * privs.c — dropping capabilities with the raw capset(2) system call (no
 * libcap dependency). Capability sets are per thread on Linux, so this runs
 * before the receiver thread starts; later threads inherit the empty sets.
 */
#include "config.h"

#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/err.h"
#include "util/privs.h"

int privs_drop_all(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return nc_fail(NC_ERR_SYS, "prctl(no_new_privs): %s", strerror(errno));
	if (syscall(SYS_capset, &hdr, data) != 0)
		return nc_fail(NC_ERR_SYS, "cannot drop capabilities: %s", strerror(errno));
	return 0;
}
