/*
 * fuzz_record.c: libFuzzer harness over the whole record path.
 *
 * The input's first byte picks the command, the output format, -s and how
 * the rest is cut into frame_feed calls (so values split across reads are
 * exercised too); the rest is framed, parsed, validated and applied to an
 * engine that writes its rows into a log, as agentev.c does to a file.
 *
 * AGENTEV_FUZZ_ZONE and AGENTEV_FUZZ_INTERVAL in the environment set -z and
 * -i for the whole run (both are process-wide settings in agentev too).
 *
 * Every input runs three times: without the memo of validated subtrees
 * (and so without parse.c's fast path, which AGENTEV_MEMO=0 turns off
 * too), with an empty memo, and again with the memo the second run filled
 * (so that every clean snapshot of the input is a hit, and every clean
 * event takes the fast path).  Each run writes what
 * the record path handed on (every event's fields, every verdict, every
 * rejected record's bytes) and the table into a log; the three logs must
 * be equal, or the harness aborts.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <err.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../agentev.h"

/* A small -m for one chunking mode, so oversized records are cut too. */
#define SMALL_MAX	512

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const check_columns[] = {
	"file", "line", "record", "event_id", "severity", "field", "message"
};

/* The driver's, word for word. */
void
fatal_oom(void)
{
	errx(1, "out of memory");
}

struct fuzz_run {
	int		 check;		/* no table: the problems are the rows */
	struct config	 config;
	struct engine	*engine;
	struct output	*out;
	struct counts	 counts;
	const char	*file;
	FILE		*log;
};

static void
log_string(FILE *fp, const char *name, const char *s)
{
	fprintf(fp, " %s=%s%s%s", name, s ? "\"" : "", s ? s : "null",
	    s ? "\"" : "");
}

static void
log_snapshot(FILE *fp, const char *name, const struct snapshot *s)
{
	size_t i;

	fprintf(fp, "\n %s present=%d", name, s->present);
	if (!s->present)
		return;
	log_string(fp, "status_arn", s->status_arn);
	log_string(fp, "status_name", s->status_name);
	log_string(fp, "status_type", s->status_type);
	fprintf(fp, " status_start=%lld", (long long)s->status_start);
	log_string(fp, "next", s->next_status);
	log_string(fp, "user", s->username);
	log_string(fp, "first", s->first_name);
	log_string(fp, "last", s->last_name);
	log_string(fp, "profile", s->routing_profile);
	for (i = 0; i < 5; i++)
		log_string(fp, "level", s->hierarchy[i]);
	log_string(fp, "proficiencies", s->proficiencies);
	for (i = 0; i < s->ncontacts; i++) {
		fprintf(fp, "\n  contact");
		log_string(fp, "id", s->contacts[i].id);
		log_string(fp, "initial", s->contacts[i].initial_id);
		log_string(fp, "channel", s->contacts[i].channel);
		log_string(fp, "method", s->contacts[i].initiation_method);
		log_string(fp, "queue", s->contacts[i].queue_name);
		log_string(fp, "state", s->contacts[i].state_name);
		fprintf(fp, " %d %lld %lld", (int)s->contacts[i].state,
		    (long long)s->contacts[i].state_start,
		    (long long)s->contacts[i].connected);
	}
}

/* Everything the record path handed on for one record. */
static void
log_record(FILE *fp, const struct event *ev, const struct verdict *v,
    const struct origin *o, const char *raw, size_t rawlen)
{
	int i, n = v->nproblems < MAX_PROBLEMS ? v->nproblems : MAX_PROBLEMS;

	fprintf(fp, "record %llu %ld problems=%d rejected=%d",
	    (unsigned long long)o->line, o->record, v->nproblems, v->rejected);
	log_string(fp, "id", v->event_id);
	for (i = 0; i < n; i++)
		fprintf(fp, "\n %d %s: %s", (int)v->problems[i].severity,
		    v->problems[i].field, v->problems[i].message);
	if (ev == NULL) {
		fprintf(fp, "\n raw %zu ", rawlen);
		fwrite(raw, 1, rawlen, fp);
	} else {
		fprintf(fp, "\n event type=%d time=%lld", (int)ev->type,
		    (long long)ev->time);
		log_string(fp, "agent", ev->agent_arn);
		log_string(fp, "event", ev->event_id);
		log_string(fp, "type", ev->type_name);
		log_snapshot(fp, "cur", &ev->cur);
		log_snapshot(fp, "prev", &ev->prev);
	}
	fputc('\n', fp);
}

/* record_fn: what agentev.c's on_record and report do, minus stderr. */
static void
on_record(void *ctx, struct event *ev, const struct verdict *v,
    const struct origin *o, const char *raw, size_t rawlen)
{
	struct fuzz_run *r = ctx;
	struct cell cells[7];
	int i, n = v->nproblems < MAX_PROBLEMS ? v->nproblems : MAX_PROBLEMS;

	log_record(r->log, ev, v, o, raw, rawlen);
	r->counts.events++;
	for (i = 0; i < n; i++) {
		if (v->problems[i].severity == SEV_WARNING)
			r->counts.warnings++;
		if (!r->check || r->out == NULL)
			continue;
		cells[0] = C_STR(o->file);
		cells[1] = C_INT((int64_t)o->line);
		cells[2] = o->record >= 0 ? C_INT(o->record) : C_NULL;
		cells[3] = C_STR(v->event_id);
		cells[4] = C_STR(v->problems[i].severity == SEV_WARNING ?
		    "warning" : "error");
		cells[5] = C_STR(v->problems[i].field);
		cells[6] = C_STR(v->problems[i].message);
		(void)out_row(r->out, cells);
	}
	if (ev == NULL)
		r->counts.rejected++;
	else
		engine_apply(r->engine, ev, o);
}

