/*
 * adherence.c: the `adherence` table, each agent's time against the -A
 * schedule: scheduled, in and out of adherence, logged in, unscheduled,
 * and the out-of-adherence stretches (exceptions), one row per agent or
 * group (-g) and bucket (-i).
 *
 * A segment of activity Work is adhered to while the agent is logged in
 * with a ROUTABLE status; any other activity while the status has its
 * name (case aside).  Logged out and the UNKNOWN stretch of a session are
 * out of adherence; time logged in outside every segment is unscheduled.
 * What the agent is doing comes from the status view's intervals; each
 * agent is accounted up to `credited`, as far as that is known: to each
 * status change, to each segment boundary the clock passes (a boundary is
 * an event of its own: the stretch of a skipped break opens at the
 * break's start with no event from the agent), to each bucket end with
 * -i, and to the clock at the end.  A stretch of out-of-adherence time
 * ends where its segment does; each is published to the other views as
 * an IV_ADHERENCE interval (alert's adherence>D rule and now follow it).
 *
 * An agent is accounted as logged out until the clock reaches its first
 * event; a scheduled agent with no event yet (matched by username, or by
 * ARN when the schedule has only agent_arn) is worked out from the
 * schedule alone when its rows are written, and `from` says up to where
 * that has been done, so that batches with -S give the rows of one run.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agentev.h"
#include "engine.h"

#define MAX_KEYS	16
#define TIME_LIMIT	((int64_t)1 << 50)	/* ms; beyond the year 9999 */

static const char *const metric_columns[] = {
	"bucket_start", "scheduled_s", "in_adherence_s",
	"out_of_adherence_s", "adherence", "logged_in_scheduled_s",
	"unscheduled_s", "conformance", "exceptions"
};

#define NMETRICS	(sizeof(metric_columns) / sizeof(metric_columns[0]))

/* Sums of a row, in milliseconds (exceptions: a count). */
enum { A_SCHEDULED, A_IN, A_OUT, A_PRESENT, A_UNSCHEDULED, A_EXCEPTIONS,
	NSUMS };

#define BIT(s)		(1u << (s))

/*
 * Which stretches are published: all, opened and ended; while catching
 * up, only those that end (kept in run.ended, published in time order
 * once every agent has caught up), or none.
 */
enum tell { TELL_ALL, TELL_ENDED, TELL_NONE };

/* What the status view shows: logged out, UNKNOWN, or a status. */
enum presence { P_OUT, P_UNKNOWN, P_STATUS };

struct shows {
	enum presence	 presence;
	char		*status;	/* name and type, P_STATUS */
	char		*type;
};

struct tally {
	int64_t		 bucket;
	char		*field[MAX_KEYS];	/* -g values, NULL for agent */
	int64_t		 sum[NSUMS];
};

struct adherence_part {
	int			 started;	/* accounted from credited on */
	int			 linked;	/* the schedule was looked up */
	const struct sched_agent *sched;	/* NULL: not scheduled */
	size_t			 next;		/* first segment not over */
	int64_t			 credited;
	struct shows		 shows;		/* at credited */
	int			 has_next;	/* a change after the clock: */
	int64_t			 next_at;	/* a status that starts later */
	struct shows		 then;		/* than its event */
	int64_t			 out_since;	/* stretch start, or NO_TIME */
	char			*out_activity;	/* its segment's activity */
	int			 excepted;	/* it was counted */
	int			 published;	/* it was published open */
	enum tell		 tell;		/* what is published */
	int			 queued;	/* it has its place in run.due, */
	int64_t			 queued_at;	/* at this time */
	int			 unstarted;	/* in a state without adherence */
	struct tally		*v;		/* by bucket, then fields */
	size_t			 n;
	size_t			 cap;
	/*
	 * -S without -i: the batch's rows count each agent up to the
	 * clock, but the state keeps it where it was (firm), as the next
	 * batch may learn of a status that started before the clock; the
	 * tallies it leaves take back what the rows counted beyond.
	 */
	int			 ahead;
	int64_t			 firm;
	int			 firm_excepted;
	size_t			 firm_next;
	struct tally		*back;		/* firm minus the rows' */
	size_t			 nback;
};

/*
 * The segment boundaries the agents wait for, soonest first (ties in the
 * agents' order): one entry per started, scheduled agent, at or before
 * its next boundary (an event that moved it on leaves the entry early;
 * the tick moves it when it comes up).
 */
struct due {
	int64_t		 at;
	struct agent	*agent;
};

/* A stretch that ended while its agent caught up (TELL_ENDED). */
struct ended {
	struct agent	*agent;
	char		*activity;
	int64_t		 since;
	int64_t		 end;
};

/*
 * What every agent shares within one run: the buckets before `done` and
 * the schedule-only time before `from` are written; `due` the boundaries
 * agents wait for; `taken` marks the scheduled agents that an agent of
 * the input has; `absent` the engine's absent agents, for alert, of the
 * scheduled agents not taken; `ended` the stretches they caught up on.
 */
static struct {
	const struct engine	*engine;
	int64_t			 done;
	int64_t			 from;
	struct due		*due;
	size_t			 ndue;
	size_t			 due_cap;
	unsigned char		*taken;
	struct agent		**absent;	/* by scheduled agent */
	int			 absent_made;
	struct ended		*ended;
	size_t			 nended;
	int			 followed;	/* the state's run had -A */
} run;

/* A state's adherence was dropped by a run without -A. */
static int dropped;

/* Columns ------------------------------------------------------------ */

static const char *const *
adherence_columns(size_t *n)
{
	static const char *cols[2 * MAX_KEYS + NMETRICS];
	static size_t ncols;
	size_t i;

	if (ncols == 0) {
		if (group_nkeys() == 0) {
			cols[ncols++] = "agent_arn";
			cols[ncols++] = "username";
		}
		for (i = 0; i < group_nkeys() && i < MAX_KEYS; i++)
			if (group_key_is_agent(i)) {
				cols[ncols++] = "agent_arn";
				cols[ncols++] = "username";
			} else
				cols[ncols++] = group_key_name(i);
		for (i = 0; i < NMETRICS; i++)
			cols[ncols++] = metric_columns[i];
	}
	*n = ncols;
	return cols;
}

