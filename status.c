/*
 * status.c: the `status` table, intervals of AgentStatus that tile each
 * login session: LOGIN opens a session (the first interval is clipped to
 * it), each status ends where the next one starts, LOGOUT ends the last.
 * After LOGOUT only a LOGIN opens anything.  A LOGIN without a snapshot
 * (streams of 2018) opens an UNKNOWN interval, with no status name, that
 * the first status seen ends where it starts.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agentev.h"
#include "engine.h"

static const char *const columns[] = {
	"agent_arn", "username", "status", "status_type", "start", "end",
	"duration_s", "ended_by"
};

/* The status interval in progress; arn and name are NULL when UNKNOWN. */
struct status_part {
	int		 open;
	char		*arn;
	char		*name;
	char		*type;
	int64_t		 start;
};

#define UNKNOWN(p)	((p)->name == NULL)

/* AgentStatus.Type, or the type implied by the name. */
static const char *
status_type(const char *type, const char *name)
{
	if (type != NULL)
		return type;
	if (strcmp(name, "Available") == 0)
		return "ROUTABLE";
	if (strcmp(name, "Offline") == 0)
		return "OFFLINE";
	return "CUSTOM";
}

static void
status_piece(struct view *v, struct agent *a, const void *arg,
    int64_t start, int64_t end, const char *ended_by)
{
	const struct status_part *p = arg;
	struct cell cells[8];

	cells[0] = C_STR(a->arn);
	cells[1] = C_STR(a->username);
	cells[2] = C_STR(p->name);
	cells[3] = C_STR(p->type);
	cells[4] = C_TIME(start);
	cells[5] = end < 0 ? C_NULL : C_TIME(end);
	cells[6] = view_duration(v, start, end);
	cells[7] = C_STR(ended_by);
	(void)out_row(v->out, cells);
}

static void
publish(struct view *v, struct agent *a, int64_t end, const char *ended_by)
{
	const struct status_part *p = PART(v, a);
	struct interval iv = { IV_STATUS, p->name, p->type, ACT_NKINDS, NULL,
	    p->start, end, ended_by, NO_TIME };

	engine_publish(v->engine, a, &iv);
}

static void
status_close(struct view *v, struct agent *a, int64_t end,
    const char *ended_by)
{
	struct status_part *p = PART(v, a);

	if (end >= 0 && end < p->start)
		end = p->start;
	if (v->out != NULL)
		view_split(v, a, p, p->start, end, ended_by, status_piece);
	publish(v, a, end, ended_by);
	free(p->arn);
	free(p->name);
	free(p->type);
	p->arn = p->name = p->type = NULL;
	p->open = 0;
}

static void
status_open(struct view *v, struct agent *a, const struct snapshot *s,
    int64_t start)
{
	struct status_part *p = PART(v, a);

	p->open = 1;
	p->arn = xstrdup(s->status_arn);
	p->name = xstrdup(s->status_name);
	p->type = xstrdup(status_type(s->status_type, s->status_name));
	p->start = start;
	publish(v, a, -1, NULL);
}

/* LOGIN without a snapshot: the status is not known yet. */
static void
status_open_unknown(struct view *v, struct agent *a, int64_t start)
{
	struct status_part *p = PART(v, a);

	p->open = 1;
	p->type = xstrdup("UNKNOWN");
	p->start = start;
	publish(v, a, -1, NULL);
}

/*
 * The first status of a session that began UNKNOWN ends the UNKNOWN
 * interval where it starts; one that started at or before LOGIN takes
 * the interval's place (clipped to LOGIN), and the UNKNOWN one goes
 * without a row.
 */
static void
status_end_unknown(struct view *v, struct agent *a, const struct snapshot *s,
    int64_t start)
{
	struct status_part *p = PART(v, a);
	struct view quiet = *v;

	if (start <= p->start) {
		start = p->start;
		quiet.out = NULL;
		status_close(&quiet, a, start, "CHANGE");
	} else
		status_close(v, a, start, "CHANGE");
	status_open(v, a, s, start);
}

