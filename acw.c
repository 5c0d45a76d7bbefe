/*
 * acw.c: per-agent state and the interval tables.
 *
 * Events arrive here validated and in input order.  For each agent we keep
 * its last snapshot, its login session, the status interval in progress,
 * the contacts in after-contact work, and the EventIds seen recently.
 * From these come the rows of `acw` (one per contact's ACW) and `status`
 * (intervals of AgentStatus tiling each login session), and the events
 * handed to the `events` table.
 */

#include <err.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agentev.h"
#include "engine.h"

const char *const acw_columns[] = {
	"agent_arn", "username", "contact_id", "channel", "initiation_method",
	"queue", "acw_start", "acw_end", "duration_s", "ended_by"
};
const size_t acw_ncolumns = sizeof(acw_columns) / sizeof(acw_columns[0]);

const char *const status_columns[] = {
	"agent_arn", "username", "status", "status_type", "start", "end",
	"duration_s", "ended_by"
};
const size_t status_ncolumns = sizeof(status_columns) /
    sizeof(status_columns[0]);

const char *const activity_columns[] = {
	"agent_arn", "username", "activity", "start", "end", "duration_s",
	"ended_by"
};
const size_t activity_ncolumns = sizeof(activity_columns) /
    sizeof(activity_columns[0]);

#define MAX_SPLIT	(366 * 24 * HOUR_MS)

typedef void	(*piece_fn)(struct engine *, struct agent *, const void *,
		    int64_t, int64_t, const char *);

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
engine_new(enum command command, struct output *out, struct counts *counts)
{
	struct engine *e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		fatal_oom();
	e->command = command;
	e->out = out;
	e->counts = counts;
	return e;
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
	if ((a = calloc(1, sizeof(*a))) == NULL)
		fatal_oom();
	a->arn = xstrdup(arn);
	e->table[i] = a;
	if (e->nagents == e->order_cap) {
		e->order_cap = e->order_cap ? e->order_cap * 2 : 64;
		e->order = xrealloc(e->order, e->order_cap, sizeof(*e->order));
	}
	e->order[e->nagents++] = a;
	return a;
}

/*
 * Hand [start, end) to piece() once per bucket it touches (once without
 * -i); the pieces cut at a bucket boundary end with "SPLIT".  An open
 * interval (end < 0) is one piece.
 */
static void
split(struct engine *e, struct agent *a, const void *arg, int64_t start,
    int64_t end, const char *ended_by, piece_fn piece)
{
	int64_t next;

	/* an interval of years (hostile times) is not cut into millions */
	if (bucket_enabled() && end >= 0 && end - start > MAX_SPLIT) {
		if (e->counts->unsplit++ == 0)
			warnx("an interval of more than 366 days is not split "
			    "into buckets (reported once)");
	} else if (bucket_enabled() && end >= 0)
		while ((next = bucket_next(bucket_start(start))) < end) {
			piece(e, a, arg, start, next, "SPLIT");
			start = next;
		}
	piece(e, a, arg, start, end, ended_by);
}

static void
acw_piece(struct engine *e, struct agent *a, const void *arg, int64_t start,
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
	cells[8] = end < 0 ? C_NULL : C_MS(end - start);
	cells[9] = C_STR(ended_by);
	(void)out_row(e->out, cells);
}

static void
acw_row(struct engine *e, struct agent *a, const struct acw *w,
    int64_t end, const char *ended_by)
{
	struct tally *t;

	if (e->command == CMD_ACW)
		split(e, a, w, w->start, end, ended_by, acw_piece);
	else if (e->command == CMD_SUMMARY && end >= 0) {
		/* an ACW counts whole where it ended */
		t = tally_get(&a->tallies, bucket_start(end));
		t->acw_count++;
		tally_add(&t->acw_total, end - w->start);
		if (end - w->start > t->acw_max)
			t->acw_max = end - w->start;
	}
}

static struct acw *
find_acw(struct agent *a, const char *contact_id)
{
	size_t i;

	for (i = 0; i < a->nacws; i++)
		if (strcmp(a->acws[i].contact_id, contact_id) == 0)
			return &a->acws[i];
	return NULL;
}

static int
recently_closed(const struct agent *a, const char *contact_id)
{
	uint64_t h = hash(contact_id);
	size_t i, n = a->nclosed < CLOSED_RING ? a->nclosed : CLOSED_RING;

	for (i = 0; i < n; i++)
		if (a->closed[i] == h)
			return 1;
	return 0;
}

static void
free_acw(struct acw *w)
{
	free(w->contact_id);
	free(w->channel);
	free(w->initiation_method);
	free(w->queue);
}

