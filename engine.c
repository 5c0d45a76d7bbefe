/*
 * engine.c: per-agent state that every table shares, and the views.
 *
 * Events arrive here validated and in input order.  For each agent the
 * engine keeps what every table needs: its last snapshot, its login
 * session, its newest EventTimestamp (the ordering) and the EventIds seen
 * recently (duplicates).  Everything else belongs to a view: one table in
 * its own file (acw.c, status.c, activity.c, summary.c, events.c) behind
 * struct view_ops in engine.h.  The engine hands each event to each view
 * in turn, and each interval a view opens or closes to the views that
 * take intervals (summary adds up activity and ACW that way).
 *
 * To add a table: write NAME.c with a `const struct view_ops NAME_view`
 * (its columns, what it does with an event, with an interval, at the end,
 * and its part of the -S state), declare it in agentev.h, add one line to
 * the driver's table list in agentev.c and the object to LIBOBJS in the
 * Makefile, and give it a section in man/agentev.1.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <err.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agentev.h"
#include "engine.h"

#define MAX_SPLIT	(366 * 24 * HOUR_MS)

uint64_t
hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h ? h : 1;
}

/* strcmp, with NULL before any string. */
int
strcmp_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* Add n to a total, saturating instead of wrapping around. */
void
add_sat(int64_t *total, int64_t n)
{
	if (__builtin_add_overflow(*total, n, total))
		*total = n < 0 ? INT64_MIN : INT64_MAX;
}

char *
xstrdup(const char *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	if ((p = strdup(s)) == NULL)
		fatal_oom();
	return p;
}

void *
xrealloc(void *p, size_t n, size_t size)
{
	if (n > SIZE_MAX / size || (p = realloc(p, n * size)) == NULL)
		fatal_oom();
	return p;
}

static int
idset_has(const struct idset *s, uint64_t h)
{
	size_t i;

	if (s->cap == 0)
		return 0;
	for (i = h & (s->cap - 1); s->slots[i] != 0; i = (i + 1) & (s->cap - 1))
		if (s->slots[i] == h)
			return 1;
	return 0;
}

void
idset_add(struct idset *s, uint64_t h)
{
	size_t i, j, oldcap = s->cap;
	uint64_t *old = s->slots;

	if (2 * (s->count + 1) > s->cap) {
		s->cap = oldcap ? oldcap * 2 : 16;
		if ((s->slots = calloc(s->cap, sizeof(*s->slots))) == NULL)
			fatal_oom();
		s->count = 0;
		for (j = 0; j < oldcap; j++)
			if (old[j] != 0)
				idset_add(s, old[j]);
		free(old);
	}
	for (i = h & (s->cap - 1); s->slots[i] != 0; i = (i + 1) & (s->cap - 1))
		;
	s->slots[i] = h;
	s->count++;
}

void
ring_add(struct ring *r, const char *id)
{
	r->h[r->n++ % RING_SIZE] = hash(id);
}

int
ring_has(const struct ring *r, const char *id)
{
	uint64_t h = hash(id);
	size_t i, n = r->n < RING_SIZE ? r->n : RING_SIZE;

	for (i = 0; i < n; i++)
		if (r->h[i] == h)
			return 1;
	return 0;
}

