/*
 * summary.c: the `summary` table, one row per agent or group (-g) and
 * bucket (-i): Amazon Connect's agent metrics (online, non-productive,
 * idle and on-contact time, occupancy, connecting and error time,
 * non-response and answer rate), the time in each activity, contacts
 * connected, missed and rejected, and the ACW per contact.
 *
 * The times come from the agent's snapshots: each in-order event starts
 * a stretch that lasts until the agent's next event (as the activity
 * intervals do), described by what the snapshot shows at once: the
 * status and its type, the activity and whether a contact is being
 * handled, offered or in error.  Some metrics need all of that at the
 * same moment (non-productive time overlaps time on contact), which the
 * activity or status intervals alone cannot give.
 *
 * With -i a bucket's rows are written when the clock (the newest
 * EventTimestamp) has passed its end, counting what is still open up to
 * there; until then they are carried in the -S state, so any split of
 * the input into batches gives the rows of one run.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <stdlib.h>
#include <string.h>

#include "agentev.h"
#include "engine.h"

/* What a stretch is counted as in the activity columns. */
enum kind {
	K_AVAILABLE, K_CUSTOM, K_INCOMING, K_ON_CONTACT, K_ACW, K_MISSED,
	K_REJECTED, K_ERROR, K_OFFLINE, K_UNKNOWN, NKINDS
};

enum status_class { T_ROUTABLE, T_CUSTOM, T_OFFLINE, T_UNKNOWN };

/* The group key fields a snapshot names; -g picks some of them. */
enum { F_STATUS, F_PROFILE, F_LEVEL1, NFIELDS = F_LEVEL1 + 5 };

/* Sums of a row, in milliseconds or counts. */
enum {
	S_LOGGED_IN, S_ONLINE, S_NPT, S_IDLE, S_ON_CONTACT, S_CONNECTING,
	S_ERROR_STATUS, S_ACT, S_CONNECTED = S_ACT + NKINDS, S_MISSED,
	S_REJECTED, S_ACW_COUNT, S_ACW_TOTAL, S_ACW_MAX, NSUMS
};

static const char *const metric_columns[] = {
	"bucket_start", "first_event", "last_event", "logged_in_s",
	"online_s", "npt_s", "idle_s", "on_contact_s", "occupancy",
	"incoming_connecting_s", "error_status_s", "activity_available_s",
	"activity_custom_s", "activity_incoming_s", "activity_on_contact_s",
	"activity_acw_s", "activity_missed_s", "activity_rejected_s",
	"activity_error_s", "activity_offline_s", "activity_unknown_s",
	"contacts_connected", "contacts_missed", "contacts_rejected",
	"non_response", "answer_rate", "contact_acw_count",
	"contact_acw_total_s", "contact_acw_mean_s", "contact_acw_max_s"
};

#define NMETRICS	(sizeof(metric_columns) / sizeof(metric_columns[0]))

#define FIELDS(f)	((const char *const *)(f))

/* -g: the keys in the order given; KEY_AGENT or a field. */
#define KEY_AGENT	NFIELDS
#define MAX_KEYS	(NFIELDS + 1)

static const char *const key_names[] = {
	"status", "routing_profile", "hierarchy1", "hierarchy2",
	"hierarchy3", "hierarchy4", "hierarchy5", "agent"
};

static int	 keys[MAX_KEYS] = { KEY_AGENT };
static size_t	 nkeys = 1;
static int	 by_agent = 1;
static int	 grouped;	/* -g given */
static const char *columns[MAX_KEYS + 1 + NMETRICS];
static size_t	 ncolumns;

/* What a snapshot shows, for as long as it holds. */
struct shows {
	enum kind		 kind;
	enum status_class	 type;
	int			 handling;	/* on a contact or in its ACW */
	int			 offered;	/* a contact is being offered */
	int			 error;		/* a contact is in ERROR */
	int			 inbound;	/* INBOUND contacts offered */
	char			*field[NFIELDS];
};

/* Totals of one agent in one bucket and group. */
struct tally {
	int64_t		 bucket;
	char		*field[NFIELDS];	/* the -g fields, else NULL */
	int		 has_events;
	int64_t		 first_event;
	int64_t		 last_event;
	int64_t		 sum[NSUMS];
};

