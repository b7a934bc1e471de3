/*
 * progress.h — the one-line progress display on stderr during a scan:
 * rate, percent, ETA and hosts found, redrawn at most four times a second
 * and only when stderr is a terminal.
 */
#ifndef NC_SCANNER_PROGRESS_H
#define NC_SCANNER_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
	bool enabled;
	uint64_t targets;
	int retries;
	int pass;
	uint64_t done;               /* targets visited in this pass */
	uint64_t start_ns, last_draw_ns;
	uint64_t pass_start_ns;
	int last_pass;
	bool drawn;
} progress_state;

void progress_init(progress_state *p, bool enabled, uint64_t targets, int retries);
/* sent: packets so far; hosts: hosts up so far; force: draw now. */
void progress_update(progress_state *p, uint64_t sent, uint64_t hosts, bool force);
/* Clear the line. */
void progress_done(progress_state *p);

#endif
