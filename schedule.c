/*
 * schedule.c: -A, the schedule that adherence is measured against.
 *
 * The file is CSV (RFC 4180: a header line, fields quoted with "" for a
 * quote inside, CRLF or LF line ends, UTF-8 with or without a BOM), one
 * scheduled segment a row.  The header names the columns username (or
 * agent_arn), start, end and activity in any order; others are ignored.
 * Spaces and tabs around a field (outside its quotes) are dropped, and
 * times may be written as exports do (iso_form).  Standard input is "-".
 * It is read once, whole, before any event: a row that is wrong stops
 * the run (exit 2) with FILE:LINE: column: what is wrong.  Each agent's
 * segments are kept sorted by start, in one table hashed on the key
 * (the username, or the ARN when only agent_arn is given).
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agentev.h"

#define MAX_FIELD	4096	/* bytes in one field */
#define MAX_NAMED	256	/* columns messages name by the header */
#define MAX_NAME	64	/* bytes of a header name in messages */
#define YEAR_10000	INT64_C(253402300800000) /* ms, 10000-01-01 */

enum { COL_USERNAME, COL_ARN, COL_START, COL_END, COL_ACTIVITY, NCOLS };

static const char *const col_names[NCOLS] = {
	"username", "agent_arn", "start", "end", "activity"
};

static struct sched_agent *agents;	/* in the order of the file */
static size_t	 nagents;
static size_t	 agents_cap;
static struct sched_agent **table;	/* open addressing on the key */
static size_t	 table_cap;
static int	 by_arn;		/* keyed by agent_arn */
static int	 loaded;

/* Reading the CSV ---------------------------------------------------- */

struct reader {
	FILE		*fp;
	const char	*path;
	uint64_t	 line;		/* of the character read next */
	int		 eof;
	char		**names;	/* the header's, for messages */
	size_t		 nnames;
	char		 label[32];	/* "field N" */
	char		 buf[MAX_FIELD];
	char		*why;
	size_t		 whylen;
};

static int	fail(struct reader *, uint64_t, const char *, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

static int
fail(struct reader *r, uint64_t line, const char *column, const char *fmt,
    ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (column != NULL)
		snprintf(r->why, r->whylen, "%s:%llu: %s: %s", r->path,
		    (unsigned long long)line, column, msg);
	else
		snprintf(r->why, r->whylen, "%s:%llu: %s", r->path,
		    (unsigned long long)line, msg);
	return -1;
}

/* Whether s[0..n) is UTF-8 (no overlong forms, no surrogates). */
static int
is_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0, k, len;
	uint32_t c;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		len = s[i] >= 0xf0 && s[i] <= 0xf4 ? 4 : s[i] >= 0xe0 ? 3 :
		    s[i] >= 0xc2 && s[i] <= 0xdf ? 2 : 0;
		if (len == 0 || s[i] > 0xf4 || i + len > n)
			return 0;
		c = s[i] & (0x7f >> len);
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
		    (len == 4 && (c < 0x10000 || c > 0x10ffff)))
			return 0;
		i += len;
	}
	return 1;
}

/*
 * How messages name field k (from 0) of a line: by its column in the
 * header, or as "field N" when the header gives it no name fit to print
 * (and on the header line itself).
 */
static const char *
column_name(struct reader *r, size_t k)
{
	if (k < r->nnames && r->names[k] != NULL)
		return r->names[k];
	snprintf(r->label, sizeof(r->label), "field %zu", k + 1);
	return r->label;
}