/* A contact the summary has counted, while the snapshot lists it. */
struct counted {
	uint64_t	 id;		/* ContactId hash */
	unsigned	 states;	/* 1 connected, 2 missed, 4 rejected */
};

/*
 * The stretch in progress (open): from start, described by shows; until
 * unknown_until it is the UNKNOWN stretch of a session whose status is
 * not known yet (nosnapshot: LOGIN came without a snapshot).
 */
struct summary_part {
	int		 open;
	int		 nosnapshot;
	int64_t		 start;
	int64_t		 unknown_until;
	struct shows	 shows;
	struct tally	*v;		/* in bucket order, then by key */
	size_t		 n;
	size_t		 cap;
	struct counted	*counted;
	size_t		 ncounted;
	size_t		 counted_cap;
};

/*
 * The buckets before `done` have been written.  One engine runs at a
 * time; a new one starts over.
 */
static const struct engine *run_engine;
static int64_t done = INT64_MIN;

/*
 * Parse -g KEY[,KEY...]; -1 when a key is unknown or repeated.
 */
int
summary_groups(const char *spec)
{
	const char *p = spec, *end;
	size_t i, len, n = 0;
	int seen = 0, k;

	for (;;) {
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		for (k = 0; k <= KEY_AGENT; k++)
			if (strlen(key_names[k]) == len &&
			    strncmp(key_names[k], p, len) == 0)
				break;
		if (k > KEY_AGENT || (seen & 1 << k) || n == MAX_KEYS)
			return -1;
		seen |= 1 << k;
		keys[n++] = k;
		if (end == NULL)
			break;
		p = end + 1;
	}
	nkeys = n;
	grouped = 1;
	by_agent = 0;
	for (i = 0; i < n; i++)
		if (keys[i] == KEY_AGENT)
			by_agent = 1;
	ncolumns = 0;
	return 0;
}

static const char *const *
summary_columns(size_t *n)
{
	size_t i;

	if (ncolumns == 0) {
		for (i = 0; i < nkeys; i++)
			if (keys[i] == KEY_AGENT) {
				columns[ncolumns++] = "agent_arn";
				columns[ncolumns++] = "username";
			} else
				columns[ncolumns++] = key_names[keys[i]];
		for (i = 0; i < NMETRICS; i++)
			columns[ncolumns++] = metric_columns[i];
	}
	*n = ncolumns;
	return columns;
}

/*
 * -g for the other tables that group (now): how many keys were given (0
 * without -g), whether key i is the agent, its column name, and what a
 * snapshot shows for it.
 */
size_t
group_nkeys(void)
{
	return grouped ? nkeys : 0;
}

int
group_key_is_agent(size_t i)
{
	return keys[i] == KEY_AGENT;
}

const char *
group_key_name(size_t i)
{
	return key_names[keys[i]];
}

const char *
group_key_value(size_t i, const struct snapshot *s)
{
	if (s == NULL || keys[i] == KEY_AGENT)
		return NULL;
	if (keys[i] == F_STATUS)
		return s->status_name;
	if (keys[i] == F_PROFILE)
		return s->routing_profile;
	return s->hierarchy[keys[i] - F_LEVEL1];
}

/* Whether field f is one of the -g keys. */
static int
keyed(int f)
{
	size_t i;

	for (i = 0; i < nkeys; i++)
		if (keys[i] == f)
			return 1;
	return 0;
}

/* Order of two tallies' keys: the -g fields in the order given. */
static int
key_cmp(const char *const *a, const char *const *b)
{
	size_t i;
	int c;

	for (i = 0; i < nkeys; i++)
		if (keys[i] != KEY_AGENT &&
		    (c = strcmp_null(a[keys[i]], b[keys[i]])) != 0)
			return c;
	return 0;
}

/* What a tally is looked up by. */
struct tally_key {
	int64_t			 bucket;
	const char *const	*field;
};

static int
tally_cmp(const void *row, const void *key)
{
	const struct tally *t = row;
	const struct tally_key *k = key;

	if (t->bucket != k->bucket)
		return t->bucket < k->bucket ? -1 : 1;
	return key_cmp(FIELDS(t->field), k->field);
}

