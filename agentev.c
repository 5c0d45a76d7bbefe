/*
 * agentev: summarise Amazon Connect agent event streams.
 *
 * This file is the driver: options, operands, reading the inputs, the
 * messages and the rejects file, the summary and the exit status.
 */

#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agentev.h"

#define READ_SIZE	(1 << 20)
#define IDLE_MS		100	/* an input pause that flushes the output */
#define FLUSH_MS	1000	/* the longest a live stream's rows wait */
#define DEFAULT_MAX	(64 << 20)

static const char *const check_columns[] = {
	"file", "line", "record", "event_id", "severity", "field", "message"
};

static const size_t check_ncolumns = sizeof(check_columns) /
    sizeof(check_columns[0]);

/* The commands and the columns of their tables. */
static const struct command_info {
	const char		*name;
	enum command		 command;
	const char *const	*columns;
	const size_t		*ncolumns;
} commands[] = {
	{ "check", CMD_CHECK, check_columns, &check_ncolumns },
	{ "events", CMD_EVENTS, events_columns, &events_ncolumns },
	{ "acw", CMD_ACW, acw_columns, &acw_ncolumns },
	{ "status", CMD_STATUS, status_columns, &status_ncolumns },
	{ "activity", CMD_ACTIVITY, activity_columns, &activity_ncolumns },
	{ "summary", CMD_SUMMARY, summary_columns, &summary_ncolumns },
};

/* Everything one run needs while it reads. */
struct run {
	struct config	 config;
	enum command	 command;
	struct engine	*engine;
	struct pipeline	*pipeline;
	struct output	*out;		/* the table; for check only with -f */
	struct counts	 counts;
	FILE		*rejects;
	const char	*rejects_path;
	int		 rejects_error;	/* errno of the first failed write */
	const char	*state_path;	/* -S */
	const char	*file;		/* the input being read */
	int64_t		 flushed_ms;	/* when the output was last written out */
	int		 status;	/* exit status so far */
};

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: agentev [-EHhsV] [-f format] [-i interval] "
	    "[-j threads] [-m size] [-r rejects] [-S state] [-z zone] command "
	    "[file ...]\n");
	exit(2);
}

static void
help(void)
{
	printf("usage: agentev [-EHhsV] [-f format] [-i interval] "
	    "[-j threads] [-m size] [-r rejects] [-S state] [-z zone] command "
	    "[file ...]\n"
	    "\n"
	    "Read Amazon Connect agent events from the files (standard input "
	    "when none\nor '-') and write one table on standard output.\n"
	    "\n"
	    "commands:\n"
	    "  check    validate only; with -f, one row per problem\n"
	    "  events   one row per change seen in an event\n"
	    "  acw      one row per contact's after-contact work\n"
	    "  status   agent-status intervals tiling each login session\n"
	    "  activity intervals of what the agent was doing\n"
	    "  summary  totals per agent (and per bucket with -i)\n"
	    "\n"
	    "options:\n"
	    "  -E          quote fields a spreadsheet would take for formulas\n"
	    "  -f format   csv (default), tsv or json\n"
	    "  -H          no header line\n"
	    "  -h          this help\n"
	    "  -i interval split rows into buckets of local time: 15m, 30m, "
	    "1h, 1d, ...\n"
	    "  -j threads  decode on this many threads (default: online "
	    "CPUs, at most 8)\n"
	    "  -m size     largest record accepted, bytes or with k, M, G "
	    "(default 64M)\n"
	    "  -r rejects  write each rejected record to this file, one "
	    "per line\n"
	    "  -S state    carry open intervals and recent EventIds between "
	    "runs in this file\n"
	    "  -s          strict: unknown enumeration values are errors\n"
	    "  -V          print the version\n"
	    "  -z zone     print times in this IANA time zone "
	    "(default UTC)\n"
	    "\n"
	    "AGENTEV_MEMO=0 in the environment turns off the memo of snapshots "
	    "validated\nbefore (it changes only the speed).\n"
	    "\n"
	    "Exit status: 0 clean, 1 records rejected or input/output "
	    "failed, 2 usage.\n"
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
	case 'M': mult = 1ULL << 20; end++; break;
	case 'G': mult = 1ULL << 30; end++; break;
	default:
		return -1;
	}
	if (*end != '\0' || v == 0 || v > SIZE_MAX / mult)
		return -1;
	*out = (size_t)(v * mult);
	return 0;
}