/* value_fn: a framed value, or a broken fragment (rejected as is). */
static void
on_value(void *ctx, const char *buf, size_t n, const struct framed *where)
{
	struct fuzz_run *r = ctx;
	struct origin o = { r->file, where->line, -1, where->column };
	struct verdict v;

	if (where->broken == NULL) {
		parse_value(buf, n, &o, &r->config, on_record, r);
		return;
	}
	broken_verdict(&v, where, buf, n, r->config.max_record);
	on_record(r, NULL, &v, &o, buf, n);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *zone, *interval;

	(void)argc;
	(void)argv;
	arena_init();
	if ((zone = getenv("AGENTEV_FUZZ_ZONE")) != NULL &&
	    out_set_zone(zone) == -1)
		errx(1, "AGENTEV_FUZZ_ZONE: unknown time zone: %s", zone);
	if ((interval = getenv("AGENTEV_FUZZ_INTERVAL")) != NULL &&
	    bucket_set(interval) == -1)
		errx(1, "AGENTEV_FUZZ_INTERVAL: invalid interval: %s", interval);
	return 0;
}

/* One run of the record path over the input, logged into r->log. */
static void
run_once(unsigned mode, const uint8_t *data, size_t size, FILE *log)
{
	/* NULL is check */
	static const struct view_ops *const tables[] = {
		NULL, &events_view, &acw_view, &status_view, &activity_view,
		&summary_view
	};
	const struct view_ops *table;
	static const enum out_format formats[] = { OUT_CSV, OUT_TSV, OUT_JSON };
	/* 0 = all at once; the last mode also uses the small -m */
	static const size_t chunks[] = { 0, 1, 2, 3, 17, 100, 4096, 0 };
	const char *const *columns = NULL;
	struct fuzz_run r;
	struct framer *f;
	const char *p;
	size_t ncolumns = 0, chunk, n;
	int chunk_index;

	memset(&r, 0, sizeof(r));
	r.log = log;
	r.file = "<fuzz>";
	table = tables[mode % 6];
	r.check = table == NULL;
	mode /= 6;
	r.config.format_given = 1;
	r.config.strict = (mode / 3) & 1;
	chunk_index = (int)((mode / 6) % 8);
	chunk = chunks[chunk_index];
	r.config.max_record = chunk_index == 7 ? SMALL_MAX : 64 << 20;

	if (table != NULL)
		columns = view_columns(table, &ncolumns);
	else {
		columns = check_columns;
		ncolumns = sizeof(check_columns) / sizeof(check_columns[0]);
	}
	if ((r.out = out_new(log, formats[mode % 3], 1, columns,
	    ncolumns)) == NULL)
		fatal_oom();
	r.engine = engine_new(&r.counts);
	if (table != NULL)
		engine_add_view(r.engine, table, r.out);
	/* and, without rows, the tables the mode byte cannot name */
	engine_add_view(r.engine, &sessions_view, NULL);
	if ((f = frame_new(r.config.max_record)) == NULL)
		fatal_oom();

	/* the driver skips a BOM and refuses gzip before framing */
	p = (const char *)data;
	if (size >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		p += 3;
		size -= 3;
	}
	frame_begin(f, r.file);
	if (chunk == 0)
		chunk = size;
	/* like the driver, feed the first read even when it is empty */
	do {
		n = size < chunk ? size : chunk;
		if (frame_feed(f, p, n, on_value, &r) == -1)
			fatal_oom();
		p += n;
		size -= n;
	} while (size > 0);
	frame_end(f, on_value, &r);
	engine_finish(r.engine, 1);

	engine_free(r.engine);
	out_free(r.out);
	frame_free(f);
	fprintf(log, "counts %llu %llu %llu %llu %llu %llu\n",
	    (unsigned long long)r.counts.events,
	    (unsigned long long)r.counts.rejected,
	    (unsigned long long)r.counts.duplicates,
	    (unsigned long long)r.counts.warnings,
	    (unsigned long long)r.counts.out_of_order,
	    (unsigned long long)r.counts.unsplit);
}

/* Run the input into a log in memory; *len its length. */
static char *
logged_run(unsigned mode, const uint8_t *data, size_t size, size_t *len)
{
	char *text = NULL;
	FILE *log;

	if ((log = open_memstream(&text, len)) == NULL)
		fatal_oom();
	run_once(mode, data, size, log);
	if (fclose(log) == EOF)
		fatal_oom();
	return text;
}

static void
same(const char *what, const char *a, size_t alen, const char *b,
    size_t blen)
{
	size_t i;

	if (alen == blen && memcmp(a, b, alen) == 0)
		return;
	for (i = 0; i < alen && i < blen && a[i] == b[i]; i++)
		;
	fprintf(stderr, "fuzz_record: %s differs from the run without the "
	    "memo at byte %zu:\n--- without\n%.*s\n--- %s\n%.*s\n", what, i,
	    (int)(alen - i < 400 ? alen - i : 400), a + i, what,
	    (int)(blen - i < 400 ? blen - i : 400), b + i);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *off, *cold, *warm;
	size_t offlen, coldlen, warmlen;
	unsigned mode;

	if (size == 0)
		return 0;
	mode = data[0];
	data++;
	size--;

	memo_drop();
	memo_set(0);
	off = logged_run(mode, data, size, &offlen);
	memo_set(1);
	cold = logged_run(mode, data, size, &coldlen);
	warm = logged_run(mode, data, size, &warmlen);
	memo_drop();
	same("the run with an empty memo", off, offlen, cold, coldlen);
	same("the run with the memo filled", off, offlen, warm, warmlen);
	free(off);
	free(cold);
	free(warm);
	return 0;
}
