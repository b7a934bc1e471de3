/*
 * cli.h — the sub-commands and what they share.
 *
 * Each cmd_* receives the argv of its sub-command (argv[0] is the
 * sub-command's name), parses it with getopt_long, prints its own output and
 * errors ("netcensus: ..." on stderr) and returns the process exit code:
 * 0 ok, 2 usage or runtime error (1 is reserved for "diff found changes").
 */
#ifndef NC_CLI_CLI_H
#define NC_CLI_CLI_H

#define NC_EXIT_OK 0
#define NC_EXIT_DIFF 1
#define NC_EXIT_ERROR 2

int cmd_scan(int argc, char **argv);
int cmd_scans(int argc, char **argv);
int cmd_hosts(int argc, char **argv);

/* The database path: --db value if given, else $NETCENSUS_DB, else
 * "./netcensus.db". */
const char *cli_db_path(const char *opt_db);

/* Print "netcensus: <msg>\n" to stderr (printf-style). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