/* The output failed: stop quietly for a closed pipe, else loudly. */
static void __attribute__((noreturn))
output_failed(struct run *r, int error)
{
	if (r->rejects != NULL)
		fclose(r->rejects);
	if (error == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
		_exit(1);
	}
	errno = error;
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
	if (fflush(stdout) == EOF || out_error())
		output_failed(r, out_error() ? out_error() : errno);
	if (r->rejects != NULL)
		(void)fflush(r->rejects);
	check_rejects(r);
}

/*
 * Write a record to the rejects file on one line: CR and LF become spaces
 * (in JSON only whitespace) and trailing white space is left out.
 */
static void
write_reject(struct run *r, const char *raw, size_t n)
{
	size_t i;

	while (n > 0 && (raw[n - 1] == ' ' || raw[n - 1] == '\t' ||
	    raw[n - 1] == '\n' || raw[n - 1] == '\r'))
		n--;
	if (r->rejects == NULL || n == 0)
		return;
	for (i = 0; i < n; i++)
		putc(raw[i] == '\n' || raw[i] == '\r' ? ' ' : raw[i],
		    r->rejects);
	putc('\n', r->rejects);
	check_rejects(r);
}

static void
report(struct run *r, const struct verdict *v, const struct origin *o)
{
	const struct problem *p;
	char record[32] = "";
	int i, n = v->nproblems < MAX_PROBLEMS ? v->nproblems : MAX_PROBLEMS;

	if (o->record >= 0)
		snprintf(record, sizeof(record), "Records[%ld]: ", o->record);
	for (i = 0; i < n; i++) {
		p = &v->problems[i];
		if (p->severity == SEV_WARNING)
			r->counts.warnings++;
		fprintf(stderr, "agentev: %s:%" PRIu64 ": %s%s%s%s%s\n",
		    o->file, o->line, record, p->field,
		    p->field[0] ? ": " : "",
		    p->severity == SEV_WARNING ? "warning: " : "",
		    p->message);
		if (r->command == CMD_CHECK && r->out != NULL) {
			struct cell cells[7];

			cells[0] = C_STR(o->file);
			cells[1] = C_INT((int64_t)o->line);
			cells[2] = o->record >= 0 ? C_INT(o->record) : C_NULL;
			cells[3] = C_STR(v->event_id[0] ? v->event_id : NULL);
			cells[4] = C_STR(p->severity == SEV_WARNING ?
			    "warning" : "error");
			cells[5] = C_STR(p->field[0] ? p->field : NULL);
			cells[6] = C_STR(p->message);
			(void)out_row(r->out, cells);
		}
	}
	if (v->nproblems > MAX_PROBLEMS)
		fprintf(stderr, "agentev: %s:%" PRIu64 ": %s%d more problems "
		    "not shown\n", o->file, o->line, record,
		    v->nproblems - MAX_PROBLEMS);
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
	} else
		engine_apply(r->engine, ev, o);
	if (out_error())
		output_failed(r, out_error());
}

/* value_fn: one framed JSON value, or a broken fragment. */
static void
on_value(void *ctx, const char *buf, size_t n, uint64_t line,
    const char *broken)
{
	struct run *r = ctx;

	pipe_value(r->pipeline, r->file, line, buf, n, broken);
}

/* notice_fn: a problem with an input as a whole. */
static void
on_notice(void *ctx, const char *message)
{
	struct run *r = ctx;

	fprintf(stderr, "agentev: %s\n", message);
	r->status = 1;
}

