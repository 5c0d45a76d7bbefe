/*
 * html.c: -f html, the `now` table as a wallboard page.
 *
 * The rows are kept until the end (the page is grouped and sorted), then
 * written as one self-contained HTML file: no script, nothing fetched, so
 * a browser shows it from a file or any web server as it is.  At the top,
 * the as-of time, how many agents need attention and how many are in
 * each activity; then one section per routing profile, by name (agents
 * without one last), with its own counts and one tile per agent:
 * username, activity, time in it, next status and contacts, in the
 * activity's colour (markup.c, the same as in the SVG timelines).  In each section the agents who need
 * attention come first: Error, then Missed or Rejected, then After
 * contact work, then agents silent for SILENT_MS (no event, not even a
 * heartbeat), then agents out of adherence to the -A schedule (logged
 * out ones too), each the longest first; then the other logged-in
 * agents, longest in their activity first; then the logged-out ones.  A <meta>
 * refresh reloads the page every REFRESH_S seconds, so a job rewriting
 * the file every minute gives a live wallboard.
 *
 * Every string from the input is escaped (markup.c) and isolated from
 * the text around it (<bdi>), so a username is shown as the text it is.
 * The page is also well-formed XML, which is how tests/wallboard.py
 * reads it.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agentev.h"

#define REFRESH_S	60
#define SILENT_MS	(5 * 60 * (int64_t)1000)	/* 2.5 heartbeats */
#define NO_PROFILE	"(no routing profile)"
#define LOGGED_OUT	"Logged out"
#define NO_ACTIVITY	"Unknown"

/* What comes first on the board; the order of the sections of a group. */
enum rank { R_ERROR, R_MISSED, R_ACW, R_SILENT, R_ADHERENCE, R_OTHER, R_OUT };

static const char *const wants[] = {
	"as_of", "agent_arn", "username", "routing_profile", "session",
	"activity", "activity_s", "next_status", "contacts", "in_acw",
	"last_event", "scheduled_activity", "out_of_adherence_since"
};
enum { W_AS_OF, W_ARN, W_USER, W_PROFILE, W_SESSION, W_ACTIVITY,
	W_ACTIVITY_S, W_NEXT, W_CONTACTS, W_IN_ACW, W_LAST, W_SCHEDULED,
	W_OUT_SINCE, NWANTS };

struct tile {
	char		*arn;
	char		*username;	/* or NULL */
	char		*profile;	/* or NULL */
	char		*activity;	/* LOGGED_OUT, NO_ACTIVITY or a name */
	char		*next;		/* or NULL */
	char		*title;		/* the row's values, for hover text */
	int64_t		 in_activity;	/* ms, or -1 */
	int		 has_last;	/* the row has a last event */
	int64_t		 last;
	int64_t		 silent;	/* ms since the last event, or -1 */
	int64_t		 contacts;	/* or -1 */
	int64_t		 in_acw;	/* or -1 */
	char		*scheduled;	/* the scheduled activity, or NULL */
	int64_t		 out;		/* ms out of adherence, or -1 */
	int		 in;		/* logged in */
	enum rank	 rank;
};

struct html {
	const char *const *columns;
	size_t		 ncolumns;
	int		 col[NWANTS];
	struct tile	*tiles;
	size_t		 n, cap;
	int		 have_as_of;
	int64_t		 as_of;
};

/* Whether a table has what a wallboard shows: the now table does. */
int
html_can_draw(const char *const *columns, size_t n)
{
	size_t i;

	for (i = 0; i < NWANTS; i++)
		if (out_column(columns, n, wants[i]) == -1)
			return 0;
	return 1;
}

