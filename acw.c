/*
 * acw.c: the `acw` table, one row per contact's after-contact work.
 *
 * The seed's method, per contact: ACW starts at the StateStartTimestamp
 * of ENDED and ends at the EventTimestamp of the first event whose
 * current snapshot no longer lists the contact (CLEARED), or at LOGOUT.
 * Each ACW that ends is also handed to the other views (summary).
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agentev.h"
#include "engine.h"


static const char *const columns[] = {
	"agent_arn", "username", "contact_id", "channel", "initiation_method",
	"queue", "acw_start", "acw_end", "duration_s", "ended_by"
};

/* An agent's contacts in ACW, and those whose ACW ended lately. */
struct acw_part {
	struct acw	*acws;
	size_t		 nacws;
	size_t		 acws_cap;
	struct ring	 closed;	/* whose ACW ended lately */
};

static void
acw_piece(struct view *v, struct agent *a, const void *arg, int64_t start,
    int64_t end, const char *ended_by)
{
	const struct acw *w = arg;
	struct cell cells[10];

	cells[0] = C_STR(a->arn);
	cells[1] = C_STR(a->username);
	cells[2] = C_STR(w->contact_id);
	cells[3] = C_STR(w->channel);
	cells[4] = C_STR(w->initiation_method);
	cells[5] = C_STR(w->queue ? w->queue : "");
	cells[6] = C_TIME(start);
	cells[7] = end < 0 ? C_NULL : C_TIME(end);
	cells[8] = view_duration(v, start, end);
	cells[9] = C_STR(ended_by);
	(void)out_row(v->out, cells);
}

/* An ACW ended (end < 0: still open at the end of the input). */
static void
acw_row(struct view *v, struct agent *a, const struct acw *w, int64_t end,
    const char *ended_by)
{
	struct interval iv = { IV_ACW, w->contact_id, NULL, ACT_ACW, w,
	    w->start, end, ended_by, NO_TIME };

	if (v->out != NULL)
		view_split(v, a, w, w->start, end, ended_by, acw_piece);
	engine_publish(v->engine, a, &iv);
}

static struct acw *
find_acw(struct acw_part *p, const char *contact_id)
{
	size_t i;

	for (i = 0; i < p->nacws; i++)
		if (strcmp(p->acws[i].contact_id, contact_id) == 0)
			return &p->acws[i];
	return NULL;
}

static void
free_acw(struct acw *w)
{
	free(w->contact_id);
	free(w->channel);
	free(w->initiation_method);
	free(w->queue);
}

/* End the ACW w (an element of p->acws, or a stand-alone one). */
static void
end_acw(struct view *v, struct agent *a, struct acw *w, int64_t end,
    const char *ended_by)
{
	struct acw_part *p = PART(v, a);
	size_t i;

	if (end < w->start)
		end = w->start;	/* never a negative interval */
	acw_row(v, a, w, end, ended_by);
	ring_add(&p->closed, w->contact_id);
	if (p->nacws > 0 && w >= p->acws && w < p->acws + p->nacws) {
		i = (size_t)(w - p->acws);
		free_acw(w);
		p->acws[i] = p->acws[--p->nacws];
	} else
		free_acw(w);
}

static void
fill_acw(struct acw *w, const struct contact *c)
{
	w->contact_id = xstrdup(c->id);
	w->channel = xstrdup(c->channel);
	w->initiation_method = xstrdup(c->initiation_method);
	w->queue = xstrdup(c->queue_name);
	w->start = c->state_start;
}

/* Room for one more ACW in p->acws. */
static struct acw *
new_acw(struct acw_part *p)
{
	if (p->nacws == p->acws_cap) {
		p->acws_cap = p->acws_cap ? p->acws_cap * 2 : 4;
		p->acws = xrealloc(p->acws, p->acws_cap, sizeof(*p->acws));
	}
	return &p->acws[p->nacws++];
}

/*
 * An event older than the agent's last one only ends what its own two
 * snapshots prove.
 */