/* Whether rows are per agent: no -g, or -g with the agent key. */
static int
by_agent(void)
{
	size_t i;

	if (group_nkeys() == 0)
		return 1;
	for (i = 0; i < group_nkeys(); i++)
		if (group_key_is_agent(i))
			return 1;
	return 0;
}

/* Tallies ------------------------------------------------------------ */

#define FIELDS(f)	((const char *const *)(f))

static int
fields_cmp(const char *const *a, const char *const *b)
{
	size_t i;
	int c;

	for (i = 0; i < group_nkeys() && i < MAX_KEYS; i++)
		if ((c = strcmp_null(a[i], b[i])) != 0)
			return c;
	return 0;
}

/*
 * The -g values of what agent a shows: its last snapshot, or before it
 * has one, that of the event it is being given (its first); the status
 * is the one being accounted, none while logged out or UNKNOWN.
 */
static void
fields_of(const struct view *v, const struct agent *a, const char **f)
{
	const struct event *ev = v->engine->applying;
	const struct snapshot *s = a->last;
	const struct adherence_part *p = PART(v, a);
	size_t i;

	if (s == NULL && ev != NULL && ev->cur.present &&
	    strcmp(ev->agent_arn, a->arn) == 0)
		s = &ev->cur;
	memset(f, 0, MAX_KEYS * sizeof(*f));
	for (i = 0; i < group_nkeys() && i < MAX_KEYS; i++)
		if (strcmp(group_key_name(i), "status") == 0)
			f[i] = p->shows.status;	/* none logged out */
		else if (!group_key_is_agent(i))
			f[i] = group_key_value(i, s);
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
	return fields_cmp(FIELDS(t->field), k->field);
}

/* The totals of `bucket` and the group of fields, made when missing. */
static struct tally *
tally_get(struct adherence_part *p, int64_t bucket, const char *const *field)
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
	for (f = 0; f < MAX_KEYS; f++)
		t->field[f] = xstrdup(field[f]);
	return t;
}

static void
tally_free(struct tally *t)
{
	size_t k;

	for (k = 0; k < MAX_KEYS; k++)
		free(t->field[k]);
}

/* The bucket of t; one already written gives the first open one. */
static int64_t
bucket_of(int64_t t)
{
	int64_t b = bucket_start(t);

	return bucket_enabled() && b < run.done ? run.done : b;
}

/* A piece of [start, end) within one bucket: add it to the sums in arg. */
static void
add_piece(struct view *v, struct agent *a, const void *arg, int64_t start,
    int64_t end, const char *ended_by)
{
	unsigned mask = *(const unsigned *)arg;
	const char *field[MAX_KEYS];
	struct tally *t;
	size_t s;

	(void)ended_by;
	fields_of(v, a, field);
	t = tally_get(PART(v, a), bucket_of(start), field);
	for (s = 0; s < NSUMS; s++)
		if (mask & BIT(s))
			add_sat(&t->sum[s], end - start);
}

static void
count(struct view *v, struct agent *a, unsigned mask, int64_t start,
    int64_t end)
{
	if (end > start && !a->absent)	/* an absent agent's rows come
					   from the schedule: write_bucket */
		view_split(v, a, &mask, start, end, "", add_piece);
}

/* Stretches ---------------------------------------------------------- */

static void
publish_as(struct view *v, struct agent *a, const char *activity,
    int64_t since, int64_t end)
{
	struct interval iv = { IV_ADHERENCE, activity, NULL, ACT_NKINDS,
	    NULL, since, end, end < 0 ? NULL : "CHANGE", NO_TIME };

	engine_publish(v->engine, a, &iv);
}

/* The agent's stretch opened (end < 0) or ended at end. */
static void
publish(struct view *v, struct agent *a, int64_t end)
{
	struct adherence_part *p = PART(v, a);

	publish_as(v, a, p->out_activity, p->out_since, end);
}

/* Out of adherence from t in seg, unless already. */
static void
stretch_begin(struct view *v, struct agent *a, const struct segment *seg,
    int64_t t)
{
	struct adherence_part *p = PART(v, a);

	if (p->out_since != NO_TIME)
		return;
	p->out_since = t;
	p->out_activity = xstrdup(seg->activity);
	p->excepted = 0;
	p->published = p->tell == TELL_ALL;
	if (p->published)
		publish(v, a, -1);
}

static void
stretch_end(struct view *v, struct agent *a, int64_t t)
{
	struct adherence_part *p = PART(v, a);

	if (p->out_since == NO_TIME)
		return;
	if (p->published)
		publish(v, a, t);
	else if (p->tell == TELL_ENDED) {
		run.ended = xrealloc(run.ended, run.nended + 1,
		    sizeof(*run.ended));
		run.ended[run.nended++] = (struct ended){ a, p->out_activity,
		    p->out_since, t };
		p->out_activity = NULL;
	}
	free(p->out_activity);
	p->out_activity = NULL;
	p->out_since = NO_TIME;
	p->excepted = 0;
	p->published = 0;
}

/* Whether what the agent shows adheres to seg. */
static int
adheres(const struct adherence_part *p, const struct segment *seg)
{
	if (p->shows.presence != P_STATUS)
		return 0;
	if (seg->work)
		return p->shows.type != NULL &&
		    strcmp(p->shows.type, "ROUTABLE") == 0;
	return strcasecmp(p->shows.status, seg->activity) == 0;
}

/* The segment credited is in, or NULL; segments over are passed. */
static const struct segment *
current(struct adherence_part *p)
{
	const struct sched_agent *s = p->sched;

	if (s == NULL)
		return NULL;
	while (p->next < s->nseg && s->seg[p->next].end <= p->credited)
		p->next++;
	if (p->next < s->nseg && s->seg[p->next].start <= p->credited)
		return &s->seg[p->next];
	return NULL;
}

static void
shows_clear(struct shows *s)
{
	free(s->status);
	free(s->type);
	memset(s, 0, sizeof(*s));
}

/*
 * Account the agent from credited to t as what it shows: segment by
 * segment, opening and ending the stretches on the way.
 */