struct html *
html_new(const char *const *columns, size_t n)
{
	struct html *h;
	size_t i;

	if (!html_can_draw(columns, n) || (h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->columns = columns;
	h->ncolumns = n;
	for (i = 0; i < NWANTS; i++)
		h->col[i] = out_column(columns, n, wants[i]);
	return h;
}

static char *
str_of(const struct cell *c)
{
	return c->kind == CELL_STR ? xstrdup(c->s) : NULL;
}

static enum rank
rank_of(const struct tile *t, int in)
{
	if (!in)
		;
	else if (strcmp(t->activity, "Error") == 0)
		return R_ERROR;
	else if (strcmp(t->activity, "Missed") == 0 ||
	    strcmp(t->activity, "Rejected") == 0)
		return R_MISSED;
	else if (strcmp(t->activity, "After contact work") == 0)
		return R_ACW;
	if (t->silent > SILENT_MS && in)
		return R_SILENT;
	if (t->out >= 0)
		return R_ADHERENCE;
	return in ? R_OTHER : R_OUT;
}

/* Keep one row of the now table. */
void
html_row(struct html *h, const struct cell *cells)
{
	const struct cell *c;
	struct tile *t;
	int in;

	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->tiles = xrealloc(h->tiles, h->cap, sizeof(*h->tiles));
	}
	t = &h->tiles[h->n++];
	memset(t, 0, sizeof(*t));
	c = &cells[h->col[W_AS_OF]];
	if (c->kind == CELL_TIME) {
		h->have_as_of = 1;
		h->as_of = c->n;
	}
	t->arn = xstrdup(cells[h->col[W_ARN]].kind == CELL_STR ?
	    cells[h->col[W_ARN]].s : "");
	t->username = str_of(&cells[h->col[W_USER]]);
	t->profile = str_of(&cells[h->col[W_PROFILE]]);
	t->next = str_of(&cells[h->col[W_NEXT]]);
	c = &cells[h->col[W_SESSION]];
	in = t->in = c->kind == CELL_STR && strcmp(c->s, "LOGGED_IN") == 0;
	c = &cells[h->col[W_ACTIVITY]];
	t->activity = xstrdup(!in ? LOGGED_OUT : c->kind == CELL_STR ? c->s :
	    NO_ACTIVITY);
	c = &cells[h->col[W_ACTIVITY_S]];
	t->in_activity = c->kind == CELL_MS ? c->n : -1;
	c = &cells[h->col[W_CONTACTS]];
	t->contacts = c->kind == CELL_INT ? c->n : -1;
	c = &cells[h->col[W_IN_ACW]];
	t->in_acw = c->kind == CELL_INT ? c->n : -1;
	c = &cells[h->col[W_LAST]];
	t->has_last = c->kind == CELL_TIME;
	t->last = c->n;
	t->silent = c->kind == CELL_TIME && h->have_as_of &&
	    h->as_of >= c->n ? h->as_of - c->n : -1;
	t->scheduled = str_of(&cells[h->col[W_SCHEDULED]]);
	c = &cells[h->col[W_OUT_SINCE]];
	t->out = c->kind == CELL_TIME && h->have_as_of ?
	    (h->as_of > c->n ? h->as_of - c->n : 0) : -1;
	t->title = out_row_title(h->columns, h->ncolumns, cells);
	t->rank = rank_of(t, in);
}

/* NULL last, else by bytes. */
static int
compare_names(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == NULL) - (b == NULL);
	return strcmp(a, b);
}

/* Group by profile, then the attention order of the head comment. */
static int
by_board(const void *pa, const void *pb)
{
	const struct tile *a = pa, *b = pb;
	int64_t ka, kb;
	int c;

	if ((c = compare_names(a->profile, b->profile)) != 0)
		return c;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	ka = a->rank == R_SILENT ? a->silent : a->rank == R_ADHERENCE ?
	    a->out : a->in_activity;
	kb = b->rank == R_SILENT ? b->silent : b->rank == R_ADHERENCE ?
	    b->out : b->in_activity;
	if (a->rank != R_OUT && ka != kb)
		return ka > kb ? -1 : 1;	/* the longest first */
	if ((c = compare_names(a->username, b->username)) != 0)
		return c;
	return strcmp(a->arn, b->arn);
}

/* Black or white, whichever reads better on the colour rgb. */
static const char *
ink(const char *rgb)
{
	unsigned r, g, b;

	if (sscanf(rgb, "#%2x%2x%2x", &r, &g, &b) != 3)
		return "#000";
	return 299 * r + 587 * g + 114 * b > 150000 ? "#000" : "#fff";
}

static void
bdi(FILE *fp, const char *s)
{
	fputs("<bdi>", fp);
	markup_text(fp, s, 0);
	fputs("</bdi>", fp);
}

struct count {
	const char	*name;
	size_t		 n;
};

