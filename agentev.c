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
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agentev.h"

#define READ_SIZE	(1 << 20)
#define DEFAULT_MAX	(64 << 20)

static const char *const check_columns[] = {
	"file", "line", "record", "event_id", "severity", "field", "message"
};

static const struct {
	const char		*name;
	enum command		 command;
} commands[] = {
	{ "check", CMD_CHECK },
	{ "events", CMD_EVENTS },
	{ "acw", CMD_ACW },
	{ "status", CMD_STATUS },
	{ "activity", CMD_ACTIVITY },
	{ "summary", CMD_SUMMARY },
};

/* Everything one run needs while it reads. */
struct run {
	struct config	 config;
	enum command	 command;
	struct engine	*engine;
	struct output	*out;		/* the table; for check only with -f */
	struct counts	 counts;
	FILE		*rejects;
	const char	*rejects_path;
	const char	*file;		/* the input being read */
	int		 status;	/* exit status so far */
};

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: agentev [-HhsV] [-f format] [-i interval] "
	    "[-m size] [-r rejects] [-z zone] command [file ...]\n");
	exit(2);
}

static void
help(void)
{
	printf("usage: agentev [-HhsV] [-f format] [-i interval] [-m size] "
	    "[-r rejects] [-z zone] command [file ...]\n"
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
	    "  -f format   csv (default), tsv or json\n"
	    "  -H          no header line\n"
	    "  -h          this help\n"
	    "  -i interval split rows into buckets of local time: 15m, 30m, "
	    "1h, 1d, ...\n"
	    "  -m size     largest record accepted, bytes or with k, M, G "
	    "(default 64M)\n"
	    "  -r rejects  write each rejected record to this file, one "
	    "per line\n"
	    "  -s          strict: unknown enumeration values are errors\n"
	    "  -V          print the version\n"
	    "  -z zone     print times in this IANA time zone "
	    "(default UTC)\n"
	    "\n"
	    "Exit status: 0 clean, 1 records rejected or input/output "
	    "failed, 2 usage.\n"
	    "See agentev(1).\n");
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

/* Write a record to the rejects file on one line (CR and LF become
 * spaces, which in JSON is only whitespace). */
static void
write_reject(struct run *r, const char *raw, size_t n)
{
	size_t i;

	if (r->rejects == NULL || n == 0)
		return;
	for (i = 0; i < n; i++)
		putc(raw[i] == '\n' || raw[i] == '\r' ? ' ' : raw[i],
		    r->rejects);
	putc('\n', r->rejects);
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
			cells[3] = C_STR(v->event_id);
			cells[4] = C_STR(p->severity == SEV_WARNING ?
			    "warning" : "error");
			cells[5] = C_STR(p->field);
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
	struct origin o = { r->file, line, -1 };
	struct verdict v;

	if (broken == NULL) {
		parse_value(buf, n, &o, &r->config, on_record, r);
		return;
	}
	memset(&v, 0, sizeof(v));
	v.nproblems = 1;
	v.rejected = 1;
	snprintf(v.problems[0].message, sizeof(v.problems[0].message),
	    "%s", broken);
	on_record(r, NULL, &v, &o, buf, n);
}

/* Read one input (fd) as part of the stream. */
static void
read_input(struct run *r, struct framer *f, int fd, char *buf)
{
	ssize_t n;
	int first = 1;
	char *p;

	frame_begin(f, r->file);
	while ((n = read(fd, buf, READ_SIZE)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			warn("%s", r->file);
			r->status = 1;
			break;
		}
		p = buf;
		if (first) {
			first = 0;
			if (n >= 2 && (unsigned char)p[0] == 0x1f &&
			    (unsigned char)p[1] == 0x8b) {
				warnx("%s: gzip-compressed input; decompress "
				    "it first, e.g. zcat %s | agentev ...",
				    r->file, r->file);
				r->status = 1;
				return;
			}
			if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
				p += 3;
				n -= 3;
			}
		}
		if (frame_feed(f, p, (size_t)n, on_value, r) == -1)
			fatal_oom();
	}
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
    const char **interval)
{
	int ch, nops = 0;

	if ((*operands = calloc((size_t)argc + 1, sizeof(char *))) == NULL)
		fatal_oom();
	while (optind < argc) {
		if ((ch = getopt(argc, argv, "f:Hhi:m:r:sVz:")) == -1) {
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
		case 'm':
			if (parse_size(optarg, &r->config.max_record) == -1) {
				warnx("invalid size: %s", optarg);
				usage();
			}
			break;
		case 'r':
			r->rejects_path = optarg;
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
		default:
			usage();
		}
	}
	return nops;
}

