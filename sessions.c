/*
 * sessions.c: the `sessions` table, one row per login session: LOGIN to
 * LOGOUT, its first known status and the contacts handled in it.  A
 * session the input enters in the middle (its agent's first event is not
 * a LOGIN) starts at that first event, with `login` empty and the event's
 * time in `first_event`.  After LOGOUT only a LOGIN opens a session, as
 * in the status table, so the status rows of a session add up to it.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agentev.h"
#include "engine.h"

#define PLAUSIBLE_MS	((int64_t)1000000000000000)	/* 10^15 ms */

static const char *const columns[] = {
	"agent_arn", "username", "login", "logout", "duration_s", "ended_by",
	"first_status", "contacts_handled", "first_event", "bucket_start"
};

/* Contacts handled in one bucket of the session (one without -i). */
struct handled {
	int64_t		 bucket;
	int64_t		 n;
};

struct sessions_part {
	int		 open;
	int64_t		 login;		/* NO_TIME: entered mid-way */
	int64_t		 start;		/* the login, or the first event */
	char		*first_status;
	struct handled	*handled;
	size_t		 nhandled;
	size_t		 handled_cap;
	/* while a session's rows are written */
	int64_t		 logout;	/* or NO_TIME */
	const char	*ended_by;
};

static void
session_piece(struct view *v, struct agent *a, const void *arg,
    int64_t start, int64_t end, const char *split)
{
	const struct sessions_part *p = arg;
	int64_t bucket = bucket_start(start), n = 0;
	struct cell cells[10];
	size_t i;

	(void)split;	/* a piece keeps the session's ended_by */
	for (i = 0; i < p->nhandled; i++)
		if (!bucket_enabled() || end < 0 ||
		    p->handled[i].bucket == bucket)
			n += p->handled[i].n;
	cells[0] = C_STR(a->arn);
	cells[1] = C_STR(a->username);
	cells[2] = p->login == NO_TIME ? C_NULL : C_TIME(p->login);
	cells[3] = p->logout == NO_TIME ? C_NULL : C_TIME(p->logout);
	cells[4] = end < 0 ? C_NULL : C_MS(end - start);
	cells[5] = C_STR(p->ended_by);
	cells[6] = C_STR(p->first_status);
	cells[7] = C_INT(n);
	cells[8] = p->login == NO_TIME ? C_TIME(p->start) : C_NULL;
	cells[9] = bucket_enabled() ? C_TIME(bucket) : C_NULL;
	(void)out_row(v->out, cells);
}

/*
 * End the session at `end` (-1: still open), LOGOUT at `logout` or
 * NO_TIME.
 */
static void
session_close(struct view *v, struct agent *a, int64_t end, int64_t logout,
    const char *ended_by)
{
	struct sessions_part *p = PART(v, a);

	if (end >= 0 && end < p->start)
		end = p->start;
	p->logout = logout;
	p->ended_by = ended_by;
	if (v->out != NULL)
		view_split(v, a, p, p->start, end, ended_by, session_piece);
	free(p->first_status);
	p->first_status = NULL;
	p->nhandled = 0;
	p->open = 0;
}

static void
session_open(struct sessions_part *p, int64_t login, int64_t start,
    const struct snapshot *s)
{
	p->open = 1;
	p->login = login;
	p->start = start;
	p->first_status = s->present ? xstrdup(s->status_name) : NULL;
	p->nhandled = 0;
}

static void
sessions_event(struct view *v, struct agent *a, const struct event *ev,
    const struct snapshot *prev, int in_order)
{
	struct sessions_part *p = PART(v, a);

	(void)prev;
	if (!in_order)
		return;
	switch (ev->type) {
	case EV_LOGIN:
		if (p->open)
			session_close(v, a, ev->time, NO_TIME, "LOGIN");
		session_open(p, ev->time, ev->time, &ev->cur);
		return;
	case EV_LOGOUT:
		if (p->open)
			session_close(v, a, ev->time, ev->time, "LOGOUT");
		return;
	default:
		break;
	}
	if (!p->open && a->session != SESSION_CLOSED && ev->cur.present)
		session_open(p, NO_TIME, ev->time, &ev->cur);
	else if (p->open && p->first_status == NULL && ev->cur.present)
		p->first_status = xstrdup(ev->cur.status_name);
}