/* The totals of `bucket` and the group of fields, made when missing. */
static struct tally *
tally_get(struct summary_part *p, int64_t bucket, const char *const *field)
{
	struct tally_key k = { bucket, field };
	struct tally *t;
	size_t i, f;
	int found;

	i = rows_find(p->v, p->n, sizeof(*p->v), &k, tally_cmp, &found);
	if (found)
		return &p->v[i];
	p->v = rows_insert(p->v, &p->n, &p->cap, sizeof(*p->v), i);
	t = &p->v[i];
	t->bucket = bucket;
	for (f = 0; f < NFIELDS; f++)
		if (keyed((int)f))
			t->field[f] = xstrdup(field[f]);
	return t;
}

static void
tally_free(struct tally *t)
{
	size_t f;

	for (f = 0; f < NFIELDS; f++)
		free(t->field[f]);
}

/* total / n rounded to the nearest millisecond, without overflow. */
static int64_t
mean(int64_t total, int64_t n)
{
	return total / n + (total % n >= (n + 1) / 2);
}

/* The buckets before `done` are written; a new engine starts over. */
static void
check_engine(const struct view *v)
{
	if (run_engine != v->engine) {
		run_engine = v->engine;
		done = INT64_MIN;
	}
}

/* The bucket of time t; one already written takes the first open one. */
static int64_t
bucket_of(const struct view *v, int64_t t)
{
	int64_t b = bucket_start(t);

	check_engine(v);
	return bucket_enabled() && b < done ? done : b;
}

/* AgentStatus.Type, or the type implied by the name. */
static enum status_class
status_class(const struct snapshot *s)
{
	const char *type = s->status_type;

	if (type == NULL)
		return strcmp(s->status_name, "Available") == 0 ? T_ROUTABLE :
		    strcmp(s->status_name, "Offline") == 0 ? T_OFFLINE :
		    T_CUSTOM;
	return strcmp(type, "ROUTABLE") == 0 ? T_ROUTABLE :
	    strcmp(type, "OFFLINE") == 0 ? T_OFFLINE : T_CUSTOM;
}

/* Replace *dst by a copy of src unless they are equal. */
static void
set_field(char **dst, const char *src)
{
	if (strcmp_null(*dst, src) == 0)
		return;
	free(*dst);
	*dst = xstrdup(src);
}

/* What snapshot s shows. */
static void
shows_set(struct shows *w, const struct snapshot *s)
{
	const struct contact *c;
	enum activity act;
	const char *name;
	size_t i;

	name = activity_of(s, &act);
	switch (act) {
	case ACT_AVAILABLE: w->kind = K_AVAILABLE; break;
	case ACT_INCOMING: w->kind = K_INCOMING; break;
	case ACT_ON_CONTACT: w->kind = K_ON_CONTACT; break;
	case ACT_ACW: w->kind = K_ACW; break;
	case ACT_OFFLINE: w->kind = K_OFFLINE; break;
	case ACT_ERROR:
		w->kind = strcmp(name, "Missed") == 0 ? K_MISSED :
		    strcmp(name, "Rejected") == 0 ? K_REJECTED : K_ERROR;
		break;
	default:
		w->kind = K_CUSTOM;
		break;
	}
	w->type = status_class(s);
	w->handling = w->offered = w->error = w->inbound = 0;
	for (i = 0; i < s->ncontacts; i++) {
		c = &s->contacts[i];
		switch (c->state) {
		case CS_CONNECTED:
		case CS_CONNECTED_ONHOLD:
		case CS_PAUSED:
		case CS_ENDED:
			w->handling = 1;
			break;
		case CS_INCOMING:
		case CS_PENDING:
		case CS_CONNECTING:
			w->offered = 1;
			if (c->initiation_method != NULL &&
			    strcmp(c->initiation_method, "INBOUND") == 0)
				w->inbound++;
			break;
		case CS_ERROR:
			w->error = 1;
			break;
		default:
			break;
		}
	}
	set_field(&w->field[F_STATUS], s->status_name);
	set_field(&w->field[F_PROFILE], s->routing_profile);
	for (i = 0; i < 5; i++)
		set_field(&w->field[F_LEVEL1 + i], s->hierarchy[i]);
}

