/*
 * svg.c: -f svg, the interval tables drawn as a timeline.
 *
 * Rows are kept until the end of the input (the picture needs the whole
 * time span and every agent first), then written as one self-contained
 * SVG file: a title line with the input's first and last event, a legend,
 * a time axis in the -z zone, the -i bucket grid, and one lane per agent
 * with one bar per row.  Which table it is does not matter: the renderer
 * looks for columns by name (agent_arn, username, start/end or
 * acw_start/acw_end, and activity, status or channel for the colour), so
 * any table with such columns can be drawn.  Memory is bounded by the
 * rows kept: at most SVG_MAX_BARS of them, in at most SVG_MAX_LANES lanes.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "agentev.h"

#define LABEL_W		200	/* the lane labels, px */
#define PLOT_W		1000	/* the time axis, px */
#define RIGHT_W		24	/* room for open ends and the last tick */
#define WIDTH		(LABEL_W + PLOT_W + RIGHT_W)
#define BAR_H		12	/* one sub-row of a lane */
#define LANE_GAP	4
#define LABEL_CHARS	26	/* longer usernames are cut, with an ellipsis */
#define MAX_SUBROWS	8	/* overlapping bars in one lane, at most */
#define TICK_MIN_PX	70	/* ticks no closer than this */
#define MAX_GRID	2000	/* bucket lines; more are not drawn */
#define SVG_MAX_BARS	200000
#define SVG_MAX_LANES	10000
#define SVG_MAX_NAMES	500	/* colours; later names share OTHER */
#define OTHER		"(other names)"

#define MINUTE		(60 * (int64_t)1000)
#define HOUR		(60 * MINUTE)
#define DAY		(24 * HOUR)

/* Strings numbered in order of first sight, found by hash. */
struct strtab {
	char		**v;
	size_t		 n, cap;
	size_t		*slots;		/* index + 1, or 0 for free */
	size_t		 nslots;
};

struct bar {
	size_t		 lane;
	size_t		 name;		/* index into names */
	int64_t		 start;
	int64_t		 end;
	int		 open;		/* no end yet: drawn to the last event */
	char		*title;		/* the row's values, not escaped */
	int		 subrow;
};

struct lane {
	const char	*arn;		/* in arns */
	char		*username;
	size_t		 nsubrows;
};

struct svg {
	const char *const *columns;
	size_t		 ncolumns;
	int		 c_arn, c_user, c_start, c_end, c_name;
	struct bar	*bars;
	size_t		 nbars, capbars;
	struct lane	*lanes;
	size_t		 nlanes, caplanes;
	struct strtab	 arns;		/* one per lane */
	struct strtab	 names;		/* colour names */
	uint64_t	 dropped;	/* rows beyond the limits */
	int		 have_span;
	int64_t		 first, last;
};

/* Find the columns a timeline needs; -1 when the table has none. */
static int
find_columns(const char *const *columns, size_t n, int *arn, int *user,
    int *start, int *end, int *name)
{
	*arn = out_column(columns, n, "agent_arn");
	*user = out_column(columns, n, "username");
	if ((*start = out_column(columns, n, "start")) == -1)
		*start = out_column(columns, n, "acw_start");
	if ((*end = out_column(columns, n, "end")) == -1)
		*end = out_column(columns, n, "acw_end");
	if ((*name = out_column(columns, n, "activity")) == -1 &&
	    (*name = out_column(columns, n, "status")) == -1)
		*name = out_column(columns, n, "channel");
	return *arn == -1 || *start == -1 || *end == -1 ? -1 : 0;
}

/* Whether a table with these columns can be drawn. */
int
svg_can_draw(const char *const *columns, size_t n)
{
	int a, u, s, e, c;

	return find_columns(columns, n, &a, &u, &s, &e, &c) == 0;
}

struct svg *
svg_new(const char *const *columns, size_t n)
{
	struct svg *g;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		fatal_oom();
	g->columns = columns;
	g->ncolumns = n;
	if (find_columns(columns, n, &g->c_arn, &g->c_user, &g->c_start,
	    &g->c_end, &g->c_name) == -1) {
		free(g);
		return NULL;
	}
	return g;
}

static void *
grow(void *p, size_t *cap, size_t size)
{
	size_t n = *cap ? *cap * 2 : 64;

	if ((p = realloc(p, n * size)) == NULL)
		fatal_oom();
	*cap = n;
	return p;
}

