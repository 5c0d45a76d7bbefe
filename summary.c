/*
 * summary.c: the `summary` table, one row per agent (and bucket with -i):
 * time in each kind of activity, contacts connected, missed and rejected,
 * and the ACW per contact.  It takes the activity and ACW intervals that
 * those views hand on, and counts contacts from the snapshots itself.
 */

#include <stdlib.h>
#include <string.h>

#include "agentev.h"
#include "engine.h"

static const char *const columns[] = {
	"agent_arn", "username", "bucket_start", "first_event", "last_event",
	"logged_in_s", "available_s", "incoming_s", "on_contact_s", "acw_s",
	"custom_s", "offline_s", "error_s", "contacts_connected",
	"contacts_missed", "contacts_rejected", "acw_count", "acw_total_s",
	"acw_mean_s", "acw_max_s"
};

/* Totals of one agent in one bucket (bucket 0 without -i). */
struct tally {
	int64_t		 bucket;
	int		 has_events;
	int64_t		 first_event;
	int64_t		 last_event;
	int64_t		 ms[ACT_NKINDS];
	uint64_t	 connected;
	uint64_t	 missed;
	uint64_t	 rejected;
	uint64_t	 acw_count;
	int64_t		 acw_total;
	int64_t		 acw_max;
};

/* A contact the summary has counted, while the snapshot lists it. */
struct counted {
	uint64_t	 id;		/* ContactId hash */
	unsigned	 states;	/* 1 connected, 2 missed, 4 rejected */
};

struct summary_part {
	struct tally	*v;		/* in bucket order */
	size_t		 n;
	size_t		 cap;
	struct counted	*counted;
	size_t		 ncounted;
	size_t		 counted_cap;
};

/* The totals of `bucket`, made when missing; buckets stay in order. */
static struct tally *
tally_get(struct summary_part *p, int64_t bucket)
{
	size_t i;

	/* nearly always the newest bucket */
	for (i = p->n; i > 0 && p->v[i - 1].bucket > bucket; i--)
		;
	if (i > 0 && p->v[i - 1].bucket == bucket)
		return &p->v[i - 1];
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 4;
		p->v = xrealloc(p->v, p->cap, sizeof(*p->v));
	}
	memmove(&p->v[i + 1], &p->v[i], (p->n - i) * sizeof(*p->v));
	p->n++;
	memset(&p->v[i], 0, sizeof(p->v[i]));
	p->v[i].bucket = bucket;
	return &p->v[i];
}

/* Add ms to a total, saturating instead of wrapping around. */
static void
tally_add(int64_t *total, int64_t ms)
{
	if (__builtin_add_overflow(*total, ms, total))
		*total = ms < 0 ? INT64_MIN : INT64_MAX;
}

/* total / n rounded to the nearest millisecond, without overflow. */
static int64_t
mean(int64_t total, int64_t n)
{
	return total / n + (total % n >= (n + 1) / 2);
}

/*
 * Count each contact once per agent, in the bucket of the event that
 * first shows it connected, missed or rejected.  Contacts are remembered
 * while the agent's snapshot lists them.
 */
static void
count_contacts(struct summary_part *p, const struct event *ev)
{
	const struct contact *c;
	struct counted *k;
	struct tally *t;
	size_t i, j;
	unsigned bit;

	/* forget the contacts the snapshot no longer lists */
	for (j = p->ncounted; j-- > 0; ) {
		for (i = 0; i < ev->cur.ncontacts; i++)
			if (hash(ev->cur.contacts[i].id) == p->counted[j].id)
				break;
		if (i == ev->cur.ncontacts)
			p->counted[j] = p->counted[--p->ncounted];
	}
	for (i = 0; i < ev->cur.ncontacts; i++) {
		c = &ev->cur.contacts[i];
		bit = c->state == CS_CONNECTED ? 1 : c->state == CS_MISSED ? 2 :
		    c->state == CS_REJECTED ? 4 : 0;
		if (bit == 0)
			continue;
		for (j = 0; j < p->ncounted; j++)
			if (p->counted[j].id == hash(c->id))
				break;
		if (j == p->ncounted) {
			if (p->ncounted == p->counted_cap) {
				p->counted_cap = p->counted_cap ?
				    p->counted_cap * 2 : 4;
				p->counted = xrealloc(p->counted,
				    p->counted_cap, sizeof(*p->counted));
			}
			p->counted[p->ncounted++] = (struct counted){
			    hash(c->id), 0 };
		}
		k = &p->counted[j];
		if (k->states & bit)
			continue;
		k->states |= bit;
		t = tally_get(p, bucket_start(ev->time));
		if (bit == 1)
			t->connected++;
		else if (bit == 2)
			t->missed++;
		else
			t->rejected++;
	}
}

static void
summary_event(struct view *v, struct agent *a, const struct event *ev,
    const struct snapshot *prev, int in_order)
{
	struct summary_part *p = PART(v, a);
	struct tally *t;

	(void)prev;
	if (!in_order)
		return;
	t = tally_get(p, bucket_start(ev->time));
	if (!t->has_events)
		t->first_event = ev->time;
	t->has_events = 1;
	t->last_event = ev->time;
	if (ev->cur.present)
		count_contacts(p, ev);
}