/* End the ACW w (an element of a->acws, or a stand-alone one). */
static void
end_acw(struct engine *e, struct agent *a, struct acw *w, int64_t end,
    const char *ended_by)
{
	size_t i;

	if (end < w->start)
		end = w->start;	/* never a negative interval */
	acw_row(e, a, w, end, ended_by);
	a->closed[a->nclosed++ % CLOSED_RING] = hash(w->contact_id);
	if (a->nacws > 0 && w >= a->acws && w < a->acws + a->nacws) {
		i = (size_t)(w - a->acws);
		free_acw(w);
		a->acws[i] = a->acws[--a->nacws];
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

/*
 * ACW per contact: it starts at the StateStartTimestamp of ENDED and ends
 * at the EventTimestamp of the first event whose current snapshot no
 * longer lists the contact.  An event older than the agent's last one only
 * ends what its own two snapshots prove.
 */
static void
acw_apply(struct engine *e, struct agent *a, const struct event *ev,
    const struct snapshot *prev, int in_order)
{
	const char *ended_by = ev->type == EV_LOGOUT ? "LOGOUT" : "CLEARED";
	const struct contact *c;
	struct acw *w, tmp;
	size_t i;

	if (prev != NULL && prev->present && ev->cur.present) {
		for (i = 0; i < prev->ncontacts; i++) {
			c = &prev->contacts[i];
			if (c->state != CS_ENDED ||
			    snapshot_contact(&ev->cur, c->id) != NULL)
				continue;
			if ((w = find_acw(a, c->id)) != NULL)
				end_acw(e, a, w, ev->time, ended_by);
			else if (!recently_closed(a, c->id)) {
				fill_acw(&tmp, c);
				end_acw(e, a, &tmp, ev->time, ended_by);
			}
		}
	}
	if (!in_order)
		return;
	/* what the current snapshot no longer lists has ended too */
	for (i = a->nacws; i-- > 0; )
		if (!ev->cur.present || ev->type == EV_LOGOUT ||
		    snapshot_contact(&ev->cur, a->acws[i].contact_id) == NULL)
			end_acw(e, a, &a->acws[i], ev->time, ended_by);
	for (i = 0; i < ev->cur.ncontacts; i++) {
		c = &ev->cur.contacts[i];
		if (c->state != CS_ENDED || find_acw(a, c->id) != NULL ||
		    recently_closed(a, c->id))
			continue;
		if (a->nacws == a->acws_cap) {
			a->acws_cap = a->acws_cap ? a->acws_cap * 2 : 4;
			a->acws = xrealloc(a->acws, a->acws_cap,
			    sizeof(*a->acws));
		}
		fill_acw(&a->acws[a->nacws++], c);
	}
}

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
status_piece(struct engine *e, struct agent *a, const void *arg,
    int64_t start, int64_t end, const char *ended_by)
{
	struct cell cells[8];

	(void)arg;
	cells[0] = C_STR(a->arn);
	cells[1] = C_STR(a->username);
	cells[2] = C_STR(a->status_name);
	cells[3] = C_STR(a->status_type);
	cells[4] = C_TIME(start);
	cells[5] = end < 0 ? C_NULL : C_TIME(end);
	cells[6] = end < 0 ? C_NULL : C_MS(end - start);
	cells[7] = C_STR(ended_by);
	(void)out_row(e->out, cells);
}

static void
status_close(struct engine *e, struct agent *a, int64_t end,
    const char *ended_by)
{
	if (end >= 0 && end < a->status_start)
		end = a->status_start;
	if (e->command == CMD_STATUS)
		split(e, a, NULL, a->status_start, end, ended_by,
		    status_piece);
	free(a->status_arn);
	free(a->status_name);
	free(a->status_type);
	a->status_arn = a->status_name = a->status_type = NULL;
	a->status_open = 0;
}

static void
status_open(struct agent *a, const struct snapshot *s, int64_t start)
{
	a->status_open = 1;
	a->status_arn = xstrdup(s->status_arn);
	a->status_name = xstrdup(s->status_name);
	a->status_type = xstrdup(status_type(s->status_type, s->status_name));
	a->status_start = start;
}

static int
same_status(const struct agent *a, const struct snapshot *s)
{
	/* the interval may start later than the status: clipped to LOGIN */
	return strcmp(a->status_arn, s->status_arn) == 0 &&
	    strcmp(a->status_name, s->status_name) == 0 &&
	    s->status_start <= a->status_start;
}

/* Follow the status shown in snapshot s. */
static void
status_see(struct engine *e, struct agent *a, const struct snapshot *s)
{
	int64_t start = s->status_start;

	if (a->session == SESSION_OPEN && start < a->login_time)
		start = a->login_time;
	if (!a->status_open) {
		status_open(a, s, start);
	} else if (!same_status(a, s)) {
		if (start < a->status_start)
			start = a->status_start;
		status_close(e, a, start, "CHANGE");
		status_open(a, s, start);
	}
}

/*
 * Status intervals tile each login session: LOGIN opens a session (the
 * first interval is clipped to it), each status ends where the next one
 * starts, LOGOUT ends the last.  After LOGOUT only a LOGIN opens anything.
 */
static void
status_apply(struct engine *e, struct agent *a, const struct event *ev)
{
	const struct snapshot *s = &ev->cur;

	switch (ev->type) {
	case EV_LOGIN:
		if (a->status_open)
			status_close(e, a, ev->time, "CHANGE");
		if (s->present)
			status_open(a, s, s->status_start > ev->time ?
			    s->status_start : ev->time);
		return;
	case EV_LOGOUT:
		if (a->status_open)
			status_close(e, a, ev->time, "LOGOUT");
		return;
	default:
		break;
	}
	if (a->session == SESSION_CLOSED || !s->present)
		return;
	/* the event's own previous snapshot may show a change we missed */
	if (ev->prev.present)
		status_see(e, a, &ev->prev);
	status_see(e, a, s);
}

/*
 * What the agent is doing, by the service's precedence: Error > Missed >
 * Rejected > On contact > After contact work > Incoming > a custom status
 * > Available; Offline with no contacts is Offline.
 */
static const char *
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
activity_piece(struct engine *e, struct agent *a, const void *arg,
    int64_t start, int64_t end, const char *ended_by)
{
	struct cell cells[7];

	(void)arg;
	if (e->command == CMD_SUMMARY) {
		if (end >= 0)
			tally_add(&tally_get(&a->tallies,
			    bucket_start(start))->ms[a->activity_kind],
			    end - start);
		return;
	}
	cells[0] = C_STR(a->arn);
	cells[1] = C_STR(a->username);
	cells[2] = C_STR(a->activity);
	cells[3] = C_TIME(start);
	cells[4] = end < 0 ? C_NULL : C_TIME(end);
	cells[5] = end < 0 ? C_NULL : C_MS(end - start);
	cells[6] = C_STR(ended_by);
	(void)out_row(e->out, cells);
}

static void
activity_close(struct engine *e, struct agent *a, int64_t end,
    const char *ended_by)
{
	if (end >= 0 && end < a->activity_start)
		end = a->activity_start;
	if (e->command == CMD_ACTIVITY || e->command == CMD_SUMMARY)
		split(e, a, NULL, a->activity_start, end, ended_by,
		    activity_piece);
	free(a->activity);
	a->activity = NULL;
}

static void
activity_open(struct agent *a, const struct snapshot *s, int64_t start)
{
	a->activity = xstrdup(activity_of(s, &a->activity_kind));
	a->activity_start = start;
}

/*
 * Activity intervals tile each session like status intervals, with their
 * boundaries at the EventTimestamp of the event that shows the change.
 */
static void
activity_apply(struct engine *e, struct agent *a, const struct event *ev)
{
	const struct snapshot *s = &ev->cur;
	enum activity kind;

	switch (ev->type) {
	case EV_LOGIN:
		if (a->activity != NULL)
			activity_close(e, a, ev->time, "CHANGE");
		if (s->present)
			activity_open(a, s, ev->time);
		return;
	case EV_LOGOUT:
		if (a->activity != NULL)
			activity_close(e, a, ev->time, "LOGOUT");
		return;
	default:
		break;
	}
	if (a->session == SESSION_CLOSED || !s->present)
		return;
	if (a->activity == NULL)
		activity_open(a, s, ev->time);
	else if (strcmp(a->activity, activity_of(s, &kind)) != 0) {
		activity_close(e, a, ev->time, "CHANGE");
		activity_open(a, s, ev->time);
	}
}

/*
 * Count each contact once per agent in the summary, in the bucket of the
 * event that first shows it connected, missed or rejected.  Contacts are
 * remembered while the agent's snapshot lists them.
 */
static void
count_contacts(struct agent *a, const struct event *ev)
{
	const struct contact *c;
	struct counted *k;
	struct tally *t;
	size_t i, j;
	unsigned bit;

	/* forget the contacts the snapshot no longer lists */
	for (j = a->ncounted; j-- > 0; ) {
		for (i = 0; i < ev->cur.ncontacts; i++)
			if (hash(ev->cur.contacts[i].id) == a->counted[j].id)
				break;
		if (i == ev->cur.ncontacts)
			a->counted[j] = a->counted[--a->ncounted];
	}
	for (i = 0; i < ev->cur.ncontacts; i++) {
		c = &ev->cur.contacts[i];
		bit = c->state == CS_CONNECTED ? 1 : c->state == CS_MISSED ? 2 :
		    c->state == CS_REJECTED ? 4 : 0;
		if (bit == 0)
			continue;
		for (j = 0; j < a->ncounted; j++)
			if (a->counted[j].id == hash(c->id))
				break;
		if (j == a->ncounted) {
			if (a->ncounted == a->counted_cap) {
				a->counted_cap = a->counted_cap ?
				    a->counted_cap * 2 : 4;
				a->counted = xrealloc(a->counted,
				    a->counted_cap, sizeof(*a->counted));
			}
			a->counted[a->ncounted++] = (struct counted){
			    hash(c->id), 0 };
		}
		k = &a->counted[j];
		if (k->states & bit)
			continue;
		k->states |= bit;
		t = tally_get(&a->tallies, bucket_start(ev->time));
		if (bit == 1)
			t->connected++;
		else if (bit == 2)
			t->missed++;
		else
			t->rejected++;
	}
}

/* Where the rows go (NULL for check). */
void
engine_output(struct engine *e, struct output *out)
{
	e->out = out;
}

/*
 * Apply one valid event (the engine takes ownership).  Duplicates are
 * dropped; an event older than the agent's newest is used only for what it
 * proves by itself.
 */
void
engine_apply(struct engine *e, struct event *ev, const struct origin *o)
{
	struct agent *a = engine_agent(e, ev->agent_arn);
	const struct snapshot *prev;
	int in_order;

	if (duplicate(a, ev)) {
		e->counts->duplicates++;
		event_free(ev);
		return;
	}
	in_order = !a->seen || ev->time >= a->last_time;
	if (!in_order && e->counts->out_of_order++ == 0)
		warnx("%s:%llu: event %s is older than the previous event of "
		    "its agent; it is used only for what it shows by itself "
		    "(reported once)", o->file, (unsigned long long)o->line,
		    ev->event_id);
	prev = ev->prev.present ? &ev->prev :
	    in_order ? a->last : NULL;
	if (in_order && ev->cur.present) {
		free(a->username);
		a->username = xstrdup(ev->cur.username);
	} else if (a->username == NULL)
		a->username = xstrdup(ev->cur.present ? ev->cur.username :
		    prev ? prev->username : NULL);
	if (e->command == CMD_EVENTS)
		events_rows(e->out, ev, prev, a->username);
	acw_apply(e, a, ev, prev, in_order);
	if (!in_order) {
		event_free(ev);
		return;
	}
	status_apply(e, a, ev);
	activity_apply(e, a, ev);
	if (ev->type == EV_LOGIN)
		a->session = SESSION_OPEN;
	else if (ev->type == EV_LOGOUT)
		a->session = SESSION_CLOSED;
	if (e->command == CMD_SUMMARY) {
		struct tally *t = tally_get(&a->tallies, bucket_start(ev->time));

		if (!t->has_events)
			t->first_event = ev->time;
		t->has_events = 1;
		t->last_event = ev->time;
		if (ev->cur.present)
			count_contacts(a, ev);
	}
	a->seen = 1;
	a->last_time = ev->time;
	if (ev->cur.present) {
		free(a->last);
		a->last = snapshot_copy(&ev->cur);
	}
	event_free(ev);
}

/*
 * The end of the input: what is still open comes out as OPEN rows, unless
 * it is carried to the next run (-S).
 */
void
engine_finish(struct engine *e, int open_rows)
{
	struct agent *a;
	size_t i, j;

	for (i = 0; i < e->nagents; i++) {
		a = e->order[i];
		if (open_rows) {
			for (j = 0; j < a->nacws; j++)
				acw_row(e, a, &a->acws[j], -1, "OPEN");
			if (a->status_open)
				status_close(e, a, -1, "OPEN");
			if (a->activity != NULL)
				activity_close(e, a, -1, "OPEN");
		}
		if (e->command == CMD_SUMMARY)
			summary_rows(e->out, a->arn, a->username,
			    &a->tallies);
	}
}

/* Free what an agent holds, and the agent. */
void
agent_clear(struct agent *a)
{
	size_t j;

	free(a->arn);
	free(a->username);
	free(a->last);
	free(a->status_arn);
	free(a->status_name);
	free(a->status_type);
	free(a->activity);
	free(a->tallies.v);
	free(a->counted);
	for (j = 0; j < a->nacws; j++)
		free_acw(&a->acws[j]);
	free(a->acws);
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
		agent_clear(e->order[i]);
	free(e->order);
	free(e->table);
	free(e);
}
