#include "config.h"

/*
 * buildtree.c — tell the build tree's binary from an installed one.
 *
 * The executable's real path (/proc/self/exe) is compared with the real
 * path of the build directory the program was compiled in. Symbolic links
 * on either side are resolved, so a build in a linked directory still
 * counts as the build tree; a copy installed anywhere else does not.
 */

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buildtree.h"
#include "util/compat.h"

static bool in_build_tree;

static bool is_inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return n > 0 && strncmp(path, dir, n) == 0 && (path[n] == '/' || dir[n - 1] == '/');
}

__attribute__((constructor)) static void buildtree_probe(void)
{
#ifdef NC_BUILD_DIR
	char exe[PATH_MAX], *dir;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return;
	exe[n] = '\0';
	if ((dir = realpath(NC_BUILD_DIR, NULL)) == NULL)
		return;
	in_build_tree = is_inside(exe, dir);
	free(dir);
#endif
}

bool nc_run_from_build_tree(void)
{
	return in_build_tree;
}