static int
by_legend(const void *pa, const void *pb)
{
	const struct count *a = pa, *b = pb;
	int ra = name_rank(a->name), rb = name_rank(b->name);

	return ra != rb ? (ra < rb ? -1 : 1) : strcmp(a->name, b->name);
}

/*
 * How many of tiles[0..n) there are, how many need attention (come
 * before R_OTHER), and how many are in each activity, as a line of
 * swatches; counts has room for n.
 */
static void
write_counts(FILE *fp, const struct tile *tiles, size_t n,
    struct count *counts)
{
	size_t i, j, k = 0, attention = 0;
	char rgb[8];

	for (i = 0; i < n; i++) {
		if (tiles[i].rank < R_OTHER)
			attention++;
		for (j = 0; j < k; j++)
			if (strcmp(counts[j].name, tiles[i].activity) == 0)
				break;
		if (j == k) {
			counts[k].name = tiles[i].activity;
			counts[k++].n = 0;
		}
		counts[j].n++;
	}
	if (k > 0)
		qsort(counts, k, sizeof(*counts), by_legend);
	fprintf(fp, "<p class=\"counts\"><span class=\"total\">%zu agent%s"
	    "</span>", n, n == 1 ? "" : "s");
	if (attention > 0)
		fprintf(fp, " <span class=\"attention\">%zu need%s attention"
		    "</span>", attention, attention == 1 ? "s" : "");
	for (j = 0; j < k; j++) {
		name_colour(counts[j].name, rgb);
		fprintf(fp, " <span class=\"count\" data-activity=\"");
		markup_attr(fp, counts[j].name);
		fprintf(fp, "\"><i style=\"background:%s\"></i>", rgb);
		bdi(fp, counts[j].name);
		fprintf(fp, " <b>%zu</b></span>", counts[j].n);
	}
	fprintf(fp, "</p>\n");
}

static void
write_tile(FILE *fp, const struct tile *t)
{
	static const char *const ranks[] = {
		"error", "missed", "acw", "silent", "adherence", "other",
		"out"
	};
	char rgb[8], buf[48];

	name_colour(t->activity, rgb);
	fprintf(fp, "<div class=\"tile %s%s\" style=\"background:%s;"
	    "color:%s\" data-rank=\"%d\" data-arn=\"", ranks[t->rank],
	    t->silent > SILENT_MS && t->in ? " quiet" : "", rgb,
	    ink(rgb), (int)t->rank);
	markup_attr(fp, t->arn);
	fprintf(fp, "\" title=\"");
	markup_attr(fp, t->title);
	fprintf(fp, "\">\n<p class=\"user\">");
	bdi(fp, t->username != NULL ? t->username : t->arn);
	fprintf(fp, "</p>\n<p class=\"activity\">");
	bdi(fp, t->activity);
	fprintf(fp, "</p>\n");
	if (t->in_activity >= 0) {
		out_hms(buf, sizeof(buf), t->in_activity);
		fprintf(fp, "<p class=\"time\">%s</p>\n", buf);
	}
	if (t->next != NULL) {
		fprintf(fp, "<p class=\"next\">next: ");
		bdi(fp, t->next);
		fprintf(fp, "</p>\n");
	}
	if (t->contacts > 0) {
		fprintf(fp, "<p class=\"contacts\">%" PRId64 " contact%s",
		    t->contacts, t->contacts == 1 ? "" : "s");
		if (t->in_acw > 0)
			fprintf(fp, ", %" PRId64 " in ACW", t->in_acw);
		fprintf(fp, "</p>\n");
	}
	if (t->silent > SILENT_MS && t->in) {
		out_hms(buf, sizeof(buf), t->silent);
		fprintf(fp, "<p class=\"silent\">silent %s</p>\n", buf);
	}
	if (t->out >= 0) {
		out_hms(buf, sizeof(buf), t->out);
		/* the time first: a long activity name is cut, not it */
		fprintf(fp, "<p class=\"adherence\">out %s of ", buf);
		bdi(fp, t->scheduled != NULL ? t->scheduled : "");
		fprintf(fp, "</p>\n");
	}
	if (!t->in && t->has_last) {
		/* the time of day of the ISO 8601 text, in the -z zone */
		out_format_time(buf, sizeof(buf), t->last);
		fprintf(fp, "<p class=\"last\">last event %.8s</p>\n",
		    strchr(buf, 'T') != NULL ? strchr(buf, 'T') + 1 : buf);
	}
	fprintf(fp, "</div>\n");
}

