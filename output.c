/*
 * output.c: write rows as CSV (RFC 4180), TSV or JSON Lines, keep them
 * for svg.c or html.c to draw at the end, or hand them to text.c for
 * -f text.  This is the only place that quotes or escapes a field for the
 * table formats (markup.c escapes for svg.c and html.c, text.c its text
 * for people), and the only place that turns milliseconds into text.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agentev.h"

struct output {
	FILE			*fp;
	enum out_format		 format;
	const char *const	*columns;
	size_t			 ncolumns;
	struct svg		*svg;		/* -f svg */
	struct html		*html;		/* -f html */
	struct text		*text;	/* -f text: rows held to align them */
};

static int use_zone;	/* -z given: print local times with an offset */
static int write_errno;	/* errno of the first failed write, or 0 */
static int formula_guard;	/* -E: defuse spreadsheet formulas */

/* -E: prefix fields a spreadsheet would run as a formula with a quote. */
void
out_guard_formulas(int on)
{
	formula_guard = on;
}

/* Whether s would start a formula in a spreadsheet (OWASP's list). */
static int
formula(const char *s)
{
	return s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
	    s[0] == '\t' || s[0] == '\r';
}

/* The errno of the first failed write to the output, or 0. */
int
out_error(void)
{
	return write_errno;
}

static int
check_stream(FILE *fp)
{
	if (!ferror(fp))
		return 0;
	if (write_errno == 0)
		write_errno = errno ? errno : EIO;
	return -1;
}

/*
 * Select the IANA zone for printed times.  glibc quietly treats a zone it
 * cannot find as UTC, so look for the zone file first.
 */
int
out_set_zone(const char *zone)
{
	const char *dir;
	char path[4096], magic[4];
	FILE *fp;
	int ok;

	if (zone[0] == '\0' || zone[0] == '/' || strstr(zone, "..") != NULL)
		return -1;
	if ((dir = getenv("TZDIR")) == NULL || dir[0] == '\0')
		dir = "/usr/share/zoneinfo";
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, zone) >=
	    sizeof(path))
		return -1;
	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	ok = fread(magic, 1, 4, fp) == 4 && memcmp(magic, "TZif", 4) == 0;
	fclose(fp);
	if (!ok || setenv("TZ", zone, 1) == -1)
		return -1;
	tzset();
	use_zone = 1;
	return 0;
}

/* Split days since the epoch into a proleptic Gregorian date. */
static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* The offset from UTC, in ms, of the -z zone at ms since the epoch. */
int64_t
out_zone_offset(int64_t ms)
{
	time_t t = (time_t)floor_div(ms, 1000);
	struct tm tm;

	if (!use_zone || localtime_r(&t, &tm) == NULL)
		return 0;
	return (int64_t)tm.tm_gmtoff * 1000;
}

/* A ratio in ten-thousandths, rounded half up; empty for 0 / 0. */
struct cell
out_ratio(int64_t num, int64_t den)
{
	int64_t q, r;

	if (den <= 0 || num < 0)
		return C_NULL;
	/* keep r * 10000 in range: exact below 29,000 years of ms */
	while (den > INT64_MAX / 10000) {
		num /= 2;
		den /= 2;
	}
	q = num / den;
	r = num % den;
	return C_RATIO(q * 10000 + (r * 10000 + den / 2) / den);
}