/* Keep the header's name for field k, if it is short, UTF-8 and plain. */
static void
keep_name(struct reader *r, size_t k, const char *name, size_t len)
{
	size_t i;

	if (k >= MAX_NAMED)
		return;
	if (r->names == NULL)
		r->names = xrealloc(NULL, MAX_NAMED, sizeof(*r->names));
	r->names[k] = NULL;
	r->nnames = k + 1;
	if (len == 0 || len > MAX_NAME ||
	    !is_utf8((const unsigned char *)name, len))
		return;
	for (i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return;
	r->names[k] = xstrdup(name);
}

#define BAD	(-2)	/* read_field: r->why says what is wrong */
#define fail_field(r, line, k, ...) \
	(fail(r, line, column_name(r, k), __VA_ARGS__), BAD)

/*
 * Read field k (from 0) of its line into r->buf.  Returns ',' when
 * another field follows on the record, '\n' at the end of the record,
 * EOF at the end of the file with nothing read, or BAD.
 */
static int
read_field(struct reader *r, size_t k, size_t *len)
{
	uint64_t start = r->line;
	int c, quoted = 0, was_quoted;

	*len = 0;
	while ((c = getc(r->fp)) == ' ' || c == '\t')
		;
	if (c == EOF && k == 0)
		return EOF;
	if (c == EOF) {		/* an empty last field: the row ends */
		r->buf[0] = '\0';
		r->line++;
		return '\n';
	}
	if (c == '"') {
		quoted = 1;
		c = getc(r->fp);
	}
	was_quoted = quoted;
	for (;; c = getc(r->fp)) {
		if (c == EOF && quoted)
			return fail_field(r, start, k, "a quoted field is not "
			    "closed before the end of the file");
		if (c == EOF)
			break;
		if (quoted && c == '"') {
			c = getc(r->fp);
			if (c != '"') {
				quoted = 0;
				while (c == ' ' || c == '\t')
					c = getc(r->fp);
				if (c == ',' || c == '\n' || c == EOF)
					break;
				if (c == '\r' && ((c = getc(r->fp)) == '\n' ||
				    c == EOF))
					break;
				return fail_field(r, r->line, k, "text after the "
				    "closing quote of a field");
			}
		} else if (!quoted && (c == ',' || c == '\n'))
			break;
		else if (!quoted && c == '\r') {
			if ((c = getc(r->fp)) == '\n' || c == EOF)
				break;
			return fail_field(r, r->line, k, "a carriage return "
			    "inside a field that is not quoted");
		} else if (!quoted && c == '"')
			return fail_field(r, r->line, k, "a quote inside a field "
			    "that does not start with one");
		else if (c == '\0')
			return fail_field(r, r->line, k, "a NUL byte in a "
			    "field");
		if (c == '\n')
			r->line++;
		if (*len + 1 >= sizeof(r->buf))
			return fail_field(r, start, k, "a field longer than %d "
			    "bytes", MAX_FIELD);
		r->buf[(*len)++] = (char)c;
	}
	/* blanks after an unquoted field are not part of it */
	while (!was_quoted && *len > 0 && (r->buf[*len - 1] == ' ' ||
	    r->buf[*len - 1] == '\t'))
		(*len)--;
	r->buf[*len] = '\0';
	if (c == '\n' || c == EOF)
		r->line++;
	return c == ',' ? ',' : '\n';
}

/* Schedules ---------------------------------------------------------- */

static struct sched_agent *
find(const char *key)
{
	size_t i;

	if (table_cap == 0)
		return NULL;
	for (i = hash(key) & (table_cap - 1); table[i] != NULL;
	    i = (i + 1) & (table_cap - 1))
		if (strcmp(table[i]->key, key) == 0)
			return table[i];
	return NULL;
}

static void
index_agents(void)
{
	size_t i, j;

	free(table);
	for (table_cap = 64; table_cap < 2 * nagents; table_cap *= 2)
		;
	if ((table = calloc(table_cap, sizeof(*table))) == NULL)
		fatal_oom();
	for (i = 0; i < nagents; i++) {
		for (j = hash(agents[i].key) & (table_cap - 1);
		    table[j] != NULL; j = (j + 1) & (table_cap - 1))
			;
		table[j] = &agents[i];
	}
}

static struct sched_agent *
agent_for(const char *key, const char *username, const char *arn)
{
	struct sched_agent *s;

	if ((s = find(key)) != NULL)
		return s;
	if (nagents == agents_cap) {
		agents_cap = agents_cap ? agents_cap * 2 : 64;
		agents = xrealloc(agents, agents_cap, sizeof(*agents));
		index_agents();		/* the pointers moved */
	}
	s = &agents[nagents++];
	memset(s, 0, sizeof(*s));
	s->key = xstrdup(key);
	s->username = xstrdup(username);
	s->arn = xstrdup(arn);
	if (2 * nagents > table_cap)
		index_agents();
	else {
		size_t j;

		for (j = hash(key) & (table_cap - 1); table[j] != NULL;
		    j = (j + 1) & (table_cap - 1))
			;
		table[j] = s;
	}
	return s;
}

/*
 * What exports write beside the form parse_time reads, in that form: a
 * space or a t for the T, a z for the Z (RFC 3339 allows them), no
 * seconds (08:00), an offset without its colon (+0100) or its minutes
 * (+01).  Anything else is copied as it is, for parse_time to refuse;
 * -1 if it is too long to be a time.  Events keep to parse_time's form.
 */
static int
iso_form(const char *s, char *out, size_t size)
{
	size_t n = strlen(s), i = 16, k = 16;
	const char *z;

	if (n + 7 > size - 1)
		return -1;
	if (n < 16 || (s[10] != ' ' && s[10] != 'T' && s[10] != 't') ||
	    s[13] != ':') {
		memcpy(out, s, n + 1);
		return 0;
	}
	if (s[16] == '.') {		/* a fraction of a minute: refused */
		memcpy(out, s, n + 1);
		return 0;
	}
	memcpy(out, s, 16);
	out[10] = 'T';
	if (s[16] != ':') {
		memcpy(out + k, ":00", 3);
		k += 3;
	} else
		while (s[i] == ':' || s[i] == '.' ||
		    (s[i] >= '0' && s[i] <= '9'))
			out[k++] = s[i++];
	z = s + i;
	if ((*z == '+' || *z == '-') && strspn(z + 1, "0123456789") ==
	    strlen(z + 1) && (strlen(z) == 5 || strlen(z) == 3)) {
		memcpy(out + k, z, 3);
		k += 3;
		out[k++] = ':';
		memcpy(out + k, strlen(z) == 5 ? z + 3 : "00", 2);
		k += 2;
		out[k] = '\0';
	} else if (strcmp(z, "z") == 0)
		memcpy(out + k, "Z", 2);
	else
		memcpy(out + k, z, strlen(z) + 1);
	return 0;
}

/*
 * A start or end: ISO 8601 with Z or an offset, or without a zone, a
 * local time in the -z zone, in the years 1970 to 9999 UTC.  Returns
 * 0, or -1 with what is wrong.
 */
static int
schedule_time(const char *s, int64_t *out, const char **why)
{
	char form[64], buf[sizeof(form) + 1];
	size_t n = 0;
	int64_t local;
	int rc = -1;

	if (iso_form(s, form, sizeof(form)) == 0)
		rc = parse_time(form, n = strlen(form), out);
	if (rc == -1 && n >= 19 && strpbrk(form + 19, "Z+-") == NULL) {
		snprintf(buf, sizeof(buf), "%sZ", form);
		if ((rc = parse_time(buf, n + 1, out)) == 0) {
			local = *out;
			*out = zone_from_local(local);
			if (*out + out_zone_offset(*out) != local)
				rc = -3;	/* in a spring-forward gap */
		}
	}
	/* adherence and alert take a time before 1970 for "open" or "none" */
	if (rc == 0 && *out < 0)
		rc = -4;
	else if (rc == 0 && *out >= YEAR_10000)
		rc = -5;
	if (rc == -1)
		*why = "not an ISO 8601 time (2026-11-04T08:00:00Z, "
		    "...+01:00, or local to -z without a zone)";
	else if (rc == -2)
		*why = "impossible date or time";
	else if (rc == -3)
		*why = "a local time the -z zone skips (its clocks went "
		    "forward over it)";
	else if (rc == -4)
		*why = "before 1970-01-01T00:00:00Z";
	else if (rc == -5)
		*why = "after the year 9999 (UTC)";
	return rc == 0 ? 0 : -1;
}

static int
by_start(const void *x, const void *y)
{
	const struct segment *a = x, *b = y;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return (a->line > b->line) - (a->line < b->line);
}

/* A UTF-8 BOM, as spreadsheets write one, goes before the header. */
static int
skip_bom(struct reader *r)
{
	int c = getc(r->fp);

	if (c != 0xef) {
		if (c != EOF)
			ungetc(c, r->fp);
		return 0;
	}
	if (getc(r->fp) == 0xbb && getc(r->fp) == 0xbf)
		return 0;
	return fail(r, 1, NULL, "the header starts with bytes that are "
	    "neither a UTF-8 BOM nor a column name");
}

/* The header: which field holds which column.  Returns -1 with why. */
static int
read_header(struct reader *r, int *where, size_t *nfields)
{
	size_t len, k = 0;
	int c, i, known;
	char *name;

	for (i = 0; i < NCOLS; i++)
		where[i] = -1;
	do {
		if ((c = read_field(r, k, &len)) == BAD)
			return -1;
		if (c == EOF)
			return fail(r, 1, NULL, "empty: no header line naming "
			    "username, start, end and activity");
		name = r->buf;
		known = -1;
		for (i = 0; i < NCOLS; i++)
			if (strcasecmp(name, col_names[i]) == 0) {
				if (where[i] != -1)
					return fail(r, 1, col_names[i],
					    "named twice in the header");
				where[i] = (int)k;
				known = i;
			}
		if (known != -1)
			keep_name(r, k, col_names[known],
			    strlen(col_names[known]));
		else
			keep_name(r, k, name, len);
		k++;
	} while (c == ',');
	*nfields = k;
	if (k == 1 && strpbrk(name, ";\t") != NULL)
		return fail(r, 1, NULL, "the header is one field holding %s: "
		    "the columns must be separated by commas",
		    strchr(name, ';') != NULL ? "semicolons" : "tabs");
	if (where[COL_USERNAME] == -1 && where[COL_ARN] == -1)
		return fail(r, 1, NULL, "no username column in the header "
		    "(or agent_arn)");
	for (i = COL_START; i < NCOLS; i++)
		if (where[i] == -1)
			return fail(r, 1, NULL, "no %s column in the header",
			    col_names[i]);
	return 0;
}

/* Read the rows; each becomes a segment of its agent. */
static int
read_rows(struct reader *r, const int *where, size_t nfields)
{
	char *value[NCOLS];
	struct sched_agent *s;
	struct segment seg;
	const char *why;
	uint64_t line;
	size_t k, len;
	int c, i;

	for (;;) {
		line = r->line;
		memset(value, 0, sizeof(value));
		k = 0;
		do {
			if ((c = read_field(r, k, &len)) == BAD)
				goto bad;
			if (c == EOF)
				break;
			for (i = 0; i < NCOLS; i++)
				if (where[i] == (int)k) {
					if (!is_utf8((unsigned char *)r->buf,
					    len)) {
						fail(r, line, col_names[i],
						    "not UTF-8");
						goto bad;
					}
					value[i] = xstrdup(r->buf);
				}
			k++;
		} while (c == ',');
		if (c == EOF)
			return 0;
		if (k == 1 && len == 0) {	/* an empty line */
			for (i = 0; i < NCOLS; i++)
				free(value[i]);
			continue;
		}
		if (k > nfields) {
			fail(r, line, column_name(r, nfields), "the row has "
			    "%zu fields, the header %zu (a comma in a field "
			    "not quoted?)", k, nfields);
			goto bad;
		}
		for (i = 0; i < NCOLS; i++)
			if (where[i] != -1 && value[i] == NULL) {
				fail(r, line, col_names[i], "missing: the row "
				    "has %zu fields, the header %zu", k,
				    nfields);
				goto bad;
			}
		i = by_arn ? COL_ARN : COL_USERNAME;
		if (*value[i] == '\0') {
			fail(r, line, col_names[i], "empty");
			goto bad;
		}
		if (*value[COL_ACTIVITY] == '\0') {
			fail(r, line, "activity", "empty");
			goto bad;
		}
		if (schedule_time(value[COL_START], &seg.start, &why) == -1) {
			fail(r, line, "start", "%s: %s", why, value[COL_START]);
			goto bad;
		}
		if (schedule_time(value[COL_END], &seg.end, &why) == -1) {
			fail(r, line, "end", "%s: %s", why, value[COL_END]);
			goto bad;
		}
		if (seg.end <= seg.start) {
			fail(r, line, "end", "not after start (%s)",
			    value[COL_START]);
			goto bad;
		}
		seg.line = line;
		seg.activity = value[COL_ACTIVITY];
		seg.work = strcasecmp(seg.activity, "Work") == 0;
		s = agent_for(value[i], value[COL_USERNAME], value[COL_ARN]);
		if (s->nseg == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 8;
			s->seg = xrealloc(s->seg, s->cap, sizeof(*s->seg));
		}
		s->seg[s->nseg++] = seg;
		free(value[COL_USERNAME]);
		free(value[COL_ARN]);
		free(value[COL_START]);
		free(value[COL_END]);
	}
bad:
	for (i = 0; i < NCOLS; i++)
		free(value[i]);
	return -1;
}

/* Sort each agent's segments; two that overlap are an error. */
static int
check_overlaps(struct reader *r)
{
	struct sched_agent *s;
	size_t i, k;

	for (i = 0; i < nagents; i++) {
		s = &agents[i];
		qsort(s->seg, s->nseg, sizeof(*s->seg), by_start);
		for (k = 1; k < s->nseg; k++)
			if (s->seg[k].start < s->seg[k - 1].end) {
				const struct segment *a = &s->seg[k - 1],
				    *b = &s->seg[k];

				return fail(r, a->line > b->line ? a->line :
				    b->line, "start", "%s's segment overlaps "
				    "the one on line %llu", s->key,
				    (unsigned long long)(a->line > b->line ?
				    b->line : a->line));
			}
	}
	return 0;
}

/*
 * Read the schedule in path.  Returns 0, or -1 with why set to
 * FILE:LINE: column: what is wrong.
 */
int
schedule_load(const char *path, char *why, size_t whylen)
{
	struct reader r;
	struct stat sb;
	int where[NCOLS], rc;
	size_t nfields = 0;

	memset(&r, 0, sizeof(r));
	r.path = path;
	r.line = 1;
	r.why = why;
	r.whylen = whylen;
	if (strcmp(path, "-") == 0) {
		r.fp = stdin;
		r.path = path = "<stdin>";
	} else if ((r.fp = fopen(path, "r")) == NULL) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(r.fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		snprintf(why, whylen, "%s: %s", path, strerror(EISDIR));
		rc = -1;
		goto done;
	}
	rc = skip_bom(&r);
	if (rc == 0)
		rc = read_header(&r, where, &nfields);
	if (rc == 0) {
		by_arn = where[COL_USERNAME] == -1;
		rc = read_rows(&r, where, nfields);
	}
	if (rc == 0 && ferror(r.fp)) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
done:
	if (r.fp != stdin)
		fclose(r.fp);
	while (r.nnames > 0)
		free(r.names[--r.nnames]);
	free(r.names);
	if (rc == 0)
		rc = check_overlaps(&r);
	loaded = rc == 0;
	return rc;
}

/* Whether -A was given. */
int
schedule_given(void)
{
	return loaded;
}

/* Whether agents are matched by ARN (the schedule has no username). */
int
schedule_by_arn(void)
{
	return by_arn;
}

/* The schedule of an agent, by its ARN or its username; NULL if none. */
const struct sched_agent *
schedule_of(const char *arn, const char *username)
{
	const char *key = by_arn ? arn : username;

	if (!loaded || key == NULL)
		return NULL;
	return find(key);
}

/* The scheduled agents in the order of the file. */
struct sched_agent *
schedule_agents(size_t *n)
{
	*n = nagents;
	return agents;
}

/*
 * The index of the first segment of s that ends after t (s->nseg when
 * none does): the one t is in, or the next.
 */
size_t
schedule_find(const struct sched_agent *s, int64_t t)
{
	size_t lo = 0, hi = s->nseg, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->seg[mid].end <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The segment t is in, or NULL. */
const struct segment *
schedule_at(const struct sched_agent *s, int64_t t)
{
	size_t i;

	if (s == NULL)
		return NULL;
	i = schedule_find(s, t);
	return i < s->nseg && s->seg[i].start <= t ? &s->seg[i] : NULL;
}

void
schedule_free(void)
{
	size_t i, k;

	for (i = 0; i < nagents; i++) {
		for (k = 0; k < agents[i].nseg; k++)
			free(agents[i].seg[k].activity);
		free(agents[i].seg);
		free(agents[i].key);
		free(agents[i].username);
		free(agents[i].arn);
	}
	free(agents);
	free(table);
	agents = NULL;
	table = NULL;
	nagents = agents_cap = table_cap = 0;
	loaded = 0;
}