int
main(int argc, char *argv[])
{
	static struct run run;
	struct run *r = &run;
	enum out_format format = OUT_CSV;
	const char *zone = NULL, *interval = NULL;
	const char *const *columns = NULL;
	size_t ncolumns = 0, i;
	struct framer *f;
	char **operands, *buf;
	int header = 1, nops, k;

	r->config.max_record = DEFAULT_MAX;
	nops = parse_options(argc, argv, r, &operands, &format, &header,
	    &zone, &interval);
	if (nops == 0) {
		warnx("no command given");
		usage();
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(operands[0], commands[i].name) == 0)
			break;
	if (i == sizeof(commands) / sizeof(commands[0])) {
		warnx("unknown command: %s", operands[0]);
		usage();
	}
	r->command = commands[i].command;
	if (zone != NULL && out_set_zone(zone) == -1) {
		warnx("unknown time zone: %s", zone);
		usage();
	}
	if (interval != NULL && bucket_set(interval) == -1) {
		warnx("invalid interval: %s (e.g. 15m, 30m, 1h, 1d)", interval);
		usage();
	}
	if (r->rejects_path != NULL) {
		struct stat sb;

		for (k = 1; k < nops; k++)
			if (strcmp(operands[k], "-") != 0 &&
			    stat(operands[k], &sb) == 0 &&
			    same_file(&sb, r->rejects_path)) {
				warnx("-r %s: the rejects file is also an "
				    "input", r->rejects_path);
				usage();
			}
		if ((r->rejects = fopen(r->rejects_path, "w")) == NULL)
			err(1, "%s", r->rejects_path);
	}

	signal(SIGPIPE, SIG_IGN);
	switch (r->command) {
	case CMD_CHECK:
		if (r->config.format_given) {
			columns = check_columns;
			ncolumns = sizeof(check_columns) /
			    sizeof(check_columns[0]);
		}
		break;
	case CMD_EVENTS:
		columns = events_columns;
		ncolumns = events_ncolumns;
		break;
	case CMD_ACW:
		columns = acw_columns;
		ncolumns = acw_ncolumns;
		break;
	case CMD_STATUS:
		columns = status_columns;
		ncolumns = status_ncolumns;
		break;
	case CMD_ACTIVITY:
		columns = activity_columns;
		ncolumns = activity_ncolumns;
		break;
	case CMD_SUMMARY:
		columns = summary_columns;
		ncolumns = summary_ncolumns;
		break;
	}
	if (columns != NULL &&
	    (r->out = out_new(stdout, format, header, columns,
	    ncolumns)) == NULL)
		fatal_oom();
	r->engine = engine_new(r->command, r->out, &r->counts);
	if ((f = frame_new(r->config.max_record)) == NULL ||
	    (buf = malloc(READ_SIZE)) == NULL)
		fatal_oom();

	for (k = 1; k < nops || k == 1; k++) {
		const char *path = k < nops ? operands[k] : "-";
		int fd;

		if (strcmp(path, "-") == 0) {
			r->file = "<stdin>";
			read_input(r, f, STDIN_FILENO, buf);
			continue;
		}
		r->file = path;
		if ((fd = open(path, O_RDONLY)) == -1) {
			warn("%s", path);
			r->status = 1;
			continue;
		}
		read_input(r, f, fd, buf);
		close(fd);
	}
	engine_finish(r->engine);

	if (fflush(stdout) == EOF || out_error())
		output_failed(r, out_error() ? out_error() : errno);
	if (r->rejects != NULL && fclose(r->rejects) == EOF) {
		warn("%s", r->rejects_path);
		r->status = 1;
	}
	if (r->counts.rejected > 0)
		r->status = 1;
	if (r->command == CMD_CHECK || r->counts.rejected > 0 ||
	    r->counts.warnings > 0 || r->counts.out_of_order > 0)
		fprintf(stderr, "agentev: %" PRIu64 " events read, %" PRIu64
		    " rejected, %" PRIu64 " duplicates, %" PRIu64
		    " warnings, %" PRIu64 " out of order\n", r->counts.events,
		    r->counts.rejected, r->counts.duplicates,
		    r->counts.warnings, r->counts.out_of_order);
	engine_free(r->engine);
	out_free(r->out);
	frame_free(f);
	free(buf);
	free(operands);
	return r->status;
}
