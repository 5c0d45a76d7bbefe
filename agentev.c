/*
 * agentev: summarise Amazon Connect agent event streams.
 *
 * This file is the driver: options, operands, the outputs, the messages
 * and the rejects file, the summary and the exit status; input.c reads
 * the inputs.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "agentev.h"

#define DEFAULT_MAX	(64 << 20)

static const char *const check_columns[] = {
	"file", "line", "record", "event_id", "severity", "field", "message"
};

static const size_t check_ncolumns = sizeof(check_columns) /
    sizeof(check_columns[0]);

/*
 * The tables, each a view (engine.h), in the order the -S state lists
 * their parts; `check` is the one command without a table.
 */
static const struct view_ops *const tables[] = {
	&events_view,
	&acw_view,
	&status_view,
	&activity_view,
	&summary_view,
	&adherence_view,
	&alert_view,
	&now_view,
	&contacts_view,
	&sessions_view,
};

#define NTABLES	(sizeof(tables) / sizeof(tables[0]))

/* The commands that take -i; with any other it is a usage error. */
static const char *const interval_commands[] = {
	"acw", "status", "activity", "summary", "contacts", "sessions",
	"adherence"
};

#define NINTERVAL_COMMANDS \
	(sizeof(interval_commands) / sizeof(interval_commands[0]))

#define MAX_EXTRA	16	/* -o */

/* -o TABLE=FILE: another table from the same pass, into its own file. */
struct extra {
	const struct view_ops	*table;
	const char		*name;
	const char		*path;
	FILE			*fp;
	struct output		*out;
};

/* Everything one run needs while it reads. */
struct run {
	struct config	 config;
	int		 check;		/* the command is check */
	const struct view_ops *table;	/* the command's, or NULL for check */
	int		 saves_state;	/* -S: the run may write the state */
	struct extra	 extras[MAX_EXTRA];	/* -o */
	int		 nextras;
	int		 extra_failed;	/* writing one failed: no -S save */
	struct engine	*engine;
	struct pipeline	*pipeline;
	struct output	*out;		/* the table; for check only with -f */
	struct counts	 counts;
	FILE		*rejects;
	const char	*rejects_path;
	int		 rejects_error;	/* errno of the first failed write */
	const char	*state_path;	/* -S */
	int		 lock_late;	/* lock -S only to save: now alone */
	int		 state_existed;	/* and state_sb is what was read */
	struct stat	 state_sb;
	const char	*schedule_path;	/* -A */
	int64_t		 as_of;		/* -t, or -1 */
	int64_t		 window;	/* -w, ms */
	int		 grouped;	/* -g */
	int		 have_span;	/* first and last are set */
	int64_t		 first, last;	/* the valid events' EventTimestamps */
	int		 status;	/* exit status so far */
};

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: agentev [-EHhsV] [-A schedule] [-a rule] "
	    "[-f format] [-g keys] [-i interval] [-j threads] [-m size] "
	    "[-o table=file] [-r rejects] [-S state] [-t time] [-w window] "
	    "[-z zone] command [file ...]\n");
	exit(2);
}

