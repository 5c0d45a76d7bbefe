/*
 * memo.c: decode each distinct snapshot once.
 *
 * Events repeat themselves: an event's PreviousAgentSnapshot is, byte for
 * byte, almost always its agent's last CurrentAgentSnapshot, and a
 * snapshot's Configuration (routing profile, queues, hierarchy,
 * proficiencies) is the same for an agent all day.  So before a record is
 * decoded, a structural scan (strings, escapes and brackets, as the framer
 * does; nothing is decoded) finds the byte ranges of its two snapshots and
 * of their AgentStatus and Configuration objects (a snapshot is new when
 * its status or its contacts change; the rest of it stays the same).  A range whose bytes equal those of a
 * subtree validated before is replaced by "{}" in a copy of the record,
 * which jansson decodes instead, and the validation takes what the
 * earlier validation of those bytes extracted (parse.c).
 *
 * The memo keeps a subtree only from a record that validated with no
 * problem at all, and parse.c uses it only when the record with the memo
 * also validates with no problem; anything else (a problem anywhere, a
 * decoding error, an escaped or repeated key where the scan looks) is
 * decoded whole as without the memo.  So what a memo entry holds never
 * depends on the context it was found in: a clean subtree is clean, and
 * extracts the same, under any key, with or without -s.
 *
 * parse.c's fast path, which reads a record without jansson, asks the
 * memo only for Configuration objects, by their bytes (memo_find), and
 * keeps nothing: the slow path fills the memo.
 *
 * One memo per thread (no locks): entries in a hash table and a list from
 * the most to the least recently used, at most MEMO_LIMIT bytes counted
 * generously; the least recently used go first.  Entries are freed only at
 * the start of a record, when no event points into them (an event handed
 * on is used and freed, or detached, before the next record; see
 * agentev.h).  Where the hits of the last 64 records cover less than an
 * eighth of their bytes, the memo rests for 960 records, so that a stream
 * that does not repeat itself pays for it on one record in sixteen only.
 * AGENTEV_MEMO=0 in the environment turns it off, and the fast path too.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <stdlib.h>
#include <string.h>

#include "agentev.h"

#define MEMO_LIMIT	(4 * 1024 * 1024)	/* bytes per thread */
#define MEMO_ENTRY_MAX	(MEMO_LIMIT / 16)	/* larger subtrees are not kept */
#define MEMO_ENTRY_MIN	64		/* smaller ones are not worth it */
#define MEMO_RECORD_MAX	(1024 * 1024)	/* larger records bypass the memo */
#define MEMO_BUF_KEEP	(256 * 1024)	/* a bigger copy buffer is freed */
#define MEMO_WINDOW	64		/* records between looks at the hits */
#define MEMO_REST	(15 * MEMO_WINDOW)	/* records left alone after */

struct memo_entry {
	struct memo_entry *chain;	/* next in the hash bucket */
	struct memo_entry *newer;	/* use order */
	struct memo_entry *older;
	uint64_t	 hash;
	size_t		 len;
	size_t		 cost;
	enum memo_part	 kind;
	struct snapshot	*snap;		/* what validation extracted */
	char		 bytes[];
};

struct memo {
	struct memo_entry **buckets;
	size_t		 nbuckets;	/* a power of two, or 0 */
	size_t		 count;
	size_t		 bytes;
	struct memo_entry *newest;
	struct memo_entry *oldest;
	char		*buf;		/* the record with "{}" for hits */
	size_t		 cap;
	/* whether it pays: hits in the last window, records to leave alone */
	size_t		 records;
	size_t		 bytes_seen;
	size_t		 bytes_hit;
	size_t		 rest;
};

static _Thread_local struct memo memo;
static int memo_on = 1;

/* Read AGENTEV_MEMO; before any thread starts. */
void
memo_init(void)
{
	const char *s = getenv("AGENTEV_MEMO");

	memo_on = s == NULL || strcmp(s, "0") != 0;
}

/* Turn the memo on or off (the fuzz harness compares both). */
void
memo_set(int on)
{
	memo_on = on;
}

static uint64_t
hash_bytes(const char *p, size_t n, enum memo_part kind)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n ^ (uint64_t)kind << 60, w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, p, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ h >> 29;
}

static void
unlink_use(struct memo_entry *e)
{
	if (e->newer != NULL)
		e->newer->older = e->older;
	else
		memo.newest = e->older;
	if (e->older != NULL)
		e->older->newer = e->newer;
	else
		memo.oldest = e->newer;
	e->newer = e->older = NULL;
}

static void
link_newest(struct memo_entry *e)
{
	e->older = memo.newest;
	e->newer = NULL;
	if (memo.newest != NULL)
		memo.newest->newer = e;
	else
		memo.oldest = e;
	memo.newest = e;
}

