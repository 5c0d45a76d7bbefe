/*
 * contacts.c: the `contacts` table, one row per contact an agent had:
 * when it was offered and connected, the time it rang, talked, was on
 * hold (a task's PAUSED too) and in after-contact work, and how it went.
 *
 * Each state counts from its StateStartTimestamp to the next state's, so
 * a state seen only in a heartbeat still counts from when it began.  The
 * ACW is the acw view's own interval for the contact.  A row is written
 * when the contact leaves the agent's snapshot, at LOGOUT, or as OPEN at
 * the end of the input, and handed on to the other views (sessions).
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agentev.h"
#include "engine.h"

#define UNCLAIMED_MAX	16	/* ACWs of one event for untracked contacts */
#define PLAUSIBLE_MS	((int64_t)1000000000000000)	/* 10^15 */

static const char *const columns[] = {
	"agent_arn", "username", "contact_id", "initial_contact_id",
	"channel", "initiation_method", "queue", "offered", "connected",
	"ring_s", "talk_s", "hold_s", "holds", "acw_s", "handle_s", "ended",
	"outcome", "bucket_start"
};

/* A contact the agent's snapshot lists. */
struct tracked {
	char		*id;
	char		*initial_id;
	char		*channel;
	char		*method;
	char		*queue;
	int64_t		 offered;
	int64_t		 connected;	/* or NO_TIME */
	enum contact_state state;	/* the state it is in, since `since` */
	int64_t		 since;
	int64_t		 ring;
	int64_t		 talk;
	int64_t		 hold;
	int64_t		 holds;
	int64_t		 acw;		/* the acw row's duration, or NO_TIME */
	int64_t		 acw_start;	/* an ACW open at the end, or NO_TIME */
	int		 fate;		/* CS_MISSED, CS_REJECTED, CS_ERROR, -1 */
};

/* An ACW the acw view ended for a contact not tracked yet. */
struct unclaimed {
	uint64_t	 id;		/* ContactId hash */
	int64_t		 ms;
};

struct contacts_part {
	struct tracked	*v;
	size_t		 n;
	size_t		 cap;
	struct ring	 closed;	/* written lately, not made again */
	struct unclaimed unclaimed[UNCLAIMED_MAX];	/* this event's */
	size_t		 nunclaimed;
};

static int
is_hold(enum contact_state s)
{
	return s == CS_CONNECTED_ONHOLD || s == CS_PAUSED;
}

static int
is_fate(enum contact_state s)
{
	return s == CS_MISSED || s == CS_REJECTED || s == CS_ERROR;
}

/* The total a state's time goes to; NULL: ACW (the acw view's) or none. */
static int64_t *
total_of(struct tracked *t, enum contact_state s)
{
	switch (s) {
	case CS_INCOMING:
	case CS_PENDING:
	case CS_CONNECTING:
		return &t->ring;
	case CS_CONNECTED:
		return &t->talk;
	case CS_CONNECTED_ONHOLD:
	case CS_PAUSED:
		return &t->hold;
	default:
		return NULL;
	}
}

/* End the state the contact is in at `at` (never before it began). */
static void
end_state(struct tracked *t, int64_t at)
{
	int64_t *total = total_of(t, t->state);

	if (at > t->since && total != NULL)
		add_sat(total, at - t->since);
	if (at > t->since)
		t->since = at;
}

static struct tracked *
find_tracked(struct contacts_part *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].id, id) == 0)
			return &p->v[i];
	return NULL;
}

static struct tracked *
new_tracked(struct contacts_part *p)
{
	struct tracked *t;

	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 4;
		p->v = xrealloc(p->v, p->cap, sizeof(*p->v));
	}
	t = &p->v[p->n++];
	memset(t, 0, sizeof(*t));
	t->connected = t->acw = t->acw_start = NO_TIME;
	t->fate = -1;
	return t;
}

static void
free_tracked(struct tracked *t)
{
	free(t->id);
	free(t->initial_id);
	free(t->channel);
	free(t->method);
	free(t->queue);
}

/* ConnectedToAgentTimestamp, else the start of a connected state. */
static void
see_connected(struct tracked *t, const struct contact *c)
{
	if (c->connected != NO_TIME)
		t->connected = c->connected;
	else if (t->connected == NO_TIME && (c->state == CS_CONNECTED ||
	    is_hold(c->state)))
		t->connected = c->state_start;
}