static void
help(void)
{
	printf("usage: agentev [-EHhsV] [-A schedule] [-a rule] [-f format] "
	    "[-g keys] [-i interval] [-j threads] [-m size] [-o table=file] "
	    "[-r rejects] [-S state] [-t time] [-w window] [-z zone] command "
	    "[file ...]\n"
	    "\n"
	    "Read Amazon Connect agent events from the files (standard input "
	    "when none\nor '-') and write one table on standard output.\n"
	    "\n"
	    "commands:\n"
	    "  check    validate only; with -f, one row per problem; "
	    "-S only read\n"
	    "  events   one row per change seen in an event\n"
	    "  acw      one row per contact's after-contact work\n"
	    "  status   agent-status intervals tiling each login session\n"
	    "  activity intervals of what the agent was doing\n"
	    "  summary  totals per agent (and per bucket with -i)\n"
	    "  alert    a row each time a -a rule is raised or cleared\n"	    "  adherence time against the -A schedule per agent (and bucket "
	    "with -i)\n"
	    "  now      one row per agent: its state at the end, or at -t\n"
	    "  contacts one row per contact: ring, talk, hold, ACW, outcome\n"
	    "  sessions one row per login session\n"
	    "\n"
	    "options:\n"
	    "  -A schedule the schedule for adherence, alert and now: CSV "
	    "of username,\n"
	    "              start, end, activity (Work: any ROUTABLE status);\n"
	    "              '-' reads it from standard input\n"
	    "  -a rule     alert rule (repeatable): NAME>15m, acw>5m, "
	    "missed>=3/1h,\n"
	    "              silent>5m, adherence>5m (for adherence: the "
	    "exceptions' threshold)\n"
	    "  -E          quote fields a spreadsheet would take for formulas\n"
	    "  -f format   csv (default), tsv, json, text (aligned, for people),"
	    "\n"
	    "              svg (acw, status, activity) or html (now), in any "
	    "case\n"
	    "  -g keys     summary, adherence or now per group, comma-separated:"
	    "\n              agent (default), routing_profile, hierarchy1 ... "
	    "hierarchy5, status\n"
	    "  -H          no header line\n"
	    "  -h, --help  this help\n"
	    "  -i interval split rows into buckets of local time: 15m, 30m, "
	    "1h, 1d, ...\n"
	    "              (it must divide a day; acw, status, activity, "
	    "summary,\n              contacts, sessions and adherence only)\n"
	    "  -j threads  decode on this many threads (default: online "
	    "CPUs, at most 8)\n"
	    "  -m size     largest record accepted, bytes or with k, M, G "
	    "(default 64M)\n"
	    "  -o table=file\n"
	    "              write that table too, from the same pass "
	    "(repeatable)\n"
	    "  -r rejects  write each rejected record to this file, byte "
	    "for byte\n"
	    "  -S state    carry open intervals and recent EventIds between "
	    "runs in this file\n"
	    "              (check only reads it; now writes it only when it "
	    "read events)\n"
	    "  -s          strict: unknown enumeration values are errors\n"
	    "  -t time     as of this ISO 8601 time, or now: later events are "
	    "not used,\n              open rows are measured up to it\n"

	    "  -V, --version\n"
	    "              print the version\n"
	    "  -w window   reorder each agent's events that arrive up to this "
	    "late\n"
	    "              (event time: 30s, 5m, 1h30m)\n"
	    "  -z zone     print times in this IANA time zone "
	    "(default UTC)\n"
	    "\n"
	    "-r, -S and -o may not be inputs, standard input included, nor the "
	    "-A schedule.\n"
	    "AGENTEV_MEMO=0 in the environment turns off the memo of snapshots "
	    "validated\nbefore (it changes only the speed).\n"
	    "Exit status: 0 clean; 1 records rejected, events out of order, "
	    "or input or\noutput failed; 2 usage.\n"
	    "See agentev(1).\n");
}

/* The default for -j: the online CPUs, at most 8. */
static int
default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

void
fatal_oom(void)
{
	errx(1, "out of memory");
}

/* Parse a size such as 1048576, 512k, 64M or 1G. */
static int
parse_size(const char *s, size_t *out)
{
	unsigned long long v, mult = 1;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || s[0] == '-')
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K': mult = 1ULL << 10; end++; break;
	case 'm': case 'M': mult = 1ULL << 20; end++; break;
	case 'g': case 'G': mult = 1ULL << 30; end++; break;
	default:
		return -1;
	}
	if (*end != '\0' || v == 0 || v > SIZE_MAX / mult)
		return -1;
	*out = (size_t)(v * mult);
	return 0;
}

/* -t: an ISO 8601 time, or now (the wall clock); -1 when neither. */
static int
parse_as_of(const char *s, int64_t *out)
{
	struct timespec ts;

	if (strcmp(s, "now") == 0) {
		if (clock_gettime(CLOCK_REALTIME, &ts) == -1)
			return -1;
		*out = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		return 0;
	}
	if (parse_time(s, strlen(s), out) != 0 || *out < 0)
		return -1;
	return 0;
}

/* The output failed: stop quietly for a closed pipe, else loudly. */
static void __attribute__((noreturn))
output_failed(struct run *r, int error)
{
	int i;

	if (r->rejects != NULL)
		fclose(r->rejects);
	if (error == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
		_exit(1);
	}
	errno = error;
	for (i = 0; i < r->nextras; i++)
		if (r->extras[i].fp != NULL && ferror(r->extras[i].fp))
			err(1, "%s", r->extras[i].path);
	err(1, "<stdout>");
}

/*
 * Keep the first write error of the rejects file: a failed flush drops
 * the buffer and sets only the error flag, which fclose does not report.
 */
static void
check_rejects(struct run *r)
{
	if (r->rejects != NULL && ferror(r->rejects) && r->rejects_error == 0)
		r->rejects_error = errno != 0 ? errno : EIO;
}

/* Write out the rows and rejects so far; stdout failing ends the run. */
static void
flush_output(struct run *r)
{
	int i;

	(void)out_flush(r->out, 0);
	for (i = 0; i < r->nextras; i++) {
		(void)out_flush(r->extras[i].out, 0);
		if (fflush(r->extras[i].fp) == EOF)
			output_failed(r, errno);
	}
	if (fflush(stdout) == EOF || out_error())
		output_failed(r, out_error() ? out_error() : errno);
	if (r->rejects != NULL)
		(void)fflush(r->rejects);
	check_rejects(r);
}

/*
 * Write a record to the rejects file byte for byte, line breaks and
 * trailing white space included, then a newline unless it ends with one,
 * so that agentev reads the file back as it read the records.
 */