static void
evict(struct memo_entry *e)
{
	struct memo_entry **pp = &memo.buckets[e->hash & (memo.nbuckets - 1)];

	while (*pp != e)
		pp = &(*pp)->chain;
	*pp = e->chain;
	unlink_use(e);
	memo.count--;
	memo.bytes -= e->cost;
	free(e->snap);
	free(e);
}

static struct memo_entry *
find(enum memo_part kind, const char *p, size_t n, uint64_t h)
{
	struct memo_entry *e;

	if (memo.nbuckets == 0)
		return NULL;
	for (e = memo.buckets[h & (memo.nbuckets - 1)]; e; e = e->chain)
		if (e->hash == h && e->len == n && e->kind == kind &&
		    memcmp(e->bytes, p, n) == 0)
			return e;
	return NULL;
}

/* Double the table (or make the first one); on no memory, keep it. */
static void
grow(void)
{
	size_t n = memo.nbuckets ? memo.nbuckets * 2 : 256, i;
	struct memo_entry **b, *e, *next;

	if ((b = calloc(n, sizeof(*b))) == NULL)
		return;
	for (i = 0; i < memo.nbuckets; i++)
		for (e = memo.buckets[i]; e; e = next) {
			next = e->chain;
			e->chain = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
		}
	free(memo.buckets);
	memo.buckets = b;
	memo.nbuckets = n;
}

/* Keep s as what the n bytes at p extract to. */
static void
insert(enum memo_part kind, const char *p, size_t n,
    const struct snapshot *s)
{
	struct memo_entry *e;
	uint64_t h = hash_bytes(p, n, kind);
	size_t slot;

	if (find(kind, p, n, h) != NULL)
		return;
	if (memo.count >= memo.nbuckets)
		grow();
	if (memo.nbuckets == 0 || (e = malloc(sizeof(*e) + n)) == NULL)
		return;
	memcpy(e->bytes, p, n);
	e->hash = h;
	e->len = n;
	e->kind = kind;
	e->snap = snapshot_copy(s);
	/* and what malloc keeps for itself, about */
	e->cost = sizeof(*e) + n + snapshot_size(s) + 32;
	slot = h & (memo.nbuckets - 1);
	e->chain = memo.buckets[slot];
	memo.buckets[slot] = e;
	link_newest(e);
	memo.count++;
	memo.bytes += e->cost;
}

/* Free the thread's memo (at the end of a thread). */
void
memo_drop(void)
{
	while (memo.oldest != NULL)
		evict(memo.oldest);
	free(memo.buckets);
	free(memo.buf);
	memset(&memo, 0, sizeof(memo));
}

/*
 * The structural scan.  Each function takes the position of what it
 * skips and returns the position after it, or NULL when the bytes are not
 * of the expected shape (jansson will say what is wrong, or not).
 */
static const char *
skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	return p;
}

/*
 * p is at the opening quote.  The closing one is the first quote after it
 * with an even number of backslashes before it; memchr finds quotes fast.
 */
static const char *
skip_string(const char *p, const char *end)
{
	const char *start = ++p, *q;

	for (;;) {
		if ((p = memchr(p, '"', (size_t)(end - p))) == NULL)
			return NULL;
		for (q = p; q > start && q[-1] == '\\'; q--)
			;
		if ((p - q) % 2 == 0)
			return p + 1;
		p++;
	}
}

/* Bytes that matter between strings inside an object or array. */
static const unsigned char structural[256] = {
	['"'] = 1, ['{'] = 2, ['['] = 2, ['}'] = 3, [']'] = 3
};