/* The number of s in t, added when new and t holds fewer than max. */
static size_t
intern(struct strtab *t, const char *s, size_t max)
{
	size_t i, k, mask;

	if (t->n * 2 >= t->nslots) {
		size_t n = t->nslots ? t->nslots * 2 : 256;

		free(t->slots);
		if ((t->slots = calloc(n, sizeof(*t->slots))) == NULL)
			fatal_oom();
		t->nslots = n;
		for (i = 0; i < t->n; i++) {
			for (k = (size_t)hash(t->v[i]) & (n - 1); t->slots[k];
			    k = (k + 1) & (n - 1))
				;
			t->slots[k] = i + 1;
		}
	}
	mask = t->nslots - 1;
	for (k = (size_t)hash(s) & mask; t->slots[k]; k = (k + 1) & mask)
		if (strcmp(t->v[t->slots[k] - 1], s) == 0)
			return t->slots[k] - 1;
	if (t->n == max)
		return (size_t)-1;
	if (t->n == t->cap)
		t->v = grow(t->v, &t->cap, sizeof(*t->v));
	t->v[t->n] = xstrdup(s);
	t->slots[k] = t->n + 1;
	return t->n++;
}

static void
strtab_free(struct strtab *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	free(t->slots);
}

/* The lane of an agent, made on first sight; (size_t)-1 when full. */
static size_t
lane_of(struct svg *g, const char *arn, const char *username)
{
	size_t i = intern(&g->arns, arn, SVG_MAX_LANES);

	if (i == (size_t)-1)
		return i;
	if (i == g->nlanes) {
		if (g->nlanes == g->caplanes)
			g->lanes = grow(g->lanes, &g->caplanes,
			    sizeof(*g->lanes));
		g->lanes[i].arn = g->arns.v[i];
		g->lanes[i].username = NULL;
		g->lanes[i].nsubrows = 1;
		g->nlanes++;
	}
	if (g->lanes[i].username == NULL && username != NULL)
		g->lanes[i].username = xstrdup(username);
	return i;
}

/* The colour name of a row; past SVG_MAX_NAMES names, OTHER. */
static size_t
name_of(struct svg *g, const char *name)
{
	size_t i = intern(&g->names, name, SVG_MAX_NAMES);

	return i != (size_t)-1 ? i : intern(&g->names, OTHER, (size_t)-1);
}

/* Keep one row; rows beyond the limits are counted and left out. */
void
svg_row(struct svg *g, const struct cell *cells)
{
	const struct cell *arn = &cells[g->c_arn];
	const struct cell *start = &cells[g->c_start];
	const struct cell *end = &cells[g->c_end];
	const char *user = NULL, *name = NULL;
	struct bar *b;
	size_t lane;

	if (arn->kind != CELL_STR || start->kind != CELL_TIME) {
		g->dropped++;	/* not an interval: nothing to draw */
		return;
	}
	if (g->c_user != -1 && cells[g->c_user].kind == CELL_STR)
		user = cells[g->c_user].s;
	if (g->c_name != -1 && cells[g->c_name].kind == CELL_STR)
		name = cells[g->c_name].s;
	if (g->nbars == SVG_MAX_BARS ||
	    (lane = lane_of(g, arn->s, user)) == (size_t)-1) {
		g->dropped++;
		return;
	}
	if (g->nbars == g->capbars)
		g->bars = grow(g->bars, &g->capbars, sizeof(*g->bars));
	b = &g->bars[g->nbars++];
	b->lane = lane;
	b->name = name_of(g, name != NULL ? name : "(none)");
	b->start = start->n;
	b->open = end->kind != CELL_TIME;
	b->end = b->open ? start->n : end->n;
	b->title = out_row_title(g->columns, g->ncolumns, cells);
	b->subrow = 0;
}

/* The time span of the input: its first and last valid event. */
void
svg_span(struct svg *g, int64_t first, int64_t last)
{
	g->have_span = 1;
	g->first = first;
	g->last = last;
}

static const struct svg *sorting;

static int
by_legend(const void *a, const void *b)
{
	const char *x = sorting->names.v[*(const size_t *)a];
	const char *y = sorting->names.v[*(const size_t *)b];
	int rx = name_rank(x), ry = name_rank(y);

	return rx != ry ? (rx < ry ? -1 : 1) : strcmp(x, y);
}