static void
write_reject(struct run *r, const char *raw, size_t n)
{
	if (r->rejects == NULL || n == 0)
		return;
	(void)fwrite(raw, 1, n, r->rejects);
	if (raw[n - 1] != '\n')
		putc('\n', r->rejects);
	check_rejects(r);
}

/*
 * Report what was found in a record: FILE:LINE: where the record starts,
 * or FILE:LINE:COLUMN: where the problem itself is, when that is known,
 * and then the line where the record starts when that is another.
 */
static void
report(struct run *r, const struct verdict *v, const struct origin *o)
{
	const struct problem *p;
	char where[64] = "", record[32] = "", starts[64] = "", field[256];
	char message[sizeof(p->message) + sizeof(starts)];
	uint64_t line = o->line;
	int i, n = v->nproblems < MAX_PROBLEMS ? v->nproblems : MAX_PROBLEMS;

	if (v->line > 0) {
		line = v->line;
		snprintf(where, sizeof(where), ":%" PRIu64, v->column);
		if (v->line != o->line)
			snprintf(starts, sizeof(starts), " (the record starts "
			    "at line %" PRIu64 ")", o->line);
	}
	if (o->record >= 0 && !v->in_page)
		snprintf(record, sizeof(record), "Records[%ld]: ", o->record);
	for (i = 0; i < n; i++) {
		p = &v->problems[i];
		if (p->severity == SEV_WARNING)
			r->counts.warnings++;
		if (o->record >= 0 && v->in_page)
			snprintf(field, sizeof(field), "Records[%ld]%s%s",
			    o->record, p->field[0] ? "." : "", p->field);
		else
			snprintf(field, sizeof(field), "%s", p->field);
		snprintf(message, sizeof(message), "%s%s", p->message, starts);
		fprintf(stderr, "agentev: %s:%" PRIu64 "%s: %s%s%s%s%s\n",
		    o->file, line, where, record, field, field[0] ? ": " : "",
		    p->severity == SEV_WARNING ? "warning: " : "", message);
		if (r->check && r->out != NULL) {
			struct cell cells[7];

			cells[0] = C_STR(o->file);
			cells[1] = C_INT((int64_t)line);
			cells[2] = o->record >= 0 ? C_INT(o->record) : C_NULL;
			cells[3] = C_STR(v->event_id[0] ? v->event_id : NULL);
			cells[4] = C_STR(p->severity == SEV_WARNING ?
			    "warning" : "error");
			cells[5] = field[0] ? (struct cell){ CELL_STR, field,
			    0 } : C_NULL;
			cells[6] = (struct cell){ CELL_STR, message, 0 };
			(void)out_row(r->out, cells);
		}
	}
	if (v->nproblems > MAX_PROBLEMS)
		fprintf(stderr, "agentev: %s:%" PRIu64 ": %s%d more %s not "
		    "shown\n", o->file, o->line, record,
		    v->nproblems - MAX_PROBLEMS,
		    v->nproblems - MAX_PROBLEMS == 1 ? "problem" : "problems");
}

/* record_fn: one event, or one rejected record, in input order. */
static void
on_record(void *ctx, struct event *ev, const struct verdict *v,
    const struct origin *o, const char *raw, size_t rawlen)
{
	struct run *r = ctx;

	r->counts.events++;
	report(r, v, o);
	if (ev == NULL) {
		r->counts.rejected++;
		write_reject(r, raw, rawlen);
	} else {
		if (!r->have_span || ev->time < r->first)
			r->first = ev->time;
		if (!r->have_span || ev->time > r->last)
			r->last = ev->time;
		r->have_span = 1;
		engine_apply(r->engine, ev, o);
	}
	if (out_error())
		output_failed(r, out_error());
}

/* notice_fn: a problem with an input as a whole. */
static void
on_notice(void *ctx, const char *message)
{
	struct run *r = ctx;

	fprintf(stderr, "agentev: %s\n", message);
	r->status = 1;
}

/*
 * idle_fn: the input has nothing more for now (a live pipe): write out
 * every row and reject so far before waiting for it, so a stream's rows
 * show as they come rather than when a buffer fills.
 */
static void
caught_up(void *ctx)
{
	struct run *r = ctx;

	pipe_sync(r->pipeline);
	engine_flush(r->engine);
	flush_output(r);
}

/* The long options: only --help and --version, as GNU tools have them. */
static const struct view_ops *find_table(const char *);