/* Write v (0 <= v < 10^width) in width digits, with leading zeros. */
static char *
put_digits(char *p, unsigned v, int width)
{
	int i;

	for (i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

/*
 * Write "[-]Q.R" for n / unit and its remainder (unit 1000 or 10000),
 * as printf's "%s%" PRId64 ".%03" PRId64 does; its length.  buf has room
 * for 32.
 */
static size_t
put_fixed(char *buf, int64_t n, uint64_t unit, int width)
{
	uint64_t m = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
	uint64_t q = m / unit;
	char digits[24], *p = buf;
	int k = 0;

	if (n < 0)
		*p++ = '-';
	do
		digits[k++] = (char)('0' + q % 10);
	while ((q /= 10) > 0);
	while (k > 0)
		*p++ = digits[--k];
	*p++ = '.';
	p = put_digits(p, (unsigned)(m % unit), width);
	return (size_t)(p - buf);
}

/* Format ms since the epoch as ISO 8601 with milliseconds. */
size_t
out_format_time(char *buf, size_t size, int64_t ms)
{
	int64_t secs = floor_div(ms, 1000), days, rem;
	int y, mo, d, h, mi, s, frac = (int)(ms - secs * 1000);
	long offset = 0;
	char zone[40] = "Z";
	int n;

	if (use_zone) {
		offset = (long)(out_zone_offset(ms) / 1000);
		snprintf(zone, sizeof(zone), "%c%02ld:%02ld",
		    offset < 0 ? '-' : '+', labs(offset) / 3600,
		    labs(offset) / 60 % 60);
	}
	secs += offset;
	days = floor_div(secs, 86400);
	rem = secs - days * 86400;
	civil_from_days(days, &y, &mo, &d);
	h = (int)(rem / 3600);
	mi = (int)(rem / 60 % 60);
	s = (int)(rem % 60);
	if (y >= 0 && y <= 9999 && size >= 24 + sizeof(zone)) {
		/* what the snprintf below writes, without its cost */
		char *p = put_digits(buf, (unsigned)y, 4);

		*p++ = '-';
		p = put_digits(p, (unsigned)mo, 2);
		*p++ = '-';
		p = put_digits(p, (unsigned)d, 2);
		*p++ = 'T';
		p = put_digits(p, (unsigned)h, 2);
		*p++ = ':';
		p = put_digits(p, (unsigned)mi, 2);
		*p++ = ':';
		p = put_digits(p, (unsigned)s, 2);
		*p++ = '.';
		p = put_digits(p, (unsigned)frac, 3);
		n = (int)strlen(zone);
		memcpy(p, zone, (size_t)n + 1);
		return (size_t)(p - buf) + (size_t)n;
	}
	n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%s", y, mo,
	    d, h, mi, s, frac, zone);
	return n < 0 ? 0 : (size_t)n;
}

/*
 * The text of a cell as the table formats print it: *s is the cell's own
 * string, or buf holding the time or number (empty for no value).
 */
void
out_cell_text(const struct cell *c, char *buf, size_t size, const char **s)
{
	*s = buf;
	buf[0] = '\0';
	switch (c->kind) {
	case CELL_NULL:
		break;
	case CELL_STR:
		*s = c->s;
		break;
	case CELL_TIME:
		out_format_time(buf, size, c->n);
		break;
	case CELL_MS:
		snprintf(buf, size, "%s%" PRId64 ".%03" PRId64,
		    c->n < 0 ? "-" : "", (c->n < 0 ? -c->n : c->n) / 1000,
		    (c->n < 0 ? -c->n : c->n) % 1000);
		break;
	case CELL_INT:
		snprintf(buf, size, "%" PRId64, c->n);
		break;
	case CELL_RATIO:
		snprintf(buf, size, "%s%" PRId64 ".%04" PRId64,
		    c->n < 0 ? "-" : "", (c->n < 0 ? -c->n : c->n) / 10000,
		    (c->n < 0 ? -c->n : c->n) % 10000);
		break;
	}
}

/* The index of the column called name, or -1. */
int
out_column(const char *const *columns, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(columns[i], name) == 0)
			return (int)i;
	return -1;
}

/* A row as "column: value" lines, for hover text; a new string. */
char *
out_row_title(const char *const *columns, size_t ncolumns,
    const struct cell *cells)
{
	char buf[64], *t, *p;
	const char *s;
	size_t i, n = 0;

	for (i = 0; i < ncolumns; i++) {
		out_cell_text(&cells[i], buf, sizeof(buf), &s);
		n += strlen(columns[i]) + 3 + strlen(s);
	}
	if ((t = malloc(n + 1)) == NULL)
		fatal_oom();
	p = t;
	for (i = 0; i < ncolumns; i++) {
		out_cell_text(&cells[i], buf, sizeof(buf), &s);
		p += sprintf(p, "%s%s: %s", i > 0 ? "\n" : "", columns[i], s);
	}
	*p = '\0';
	return t;
}