static int
by_username(const void *a, const void *b)
{
	const struct lane *x = &sorting->lanes[*(const size_t *)a];
	const struct lane *y = &sorting->lanes[*(const size_t *)b];
	int c = strcmp(x->username ? x->username : x->arn,
	    y->username ? y->username : y->arn);

	return c != 0 ? c : strcmp(x->arn, y->arn);
}

static int
by_lane_start(const void *a, const void *b)
{
	const struct bar *x = *(const struct bar *const *)a;
	const struct bar *y = *(const struct bar *const *)b;

	if (x->lane != y->lane)
		return x->lane < y->lane ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * Overlapping bars of one agent (several chats in ACW at once) go on
 * sub-rows of its lane: each to the first sub-row free at its start.
 */
static void
assign_subrows(struct svg *g, int64_t t1)
{
	struct bar **v;
	int64_t ends[MAX_SUBROWS];
	size_t i, k, lane = (size_t)-1, used = 0;

	if (g->nbars == 0)
		return;
	if ((v = malloc(g->nbars * sizeof(*v))) == NULL)
		fatal_oom();
	for (i = 0; i < g->nbars; i++)
		v[i] = &g->bars[i];
	qsort(v, g->nbars, sizeof(*v), by_lane_start);
	for (i = 0; i < g->nbars; i++) {
		struct bar *b = v[i];
		int64_t end = b->open ? t1 : b->end;

		if (b->lane != lane) {
			lane = b->lane;
			used = 0;
		}
		for (k = 0; k < used && ends[k] > b->start; k++)
			;
		if (k == MAX_SUBROWS)
			k = MAX_SUBROWS - 1;	/* too many: overlap */
		if (k == used)
			ends[used++] = end;
		else if (end > ends[k])
			ends[k] = end;
		b->subrow = (int)k;
		if (used > g->lanes[lane].nsubrows)
			g->lanes[lane].nsubrows = used;
	}
	free(v);
}

/* x of time t on the axis from t0 to t1. */
static double
xpos(int64_t t, int64_t t0, int64_t t1)
{
	if (t < t0)
		t = t0;
	if (t > t1)
		t = t1;
	return LABEL_W + (double)(t - t0) * PLOT_W / (double)(t1 - t0);
}

/* The instant whose local time in the -z zone is local. */
static int64_t
from_local(int64_t local)
{
	int64_t t = local - out_zone_offset(local);

	return local - out_zone_offset(t);
}

static int64_t
floor_to(int64_t a, int64_t b)
{
	return (a / b - (a % b != 0 && a < 0)) * b;
}

/* The tick step: the smallest of the sensible ones that leaves room. */
static int64_t
tick_step(int64_t span)
{
	static const int64_t steps[] = {
		MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
		HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
		DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY
	};
	int64_t room = PLOT_W / TICK_MIN_PX;
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]) - 1; i++)
		if (span / steps[i] < room)
			break;
	if (span / steps[i] >= room)	/* years: whole 28-day steps */
		return steps[i] * (span / steps[i] / room + 1);
	return steps[i];
}

static void
write_axis(FILE *fp, int64_t t0, int64_t t1, int top, int bottom)
{
	int64_t step = tick_step(t1 - t0), local, t, prevday = INT64_MIN;
	char buf[64];
	double x;

	fprintf(fp, "<g class=\"axis\">\n");
	local = floor_to(t0 + out_zone_offset(t0), step);
	for (; (t = from_local(local)) <= t1; local += step) {
		if (t < t0)
			continue;
		x = xpos(t, t0, t1);
		out_format_time(buf, sizeof(buf), t);
		fprintf(fp, "<line class=\"tick\" x1=\"%.1f\" y1=\"%d\" "
		    "x2=\"%.1f\" y2=\"%d\"/>", x, top, x, bottom);
		/* the date when it changes, else the time of day */
		if (floor_to(local, DAY) != prevday || step >= DAY) {
			buf[10] = '\0';
			fprintf(fp, "<text x=\"%.1f\" y=\"%d\">%s</text>", x,
			    top - 16, buf);
		}
		if (step < DAY) {
			buf[16] = '\0';
			fprintf(fp, "<text x=\"%.1f\" y=\"%d\">%s</text>", x,
			    top - 4, buf + 11);
		}
		fputc('\n', fp);
		prevday = floor_to(local, DAY);
	}
	fprintf(fp, "</g>\n");
}