static void
shows_clear(struct shows *w)
{
	size_t f;

	for (f = 0; f < NFIELDS; f++) {
		free(w->field[f]);
		w->field[f] = NULL;
	}
}

/* A piece of a stretch within one bucket; arg is the stretch's shows. */
static void
credit_piece(struct view *v, struct agent *a, const void *arg,
    int64_t start, int64_t end, const char *ended_by)
{
	const struct shows *w = arg;
	int64_t d = end - start, *sum;

	(void)ended_by;
	sum = tally_get(PART(v, a), bucket_of(v, start), FIELDS(w->field))->sum;
	add_sat(&sum[S_LOGGED_IN], d);
	add_sat(&sum[S_ACT + w->kind], d);
	if (w->kind == K_UNKNOWN)
		return;
	if (w->type != T_OFFLINE)
		add_sat(&sum[S_ONLINE], d);
	if (w->type == T_CUSTOM)
		add_sat(&sum[S_NPT], d);
	if (w->handling && w->type == T_ROUTABLE)
		add_sat(&sum[S_ON_CONTACT], d);
	if (!w->handling && !w->offered && w->type == T_ROUTABLE)
		add_sat(&sum[S_IDLE], d);
	if (w->error)
		add_sat(&sum[S_ERROR_STATUS], d);
	if (w->inbound > 0 && d <= INT64_MAX / w->inbound)
		add_sat(&sum[S_CONNECTING], d * w->inbound);
}

/* Count the open stretch from its start to end, and go on from there. */
static void
credit(struct view *v, struct agent *a, int64_t end)
{
	struct summary_part *p = PART(v, a);
	struct shows unknown;
	int64_t until;

	if (!p->open || end <= p->start)
		return;
	if (p->unknown_until > p->start) {
		until = p->unknown_until < end ? p->unknown_until : end;
		memset(&unknown, 0, sizeof(unknown));
		unknown.kind = K_UNKNOWN;
		unknown.type = T_UNKNOWN;
		memcpy(unknown.field, p->shows.field, sizeof(unknown.field));
		unknown.field[F_STATUS] = NULL;
		view_split(v, a, &unknown, p->start, until, NULL,
		    credit_piece);
		p->start = until;
	}
	if (end > p->start && !p->nosnapshot)
		view_split(v, a, &p->shows, p->start, end, NULL, credit_piece);
	if (end > p->start)
		p->start = end;
}

/* Open a stretch at t with what s shows (NULL: no snapshot yet). */
static void
stretch_open(struct summary_part *p, const struct snapshot *s, int64_t t,
    int login)
{
	p->open = 1;
	p->start = t;
	p->unknown_until = INT64_MIN;
	p->nosnapshot = s == NULL;
	if (s == NULL) {
		shows_clear(&p->shows);
		p->shows.kind = K_UNKNOWN;
		p->shows.type = T_UNKNOWN;
		p->unknown_until = INT64_MAX;
		return;
	}
	shows_set(&p->shows, s);
	if (login && s->status_start > t)
		p->unknown_until = s->status_start;
}

/*
 * Follow the stretches of time as the activity intervals do: LOGIN
 * opens one, LOGOUT ends it, and every other event with a snapshot in
 * a session that is not closed goes on from its EventTimestamp.  A
 * stretch already counted past the event's time (the clock passed a
 * bucket's end first) changes where it was counted up to.
 */
static void
follow(struct view *v, struct agent *a, const struct event *ev)
{
	struct summary_part *p = PART(v, a);
	const struct snapshot *s = ev->cur.present ? &ev->cur : NULL;
	int64_t t = ev->time, split;

	if (p->open && t < p->start)
		t = p->start;
	switch (ev->type) {
	case EV_LOGIN:
		credit(v, a, t);
		stretch_open(p, s, t, 1);
		return;
	case EV_LOGOUT:
		credit(v, a, t);
		p->open = 0;
		return;
	default:
		break;
	}
	if (a->session == SESSION_CLOSED || s == NULL)
		return;
	if (!p->open) {
		stretch_open(p, s, t, 0);
		return;
	}
	if (p->nosnapshot) {
		/* the UNKNOWN stretch ends where the first status started */
		split = s->status_start < p->start ? p->start :
		    s->status_start > t ? t : s->status_start;
		p->unknown_until = split;
		credit(v, a, split);
		p->nosnapshot = 0;
		p->unknown_until = INT64_MIN;
		shows_set(&p->shows, s);	/* from there on */
	}
	credit(v, a, t);
	shows_set(&p->shows, s);
}

