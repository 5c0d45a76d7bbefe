/*
 * alert.c: the `alert` table, one row each time a rule given with -a
 * starts (RAISED) or stops (CLEARED) holding.
 *
 * Rules: NAME>DURATION (an activity interval named NAME lasts longer),
 * acw>DURATION (one contact's ACW), missed>=N/WINDOW (N misses or
 * rejections in the trailing window), silent>DURATION (a logged-in
 * agent sends nothing) and adherence>DURATION (out of adherence to the
 * -A schedule, in one segment, for longer: the stretches adherence.c
 * publishes).  The clock is event time: the engine's clock
 * (the newest EventTimestamp read), moved before each event is applied,
 * and to -t at the end.  Each open condition (an activity or ACW
 * interval, a silence, a raised miss count) waits in one min-heap
 * ordered by the clock value that fires it, so a tick costs what it
 * raises or clears plus one look at the top, whatever the number of
 * agents.  The activity and ACW intervals come from those views.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agentev.h"
#include "engine.h"

#define MAX_RULES	64		/* bits of a uint64_t */
#define MAX_MISSED	1000		/* N of missed>=N/WINDOW */
#define MISS_MAX	1024		/* miss times kept per agent */
#define MISS_KEEP	(24 * HOUR_MS)	/* kept at least this long */
#define COUNTED_RING	16		/* ContactIds counted as misses */
#define NOT_QUEUED	SIZE_MAX
#define TIME_LIMIT	((int64_t)1 << 50)	/* ms; beyond the year 9999 */

static const char *const columns[] = {
	"time", "agent_arn", "username", "rule", "state", "subject", "since",
	"value"
};

enum rule_kind { RULE_ACTIVITY, RULE_ACW, RULE_MISSED, RULE_SILENT,
	RULE_ADHERENCE };

struct rule {
	enum rule_kind	 kind;
	char		*text;		/* as given, for the rule column */
	char		*key;		/* the same rule whatever the spelling */
	char		*name;		/* RULE_ACTIVITY */
	int64_t		 ms;		/* the duration, or WINDOW */
	int64_t		 count;		/* N */
};

static struct rule	rules[MAX_RULES];
static size_t		nrules;

enum cond_kind { COND_ACTIVITY, COND_ACW, COND_SILENCE, COND_MISSED,
	COND_ADHERENCE, NCONDS };

static const char *const cond_names[NCONDS] = {
	"activity", "contact_acw", "silence", "missed", "adherence"
};

struct alert_part;

/*
 * Something open that rules watch: an activity or ACW interval, the
 * silence since an agent's last event, or a raised missed rule.  raised
 * has a bit per rule of this run that has raised for it; other holds the
 * keys of raised rules from the state that this run was not given, so
 * that they are carried on.
 */
struct cond {
	enum cond_kind		 kind;
	struct agent		*agent;	/* NULL until a loaded one is queued */
	struct alert_part	*part;
	char			*subject;	/* activity, ContactId, or the
						   missed rule's key */
	int			 rule;	/* COND_MISSED: its rule, or -1 */
	int64_t			 since;
	uint64_t		 match;	/* rules that watch it */
	uint64_t		 raised;
	char			**other;
	size_t			 nother;
	int64_t			 deadline;	/* fires when the clock passes */
	size_t			 pos;		/* in the heap, or NOT_QUEUED */
};

struct alert_part {
	struct cond	**conds;
	size_t		 nconds;
	size_t		 conds_cap;
	int64_t		*misses;	/* miss times, oldest first */
	size_t		 nmisses;
	size_t		 misses_cap;
	uint64_t	 counted[COUNTED_RING];
	size_t		 ncounted;
};

/* What every agent's conditions share: the heap and the clock. */
static struct {
	struct engine	*engine;
	struct cond	**heap;
	size_t		 n;
	size_t		 cap;
	int64_t		 clock;
	int		 loaded;	/* parts loaded but not queued yet */
} alerts = { NULL, NULL, 0, 0, -1, 0 };

/* Rules ------------------------------------------------------------- */

static char *
lower(const char *s, size_t n)
{
	char *p;
	size_t i;

	if ((p = malloc(n + 1)) == NULL)
		fatal_oom();
	for (i = 0; i < n; i++)
		p[i] = (char)tolower((unsigned char)s[i]);
	p[n] = '\0';
	return p;
}