/*
 * Follow contact c as a snapshot shows it.  A state only moves forward:
 * an older StateStartTimestamp (a previous snapshot) changes nothing.
 */
static void
see(struct contacts_part *p, const struct contact *c, int current)
{
	struct tracked *t = find_tracked(p, c->id);

	if (t == NULL) {
		if (ring_has(&p->closed, c->id))
			return;
		t = new_tracked(p);
		t->id = xstrdup(c->id);
		t->initial_id = xstrdup(c->initial_id);
		t->channel = xstrdup(c->channel);
		t->method = xstrdup(c->initiation_method);
		t->queue = xstrdup(c->queue_name);
		t->offered = t->since = c->state_start;
		t->state = c->state;
		t->holds = is_hold(c->state);
		if (is_fate(c->state))
			t->fate = (int)c->state;
		see_connected(t, c);
		return;
	}
	see_connected(t, c);
	if (c->state_start < t->since || (c->state_start == t->since &&
	    (!current || c->state == t->state)))
		return;
	end_state(t, c->state_start);
	t->state = c->state;
	if (is_hold(c->state))
		t->holds++;
	if (is_fate(c->state) && t->fate < 0)
		t->fate = (int)c->state;
}

static void
row(struct view *v, struct agent *a, const struct tracked *t, int64_t ended,
    int64_t acw, const char *outcome)
{
	struct interval iv = { IV_CONTACT, t->id, NULL, ACT_NKINDS, NULL,
	    t->offered, ended, outcome, t->connected };
	struct cell cells[18];
	int64_t handle = 0;

	if (v->out != NULL) {
		add_sat(&handle, t->talk);
		add_sat(&handle, t->hold);
		if (acw != NO_TIME)
			add_sat(&handle, acw);
		cells[0] = C_STR(a->arn);
		cells[1] = C_STR(a->username);
		cells[2] = C_STR(t->id);
		cells[3] = C_STR(t->initial_id);
		cells[4] = C_STR(t->channel);
		cells[5] = C_STR(t->method);
		cells[6] = C_STR(t->queue ? t->queue : "");
		cells[7] = C_TIME(t->offered);
		cells[8] = t->connected == NO_TIME ? C_NULL :
		    C_TIME(t->connected);
		cells[9] = C_MS(t->ring);
		cells[10] = C_MS(t->talk);
		cells[11] = C_MS(t->hold);
		cells[12] = C_INT(t->holds);
		cells[13] = acw == NO_TIME ? C_NULL : C_MS(acw);
		cells[14] = acw == NO_TIME ? C_NULL : C_MS(handle);
		cells[15] = ended == NO_TIME ? C_NULL : C_TIME(ended);
		cells[16] = C_STR(outcome);
		cells[17] = bucket_enabled() ? C_TIME(bucket_start(t->offered)) :
		    C_NULL;
		(void)out_row(v->out, cells);
	}
	if (ended == NO_TIME)
		iv.end = -1;
	engine_publish(v->engine, a, &iv);
}

/*
 * The contact t (an element of p->v) left the snapshot at `at`: LOGOUT
 * took it (outcome "LOGOUT") or it was cleared (outcome NULL: its fate).
 */
static void
leave(struct view *v, struct agent *a, struct tracked *t, int64_t at,
    const char *outcome)
{
	struct contacts_part *p = PART(v, a);
	uint64_t h = hash(t->id);
	size_t i;

	if (at < t->since)
		at = t->since;	/* never a negative interval */
	end_state(t, at);
	for (i = 0; t->acw == NO_TIME && i < p->nunclaimed; i++)
		if (p->unclaimed[i].id == h)
			t->acw = p->unclaimed[i].ms;
	if (outcome == NULL)
		outcome = t->fate >= 0 ?
		    contact_state_name((enum contact_state)t->fate) :
		    t->connected != NO_TIME ? "HANDLED" : "ABANDONED";
	row(v, a, t, at, t->acw == NO_TIME ? 0 : t->acw, outcome);
	ring_add(&p->closed, t->id);
	i = (size_t)(t - p->v);
	free_tracked(t);
	p->v[i] = p->v[--p->n];
}

/*
 * An event older than the agent's last one only ends what its own two
 * snapshots prove, as in the acw table.
 */