static int
same_status(const struct status_part *p, const struct snapshot *s)
{
	/* the interval may start later than the status: clipped to LOGIN */
	return strcmp(p->arn, s->status_arn) == 0 &&
	    strcmp(p->name, s->status_name) == 0 &&
	    s->status_start <= p->start;
}

/* Follow the status shown in snapshot s. */
static void
status_see(struct view *v, struct agent *a, const struct snapshot *s)
{
	struct status_part *p = PART(v, a);
	int64_t start = s->status_start;

	if (a->session == SESSION_OPEN && start < a->login_time)
		start = a->login_time;
	if (!p->open) {
		status_open(v, a, s, start);
	} else if (UNKNOWN(p)) {
		status_end_unknown(v, a, s, start);
	} else if (!same_status(p, s)) {
		if (start < p->start)
			start = p->start;
		status_close(v, a, start, "CHANGE");
		status_open(v, a, s, start);
	}
}

static void
status_event(struct view *v, struct agent *a, const struct event *ev,
    const struct snapshot *prev, int in_order)
{
	struct status_part *p = PART(v, a);
	const struct snapshot *s = &ev->cur;

	(void)prev;
	if (!in_order)
		return;
	switch (ev->type) {
	case EV_LOGIN:
		if (p->open)
			status_close(v, a, ev->time, "CHANGE");
		if (s->present && s->status_start <= ev->time) {
			status_open(v, a, s, ev->time);
			return;
		}
		/* a status that starts after LOGIN leaves UNKNOWN before it */
		status_open_unknown(v, a, ev->time);
		if (s->present)
			status_end_unknown(v, a, s, s->status_start);
		return;
	case EV_LOGOUT:
		if (p->open)
			status_close(v, a, ev->time, "LOGOUT");
		return;
	default:
		break;
	}
	if (a->session == SESSION_CLOSED || !s->present)
		return;
	/* the event's own previous snapshot may show a change we missed */
	if (ev->prev.present)
		status_see(v, a, &ev->prev);
	status_see(v, a, s);
}

static void
status_finish(struct view *v, struct agent *a, int open_rows)
{
	struct status_part *p = PART(v, a);

	if (open_rows && p->open)
		status_close(v, a, -1, "OPEN");
}

static void
status_clear(void *part)
{
	struct status_part *p = part;

	free(p->arn);
	free(p->name);
	free(p->type);
}

static void
status_save(const void *part, json_t *o)
{
	const struct status_part *p = part;

	if (p->open)
		json_object_set_new(o, "status", json_pack("{s:o,s:o,s:s,s:I}",
		    "arn", state_str_json(p->arn),
		    "name", state_str_json(p->name), "type", p->type,
		    "start", (json_int_t)p->start));
	else
		json_object_set_new(o, "status", json_null());
}

static int
status_load(void *part, json_t *o, struct loader *l)
{
	struct status_part *p = part;
	json_t *j = json_object_get(o, "status");

	if (json_is_null(j))
		return 0;
	if (!json_is_object(j))
		return state_bad(l, "status");
	p->open = 1;
	if (state_str(l, j, "arn", 1, &p->arn) ||
	    state_str(l, j, "name", 1, &p->name) ||
	    state_str(l, j, "type", 0, &p->type) ||
	    state_int(l, j, "start", &p->start))
		return -1;
	/* UNKNOWN has neither ARN nor name; every other status has both */
	if ((p->arn == NULL) != (p->name == NULL) ||
	    (UNKNOWN(p) && strcmp(p->type, "UNKNOWN") != 0))
		return state_bad(l, "status");
	return 0;
}

static int
status_busy(const void *part)
{
	const struct status_part *p = part;

	return p->open;
}

const struct view_ops status_view = {
	.name = "status",
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.part_size = sizeof(struct status_part),
	.event = status_event,
	.finish = status_finish,
	.clear = status_clear,
	.save = status_save,
	.load = status_load,
	.busy = status_busy,
};