static int
is_word(const char *s, size_t n, const char *word)
{
	return n == strlen(word) && strncasecmp(s, word, n) == 0;
}

#define DURATION_HELP	"an integer with ms, s, m, h or d, or a sum: 1h30m; " \
			"at most 3660d"

/*
 * Add one -a rule.  Returns 0, or -1 with why set to what is wrong.
 */
int
alert_add_rule(const char *text, char *why, size_t whylen)
{
	struct rule r;
	const char *gt, *name, *slash, *arg;
	size_t namelen, keylen, i;
	char *end, *lname = NULL;
	long long count;
	int prefixed;

	memset(&r, 0, sizeof(r));
	if (nrules == MAX_RULES) {
		snprintf(why, whylen, "more than %d rules", MAX_RULES);
		return -1;
	}
	prefixed = strncasecmp(text, "activity:", 9) == 0;
	name = prefixed ? text + 9 : text;
	if ((gt = strrchr(name, '>')) == NULL) {
		snprintf(why, whylen, "no '>': write NAME>DURATION, "
		    "acw>DURATION, missed>=N/WINDOW, silent>DURATION or "
		    "adherence>DURATION");
		return -1;
	}
	namelen = (size_t)(gt - name);
	arg = gt + 1;
	if (!prefixed && strncasecmp(name, "missed>", 7) == 0) {
		if (name[7] != '=') {
			snprintf(why, whylen, "missed takes >=N/WINDOW (an "
			    "activity named so is activity:NAME>DURATION)");
			return -1;
		}
		arg = name + 8;
		errno = 0;
		count = strtoll(arg, &end, 10);
		if (!isdigit((unsigned char)*arg) || errno != 0 ||
		    *end != '/' || count < 1 || count > MAX_MISSED) {
			snprintf(why, whylen, "missed>=N/WINDOW needs N from "
			    "1 to %d", MAX_MISSED);
			return -1;
		}
		slash = end + 1;
		if (parse_duration(slash, strlen(slash), &r.ms) == -1 ||
		    r.ms == 0) {
			snprintf(why, whylen, "WINDOW %s is not a duration "
			    "above zero (%s)", *slash ? slash : "''",
			    DURATION_HELP);
			return -1;
		}
		r.kind = RULE_MISSED;
		r.count = count;
	} else {
		if (namelen == 0) {
			snprintf(why, whylen, "no name before '>'");
			return -1;
		}
		if (prefixed)
			r.kind = RULE_ACTIVITY;
		else if (is_word(name, namelen, "acw"))
			r.kind = RULE_ACW;
		else if (is_word(name, namelen, "silent"))
			r.kind = RULE_SILENT;
		else if (is_word(name, namelen, "adherence"))
			r.kind = RULE_ADHERENCE;
		else if (is_word(name, namelen, "missed")) {
			snprintf(why, whylen, "missed takes >=N/WINDOW (an "
			    "activity named so is activity:NAME>DURATION)");
			return -1;
		} else
			r.kind = RULE_ACTIVITY;
		if (parse_duration(arg, strlen(arg), &r.ms) == -1) {
			snprintf(why, whylen, "%s is not a duration (%s)",
			    *arg ? arg : "''", DURATION_HELP);
			return -1;
		}
	}
	/* the key names the rule in the state: kind, name, milliseconds */
	keylen = namelen + 64;
	if ((r.key = malloc(keylen)) == NULL)
		fatal_oom();
	switch (r.kind) {
	case RULE_ACTIVITY:
		if ((r.name = malloc(namelen + 1)) == NULL)
			fatal_oom();
		memcpy(r.name, name, namelen);
		r.name[namelen] = '\0';
		lname = lower(name, namelen);
		snprintf(r.key, keylen, "activity:%s>%lldms", lname,
		    (long long)r.ms);
		free(lname);
		break;
	case RULE_ACW:
		snprintf(r.key, keylen, "acw>%lldms", (long long)r.ms);
		break;
	case RULE_SILENT:
		snprintf(r.key, keylen, "silent>%lldms", (long long)r.ms);
		break;
	case RULE_ADHERENCE:
		snprintf(r.key, keylen, "adherence>%lldms", (long long)r.ms);
		break;
	case RULE_MISSED:
		snprintf(r.key, keylen, "missed>=%lld/%lldms",
		    (long long)r.count, (long long)r.ms);
		break;
	}
	for (i = 0; i < nrules; i++)
		if (strcmp(rules[i].key, r.key) == 0) {
			snprintf(why, whylen, "the same rule as -a %s",
			    rules[i].text);
			free(r.key);
			free(r.name);
			return -1;
		}
	r.text = xstrdup(text);
	rules[nrules++] = r;
	return 0;
}

