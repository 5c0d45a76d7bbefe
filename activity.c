/*
 * activity.c: the `activity` table, intervals of what the agent was doing
 * by the service's own precedence.  They tile each session like status
 * intervals, with their boundaries at the EventTimestamp of the event
 * that shows the change.  A session whose LOGIN had no snapshot starts
 * Unknown, until the start of the first status seen (as in status.c).
 * Each interval is also handed to the other views (summary adds them up).
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agentev.h"
#include "engine.h"

static const char *const columns[] = {
	"agent_arn", "username", "activity", "start", "end", "duration_s",
	"ended_by"
};

/* The activity interval in progress: name is NULL when none. */
struct activity_part {
	char		*name;
	enum activity	 kind;
	int64_t		 start;
};

/*
 * What the agent is doing, by the service's precedence: Error > Missed >
 * Rejected > On contact > After contact work > Incoming > a custom status
 * > Available; Offline with no contacts is Offline.
 */
const char *
activity_of(const struct snapshot *s, enum activity *kind)
{
	static const struct {
		enum contact_state	 state;
		enum activity		 kind;
		const char		*name;
	} ranks[] = {
		{ CS_ERROR, ACT_ERROR, "Error" },
		{ CS_MISSED, ACT_ERROR, "Missed" },
		{ CS_REJECTED, ACT_ERROR, "Rejected" },
		{ CS_CONNECTED, ACT_ON_CONTACT, "On contact" },
		{ CS_CONNECTED_ONHOLD, ACT_ON_CONTACT, "On contact" },
		{ CS_PAUSED, ACT_ON_CONTACT, "On contact" },
		{ CS_ENDED, ACT_ACW, "After contact work" },
		{ CS_INCOMING, ACT_INCOMING, "Incoming" },
		{ CS_PENDING, ACT_INCOMING, "Incoming" },
		{ CS_CONNECTING, ACT_INCOMING, "Incoming" },
	};
	size_t r, i;

	if (strcmp(s->status_name, "Error") == 0) {
		*kind = ACT_ERROR;
		return "Error";
	}
	for (r = 0; r < sizeof(ranks) / sizeof(ranks[0]); r++)
		for (i = 0; i < s->ncontacts; i++)
			if (s->contacts[i].state == ranks[r].state) {
				*kind = ranks[r].kind;
				return ranks[r].name;
			}
	if (strcmp(s->status_name, "Available") == 0)
		*kind = ACT_AVAILABLE;
	else if (strcmp(s->status_name, "Offline") == 0)
		*kind = ACT_OFFLINE;
	else
		*kind = ACT_CUSTOM;
	return s->status_name;
}

static void
activity_piece(struct view *v, struct agent *a, const void *arg,
    int64_t start, int64_t end, const char *ended_by)
{
	const struct activity_part *p = arg;
	struct cell cells[7];

	cells[0] = C_STR(a->arn);
	cells[1] = C_STR(a->username);
	cells[2] = C_STR(p->name);
	cells[3] = C_TIME(start);
	cells[4] = end < 0 ? C_NULL : C_TIME(end);
	cells[5] = view_duration(v, start, end);
	cells[6] = C_STR(ended_by);
	(void)out_row(v->out, cells);
}

static void
publish(struct view *v, struct agent *a, int64_t end, const char *ended_by)
{
	const struct activity_part *p = PART(v, a);
	struct interval iv = { IV_ACTIVITY, p->name, NULL, p->kind, NULL,
	    p->start, end, ended_by, NO_TIME };

	engine_publish(v->engine, a, &iv);
}

static void
activity_close(struct view *v, struct agent *a, int64_t end,
    const char *ended_by)
{
	struct activity_part *p = PART(v, a);

	if (end >= 0 && end < p->start)
		end = p->start;
	if (v->out != NULL)
		view_split(v, a, p, p->start, end, ended_by, activity_piece);
	publish(v, a, end, ended_by);
	free(p->name);
	p->name = NULL;
}