/*
 * Count each contact once per agent, in the bucket of the event that
 * first shows it connected, missed or rejected.  Contacts are remembered
 * while the agent's snapshot lists them.
 */
static void
count_contacts(struct summary_part *p, const struct event *ev,
    struct tally *t)
{
	const struct contact *c;
	struct counted *k;
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
		t->sum[bit == 1 ? S_CONNECTED : bit == 2 ? S_MISSED :
		    S_REJECTED]++;
	}
}

static void
summary_event(struct view *v, struct agent *a, const struct event *ev,
    const struct snapshot *prev, int in_order)
{
	struct summary_part *p = PART(v, a);
	const char *here[NFIELDS] = { NULL };
	struct tally *t;
	size_t i;

	(void)prev;
	if (!in_order)
		return;
	follow(v, a, ev);
	/* the event counts in the group its own snapshot names */
	if (ev->cur.present) {
		here[F_STATUS] = ev->cur.status_name;
		here[F_PROFILE] = ev->cur.routing_profile;
		for (i = 0; i < 5; i++)
			here[F_LEVEL1 + i] = ev->cur.hierarchy[i];
	} else if (p->open)
		memcpy(here, p->shows.field, sizeof(here));
	t = tally_get(p, bucket_of(v, ev->time), here);
	if (!t->has_events)
		t->first_event = ev->time;
	t->has_events = 1;
	t->last_event = ev->time;
	if (ev->cur.present)
		count_contacts(p, ev, t);
}

/* An ACW that ended counts whole, in the bucket and group it ended in. */
static void
summary_interval(struct view *v, struct agent *a, const struct interval *iv)
{
	struct summary_part *p = PART(v, a);
	static const char *const none[NFIELDS];
	int64_t end = iv->end, as_of = v->engine->as_of, length;
	struct tally *t;

	/* with -t, an ACW still open at the end counts as ended then */
	if (end < 0 && iv->ended_by != NULL && as_of >= 0)
		end = as_of > iv->start ? as_of : iv->start;
	if (iv->kind != IV_ACW || end < 0)
		return;
	length = end - iv->start;
	t = tally_get(p, bucket_of(v, end), p->open ?
	    FIELDS(p->shows.field) : none);
	t->sum[S_ACW_COUNT]++;
	add_sat(&t->sum[S_ACW_TOTAL], length);
	if (length > t->sum[S_ACW_MAX])
		t->sum[S_ACW_MAX] = length;
}

static void
write_row(struct view *v, const struct agent *a, const struct tally *t)
{
	struct cell cells[MAX_KEYS + 1 + NMETRICS], *c = cells;
	const int64_t *s = t->sum;
	size_t i, k;

	for (i = 0; i < nkeys; i++)
		if (keys[i] == KEY_AGENT) {
			*c++ = C_STR(a->arn);
			*c++ = C_STR(a->username);
		} else
			*c++ = C_STR(t->field[keys[i]]);
	*c++ = bucket_enabled() ? C_TIME(t->bucket) : C_NULL;
	*c++ = t->has_events ? C_TIME(t->first_event) : C_NULL;
	*c++ = t->has_events ? C_TIME(t->last_event) : C_NULL;
	*c++ = C_MS(s[S_LOGGED_IN]);
	*c++ = C_MS(s[S_ONLINE]);
	*c++ = C_MS(s[S_NPT]);
	*c++ = C_MS(s[S_IDLE]);
	*c++ = C_MS(s[S_ON_CONTACT]);
	*c++ = out_ratio(s[S_ON_CONTACT], s[S_ON_CONTACT] + s[S_IDLE]);
	*c++ = C_MS(s[S_CONNECTING]);
	*c++ = C_MS(s[S_ERROR_STATUS]);
	for (k = 0; k < NKINDS; k++)
		*c++ = C_MS(s[S_ACT + k]);
	*c++ = C_INT(s[S_CONNECTED]);
	*c++ = C_INT(s[S_MISSED]);
	*c++ = C_INT(s[S_REJECTED]);
	*c++ = C_INT(s[S_MISSED] + s[S_REJECTED]);
	*c++ = out_ratio(s[S_CONNECTED], s[S_CONNECTED] + s[S_MISSED] +
	    s[S_REJECTED]);
	*c++ = C_INT(s[S_ACW_COUNT]);
	*c++ = C_MS(s[S_ACW_TOTAL]);
	*c++ = s[S_ACW_COUNT] ? C_MS(mean(s[S_ACW_TOTAL], s[S_ACW_COUNT])) :
	    C_NULL;
	*c++ = s[S_ACW_COUNT] ? C_MS(s[S_ACW_MAX]) : C_NULL;
	(void)out_row(v->out, cells);
}