size_t
alert_nrules(void)
{
	return nrules;
}

/* How many of the rules are adherence>DURATION. */
size_t
alert_nrules_adherence(void)
{
	size_t r, n = 0;

	for (r = 0; r < nrules; r++)
		n += rules[r].kind == RULE_ADHERENCE;
	return n;
}

/*
 * The shortest adherence>DURATION: the adherence table counts the
 * stretches longer than it as exceptions (0 without one: every stretch).
 */
int64_t
alert_adherence_threshold(void)
{
	static int64_t threshold = -1;
	size_t r;

	if (threshold >= 0)
		return threshold;
	threshold = 0;
	for (r = 0; r < nrules; r++)
		if (rules[r].kind == RULE_ADHERENCE &&
		    (threshold == 0 || rules[r].ms < threshold))
			threshold = rules[r].ms;
	return threshold;
}

static int
rule_by_key(const char *key)
{
	size_t r;

	for (r = 0; r < nrules; r++)
		if (strcmp(rules[r].key, key) == 0)
			return (int)r;
	return -1;
}

/* The rules that watch a condition of this kind and subject. */
static uint64_t
matching(enum cond_kind kind, const char *subject)
{
	uint64_t m = 0;
	size_t r;

	for (r = 0; r < nrules; r++)
		if ((kind == COND_ACTIVITY && rules[r].kind == RULE_ACTIVITY &&
		    strcasecmp(rules[r].name, subject) == 0) ||
		    (kind == COND_ACW && rules[r].kind == RULE_ACW) ||
		    (kind == COND_SILENCE && rules[r].kind == RULE_SILENT) ||
		    (kind == COND_ADHERENCE &&
		    rules[r].kind == RULE_ADHERENCE))
			m |= (uint64_t)1 << r;
	return m;
}

/* The heap ---------------------------------------------------------- */

/* The order conditions fire in; total, so batches fire as one run. */
static int
before(const struct cond *x, const struct cond *y)
{
	int c;

	if (x->deadline != y->deadline)
		return x->deadline < y->deadline;
	/* an absent agent may have no ARN (adherence.c): then its username */
	if ((c = strcmp_null(x->agent->arn, y->agent->arn)) != 0 ||
	    (x->agent->arn == NULL &&
	    (c = strcmp_null(x->agent->username, y->agent->username)) != 0))
		return c < 0;
	if (x->kind != y->kind)
		return x->kind < y->kind;
	if ((c = strcmp(x->subject ? x->subject : "",
	    y->subject ? y->subject : "")) != 0)
		return c < 0;
	if (x->rule != y->rule)
		return x->rule < y->rule;
	return x->since < y->since;
}

static void
heap_set(size_t i, struct cond *c)
{
	alerts.heap[i] = c;
	c->pos = i;
}