static void
credit_to(struct view *v, struct agent *a, int64_t t)
{
	struct adherence_part *p = PART(v, a);
	const struct segment *seg;
	int64_t end, threshold = alert_adherence_threshold(), cross;
	unsigned present = p->shows.presence != P_OUT ? BIT(A_PRESENT) : 0;

	while (p->started && p->credited < t) {
		if ((seg = current(p)) == NULL) {
			/* a stretch ends with its segment (or a schedule
			   read again without it) */
			stretch_end(v, a, p->credited);
			end = t;
			if (p->sched != NULL && p->next < p->sched->nseg &&
			    p->sched->seg[p->next].start < t)
				end = p->sched->seg[p->next].start;
			if (present)
				count(v, a, BIT(A_UNSCHEDULED), p->credited,
				    end);
			p->credited = end;
			continue;
		}
		end = seg->end < t ? seg->end : t;
		if (adheres(p, seg)) {
			stretch_end(v, a, p->credited);
			count(v, a, BIT(A_SCHEDULED) | BIT(A_IN) | present,
			    p->credited, end);
		} else {
			stretch_begin(v, a, seg, p->credited);
			count(v, a, BIT(A_SCHEDULED) | BIT(A_OUT) | present,
			    p->credited, end);
			cross = p->out_since + threshold;
			if (!p->excepted && end > cross && !a->absent) {
				const char *field[MAX_KEYS];

				fields_of(v, a, field);
				tally_get(p, bucket_of(cross),
				    field)->sum[A_EXCEPTIONS]++;
				p->excepted = 1;
			}
		}
		p->credited = end;
		if (end == seg->end)
			stretch_end(v, a, end);
	}
}

static void	evaluate(struct view *, struct agent *);

/*
 * credit_to t, and on the way the change that the status view told
 * ahead of the clock (a status whose start is later than its event's
 * time), when t passes it.
 */
static void
credit(struct view *v, struct agent *a, int64_t t)
{
	struct adherence_part *p = PART(v, a);

	if (p->has_next && p->next_at <= t) {
		credit_to(v, a, p->next_at);
		shows_clear(&p->shows);
		p->shows = p->then;
		memset(&p->then, 0, sizeof(p->then));
		p->has_next = 0;
		evaluate(v, a);
	}
	credit_to(v, a, t);
}

/* Open or end the stretch at credited, for what the agent shows now. */
static void
evaluate(struct view *v, struct agent *a)
{
	struct adherence_part *p = PART(v, a);
	const struct segment *seg;

	if (!p->started)
		return;
	if ((seg = current(p)) == NULL || adheres(p, seg))
		stretch_end(v, a, p->credited);
	else
		stretch_begin(v, a, seg, p->credited);
}

/* Agents ------------------------------------------------------------- */

static void	absent_end(struct view *, size_t, struct agent *);

/*
 * Look the agent's schedule up, and mark it as taken: the absent agent
 * that stood for it until now is done.
 */
static void
link(struct view *v, struct adherence_part *p, struct agent *a)
{
	const struct segment *seg;
	size_t n;
	struct sched_agent *all = schedule_agents(&n);

	if (p->linked || (schedule_by_arn() ? a->arn : a->username) == NULL)
		return;
	p->linked = 1;
	p->sched = schedule_of(a->arn, a->username);
	p->next = 0;
	if (p->sched != NULL) {
		run.taken[p->sched - all] = 1;
		absent_end(v, (size_t)(p->sched - all), a);
		if (p->started)
			p->next = schedule_find(p->sched, p->credited);
	}
	/* a stretch carried (-S) from a schedule read again that has
	   not its segment any more ends where the last run ended */
	if (p->started && p->out_since != NO_TIME &&
	    ((seg = current(p)) == NULL || adheres(p, seg) ||
	    strcmp(seg->activity, p->out_activity) != 0))
		stretch_end(v, a, p->credited > v->engine->start_clock ?
		    p->credited : v->engine->start_clock);
}

static void	queue(struct adherence_part *, struct agent *);

/* The boundary queue ---------------------------------------------- */

static int
due_before(const struct due *x, const struct due *y)
{
	return x->at < y->at || (x->at == y->at &&
	    x->agent->index < y->agent->index);
}

static void
due_down(size_t i)
{
	struct due tmp;
	size_t c;

	while ((c = 2 * i + 1) < run.ndue) {
		if (c + 1 < run.ndue && due_before(&run.due[c + 1], &run.due[c]))
			c++;
		if (!due_before(&run.due[c], &run.due[i]))
			break;
		tmp = run.due[i];
		run.due[i] = run.due[c];
		run.due[c] = tmp;
		i = c;
	}
}

static void
due_push(int64_t at, struct agent *a)
{
	struct due tmp;
	size_t i, up;

	if (run.ndue == run.due_cap) {
		run.due_cap = run.due_cap ? run.due_cap * 2 : 64;
		run.due = xrealloc(run.due, run.due_cap, sizeof(*run.due));
	}
	i = run.ndue++;
	run.due[i].at = at;
	run.due[i].agent = a;
	for (; i > 0 && due_before(&run.due[i], &run.due[up = (i - 1) / 2]);
	    i = up) {
		tmp = run.due[i];
		run.due[i] = run.due[up];
		run.due[up] = tmp;
	}
}

static void
due_pop(void)
{
	run.due[0] = run.due[--run.ndue];
	due_down(0);
}

static void	absent_start(struct view *);

static void	start(struct view *, struct agent *, int64_t);

/*
 * A new run (engine): start from the clock the -S state left.  Once the
 * clock is known (the first event's, or the state's), the absent agents.
 */
static void
sync(struct view *v)
{
	struct engine *e = v->engine;
	struct adherence_part *p;
	size_t i, n;

	if (run.engine == e) {
		if (!run.absent_made && e->clock >= 0)
			absent_start(v);
		return;
	}
	run.engine = e;
	run.from = INT64_MIN;
	if (e->start_clock >= 0)
		run.from = bucket_enabled() ? bucket_start(e->start_clock) :
		    e->start_clock;
	run.done = run.from;
	run.ndue = 0;
	free(run.absent);
	run.absent = NULL;
	run.absent_made = 0;
	free(run.taken);
	(void)schedule_agents(&n);
	if ((run.taken = calloc(n + 1, 1)) == NULL)
		fatal_oom();
	/* the agents seen are the state's: did its run follow a schedule? */
	run.followed = 1;
	for (i = 0; i < e->nagents; i++)
		if (e->order[i]->seen) {
			p = PART(v, e->order[i]);
			run.followed = !p->unstarted;
			if (run.followed)
				break;
		}
	for (i = 0; i < e->nagents; i++) {
		if (!e->order[i]->seen)
			continue;	/* the first event's, not applied yet */
		p = PART(v, e->order[i]);
		if (p->unstarted && e->start_clock >= 0)
			start(v, e->order[i], e->start_clock);
		link(v, p, e->order[i]);
		p->queued = 0;
		queue(p, e->order[i]);
	}
	if (e->clock >= 0)
		absent_start(v);
}