static void
acw_event(struct view *v, struct agent *a, const struct event *ev,
    const struct snapshot *prev, int in_order)
{
	const char *ended_by = ev->type == EV_LOGOUT ? "LOGOUT" : "CLEARED";
	struct acw_part *p = PART(v, a);
	struct interval iv = { IV_ACW, NULL, NULL, ACT_ACW, NULL, 0, -1,
	    NULL, NO_TIME };
	const struct contact *c;
	struct acw *w, tmp;
	size_t i;

	if (prev != NULL && prev->present && ev->cur.present) {
		for (i = 0; i < prev->ncontacts; i++) {
			c = &prev->contacts[i];
			if (c->state != CS_ENDED ||
			    snapshot_contact(&ev->cur, c->id) != NULL)
				continue;
			if ((w = find_acw(p, c->id)) != NULL)
				end_acw(v, a, w, ev->time, ended_by);
			else if (!ring_has(&p->closed, c->id)) {
				fill_acw(&tmp, c);
				end_acw(v, a, &tmp, ev->time, ended_by);
			}
		}
	}
	if (!in_order)
		return;
	/* what the current snapshot no longer lists has ended too */
	for (i = p->nacws; i-- > 0; )
		if (!ev->cur.present || ev->type == EV_LOGOUT ||
		    snapshot_contact(&ev->cur, p->acws[i].contact_id) == NULL)
			end_acw(v, a, &p->acws[i], ev->time, ended_by);
	for (i = 0; i < ev->cur.ncontacts; i++) {
		c = &ev->cur.contacts[i];
		if (c->state != CS_ENDED || find_acw(p, c->id) != NULL ||
		    ring_has(&p->closed, c->id))
			continue;
		fill_acw(w = new_acw(p), c);
		iv.name = w->contact_id;
		iv.acw = w;
		iv.start = w->start;
		engine_publish(v->engine, a, &iv);	/* opened */
	}
}

static void
acw_finish(struct view *v, struct agent *a, int open_rows)
{
	struct acw_part *p = PART(v, a);
	size_t j;

	if (open_rows)
		for (j = 0; j < p->nacws; j++)
			acw_row(v, a, &p->acws[j], -1, "OPEN");
}

static void
acw_clear(void *part)
{
	struct acw_part *p = part;
	size_t j;

	for (j = 0; j < p->nacws; j++)
		free_acw(&p->acws[j]);
	free(p->acws);
}

static void
acw_save(const void *part, json_t *o)
{
	const struct acw_part *p = part;
	json_t *arr;
	size_t i;

	arr = json_array();
	for (i = 0; i < p->nacws; i++)
		json_array_append_new(arr, json_pack("{s:s,s:o,s:o,s:o,s:I}",
		    "contact_id", p->acws[i].contact_id,
		    "channel", state_str_json(p->acws[i].channel),
		    "initiation_method",
		    state_str_json(p->acws[i].initiation_method),
		    "queue", state_str_json(p->acws[i].queue),
		    "start", (json_int_t)p->acws[i].start));
	json_object_set_new(o, "acw", arr);
	state_save_ring(o, "closed", "closed_next", &p->closed);
}

static int
acw_load(void *part, json_t *o, struct loader *l)
{
	struct acw_part *p = part;
	json_t *arr, *w;
	struct acw *x;
	size_t i;

	arr = json_object_get(o, "acw");
	if (!json_is_array(arr))
		return state_bad(l, "acw");
	json_array_foreach(arr, i, w) {
		x = new_acw(p);
		memset(x, 0, sizeof(*x));
		if (!json_is_object(w) ||
		    state_str(l, w, "contact_id", 0, &x->contact_id) ||
		    state_str(l, w, "channel", 1, &x->channel) ||
		    state_str(l, w, "initiation_method", 1,
		    &x->initiation_method) ||
		    state_str(l, w, "queue", 1, &x->queue) ||
		    state_int(l, w, "start", &x->start))
			return state_bad(l, "acw");
	}
	return state_load_ring(l, o, "closed", "closed_next", &p->closed);
}

static int
acw_busy(const void *part)
{
	const struct acw_part *p = part;

	return p->nacws > 0;
}

const struct view_ops acw_view = {
	.name = "acw",
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.part_size = sizeof(struct acw_part),
	.event = acw_event,
	.finish = acw_finish,
	.clear = acw_clear,
	.save = acw_save,
	.load = acw_load,
	.busy = acw_busy,
};
