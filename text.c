/*
 * text.c: -f text, tables for people: aligned columns under a header,
 * durations as H:MM:SS, times in the -z zone to the second, without the
 * date when every time in the table falls on one day.  Aligning needs the
 * rows, so they are held until a flush (the end of the input, or a pause
 * of a live one); each flush writes the rows held, in columns at least as
 * wide as before.  After text_frame() each flush instead draws a whole
 * table over the one before, from the top of the screen, as top(1) does.
 * Control characters from the input are written as \t, \n, \r or \xHH,
 * so no input can send escape sequences to a terminal.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <sys/ioctl.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agentev.h"

#define GAP	2	/* spaces between columns */

struct text_cell {
	enum cell_kind	 kind;
	char		*s;	/* the text; NULL for a time or an empty cell */
	int64_t		 n;	/* the time */
};

struct text {
	const char *const	*columns;
	size_t			 ncolumns;
	int			 header;	/* write one */
	int			 started;	/* something was written */
	int			 framed;	/* each flush draws a whole table */
	int			 frame_due;	/* text_frame since the last flush */
	int			 dated;		/* times spread over days */
	char			 day[16];	/* the one day so far, or "" */
	size_t			*width;
	struct text_cell	*cells;		/* nrows * ncolumns */
	size_t			 nrows;
	size_t			 cap;
};

struct text *
text_new(const char *const *columns, size_t ncolumns, int header)
{
	struct text *t;

	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->width = calloc(ncolumns, sizeof(*t->width))) == NULL)
		fatal_oom();
	t->columns = columns;
	t->ncolumns = ncolumns;
	t->header = header;
	return t;
}

/* s with control characters escaped, as a new string. */
static char *
printable(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(s);
	char *p, *out;

	if (n > (SIZE_MAX - 1) / 4 || (out = malloc(4 * n + 1)) == NULL)
		fatal_oom();
	for (p = out; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c != 0x7f) {
			*p++ = (char)c;
			continue;
		}
		*p++ = '\\';
		if (c == '\t')
			*p++ = 't';
		else if (c == '\n')
			*p++ = 'n';
		else if (c == '\r')
			*p++ = 'r';
		else {
			*p++ = 'x';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p = '\0';
	return out;
}

/*
 * An agent's ARN as its last part, the agent's id: the rest is the same
 * for every agent of an instance, and too wide for a screen.
 */
static const char *
short_arn(const char *column, const char *s)
{
	size_t n = strlen(column);
	const char *slash;

	if (n < 4 || strcmp(column + n - 4, "_arn") != 0 ||
	    strncmp(s, "arn:", 4) != 0 || (slash = strrchr(s, '/')) == NULL ||
	    slash[1] == '\0')
		return s;
	return slash + 1;
}

/* Milliseconds as H:MM:SS, whole seconds, as a new string. */
static char *
hms(int64_t ms)
{
	char buf[48];

	out_hms(buf, sizeof(buf), ms);
	return xstrdup(buf);
}

void
text_row(struct text *t, const struct cell *cells)
{
	struct text_cell *c;
	char buf[32];
	size_t i;

	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		if (t->cap > SIZE_MAX / sizeof(*t->cells) / t->ncolumns ||
		    (t->cells = realloc(t->cells, t->cap * t->ncolumns *
		    sizeof(*t->cells))) == NULL)
			fatal_oom();
	}
	c = &t->cells[t->nrows++ * t->ncolumns];
	for (i = 0; i < t->ncolumns; i++, c++) {
		c->kind = cells[i].kind;
		c->n = cells[i].n;
		c->s = NULL;
		switch (cells[i].kind) {
		case CELL_STR:
			c->s = printable(short_arn(t->columns[i],
			    cells[i].s));
			break;
		case CELL_MS:
			c->s = hms(cells[i].n);
			break;
		case CELL_INT:
			snprintf(buf, sizeof(buf), "%" PRId64, cells[i].n);
			c->s = strdup(buf);
			break;
		case CELL_RATIO:	/* ten-thousandths */
			snprintf(buf, sizeof(buf), "%s%" PRId64 ".%04" PRId64,
			    cells[i].n < 0 ? "-" : "", (cells[i].n < 0 ?
			    -cells[i].n : cells[i].n) / 10000, (cells[i].n < 0 ?
			    -cells[i].n : cells[i].n) % 10000);
			c->s = strdup(buf);
			break;
		default:
			break;
		}
		if ((c->kind == CELL_STR || c->kind == CELL_MS ||
		    c->kind == CELL_INT || c->kind == CELL_RATIO) &&
		    c->s == NULL)
			fatal_oom();
	}
}

void
text_frame(struct text *t)
{
	t->framed = 1;
	t->frame_due = 1;
}