static void
write_grid(FILE *fp, int64_t t0, int64_t t1, int top, int bottom)
{
	int64_t b;
	int n = 0;

	if (!bucket_enabled())
		return;
	for (b = bucket_start(t0); b <= t1 && n <= MAX_GRID;
	    b = bucket_next(b))
		n++;
	if (n > MAX_GRID)
		return;
	fprintf(fp, "<g class=\"grid\">");
	for (b = bucket_start(t0); b <= t1; b = bucket_next(b))
		if (b >= t0)
			fprintf(fp, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
			    "y2=\"%d\"/>", xpos(b, t0, t1), top,
			    xpos(b, t0, t1), bottom);
	fprintf(fp, "</g>\n");
}

/* Write the picture; 1 when rows were left out (said on stderr). */
int
svg_write(struct svg *g, FILE *fp)
{
	int64_t t0, t1;
	size_t i, *lorder, *norder;
	int y, top, bottom, legend_y, *lane_y, x;
	char a[64], b[64], rgb[8];

	/* the time span: the input's, widened to hold every bar */
	t0 = g->have_span ? g->first : INT64_MAX;
	t1 = g->have_span ? g->last : INT64_MIN;
	for (i = 0; i < g->nbars; i++) {
		if (g->bars[i].start < t0)
			t0 = g->bars[i].start;
		if (g->bars[i].start > t1)
			t1 = g->bars[i].start;
		if (g->bars[i].end > t1)
			t1 = g->bars[i].end;
	}
	if (t0 > t1)
		t0 = t1 = 0;
	if (t1 - t0 < MINUTE)
		t1 = t0 + MINUTE;
	assign_subrows(g, t1);

	if ((lorder = malloc((g->nlanes + 1) * sizeof(*lorder))) == NULL ||
	    (norder = malloc((g->names.n + 1) * sizeof(*norder))) == NULL ||
	    (lane_y = malloc((g->nlanes + 1) * sizeof(*lane_y))) == NULL)
		fatal_oom();
	sorting = g;
	for (i = 0; i < g->nlanes; i++)
		lorder[i] = i;
	qsort(lorder, g->nlanes, sizeof(*lorder), by_username);
	for (i = 0; i < g->names.n; i++)
		norder[i] = i;
	qsort(norder, g->names.n, sizeof(*norder), by_legend);

	/* layout: title, legend rows, axis labels, lanes */
	legend_y = 40;
	x = LABEL_W;
	for (i = 0; i < g->names.n; i++) {
		int w = 24 + 7 * (int)strlen(g->names.v[norder[i]]);

		if (x + w > WIDTH && x > LABEL_W) {
			x = LABEL_W;
			legend_y += 18;
		}
		x += w;
	}
	top = legend_y + 50;
	y = top;
	for (i = 0; i < g->nlanes; i++) {
		lane_y[lorder[i]] = y;
		y += (int)g->lanes[lorder[i]].nsubrows * BAR_H + LANE_GAP;
	}
	bottom = y;

	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" "
	    "font-family=\"sans-serif\" font-size=\"11\">\n", WIDTH,
	    bottom + 10, WIDTH, bottom + 10);
	fprintf(fp, "<style>\n"
	    ".axis text{text-anchor:middle;fill:#333}"
	    ".tick{stroke:#ccc;stroke-width:1}"
	    ".grid line{stroke:#999;stroke-width:0.5;stroke-dasharray:2 3}"
	    ".label{text-anchor:end;fill:#222}"
	    ".bar{stroke:none}"
	    ".open-end{stroke:#000;stroke-width:1;fill:none}\n");
	for (i = 0; i < g->names.n; i++) {
		name_colour(g->names.v[i], rgb);
		fprintf(fp, ".c%zu{fill:%s}", i, rgb);
	}
	fprintf(fp, "\n</style>\n<rect width=\"100%%\" height=\"100%%\" "
	    "fill=\"#fff\"/>\n");

	fprintf(fp, "<text class=\"title\" x=\"8\" y=\"18\" font-size=\"14\">"
	    "%s%s%s: ", strcmp(g->columns[g->c_start], "acw_start") == 0 ?
	    "acw" : "intervals", g->c_name != -1 ? " by " : "",
	    g->c_name != -1 ? g->columns[g->c_name] : "");
	if (g->have_span) {
		out_format_time(a, sizeof(a), g->first);
		out_format_time(b, sizeof(b), g->last);
		fprintf(fp, "events from %s to %s", a, b);
	} else
		fprintf(fp, "no events");
	fprintf(fp, "; %zu agents, %zu intervals", g->nlanes, g->nbars);
	if (g->dropped > 0)
		fprintf(fp, " (%" PRIu64 " rows not drawn: over the limits)",
		    g->dropped);
	fprintf(fp, "</text>\n");

	/* legend */
	fprintf(fp, "<g class=\"legend\">\n");
	legend_y = 40;
	x = LABEL_W;
	fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">"
	    "open at the end \xE2\x96\xB6 </text>\n", LABEL_W - 8, legend_y);
	for (i = 0; i < g->names.n; i++) {
		const char *name = g->names.v[norder[i]];
		int w = 24 + 7 * (int)strlen(name);

		if (x + w > WIDTH && x > LABEL_W) {
			x = LABEL_W;
			legend_y += 18;
		}
		fprintf(fp, "<rect class=\"swatch c%zu\" x=\"%d\" y=\"%d\" "
		    "width=\"14\" height=\"12\"/><text x=\"%d\" y=\"%d\">",
		    norder[i], x, legend_y - 10, x + 18, legend_y);
		markup_text(fp, name, 0);
		fprintf(fp, "</text>\n");
		x += w;
	}
	fprintf(fp, "</g>\n");

	if (g->have_span || g->nbars > 0) {
		write_axis(fp, t0, t1, top, bottom);
		write_grid(fp, t0, t1, top, bottom);
	}

	/* lanes: a label, then the bars in row order */
	fprintf(fp, "<g class=\"lanes\">\n");
	for (i = 0; i < g->nlanes; i++) {
		const struct lane *l = &g->lanes[lorder[i]];
		const char *who = l->username ? l->username : l->arn;

		fprintf(fp, "<text class=\"label\" x=\"%d\" y=\"%d\">"
		    "<title>", LABEL_W - 6, lane_y[lorder[i]] + BAR_H - 2);
		markup_text(fp, l->arn, 0);
		fprintf(fp, "</title>");
		markup_text(fp, who, LABEL_CHARS);
		fprintf(fp, "</text>\n");
	}
	fprintf(fp, "</g>\n<g class=\"bars\">\n");
	for (i = 0; i < g->nbars; i++) {
		const struct bar *r = &g->bars[i];
		int64_t end = r->open ? t1 : r->end;
		double x0 = xpos(r->start, t0, t1), x1 = xpos(end, t0, t1);
		int by = lane_y[r->lane] + r->subrow * BAR_H;

		if (x1 - x0 < 1)
			x1 = x0 + 1;	/* the shortest still shows */
		fprintf(fp, "<rect class=\"bar%s c%zu\" x=\"%.1f\" y=\"%d\" "
		    "width=\"%.1f\" height=\"%d\"><title>",
		    r->open ? " open" : "", r->name, x0, by + 1, x1 - x0,
		    BAR_H - 2);
		markup_text(fp, r->title, 0);
		fprintf(fp, "</title></rect>");
		if (r->open)
			fprintf(fp, "<path class=\"open-end c%zu\" d=\"M%.1f "
			    "%dl8 %dl-8 %dz\"/>", r->name, x1, by + 1,
			    (BAR_H - 2) / 2, (BAR_H - 2) / 2);
		fputc('\n', fp);
	}
	fprintf(fp, "</g>\n</svg>\n");
	free(lorder);
	free(norder);
	free(lane_y);
	if (g->dropped > 0) {
		fprintf(stderr, "agentev: -f svg: %" PRIu64 " rows not "
		    "drawn: a picture holds at most %d intervals of %d "
		    "agents\n", g->dropped, SVG_MAX_BARS, SVG_MAX_LANES);
		return 1;
	}
	return 0;
}

void
svg_free(struct svg *g)
{
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < g->nbars; i++)
		free(g->bars[i].title);
	for (i = 0; i < g->nlanes; i++)
		free(g->lanes[i].username);
	strtab_free(&g->arns);
	strtab_free(&g->names);
	free(g->bars);
	free(g->lanes);
	free(g);
}
