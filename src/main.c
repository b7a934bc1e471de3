/*
 * main.c — netcensus: agentless network discovery and inventory.
 *
 * Dispatches to the sub-commands in src/cli/. Only main and the CLI layer
 * print to the user or decide the exit status.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/compat.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "scan", cmd_scan, "discover hosts and record a scan" },
	{ "scans", cmd_scans, "list recorded scans" },
	{ "hosts", cmd_hosts, "one line per host of a scan" },
	{ "show", cmd_show, "everything known about one host" },
	{ "diff", cmd_diff, "what changed between two scans" },
	{ "export", cmd_export, "write a scan as CSV, XML, JSON or a VDI plan" },
	{ "report", cmd_report, "one-page VDI planning summary of a scan" },
	{ "import", cmd_import, "record an nmap XML file as a scan" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: netcensus COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'netcensus COMMAND --help' describes a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return NC_EXIT_ERROR;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return NC_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("netcensus %s\n", PACKAGE_VERSION);
		return NC_EXIT_OK;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "netcensus: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return NC_EXIT_ERROR;
}