/* The width of s on a terminal: its UTF-8 code points. */
static size_t
columns_of(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* A time to the second in the -z zone, with or without its date. */
static void
time_text(char *buf, size_t size, int64_t ms, int dated)
{
	char iso[64];

	/* 2026-11-04T09:15:02.123Z: the date and the time of day */
	if (out_format_time(iso, sizeof(iso), ms) < 19) {
		snprintf(buf, size, "?");
		return;
	}
	if (dated)
		snprintf(buf, size, "%.10s %.8s", iso, iso + 11);
	else
		snprintf(buf, size, "%.8s", iso + 11);
}

/* The cell's text for the table (buf holds a time's). */
static const char *
cell_text(const struct text *t, const struct text_cell *c, char *buf,
    size_t size)
{
	if (c->kind == CELL_TIME) {
		time_text(buf, size, c->n, t->dated);
		return buf;
	}
	return c->s != NULL ? c->s : "";
}

/* Whether the times held all fall on the one day seen so far. */
static void
check_days(struct text *t)
{
	const struct text_cell *c = t->cells;
	char iso[64];
	size_t i;

	for (i = 0; i < t->nrows * t->ncolumns && !t->dated; i++, c++) {
		if (c->kind != CELL_TIME ||
		    out_format_time(iso, sizeof(iso), c->n) < 10)
			continue;
		if (t->day[0] == '\0')
			snprintf(t->day, sizeof(t->day), "%.10s", iso);
		else if (strncmp(t->day, iso, 10) != 0)
			t->dated = 1;
	}
}

/* Where a line goes, cut at the terminal's width when drawing a frame. */
struct emit {
	FILE	*fp;
	size_t	 room;		/* code points left on the line */
};

static void
put(struct emit *e, const char *s)
{
	for (; *s; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80) {
			if (e->room == 0)
				return;
			e->room--;
		}
		putc(*s, e->fp);
	}
}

static void
pad(struct emit *e, size_t n)
{
	while (n-- > 0)
		put(e, " ");
}

/* One line: numbers to the right, the rest to the left. */
static void
line(const struct text *t, FILE *fp, size_t width, const char *const *texts,
    const enum cell_kind *kinds)
{
	struct emit e = { fp, width };
	size_t i, w;

	for (i = 0; i < t->ncolumns; i++) {
		w = columns_of(texts[i]);
		if (i > 0)
			pad(&e, GAP);
		if (kinds[i] == CELL_MS || kinds[i] == CELL_INT ||
		    kinds[i] == CELL_RATIO)
			pad(&e, t->width[i] - w);
		put(&e, texts[i]);
		if (i + 1 < t->ncolumns && kinds[i] != CELL_MS &&
		    kinds[i] != CELL_INT && kinds[i] != CELL_RATIO)
			pad(&e, t->width[i] - w);
	}
	if (t->framed)
		fputs("\033[K", fp);	/* clear what the last table left */
	putc('\n', fp);
}

/*
 * The lines a frame may take (the terminal's height, less one) and their
 * width, so that the table never scrolls the screen.
 */
static void
screen(FILE *fp, size_t *lines, size_t *width)
{
	struct winsize ws;

	if (ioctl(fileno(fp), TIOCGWINSZ, &ws) == -1)
		return;
	if (ws.ws_row >= 3)
		*lines = (size_t)ws.ws_row - 1;
	if (ws.ws_col > 0)
		*width = ws.ws_col;
}

static void
drop_rows(struct text *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncolumns; i++)
		free(t->cells[i].s);
	t->nrows = 0;
}

void
text_flush(struct text *t, FILE *fp, int end)
{
	const char **texts;
	enum cell_kind *kinds;
	char (*bufs)[48];
	size_t i, r, room = SIZE_MAX, width = SIZE_MAX, shown;

	if (t->nrows == 0 && (t->framed ? !t->frame_due :
	    t->started || !end))
		return;
	if ((texts = calloc(t->ncolumns, sizeof(*texts))) == NULL ||
	    (kinds = calloc(t->ncolumns, sizeof(*kinds))) == NULL ||
	    (bufs = calloc(t->ncolumns, sizeof(*bufs))) == NULL)
		fatal_oom();
	if (t->framed) {
		/* a whole table: its own widths and days */
		memset(t->width, 0, t->ncolumns * sizeof(*t->width));
		t->dated = 0;
		t->day[0] = '\0';
		screen(fp, &room, &width);
	}
	check_days(t);
	for (i = 0; i < t->ncolumns; i++)
		if (t->header && (r = columns_of(t->columns[i])) > t->width[i])
			t->width[i] = r;
	for (r = 0; r < t->nrows; r++)
		for (i = 0; i < t->ncolumns; i++) {
			size_t w = columns_of(cell_text(t,
			    &t->cells[r * t->ncolumns + i], bufs[i],
			    sizeof(bufs[i])));

			if (w > t->width[i])
				t->width[i] = w;
		}
	if (t->framed)
		fputs("\033[H", fp);	/* to the top of the screen */
	if (t->header && (t->framed || !t->started)) {
		for (i = 0; i < t->ncolumns; i++) {
			texts[i] = t->columns[i];
			kinds[i] = CELL_STR;
		}
		line(t, fp, width, texts, kinds);
		room--;
	}
	shown = t->nrows <= room ? t->nrows : room > 0 ? room - 1 : 0;
	for (r = 0; r < shown; r++) {
		for (i = 0; i < t->ncolumns; i++) {
			const struct text_cell *c =
			    &t->cells[r * t->ncolumns + i];

			texts[i] = cell_text(t, c, bufs[i], sizeof(bufs[i]));
			kinds[i] = c->kind;
		}
		line(t, fp, width, texts, kinds);
	}
	if (shown < t->nrows)
		fprintf(fp, "(%zu more rows)\033[K\n", t->nrows - shown);
	if (t->framed)
		fputs("\033[J", fp);	/* and below the table */
	t->started = 1;
	t->frame_due = 0;
	drop_rows(t);
	free(texts);
	free(kinds);
	free(bufs);
}

void
text_free(struct text *t)
{
	if (t == NULL)
		return;
	drop_rows(t);
	free(t->cells);
	free(t->width);
	free(t);
}