/* A contact's row: count it in its session when it was connected. */
static void
sessions_interval(struct view *v, struct agent *a, const struct interval *iv)
{
	struct sessions_part *p = PART(v, a);
	int64_t at = iv->start, bucket;
	size_t i;

	if (iv->kind != IV_CONTACT || !p->open || iv->connected == NO_TIME)
		return;
	if (at < p->start)
		at = p->start;
	bucket = bucket_start(at);
	for (i = 0; i < p->nhandled; i++)
		if (p->handled[i].bucket == bucket)
			break;
	if (i == p->nhandled) {
		if (p->nhandled == p->handled_cap) {
			p->handled_cap = p->handled_cap ? p->handled_cap * 2 : 4;
			p->handled = xrealloc(p->handled, p->handled_cap,
			    sizeof(*p->handled));
		}
		p->handled[p->nhandled++] = (struct handled){ bucket, 0 };
	}
	p->handled[i].n++;
}

/* An open session is one OPEN row, or split up to -t when given. */
static void
sessions_finish(struct view *v, struct agent *a, int open_rows)
{
	struct sessions_part *p = PART(v, a);
	int64_t as_of = v->engine->as_of;

	if (open_rows && p->open)
		session_close(v, a, as_of >= 0 ? as_of : -1, NO_TIME, "OPEN");
}

static void
sessions_clear(void *part)
{
	struct sessions_part *p = part;

	free(p->first_status);
	free(p->handled);
}

static void
sessions_save(const void *part, json_t *o)
{
	const struct sessions_part *p = part;
	json_t *arr;
	size_t i;

	if (!p->open) {
		json_object_set_new(o, "session_row", json_null());
		return;
	}
	arr = json_array();
	for (i = 0; i < p->nhandled; i++)
		json_array_append_new(arr, json_pack("[I,I]",
		    (json_int_t)p->handled[i].bucket,
		    (json_int_t)p->handled[i].n));
	json_object_set_new(o, "session_row", json_pack("{s:o,s:I,s:o,s:o}",
	    "login", p->login == NO_TIME ? json_null() :
	    json_integer((json_int_t)p->login),
	    "start", (json_int_t)p->start,
	    "first_status", state_str_json(p->first_status),
	    "handled", arr));
}

static int
sessions_load(void *part, json_t *o, struct loader *l)
{
	struct sessions_part *p = part;
	json_t *j = json_object_get(o, "session_row"), *arr, *h;
	size_t i;

	/* null, or a state file from before this table */
	if (j == NULL || json_is_null(j))
		return 0;
	arr = json_object_get(j, "handled");
	if (!json_is_object(j) || !json_is_array(arr))
		return state_bad(l, "session_row");
	p->open = 1;
	p->login = NO_TIME;
	if ((!json_is_null(json_object_get(j, "login")) &&
	    state_int(l, j, "login", &p->login)) ||
	    state_int(l, j, "start", &p->start) ||
	    state_str(l, j, "first_status", 1, &p->first_status))
		return -1;
	/* times events can give (years 0000 to 9999), so no overflow */
	if (p->start < -PLAUSIBLE_MS || p->start > PLAUSIBLE_MS ||
	    (p->login != NO_TIME && (p->login < -PLAUSIBLE_MS ||
	    p->login > PLAUSIBLE_MS)))
		return state_bad(l, "session_row");
	json_array_foreach(arr, i, h) {
		if (!json_is_array(h) || json_array_size(h) != 2 ||
		    !json_is_integer(json_array_get(h, 0)) ||
		    !json_is_integer(json_array_get(h, 1)) ||
		    json_integer_value(json_array_get(h, 1)) < 0 ||
		    json_integer_value(json_array_get(h, 1)) > PLAUSIBLE_MS)
			return state_bad(l, "session_row");
		p->handled = xrealloc(p->handled, p->nhandled + 1,
		    sizeof(*p->handled));
		p->handled[p->nhandled++] = (struct handled){
		    json_integer_value(json_array_get(h, 0)),
		    json_integer_value(json_array_get(h, 1)) };
	}
	p->handled_cap = p->nhandled;
	return 0;
}

static int
sessions_busy(const void *part)
{
	const struct sessions_part *p = part;

	return p->open;
}

static const struct view_ops *const needs[] = { &contacts_view, NULL };

const struct view_ops sessions_view = {
	.name = "sessions",
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.needs = needs,
	.part_size = sizeof(struct sessions_part),
	.event = sessions_event,
	.interval = sessions_interval,
	.finish = sessions_finish,
	.clear = sessions_clear,
	.save = sessions_save,
	.load = sessions_load,
	.busy = sessions_busy,
};
