/*
 * buildtree.h — is this program the one in the build tree?
 *
 * The shipped data (fingerprint rules, vdi-rules.conf) is read from
 * NC_DATADIR once installed, but a binary run from the build tree prefers
 * the source tree's copies, so that an edited rule needs no install. The
 * two must not mix: an installed binary reads only the installed data,
 * even when the source tree it was built from is still on the disk.
 */
#ifndef NC_UTIL_BUILDTREE_H
#define NC_UTIL_BUILDTREE_H

#include <stdbool.h>

/*
 * True when the running executable lies inside the build directory it was
 * compiled in (NC_BUILD_DIR, passed by the build; false when it is not
 * defined). The answer is taken once, before main() runs, so a later
 * privilege drop that hides /proc/self/exe does not change it.
 */
bool nc_run_from_build_tree(void);

#endif