/* Add tally b into a: sums, the longest ACW, first and last events. */
static void
tally_merge(struct tally *a, const struct tally *b)
{
	size_t i;

	for (i = 0; i < NSUMS; i++)
		if (i == S_ACW_MAX) {
			if (b->sum[i] > a->sum[i])
				a->sum[i] = b->sum[i];
		} else
			add_sat(&a->sum[i], b->sum[i]);
	if (b->has_events) {
		if (!a->has_events || b->first_event < a->first_event)
			a->first_event = b->first_event;
		if (!a->has_events || b->last_event > a->last_event)
			a->last_event = b->last_event;
		a->has_events = 1;
	}
}

static int
group_cmp(const void *x, const void *y)
{
	const struct tally *a = x, *b = y;

	return key_cmp(FIELDS(a->field), FIELDS(b->field));
}

/*
 * Write the rows of bucket b and forget them: per agent in the order
 * agents were first seen, or with groups that leave the agent out, the
 * sums of the agents' rows of each group, in the order of the keys.
 */
static void
write_bucket(struct view *v, int64_t b)
{
	const struct engine *e = v->engine;
	struct tally *groups = NULL, *t;
	struct summary_part *p;
	size_t i, j, k, ngroups = 0;

	for (i = 0; i < e->nagents; i++) {
		p = PART(v, e->order[i]);
		if (p->n == 0)
			continue;
		for (j = 0; j < p->n && p->v[j].bucket < b; j++)
			;
		for (k = j; k < p->n && p->v[k].bucket == b; k++) {
			t = &p->v[k];
			if (v->out != NULL && by_agent)
				write_row(v, e->order[i], t);
			else if (v->out != NULL) {
				groups = xrealloc(groups, ngroups + 1,
				    sizeof(*groups));
				groups[ngroups++] = *t;
				continue;	/* its strings go with it */
			}
			tally_free(t);
		}
		memmove(&p->v[j], &p->v[k], (p->n - k) * sizeof(*p->v));
		p->n -= k - j;
	}
	if (ngroups > 0) {
		qsort(groups, ngroups, sizeof(*groups), group_cmp);
		for (i = 0; i < ngroups; i = j) {
			for (j = i + 1; j < ngroups &&
			    group_cmp(&groups[i], &groups[j]) == 0; j++) {
				tally_merge(&groups[i], &groups[j]);
				tally_free(&groups[j]);
			}
			write_row(v, NULL, &groups[i]);
			tally_free(&groups[i]);
		}
	}
	free(groups);
}

/* Write every bucket before `before` that an agent holds, in order. */
static void
write_buckets(struct view *v, int64_t before)
{
	const struct engine *e = v->engine;
	const struct summary_part *p;
	int64_t b;
	size_t i;

	for (;;) {
		b = INT64_MAX;
		for (i = 0; i < e->nagents; i++) {
			p = PART(v, e->order[i]);
			if (p->n > 0 && p->v[0].bucket < b)
				b = p->v[0].bucket;
		}
		if (b == INT64_MAX || b >= before)
			return;
		write_bucket(v, b);
	}
}

