/*
 * progress.c — the progress line (see progress.h).
 *
 * Percent and ETA follow the current pass over the targets; a retry pass
 * only re-probes the silent share, so it starts again from 0%.
 */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "scanner/progress.h"
#include "util/timeutil.h"

void progress_init(progress_state *p, bool enabled, uint64_t targets, int retries)
{
	p->enabled = enabled && isatty(STDERR_FILENO);
	p->targets = targets;
	p->retries = retries;
	p->pass = 0;
	p->done = 0;
	p->start_ns = p->last_draw_ns = time_mono_ns();
	p->pass_start_ns = p->start_ns;
	p->last_pass = 0;
	p->drawn = false;
}

void progress_update(progress_state *p, uint64_t sent, uint64_t hosts, bool force)
{
	uint64_t now;
	double elapsed, pass_elapsed, rate, frac, eta;

	if (!p->enabled)
		return;
	now = time_mono_ns();
	if (p->pass != p->last_pass) {
		p->last_pass = p->pass;
		p->pass_start_ns = now;
	}
	if (!force && now - p->last_draw_ns < 250000000ull)
		return;
	p->last_draw_ns = now;
	elapsed = (double)(now - p->start_ns) / 1e9;
	pass_elapsed = (double)(now - p->pass_start_ns) / 1e9;
	rate = elapsed > 0 ? (double)sent / elapsed : 0;
	frac = p->targets ? (double)p->done / (double)p->targets : 1;
	eta = frac > 0.001 ? pass_elapsed * (1 - frac) / frac : 0;
	fprintf(stderr, "\r\033[Kpass %d/%d  %5.1f%%  %.0f pps  ETA %.0fs  %llu hosts up", p->pass + 1,
		p->retries + 1, 100.0 * frac, rate, eta, (unsigned long long)hosts);
	fflush(stderr);
	p->drawn = true;
}

void progress_done(progress_state *p)
{
	if (p->enabled && p->drawn) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
}