/*
 * The agent's first event in this run or the state: what was not
 * written of its schedule yet counts as logged out up to t (the clock),
 * as a scheduled agent with no events does; only a stretch still open at
 * t is published (as one that began at its segment's start).  The absent
 * agents of a run without a state, which start where the clock does,
 * also publish the stretches that ended before it (no earlier batch
 * did): every scheduled agent has one then, as no agent has an event.
 */
static void
start(struct view *v, struct agent *a, int64_t t)
{
	struct adherence_part *p = PART(v, a);
	const struct segment *seg;
	int64_t threshold = alert_adherence_threshold();
	int64_t since;
	int counted, unstarted;

	if (p->unstarted && v->engine->start_clock < 0) {
		shows_clear(&p->shows);	/* a state with no clock: new */
		p->unstarted = 0;
	}
	unstarted = p->unstarted;
	since = unstarted ? p->credited : INT64_MIN;
	counted = !unstarted && run.followed;	/* by the batch before */
	if (!unstarted)		/* else what the state said it shows */
		p->shows.presence = P_OUT;
	p->unstarted = 0;
	p->out_since = NO_TIME;
	/* one the state had no adherence of starts at the state's clock */
	p->credited = unstarted ? v->engine->start_clock : run.from;
	link(v, p, a);		/* before started: nothing carried to end */
	p->started = 1;
	if (p->sched == NULL || t < 0) {
		p->credited = t;
		return;
	}
	if ((seg = current(p)) != NULL && seg->start < p->credited &&
	    !adheres(p, seg)) {
		/* a stretch from before `from`: counted if long enough
		   (by the batch before, when there was one with -A) */
		p->out_since = seg->start > since ? seg->start : since;
		p->out_activity = xstrdup(seg->activity);
		p->excepted = counted && p->out_since + threshold < run.from;
	}
	p->tell = a->absent == 1 && v->engine->start_clock < 0 ?
	    TELL_ENDED : TELL_NONE;
	credit(v, a, t);
	evaluate(v, a);		/* a segment that starts at t */
	p->tell = TELL_ALL;
	if (p->out_since != NO_TIME) {
		p->published = 1;
		publish(v, a, -1);
	}
}

/*
 * The next segment boundary after credited, or the change told ahead
 * when that is sooner, or INT64_MAX.
 */
static int64_t
next_boundary(struct adherence_part *p)
{
	const struct segment *seg;
	int64_t b = INT64_MAX;

	if (!p->started || p->sched == NULL)
		return INT64_MAX;
	if ((seg = current(p)) != NULL)
		b = seg->end;
	else if (p->next < p->sched->nseg)
		b = p->sched->seg[p->next].start;
	return p->has_next && p->next_at < b ? p->next_at : b;
}

/*
 * A scheduled agent waits for its next boundary from now on: one entry
 * in run.due, moved sooner when a sooner boundary comes up (the entry
 * left behind is dropped when it comes up).
 */
static void
queue(struct adherence_part *p, struct agent *a)
{
	int64_t b;

	if ((b = next_boundary(p)) != INT64_MAX &&
	    (!p->queued || b < p->queued_at)) {
		p->queued = 1;
		p->queued_at = b;
		due_push(b, a);
	}
}

static int
ended_cmp(const void *x, const void *y)
{
	const struct ended *a = x, *b = y;

	if (a->end != b->end)
		return a->end < b->end ? -1 : 1;
	return (a->agent->index > b->agent->index) -
	    (a->agent->index < b->agent->index);
}

/*
 * The stretches the absent agents caught up on, in the order they ended
 * (ties in the schedule's order): before the stretches open where the
 * clock starts, which alert raises only once the tick is over.
 */
static void
publish_ended(struct view *v)
{
	size_t i;

	if (run.nended > 1)
		qsort(run.ended, run.nended, sizeof(*run.ended), ended_cmp);
	for (i = 0; i < run.nended; i++) {
		publish_as(v, run.ended[i].agent, run.ended[i].activity,
		    run.ended[i].since, run.ended[i].end);
		free(run.ended[i].activity);
	}
	free(run.ended);
	run.ended = NULL;
	run.nended = 0;
}

/*
 * With alert or now in the run: an absent agent for each scheduled agent
 * that no agent of the input or the state has, followed from t, where
 * this run starts: the clock the state left, or the first event's.  Out
 * of adherence in every segment, its stretches are published for alert
 * and now; one open at t as one that began at its segment's start (alert
 * knows what an earlier batch raised of it: carried()), and in a run
 * without a state those that ended before t (start()), in time order.
 */
static void
absent_start(struct view *v)
{
	struct engine *e = v->engine;
	struct sched_agent *all;
	struct adherence_part *p;
	struct agent *a;
	int64_t t = e->start_clock >= 0 ? e->start_clock : e->clock;
	size_t i, n;

	run.absent_made = 1;
	if (engine_view(e, &alert_view) == NULL &&
	    engine_view(e, &now_view) == NULL)
		return;
	all = schedule_agents(&n);
	if ((run.absent = calloc(n + 1, sizeof(*run.absent))) == NULL)
		fatal_oom();
	for (i = 0; i < n; i++) {
		if (run.taken[i])
			continue;
		a = run.absent[i] = engine_absent(e, all[i].arn,
		    all[i].username);
		p = PART(v, a);
		p->linked = 1;
		p->sched = &all[i];
		start(v, a, t);
		queue(p, a);
	}
	publish_ended(v);
}

/*
 * Agent `to` of the input has scheduled agent i: its absent agent follows
 * nothing more.  Its stretch, if open, goes on as to's (alert_adopt):
 * to is accounted as logged out up to its first event, so it has the
 * same stretch from the same segment start, unless to was already out
 * of adherence (a username learnt late): then the absent one ends.
 */