/* Count every open stretch up to t. */
static void
credit_all(struct view *v, int64_t t)
{
	const struct engine *e = v->engine;
	size_t i;

	for (i = 0; i < e->nagents; i++)
		credit(v, e->order[i], t);
}

/*
 * The clock moved: when it passed the end of a bucket, what is still
 * open counts up to there and the buckets before it are complete.
 */
static void
summary_tick(struct view *v)
{
	int64_t now;

	check_engine(v);
	if (!bucket_enabled() || v->engine->clock < 0 ||
	    (now = bucket_start(v->engine->clock)) <= done)
		return;
	credit_all(v, now);
	write_buckets(v, now);
	done = now;
}

/*
 * The end of the input, once for all agents (at the last one): count
 * what is open up to the clock, and write every row; with -S and -i
 * only the complete buckets are written (by the tick), the others are
 * carried.
 */
static void
summary_finish(struct view *v, struct agent *a, int open_rows)
{
	const struct engine *e = v->engine;

	if (a != e->order[e->nagents - 1])
		return;
	if (e->clock >= 0)
		credit_all(v, e->clock);
	if (open_rows || !bucket_enabled())
		write_buckets(v, INT64_MAX);
}

static void
summary_clear(void *part)
{
	struct summary_part *p = part;
	size_t i;

	shows_clear(&p->shows);
	for (i = 0; i < p->n; i++)
		tally_free(&p->v[i]);
	free(p->v);
	free(p->counted);
}

static json_t *
fields_json(char *const *field)
{
	json_t *arr = json_array();
	size_t f;

	for (f = 0; f < NFIELDS; f++)
		json_array_append_new(arr, state_str_json(field[f]));
	return arr;
}

/*
 * The contacts counted, the stretch in progress and the rows of buckets
 * not complete yet (with -i); without -i the totals are per run.
 */
static void
summary_save(const void *part, json_t *o)
{
	const struct summary_part *p = part;
	const struct tally *t;
	json_t *arr = json_array(), *sums;
	size_t i, k;

	for (i = 0; i < p->ncounted; i++)
		json_array_append_new(arr, json_pack("{s:o,s:i}", "id",
		    state_hash_json(p->counted[i].id), "states",
		    (int)p->counted[i].states));
	json_object_set_new(o, "counted", arr);
	if (p->open)
		json_object_set_new(o, "stretch", json_pack(
		    "{s:I,s:I,s:b,s:i,s:i,s:i,s:i,s:i,s:i,s:o}",
		    "start", (json_int_t)p->start,
		    "unknown_until", (json_int_t)p->unknown_until,
		    "nosnapshot", p->nosnapshot, "kind", (int)p->shows.kind,
		    "type", (int)p->shows.type, "handling", p->shows.handling,
		    "offered", p->shows.offered, "error", p->shows.error,
		    "inbound", p->shows.inbound,
		    "fields", fields_json(p->shows.field)));
	else
		json_object_set_new(o, "stretch", json_null());
	arr = json_array();
	for (i = 0; i < p->n; i++) {
		t = &p->v[i];
		sums = json_array();
		for (k = 0; k < NSUMS; k++)
			json_array_append_new(sums,
			    json_integer((json_int_t)t->sum[k]));
		json_array_append_new(arr, json_pack("{s:I,s:o,s:o,s:o,s:o}",
		    "bucket", (json_int_t)t->bucket,
		    "fields", fields_json(t->field),
		    "first_event", t->has_events ?
		    json_integer(t->first_event) : json_null(),
		    "last_event", t->has_events ?
		    json_integer(t->last_event) : json_null(),
		    "sums", sums));
	}
	json_object_set_new(o, "tallies", arr);
}

static int
load_fields(struct loader *l, json_t *arr, char **field)
{
	json_t *j;
	size_t f;

	if (!json_is_array(arr) || json_array_size(arr) != NFIELDS)
		return state_bad(l, "fields");
	for (f = 0; f < NFIELDS; f++) {
		j = json_array_get(arr, f);
		if (!json_is_null(j) && !json_is_string(j))
			return state_bad(l, "fields");
		field[f] = xstrdup(json_string_value(j));
	}
	return 0;
}