/* -o TABLE=FILE */
static void
add_extra(struct run *r, char *arg)
{
	struct extra *x = &r->extras[r->nextras];
	char *eq = strchr(arg, '=');
	int i;

	if (eq == NULL || eq == arg || eq[1] == '\0') {
		warnx("-o %s: write TABLE=FILE, e.g. -o status=status.csv",
		    arg);
		usage();
	}
	*eq = '\0';
	if (strcmp(arg, "check") == 0) {
		warnx("-o check: check is not a table");
		usage();
	}
	for (i = 0; i < (int)NTABLES; i++)
		if (strcmp(arg, view_name(tables[i])) == 0)
			break;
	if (i == (int)NTABLES) {
		warnx("-o %s: no such table", arg);
		usage();
	}
	x->table = tables[i];
	x->name = arg;
	x->path = eq + 1;
	for (i = 0; i < r->nextras; i++)
		if (r->extras[i].table == x->table) {
			warnx("-o %s: the table is given twice", arg);
			usage();
		}
	if (r->nextras == MAX_EXTRA) {
		warnx("-o: at most %d tables", MAX_EXTRA);
		usage();
	}
	r->nextras++;
}

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* An option getopt_long did not take: say which, and stop. */
static void __attribute__((noreturn))
bad_option(const char *arg)
{
	size_t n;

	n = strcspn(arg, "=");
	if (optopt == 0)
		warnx("unknown option %.*s", (int)n, arg);
	else if (strncmp(arg, "--", 2) == 0 && arg[n] == '=')
		warnx("option %.*s takes no argument", (int)n, arg);
	else
		warnx("unknown option -%c", optopt);
	usage();
}

/*
 * getopt stops at the first operand; options may follow the command, so
 * collect operands and go on.
 */
static int
parse_options(int argc, char *argv[], struct run *r, char ***operands,
    enum out_format *format, int *header, const char **zone,
    const char **interval, int *threads)
{
	int ch, nops = 0;
	long lval;
	char *end, why[256];

	if ((*operands = calloc((size_t)argc + 1, sizeof(char *))) == NULL)
		fatal_oom();
	opterr = 0;	/* our own messages, without argv[0] */
	while (optind < argc) {
		if ((ch = getopt_long(argc, argv, "+:A:a:Ef:g:Hhi:j:m:o:r:S:st:Vw:z:",
		    long_options, NULL)) == -1) {
			if (strcmp(argv[optind - 1], "--") == 0 &&
			    optind > 1) {
				while (optind < argc)
					(*operands)[nops++] = argv[optind++];
				break;
			}
			(*operands)[nops++] = argv[optind++];
			continue;
		}
		switch (ch) {
		case 'A':
			r->schedule_path = optarg;
			break;
		case 'a':
			if (alert_add_rule(optarg, why, sizeof(why)) == -1) {
				warnx("-a %s: %s", optarg, why);
				usage();
			}
			break;
		case 'E':
			out_guard_formulas(1);
			break;
		case 'f':
			if (strcasecmp(optarg, "csv") == 0)
				*format = OUT_CSV;
			else if (strcasecmp(optarg, "tsv") == 0)
				*format = OUT_TSV;
			else if (strcasecmp(optarg, "json") == 0)
				*format = OUT_JSON;
			else if (strcasecmp(optarg, "svg") == 0)
				*format = OUT_SVG;
			else if (strcasecmp(optarg, "text") == 0)
				*format = OUT_TEXT;
			else if (strcasecmp(optarg, "html") == 0)
				*format = OUT_HTML;
			else {
				warnx("unknown format: %s (csv, tsv, json, "
				    "text, svg or html)", optarg);
				usage();
			}
			r->config.format_given = 1;
			break;
		case 'g':
			if (summary_groups(optarg) == -1) {
				warnx("invalid group keys: %s (agent, "
				    "routing_profile, hierarchy1 to hierarchy5, "
				    "status)", optarg);
				usage();
			}
			r->grouped = 1;
			break;
		case 'H':
			*header = 0;
			break;
		case 'h':
			help();
			exit(0);
		case 'i':
			*interval = optarg;
			break;
		case 'j':
			errno = 0;
			lval = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    lval < 1 || lval > 256) {
				warnx("invalid thread count: %s (1 to 256)",
				    optarg);
				usage();
			}
			*threads = (int)lval;
			break;
		case 'm':
			if (parse_size(optarg, &r->config.max_record) == -1) {
				warnx("invalid size: %s (bytes, or with k, M "
				    "or G)", optarg);
				usage();
			}
			break;
		case 'o':
			add_extra(r, optarg);
			break;
		case 'r':
			r->rejects_path = optarg;
			break;
		case 'S':
			r->state_path = optarg;
			break;
		case 's':
			r->config.strict = 1;
			break;
		case 't':
			if (parse_as_of(optarg, &r->as_of) == -1) {
				warnx("invalid time: %s (ISO 8601, e.g. "
				    "2026-11-04T12:00:00Z, or now)", optarg);
				usage();
			}
			break;
		case 'V':
			printf("agentev %s (jansson %s)\n", AGENTEV_VERSION,
			    JANSSON_VERSION);
			exit(0);
		case 'w':
			if (parse_duration(optarg, strlen(optarg), &r->window) == -1) {
				warnx("invalid window: %s (a duration such as "
				    "30s, 5m or 1h30m)", optarg);
				usage();
			}
			break;
		case 'z':
			*zone = optarg;
			break;
		case ':':
			warnx("option -%c needs an argument", optopt);
			usage();
		default:
			bad_option(argv[optind - 1]);
		}
	}
	return nops;
}