/* Milliseconds as H:MM:SS for people, whole seconds, hours unbounded. */
void
out_hms(char *buf, size_t size, int64_t ms)
{
	uint64_t s = (uint64_t)(ms < 0 ? -(ms / 1000) : ms / 1000);

	snprintf(buf, size, "%s%" PRIu64 ":%02u:%02u", ms <= -1000 ? "-" : "",
	    s / 3600, (unsigned)(s / 60 % 60), (unsigned)(s % 60));
}

/* Write one field's text, quoted or escaped for the format. */
void
out_field(FILE *fp, enum out_format format, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	switch (format) {
	case OUT_CSV:
		for (i = 0; i < n; i++)
			if (s[i] == ',' || s[i] == '"' || s[i] == '\n' ||
			    s[i] == '\r')
				break;
		if (i == n) {
			fwrite(s, 1, n, fp);
			return;
		}
		putc('"', fp);
		for (i = 0; i < n; i++) {
			if (s[i] == '"')
				putc('"', fp);
			putc(s[i], fp);
		}
		putc('"', fp);
		return;
	case OUT_TSV:
		for (i = 0; i < n; i++) {
			switch (s[i]) {
			case '\t': fputs("\\t", fp); break;
			case '\n': fputs("\\n", fp); break;
			case '\r': fputs("\\r", fp); break;
			case '\\': fputs("\\\\", fp); break;
			default: putc(s[i], fp); break;
			}
		}
		return;
	case OUT_JSON:
		putc('"', fp);
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];

			if (c == '"' || c == '\\') {
				putc('\\', fp);
				putc(c, fp);
			} else if (c == '\n')
				fputs("\\n", fp);
			else if (c == '\t')
				fputs("\\t", fp);
			else if (c == '\r')
				fputs("\\r", fp);
			else if (c < 0x20) {
				fputs("\\u00", fp);
				putc(hex[c >> 4], fp);
				putc(hex[c & 15], fp);
			} else
				putc(c, fp);
		}
		putc('"', fp);
		return;
	case OUT_SVG:
	case OUT_HTML:
		break;	/* svg.c and html.c escape their own text */
	case OUT_TEXT:
		fwrite(s, 1, n, fp);	/* text.c escapes its own */
		return;
	}
}

/* Whether the format can show a table of these columns. */
int
out_can_write(enum out_format format, const char *const *columns,
    size_t ncolumns)
{
	if (format == OUT_SVG)
		return svg_can_draw(columns, ncolumns);
	if (format == OUT_HTML)
		return html_can_draw(columns, ncolumns);
	return 1;
}

struct output *
out_new(FILE *fp, enum out_format format, int header,
    const char *const *columns, size_t ncolumns)
{
	struct output *o;
	size_t i;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	o->fp = fp;
	o->format = format;
	o->columns = columns;
	o->ncolumns = ncolumns;
	if (format == OUT_SVG) {
		if ((o->svg = svg_new(columns, ncolumns)) == NULL) {
			free(o);
			return NULL;
		}
		return o;
	}
	if (format == OUT_HTML) {
		if ((o->html = html_new(columns, ncolumns)) == NULL) {
			free(o);
			return NULL;
		}
		return o;
	}
	if (format == OUT_TEXT) {
		o->text = text_new(columns, ncolumns, header);
		return o;
	}
	if (header && format != OUT_JSON) {
		for (i = 0; i < ncolumns; i++) {
			if (i > 0)
				putc(format == OUT_CSV ? ',' : '\t', fp);
			fputs(columns[i], fp);
		}
		putc('\n', fp);
	}
	(void)check_stream(fp);
	return o;
}

/* The input's first and last event, for formats that show the span. */
void
out_set_span(struct output *o, int64_t first, int64_t last)
{
	if (o->svg != NULL)
		svg_span(o->svg, first, last);
}

/*
 * The rows are all in: draw what was kept.  1 when rows had to be left
 * out (said on stderr), -1 when the stream has failed, else 0.
 */