static int
load_flag(struct loader *l, json_t *o, const char *key, int64_t max,
    int *out)
{
	int64_t n;

	if (state_int(l, o, key, &n) == -1)
		return -1;
	if (n < 0 || n > max)
		return state_bad(l, key);
	*out = (int)n;
	return 0;
}

static int
load_stretch(struct loader *l, struct summary_part *p, json_t *j)
{
	int kind = 0, type = 0;

	if (j == NULL || json_is_null(j))	/* absent: an older state */
		return 0;
	if (!json_is_object(j) || !json_is_boolean(json_object_get(j,
	    "nosnapshot")))
		return state_bad(l, "stretch");
	p->open = 1;
	p->nosnapshot = json_is_true(json_object_get(j, "nosnapshot"));
	if (state_int(l, j, "start", &p->start) ||
	    state_int(l, j, "unknown_until", &p->unknown_until) ||
	    load_flag(l, j, "kind", NKINDS - 1, &kind) ||
	    load_flag(l, j, "type", T_UNKNOWN, &type) ||
	    load_flag(l, j, "handling", 1, &p->shows.handling) ||
	    load_flag(l, j, "offered", 1, &p->shows.offered) ||
	    load_flag(l, j, "error", 1, &p->shows.error) ||
	    load_flag(l, j, "inbound", MAX_CONTACTS, &p->shows.inbound) ||
	    load_fields(l, json_object_get(j, "fields"), p->shows.field))
		return -1;
	p->shows.kind = (enum kind)kind;
	p->shows.type = (enum status_class)type;
	return 0;
}

static int
load_tally(struct loader *l, struct summary_part *p, json_t *j)
{
	struct tally *t;
	json_t *sums, *first, *last, *n;
	size_t k;

	if (!json_is_object(j))
		return state_bad(l, "tallies");
	if (p->n > 0 && json_is_integer(json_object_get(j, "bucket")) &&
	    json_integer_value(json_object_get(j, "bucket")) <
	    p->v[p->n - 1].bucket)
		return state_bad(l, "tallies out of order");
	p->v = xrealloc(p->v, p->n + 1, sizeof(*p->v));
	p->cap = ++p->n;
	t = &p->v[p->n - 1];
	memset(t, 0, sizeof(*t));
	sums = json_object_get(j, "sums");
	first = json_object_get(j, "first_event");
	last = json_object_get(j, "last_event");
	if (state_int(l, j, "bucket", &t->bucket) ||
	    load_fields(l, json_object_get(j, "fields"), t->field))
		return -1;
	if (!json_is_array(sums) || json_array_size(sums) != NSUMS)
		return state_bad(l, "sums");
	json_array_foreach(sums, k, n) {
		if (!json_is_integer(n))
			return state_bad(l, "sums");
		t->sum[k] = (int64_t)json_integer_value(n);
	}
	if (json_is_integer(first) && json_is_integer(last)) {
		t->has_events = 1;
		t->first_event = (int64_t)json_integer_value(first);
		t->last_event = (int64_t)json_integer_value(last);
	} else if (!json_is_null(first) || !json_is_null(last))
		return state_bad(l, "first_event");
	return 0;
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
	if (load_stretch(l, p, json_object_get(o, "stretch")) == -1)
		return -1;
	j = json_object_get(o, "tallies");
	if (j == NULL)
		return 0;
	if (!json_is_array(j))
		return state_bad(l, "tallies");
	json_array_foreach(j, i, h)
		if (load_tally(l, p, h) == -1)
			return -1;
	return 0;
}

/* Rows not written yet keep the agent in the state. */
static int
summary_busy(const void *part)
{
	const struct summary_part *p = part;

	return p->open || p->n > 0;
}

static const struct view_ops *const needs[] = { &acw_view, NULL };

const struct view_ops summary_view = {
	.name = "summary",
	.columns_of = summary_columns,
	.needs = needs,
	.part_size = sizeof(struct summary_part),
	.event = summary_event,
	.interval = summary_interval,
	.finish = summary_finish,
	.clear = summary_clear,
	.save = summary_save,
	.load = summary_load,
	.busy = summary_busy,
	.tick = summary_tick,
};