static void
idset_clear(struct idset *s)
{
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

/*
 * Whether the agent saw this EventId recently; remembers it if not.  Ids
 * are kept in two generations of at most 12 hours and DUP_MAX ids each.
 */
static int
duplicate(struct agent *a, const struct event *ev)
{
	uint64_t h = hash(ev->event_id);

	if (idset_has(&a->ids[0], h) || idset_has(&a->ids[1], h))
		return 1;
	if (a->ids[0].count >= DUP_MAX ||
	    ev->time - a->ids_since > DUP_GENERATION) {
		idset_clear(&a->ids[1]);
		a->ids[1] = a->ids[0];
		memset(&a->ids[0], 0, sizeof(a->ids[0]));
		a->ids_since = ev->time;
	}
	if (a->ids[0].count == 0 && a->ids[1].count == 0)
		a->ids_since = ev->time;
	idset_add(&a->ids[0], h);
	return 0;
}

struct engine *
engine_new(struct counts *counts)
{
	struct engine *e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		fatal_oom();
	e->counts = counts;
	e->clock = -1;
	e->start_clock = -1;
	e->as_of = -1;
	e->newest_read = INT64_MIN;
	return e;
}

/* The run's view of ops (for its table, or one that needs it), or NULL. */
struct view *
engine_view(struct engine *e, const struct view_ops *ops)
{
	size_t i;

	for (i = 0; i < e->nviews; i++)
		if (e->views[i].ops == ops)
			return &e->views[i];
	return NULL;
}

/*
 * Run the view ops, writing its rows to out (NULL: run it for the views
 * that need it, or for the state, without rows).  The views it needs are
 * added first, without rows.  Views are added before the first agent
 * (state_load makes agents); a view already added may be given its
 * output later.
 */
void
engine_add_view(struct engine *e, const struct view_ops *ops,
    struct output *out)
{
	const struct view_ops *const *need;
	struct view *v;

	if ((v = engine_view(e, ops)) != NULL) {
		if (out != NULL)
			v->out = out;
		return;
	}
	for (need = ops->needs; need != NULL && *need != NULL; need++)
		engine_add_view(e, *need, NULL);
	if (e->nviews == MAX_VIEWS || e->nagents > 0)
		errx(1, "internal error: view %s added too late", ops->name);
	v = &e->views[e->nviews];
	v->ops = ops;
	v->engine = e;
	v->out = out;
	v->index = e->nviews++;
}

const char *
view_name(const struct view_ops *ops)
{
	return ops->name;
}

const char *const *
view_columns(const struct view_ops *ops, size_t *n)
{
	if (ops->columns_of != NULL)
		return ops->columns_of(n);
	*n = ops->ncolumns;
	return ops->columns;
}

/*
 * Whether a run of this table writes the -S state at its end, given
 * whether it read an event: every table does, but one that only shows
 * the state (now) leaves it alone when there was nothing new.
 */
int
view_saves_state(const struct view_ops *ops, int read_events)
{
	return read_events || !ops->shows_state;
}

/* A new agent with a part for every view. */
static struct agent *
agent_new(const struct engine *e, const char *arn, const char *username)
{
	struct agent *a;
	size_t j;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		fatal_oom();
	a->arn = arn != NULL ? xstrdup(arn) : NULL;
	a->username = username != NULL ? xstrdup(username) : NULL;
	for (j = 0; j < e->nviews; j++)
		if (e->views[j].ops->part_size > 0 && (a->part[j] =
		    calloc(1, e->views[j].ops->part_size)) == NULL)
			fatal_oom();
	return a;
}

struct agent *
engine_agent(struct engine *e, const char *arn)
{
	struct agent *a, **old = e->table;
	size_t i, j, oldcap = e->cap;

	if (2 * (e->nagents + 1) > e->cap) {
		e->cap = oldcap ? oldcap * 2 : 64;
		if ((e->table = calloc(e->cap, sizeof(*e->table))) == NULL)
			fatal_oom();
		for (j = 0; j < oldcap; j++) {
			if (old[j] == NULL)
				continue;
			for (i = hash(old[j]->arn) & (e->cap - 1);
			    e->table[i] != NULL; i = (i + 1) & (e->cap - 1))
				;
			e->table[i] = old[j];
		}
		free(old);
	}
	for (i = hash(arn) & (e->cap - 1); (a = e->table[i]) != NULL;
	    i = (i + 1) & (e->cap - 1))
		if (strcmp(a->arn, arn) == 0)
			return a;
	a = agent_new(e, arn, NULL);
	e->table[i] = a;
	if (e->nagents == e->order_cap) {
		e->order_cap = e->order_cap ? e->order_cap * 2 : 64;
		e->order = xrealloc(e->order, e->order_cap, sizeof(*e->order));
	}
	a->index = e->nagents;
	e->order[e->nagents++] = a;
	return a;
}

/*
 * An agent the -A schedule names that no event has shown yet: the
 * adherence view follows its schedule (logged out, so out of adherence in
 * every segment) and publishes its stretches, so that alert raises a no-
 * show and now lists it.  It has a part for every view but is in neither
 * the table nor the order: no other table writes a row for it and -S
 * does not keep it.  arn may be NULL (a schedule by username).
 */
struct agent *
engine_absent(struct engine *e, const char *arn, const char *username)
{
	struct agent *a = agent_new(e, arn, username);

	a->absent = 1;
	a->session = SESSION_CLOSED;
	/* after every agent of the order, in the order made */
	a->index = ((size_t)-1 >> 1) + e->nabsent;
	if ((e->nabsent & (e->nabsent - 1)) == 0)	/* 0, or a power of 2 */
		e->absent = xrealloc(e->absent, e->nabsent ? 2 * e->nabsent :
		    1, sizeof(*e->absent));
	e->absent[e->nabsent++] = a;
	return a;
}


/* The as-of time (-t): where the clock stops at the end of the input. */
void
engine_set_as_of(struct engine *e, int64_t t)
{
	e->as_of = t;
}

/* Move the clock forward to t, telling the views that want to know. */
static void
advance(struct engine *e, int64_t t)
{
	struct view *v;

	if (t <= e->clock)
		return;
	e->clock = t;
	e->ticking = 1;
	for (v = e->views; v < e->views + e->nviews; v++)
		if (v->ops->tick != NULL)
			v->ops->tick(v);
	e->ticking = 0;
}

/* Hand an interval a view opened or closed to the views that take them. */
void
engine_publish(struct engine *e, struct agent *a, const struct interval *iv)
{
	size_t i;

	for (i = 0; i < e->nviews; i++)
		if (e->views[i].ops->interval != NULL)
			e->views[i].ops->interval(&e->views[i], a, iv);
}

void
view_split(struct view *v, struct agent *a, const void *arg, int64_t start,
    int64_t end, const char *ended_by, piece_fn piece)
{
	struct counts *counts = v->engine->counts;
	int64_t next, limit = end >= 0 ? end : v->engine->as_of;

	/* an interval of years (hostile times) is not cut into millions */
	if (bucket_enabled() && limit >= 0 && limit - start > MAX_SPLIT) {
		if (counts->unsplit++ == 0)
			warnx("an interval of more than 366 days is not split "
			    "into buckets (reported once)");
	} else if (bucket_enabled() && limit >= 0)
		while ((next = bucket_next(bucket_start(start))) < limit) {
			piece(v, a, arg, start, next, "SPLIT");
			start = next;
		}
	piece(v, a, arg, start, end, ended_by);
}

/*
 * The duration_s cell of a row from start to end: to the as-of time (-t)
 * for an open row (end < 0), else empty.
 */
struct cell
view_duration(const struct view *v, int64_t start, int64_t end)
{
	int64_t as_of = v->engine->as_of;

	if (end >= 0)
		return C_MS(end - start);
	if (as_of < 0)
		return C_NULL;
	return C_MS(as_of > start ? as_of - start : 0);
}

/* Whether a view counts every agent's time by the clock. */
static int
follows_clock(const struct engine *e)
{
	size_t i;

	for (i = 0; i < e->nviews; i++)
		if (e->views[i].ops->follows_clock != NULL &&
		    e->views[i].ops->follows_clock())
			return 1;
	return 0;
}

/*
 * Apply one event now.  Duplicates are dropped; an event older than the
 * agent's newest is handed on marked as such, and the views use it only
 * for what it proves by itself.
 */
static void
apply(struct engine *e, struct event *ev, const char *file, uint64_t line)
{
	struct agent *a = engine_agent(e, ev->agent_arn);
	const struct snapshot *prev;
	struct view *v;
	int in_order, behind = ev->time < e->clock;

	advance(e, ev->time);
	if (duplicate(a, ev)) {
		e->counts->duplicates++;
		event_free(ev);
		return;
	}
	in_order = !a->seen || ev->time >= a->last_time;
	if (!in_order && e->counts->out_of_order++ == 0)
		warnx("%s:%llu: event %s is older than the previous event of "
		    "its agent; it is used only for what it shows by itself "
		    "(reported once)", file, (unsigned long long)line,
		    ev->event_id);
	else if (in_order && behind && follows_clock(e) &&
	    e->counts->out_of_order++ == 0) {
		char at[40], clock[40];

		out_format_time(at, sizeof(at), ev->time);
		out_format_time(clock, sizeof(clock), e->clock);
		warnx("%s:%llu: event %s (%s) is older than the clock (%s: "
		    "the newest event read, or the -t of the run that saved "
		    "the state); adherence counts its agent's time from the "
		    "clock on (reported once)", file,
		    (unsigned long long)line, ev->event_id, at, clock);
	}
	prev = ev->prev.present ? &ev->prev :
	    in_order ? a->last : NULL;
	if (in_order && ev->cur.present) {
		free(a->username);
		a->username = xstrdup(ev->cur.username);
	} else if (a->username == NULL)
		a->username = xstrdup(ev->cur.present ? ev->cur.username :
		    prev ? prev->username : NULL);
	e->applying = ev;
	for (v = e->views; v < e->views + e->nviews; v++)
		if (v->ops->event != NULL)
			v->ops->event(v, a, ev, prev, in_order);
	e->applying = NULL;
	if (!in_order) {
		event_free(ev);
		return;
	}
	if (ev->type == EV_LOGIN) {
		a->session = SESSION_OPEN;
		a->login_time = ev->time;
	} else if (ev->type == EV_LOGOUT)
		a->session = SESSION_CLOSED;
	a->seen = 1;
	a->last_time = ev->time;
	if (ev->cur.present) {
		free(a->last);
		a->last = snapshot_copy(&ev->cur);
	}
	event_free(ev);
}

/* A live input paused: the views that show a state may write it. */
void
engine_flush(struct engine *e)
{
	struct view *v;

	for (v = e->views; v < e->views + e->nviews; v++)
		if (v->out != NULL && v->ops->flush != NULL)
			v->ops->flush(v);
}

/* -w: hold events back for this long of event time (0: not at all). */
void
engine_set_window(struct engine *e, int64_t ms)
{
	e->window = ms;
}

static int
held_before(const struct held *a, const struct held *b)
{
	return a->ev->time < b->ev->time ||
	    (a->ev->time == b->ev->time && a->seq < b->seq);
}

/*
 * -t: an event later than the as-of time is not used at all: it does not
 * move the clock, and is neither held nor carried.
 */
static int
after_as_of(struct engine *e, struct event *ev)
{
	if (e->as_of < 0 || ev->time <= e->as_of)
		return 0;
	e->counts->after_as_of++;
	event_free(ev);
	return 1;
}

/* Put an event in the -w heap (state.c gives back those it carried). */
void
engine_hold(struct engine *e, struct event *ev, const char *file,
    uint64_t line)
{
	struct held h, tmp;
	size_t i, up;

	if (after_as_of(e, ev))
		return;

	if (ev->root != NULL)
		event_detach(ev);	/* its tree lives only as long as the record */
	h.ev = ev;
	h.seq = e->seq++;
	h.file = xstrdup(file);
	h.line = line;
	if (e->nheld == e->held_cap) {
		e->held_cap = e->held_cap ? e->held_cap * 2 : 64;
		e->held = xrealloc(e->held, e->held_cap, sizeof(*e->held));
	}
	e->held[i = e->nheld++] = h;
	for (; i > 0 && held_before(&e->held[i], &e->held[up = (i - 1) / 2]);
	    i = up) {
		tmp = e->held[up];
		e->held[up] = e->held[i];
		e->held[i] = tmp;
	}
}

/* Take the first held event out of the heap and apply it. */
static void
release_first(struct engine *e)
{
	struct held h = e->held[0], tmp;
	size_t i = 0, c;

	e->held[0] = e->held[--e->nheld];
	while ((c = 2 * i + 1) < e->nheld) {
		if (c + 1 < e->nheld && held_before(&e->held[c + 1],
		    &e->held[c]))
			c++;
		if (!held_before(&e->held[c], &e->held[i]))
			break;
		tmp = e->held[c];
		e->held[c] = e->held[i];
		e->held[i] = tmp;
		i = c;
	}
	apply(e, h.ev, h.file, h.line);
	free(h.file);
}

/*
 * Apply one valid event (the engine takes ownership), unless it is later
 * than -t.  With -w it is held until the newest EventTimestamp read is
 * WINDOW past it, and events are applied in (EventTimestamp, input order)
 * across all agents.
 */
void
engine_apply(struct engine *e, struct event *ev, const struct origin *o)
{
	if (after_as_of(e, ev))
		return;
	if (e->window == 0 && e->nheld == 0) {
		apply(e, ev, o->file, o->line);
		return;
	}
	if (ev->time > e->newest_read)
		e->newest_read = ev->time;
	engine_hold(e, ev, o->file, o->line);
	while (e->nheld > 0 &&
	    e->held[0].ev->time <= e->newest_read - e->window)
		release_first(e);
}

/*
 * The end of the input: each view ends each agent, with what is still
 * open as OPEN rows unless it is carried to the next run (-S).
 */
void
engine_finish(struct engine *e, int open_rows)
{
	struct view *v;
	size_t i;

	/* -w: the end of the input releases everything, unless carried */
	while (open_rows && e->nheld > 0)
		release_first(e);
	if (e->as_of >= 0)
		advance(e, e->as_of);
	for (i = 0; i < e->nagents; i++)
		for (v = e->views; v < e->views + e->nviews; v++)
			if (v->ops->finish != NULL)
				v->ops->finish(v, e->order[i], open_rows);
	for (v = e->views; v < e->views + e->nviews; v++)
		if (v->ops->end != NULL)
			v->ops->end(v, open_rows);
}

/* Free what an agent holds, and the agent. */
void
agent_clear(struct engine *e, struct agent *a)
{
	size_t j;

	for (j = 0; j < e->nviews; j++) {
		if (a->part[j] != NULL && e->views[j].ops->clear != NULL)
			e->views[j].ops->clear(a->part[j]);
		free(a->part[j]);
	}
	free(a->arn);
	free(a->username);
	free(a->last);
	idset_clear(&a->ids[0]);
	idset_clear(&a->ids[1]);
	free(a);
}

void
engine_free(struct engine *e)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->nagents; i++)
		agent_clear(e, e->order[i]);
	for (i = 0; i < e->nabsent; i++)
		agent_clear(e, e->absent[i]);
	free(e->absent);
	for (i = 0; i < e->nheld; i++) {
		event_free(e->held[i].ev);
		free(e->held[i].file);
	}
	free(e->held);
	free(e->order);
	free(e->table);
	free(e);
}