static void
contacts_event(struct view *v, struct agent *a, const struct event *ev,
    const struct snapshot *prev, int in_order)
{
	const char *outcome = ev->type == EV_LOGOUT ? "LOGOUT" : NULL;
	struct contacts_part *p = PART(v, a);
	const struct contact *c;
	struct tracked *t;
	size_t i;

	if (!in_order) {
		if (prev != NULL && prev->present && ev->cur.present)
			for (i = 0; i < prev->ncontacts; i++) {
				c = &prev->contacts[i];
				if (snapshot_contact(&ev->cur, c->id) != NULL)
					continue;
				see(p, c, 0);
				if ((t = find_tracked(p, c->id)) != NULL)
					leave(v, a, t, ev->time, outcome);
			}
		p->nunclaimed = 0;
		return;
	}
	if (prev != NULL && prev->present)
		for (i = 0; i < prev->ncontacts; i++)
			see(p, &prev->contacts[i], 0);
	for (i = 0; i < ev->cur.ncontacts; i++)
		see(p, &ev->cur.contacts[i], 1);
	for (i = p->n; i-- > 0; )
		if (!ev->cur.present || ev->type == EV_LOGOUT ||
		    snapshot_contact(&ev->cur, p->v[i].id) == NULL)
			leave(v, a, &p->v[i], ev->time, outcome);
	p->nunclaimed = 0;
}

/* The ACW of a contact, as the acw view has it. */
static void
contacts_interval(struct view *v, struct agent *a, const struct interval *iv)
{
	struct contacts_part *p = PART(v, a);
	struct tracked *t;

	if (iv->kind != IV_ACW)
		return;
	if ((t = find_tracked(p, iv->acw->contact_id)) == NULL) {
		if (iv->end >= 0 && p->nunclaimed < UNCLAIMED_MAX)
			p->unclaimed[p->nunclaimed++] = (struct unclaimed){
			    hash(iv->acw->contact_id), iv->end - iv->start };
	} else if (iv->end >= 0)
		t->acw = iv->end - iv->start;
	else if (iv->ended_by != NULL)
		t->acw_start = iv->start;
}

/*
 * OPEN rows: the state a contact is in counts up to the clock (-t when
 * given); ACW and handle time only up to -t.
 */
static void
contacts_finish(struct view *v, struct agent *a, int open_rows)
{
	struct contacts_part *p = PART(v, a);
	int64_t as_of = v->engine->as_of, clock = v->engine->clock, acw;
	struct tracked *t;
	size_t i;

	p->nunclaimed = 0;
	if (!open_rows)
		return;
	for (i = 0; i < p->n; i++) {
		t = &p->v[i];
		end_state(t, as_of >= 0 ? as_of : clock);
		acw = NO_TIME;
		if (as_of >= 0) {
			acw = t->acw != NO_TIME ? t->acw : 0;
			if (t->acw_start != NO_TIME && as_of > t->acw_start)
				acw = as_of - t->acw_start;
		}
		row(v, a, t, NO_TIME, acw, "OPEN");
	}
}

static void
contacts_clear(void *part)
{
	struct contacts_part *p = part;
	size_t i;

	for (i = 0; i < p->n; i++)
		free_tracked(&p->v[i]);
	free(p->v);
}

static json_t *
time_json(int64_t t)
{
	return t == NO_TIME ? json_null() : json_integer((json_int_t)t);
}

static void
contacts_save(const void *part, json_t *o)
{
	const struct contacts_part *p = part;
	const struct tracked *t;
	json_t *arr, *j;
	size_t i;

	arr = json_array();
	for (i = 0; i < p->n; i++) {
		t = &p->v[i];
		j = json_pack("{s:s,s:o,s:o,s:o,s:o,s:I,s:o,s:s,s:I,s:I,s:I,"
		    "s:I,s:I,s:o,s:o}", "id", t->id,
		    "initial_id", state_str_json(t->initial_id),
		    "channel", state_str_json(t->channel),
		    "method", state_str_json(t->method),
		    "queue", state_str_json(t->queue),
		    "offered", (json_int_t)t->offered,
		    "connected", time_json(t->connected),
		    "state", contact_state_name(t->state),
		    "since", (json_int_t)t->since,
		    "ring", (json_int_t)t->ring,
		    "talk", (json_int_t)t->talk,
		    "hold", (json_int_t)t->hold,
		    "holds", (json_int_t)t->holds,
		    "acw_ms", time_json(t->acw),
		    "fate", t->fate < 0 ? json_null() : json_string(
		    contact_state_name((enum contact_state)t->fate)));
		json_array_append_new(arr, j);
	}
	json_object_set_new(o, "contacts_open", arr);
	state_save_ring(o, "contacts_closed", "contacts_closed_next", &p->closed);
}

