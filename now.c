/*
 * now.c: the `now` table, one row per agent in first-seen order: its
 * state at the end of the input, or at -t.  The status and activity are
 * the intervals the status and activity views have open (taken as they
 * publish them), so a row says what the OPEN rows of those tables say;
 * the rest comes from the agent's last snapshot.  With -A, the scheduled
 * activity at the as-of time comes from the schedule and whether the
 * agent adheres to it from the stretches the adherence view publishes.  The rows are written
 * at the end, and on a terminal also each time a live input pauses, as a
 * table that replaces the one before (out_live).  With -g the rows are
 * instead the counts of logged-in agents per group and activity, in the
 * order of the keys, then of the activities as a legend has them.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agentev.h"
#include "engine.h"

static const char *const columns[] = {
	"as_of", "agent_arn", "username", "routing_profile", "session",
	"status", "status_type", "status_since", "activity", "activity_since",
	"activity_s", "next_status", "contacts", "in_acw", "last_event",
	"scheduled_activity", "in_adherence", "out_of_adherence_since"
};

#define NCOLUMNS	(sizeof(columns) / sizeof(columns[0]))

/* The agent's open status and activity intervals: NULL names if none. */
struct now_part {
	char		*status;
	char		*status_type;
	int64_t		 status_since;
	char		*activity;
	int64_t		 activity_since;
	int		 out;		/* out of adherence */
	int64_t		 out_since;
};

static void
replace(char **to, const char *s)
{
	free(*to);
	*to = xstrdup(s);
}

/* Follow the intervals the status and activity views open and close. */
static void
now_interval(struct view *v, struct agent *a, const struct interval *iv)
{
	struct now_part *p = PART(v, a);

	if (iv->kind == IV_STATUS && iv->end >= 0) {
		free(p->status);
		free(p->status_type);
		p->status = p->status_type = NULL;
	} else if (iv->kind == IV_STATUS) {
		replace(&p->status, iv->name);
		replace(&p->status_type, iv->type);
		p->status_since = iv->start;
	} else if (iv->kind == IV_ACTIVITY && iv->end >= 0) {
		free(p->activity);
		p->activity = NULL;
	} else if (iv->kind == IV_ACTIVITY) {
		replace(&p->activity, iv->name);
		p->activity_since = iv->start;
	} else if (iv->kind == IV_ADHERENCE && iv->ended_by == NULL) {
		p->out = 1;
		p->out_since = iv->start;
	} else if (iv->kind == IV_ADHERENCE && iv->end >= 0)
		p->out = 0;
}

/* The clock the rows are as of: -t, else the newest EventTimestamp. */
static int64_t
as_of(const struct view *v)
{
	return v->engine->as_of >= 0 ? v->engine->as_of : v->engine->clock;
}

static void
now_row(struct view *v, struct agent *a)
{
	const struct now_part *p = PART(v, a);
	const struct snapshot *s = a->last;
	int64_t t = as_of(v), in_acw = 0;
	int in = a->session != SESSION_CLOSED;
	const struct segment *seg = NULL;
	struct cell cells[NCOLUMNS];
	size_t i;

	if (s != NULL)
		for (i = 0; i < s->ncontacts; i++)
			if (s->contacts[i].state == CS_ENDED)
				in_acw++;
	cells[0] = t >= 0 ? C_TIME(t) : C_NULL;
	cells[1] = C_STR(a->arn);
	cells[2] = C_STR(a->username);
	cells[3] = C_STR(s != NULL ? s->routing_profile : NULL);
	cells[4] = C_STR(in ? "LOGGED_IN" : "LOGGED_OUT");
	if (in && p->status != NULL) {
		cells[5] = C_STR(p->status);
		cells[6] = C_STR(p->status_type);
		cells[7] = C_TIME(p->status_since);
	} else
		cells[5] = cells[6] = cells[7] = C_NULL;
	if (in && p->activity != NULL) {
		cells[8] = C_STR(p->activity);
		cells[9] = C_TIME(p->activity_since);
		cells[10] = C_MS(t > p->activity_since ?
		    t - p->activity_since : 0);
	} else
		cells[8] = cells[9] = cells[10] = C_NULL;
	cells[11] = C_STR(s != NULL ? s->next_status : NULL);
	cells[12] = s != NULL ? C_INT((int64_t)s->ncontacts) : C_NULL;
	cells[13] = s != NULL ? C_INT(in_acw) : C_NULL;
	cells[14] = a->seen ? C_TIME(a->last_time) : C_NULL;
	if (t >= 0)
		seg = schedule_at(schedule_of(a->arn, a->username), t);
	cells[15] = C_STR(seg != NULL ? seg->activity : NULL);
	cells[16] = seg != NULL ? C_INT(!p->out) : C_NULL;
	cells[17] = seg != NULL && p->out ? C_TIME(p->out_since) : C_NULL;
	(void)out_row(v->out, cells);
}

/* now -g: an agent logged in, by its group and activity. */
struct member {
	const struct agent	*agent;
	size_t			 order;		/* first seen */
	const char		*activity;	/* or NULL */
};

/* The -g keys in the order given, then the activity (legend order). */
static int
by_group(const void *pa, const void *pb)
{
	const struct member *a = pa, *b = pb;
	size_t i;
	int c, ra, rb;

	for (i = 0; i < group_nkeys(); i++) {
		if (group_key_is_agent(i))
			c = (a->order > b->order) - (a->order < b->order);
		else
			c = strcmp_null(group_key_value(i, a->agent->last),
			    group_key_value(i, b->agent->last));
		if (c != 0)
			return c;
	}
	if (a->activity == NULL || b->activity == NULL)
		return (a->activity == NULL) - (b->activity == NULL);
	ra = name_rank(a->activity);
	rb = name_rank(b->activity);
	return ra != rb ? (ra < rb ? -1 : 1) : strcmp(a->activity, b->activity);
}