/* Report a problem with an input, in order with its records. */
static void	input_problem(struct run *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
input_problem(struct run *r, const char *fmt, ...)
{
	char message[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	pipe_notice(r->pipeline, message);
}

/* read(2) that retries when interrupted; -1 reports the error. */
static ssize_t
read_some(struct run *r, int fd, char *buf, size_t n)
{
	ssize_t got;

	while ((got = read(fd, buf, n)) == -1 && errno == EINTR)
		;
	if (got == -1)
		input_problem(r, "%s: %s", r->file, strerror(errno));
	return got;
}

/* Milliseconds on a clock that only goes forward. */
static int64_t
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* poll(2) for input on fd, retried when interrupted; -1 is an error. */
static int
wait_input(int fd, int timeout_ms)
{
	struct pollfd pfd;
	int n;

	pfd.fd = fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	while ((n = poll(&pfd, 1, timeout_ms)) == -1 && errno == EINTR)
		;
	return n;
}

/*
 * Whether to write out what we have before reading fd: when nothing comes
 * within IDLE_MS (a pipe from a fast writer is empty for a moment between
 * its writes; only a longer pause counts), or when the pipe is empty and
 * the output has waited FLUSH_MS (a stream that never pauses for long).
 * A file always has something to read, so it never gets here.
 */
static int
input_idle(struct run *r, int fd)
{
	int n = wait_input(fd, 0);

	if (n == 0 && now_ms() - r->flushed_ms < FLUSH_MS)
		n = wait_input(fd, IDLE_MS);
	return n == 0;	/* on an error, read(2) will say what it is */
}

/*
 * The input has nothing more for now (a live pipe): write out every row
 * and reject so far before waiting for it, so a stream's rows show as
 * they come rather than when a buffer fills.
 */
static void
caught_up(struct run *r)
{
	pipe_sync(r->pipeline);
	flush_output(r);
	r->flushed_ms = now_ms();
}

/* read_some, writing out what we have first when the input is idle. */
static ssize_t
read_more(struct run *r, int fd, char *buf, size_t n)
{
	if (input_idle(r, fd))
		caught_up(r);
	return read_some(r, fd, buf, n);
}

/* Read one input (fd) as part of the stream. */
static void
read_input(struct run *r, struct framer *f, int fd, char *buf)
{
	size_t have = 0, skip = 0;
	ssize_t n = 1;

	/* the first three bytes tell gzip and a byte order mark */
	while (have < 3 && (n = read_more(r, fd, buf + have,
	    READ_SIZE - have)) > 0)
		have += (size_t)n;
	if (n == -1)
		return;
	if (have >= 2 && (unsigned char)buf[0] == 0x1f &&
	    (unsigned char)buf[1] == 0x8b) {
		input_problem(r, "%s: gzip-compressed input; decompress it "
		    "first, e.g. zcat %s | agentev ...", r->file,
		    fd == STDIN_FILENO ? "FILE.gz" : r->file);
		return;
	}
	if (have >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		skip = 3;
	frame_begin(f, r->file);
	n = (ssize_t)have;
	do {
		if (frame_feed(f, buf + skip, (size_t)n - skip, on_value,
		    r) == -1)
			fatal_oom();
		skip = 0;
	} while ((n = read_more(r, fd, buf, READ_SIZE)) > 0);
	frame_end(f, on_value, r);
}

static int
same_file(const struct stat *a, const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && sb.st_dev == a->st_dev &&
	    sb.st_ino == a->st_ino;
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
	char *end;

	if ((*operands = calloc((size_t)argc + 1, sizeof(char *))) == NULL)
		fatal_oom();
	opterr = 0;	/* our own messages, without argv[0] */
	while (optind < argc) {
		if ((ch = getopt(argc, argv, ":Ef:Hhi:j:m:r:S:sVz:")) == -1) {
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
		case 'E':
			out_guard_formulas(1);
			break;
		case 'f':
			if (strcmp(optarg, "csv") == 0)
				*format = OUT_CSV;
			else if (strcmp(optarg, "tsv") == 0)
				*format = OUT_TSV;
			else if (strcmp(optarg, "json") == 0)
				*format = OUT_JSON;
			else {
				warnx("unknown format: %s (csv, tsv or json)",
				    optarg);
				usage();
			}
			r->config.format_given = 1;
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
				warnx("invalid size: %s", optarg);
				usage();
			}
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
		case 'V':
			printf("agentev %s (jansson %s)\n", AGENTEV_VERSION,
			    JANSSON_VERSION);
			exit(0);
		case 'z':
			*zone = optarg;
			break;
		case ':':
			warnx("option -%c needs an argument", optopt);
			usage();
		default:
			warnx("unknown option -%c", optopt);
			usage();
		}
	}
	return nops;
}

/* -S: lock and load the state, or stop with exit status 2. */
static void
open_state(struct run *r)
{
	char why[512];

	if (state_lock(r->state_path, why, sizeof(why)) == -1 ||
	    state_load(r->engine, r->state_path, &r->config, why,
	    sizeof(why)) == -1) {
		warnx("%s: %s; state file left as it was", r->state_path, why);
		exit(2);
	}
}

/* -r: the rejects file, which must not be one of the inputs. */
static void
open_rejects(struct run *r, char **operands, int nops)
{
	struct stat sb;
	int k;

	for (k = 1; k < nops; k++)
		if (strcmp(operands[k], "-") != 0 &&
		    stat(operands[k], &sb) == 0 &&
		    same_file(&sb, r->rejects_path)) {
			warnx("-r %s: the rejects file is also an input",
			    r->rejects_path);
			usage();
		}
	if ((r->rejects = fopen(r->rejects_path, "w")) == NULL)
		err(1, "%s", r->rejects_path);
}

/* Read the operands in order (standard input when there are none). */
static void
read_all(struct run *r, char **operands, int nops)
{
	struct framer *f;
	char *buf;
	int k, fd;

	if ((f = frame_new(r->config.max_record)) == NULL ||
	    (buf = malloc(READ_SIZE)) == NULL)
		fatal_oom();
	for (k = 1; k < nops || k == 1; k++) {
		const char *path = k < nops ? operands[k] : "-";

		if (strcmp(path, "-") == 0) {
			r->file = "<stdin>";
			read_input(r, f, STDIN_FILENO, buf);
			continue;
		}
		r->file = path;
		if ((fd = open(path, O_RDONLY)) == -1) {
			input_problem(r, "%s: %s", path, strerror(errno));
			continue;
		}
		read_input(r, f, fd, buf);
		close(fd);
	}
	frame_free(f);
	free(buf);
}

/*
 * The input is read: flush the output and the rejects, and only then save
 * the state; say what happened.
 */
static void
finish(struct run *r)
{
	char why[512];

	flush_output(r);
	if (r->rejects != NULL && fclose(r->rejects) == EOF &&
	    r->rejects_error == 0)
		r->rejects_error = errno;
	if (r->rejects_error != 0) {
		errno = r->rejects_error;
		warn("%s", r->rejects_path);
		r->status = 1;
	} else if (r->state_path != NULL &&
	    state_save(r->engine, r->state_path, why, sizeof(why)) == -1) {
		warnx("cannot save the state: %s", why);
		r->status = 1;
	}
	r->rejects = NULL;
	if (r->counts.rejected > 0)
		r->status = 1;
	if (r->command == CMD_CHECK || r->counts.rejected > 0 ||
	    r->counts.warnings > 0 || r->counts.out_of_order > 0)
		fprintf(stderr, "agentev: %" PRIu64 " records read, %" PRIu64
		    " rejected, %" PRIu64 " duplicates, %" PRIu64
		    " warnings, %" PRIu64 " out of order\n", r->counts.events,
		    r->counts.rejected, r->counts.duplicates,
		    r->counts.warnings, r->counts.out_of_order);
}

int
main(int argc, char *argv[])
{
	static struct run run;
	struct run *r = &run;
	const struct command_info *cmd;
	enum out_format format = OUT_CSV;
	const char *zone = NULL, *interval = NULL;
	char **operands;
	int header = 1, nops, threads = default_threads();

	arena_init();
	memo_init();
	r->config.max_record = DEFAULT_MAX;
	nops = parse_options(argc, argv, r, &operands, &format, &header,
	    &zone, &interval, &threads);
	if (nops == 0) {
		warnx("no command given");
		usage();
	}
	for (cmd = commands; cmd < commands + sizeof(commands) /
	    sizeof(commands[0]); cmd++)
		if (strcmp(operands[0], cmd->name) == 0)
			break;
	if (cmd == commands + sizeof(commands) / sizeof(commands[0])) {
		warnx("unknown command: %s", operands[0]);
		usage();
	}
	r->command = cmd->command;
	if (zone != NULL && out_set_zone(zone) == -1) {
		warnx("unknown time zone: %s", zone);
		usage();
	}
	if (interval != NULL && bucket_set(interval) == -1) {
		warnx("invalid interval: %s (e.g. 15m, 30m, 1h, 1d)", interval);
		usage();
	}
	if (r->rejects_path != NULL)
		open_rejects(r, operands, nops);
	r->engine = engine_new(r->command, NULL, &r->counts);
	if (r->state_path != NULL)
		open_state(r);

	signal(SIGPIPE, SIG_IGN);
	/* check writes a table only when asked for one with -f */
	if ((r->command != CMD_CHECK || r->config.format_given) &&
	    (r->out = out_new(stdout, format, header, cmd->columns,
	    *cmd->ncolumns)) == NULL)
		fatal_oom();
	engine_output(r->engine, r->out);
	r->pipeline = pipe_new(threads, &r->config, on_record, on_notice, r);
	r->flushed_ms = now_ms();
	read_all(r, operands, nops);
	pipe_finish(r->pipeline);
	engine_finish(r->engine, r->state_path == NULL);
	finish(r);

	engine_free(r->engine);
	out_free(r->out);
	free(operands);
	arena_drop();
	memo_drop();
	return r->status;
}