static void
activity_piece(struct view *v, struct agent *a, const void *arg,
    int64_t start, int64_t end, const char *ended_by)
{
	const struct interval *iv = arg;

	(void)ended_by;
	tally_add(&tally_get(PART(v, a), bucket_start(start))->
	    ms[iv->activity], end - start);
}

/*
 * Time in each activity by bucket; an ACW counts whole where it ended.
 * With -t, what is still open at the end counts as if it ended at the
 * as-of time.
 */
static void
summary_interval(struct view *v, struct agent *a, const struct interval *iv)
{
	int64_t end = iv->end, as_of = v->engine->as_of, length;
	struct tally *t;

	if (end < 0 && iv->ended_by != NULL && as_of >= 0)
		end = as_of > iv->start ? as_of : iv->start;
	if (end < 0)
		return;
	length = end - iv->start;
	if (iv->kind == IV_ACTIVITY)
		view_split(v, a, iv, iv->start, end, iv->ended_by,
		    activity_piece);
	else if (iv->kind == IV_ACW) {
		t = tally_get(PART(v, a), bucket_start(end));
		t->acw_count++;
		tally_add(&t->acw_total, length);
		if (length > t->acw_max)
			t->acw_max = length;
	}
}

static void
summary_finish(struct view *v, struct agent *a, int open_rows)
{
	const struct summary_part *p = PART(v, a);
	struct cell cells[20];
	const struct tally *t;
	int64_t logged_in;
	size_t i, k;

	(void)open_rows;
	if (v->out == NULL)
		return;
	for (i = 0; i < p->n; i++) {
		t = &p->v[i];
		logged_in = 0;
		for (k = 0; k < ACT_NKINDS; k++)
			tally_add(&logged_in, t->ms[k]);
		cells[0] = C_STR(a->arn);
		cells[1] = C_STR(a->username);
		cells[2] = bucket_enabled() ? C_TIME(t->bucket) : C_NULL;
		cells[3] = t->has_events ? C_TIME(t->first_event) : C_NULL;
		cells[4] = t->has_events ? C_TIME(t->last_event) : C_NULL;
		cells[5] = C_MS(logged_in);
		cells[6] = C_MS(t->ms[ACT_AVAILABLE]);
		cells[7] = C_MS(t->ms[ACT_INCOMING]);
		cells[8] = C_MS(t->ms[ACT_ON_CONTACT]);
		cells[9] = C_MS(t->ms[ACT_ACW]);
		cells[10] = C_MS(t->ms[ACT_CUSTOM]);
		cells[11] = C_MS(t->ms[ACT_OFFLINE]);
		cells[12] = C_MS(t->ms[ACT_ERROR]);
		cells[13] = C_INT((int64_t)t->connected);
		cells[14] = C_INT((int64_t)t->missed);
		cells[15] = C_INT((int64_t)t->rejected);
		cells[16] = C_INT((int64_t)t->acw_count);
		cells[17] = C_MS(t->acw_total);
		cells[18] = t->acw_count ? C_MS(mean(t->acw_total,
		    (int64_t)t->acw_count)) : C_NULL;
		cells[19] = t->acw_count ? C_MS(t->acw_max) : C_NULL;
		(void)out_row(v->out, cells);
	}
}

static void
summary_clear(void *part)
{
	struct summary_part *p = part;

	free(p->v);
	free(p->counted);
}

/* Only the contacts counted are carried; totals are per run. */
static void
summary_save(const void *part, json_t *o)
{
	const struct summary_part *p = part;
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < p->ncounted; i++)
		json_array_append_new(arr, json_pack("{s:o,s:i}", "id",
		    state_hash_json(p->counted[i].id), "states",
		    (int)p->counted[i].states));
	json_object_set_new(o, "counted", arr);
}

static int
summary_load(void *part, json_t *o, struct loader *l)
{
	struct summary_part *p = part;
	json_t *j, *h;
	int64_t states;
	size_t i;

	j = json_object_get(o, "counted");
	if (!json_is_array(j))
		return state_bad(l, "counted");
	json_array_foreach(j, i, h) {
		p->counted = xrealloc(p->counted, p->ncounted + 1,
		    sizeof(*p->counted));
		if (!json_is_object(h) || state_hash(l,
		    json_object_get(h, "id"), &p->counted[p->ncounted].id) ==
		    -1 || state_int(l, h, "states", &states) == -1 ||
		    states < 0 || states > 7)
			return state_bad(l, "counted");
		p->counted[p->ncounted++].states = (unsigned)states;
	}
	p->counted_cap = p->ncounted;
	return 0;
}

static const struct view_ops *const needs[] = {
	&activity_view, &acw_view, NULL
};

const struct view_ops summary_view = {
	.name = "summary",
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.needs = needs,
	.part_size = sizeof(struct summary_part),
	.event = summary_event,
	.interval = summary_interval,
	.finish = summary_finish,
	.clear = summary_clear,
	.save = summary_save,
	.load = summary_load,
};