static void
group_rows(struct view *v)
{
	const struct engine *e = v->engine;
	struct member *m;
	struct cell *cells;
	size_t i, j, k, g, n = 0, nkeys = group_nkeys();
	int64_t t = as_of(v);

	if ((m = calloc(e->nagents + 1, sizeof(*m))) == NULL ||
	    (cells = calloc(2 * nkeys + 3, sizeof(*cells))) == NULL)
		fatal_oom();
	for (i = 0; i < e->nagents; i++) {
		const struct agent *a = e->order[i];
		const struct now_part *p = PART(v, e->order[i]);

		if (a->session == SESSION_CLOSED)
			continue;
		m[n].agent = a;
		m[n].order = i;
		m[n++].activity = p->activity;
	}
	qsort(m, n, sizeof(*m), by_group);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && by_group(&m[i], &m[j]) == 0; j++)
			;
		cells[0] = t >= 0 ? C_TIME(t) : C_NULL;
		for (g = 0, k = 1; g < nkeys; g++)
			if (group_key_is_agent(g)) {
				cells[k++] = C_STR(m[i].agent->arn);
				cells[k++] = C_STR(m[i].agent->username);
			} else
				cells[k++] = C_STR(group_key_value(g,
				    m[i].agent->last));
		cells[k++] = C_STR(m[i].activity);
		cells[k] = C_INT((int64_t)(j - i));
		(void)out_row(v->out, cells);
	}
	free(m);
	free(cells);
}

/*
 * After the agents of the input, the scheduled agents no event has named
 * that are scheduled at as_of (-A): the no-shows (adherence.c follows
 * them).
 */
static void
absent_rows(struct view *v)
{
	const struct engine *e = v->engine;
	int64_t t = as_of(v);
	size_t i;

	for (i = 0; i < e->nabsent && t >= 0; i++)
		if (e->absent[i]->absent == 1 && schedule_at(schedule_of(
		    e->absent[i]->arn, e->absent[i]->username), t) != NULL)
			now_row(v, e->absent[i]);
}

static void
now_finish(struct view *v, struct agent *a, int open_rows)
{
	(void)open_rows;
	if (v->out != NULL && group_nkeys() == 0)
		now_row(v, a);
}

/* After the agents' rows, the no-shows; or with -g, the groups' rows
   (also when no event came before the clock: the no-shows may count). */
static void
now_end(struct view *v, int open_rows)
{
	(void)open_rows;
	if (v->out == NULL)
		return;
	if (group_nkeys() == 0)
		absent_rows(v);
	else
		group_rows(v);
}

/* A live input paused: on a terminal, draw the table as it stands. */
static void
now_flush(struct view *v)
{
	size_t i;

	if (!out_live(v->out))
		return;
	out_frame(v->out);
	if (group_nkeys() > 0) {
		group_rows(v);
		return;
	}
	for (i = 0; i < v->engine->nagents; i++)
		now_row(v, v->engine->order[i]);
	absent_rows(v);
}

static void
now_clear(void *part)
{
	struct now_part *p = part;

	free(p->status);
	free(p->status_type);
	free(p->activity);
}

/*
 * The status and activity views save the intervals they have open under
 * "status" and "activity" (status.c, activity.c), the adherence view its
 * stretch under "adherence"; read them back from there rather than keep
 * a second copy.  Those views check them.
 */
static int
now_load(void *part, json_t *o, struct loader *l)
{
	struct now_part *p = part;
	json_t *j;

	if (json_is_object(j = json_object_get(o, "status")) &&
	    (state_str(l, j, "name", 1, &p->status) ||
	    state_str(l, j, "type", 0, &p->status_type) ||
	    state_int(l, j, "start", &p->status_since)))
		return -1;
	if (json_is_object(j = json_object_get(o, "activity")) &&
	    (state_str(l, j, "name", 0, &p->activity) ||
	    state_int(l, j, "start", &p->activity_since)))
		return -1;
	/* adherence.c saves the stretch out of adherence it has open */
	if (json_is_object(j = json_object_get(o, "adherence")) &&
	    json_is_integer(json_object_get(j, "out_since"))) {
		p->out = 1;
		return state_int(l, j, "out_since", &p->out_since);
	}
	return 0;
}

/* With -g: as_of, the key columns, activity, agents. */
static const char *const *
now_columns(size_t *n)
{
	static const char **grouped;
	static size_t ngrouped;
	size_t i;

	if (group_nkeys() == 0) {
		*n = NCOLUMNS;
		return columns;
	}
	if (grouped == NULL) {
		if ((grouped = calloc(2 * group_nkeys() + 3,
		    sizeof(*grouped))) == NULL)
			fatal_oom();
		grouped[ngrouped++] = "as_of";
		for (i = 0; i < group_nkeys(); i++)
			if (group_key_is_agent(i)) {
				grouped[ngrouped++] = "agent_arn";
				grouped[ngrouped++] = "username";
			} else
				grouped[ngrouped++] = group_key_name(i);
		grouped[ngrouped++] = "activity";
		grouped[ngrouped++] = "agents";
	}
	*n = ngrouped;
	return grouped;
}

static const struct view_ops *const needs[] = {
	&status_view, &activity_view, &adherence_view, NULL
};

const struct view_ops now_view = {
	.name = "now",
	.columns = columns,
	.ncolumns = NCOLUMNS,
	.needs = needs,
	.part_size = sizeof(struct now_part),
	.interval = now_interval,
	.finish = now_finish,
	.end = now_end,
	.clear = now_clear,
	.load = now_load,
	.flush = now_flush,
	.shows_state = 1,
	.columns_of = now_columns,
};