static void
absent_end(struct view *v, size_t i, struct agent *to)
{
	struct adherence_part *p, *q;
	struct agent *a;

	if (run.absent == NULL || (a = run.absent[i]) == NULL)
		return;
	run.absent[i] = NULL;
	p = PART(v, a);
	q = PART(v, to);
	if (q->out_since != NO_TIME)
		stretch_end(v, a, v->engine->clock > p->out_since ?
		    v->engine->clock : p->out_since);
	else if (p->out_since != NO_TIME) {
		alert_adopt(v->engine, a, to);
		if (q->started && q->credited >= p->out_since) {
			/* to was accounted past its start, unscheduled
			   (a batch ended before it had a username): the
			   stretch goes on as to's */
			q->out_since = p->out_since;
			q->out_activity = xstrdup(p->out_activity);
			q->published = 1;
		}
		p->published = 0;
		stretch_end(v, a, p->out_since);
	}
	p->sched = NULL;
	a->absent = 2;
}

/*
 * Every hook that names an agent starts here; without -A there is
 * nothing to do.  A scheduled agent may wait for a boundary sooner than
 * the others.
 */
static int
touch(struct view *v, struct agent *a)
{
	struct adherence_part *p = PART(v, a);

	if (!schedule_given())
		return 0;
	sync(v);
	if (!p->started)
		start(v, a, v->engine->clock);
	else
		link(v, p, a);
	queue(p, a);
	return 1;
}

/* Rows --------------------------------------------------------------- */

static void
write_row(struct view *v, const char *arn, const char *username,
    const struct tally *t)
{
	struct cell cells[2 * MAX_KEYS + NMETRICS], *c = cells;
	const int64_t *s = t->sum;
	size_t i;

	if (group_nkeys() == 0) {
		*c++ = C_STR(arn);
		*c++ = C_STR(username);
	}
	for (i = 0; i < group_nkeys() && i < MAX_KEYS; i++)
		if (group_key_is_agent(i)) {
			*c++ = C_STR(arn);
			*c++ = C_STR(username);
		} else
			*c++ = C_STR(t->field[i]);
	*c++ = bucket_enabled() ? C_TIME(t->bucket) : C_NULL;
	*c++ = C_MS(s[A_SCHEDULED]);
	*c++ = C_MS(s[A_IN]);
	*c++ = C_MS(s[A_OUT]);
	*c++ = s[A_SCHEDULED] > 0 ? out_ratio(s[A_IN], s[A_SCHEDULED]) : C_NULL;
	*c++ = C_MS(s[A_PRESENT]);
	*c++ = C_MS(s[A_UNSCHEDULED]);
	*c++ = s[A_SCHEDULED] > 0 ? out_ratio(s[A_PRESENT] + s[A_UNSCHEDULED],
	    s[A_SCHEDULED]) : C_NULL;
	*c++ = C_INT(s[A_EXCEPTIONS]);
	(void)out_row(v->out, cells);
}

/*
 * The sums of a scheduled agent with no events over [lo, hi): logged
 * out, so all of it out of adherence, each segment one stretch, counted
 * where it passes the threshold.  Returns whether anything is there.
 */
static int
schedule_only(const struct sched_agent *s, int64_t lo, int64_t hi,
    struct tally *t)
{
	int64_t threshold = alert_adherence_threshold(), a, b, cross;
	size_t i;
	int any = 0;

	memset(t->sum, 0, sizeof(t->sum));
	for (i = schedule_find(s, lo); i < s->nseg && s->seg[i].start < hi;
	    i++) {
		a = s->seg[i].start > lo ? s->seg[i].start : lo;
		b = s->seg[i].end < hi ? s->seg[i].end : hi;
		if (b > a) {
			add_sat(&t->sum[A_SCHEDULED], b - a);
			add_sat(&t->sum[A_OUT], b - a);
			any = 1;
		}
		cross = s->seg[i].start + threshold;
		if (cross >= lo && cross < hi && cross < s->seg[i].end)
			t->sum[A_EXCEPTIONS]++;
	}
	return any;
}

static int
group_cmp(const void *x, const void *y)
{
	const struct tally *a = x, *b = y;

	return fields_cmp(FIELDS(a->field), FIELDS(b->field));
}

/* Write a row, or with groups that leave the agent out keep it. */
static void
emit(struct view *v, const char *arn, const char *username,
    struct tally *t, struct tally **groups, size_t *ngroups)
{
	size_t k;

	if (by_agent()) {
		write_row(v, arn, username, t);
		return;
	}
	*groups = xrealloc(*groups, *ngroups + 1, sizeof(**groups));
	(*groups)[*ngroups] = *t;
	for (k = 0; k < MAX_KEYS; k++)
		(*groups)[*ngroups].field[k] = xstrdup(t->field[k]);
	(*ngroups)++;
}

/*
 * Write the rows of bucket b (every bucket without -i), whose schedule-
 * only part runs to hi: each agent's in first-seen order, then the
 * scheduled agents with no events in the order of the file; with groups
 * that leave the agent out, their sums per group in the keys' order.
 */
static void
write_bucket(struct view *v, int64_t b, int64_t hi)
{
	const struct engine *e = v->engine;
	struct tally *groups = NULL, t;
	struct sched_agent *all;
	struct adherence_part *p;
	int64_t lo = run.from, end = hi;
	size_t i, j, k, n, ngroups = 0;

	for (i = 0; i < e->nagents; i++) {
		p = PART(v, e->order[i]);
		for (j = 0; j < p->n && bucket_enabled() && p->v[j].bucket < b;
		    j++)
			;
		for (k = j; k < p->n && (!bucket_enabled() ||
		    p->v[k].bucket == b); k++) {
			if (v->out != NULL)
				emit(v, e->order[i]->arn,
				    e->order[i]->username, &p->v[k], &groups,
				    &ngroups);
			tally_free(&p->v[k]);
		}
		if (k > j)
			memmove(&p->v[j], &p->v[k], (p->n - k) *
			    sizeof(*p->v));
		p->n -= k - j;
	}
	if (bucket_enabled()) {
		lo = lo > b ? lo : b;
		end = bucket_next(b) < hi ? bucket_next(b) : hi;
	}
	all = schedule_agents(&n);
	memset(&t, 0, sizeof(t));
	t.bucket = b;
	for (i = 0; i < n && lo < end; i++)
		if (!run.taken[i] && (schedule_only(&all[i], lo, end, &t) ||
		    !bucket_enabled() || t.sum[A_EXCEPTIONS] > 0) &&
		    v->out != NULL)
			emit(v, all[i].arn, all[i].username, &t, &groups,
			    &ngroups);
	if (lo < end)
		run.from = end;
	if (ngroups > 0) {
		qsort(groups, ngroups, sizeof(*groups), group_cmp);
		for (i = 0; i < ngroups; i = j) {
			for (j = i + 1; j < ngroups &&
			    group_cmp(&groups[i], &groups[j]) == 0; j++) {
				for (k = 0; k < NSUMS; k++)
					add_sat(&groups[i].sum[k],
					    groups[j].sum[k]);
				tally_free(&groups[j]);
			}
			write_row(v, NULL, NULL, &groups[i]);
			tally_free(&groups[i]);
		}
	}
	free(groups);
}