int
out_finish(struct output *o)
{
	int rc = 0;

	if (o->svg != NULL)
		rc = svg_write(o->svg, o->fp);
	if (o->html != NULL)
		rc = html_write(o->html, o->fp);
	return check_stream(o->fp) == -1 ? -1 : rc;
}

void
out_free(struct output *o)
{
	if (o != NULL) {
		svg_free(o->svg);
		html_free(o->html);
		text_free(o->text);
	}
	free(o);
}

/*
 * Write out the rows held (-f text), at a pause of the input or at its
 * end (the end writes a header even without rows); -1 when the stream
 * has failed.
 */
int
out_flush(struct output *o, int end)
{
	if (o == NULL || o->text == NULL)
		return 0;
	text_flush(o->text, o->fp, end);
	return check_stream(o->fp);
}

/*
 * Whether a table written at each flush replaces the one before on the
 * screen: -f text on a terminal.
 */
int
out_live(const struct output *o)
{
	return o != NULL && o->text != NULL && isatty(fileno(o->fp));
}

/* The rows from here to the next flush are a whole table (out_live). */
void
out_frame(struct output *o)
{
	if (o != NULL && o->text != NULL)
		text_frame(o->text);
}

/* Write one row of ncolumns cells; -1 when the stream has failed. */
int
out_row(struct output *o, const struct cell *cells)
{
	char buf[64];
	size_t i, n;
	FILE *fp = o->fp;
	int64_t ms;

	if (o->svg != NULL) {
		svg_row(o->svg, cells);
		return 0;
	}
	if (o->html != NULL) {
		html_row(o->html, cells);
		return 0;
	}
	if (o->text != NULL) {
		text_row(o->text, cells);
		return check_stream(fp);
	}
	if (o->format == OUT_JSON)
		putc('{', fp);
	for (i = 0; i < o->ncolumns; i++) {
		const struct cell *c = &cells[i];

		if (o->format == OUT_JSON) {
			if (i > 0)
				putc(',', fp);
			out_field(fp, OUT_JSON, o->columns[i],
			    strlen(o->columns[i]));
			putc(':', fp);
		} else if (i > 0)
			putc(o->format == OUT_CSV ? ',' : '\t', fp);
		switch (c->kind) {
		case CELL_NULL:
			if (o->format == OUT_JSON)
				fputs("null", fp);
			break;
		case CELL_STR:
			n = strlen(c->s);
			if (formula_guard && o->format != OUT_JSON &&
			    formula(c->s)) {
				char *guarded;

				if ((guarded = malloc(n + 2)) == NULL)
					fatal_oom();
				guarded[0] = '\'';
				memcpy(guarded + 1, c->s, n + 1);
				out_field(fp, o->format, guarded, n + 1);
				free(guarded);
			} else
				out_field(fp, o->format, c->s, n);
			break;
		case CELL_TIME:
			n = out_format_time(buf, sizeof(buf), c->n);
			out_field(fp, o->format, buf, n);
			break;
		case CELL_MS:
			ms = c->n;
			if (ms == INT64_MIN)
				fprintf(fp, "%s%" PRId64 ".%03" PRId64,
				    ms < 0 ? "-" : "", (ms < 0 ? -ms : ms) /
				    1000, (ms < 0 ? -ms : ms) % 1000);
			else
				fwrite(buf, 1, put_fixed(buf, ms, 1000, 3), fp);
			break;
		case CELL_INT:
			fprintf(fp, "%" PRId64, c->n);
			break;
		case CELL_RATIO:	/* ten-thousandths, a JSON number too */
			if (c->n == INT64_MIN)
				fprintf(fp, "%s%" PRId64 ".%04" PRId64,
				    c->n < 0 ? "-" : "", (c->n < 0 ? -c->n :
				    c->n) / 10000, (c->n < 0 ? -c->n : c->n) %
				    10000);
			else
				fwrite(buf, 1, put_fixed(buf, c->n, 10000, 4),
				    fp);
			break;
		}
	}
	if (o->format == OUT_JSON)
		putc('}', fp);
	putc('\n', fp);
	return check_stream(fp);
}
