/*
 * events.c: the `events` table: what changed between an event's previous
 * and current snapshots (or the agent's last snapshot standing in for a
 * missing previous one).
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <stdlib.h>
#include <string.h>

#include "agentev.h"
#include "engine.h"

static const char *const columns[] = {
	"time", "agent_arn", "username", "event_type", "change", "field",
	"contact_id", "channel", "from", "to", "event_id"
};

struct row_ctx {
	struct output		*out;
	const struct event	*ev;
	const char		*username;
};

static int
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
row(struct row_ctx *r, const char *change, const char *field,
    const struct contact *c, const char *from, const char *to)
{
	struct cell cells[11];

	cells[0] = C_TIME(r->ev->time);
	cells[1] = C_STR(r->ev->agent_arn);
	cells[2] = C_STR(r->username);
	cells[3] = C_STR(r->ev->type_name);
	cells[4] = C_STR(change);
	cells[5] = C_STR(field);
	cells[6] = C_STR(c ? c->id : NULL);
	cells[7] = C_STR(c ? c->channel : NULL);
	cells[8] = C_STR(from);
	cells[9] = C_STR(to);
	cells[10] = C_STR(r->ev->event_id);
	(void)out_row(r->out, cells);
}

static void
config_row(struct row_ctx *r, const char *field, const char *from,
    const char *to)
{
	if (!same(from, to))
		row(r, "CONFIG", field, NULL, from, to);
}

/*
 * The rows for what changed from p to c; without config, only status,
 * next status and contacts (what a first sight reveals).
 */
static void
diff(struct row_ctx *r, const struct snapshot *p, const struct snapshot *c,
    int config)
{
	static const char *const levels[] = {
		"AgentHierarchyGroups.Level1", "AgentHierarchyGroups.Level2",
		"AgentHierarchyGroups.Level3", "AgentHierarchyGroups.Level4",
		"AgentHierarchyGroups.Level5"
	};
	const struct contact *pc, *cc;
	size_t i;

	if (!same(p->status_arn, c->status_arn) ||
	    !same(p->status_name, c->status_name) ||
	    p->status_start != c->status_start)
		row(r, "STATUS", "AgentStatus", NULL, p->status_name,
		    c->status_name);
	if (!same(p->next_status, c->next_status))
		row(r, "NEXT_STATUS", "NextAgentStatus", NULL, p->next_status,
		    c->next_status);
	for (i = 0; i < c->ncontacts; i++) {
		cc = &c->contacts[i];
		pc = snapshot_contact(p, cc->id);
		if (pc == NULL)
			row(r, "CONTACT", "State", cc, NULL, cc->state_name);
		else if (!same(pc->state_name, cc->state_name) ||
		    pc->state_start != cc->state_start)
			row(r, "CONTACT", "State", cc, pc->state_name,
			    cc->state_name);
	}
	for (i = 0; i < p->ncontacts; i++) {
		pc = &p->contacts[i];
		if (snapshot_contact(c, pc->id) == NULL)
			row(r, "CONTACT", "State", pc, pc->state_name, NULL);
	}
	if (!config)
		return;
	config_row(r, "RoutingProfile", p->routing_profile,
	    c->routing_profile);
	for (i = 0; i < 5; i++)
		config_row(r, levels[i], p->hierarchy[i], c->hierarchy[i]);
	config_row(r, "Username", p->username, c->username);
	config_row(r, "FirstName", p->first_name, c->first_name);
	config_row(r, "LastName", p->last_name, c->last_name);
	config_row(r, "Proficiencies", p->proficiencies, c->proficiencies);
}

/*
 * Write the rows of one event.  prev is the snapshot to compare with
 * (the event's own, or the agent's last), or NULL when there is none:
 * then an event in order is the first sight of the agent's status and
 * contacts, which get rows from empty.  A LOGIN's row carries the status
 * it logged in to.
 */
static void
events_event(struct view *v, struct agent *a, const struct event *ev,
    const struct snapshot *prev, int in_order)
{
	static const struct snapshot empty = { .present = 1 };
	struct row_ctx r = { v->out, ev, a->username };

	if (v->out == NULL)
		return;
	if (ev->type == EV_LOGIN)
		row(&r, "LOGIN", NULL, NULL, NULL,
		    ev->cur.present ? ev->cur.status_name : NULL);
	else if (ev->type == EV_LOGOUT)
		row(&r, "LOGOUT", NULL, NULL, NULL, NULL);
	if (prev != NULL && prev->present && ev->cur.present)
		diff(&r, prev, &ev->cur, 1);
	else if (prev == NULL && in_order && ev->cur.present &&
	    ev->type != EV_LOGIN)
		diff(&r, &empty, &ev->cur, 0);
}

const struct view_ops events_view = {
	.name = "events",
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.event = events_event,
};