/* The first time from `from` on that a scheduled agent with no events
 * has a segment, or INT64_MAX. */
static int64_t
first_schedule_only(void)
{
	struct sched_agent *all;
	int64_t first = INT64_MAX, t;
	size_t i, k, n;

	all = schedule_agents(&n);
	for (i = 0; i < n; i++) {
		if (run.taken[i] || (k = schedule_find(&all[i], run.from)) ==
		    all[i].nseg)
			continue;
		t = all[i].seg[k].start > run.from ? all[i].seg[k].start :
		    run.from;
		if (t < first)
			first = t;
	}
	return first;
}

/* Write every bucket before `before`, in order; the last runs to hi. */
static void
write_buckets(struct view *v, int64_t before, int64_t hi)
{
	const struct engine *e = v->engine;
	const struct adherence_part *p;
	int64_t b, t;
	size_t i;

	if (!bucket_enabled()) {
		write_bucket(v, 0, hi);
		return;
	}
	for (;;) {
		b = INT64_MAX;
		for (i = 0; i < e->nagents; i++) {
			p = PART(v, e->order[i]);
			if (p->n > 0 && p->v[0].bucket < b)
				b = p->v[0].bucket;
		}
		if ((t = first_schedule_only()) < hi &&
		    bucket_start(t) < b)
			b = bucket_start(t);
		if (b == INT64_MAX || b >= before)
			return;
		write_bucket(v, b, hi);
	}
}

/* Hooks -------------------------------------------------------------- */

/* Follow the status view: what the agent shows, and since when. */
static void
adherence_interval(struct view *v, struct agent *a, const struct interval *iv)
{
	struct adherence_part *p = PART(v, a);
	struct shows *to = &p->shows;
	int64_t at;

	if (iv->kind != IV_STATUS || (iv->end < 0 && iv->ended_by != NULL) ||
	    !touch(v, a))
		return;
	at = iv->end >= 0 ? iv->end : iv->start;
	if (at > v->engine->clock && v->engine->clock >= 0) {
		/* a status that starts after its event: from then on (one
		   told ahead before is taken first, even past the clock) */
		if (p->has_next && p->next_at < at)
			credit(v, a, p->next_at);
		credit(v, a, v->engine->clock);
		to = &p->then;
		p->has_next = 1;
		p->next_at = at;
	} else {
		credit(v, a, at);
		shows_clear(&p->then);
		p->has_next = 0;
	}
	shows_clear(to);
	if (iv->end >= 0)
		to->presence = P_OUT;
	else if (iv->name == NULL)
		to->presence = P_UNKNOWN;
	else {
		to->presence = P_STATUS;
		to->status = xstrdup(iv->name);
		to->type = xstrdup(iv->type);
	}
	queue(p, a);
}

/*
 * Whether the event changes a -g value its snapshot gives (a routing
 * profile, a hierarchy level): the time before it is the old group's.
 */
static int
regroups(const struct agent *a, const struct event *ev)
{
	size_t i;

	if (a->last == NULL || !ev->cur.present)
		return 0;
	for (i = 0; i < group_nkeys() && i < MAX_KEYS; i++)
		if (!group_key_is_agent(i) &&
		    strcmp(group_key_name(i), "status") != 0 &&
		    strcmp_null(group_key_value(i, a->last),
		    group_key_value(i, &ev->cur)) != 0)
			return 1;
	return 0;
}

/*
 * After the status view has had the event: open or end the stretch
 * for what the agent shows now; every event has a row of its agent in
 * its bucket (with -g, the first group it is in there).
 */
static void
adherence_event(struct view *v, struct agent *a, const struct event *ev,
    const struct snapshot *prev, int in_order)
{
	struct adherence_part *p = PART(v, a);
	const char *field[MAX_KEYS];
	int64_t b;

	(void)prev;
	if (!in_order || !touch(v, a))
		return;
	if (regroups(a, ev))
		credit(v, a, ev->time);	/* in the group of a->last */
	evaluate(v, a);
	b = bucket_of(ev->time);
	if (p->n == 0 || p->v[p->n - 1].bucket != b) {	/* by bucket */
		fields_of(v, a, field);
		(void)tally_get(p, b, field);
	}
}

/*
 * Account every agent up to t, for the rows of the buckets before it: a
 * status that comes later dated before t counts from t on.
 */
static void
credit_all(struct view *v, int64_t t)
{
	const struct engine *e = v->engine;
	size_t i;

	for (i = 0; i < e->nagents; i++) {
		credit(v, e->order[i], t);
		evaluate(v, e->order[i]);
	}
}

/*
 * The clock moved: the segment boundaries it passed are events of
 * their own; with -i, the buckets it passed are complete.
 */
static void
adherence_tick(struct view *v)
{
	struct adherence_part *p;
	struct agent *a;
	int64_t clock = v->engine->clock, now, at;

	if (!schedule_given())
		return;
	sync(v);
	if (clock < 0)
		return;
	while (run.ndue > 0 && (at = run.due[0].at) <= clock) {
		a = run.due[0].agent;
		due_pop();
		p = PART(v, a);
		if (!p->queued || p->queued_at != at)
			continue;	/* left behind by a sooner one */
		p->queued = 0;
		if (next_boundary(p) == at) {
			credit(v, a, at);
			evaluate(v, a);
		}
		queue(p, a);
	}
	if (bucket_enabled() && (now = bucket_start(clock)) > run.done) {
		credit_all(v, now);
		write_buckets(v, now, now);
		run.done = now;
		if (run.from < now)
			run.from = now;
	}
}