static const char *
skip_value(const char *p, const char *end)
{
	size_t depth = 0;

	if (p == end)
		return NULL;
	if (*p == '"')
		return skip_string(p, end);
	if (*p != '{' && *p != '[') {
		while (p < end && *p != ',' && *p != '}' && *p != ']' &&
		    *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		return p;
	}
	while (p < end) {
		switch (structural[(unsigned char)*p]) {
		case 0:
			p++;
			break;
		case 1:
			if ((p = skip_string(p, end)) == NULL)
				return NULL;
			break;
		case 2:
			depth++;
			p++;
			break;
		default:
			p++;
			if (--depth == 0)
				return p;
			break;
		}
	}
	return NULL;
}

/* 0 and 1 for the snapshots, else -1. */
static int
top_key(const char *key, size_t n)
{
	if (n == 20 && memcmp(key, "CurrentAgentSnapshot", 20) == 0)
		return 0;
	if (n == 21 && memcmp(key, "PreviousAgentSnapshot", 21) == 0)
		return 1;
	return -1;
}

/* The part a snapshot's key names, or -1. */
static int
part_key(const char *key, size_t n)
{
	if (n == 11 && memcmp(key, "AgentStatus", 11) == 0)
		return MP_STATUS;
	if (n == 13 && memcmp(key, "Configuration", 13) == 0)
		return MP_CONFIGURATION;
	return -1;
}

/*
 * Scan the members of the object at p, once: at the top of the record
 * (snapshot < 0) for the two snapshots, inside snapshot number `snapshot`
 * for its parts.  Fails on an escaped key (it could spell one we
 * look for) and on a key we look for given twice.
 */
static const char *
scan_object(struct memo_rec *mr, const char *p, const char *end,
    const char *base, int snapshot)
{
	struct memo_span *sp;
	const char *key, *value;
	size_t keylen;
	int i, seen = 0;

	if (p == end || *p != '{')
		return NULL;
	p = skip_space(p + 1, end);
	if (p < end && *p == '}')
		return p + 1;
	for (;;) {
		if (p == end || *p != '"')
			return NULL;
		key = p + 1;
		if ((p = skip_string(p, end)) == NULL)
			return NULL;
		keylen = (size_t)(p - 1 - key);
		if (memchr(key, '\\', keylen) != NULL)
			return NULL;
		p = skip_space(p, end);
		if (p == end || *p != ':')
			return NULL;
		value = p = skip_space(p + 1, end);
		i = snapshot < 0 ? top_key(key, keylen) :
		    part_key(key, keylen);
		if (i >= 0 && (seen & 1 << i))
			return NULL;
		if (i >= 0)
			seen |= 1 << i;
		if (i >= 0 && snapshot < 0 && p < end && *p == '{') {
			if ((p = scan_object(mr, p, end, base, i)) == NULL)
				return NULL;
			sp = &mr->span[i][MP_SNAPSHOT];
		} else if ((p = skip_value(p, end)) == NULL)
			return NULL;
		else if (i >= 0 && snapshot >= 0 && *value == '{')
			sp = &mr->span[snapshot][i];
		else
			sp = NULL;
		if (sp != NULL) {
			sp->off = (size_t)(value - base);
			sp->len = (size_t)(p - value);
		}
		p = skip_space(p, end);
		if (p < end && *p == '}')
			return p + 1;
		if (p == end || *p != ',')
			return NULL;
		p = skip_space(p + 1, end);
	}
}

/* Find the spans of a record; -1 when it is not of the usual shape. */
static int
scan_record(struct memo_rec *mr, const char *buf, size_t len)
{
	const char *end = buf + len, *p;

	p = skip_space(buf, end);
	if ((p = scan_object(mr, p, end, buf, -1)) == NULL ||
	    skip_space(p, end) != end)
		return -1;
	return 0;
}

static const struct snapshot *
lookup(enum memo_part kind, const char *buf, const struct memo_span *s)
{
	struct memo_entry *e;

	if (s->len < MEMO_ENTRY_MIN || s->len > MEMO_ENTRY_MAX)
		return NULL;
	if ((e = find(kind, buf + s->off, s->len,
	    hash_bytes(buf + s->off, s->len, kind))) == NULL)
		return NULL;
	if (e != memo.newest) {
		unlink_use(e);
		link_newest(e);
	}
	return e->snap;
}

/*
 * What the memo knows of the n bytes at p as a part of kind, or NULL; for
 * parse.c's fast path, which finds its own spans.  What it points to lives
 * until the next memo_scan on this thread.
 */
const struct snapshot *
memo_find(enum memo_part kind, const char *p, size_t n)
{
	struct memo_span s = { 0, n, NULL };

	if (!memo_on)
		return NULL;
	return lookup(kind, p, &s);
}

/* Whether the memo (and with it the fast path) is on. */
int
memo_enabled(void)
{
	return memo_on;
}

/* Copy the record into memo.buf with "{}" for each span that hit. */
static int
reduce(struct memo_rec *mr, const char *buf, size_t len)
{
	const struct memo_span *hit[2 * MP_NPARTS], *t;
	size_t nhit = 0, i, k, at = 0, o = 0;
	int part;

	for (i = 0; i < 2; i++) {
		if (mr->span[i][MP_SNAPSHOT].hit != NULL) {
			hit[nhit++] = &mr->span[i][MP_SNAPSHOT];
			continue;
		}
		for (part = MP_STATUS; part < MP_NPARTS; part++)
			if (mr->span[i][part].hit != NULL)
				hit[nhit++] = &mr->span[i][part];
	}
	for (i = 1; i < nhit; i++)
		for (k = i; k > 0 && hit[k]->off < hit[k - 1]->off; k--) {
			t = hit[k];
			hit[k] = hit[k - 1];
			hit[k - 1] = t;
		}
	if (memo.cap < len + 1) {
		free(memo.buf);
		if ((memo.buf = malloc(len + 1)) == NULL) {
			memo.cap = 0;
			return -1;
		}
		memo.cap = len + 1;
	}
	for (i = 0; i < nhit; i++) {
		memcpy(memo.buf + o, buf + at, hit[i]->off - at);
		o += hit[i]->off - at;
		memcpy(memo.buf + o, "{}", 2);
		o += 2;
		at = hit[i]->off + hit[i]->len;
	}
	memcpy(memo.buf + o, buf + at, len - at);
	o += len - at;
	mr->buf = memo.buf;
	mr->len = o;
	return 0;
}

/*
 * A stream where almost nothing repeats (every event of a new agent, say)
 * would pay for the scan and the copies and get nothing back.  So when the
 * hits of a window of records cover less than an eighth of their bytes,
 * the memo leaves the next MEMO_REST records alone, then looks again.
 */
static void
count_hits(const struct memo_rec *mr, size_t len)
{
	int i, part;

	memo.bytes_seen += len;
	for (i = 0; i < 2; i++)
		for (part = 0; part < MP_NPARTS; part++)
			if (mr->span[i][part].hit != NULL)
				memo.bytes_hit += mr->span[i][part].len;
	if (++memo.records < MEMO_WINDOW)
		return;
	if (memo.bytes_hit < memo.bytes_seen / 8)
		memo.rest = MEMO_REST;
	memo.records = memo.bytes_seen = memo.bytes_hit = 0;
}

/*
 * Before a record is decoded: find its spans and what the memo knows of
 * them.  Returns -1 when the memo cannot serve it (off, too big, an
 * unusual shape), 0 when nothing is known (mr still says what to keep),
 * 1 when mr->buf and mr->len hold the record with "{}" for the known
 * spans and mr's hits say what they extract to.
 */
int
memo_scan(struct memo_rec *mr, const char *buf, size_t len)
{
	int i, part, hits = 0;

	memset(mr, 0, sizeof(*mr));
	if (!memo_on || len > MEMO_RECORD_MAX)
		return -1;
	if (memo.rest > 0) {
		memo.rest--;
		return -1;
	}
	/* nothing points into the memo between records */
	while (memo.bytes > MEMO_LIMIT)
		evict(memo.oldest);
	if (memo.cap > MEMO_BUF_KEEP) {
		free(memo.buf);
		memo.buf = NULL;
		memo.cap = 0;
	}
	if (scan_record(mr, buf, len) == -1)
		return -1;
	for (i = 0; i < 2; i++) {
		if (mr->span[i][MP_SNAPSHOT].len == 0)
			continue;
		if ((mr->span[i][MP_SNAPSHOT].hit = lookup(MP_SNAPSHOT, buf,
		    &mr->span[i][MP_SNAPSHOT])) != NULL) {
			hits++;
			continue;
		}
		for (part = MP_STATUS; part < MP_NPARTS; part++)
			if ((mr->span[i][part].hit = lookup(part, buf,
			    &mr->span[i][part])) != NULL)
				hits++;
	}
	count_hits(mr, len);
	if (hits == 0)
		return 0;
	return reduce(mr, buf, len) == -1 ? -1 : 1;
}

/* The part of s that the span of part extracts to. */
static void
part_of(struct snapshot *p, const struct snapshot *s, int part)
{
	memset(p, 0, sizeof(*p));
	switch (part) {
	case MP_STATUS:
		p->status_arn = s->status_arn;
		p->status_name = s->status_name;
		p->status_type = s->status_type;
		p->status_start = s->status_start;
		break;
	case MP_CONFIGURATION:
		p->username = s->username;
		p->first_name = s->first_name;
		p->last_name = s->last_name;
		p->routing_profile = s->routing_profile;
		memcpy(p->hierarchy, s->hierarchy, sizeof(p->hierarchy));
		p->proficiencies = s->proficiencies;
		break;
	}
}

/*
 * After the record at buf (as scanned into mr) validated with no problem
 * into ev: keep what its spans that were not known extract to.
 */
void
memo_keep(const struct memo_rec *mr, const char *buf, const struct event *ev)
{
	const struct memo_span *sp;
	const struct snapshot *s;
	struct snapshot part;
	int i, k;

	for (i = 0; i < 2; i++) {
		s = i == 0 ? &ev->cur : &ev->prev;
		if (!s->present || mr->span[i][MP_SNAPSHOT].hit != NULL)
			continue;
		for (k = 0; k < MP_NPARTS; k++) {
			sp = &mr->span[i][k];
			if (sp->hit != NULL || sp->len < MEMO_ENTRY_MIN ||
			    sp->len > MEMO_ENTRY_MAX)
				continue;
			if (k == MP_SNAPSHOT)
				insert(k, buf + sp->off, sp->len, s);
			else {
				part_of(&part, s, k);
				insert(k, buf + sp->off, sp->len, &part);
			}
		}
	}
}