static void
sift_up(size_t i)
{
	struct cond *c = alerts.heap[i];

	while (i > 0 && before(c, alerts.heap[(i - 1) / 2])) {
		heap_set(i, alerts.heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(i, c);
}

static void
sift_down(size_t i)
{
	struct cond *c = alerts.heap[i];
	size_t child;

	while ((child = 2 * i + 1) < alerts.n) {
		if (child + 1 < alerts.n &&
		    before(alerts.heap[child + 1], alerts.heap[child]))
			child++;
		if (!before(alerts.heap[child], c))
			break;
		heap_set(i, alerts.heap[child]);
		i = child;
	}
	heap_set(i, c);
}

static void
heap_remove(struct cond *c)
{
	size_t i = c->pos;
	struct cond *last;

	if (i == NOT_QUEUED)
		return;
	c->pos = NOT_QUEUED;
	last = alerts.heap[--alerts.n];
	if (i == alerts.n)
		return;
	heap_set(i, last);
	sift_up(i);
	sift_down(last->pos);
}

/* Queue c by its deadline (again), or take it off when it has none. */
static void
heap_update(struct cond *c)
{
	if (c->deadline == INT64_MAX) {
		heap_remove(c);
		return;
	}
	if (c->pos == NOT_QUEUED) {
		if (alerts.n == alerts.cap) {
			alerts.cap = alerts.cap ? alerts.cap * 2 : 256;
			alerts.heap = xrealloc(alerts.heap, alerts.cap,
			    sizeof(*alerts.heap));
		}
		heap_set(alerts.n, c);
		alerts.n++;
		sift_up(c->pos);
		return;
	}
	sift_up(c->pos);
	sift_down(c->pos);
}

/* Misses ------------------------------------------------------------ */

/* How many misses lie in (clock - window, clock]. */
static int64_t
misses_in(const struct alert_part *p, int64_t window)
{
	size_t i = p->nmisses;

	while (i > 0 && p->misses[i - 1] > alerts.clock - window)
		i--;
	return (int64_t)(p->nmisses - i);
}

/*
 * When a raised missed rule's count falls below N: once the Nth newest
 * miss leaves the window.
 */
static int64_t
missed_deadline(const struct cond *c)
{
	const struct alert_part *p = c->part;
	const struct rule *r;

	if (c->rule < 0)
		return INT64_MAX;	/* not a rule of this run */
	r = &rules[c->rule];
	if ((int64_t)p->nmisses < r->count)
		return INT64_MIN;
	return p->misses[p->nmisses - (size_t)r->count] + r->ms - 1;
}

/* The clock value after which c next fires; INT64_MAX for never. */
static int64_t
next_deadline(const struct cond *c)
{
	uint64_t pending = c->match & ~c->raised;
	int64_t d = INT64_MAX;
	size_t r;

	if (c->kind == COND_MISSED)
		return missed_deadline(c);
	for (r = 0; pending != 0; r++, pending >>= 1)
		if ((pending & 1) && c->since + rules[r].ms < d)
			d = c->since + rules[r].ms;
	return d;
}

/* Rows -------------------------------------------------------------- */

static void
row(struct view *v, const struct cond *c, size_t r, const char *state,
    int64_t time, struct cell value)
{
	struct cell cells[8];

	if (v->out == NULL)
		return;
	cells[0] = C_TIME(time);
	cells[1] = C_STR(c->agent->arn);
	cells[2] = C_STR(c->agent->username);
	cells[3] = C_STR(rules[r].text);
	cells[4] = C_STR(state);
	cells[5] = c->kind == COND_MISSED ? C_NULL : C_STR(c->subject);
	cells[6] = C_TIME(c->since);
	cells[7] = value;
	(void)out_row(v->out, cells);
}

/* Conditions -------------------------------------------------------- */

/* c is one of the agent's conditions from now on. */
static void
part_add(struct alert_part *p, struct cond *c)
{
	c->part = p;
	if (p->nconds == p->conds_cap) {
		p->conds_cap = p->conds_cap ? p->conds_cap * 2 : 4;
		p->conds = xrealloc(p->conds, p->conds_cap, sizeof(*p->conds));
	}
	p->conds[p->nconds++] = c;
}

static struct cond *
cond_new(struct alert_part *p, struct agent *a, enum cond_kind kind,
    const char *subject, int64_t since)
{
	struct cond *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal_oom();
	c->kind = kind;
	c->agent = a;
	c->subject = xstrdup(subject);
	c->rule = -1;
	c->since = since;
	c->deadline = INT64_MAX;
	c->pos = NOT_QUEUED;
	if (kind != COND_MISSED)
		c->match = matching(kind, subject);
	part_add(p, c);
	return c;
}

static void
cond_free(struct cond *c)
{
	size_t i;

	heap_remove(c);
	for (i = 0; i < c->nother; i++)
		free(c->other[i]);
	free(c->other);
	free(c->subject);
	free(c);
}

static void
cond_drop(struct cond *c)
{
	struct alert_part *p = c->part;
	size_t i;

	for (i = 0; i < p->nconds; i++)
		if (p->conds[i] == c) {
			p->conds[i] = p->conds[--p->nconds];
			break;
		}
	cond_free(c);
}

static struct cond *
cond_find(struct alert_part *p, enum cond_kind kind, const char *subject,
    int rule)
{
	size_t i;
	struct cond *c;

	for (i = 0; i < p->nconds; i++) {
		c = p->conds[i];
		if (c->kind == kind && c->rule == rule &&
		    (subject == NULL || (c->subject != NULL &&
		    strcmp(c->subject, subject) == 0)))
			return c;
	}
	return NULL;
}

/* The clock passed c's deadline: raise what is due, or clear a count. */
static void
fire(struct view *v, struct cond *c)
{
	uint64_t pending = c->match & ~c->raised;
	int64_t n;
	size_t r;

	if (c->kind == COND_MISSED) {
		n = misses_in(c->part, rules[c->rule].ms);
		if (n < rules[c->rule].count) {
			row(v, c, (size_t)c->rule, "CLEARED", alerts.clock,
			    C_INT(n));
			cond_drop(c);
			return;
		}
	} else
		for (r = 0; pending != 0; r++, pending >>= 1)
			if ((pending & 1) &&
			    alerts.clock > c->since + rules[r].ms) {
				row(v, c, r, "RAISED", alerts.clock,
				    C_MS(alerts.clock - c->since));
				c->raised |= (uint64_t)1 << r;
			}
	c->deadline = next_deadline(c);
	heap_update(c);
}

/* Fire every condition whose deadline the clock has passed. */
static void
drain(struct view *v)
{
	while (alerts.n > 0 && alerts.heap[0]->deadline < alerts.clock)
		fire(v, alerts.heap[0]);
}

/*
 * Queue a new or changed condition; it may be due at once.  While the
 * clock moves (a view's tick: segment boundaries passing for every agent,
 * one agent after another) the conditions are only queued, and
 * alert_tick, which runs after the views it needs, fires them: a stretch
 * another agent's boundary closes later in the same tick must not be
 * raised before that.
 */
static void
watch(struct view *v, struct cond *c)
{
	c->deadline = next_deadline(c);
	heap_update(c);
	if (!v->engine->ticking)
		drain(v);
}

/* The condition's interval ended at end: clear what it raised. */
static void
cond_end(struct view *v, struct cond *c, int64_t end)
{
	uint64_t raised = c->raised;
	size_t r;

	if (end < c->since)
		end = c->since;
	for (r = 0; raised != 0; r++, raised >>= 1)
		if (raised & 1)
			row(v, c, r, "CLEARED", end, C_MS(end - c->since));
	cond_drop(c);
}

/*
 * Queue the conditions loaded from the state, which did not know their
 * agents; the clock starts from the newest event the state saw.
 */
static void
queue_loaded(struct view *v)
{
	struct engine *e = v->engine;
	struct alert_part *p;
	struct agent *a;
	size_t i, j;

	alerts.loaded = 0;
	for (i = 0; i < e->nagents; i++) {
		a = e->order[i];
		if (a->seen && a->last_time > alerts.clock &&
		    a->last_time < TIME_LIMIT)
			alerts.clock = a->last_time;
		if ((p = PART(v, a)) == NULL)
			continue;
		for (j = 0; j < p->nconds; j++) {
			p->conds[j]->agent = a;
			p->conds[j]->deadline = next_deadline(p->conds[j]);
			heap_update(p->conds[j]);
		}
	}
}

/* Every hook starts here: the loaded conditions, the clock. */
static void
sync(struct view *v)
{
	if (alerts.engine != v->engine) {
		alerts.engine = v->engine;
		alerts.clock = -1;
	}
	if (alerts.loaded)
		queue_loaded(v);
	if (v->engine->clock > alerts.clock)
		alerts.clock = v->engine->clock;
}

/* Hooks ------------------------------------------------------------- */

static void
alert_tick(struct view *v)
{
	sync(v);
	drain(v);
}

/*
 * An interval that ends at end, never seen open or seen open only before
 * the clock passed its time (a stretch out of adherence that ended with
 * its segment while no event came, or before the input's first event):
 * raise the rules it lasted long enough for.  The clock passed their
 * time while it was open, no later than at its end: raised there, just
 * before it clears, never after.
 */
static struct cond *
late(struct view *v, struct cond *c, int64_t end)
{
	uint64_t pending = c->match & ~c->raised;
	int64_t t = alerts.clock < end ? alerts.clock : end;
	size_t r;

	for (r = 0; pending != 0; r++, pending >>= 1)
		if ((pending & 1) && end - c->since > rules[r].ms &&
		    alerts.clock > c->since + rules[r].ms) {
			row(v, c, r, "RAISED", t, C_MS(t - c->since));
			c->raised |= (uint64_t)1 << r;
		}
	return c;
}

/*
 * The stretch of an absent agent (adherence.c) that a run with -S opens
 * as it starts: it follows from the schedule and the clock alone, so an
 * earlier batch raised each rule whose time the clock had passed (the
 * state keeps no absent agent), if that batch followed the schedule.
 */
static void
carried(const struct view *v, struct cond *c)
{
	uint64_t pending = c->match;
	size_t r;

	for (r = 0; pending != 0; r++, pending >>= 1)
		if ((pending & 1) && adherence_followed() &&
		    c->since + rules[r].ms < v->engine->start_clock)
			c->raised |= (uint64_t)1 << r;
}

/*
 * The absent agent `from` turned out to be `to`, an agent of the input
 * that has no condition yet (adherence.c): its stretch goes on as to's,
 * what it raised raised.
 */
void
alert_adopt(struct engine *e, struct agent *from, struct agent *to)
{
	struct view *v = engine_view(e, &alert_view);
	struct alert_part *p, *q;
	struct cond *c;

	if (v == NULL)
		return;
	p = PART(v, from);
	q = PART(v, to);
	while (p->nconds > 0) {
		c = p->conds[--p->nconds];
		c->agent = to;
		part_add(q, c);
	}
}

/*
 * An activity, ACW or adherence interval opened or closed.  One that
 * closes without having been seen open (the input or the state began
 * inside it) raises what it lasted long enough for (late()), and clears.
 * An agent has one activity and one adherence stretch at a time.
 */
static void
alert_interval(struct view *v, struct agent *a, const struct interval *iv)
{
	struct alert_part *p = PART(v, a);
	enum cond_kind kind;
	struct cond *c;
	int single;


	if (iv->kind == IV_ACTIVITY)
		kind = COND_ACTIVITY;
	else if (iv->kind == IV_ACW)
		kind = COND_ACW;
	else if (iv->kind == IV_ADHERENCE)
		kind = COND_ADHERENCE;
	else
		return;
	if (iv->end < 0 && iv->ended_by != NULL)
		return;		/* OPEN at the end of the input */
	sync(v);
	single = kind == COND_ACTIVITY || kind == COND_ADHERENCE;
	c = cond_find(p, kind, single && iv->end < 0 ? NULL : iv->name, -1);
	if (iv->end < 0) {
		if (c != NULL && single && c->since == iv->start &&
		    strcmp_null(c->subject, iv->name) == 0)
			return;		/* the same, adopted: alert_adopt */
		if (c != NULL && single)
			cond_end(v, c, iv->start);
		else if (c != NULL)
			return;
		c = cond_new(p, a, kind, iv->name, iv->start);
		if (a->absent == 1)
			carried(v, c);
		watch(v, c);
		return;
	}
	if (c == NULL)
		c = cond_new(p, a, kind, iv->name, iv->start);
	cond_end(v, late(v, c, iv->end), iv->end);
}

static void
count_miss(struct alert_part *p, int64_t t)
{
	int64_t keep = MISS_KEEP;
	size_t i, r, drop = 0;

	for (r = 0; r < nrules; r++)
		if (rules[r].kind == RULE_MISSED && rules[r].ms > keep)
			keep = rules[r].ms;
	while (drop < p->nmisses && (p->misses[drop] <= alerts.clock - keep ||
	    p->nmisses - drop >= MISS_MAX))
		drop++;
	if (drop > 0) {
		memmove(p->misses, p->misses + drop,
		    (p->nmisses - drop) * sizeof(*p->misses));
		p->nmisses -= drop;
	}
	if (p->nmisses == p->misses_cap) {
		p->misses_cap = p->misses_cap ? p->misses_cap * 2 : 4;
		p->misses = xrealloc(p->misses, p->misses_cap,
		    sizeof(*p->misses));
	}
	for (i = p->nmisses; i > 0 && p->misses[i - 1] > t; i--)
		p->misses[i] = p->misses[i - 1];
	p->misses[i] = t;
	p->nmisses++;
}

/* Contacts the event is the first to show MISSED or REJECTED. */
static int
new_misses(struct alert_part *p, const struct event *ev)
{
	const struct contact *c;
	uint64_t h;
	size_t i, j, n;
	int found = 0;

	for (i = 0; i < ev->cur.ncontacts; i++) {
		c = &ev->cur.contacts[i];
		if (c->state != CS_MISSED && c->state != CS_REJECTED)
			continue;
		h = hash(c->id);
		n = p->ncounted < COUNTED_RING ? p->ncounted : COUNTED_RING;
		for (j = 0; j < n && p->counted[j] != h; j++)
			;
		if (j < n)
			continue;
		p->counted[p->ncounted++ % COUNTED_RING] = h;
		if (p->ncounted >= 2 * COUNTED_RING)
			p->ncounted -= COUNTED_RING;
		count_miss(p, ev->time);
		found = 1;
	}
	return found;
}

static void
check_missed(struct view *v, struct agent *a, struct alert_part *p)
{
	struct cond *c;
	int64_t n;
	size_t r;

	for (r = 0; r < nrules; r++) {
		if (rules[r].kind != RULE_MISSED)
			continue;
		if ((c = cond_find(p, COND_MISSED, NULL, (int)r)) != NULL) {
			watch(v, c);	/* a newer Nth miss: later deadline */
			continue;
		}
		n = misses_in(p, rules[r].ms);
		if (n < rules[r].count)
			continue;
		c = cond_new(p, a, COND_MISSED, rules[r].key,
		    p->misses[p->nmisses - (size_t)n]);
		c->rule = (int)r;
		c->match = c->raised = (uint64_t)1 << r;
		row(v, c, r, "RAISED", alerts.clock, C_INT(n));
		watch(v, c);
	}
}

/*
 * Silence and misses.  Every event of the agent ends its silence and,
 * unless it logged out, starts the next one.
 */
static void
alert_event(struct view *v, struct agent *a, const struct event *ev,
    const struct snapshot *prev, int in_order)
{
	struct alert_part *p = PART(v, a);
	struct cond *c;
	int logged_in;

	(void)prev;
	sync(v);
	if (ev->cur.present && new_misses(p, ev))
		check_missed(v, a, p);
	if (!in_order)
		return;
	logged_in = ev->type == EV_LOGIN ||
	    (ev->type != EV_LOGOUT && a->session != SESSION_CLOSED);
	c = cond_find(p, COND_SILENCE, NULL, -1);
	if (c != NULL && (c->raised != 0 || c->nother > 0 || !logged_in)) {
		cond_end(v, c, ev->time);
		c = NULL;
	}
	if (!logged_in)
		return;
	if (c == NULL)
		c = cond_new(p, a, COND_SILENCE, NULL, ev->time);
	c->since = ev->time;
	if (c->match != 0)
		watch(v, c);
}

static void
alert_clear(void *part)
{
	struct alert_part *p = part;
	size_t i;

	for (i = 0; i < p->nconds; i++)
		cond_free(p->conds[i]);
	free(p->conds);
	free(p->misses);
}

static void
alert_save(const void *part, json_t *o)
{
	const struct alert_part *p = part;
	const struct cond *c;
	json_t *conds, *raised, *misses, *counted, *j;
	size_t i, k, n;
	uint64_t bits;

	conds = json_array();
	for (i = 0; i < p->nconds; i++) {
		c = p->conds[i];
		j = json_pack("{s:s,s:o,s:I}", "kind", cond_names[c->kind],
		    "subject", state_str_json(c->subject),
		    "since", (json_int_t)c->since);
		if (c->kind != COND_MISSED && (c->raised != 0 ||
		    c->nother > 0)) {
			raised = json_array();
			for (k = 0, bits = c->raised; bits != 0;
			    k++, bits >>= 1)
				if (bits & 1)
					json_array_append_new(raised,
					    json_string(rules[k].key));
			for (k = 0; k < c->nother; k++)
				json_array_append_new(raised,
				    json_string(c->other[k]));
			json_object_set_new(j, "raised", raised);
		}
		json_array_append_new(conds, j);
	}
	j = json_pack("{s:o}", "conds", conds);
	if (p->nmisses > 0) {
		misses = json_array();
		for (i = 0; i < p->nmisses; i++)
			json_array_append_new(misses,
			    json_integer(p->misses[i]));
		json_object_set_new(j, "misses", misses);
	}
	if (p->ncounted > 0) {
		counted = json_array();
		n = p->ncounted < COUNTED_RING ? p->ncounted : COUNTED_RING;
		for (i = 0; i < n; i++)
			json_array_append_new(counted,
			    state_hash_json(p->counted[i]));
		json_object_set_new(j, "counted", counted);
		json_object_set_new(j, "counted_next",
		    json_integer((json_int_t)(p->ncounted % COUNTED_RING)));
	}
	json_object_set_new(o, "alert", j);
}

static int
load_cond(struct alert_part *p, json_t *j, struct loader *l)
{
	json_t *raised, *k;
	const char *name;
	struct cond *c;
	size_t i, kind;
	int64_t since;
	char *subject;
	int r;

	if (!json_is_object(j) ||
	    !json_is_string(json_object_get(j, "kind")))
		return state_bad(l, "alert conds");
	name = json_string_value(json_object_get(j, "kind"));
	for (kind = 0; kind < NCONDS; kind++)
		if (strcmp(name, cond_names[kind]) == 0)
			break;
	if (kind == NCONDS || state_int(l, j, "since", &since) ||
	    since <= -TIME_LIMIT || since >= TIME_LIMIT ||
	    state_str(l, j, "subject", kind == COND_SILENCE, &subject))
		return state_bad(l, "alert conds");
	c = cond_new(p, NULL, (enum cond_kind)kind, subject, since);
	free(subject);
	if (kind == COND_MISSED) {
		if ((r = rule_by_key(c->subject)) >= 0 &&
		    rules[r].kind == RULE_MISSED) {
			c->rule = r;
			c->match = c->raised = (uint64_t)1 << r;
		}
		return 0;
	}
	if ((raised = json_object_get(j, "raised")) == NULL)
		return 0;	/* nothing raised */
	if (!json_is_array(raised))
		return state_bad(l, "alert raised");
	json_array_foreach(raised, i, k) {
		if (!json_is_string(k))
			return state_bad(l, "alert raised");
		r = rule_by_key(json_string_value(k));
		if (r >= 0 && (c->match & ((uint64_t)1 << r)))
			c->raised |= (uint64_t)1 << r;
		else if (r < 0) {
			c->other = xrealloc(c->other, c->nother + 1,
			    sizeof(*c->other));
			c->other[c->nother++] =
			    xstrdup(json_string_value(k));
		}
	}
	return 0;
}

/* A state written before there were alerts has no "alert": nothing. */
static int
alert_load(void *part, json_t *o, struct loader *l)
{
	struct alert_part *p = part;
	json_t *j = json_object_get(o, "alert"), *arr, *x;
	int64_t n, t;
	size_t i;

	if (j == NULL)
		return 0;
	if (!json_is_object(j))
		return state_bad(l, "alert");
	alerts.loaded = 1;
	arr = json_object_get(j, "conds");
	if (!json_is_array(arr))
		return state_bad(l, "alert conds");
	json_array_foreach(arr, i, x)
		if (load_cond(p, x, l) == -1)
			return -1;
	/* misses and counted are left out when there are none */
	arr = json_object_get(j, "misses");
	if (arr != NULL && (!json_is_array(arr) ||
	    json_array_size(arr) > MISS_MAX))
		return state_bad(l, "alert misses");
	json_array_foreach(arr, i, x) {
		if (!json_is_integer(x))
			return state_bad(l, "alert misses");
		t = (int64_t)json_integer_value(x);
		if (t <= -TIME_LIMIT || t >= TIME_LIMIT ||
		    (p->nmisses > 0 && t < p->misses[p->nmisses - 1]))
			return state_bad(l, "alert misses");
		if (p->nmisses == p->misses_cap) {
			p->misses_cap = p->misses_cap ? p->misses_cap * 2 : 4;
			p->misses = xrealloc(p->misses, p->misses_cap,
			    sizeof(*p->misses));
		}
		p->misses[p->nmisses++] = t;
	}
	if ((arr = json_object_get(j, "counted")) == NULL)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > COUNTED_RING ||
	    state_int(l, j, "counted_next", &n) == -1 || n < 0 ||
	    n >= COUNTED_RING)
		return state_bad(l, "alert counted");
	json_array_foreach(arr, i, x)
		if (state_hash(l, x, &p->counted[i]) == -1)
			return -1;
	p->ncounted = json_array_size(arr) < COUNTED_RING ? (size_t)n :
	    COUNTED_RING + (size_t)n;
	return 0;
}

static int
alert_busy(const void *part)
{
	const struct alert_part *p = part;

	return p->nconds > 0;
}

static const struct view_ops *const needs[] = {
	&activity_view, &acw_view, &adherence_view, NULL
};

const struct view_ops alert_view = {
	.name = "alert",
	.columns = columns,
	.ncolumns = sizeof(columns) / sizeof(columns[0]),
	.needs = needs,
	.part_size = sizeof(struct alert_part),
	.event = alert_event,
	.interval = alert_interval,
	.clear = alert_clear,
	.save = alert_save,
	.load = alert_load,
	.busy = alert_busy,
	.tick = alert_tick,
};