/*
 * -S without -i: credit the agent up to t (the clock) for the batch's
 * rows, and keep in p->back what that added, negated: a status dated
 * before t may come in the next batch, so the agent goes back to where
 * it was (firm) once they are written, and the next batch counts the
 * time again from there, its rows less what this one's counted
 * (take_back()).  So batches add up to one run.
 */
static void
credit_ahead(struct view *v, struct agent *a, int64_t t)
{
	struct adherence_part *p = PART(v, a);
	struct tally *before, *back;
	const int64_t *was;
	size_t i, j, k, n0 = p->n;
	int64_t d[NSUMS];
	int any;

	if (!p->linked) {
		/* its schedule is not known yet: when it is, the agent
		   goes on from here (its time before was unscheduled) */
		credit(v, a, t);
		evaluate(v, a);
		return;
	}
	p->firm = p->credited;
	p->firm_excepted = p->excepted;
	p->firm_next = p->next;
	/* their fields stay where they are: tallies are only added */
	before = xrealloc(NULL, n0 + 1, sizeof(*before));
	if (n0 > 0)
		memcpy(before, p->v, n0 * sizeof(*before));
	credit(v, a, t);
	evaluate(v, a);
	p->back = NULL;
	p->nback = 0;
	for (i = 0, j = 0; i < p->n; i++) {
		struct tally_key key = { p->v[i].bucket,
		    FIELDS(p->v[i].field) };

		while (j < n0 && tally_cmp(&before[j], &key) < 0)
			j++;
		was = j < n0 && tally_cmp(&before[j], &key) == 0 ?
		    before[j].sum : NULL;
		for (k = 0, any = 0; k < NSUMS; k++) {
			d[k] = p->v[i].sum[k] - (was != NULL ? was[k] : 0);
			any |= d[k] != 0;
		}
		if (!any)
			continue;
		p->back = xrealloc(p->back, p->nback + 1, sizeof(*p->back));
		back = &p->back[p->nback++];
		memset(back, 0, sizeof(*back));
		back->bucket = p->v[i].bucket;
		for (k = 0; k < MAX_KEYS; k++)
			back->field[k] = xstrdup(p->v[i].field[k]);
		for (k = 0; k < NSUMS; k++)
			back->sum[k] = -d[k];
	}
	free(before);
	p->ahead = 1;
}

/*
 * After the batch's rows: the agent where it was, and what credit_ahead
 * added to be taken back from the next batch's rows (in the state).
 */
static void
take_back(struct view *v, struct agent *a)
{
	struct adherence_part *p = PART(v, a);
	struct tally *t;
	size_t i, k;

	p->credited = p->firm;
	p->excepted = p->firm_excepted;
	p->next = p->firm_next;
	p->ahead = 0;
	for (i = 0; i < p->nback; i++) {
		t = tally_get(p, bucket_of(p->back[i].bucket),
		    FIELDS(p->back[i].field));
		for (k = 0; k < NSUMS; k++)
			add_sat(&t->sum[k], p->back[i].sum[k]);
		tally_free(&p->back[i]);
	}
	free(p->back);
	p->back = NULL;
	p->nback = 0;
}

/* Every agent back to where it was before credit_ahead. */
static void
take_back_all(struct view *v)
{
	const struct engine *e = v->engine;
	struct adherence_part *p;
	size_t i;

	for (i = 0; i < e->nagents; i++) {
		p = PART(v, e->order[i]);
		if (p->ahead)
			take_back(v, e->order[i]);
	}
}

static void
adherence_finish(struct view *v, struct agent *a, int open_rows)
{
	if (!touch(v, a) || v->engine->clock < 0)
		return;
	if (open_rows) {
		credit(v, a, v->engine->clock);
		evaluate(v, a);
	} else if (!bucket_enabled())
		credit_ahead(v, a, v->engine->clock);
	/* with -i and -S only complete buckets are written, all of them
	   counted already: the agent stays where it was */
}

/* The end of the input: every row, or with -S and -i the complete ones. */
static void
adherence_end(struct view *v, int open_rows)
{
	int64_t clock = v->engine->clock;

	if (!schedule_given())
		return;
	sync(v);
	if (open_rows || !bucket_enabled())
		write_buckets(v, INT64_MAX, clock >= 0 ? clock : INT64_MIN);
	take_back_all(v);
}

static void
adherence_clear(void *part)
{
	struct adherence_part *p = part;
	size_t i;

	shows_clear(&p->shows);
	shows_clear(&p->then);
	free(p->out_activity);
	for (i = 0; i < p->n; i++)
		tally_free(&p->v[i]);
	free(p->v);
	for (i = 0; i < p->nback; i++)
		tally_free(&p->back[i]);
	free(p->back);
}

/* -S ------------------------------------------------------------------ */

static void
adherence_save(const void *part, json_t *o)
{
	const struct adherence_part *p = part;
	json_t *arr, *fields, *sums;
	size_t i, k;

	if (!p->started) {
		json_object_set_new(o, "adherence", json_null());
		return;
	}
	arr = json_array();
	for (i = 0; i < p->n; i++) {
		fields = json_array();
		for (k = 0; k < MAX_KEYS; k++)
			json_array_append_new(fields,
			    state_str_json(p->v[i].field[k]));
		sums = json_array();
		for (k = 0; k < NSUMS; k++)
			json_array_append_new(sums,
			    json_integer((json_int_t)p->v[i].sum[k]));
		json_array_append_new(arr, json_pack("{s:I,s:o,s:o}",
		    "bucket", (json_int_t)p->v[i].bucket, "fields", fields,
		    "sums", sums));
	}
	json_object_set_new(o, "adherence", json_pack(
	    "{s:I,s:o,s:o,s:b,s:o}", "credited", (json_int_t)p->credited,
	    "out_since", p->out_since == NO_TIME ? json_null() :
	    json_integer((json_int_t)p->out_since),
	    "activity", state_str_json(p->out_activity),
	    "excepted", p->excepted, "tallies", arr));
	if (p->has_next)	/* what shows until the status saved starts */
		json_object_set_new(json_object_get(o, "adherence"), "until",
		    json_pack("{s:I,s:i,s:o,s:o}", "at",
		    (json_int_t)p->next_at, "presence", (int)p->shows.presence,
		    "name", state_str_json(p->shows.status),
		    "type", state_str_json(p->shows.type)));
}

