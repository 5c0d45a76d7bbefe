/*
 * fuzz_state.c: libFuzzer harness for -S state files.
 *
 * The input's first byte picks the command; the rest is written to a
 * state file, loaded into a new engine (state_load), finished without
 * open rows and saved again (state_save), as a run with -S does around
 * its input.  The files live
 * in a directory of their own under /dev/shm (else $TMPDIR or /tmp), so
 * the fsync of a save costs nothing.  The sample schedule is loaded as
 * -A would (when the harness runs from the top of the tree), so that
 * the adherence view's part of the state is read and written too.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../agentev.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static FILE *devnull;
static char dir[256];
static char path[300];

/* The driver's, word for word. */
void
fatal_oom(void)
{
	errx(1, "out of memory");
}

static void
cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *base = "/dev/shm";
	char why[512];

	(void)argc;
	(void)argv;
	if (access(base, W_OK) == -1 && (base = getenv("TMPDIR")) == NULL)
		base = "/tmp";
	snprintf(dir, sizeof(dir), "%s/fuzz_state.XXXXXX", base);
	if (mkdtemp(dir) == NULL)
		err(1, "%s", dir);
	snprintf(path, sizeof(path), "%s/state", dir);
	atexit(cleanup);
	if ((devnull = fopen("/dev/null", "w")) == NULL)
		err(1, "/dev/null");
	if (schedule_load("samples/shift-schedule.csv", why, sizeof(why)) ==
	    -1)
		warnx("no schedule, adherence left out: %s", why);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* with -S every one of them runs; adherence last, so that the
	   mode bytes of older seeds keep their meaning */
	static const struct view_ops *const tables[] = {
		&events_view, &acw_view, &status_view, &activity_view,
		&summary_view, &alert_view, &now_view, &contacts_view,
		&sessions_view, &adherence_view
	};
	const size_t ntables = sizeof(tables) / sizeof(tables[0]);
	const char *const *columns;
	size_t ncolumns, i;
	struct config config = { 0 };
	struct counts counts = { 0 };
	struct engine *e;
	struct output *out;
	char why[512];
	FILE *fp;
	unsigned c;

	if (size == 0)
		return 0;
	c = data[0] % ntables;
	if ((fp = fopen(path, "w")) == NULL)
		err(1, "%s", path);
	if (fwrite(data + 1, 1, size - 1, fp) != size - 1 || fclose(fp) != 0)
		err(1, "%s", path);

	config.max_record = 64 << 20;
	columns = view_columns(tables[c], &ncolumns);
	if ((out = out_new(devnull, OUT_CSV, 1, columns, ncolumns)) == NULL)
		fatal_oom();
	e = engine_new(&counts);
	for (i = 0; i < ntables; i++)
		engine_add_view(e, tables[i], NULL);
	engine_add_view(e, tables[c], out);
	if (state_load(e, path, &config, why, sizeof(why)) == 0) {
		engine_finish(e, 0);
		if (state_save(e, path, why, sizeof(why)) == -1)
			errx(1, "state_save: %s", why);
	}
	engine_free(e);
	out_free(out);
	return 0;
}