/*
 * Whether a time or duration read from a state file is one that events
 * can give (years 0000 to 9999 are within 10^15 ms of the epoch), so
 * that sums and differences cannot overflow.
 */
static int
plausible(int64_t ms)
{
	return ms >= -PLAUSIBLE_MS && ms <= PLAUSIBLE_MS;
}

/* A time or null. */
static int
load_time(struct loader *l, json_t *o, const char *key, int64_t *out)
{
	if (json_is_null(json_object_get(o, key))) {
		*out = NO_TIME;
		return 0;
	}
	return state_int(l, o, key, out);
}

/* A contact state name, or null (-1) when nullable. */
static int
load_state(struct loader *l, json_t *o, const char *key, int nullable,
    int *out)
{
	json_t *j = json_object_get(o, key);

	if (nullable && json_is_null(j)) {
		*out = -1;
		return 0;
	}
	if (!json_is_string(j))
		return state_bad(l, key);
	*out = contact_state_of(json_string_value(j));
	return 0;
}

static int
contacts_load(void *part, json_t *o, struct loader *l)
{
	struct contacts_part *p = part;
	struct tracked *t;
	json_t *arr, *j;
	size_t i;
	int state;

	/* a state file from before this table: nothing was tracked */
	if (json_object_get(o, "contacts_open") == NULL &&
	    json_object_get(o, "contacts_closed") == NULL &&
	    json_object_get(o, "contacts_closed_next") == NULL)
		return 0;
	arr = json_object_get(o, "contacts_open");
	if (!json_is_array(arr))
		return state_bad(l, "contacts_open");
	json_array_foreach(arr, i, j) {
		t = new_tracked(p);
		if (!json_is_object(j) ||
		    state_str(l, j, "id", 0, &t->id) ||
		    state_str(l, j, "initial_id", 1, &t->initial_id) ||
		    state_str(l, j, "channel", 1, &t->channel) ||
		    state_str(l, j, "method", 1, &t->method) ||
		    state_str(l, j, "queue", 1, &t->queue) ||
		    state_int(l, j, "offered", &t->offered) ||
		    load_time(l, j, "connected", &t->connected) ||
		    load_state(l, j, "state", 0, &state) ||
		    state_int(l, j, "since", &t->since) ||
		    state_int(l, j, "ring", &t->ring) ||
		    state_int(l, j, "talk", &t->talk) ||
		    state_int(l, j, "hold", &t->hold) ||
		    state_int(l, j, "holds", &t->holds) ||
		    load_time(l, j, "acw_ms", &t->acw) ||
		    load_state(l, j, "fate", 1, &t->fate) ||
		    t->id == NULL || (t->fate >= 0 &&
		    !is_fate((enum contact_state)t->fate)) ||
		    !plausible(t->offered) || !plausible(t->since) ||
		    (t->connected != NO_TIME && !plausible(t->connected)) ||
		    !plausible(t->ring) || !plausible(t->talk) ||
		    !plausible(t->hold) || !plausible(t->holds) ||
		    (t->acw != NO_TIME && !plausible(t->acw)) ||
		    t->ring < 0 || t->talk < 0 || t->hold < 0 || t->holds < 0 ||
		    (t->acw != NO_TIME && t->acw < 0))
			return state_bad(l, "contacts_open");
		t->state = (enum contact_state)state;
	}
	return state_load_ring(l, o, "contacts_closed",
	    "contacts_closed_next", &p->closed);
}

static int
contacts_busy(const void *part)
{
	const struct contacts_part *p = part;

	return p->n > 0;
}

static const struct view_ops *const needs[] = { &acw_view, NULL };

const struct view_ops contacts_view = {
	.name = "contacts",
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.needs = needs,
	.part_size = sizeof(struct contacts_part),
	.event = contacts_event,
	.interval = contacts_interval,
	.finish = contacts_finish,
	.clear = contacts_clear,
	.save = contacts_save,
	.load = contacts_load,
	.busy = contacts_busy,
};