static int
load_tally(struct loader *l, struct adherence_part *p, json_t *j)
{
	json_t *fields = json_object_get(j, "fields");
	json_t *sums = json_object_get(j, "sums"), *x;
	struct tally *t;
	size_t k;

	if (!json_is_object(j) || !json_is_array(fields) ||
	    json_array_size(fields) != MAX_KEYS || !json_is_array(sums) ||
	    json_array_size(sums) != NSUMS)
		return state_bad(l, "adherence tallies");
	p->v = xrealloc(p->v, p->n + 1, sizeof(*p->v));
	p->cap = ++p->n;
	t = &p->v[p->n - 1];
	memset(t, 0, sizeof(*t));
	if (state_int(l, j, "bucket", &t->bucket) == -1)
		return -1;
	json_array_foreach(fields, k, x) {
		if (!json_is_null(x) && !json_is_string(x))
			return state_bad(l, "adherence fields");
		t->field[k] = xstrdup(json_string_value(x));
	}
	/* by bucket (the groups' order depends on the run's -g) */
	if (p->n > 1 && t->bucket < p->v[p->n - 2].bucket)
		return state_bad(l, "adherence tallies out of order");
	json_array_foreach(sums, k, x) {
		if (!json_is_integer(x))	/* < 0: taken back */
			return state_bad(l, "adherence sums");
		t->sum[k] = (int64_t)json_integer_value(x);
	}
	return 0;
}

/*
 * The status view saves the interval it has open under "status"
 * (status.c): what the agent shows comes from there.
 */
static int
adherence_load(void *part, json_t *o, struct loader *l)
{
	struct adherence_part *p = part;
	json_t *j = json_object_get(o, "adherence"), *st, *x;
	struct shows *to;
	size_t i;

	p->out_since = NO_TIME;
	st = json_object_get(o, "status");
	if (!schedule_given()) {	/* it would go stale: dropped */
		dropped |= j != NULL && !json_is_null(j);
		return 0;
	}
	if (j == NULL || json_is_null(j)) {
		/* saved without -A: the run starts it at the state's
		   clock, showing what the status view has open */
		p->unstarted = 1;
		p->credited = INT64_MIN;	/* since when, if known */
		if (json_is_object(st) &&
		    state_int(l, st, "start", &p->credited) == -1)
			return -1;
		if (p->credited != INT64_MIN && (p->credited <= -TIME_LIMIT ||
		    p->credited >= TIME_LIMIT))
			return state_bad(l, "status start");
		to = &p->shows;
		to->presence = P_OUT;
		goto shows;
	}
	if (!json_is_object(j) || !json_is_boolean(json_object_get(j,
	    "excepted")) || !json_is_array(json_object_get(j, "tallies")))
		return state_bad(l, "adherence");
	p->started = 1;
	p->excepted = json_is_true(json_object_get(j, "excepted"));
	if (state_int(l, j, "credited", &p->credited) == -1 ||
	    state_str(l, j, "activity", 1, &p->out_activity) == -1)
		return -1;
	if (!json_is_null(json_object_get(j, "out_since")) &&
	    (state_int(l, j, "out_since", &p->out_since) == -1 ||
	    p->out_activity == NULL || p->out_since <= -TIME_LIMIT ||
	    p->out_since >= TIME_LIMIT || p->out_since > p->credited))
		return state_bad(l, "adherence out_since");
	/* INT64_MIN: accounted from the start, before any segment, of
	   an agent logged out (one logged in would count from then) */
	if (p->credited == INT64_MIN ? json_is_object(st) :
	    p->credited <= -TIME_LIMIT || p->credited >= TIME_LIMIT)
		return state_bad(l, "adherence credited");
	p->published = p->out_since != NO_TIME;
	json_array_foreach(json_object_get(j, "tallies"), i, x)
		if (load_tally(l, p, x) == -1)
			return -1;
	/* with a change told ahead, "status" is what shows from then on */
	to = &p->shows;
	if ((x = json_object_get(j, "until")) != NULL) {
		int64_t presence;

		if (!json_is_object(x) ||
		    state_int(l, x, "at", &p->next_at) == -1 ||
		    state_int(l, x, "presence", &presence) == -1 ||
		    presence < P_OUT || presence > P_STATUS ||
		    p->next_at <= p->credited || p->next_at >= TIME_LIMIT ||
		    state_str(l, x, "name", 1, &p->shows.status) == -1 ||
		    state_str(l, x, "type", 1, &p->shows.type) == -1 ||
		    (presence == P_STATUS) != (p->shows.status != NULL))
			return state_bad(l, "adherence until");
		p->shows.presence = (enum presence)presence;
		p->has_next = 1;
		to = &p->then;
	}
shows:
	if (json_is_object(st)) {
		if (state_str(l, st, "name", 1, &to->status) == -1 ||
		    state_str(l, st, "type", 1, &to->type) == -1)
			return -1;
		to->presence = to->status != NULL ? P_STATUS : P_UNKNOWN;
	}
	return 0;
}

/*
 * Whether the run that saved the state followed the schedule too: if not,
 * no earlier batch raised a no-show's stretch.
 */
int
adherence_followed(void)
{
	return run.followed;
}

/* Whether a run without -A dropped the adherence its state carried. */
int
adherence_dropped(void)
{
	return dropped;
}

static int
adherence_busy(const void *part)
{
	const struct adherence_part *p = part;

	return p->n > 0 || p->out_since != NO_TIME;
}

static const struct view_ops *const needs[] = { &status_view, NULL };

const struct view_ops adherence_view = {
	.name = "adherence",
	.columns_of = adherence_columns,
	.needs = needs,
	.part_size = sizeof(struct adherence_part),
	.event = adherence_event,
	.interval = adherence_interval,
	.finish = adherence_finish,
	.end = adherence_end,
	.clear = adherence_clear,
	.save = adherence_save,
	.load = adherence_load,
	.busy = adherence_busy,
	.tick = adherence_tick,
	.follows_clock = schedule_given,
};