/*
 * -S: lock and load the state, or stop with exit status 2.  A save
 * replaces the file whole, so a read sees the old state or the new one
 * and needs no lock: check, which only reads it, takes none and creates
 * nothing.  Every table holds the lock to its end.  now alone (no -o)
 * writes no rows that the state must match, and saves only when it read
 * events: it reads the state unlocked, like check, so a wallboard page
 * never stops a batch, and locks it only to save (save_state).
 */
static void
open_state(struct run *r)
{
	char why[512];
	int rc = 0;

	/* a table that saves only when it read events: now */
	r->lock_late = r->table != NULL && !view_saves_state(r->table, 0) &&
	    r->nextras == 0;
	if (r->saves_state && !r->lock_late)
		rc = state_lock(r->state_path, why, sizeof(why));
	r->state_existed = stat(r->state_path, &r->state_sb) == 0;
	if (rc >= 0)
		rc = state_load(r->engine, r->state_path, &r->config, why,
		    sizeof(why));
	if (rc == -2) {
		warnx("-S %s: %s", r->state_path, why);
		exit(2);
	}
	if (rc == -1) {
		warnx("%s: %s; state file left as it was", r->state_path, why);
		exit(2);
	}
}

/* Whether a and b describe one file (by device and inode). */
static int
same_inode(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Whether path names the file sb describes. */
static int
same_file(const struct stat *sb, const char *path)
{
	struct stat other;

	return stat(path, &other) == 0 && same_inode(sb, &other);
}

/* The file of path[i] of check_outputs: for the -A schedule (2) "-" is
   standard input. */
static int
stat_path(const char *const *path, int i, struct stat *sb)
{
	if (i == 2 && strcmp(path[i], "-") == 0)
		return fstat(STDIN_FILENO, sb);
	return stat(path[i], sb);
}

/* Whether sb is the file path[i] names (none when it is NULL). */
static int
is_path(const struct stat *sb, const char *const *path, int i)
{
	struct stat other;

	return path[i] != NULL && stat_path(path, i, &other) == 0 &&
	    same_inode(sb, &other);
}

/*
 * Refuse (exit 2) a -r, -S or -o file that is one of the inputs, standard
 * input included, or the -A schedule, and a schedule that is an input,
 * by device and inode, so another path or a hard link to
 * it is caught too: writing it would destroy what is being read.  Only a
 * terminal or a device such as /dev/null may be both.  Runs before
 * anything is opened for writing.
 */
static void
check_outputs(struct run *r, char **operands, int nops)
{
	static const char *const kind[] = { "rejects", "state", "schedule" };
	const char *what[3 + MAX_EXTRA] = { "-r", "-S", "-A" };
	const char *path[3 + MAX_EXTRA] = { r->rejects_path, r->state_path,
	    r->schedule_path };
	struct stat sb;
	int k, i, is_stdin, n = 3;

	for (i = 0; i < r->nextras; i++) {
		what[n] = "-o";
		path[n++] = r->extras[i].path;
	}
	if (path[0] != NULL && path[1] != NULL && stat(path[0], &sb) == 0 &&
	    same_file(&sb, path[1])) {
		warnx("-r %s and -S %s are the same file", path[0], path[1]);
		usage();
	}
	/* the schedule is read like an input: no output may be it */
	if (path[2] != NULL && stat_path(path, 2, &sb) == 0 &&
	    !S_ISCHR(sb.st_mode))
		for (i = 0; i < n; i++)
			if (i != 2 && is_path(&sb, path, i)) {
				warnx("%s %s: the %s file is also the -A "
				    "schedule", what[i], path[i],
				    i < 2 ? kind[i] : "output");
				usage();
			}
	for (k = 1; k < nops || k == 1; k++) {
		is_stdin = k >= nops || strcmp(operands[k], "-") == 0;
		if (is_stdin && path[2] != NULL && strcmp(path[2], "-") == 0) {
			warnx("-A -: standard input is also an input (the "
			    "events)");
			usage();
		}
		if (is_stdin ? fstat(STDIN_FILENO, &sb) == -1 :
		    stat(operands[k], &sb) == -1)
			continue;	/* reading it will say what is wrong */
		if (S_ISCHR(sb.st_mode))
			continue;
		for (i = 0; i < n; i++)
			if (is_path(&sb, path, i)) {
				warnx("%s %s: the %s file is also an input%s",
				    what[i], path[i], i < 3 ? kind[i] :
				    "output", is_stdin ?
				    " (standard input)" : "");
				usage();
			}
	}
}

/* -r: the rejects file. */
static void
open_rejects(struct run *r)
{
	if ((r->rejects = fopen(r->rejects_path, "w")) == NULL)
		err(1, "%s", r->rejects_path);
}

static const char *
plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* -o: draw, write out and close each file; a failure keeps -S unsaved. */
static void
close_extras(struct run *r)
{
	struct extra *x;
	int i;

	for (i = 0; i < r->nextras; i++) {
		x = &r->extras[i];
		if (r->have_span)
			out_set_span(x->out, r->first, r->last);
		if (out_finish(x->out) == 1)
			r->status = 1;
		(void)out_flush(x->out, 1);
		if (ferror(x->fp) | (fclose(x->fp) == EOF)) {
			if (errno == 0)
				errno = EIO;
			warn("%s", x->path);
			r->status = 1;
			r->extra_failed = 1;
		}
		x->fp = NULL;
	}
}

/*
 * Save the state.  A run that read it unlocked (lock_late) takes the lock
 * now, and saves only when no other run saved the file since it was read:
 * its events would replace theirs.
 */
static int
save_state(struct run *r, char *why, size_t whylen)
{
	struct stat sb;
	int fd = -1, rc, exists;

	if (r->lock_late) {
		if ((fd = state_lock(r->state_path, why, whylen)) < 0)
			return -1;
		exists = stat(r->state_path, &sb) == 0;
		if (exists != r->state_existed || (exists &&
		    (!same_inode(&sb, &r->state_sb) ||
		    sb.st_size != r->state_sb.st_size ||
		    sb.st_mtim.tv_sec != r->state_sb.st_mtim.tv_sec ||
		    sb.st_mtim.tv_nsec != r->state_sb.st_mtim.tv_nsec))) {
			close(fd);
			snprintf(why, whylen, "%s: another agentev saved it "
			    "while this run read; this run's events are not "
			    "in it (give them again)", r->state_path);
			return -1;
		}
	}
	rc = state_save(r->engine, r->state_path, why, whylen);
	if (fd >= 0)
		close(fd);
	return rc;
}

/*
 * The input is read: flush the output and the rejects, and only then save
 * the state (check never writes it); say what happened.
 */
static void
finish(struct run *r)
{
	char why[512];

	if (r->out != NULL) {
		if (r->have_span)
			out_set_span(r->out, r->first, r->last);
		if (out_finish(r->out) == 1)
			r->status = 1;
	}
	(void)out_flush(r->out, 1);
	flush_output(r);
	close_extras(r);
	if (r->rejects != NULL && fclose(r->rejects) == EOF &&
	    r->rejects_error == 0)
		r->rejects_error = errno;
	if (r->rejects_error != 0) {
		errno = r->rejects_error;
		warn("%s", r->rejects_path);
		r->status = 1;
	} else if (r->state_path != NULL && r->saves_state &&
	    view_saves_state(r->table, r->have_span) && !r->extra_failed &&
	    save_state(r, why, sizeof(why)) == -1) {
		warnx("cannot save the state: %s", why);
		r->status = 1;
	} else if (r->state_path != NULL && r->saves_state &&
	    view_saves_state(r->table, r->have_span) && adherence_dropped())
		warnx("%s: the adherence this state carried is dropped, as "
		    "this run has no -A schedule: the next run with -A counts "
		    "from the clock this one leaves", r->state_path);
	r->rejects = NULL;
	if (r->counts.rejected > 0 || r->counts.out_of_order > 0)
		r->status = 1;
	if (r->check || r->counts.rejected > 0 ||
	    r->counts.warnings > 0 || r->counts.out_of_order > 0 ||
	    r->counts.after_as_of > 0) {
		fprintf(stderr, "agentev: %" PRIu64 " %s read, %" PRIu64
		    " rejected, %" PRIu64 " %s, %" PRIu64 " %s, %" PRIu64
		    " out of order", r->counts.events,
		    plural(r->counts.events, "record", "records"),
		    r->counts.rejected, r->counts.duplicates,
		    plural(r->counts.duplicates, "duplicate", "duplicates"),
		    r->counts.warnings,
		    plural(r->counts.warnings, "warning", "warnings"),
		    r->counts.out_of_order);
		if (r->as_of >= 0)
			fprintf(stderr, ", %" PRIu64 " later than -t",
			    r->counts.after_as_of);
		fputc('\n', stderr);
	}
	if (r->counts.out_of_order > 0)
		fprintf(stderr, "agentev: events out of order were used only "
		    "for what they show by themselves%s; -w DURATION reorders "
		    "events that arrive up to DURATION late\n",
		    schedule_given() ? " (and by adherence from the "
		    "clock on)" : "");
}

/* The table a command names; NULL for check. */
static const struct view_ops *
find_table(const char *name)
{
	size_t i;

	if (strcmp(name, "check") == 0)
		return NULL;
	for (i = 0; i < NTABLES; i++)
		if (strcmp(name, view_name(tables[i])) == 0)
			return tables[i];
	warnx("unknown command: %s", name);
	usage();
}

/*
 * The views this run needs, still without their output: the command's
 * table, and with -S every table that keeps state, so that one state
 * file serves whichever command runs next.
 */
static void
add_views(struct run *r, const struct view_ops *table)
{
	size_t i;

	r->engine = engine_new(&r->counts);
	engine_set_window(r->engine, r->window);
	if (r->state_path != NULL)
		for (i = 0; i < NTABLES; i++)
			engine_add_view(r->engine, tables[i], NULL);
	if (table != NULL)
		engine_add_view(r->engine, table, NULL);
	for (i = 0; i < (size_t)r->nextras; i++)
		engine_add_view(r->engine, r->extras[i].table, NULL);
}

/* -i given to a command that does not use it: say which ones do. */
static void __attribute__((noreturn))
interval_unused(const char *command)
{
	char list[256] = "";
	size_t i, n;

	for (i = 0; i < NINTERVAL_COMMANDS; i++) {
		n = strlen(list);
		snprintf(list + n, sizeof(list) - n, "%s%s", n ? ", " : "",
		    interval_commands[i]);
	}
	warnx("-i: %s takes no interval (these do: %s)", command, list);
	usage();
}

/* Whether the command takes -i. */
static int
takes_interval(const char *command)
{
	size_t i;

	for (i = 0; i < NINTERVAL_COMMANDS; i++)
		if (strcmp(command, interval_commands[i]) == 0)
			return 1;
	return 0;
}

static int
has_extra(const struct run *r, const struct view_ops *table)
{
	int i;

	for (i = 0; i < r->nextras; i++)
		if (r->extras[i].table == table)
			return 1;
	return 0;
}

/* Whether the run writes that table, as its command or with -o. */
static int
uses(const struct run *r, const struct view_ops *table,
    const struct view_ops *which)
{
	return table == which || has_extra(r, which);
}

/*
 * -a and -A: alert needs a rule; adherence takes adherence>D rules only
 * (their shortest is the exceptions' threshold); adherence and the
 * adherence>D rule need a schedule, which only they and now use.
 */
static void
check_rules(const struct run *r, const struct view_ops *table)
{
	int alert = uses(r, table, &alert_view);
	int adherence = uses(r, table, &adherence_view);

	if (alert && alert_nrules() == 0) {
		warnx("alert needs at least one -a rule");
		usage();
	}
	if (!alert && alert_nrules() > 0 && (!adherence ||
	    alert_nrules_adherence() < alert_nrules())) {
		warnx(adherence ? "adherence takes only -a adherence>DURATION "
		    "(the exceptions' threshold)" : "-a is for the alert "
		    "command (and adherence>DURATION for adherence) only");
		usage();
	}
	if (r->schedule_path == NULL && (adherence ||
	    alert_nrules_adherence() > 0)) {
		warnx("%s needs the schedule: -A FILE", adherence ?
		    "adherence" : "-a adherence>DURATION");
		usage();
	}
	if (r->schedule_path != NULL && !alert && !adherence &&
	    !uses(r, table, &now_view)) {
		warnx("-A is for adherence, alert and now only");
		usage();
	}
}

/* -A: read the schedule whole, before any event; a bad row exits 2. */
static void
load_schedule(const struct run *r)
{
	char why[1024];

	if (schedule_load(r->schedule_path, why, sizeof(why)) == -1) {
		warnx("-A %s", why);
		exit(2);
	}
}

/* What a picture format can draw, for when it cannot draw a table. */
static const char *
format_draws(enum out_format format)
{
	return format == OUT_HTML ? "-f html draws the now table" :
	    "-f svg draws interval tables (acw, status, activity)";
}

/*
 * -o: each table must be one the command alone could write with the same
 * options, and its file neither an input nor another output.
 */
static void
check_extras(struct run *r, const struct view_ops *table,
    enum out_format format, const char *interval)
{
	const char *const *columns;
	const char *others[2] = { r->rejects_path, r->state_path };
	struct stat sb;
	size_t ncolumns;
	int i, j;

	for (i = 0; i < r->nextras; i++) {
		struct extra *x = &r->extras[i];

		if (x->table == table) {
			warnx("-o %s: the command writes that table already",
			    x->name);
			usage();
		}
		columns = view_columns(x->table, &ncolumns);
		if (!out_can_write(format, columns, ncolumns)) {
			warnx("-o %s: %s", x->name, format_draws(format));
			usage();
		}
		if (interval != NULL && !takes_interval(x->name))
			interval_unused(x->name);
		if (stat(x->path, &sb) == -1) {
			/* a new file: only the same name can be it again */
			for (j = 0; j < i; j++)
				if (strcmp(x->path, r->extras[j].path) == 0) {
					warnx("-o %s=%s: the file is also given "
					    "to -o %s", x->name, x->path,
					    r->extras[j].name);
					usage();
				}
			continue;
		}
		for (j = 0; j < 2; j++)
			if (others[j] != NULL && same_file(&sb, others[j])) {
				warnx("-o %s=%s: the file is also given to %s",
				    x->name, x->path, j == 0 ? "-r" : "-S");
				usage();
			}
		for (j = 0; j < i; j++)
			if (same_file(&sb, r->extras[j].path)) {
				warnx("-o %s=%s: the file is also given to -o "
				    "%s", x->name, x->path, r->extras[j].name);
				usage();
			}
	}
}

/* -o: open the files (check_outputs made sure none is an input). */
static void
open_extras(struct run *r, enum out_format format, int header)
{
	const char *const *columns;
	size_t ncolumns;
	int i;

	for (i = 0; i < r->nextras; i++) {
		struct extra *x = &r->extras[i];

		if ((x->fp = fopen(x->path, "w")) == NULL)
			err(1, "%s", x->path);
		columns = view_columns(x->table, &ncolumns);
		if ((x->out = out_new(x->fp, format, header, columns,
		    ncolumns)) == NULL)
			fatal_oom();
		engine_add_view(r->engine, x->table, x->out);
	}
}

int
main(int argc, char *argv[])
{
	static struct run run;
	struct run *r = &run;
	const struct view_ops *table;
	const char *const *columns = check_columns;
	size_t ncolumns = check_ncolumns;
	enum out_format format = OUT_CSV;
	const char *zone = NULL, *interval = NULL;
	char **operands;
	int header = 1, nops, threads = default_threads(), i;

	arena_init();
	memo_init();
	r->config.max_record = DEFAULT_MAX;
	r->as_of = -1;
	nops = parse_options(argc, argv, r, &operands, &format, &header,
	    &zone, &interval, &threads);
	if (nops == 0) {
		warnx("no command given");
		usage();
	}
	table = find_table(operands[0]);
	r->check = table == NULL;
	check_rules(r, table);
	if (table != NULL)
		columns = view_columns(table, &ncolumns);
	if (format == OUT_HTML && r->grouped) {
		warnx("-f html draws the now table without -g (the page counts "
		    "per routing profile itself)");
		usage();
	}
	if (!out_can_write(format, columns, ncolumns)) {
		warnx("%s, not %s", format_draws(format), operands[0]);
		usage();
	}
	r->table = table;
	r->saves_state = table != NULL;
	check_extras(r, table, format, interval);
	if (r->grouped && !uses(r, table, &summary_view) &&
	    !uses(r, table, &now_view) && !uses(r, table, &adherence_view)) {
		warnx("-g applies to summary, adherence and now only");
		usage();
	}
	if (zone != NULL && out_set_zone(zone) == -1) {
		warnx("unknown time zone: %s", zone);
		usage();
	}
	if (interval != NULL && !takes_interval(operands[0]))
		interval_unused(operands[0]);
	if (interval != NULL && bucket_set(interval) == -1) {
		warnx("invalid interval: %s (an interval must divide a day: "
		    "e.g. 5m, 15m, 30m, 1h, 8h, 1d)", interval);
		usage();
	}
	check_outputs(r, operands, nops);
	if (r->schedule_path != NULL)
		load_schedule(r);
	add_views(r, table);
	if (r->as_of >= 0)
		engine_set_as_of(r->engine, r->as_of);
	if (r->state_path != NULL)
		open_state(r);
	if (r->rejects_path != NULL)
		open_rejects(r);
	open_extras(r, format, header);

	signal(SIGPIPE, SIG_IGN);
	/* check writes a table only when asked for one with -f */
	if (table != NULL)
		columns = view_columns(table, &ncolumns);
	if ((!r->check || r->config.format_given) &&
	    (r->out = out_new(stdout, format, header, columns,
	    ncolumns)) == NULL)
		fatal_oom();
	if (table != NULL)
		engine_add_view(r->engine, table, r->out);
	r->pipeline = pipe_new(threads, &r->config, on_record, on_notice, r);
	if (input_read(operands + 1, nops - 1, r->config.max_record,
	    r->pipeline, caught_up, r) == -1)
		fatal_oom();
	pipe_finish(r->pipeline);
	engine_finish(r->engine, r->state_path == NULL);
	finish(r);

	engine_free(r->engine);
	out_free(r->out);
	for (i = 0; i < r->nextras; i++)
		out_free(r->extras[i].out);
	free(operands);
	arena_drop();
	memo_drop();
	parse_drop();
	return r->status;
}