/*
 * A tile is tall enough for the most it shows, seven lines (one of them
 * the time in a larger font) inside its dashed border, so nothing is cut
 * off.
 */
static const char style[] =
    "body{margin:0;padding:12px 16px;background:#f4f4f4;color:#222;"
    "font:14px/1.35 sans-serif}"
    "h1{font-size:20px;margin:0}"
    "h2{font-size:16px;margin:18px 0 2px}"
    ".counts{margin:2px 0 8px}"
    ".count,.attention{margin-left:12px;white-space:nowrap}"
    ".attention{font-weight:bold;color:#b00}"
    ".count i{display:inline-block;width:12px;height:12px;"
    "margin-right:4px;vertical-align:-1px}"
    ".tiles{display:flex;flex-wrap:wrap;gap:8px}"
    ".tile{box-sizing:border-box;width:200px;height:166px;"
    "padding:6px 9px;border-radius:5px;overflow:hidden}"
    ".tile p{margin:0;white-space:nowrap;overflow:hidden;"
    "text-overflow:ellipsis}"
    ".user{font-weight:bold}"
    ".time{font-size:22px;font-variant-numeric:tabular-nums}"
    ".quiet{border:3px dashed #000}"
    ".none{color:#666}";

/* The rows are all in: write the page. */
int
html_write(struct html *h, FILE *fp)
{
	struct count *counts;
	char buf[64];
	size_t i, j;

	if (h->n > 0)
		qsort(h->tiles, h->n, sizeof(*h->tiles), by_board);
	if ((counts = calloc(h->n + 1, sizeof(*counts))) == NULL)
		fatal_oom();
	if (h->have_as_of)
		out_format_time(buf, sizeof(buf), h->as_of);
	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\"/>\n"
	    "<meta name=\"viewport\" content=\"width=device-width\"/>\n"
	    "<meta http-equiv=\"refresh\" content=\"%d\"/>\n"
	    "<meta name=\"generator\" content=\"agentev %s\"/>\n"
	    "<title>Agents%s%s</title>\n<style>%s</style>\n</head>\n<body>\n"
	    "<header>\n<h1>Agents ", REFRESH_S, AGENTEV_VERSION,
	    h->have_as_of ? " as of " : "", h->have_as_of ? buf : "", style);
	if (h->have_as_of)
		fprintf(fp, "as of <time class=\"as-of\" datetime=\"%s\">%s"
		    "</time>", buf, buf);
	else
		fprintf(fp, "<span class=\"as-of none\">(no events)</span>");
	fprintf(fp, "</h1>\n");
	write_counts(fp, h->tiles, h->n, counts);
	fprintf(fp, "</header>\n");
	for (i = 0; i < h->n; i = j) {
		for (j = i + 1; j < h->n && compare_names(h->tiles[i].profile,
		    h->tiles[j].profile) == 0; j++)
			;
		fprintf(fp, "<section class=\"group\" data-profile=\"");
		markup_attr(fp, h->tiles[i].profile != NULL ?
		    h->tiles[i].profile : NO_PROFILE);
		fprintf(fp, "\">\n<h2>");
		bdi(fp, h->tiles[i].profile != NULL ? h->tiles[i].profile :
		    NO_PROFILE);
		fprintf(fp, "</h2>\n");
		write_counts(fp, h->tiles + i, j - i, counts);
		fprintf(fp, "<div class=\"tiles\">\n");
		for (; i < j; i++)
			write_tile(fp, &h->tiles[i]);
		fprintf(fp, "</div>\n</section>\n");
	}
	fprintf(fp, "</body>\n</html>\n");
	free(counts);
	return 0;
}

void
html_free(struct html *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->n; i++) {
		free(h->tiles[i].arn);
		free(h->tiles[i].username);
		free(h->tiles[i].profile);
		free(h->tiles[i].activity);
		free(h->tiles[i].next);
		free(h->tiles[i].title);
		free(h->tiles[i].scheduled);
	}
	free(h->tiles);
	free(h);
}
