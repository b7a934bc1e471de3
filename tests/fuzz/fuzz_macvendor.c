/*
 * fuzz_macvendor.c — libFuzzer harness for the IEEE registry files (CSV
 * with quoted fields over several lines; read from a directory the user
 * may point anywhere). The first byte picks the registry the rest becomes
 * (oui.csv, mam.csv, iab.csv or oui36.csv: their prefix lengths differ);
 * a minimal oui.csv is always there so a load can succeed. Then lookups of
 * a few addresses, some taken from the input. Seeds: tests/data/ieee.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint/macvendor.h"
#include "fuzz_common.h"

static const char *const files[] = {"oui.csv", "mam.csv", "iab.csv", "oui36.csv"};
static const char base_oui[] = "Registry,Assignment,Organization Name,Organization Address\n"
			       "MA-L,00000C,\"Cisco Systems, Inc\",\"San Jose\"\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[4400];
	macvendor_db *db = NULL;
	macvendor_result res;
	size_t pick;

	if (size == 0)
		return 0;
	pick = data[0] & 3;
	for (size_t i = 0; i < 4; i++)
		fuzz_remove_file(files[i]);
	if (pick != 0)
		fuzz_write_file(files[0], (const uint8_t *)base_oui, sizeof(base_oui) - 1, path,
				sizeof(path));
	fuzz_write_file(files[pick], data + 1, size - 1, path, sizeof(path));
	if (macvendor_load(fuzz_tmpdir(), &db) != 0)
		return 0;
	(void)macvendor_count(db);
	(void)macvendor_memory(db);
	for (size_t i = 1; i + 6 <= size && i < 64; i += 6) {
		memset(&res, 0, sizeof(res));
		if (macvendor_lookup(db, data + i, &res) && res.vendor == NULL)
			abort();
	}
	{
		static const uint8_t cisco[6] = {0x00, 0x00, 0x0c, 0x01, 0x02, 0x03};

		memset(&res, 0, sizeof(res));
		(void)macvendor_lookup(db, cisco, &res);
	}
	macvendor_free(db);
	return 0;
}