static void
activity_open(struct view *v, struct agent *a, const struct snapshot *s,
    int64_t start)
{
	struct activity_part *p = PART(v, a);

	p->name = xstrdup(activity_of(s, &p->kind));
	p->start = start;
	publish(v, a, -1, NULL);
}

/*
 * The first snapshot s of a session that began Unknown, seen by an event
 * at time: Unknown ends where its status starts, at the latest then.
 */
static void
activity_end_unknown(struct view *v, struct agent *a,
    const struct snapshot *s, int64_t time)
{
	struct activity_part *p = PART(v, a);
	int64_t end = s->status_start;
	struct view quiet = *v;

	if (end > time)
		end = time;
	if (end <= p->start) {
		end = p->start;
		quiet.out = NULL;
		activity_close(&quiet, a, end, "CHANGE");
	} else
		activity_close(v, a, end, "CHANGE");
	activity_open(v, a, s, end);
}

static void
activity_event(struct view *v, struct agent *a, const struct event *ev,
    const struct snapshot *prev, int in_order)
{
	struct activity_part *p = PART(v, a);
	const struct snapshot *s = &ev->cur;
	enum activity kind;

	(void)prev;
	if (!in_order)
		return;
	switch (ev->type) {
	case EV_LOGIN:
		if (p->name != NULL)
			activity_close(v, a, ev->time, "CHANGE");
		if (s->present && s->status_start <= ev->time) {
			activity_open(v, a, s, ev->time);
			return;
		}
		/* Unknown until the first status starts, as in status.c */
		p->name = xstrdup("Unknown");
		p->kind = ACT_UNKNOWN;
		p->start = ev->time;
		publish(v, a, -1, NULL);
		if (s->present)
			activity_end_unknown(v, a, s, s->status_start);
		return;
	case EV_LOGOUT:
		if (p->name != NULL)
			activity_close(v, a, ev->time, "LOGOUT");
		return;
	default:
		break;
	}
	if (a->session == SESSION_CLOSED || !s->present)
		return;
	if (p->name == NULL)
		activity_open(v, a, s, ev->time);
	else if (p->kind == ACT_UNKNOWN)
		activity_end_unknown(v, a, s, ev->time);
	else if (strcmp(p->name, activity_of(s, &kind)) != 0) {
		activity_close(v, a, ev->time, "CHANGE");
		activity_open(v, a, s, ev->time);
	}
}

static void
activity_finish(struct view *v, struct agent *a, int open_rows)
{
	struct activity_part *p = PART(v, a);

	if (open_rows && p->name != NULL)
		activity_close(v, a, -1, "OPEN");
}

static void
activity_clear(void *part)
{
	struct activity_part *p = part;

	free(p->name);
}

static void
activity_save(const void *part, json_t *o)
{
	const struct activity_part *p = part;

	if (p->name != NULL)
		json_object_set_new(o, "activity", json_pack("{s:s,s:i,s:I}",
		    "name", p->name, "kind", (int)p->kind,
		    "start", (json_int_t)p->start));
	else
		json_object_set_new(o, "activity", json_null());
}

static int
activity_load(void *part, json_t *o, struct loader *l)
{
	struct activity_part *p = part;
	json_t *j = json_object_get(o, "activity");
	int64_t n;

	if (json_is_null(j))
		return 0;
	if (!json_is_object(j))
		return state_bad(l, "activity");
	if (state_str(l, j, "name", 0, &p->name) ||
	    state_int(l, j, "kind", &n) ||
	    state_int(l, j, "start", &p->start))
		return -1;
	if (n < 0 || n >= ACT_NKINDS)
		return state_bad(l, "activity kind");
	p->kind = (enum activity)n;
	return 0;
}

static int
activity_busy(const void *part)
{
	const struct activity_part *p = part;

	return p->name != NULL;
}

const struct view_ops activity_view = {
	.name = "activity",
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.part_size = sizeof(struct activity_part),
	.event = activity_event,
	.finish = activity_finish,
	.clear = activity_clear,
	.save = activity_save,
	.load = activity_load,
	.busy = activity_busy,
};
