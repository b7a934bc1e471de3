/*
 * csv.h — RFC 4180 CSV, safe to open in a spreadsheet.
 *
 * csv_write_row() is the one cell writer every CSV of netcensus goes
 * through (the tables of `export --format csv`, the VDI planning tables):
 *
 *   - CRLF line ends; a cell holding a comma, a double quote, CR or LF is
 *     quoted, its quotes doubled;
 *   - text is UTF-8: invalid sequences and characters XML would refuse
 *     become U+FFFD (export_text() in export.h); no byte order mark;
 *   - a cell a spreadsheet would run as a formula — one starting with '=',
 *     '+', '-', '@', tab or CR — gets a leading single quote (the OWASP
 *     "CSV injection" advice), except a plain decimal number ("-1", "+2",
 *     "-0.5": optional sign, digits, optional fraction), which a
 *     spreadsheet reads as the number it is and which cannot run anything.
 */
#ifndef NC_EXPORT_CSV_H
#define NC_EXPORT_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "export/export.h"

/*
 * Write one row of n cells (NULL cells are empty) as described above.
 * 0, NC_ERR_NOMEM, or NC_ERR_IO when the stream has an error (the detail
 * says only "write error": the caller names the file).
 */
int csv_write_row(FILE *out, const char *const *cells, size_t n);

/* Would csv_write_row() prefix this cell with a quote? */
bool csv_cell_is_formula(const char *cell);

/* The csv entry of export_formats[]: --what all writes one file per table
 * into the -o directory (hosts.csv, ports.csv, verdicts.csv, services.csv,
 * software.csv, hardware.csv); any other --what writes that one table. */
bool csv_export_wants_dir(const export_request *req);
int csv_export(const export_request *req);

#endif
