/*
 * parse.c: turn one framed JSON value into events: decode it with
 * jansson, unwrap get-records pages and Lambda payloads (base64), and
 * validate each event against the data model into a struct event.
 *
 * Nothing here touches shared state, so a worker thread can run it.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "agentev.h"

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

#define MAX_PATH	8	/* the model nests no deeper */

/*
 * Validation context: where we are in the event, and what was found.  The
 * path is kept as keys and indices and only spelled out for a problem.
 */
struct vctx {
	const struct config	*cfg;
	struct verdict		*v;
	const char		*keys[MAX_PATH];
	long			 indices[MAX_PATH];	/* -1: none */
	size_t			 depth;
};

static const char *const contact_states[] = {
	[CS_INCOMING] = "INCOMING",
	[CS_PENDING] = "PENDING",
	[CS_CONNECTING] = "CONNECTING",
	[CS_CONNECTED] = "CONNECTED",
	[CS_CONNECTED_ONHOLD] = "CONNECTED_ONHOLD",
	[CS_MISSED] = "MISSED",
	[CS_ERROR] = "ERROR",
	[CS_ENDED] = "ENDED",
	[CS_REJECTED] = "REJECTED",
	[CS_PAUSED] = "PAUSED",
	[CS_UNKNOWN] = NULL
};

static const char *const event_types[] = {
	[EV_LOGIN] = "LOGIN",
	[EV_LOGOUT] = "LOGOUT",
	[EV_STATE_CHANGE] = "STATE_CHANGE",
	[EV_HEART_BEAT] = "HEART_BEAT",
	[EV_UNKNOWN] = NULL
};

static const char *const channels[] = {
	"VOICE", "CHAT", "TASK", "TASKS", "EMAIL", NULL
};

static const char *const status_types[] = {
	"ROUTABLE", "CUSTOM", "OFFLINE", "NOT_ROUTABLE", NULL
};

const char *
contact_state_name(enum contact_state s)
{
	return contact_states[s] ? contact_states[s] : "UNKNOWN";
}

static void	problem(struct vctx *, enum severity, const char *,
		    const char *, ...) __attribute__((format(printf, 4, 5)));
static void	reject(const struct origin *, const char *, size_t,
		    record_fn, void *, const char *, ...)
		    __attribute__((format(printf, 6, 7)));

#define CUT_MARK	"..."	/* after a value or message that was cut */

/* The length of the valid UTF-8 character at s (n bytes left), or 0. */
static size_t
utf8_char(const unsigned char *s, size_t n)
{
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] > 0x9F) ||
	    (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] > 0x8F))
		return 0;
	return len;
}

/* Write c as an escape into dst (room for 7); its length. */
static size_t
escape_byte(char *dst, unsigned char c, int invalid)
{
	static const char hex[] = "0123456789abcdef";

	if (c == '\n' || c == '\r' || c == '\t') {
		dst[0] = '\\';
		dst[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
		return 2;
	}
	if (invalid) {
		memcpy(dst, "\\x", 2);
		dst[2] = hex[c >> 4];
		dst[3] = hex[c & 15];
		return 4;
	}
	memcpy(dst, "\\u00", 4);
	dst[4] = hex[c >> 4];
	dst[5] = hex[c & 15];
	return 6;
}

/*
 * Quote the n bytes at s for a message: in double quotes, at most max
 * characters, cut only between characters and then followed by CUT_MARK;
 * quotes and backslashes escaped as in JSON, control characters as JSON
 * escapes and bytes that are not UTF-8 as \xNN, so nothing reaches a
 * terminal raw.  Returns the length written to dst (size > 8).
 */
size_t
quote_value(char *dst, size_t size, const char *s, size_t n, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t o = 0, i = 0, chars = 0, len, need;
	char esc[8];

	dst[o++] = '"';
	while (i < n) {
		len = utf8_char(u + i, n - i);
		if (len == 0 || u[i] < 0x20 || u[i] == 0x7f) {
			need = escape_byte(esc, u[i], len == 0);
			len = 1;
		} else if (u[i] == '"' || u[i] == '\\') {
			esc[0] = '\\';
			esc[1] = (char)u[i];
			need = 2;
		} else {
			memcpy(esc, s + i, len);
			need = len;
		}
		/* room for this, the closing quote, the mark and the NUL */
		if (chars == max || o + need + 1 + sizeof(CUT_MARK) > size)
			break;
		memcpy(dst + o, esc, need);
		o += need;
		i += len;
		chars++;
	}
	dst[o++] = '"';
	if (i < n) {
		memcpy(dst + o, CUT_MARK, sizeof(CUT_MARK) - 1);
		o += sizeof(CUT_MARK) - 1;
	}
	dst[o] = '\0';
	return o;
}

/*
 * Copy a message into dst, writing control characters as JSON escapes:
 * values quoted from the input must not reach a terminal raw (an escape
 * sequence, or a newline that forges a message of its own).  A message
 * too long is cut between characters, with CUT_MARK.
 */
static void
copy_message(char *dst, size_t size, const char *src)
{
	const unsigned char *u = (const unsigned char *)src;
	size_t o = 0, i = 0, n = strlen(src), len, need;
	char esc[8];

	while (i < n) {
		len = utf8_char(u + i, n - i);
		if (len == 0 || u[i] < 0x20 || u[i] == 0x7f) {
			need = escape_byte(esc, u[i], len == 0);
			len = 1;
		} else {
			memcpy(esc, src + i, len);
			need = len;
		}
		if (o + need + sizeof(CUT_MARK) > size) {
			memcpy(dst + o, CUT_MARK, sizeof(CUT_MARK) - 1);
			o += sizeof(CUT_MARK) - 1;
			break;
		}
		memcpy(dst + o, esc, need);
		o += need;
		i += len;
	}
	dst[o] = '\0';
}

/* Record a problem at the current path plus an optional key. */
static void
problem(struct vctx *x, enum severity sev, const char *key,
    const char *fmt, ...)
{
	struct verdict *v = x->v;
	struct problem *p;
	char text[2 * sizeof(p->message)];
	size_t i, n;
	va_list ap;

	if (sev == SEV_ERROR)
		v->rejected = 1;
	if (v->nproblems++ >= MAX_PROBLEMS)
		return;
	p = &v->problems[v->nproblems - 1];
	p->severity = sev;
	p->field[0] = '\0';
	for (i = 0; i < x->depth; i++) {
		n = strlen(p->field);
		snprintf(p->field + n, sizeof(p->field) - n, "%s%s", i ? "." :
		    "", x->keys[i]);
		n = strlen(p->field);
		if (x->indices[i] >= 0)
			snprintf(p->field + n, sizeof(p->field) - n, "[%ld]",
			    x->indices[i]);
	}
	if (key != NULL) {
		n = strlen(p->field);
		snprintf(p->field + n, sizeof(p->field) - n, "%s%s",
		    x->depth ? "." : "", key);
	}
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	copy_message(p->message, sizeof(p->message), text);
}

/* Descend into key, or key[index] when index >= 0; returns the old depth. */
static size_t
enter(struct vctx *x, const char *key, long index)
{
	size_t old = x->depth;

	if (old < MAX_PATH) {
		x->keys[old] = key;
		x->indices[old] = index;
		x->depth++;
	}
	return old;
}

static void
leave(struct vctx *x, size_t old)
{
	x->depth = old;
}

static const char *
json_kind(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:	return "an object";
	case JSON_ARRAY:	return "an array";
	case JSON_STRING:	return "a string";
	case JSON_INTEGER:
	case JSON_REAL:		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:	return "a boolean";
	default:		return "null";
	}
}

enum need { OPTIONAL, REQUIRED };

/*
 * Fetch obj[key] of JSON type `type`.  NULL when absent or null (an error
 * when required) or of the wrong type (an error).
 */
static json_t *
get(struct vctx *x, json_t *obj, const char *key, json_type type,
    enum need need)
{
	json_t *j = json_object_get(obj, key);

	if (j == NULL || json_is_null(j)) {
		if (need == REQUIRED)
			problem(x, SEV_ERROR, key, j ? "must not be null" :
			    "missing");
		return NULL;
	}
	if (json_typeof(j) != type) {
		problem(x, SEV_ERROR, key, "expected %s, found %s",
		    type == JSON_OBJECT ? "an object" :
		    type == JSON_ARRAY ? "an array" : "a string",
		    json_kind(j));
		return NULL;
	}
	return j;
}

/* Count UTF-8 characters; the input is valid UTF-8 (jansson checked). */
static size_t
utf8_length(const char *s, size_t n)
{
	size_t i, count = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			count++;
	return count;
}

/* A string field with a length limit in characters. */
static const char *
get_string(struct vctx *x, json_t *obj, const char *key, enum need need,
    size_t minlen, size_t maxlen)
{
	json_t *j = get(x, obj, key, JSON_STRING, need);
	size_t n;

	if (j == NULL)
		return NULL;
	/* characters are never more than bytes: count only when it matters */
	n = json_string_length(j);
	if (n > maxlen)
		n = utf8_length(json_string_value(j), n);
	if (n < minlen) {
		problem(x, SEV_ERROR, key, "empty");
		return NULL;
	}
	if (n > maxlen) {
		problem(x, SEV_ERROR, key, "%zu characters, more than %zu", n,
		    maxlen);
		return NULL;
	}
	if (memchr(json_string_value(j), '\0', json_string_length(j))) {
		problem(x, SEV_ERROR, key, "contains a NUL character");
		return NULL;
	}
	return json_string_value(j);
}

/* Index of s in the NULL-terminated list, or -1. */
static int
lookup(const char *const *list, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i] && strcmp(list[i], s) == 0)
			return (int)i;
	return -1;
}

/* An enumerated string; unknown values warn, or fail under -s. */
static const char *
get_enum(struct vctx *x, json_t *obj, const char *key, enum need need,
    const char *const *list, size_t n, int *index)
{
	const char *s = get_string(x, obj, key, need, 1, 64);
	char q[256];

	*index = -1;
	if (s == NULL)
		return NULL;
	if ((*index = lookup(list, n, s)) == -1) {
		quote_value(q, sizeof(q), s, strlen(s), 40);
		problem(x, x->cfg->strict ? SEV_ERROR : SEV_WARNING, key,
		    "unknown value %s", q);
	}
	return s;
}

static int
digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/*
 * Parse YYYY-MM-DDThh:mm:ss[.f{1,9}](Z|+hh:mm|-hh:mm) into milliseconds
 * since the epoch, dropping digits below the millisecond.  Returns 0, -1
 * when the text is not of that shape, -2 when it names no real instant.
 */
int
parse_time(const char *s, size_t n, int64_t *ms)
{
	/* the date of the last time parsed on this thread, and its day */
	static _Thread_local char last[10];
	static _Thread_local int64_t last_day;
	int y = 0, mo = 1, d = 1, h, mi, sec, frac = 0, oh = 0, om = 0;
	int sign = 0, same;
	size_t i = 19, fd = 0;

	if (n < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':')
		return -1;
	/* times come in runs of the same day: its digits were good */
	same = memcmp(s, last, sizeof(last)) == 0;
	if ((!same && (digits(s, 4, &y) || digits(s + 5, 2, &mo) ||
	    digits(s + 8, 2, &d))) || digits(s + 11, 2, &h) ||
	    digits(s + 14, 2, &mi) || digits(s + 17, 2, &sec))
		return -1;
	if (s[i] == '.') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, fd++)
			if (fd < 3)
				frac = frac * 10 + (s[i] - '0');
		if (fd == 0 || fd > 9)
			return -1;
		for (; fd < 3; fd++)
			frac *= 10;
	}
	if (i == n - 1 && s[i] == 'Z')
		;
	else if (i + 6 == n && (s[i] == '+' || s[i] == '-') &&
	    s[i + 3] == ':' && !digits(s + i + 1, 2, &oh) &&
	    !digits(s + i + 4, 2, &om))
		sign = s[i] == '-' ? -1 : 1;
	else
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    h > 23 || mi > 59 || sec > 59 || oh > 23 || om > 59)
		return -2;
	if (!same) {
		last_day = days_from_civil(y, mo, d);
		memcpy(last, s, sizeof(last));
	}
	*ms = ((last_day * 24 + h) * 60 + mi) * 60 + sec;
	*ms -= sign * (oh * 3600 + om * 60);
	*ms = *ms * 1000 + frac;
	return 0;
}

static int
get_time(struct vctx *x, json_t *obj, const char *key, enum need need,
    int64_t *out)
{
	json_t *j = get(x, obj, key, JSON_STRING, need);
	char q[256];
	int rc;

	if (j == NULL)
		return -1;
	rc = parse_time(json_string_value(j), json_string_length(j), out);
	if (rc == 0 && *out < 0)
		rc = -3;	/* negative times stand for "none" */
	if (rc != 0)
		quote_value(q, sizeof(q), json_string_value(j),
		    json_string_length(j), 40);
	if (rc == -1)
		problem(x, SEV_ERROR, key, "not an ISO 8601 time: %s", q);
	else if (rc == -2)
		problem(x, SEV_ERROR, key, "impossible date or time: %s", q);
	else if (rc == -3)
		problem(x, SEV_ERROR, key, "before 1970-01-01T00:00:00Z: %s",
		    q);
	return rc;
}

/*
 * Length of the leading run of s up to a '/', a ':', a space, a control
 * character or the end.  Those are all below 64: bits of one word say
 * which.
 */
static size_t
span_id(const char *s)
{
	const uint64_t stops = 0x1FFFFFFFFULL | 1ULL << '/' | 1ULL << ':';
	unsigned char c;
	size_t n = 0;

	while ((c = (unsigned char)s[n]) >= 64 || !(stops >> c & 1))
		n++;
	return n;
}

/*
 * Length of "arn:PARTITION:connect:REGION:ACCOUNT:instance/ID" at the
 * start of s, or 0 when s does not start like that.
 */
static size_t
instance_prefix(const char *s)
{
	const char *p = s;
	size_t n;
	int i;

	if (strncmp(p, "arn:aws", 7) != 0)
		return 0;
	p += 7;
	while (*p == '-' || islower((unsigned char)*p))
		p++;
	if (strncmp(p, ":connect:", 9) != 0)
		return 0;
	p += 9;
	for (n = 0; islower((unsigned char)p[n]) ||
	    isdigit((unsigned char)p[n]) || p[n] == '-'; n++)
		;
	if (n == 0 || p[n] != ':')
		return 0;
	p += n + 1;
	for (i = 0; i < 12; i++)
		if (!isdigit((unsigned char)p[i]))
			return 0;
	if (p[12] != ':' || strncmp(p + 13, "instance/", 9) != 0)
		return 0;
	p += 22;
	if ((n = span_id(p)) == 0)
		return 0;
	return (size_t)(p + n - s);
}

/*
 * An Amazon Connect ARN: the instance, then `resource` ("" for the
 * instance itself, else e.g. "agent") and one id, or for queues also
 * "queue/agent/ID".  0 when s is one, 1 when it is no Amazon Connect ARN,
 * 2 when it is the ARN of something else.
 */
static int
arn_check(const char *s, const char *resource)
{
	/* the instance an ARN began with last time, on this thread */
	static _Thread_local char last[128];
	static _Thread_local size_t last_len;
	const char *p;
	size_t n, rl = strlen(resource);

	/* the same bytes, up to where span_id stops, have the same prefix */
	if (last_len > 0 && strncmp(s, last, last_len) == 0 &&
	    span_id(s + last_len) == 0)
		n = last_len;
	else if ((n = instance_prefix(s)) == 0)
		return 1;
	else if (n <= sizeof(last)) {
		memcpy(last, s, n);
		last_len = n;
	}
	p = s + n;
	if (rl == 0 && *p == '\0')
		return 0;
	if (rl > 0 && *p == '/' && strncmp(p + 1, resource, rl) == 0 &&
	    p[1 + rl] == '/') {
		p += rl + 2;
		if (strcmp(resource, "queue") == 0 &&
		    strncmp(p, "agent/", 6) == 0)
			p += 6;
		if ((n = span_id(p)) > 0 && p[n] == '\0')
			return 0;
	}
	return 2;
}

/* An ARN field, as arn_check wants it. */
static const char *
get_arn(struct vctx *x, json_t *obj, const char *key, enum need need,
    const char *resource)
{
	const char *s = get_string(x, obj, key, need, 1, 1024);
	char q[256];
	int rc;

	if (s == NULL || (rc = arn_check(s, resource)) == 0)
		return s;
	quote_value(q, sizeof(q), s, strlen(s), 60);
	if (rc == 1)
		problem(x, SEV_ERROR, key, "not an Amazon Connect ARN: %s", q);
	else
		problem(x, SEV_ERROR, key, "not the ARN of %s: %s",
		    *resource ? resource : "an instance", q);
	return NULL;
}

/* Every element of obj[key] must be a string. */
static void
check_string_array(struct vctx *x, json_t *obj, const char *key)
{
	json_t *a = get(x, obj, key, JSON_ARRAY, OPTIONAL), *e;
	size_t i, old;

	json_array_foreach(a, i, e) {
		if (json_is_string(e))
			continue;
		old = enter(x, key, (long)i);
		problem(x, SEV_ERROR, NULL, "expected a string, found %s",
		    json_kind(e));
		leave(x, old);
	}
}

/* A Queue object; returns its name (NULL when null). */
static const char *
check_queue(struct vctx *x, json_t *q)
{
	(void)get_arn(x, q, "ARN", REQUIRED, "queue");
	check_string_array(x, q, "Channels");
	return get_string(x, q, "Name", OPTIONAL, 0, 256);
}

static const char *
get_queue(struct vctx *x, json_t *obj, const char *key, enum need need)
{
	json_t *q = get(x, obj, key, JSON_OBJECT, need);
	const char *name;
	size_t old;

	if (q == NULL)
		return NULL;
	old = enter(x, key, -1);
	name = check_queue(x, q);
	leave(x, old);
	return name;
}

/*
 * Call check(x, element, arg) for each element of the array obj[key],
 * with the path set to key[i]; elements that are not objects are errors.
 */
static void
each_object(struct vctx *x, json_t *obj, const char *key, enum need need,
    void (*check)(struct vctx *, json_t *, void *, size_t), void *arg)
{
	json_t *a = get(x, obj, key, JSON_ARRAY, need), *e;
	size_t i, old;

	json_array_foreach(a, i, e) {
		old = enter(x, key, (long)i);
		if (json_is_object(e))
			check(x, e, arg, i);
		else
			problem(x, SEV_ERROR, NULL,
			    "expected an object, found %s", json_kind(e));
		leave(x, old);
	}
}

static void
check_queue_element(struct vctx *x, json_t *q, void *arg, size_t i)
{
	(void)arg;
	(void)i;
	(void)check_queue(x, q);
}

static void
check_concurrency(struct vctx *x, json_t *c, void *arg, size_t i)
{
	(void)arg;
	(void)i;
	(void)get_string(x, c, "Channel", OPTIONAL, 1, 64);
}

static void
check_proficiency(struct vctx *x, json_t *p, void *arg, size_t i)
{
	(void)arg;
	(void)i;
	(void)get_string(x, p, "Name", REQUIRED, 1, 256);
}

static void
check_routing_profile(struct vctx *x, json_t *rp, struct snapshot *s)
{
	(void)get_arn(x, rp, "ARN", REQUIRED, "routing-profile");
	s->routing_profile = get_string(x, rp, "Name", REQUIRED, 1, 256);
	(void)get_queue(x, rp, "DefaultOutboundQueue", OPTIONAL);
	each_object(x, rp, "InboundQueues", OPTIONAL, check_queue_element,
	    NULL);
	each_object(x, rp, "Concurrency", OPTIONAL, check_concurrency, NULL);
}

static void
check_hierarchy(struct vctx *x, json_t *h, struct snapshot *s)
{
	static const char *const levels[] = { "Level1", "Level2", "Level3",
	    "Level4", "Level5" };
	json_t *g;
	size_t i, old;

	for (i = 0; i < 5; i++) {
		if ((g = get(x, h, levels[i], JSON_OBJECT, OPTIONAL)) == NULL)
			continue;
		old = enter(x, levels[i], -1);
		(void)get_arn(x, g, "ARN", REQUIRED, "agent-group");
		s->hierarchy[i] = get_string(x, g, "Name", REQUIRED, 1, 256);
		leave(x, old);
	}
}

static void
check_configuration(struct vctx *x, json_t *c, struct snapshot *s)
{
	json_t *j;
	size_t old;

	s->username = get_string(x, c, "Username", REQUIRED, 1, 100);
	s->first_name = get_string(x, c, "FirstName", OPTIONAL, 0, 100);
	s->last_name = get_string(x, c, "LastName", OPTIONAL, 0, 100);
	if ((j = get(x, c, "RoutingProfile", JSON_OBJECT, REQUIRED))) {
		old = enter(x, "RoutingProfile", -1);
		check_routing_profile(x, j, s);
		leave(x, old);
	}
	if ((j = get(x, c, "AgentHierarchyGroups", JSON_OBJECT, OPTIONAL))) {
		old = enter(x, "AgentHierarchyGroups", -1);
		check_hierarchy(x, j, s);
		leave(x, old);
	}
	if ((j = get(x, c, "Proficiencies", JSON_ARRAY, OPTIONAL)) != NULL) {
		each_object(x, c, "Proficiencies", OPTIONAL, check_proficiency,
		    NULL);
		s->proficiencies = s->proficiencies_buf = json_dumps(j,
		    JSON_COMPACT | JSON_PRESERVE_ORDER);
	}
}

static void
check_status(struct vctx *x, json_t *st, struct snapshot *s)
{
	int index;

	s->status_arn = get_arn(x, st, "ARN", REQUIRED, "agent-state");
	s->status_name = get_string(x, st, "Name", REQUIRED, 1, 127);
	(void)get_time(x, st, "StartTimestamp", REQUIRED, &s->status_start);
	s->status_type = get_enum(x, st, "Type", OPTIONAL, status_types, 4,
	    &index);
}

static void
check_next_status(struct vctx *x, json_t *ns, struct snapshot *s)
{
	int64_t t;

	(void)get_arn(x, ns, "ARN", OPTIONAL, "agent-state");
	s->next_status = get_string(x, ns, "Name", REQUIRED, 1, 127);
	/* the documentation spells it both ways */
	(void)get_time(x, ns, "EnqueuedTimestamp", OPTIONAL, &t);
	(void)get_time(x, ns, "EnqueueTimestamp", OPTIONAL, &t);
}

static void
check_contact(struct vctx *x, json_t *j, void *arg, size_t i)
{
	struct contact *c = &((struct snapshot *)arg)->contacts[i];
	int64_t t;
	int index;

	c->id = get_string(x, j, "ContactId", REQUIRED, 1, 256);
	c->initial_id = get_string(x, j, "InitialContactId", OPTIONAL, 1,
	    256);
	c->channel = get_enum(x, j, "Channel", REQUIRED, channels, 5, &index);
	c->initiation_method = get_string(x, j, "InitiationMethod", REQUIRED,
	    1, 64);
	c->state_name = get_enum(x, j, "State", REQUIRED, contact_states,
	    CS_UNKNOWN, &index);
	c->state = index < 0 ? CS_UNKNOWN : (enum contact_state)index;
	(void)get_time(x, j, "StateStartTimestamp", REQUIRED,
	    &c->state_start);
	if (get_time(x, j, "ConnectedToAgentTimestamp", OPTIONAL,
	    &c->connected) != 0)
		c->connected = NO_TIME;
	(void)get_time(x, j, "QueueTimestamp", OPTIONAL, &t);
	c->queue_name = get_queue(x, j, "Queue", OPTIONAL);
}

/*
 * What the memo knows of a snapshot (a validation of the same bytes before,
 * with no problem): the event gets its strings, which the memo owns, and
 * its own array of contacts.
 */
static void
take_contacts(struct vctx *x, struct snapshot *s, const struct snapshot *m)
{
	s->contacts = NULL;
	s->ncontacts = m->ncontacts;
	if (m->ncontacts == 0)
		return;
	if ((s->contacts = malloc(m->ncontacts * sizeof(*s->contacts))) ==
	    NULL) {
		s->ncontacts = 0;
		problem(x, SEV_ERROR, "Contacts", "out of memory");
		return;
	}
	memcpy(s->contacts, m->contacts, m->ncontacts * sizeof(*s->contacts));
}

static void
take_snapshot(struct vctx *x, struct snapshot *s, const struct snapshot *m)
{
	*s = *m;
	s->present = 1;
	s->proficiencies_buf = NULL;
	take_contacts(x, s, m);
}

static void
take_status(struct snapshot *s, const struct snapshot *m)
{
	s->status_arn = m->status_arn;
	s->status_name = m->status_name;
	s->status_type = m->status_type;
	s->status_start = m->status_start;
}

/* What the memo knows of a Configuration. */
static void
take_configuration(struct snapshot *s, const struct snapshot *m)
{
	s->username = m->username;
	s->first_name = m->first_name;
	s->last_name = m->last_name;
	s->routing_profile = m->routing_profile;
	memcpy(s->hierarchy, m->hierarchy, sizeof(s->hierarchy));
	s->proficiencies = m->proficiencies;
}

/*
 * Validate an AgentSnapshot at obj[key] into s.  With the memo (memo set:
 * the spans of this snapshot), the snapshot or some of its parts are
 * placeholders "{}" and the memo says what they extract to.
 */
static void
check_snapshot(struct vctx *x, json_t *obj, const char *key, enum need need,
    struct snapshot *s, const struct memo_span *memo)
{
	static const struct memo_span none[MP_NPARTS];
	json_t *snap, *j;
	size_t old;

	memset(s, 0, sizeof(*s));
	if ((snap = get(x, obj, key, JSON_OBJECT, need)) == NULL)
		return;
	s->present = 1;
	if (memo == NULL)
		memo = none;
	if (memo[MP_SNAPSHOT].hit != NULL) {
		take_snapshot(x, s, memo[MP_SNAPSHOT].hit);
		return;
	}
	old = enter(x, key, -1);
	if ((j = get(x, snap, "AgentStatus", JSON_OBJECT, REQUIRED))) {
		size_t o = enter(x, "AgentStatus", -1);
		if (memo[MP_STATUS].hit != NULL)
			take_status(s, memo[MP_STATUS].hit);
		else
			check_status(x, j, s);
		leave(x, o);
	}
	if ((j = get(x, snap, "NextAgentStatus", JSON_OBJECT, OPTIONAL))) {
		size_t o = enter(x, "NextAgentStatus", -1);
		check_next_status(x, j, s);
		leave(x, o);
	}
	if ((j = get(x, snap, "Configuration", JSON_OBJECT, REQUIRED))) {
		size_t o = enter(x, "Configuration", -1);
		if (memo[MP_CONFIGURATION].hit != NULL)
			take_configuration(s, memo[MP_CONFIGURATION].hit);
		else
			check_configuration(x, j, s);
		leave(x, o);
	}
	if ((j = get(x, snap, "Contacts", JSON_ARRAY, REQUIRED)) &&
	    json_array_size(j) > MAX_CONTACTS)
		problem(x, SEV_ERROR, "Contacts", "%zu contacts, more than "
		    "%d", json_array_size(j), MAX_CONTACTS);
	else if (j != NULL) {
		s->ncontacts = json_array_size(j);
		if (s->ncontacts > 0 &&
		    (s->contacts = calloc(s->ncontacts,
		    sizeof(*s->contacts))) == NULL) {
			s->ncontacts = 0;
			problem(x, SEV_ERROR, "Contacts", "out of memory");
		} else
			each_object(x, snap, "Contacts", REQUIRED,
			    check_contact, s);
	}
	leave(x, old);
}

static int
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return s[n] == '\0';
}

/* The contact with this ContactId, or NULL. */
const struct contact *
snapshot_contact(const struct snapshot *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->ncontacts; i++)
		if (strcmp(s->contacts[i].id, id) == 0)
			return &s->contacts[i];
	return NULL;
}

/*
 * Make the event independent of its JSON tree and free the tree, on the
 * thread that built it: a worker thread does this before handing the
 * event on, so that the memory jansson allocated is freed where it was
 * allocated (freeing it on the applying thread makes the threads fight
 * over the allocator's locks).
 */
void
event_detach(struct event *ev)
{
	struct snapshot *cur = NULL, *prev = NULL;
	enum event_type type;
	int64_t time;
	size_t a, b, c;
	char *strings;

	if (ev->root == NULL && ev->detached[0] != NULL)
		return;		/* detached before, or from the fast path */
	a = strlen(ev->agent_arn) + 1;
	b = strlen(ev->event_id) + 1;
	c = strlen(ev->type_name) + 1;
	if ((strings = malloc(a + b + c)) == NULL)
		fatal_oom();
	memcpy(strings, ev->agent_arn, a);
	memcpy(strings + a, ev->event_id, b);
	memcpy(strings + a + b, ev->type_name, c);
	if (ev->cur.present)
		cur = snapshot_copy(&ev->cur);
	if (ev->prev.present)
		prev = snapshot_copy(&ev->prev);
	type = ev->type;
	time = ev->time;
	event_clear(ev);
	ev->type = type;
	ev->time = time;
	ev->agent_arn = strings;
	ev->event_id = strings + a;
	ev->type_name = strings + a + b;
	ev->detached[0] = strings;
	if ((ev->detached[1] = cur) != NULL)
		ev->cur = *cur;
	if ((ev->detached[2] = prev) != NULL)
		ev->prev = *prev;
}

void
event_clear(struct event *ev)
{
	if (ev->root == NULL) {
		/* detached, or never filled */
		free(ev->detached[0]);
		free(ev->detached[1]);
		free(ev->detached[2]);
		memset(ev, 0, sizeof(*ev));
		return;
	}
	free(ev->cur.contacts);
	free(ev->prev.contacts);
	arena_free(ev->cur.proficiencies_buf);
	arena_free(ev->prev.proficiencies_buf);
	json_decref(ev->root);
	memset(ev, 0, sizeof(*ev));
}

/* Copy s's strings into the block at *p (when p is set); their length. */
static size_t
copy_string(const char **s, char **p)
{
	size_t n;

	if (*s == NULL)
		return 0;
	n = strlen(*s) + 1;
	if (p != NULL) {
		memcpy(*p, *s, n);
		*s = *p;
		*p += n;
	}
	return n;
}

/* Walk every string of a snapshot with copy_string. */
static size_t
snapshot_strings(struct snapshot *s, char **p)
{
	size_t n = 0, i;

	n += copy_string(&s->status_arn, p);
	n += copy_string(&s->status_name, p);
	n += copy_string(&s->status_type, p);
	n += copy_string(&s->next_status, p);
	n += copy_string(&s->username, p);
	n += copy_string(&s->first_name, p);
	n += copy_string(&s->last_name, p);
	n += copy_string(&s->routing_profile, p);
	for (i = 0; i < 5; i++)
		n += copy_string(&s->hierarchy[i], p);
	n += copy_string(&s->proficiencies, p);
	for (i = 0; i < s->ncontacts; i++) {
		n += copy_string(&s->contacts[i].id, p);
		n += copy_string(&s->contacts[i].initial_id, p);
		n += copy_string(&s->contacts[i].channel, p);
		n += copy_string(&s->contacts[i].initiation_method, p);
		n += copy_string(&s->contacts[i].queue_name, p);
		n += copy_string(&s->contacts[i].state_name, p);
	}
	return n;
}

/*
 * A copy of s in one allocation, independent of any JSON tree: what an
 * agent keeps of its last event.  Free it with free().
 */
struct snapshot *
snapshot_copy(const struct snapshot *s)
{
	struct snapshot tmp = *s, *copy;
	size_t head = sizeof(*copy) + s->ncontacts * sizeof(*s->contacts);
	char *p;

	if ((copy = malloc(head + snapshot_strings(&tmp, NULL))) == NULL)
		fatal_oom();
	*copy = *s;
	copy->proficiencies_buf = NULL;
	copy->contacts = (struct contact *)(copy + 1);
	if (s->ncontacts > 0)
		memcpy(copy->contacts, s->contacts,
		    s->ncontacts * sizeof(*s->contacts));
	p = (char *)copy + head;
	(void)snapshot_strings(copy, &p);
	return copy;
}

/* How many bytes snapshot_copy(s) takes. */
size_t
snapshot_size(const struct snapshot *s)
{
	struct snapshot tmp = *s;

	return sizeof(tmp) + s->ncontacts * sizeof(*s->contacts) +
	    snapshot_strings(&tmp, NULL);
}

/* The contact state named name, or CS_UNKNOWN. */
int
contact_state_of(const char *name)
{
	int i = lookup(contact_states, CS_UNKNOWN, name);

	return i < 0 ? CS_UNKNOWN : i;
}

void
event_free(struct event *ev)
{
	if (ev == NULL)
		return;
	event_clear(ev);
	free(ev);
}

/*
 * Validate the event in root (which the event takes a reference to) and
 * fill ev, with what the memo knows of root's placeholders when mr is set.
 * Returns 0 when the event can be used, -1 when it is rejected; either way
 * v says what was found and ev must be cleared.
 */
static int
validate_event(json_t *root, const struct config *cfg, struct event *ev,
    struct verdict *v, const struct memo_rec *mr)
{
	struct vctx x;
	const char *account, *instance;
	int index;

	memset(ev, 0, sizeof(*ev));
	memset(v, 0, sizeof(*v));
	memset(&x, 0, sizeof(x));
	x.cfg = cfg;
	x.v = v;
	ev->root = json_incref(root);
	if (!json_is_object(root)) {
		problem(&x, SEV_ERROR, NULL, "record is %s, not an event "
		    "object", json_kind(root));
		return -1;
	}
	ev->event_id = get_string(&x, root, "EventId", REQUIRED, 1, 256);
	if (ev->event_id != NULL)
		snprintf(v->event_id, sizeof(v->event_id), "%s", ev->event_id);
	ev->agent_arn = get_arn(&x, root, "AgentARN", REQUIRED, "agent");
	instance = get_arn(&x, root, "InstanceARN", REQUIRED, "");
	account = get_string(&x, root, "AWSAccountId", REQUIRED, 1, 64);
	if (account && !all_digits(account, 12)) {
		char q[256];

		quote_value(q, sizeof(q), account, strlen(account), 40);
		problem(&x, SEV_ERROR, "AWSAccountId", "not a 12-digit account "
		    "id: %s", q);
	}
	if (ev->agent_arn && instance &&
	    (strncmp(ev->agent_arn, instance, strlen(instance)) != 0 ||
	    strncmp(ev->agent_arn + strlen(instance), "/agent/", 7) != 0))
		problem(&x, SEV_ERROR, "AgentARN", "not an agent of "
		    "InstanceARN");
	(void)get_time(&x, root, "EventTimestamp", REQUIRED, &ev->time);
	ev->type_name = get_enum(&x, root, "EventType", REQUIRED, event_types,
	    EV_UNKNOWN, &index);
	ev->type = index < 0 ? EV_UNKNOWN : (enum event_type)index;
	(void)get_string(&x, root, "Version", REQUIRED, 1, 64);
	check_snapshot(&x, root, "CurrentAgentSnapshot",
	    ev->type == EV_LOGIN || ev->type == EV_LOGOUT ? OPTIONAL :
	    REQUIRED, &ev->cur, mr ? mr->span[0] : NULL);
	check_snapshot(&x, root, "PreviousAgentSnapshot", OPTIONAL,
	    &ev->prev, mr ? mr->span[1] : NULL);
	return v->rejected ? -1 : 0;
}

int
parse_event(json_t *root, const struct config *cfg, struct event *ev,
    struct verdict *v)
{
	return validate_event(root, cfg, ev, v, NULL);
}

/*
 * The fast path.  Most records are clean events of the usual shape, and
 * most of the work of decoding one whole with jansson goes into a tree
 * that the validation then reads a few dozen strings from.  So a record is
 * first read by a parser that knows the data model: it checks the JSON as
 * jansson does (UTF-8, control characters, duplicate keys, literals,
 * numbers, nothing after the value) and each field as validate_event does,
 * and builds the event straight from the bytes, in a copy of the record
 * whose closing quotes become NULs, so that the copy holds the event's
 * strings.  A Configuration it takes from the memo, by its bytes.
 *
 * It gives up at the first thing it is not sure of (an escape in a string,
 * a number it cannot bound, deep nesting, a problem of any kind, even a
 * warning, a Configuration the memo does not know), and the record then
 * takes the path below, decoded whole and validated with every message.
 * So it hands on only events that the path below hands on with no problem
 * at all, with the same fields; the fuzz harness checks that, and
 * AGENTEV_MEMO=0 turns it off with the memo.
 */

#define FAST_DEPTH	16	/* deeper values take the path below */
#define FIRST_COPY	(16 * 1024)	/* bytes of fast_buf at first */
#define MAX_KEPT_COPY	(256 * 1024)	/* a bigger fast_buf is freed */
#define FAST_OTHER	8	/* keys of one object the model does not name */
#define FAST_END	(-2)	/* fast_member: the object has ended */

struct fast {
	char		*p;		/* the next byte of the copy */
	char		*end;
	char		*copy;
	const char	*src;		/* the record, at the copy's offsets */
	size_t		 ncontacts;	/* in fast_contacts, both snapshots */
	size_t		 first[2];	/* where each snapshot's begin */
	const char	*config;	/* the last Configuration's bytes */
	size_t		 config_len;
	const struct snapshot *config_hit;	/* and what the memo said */
};

/* The members of one object, for duplicate keys. */
struct members {
	int		 first;
	unsigned	 known;		/* the model's keys seen, as bits */
	size_t		 nother;
	const char	*other[FAST_OTHER];
	size_t		 other_len[FAST_OTHER];
};

struct name {
	const char	*s;
	size_t		 n;
};
#define NAME(s)		{ s, sizeof(s) - 1 }

static _Thread_local struct contact *fast_contacts;
static _Thread_local size_t fast_contacts_cap;

static int	fast_any(struct fast *, int);

/*
 * The first byte at or after p, before end, that a string cannot simply
 * go on over: a quote, a backslash, a control character or a byte that
 * is not ASCII.  Sixteen at a time where the compiler has SSE2.
 */
static char *
string_stop(char *p, const char *end)
{
#if defined(__SSE2__) && defined(__GNUC__)
	const __m128i quote = _mm_set1_epi8('"');
	const __m128i backslash = _mm_set1_epi8('\\');
	const __m128i space = _mm_set1_epi8(0x20);
	__m128i v;
	int m;

	while (end - p >= 16) {
		v = _mm_loadu_si128((const void *)p);
		/* signed: bytes from 0x80 are below the space too */
		m = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
		    _mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
		    _mm_cmplt_epi8(v, space)));
		if (m != 0)
			return p + __builtin_ctz((unsigned)m);
		p += 16;
	}
#endif
	while (p < end && *p != '"' && *p != '\\' &&
	    (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x80)
		p++;
	return p;
}

static void
fast_space(struct fast *f)
{
	/* compact JSON has none */
	if (f->p < f->end && (unsigned char)*f->p > ' ')
		return;
	while (f->p < f->end && (*f->p == ' ' || *f->p == '\n' ||
	    *f->p == '\t' || *f->p == '\r'))
		f->p++;
}

/* What a backslash and c stand for in a string, or 0 (and for \\u). */
static char
fast_escape(char c)
{
	switch (c) {
	case '"':
	case '\\':
	case '/':
		return c;
	case 'b':
		return '\b';
	case 'f':
		return '\f';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 't':
		return '\t';
	default:
		return 0;
	}
}

/*
 * The string at f->p, which is at its opening quote: 0 with its bytes in
 * *s and *n, decoded in place, and a NUL after them; or -1 for a \\u
 * escape (left to jansson), another that JSON does not have, a control
 * character, bytes that are not UTF-8 or no closing quote.
 */
static int
fast_string(struct fast *f, char **s, size_t *n)
{
	char *p = f->p + 1, *q, *w = NULL;	/* w: after an escape */
	size_t len;

	for (;;) {
		q = string_stop(p, f->end);
		if (w != NULL) {
			memmove(w, p, (size_t)(q - p));
			w += q - p;
		}
		p = q;
		if (p == f->end || (unsigned char)*p < 0x20)
			return -1;
		if (*p == '"')
			break;
		if (*p == '\\') {
			if (f->end - p < 2 || fast_escape(p[1]) == 0)
				return -1;
			if (w == NULL)
				w = p;
			*w++ = fast_escape(p[1]);
			p += 2;
			continue;
		}
		if ((len = utf8_char((const unsigned char *)p,
		    (size_t)(f->end - p))) == 0)
			return -1;
		if (w != NULL) {
			memmove(w, p, len);
			w += len;
		}
		p += len;
	}
	*s = f->p + 1;
	if (w == NULL)
		w = p;
	*n = (size_t)(w - *s);
	*w = '\0';
	f->p = p + 1;
	return 0;
}

static int
fast_literal(struct fast *f, const char *word, size_t n)
{
	if ((size_t)(f->end - f->p) < n || memcmp(f->p, word, n) != 0)
		return -1;
	f->p += n;
	return 0;
}

/*
 * A number that jansson (which reads every number as a double) takes:
 * with no exponent and at most 300 digits before the point it is finite.
 */
static int
fast_number(struct fast *f)
{
	char *p = f->p, *digits;

	if (p < f->end && *p == '-')
		p++;
	digits = p;
	if (p < f->end && *p == '0')
		p++;
	else
		while (p < f->end && *p >= '0' && *p <= '9')
			p++;
	if (p == digits || p - digits > 300)
		return -1;
	if (p < f->end && *p == '.') {
		digits = ++p;
		while (p < f->end && *p >= '0' && *p <= '9')
			p++;
		if (p == digits)
			return -1;
	}
	if (p < f->end && (*p == 'e' || *p == 'E'))
		return -1;
	f->p = p;
	return 0;
}

/* At an object's '{': start reading its members. */
static int
fast_open(struct fast *f, struct members *m)
{
	if (f->p == f->end || *f->p != '{')
		return -1;
	f->p++;
	m->first = 1;
	m->known = 0;
	m->nother = 0;
	return 0;
}

/*
 * The next member of an object: 1 with its key in *key and *n and f->p at
 * its value, 0 after the end of the object, or -1.
 */
static int
fast_key(struct fast *f, struct members *m, char **key, size_t *n)
{
	fast_space(f);
	if (f->p == f->end)
		return -1;
	if (*f->p == '}') {
		f->p++;
		return 0;
	}
	if (!m->first) {
		if (*f->p != ',')
			return -1;
		f->p++;
		fast_space(f);
	}
	m->first = 0;
	if (f->p == f->end || *f->p != '"' || fast_string(f, key, n) == -1)
		return -1;
	fast_space(f);
	if (f->p == f->end || *f->p != ':')
		return -1;
	f->p++;
	fast_space(f);
	return f->p == f->end ? -1 : 1;
}

/*
 * The next element of an array (first set at its '[', which it skips):
 * 1 with f->p at it, 0 after the end of the array, or -1.
 */
static int
fast_element(struct fast *f, int *first)
{
	if (*first)
		f->p++;
	fast_space(f);
	if (f->p == f->end)
		return -1;
	if (*f->p == ']') {
		f->p++;
		return 0;
	}
	if (!*first) {
		if (*f->p != ',')
			return -1;
		f->p++;
		fast_space(f);
	}
	*first = 0;
	return f->p == f->end ? -1 : 1;
}

/*
 * Which of the model's names key is (marking it seen): its index, -1 when
 * it is none of them, -2 when it was seen before.
 */
static int
fast_known(struct members *m, const struct name *names, int count,
    const char *key, size_t n)
{
	int i;

	for (i = 0; i < count; i++)
		if (names[i].n == n && memcmp(names[i].s, key, n) == 0) {
			if (m->known & 1u << i)
				return -2;
			m->known |= 1u << i;
			return i;
		}
	return -1;
}

/* A member the model does not name: a key of its own, any value. */
static int
fast_other(struct fast *f, struct members *m, const char *key, size_t n,
    int depth)
{
	size_t i;

	for (i = 0; i < m->nother; i++)
		if (m->other_len[i] == n && memcmp(m->other[i], key, n) == 0)
			return -1;
	if (m->nother == FAST_OTHER)
		return -1;
	m->other[m->nother] = key;
	m->other_len[m->nother++] = n;
	return fast_any(f, depth);
}

/*
 * The next member of an object that the model names (count names): its
 * index, with f->p at its value, after reading past the members it does
 * not name (the object is at depth).  FAST_END after the end of the
 * object; -1 when the object is broken or has a member twice.
 */
static inline int
fast_member(struct fast *f, struct members *m, const struct name *names,
    int count, int depth)
{
	char *key;
	size_t n;
	int rc, i;

	while ((rc = fast_key(f, m, &key, &n)) == 1) {
		if ((i = fast_known(m, names, count, key, n)) != -1)
			return i >= 0 ? i : -1;
		if (fast_other(f, m, key, n, depth + 1) == -1)
			return -1;
	}
	return rc == 0 ? FAST_END : -1;
}

/* Any JSON value, checked as jansson checks it and otherwise ignored. */
static int
fast_any(struct fast *f, int depth)
{
	struct members m;
	char *s;
	size_t n;
	int rc, first = 1;

	if (depth > FAST_DEPTH)
		return -1;
	switch (*f->p) {
	case '"':
		return fast_string(f, &s, &n);
	case '{':
		if (fast_open(f, &m) == -1)
			return -1;
		while ((rc = fast_key(f, &m, &s, &n)) == 1)
			if (fast_other(f, &m, s, n, depth + 1) == -1)
				return -1;
		return rc;
	case '[':
		while ((rc = fast_element(f, &first)) == 1)
			if (fast_any(f, depth + 1) == -1)
				return -1;
		return rc;
	case 't':
		return fast_literal(f, "true", 4);
	case 'f':
		return fast_literal(f, "false", 5);
	case 'n':
		return fast_literal(f, "null", 4);
	default:
		return fast_number(f);
	}
}

/* A member that may be null: 1 when it is, and f->p is past it. */
static int
fast_null(struct fast *f)
{
	return *f->p == 'n' && fast_literal(f, "null", 4) == 0;
}

/* A string member within get_string's limits; *out NULL for null. */
static int
fast_text(struct fast *f, enum need need, size_t minlen, size_t maxlen,
    const char **out)
{
	char *s;
	size_t n;

	*out = NULL;
	if (fast_null(f))
		return need == REQUIRED ? -1 : 0;
	if (*f->p != '"' || fast_string(f, &s, &n) == -1)
		return -1;
	if (n > maxlen)
		n = utf8_length(s, n);
	if (n < minlen || n > maxlen)
		return -1;
	*out = s;
	return 0;
}

/* An ARN member, as get_arn wants it. */
static int
fast_arn(struct fast *f, enum need need, const char *resource,
    const char **out)
{
	if (fast_text(f, need, 1, 1024, out) == -1)
		return -1;
	return *out == NULL || arn_check(*out, resource) == 0 ? 0 : -1;
}

/* A time member; *out untouched when it is null. */
static int
fast_time(struct fast *f, enum need need, int64_t *out)
{
	char *s;
	size_t n;

	if (fast_null(f))
		return need == REQUIRED ? -1 : 0;
	if (*f->p != '"' || fast_string(f, &s, &n) == -1)
		return -1;
	return parse_time(s, n, out) == 0 && *out >= 0 ? 0 : -1;
}

/* An enumerated member with a value the list knows. */
static int
fast_enum(struct fast *f, enum need need, const char *const *list,
    size_t count, const char **out, int *index)
{
	*index = -1;
	if (fast_text(f, need, 1, 64, out) == -1)
		return -1;
	if (*out != NULL && (*index = lookup(list, count, *out)) == -1)
		return -1;
	return 0;
}

/* Open an object member (1), or take null (0) when it may be. */
static int
fast_object(struct fast *f, enum need need, struct members *m)
{
	if (fast_null(f))
		return need == REQUIRED ? -1 : 0;
	return fast_open(f, m) == -1 ? -1 : 1;
}

static const struct name status_names[] = {
	NAME("ARN"), NAME("Name"), NAME("StartTimestamp"), NAME("Type")
};

static int
fast_status(struct fast *f, struct snapshot *s, int depth)
{
	struct members m;
	int rc = 0, i, index;

	if (fast_object(f, REQUIRED, &m) == -1)
		return -1;
	while ((i = fast_member(f, &m, status_names, 4, depth)) >= 0) {
		switch (i) {
		case 0:
			rc = fast_arn(f, REQUIRED, "agent-state",
			    &s->status_arn);
			break;
		case 1:
			rc = fast_text(f, REQUIRED, 1, 127, &s->status_name);
			break;
		case 2:
			rc = fast_time(f, REQUIRED, &s->status_start);
			break;
		case 3:
			rc = fast_enum(f, OPTIONAL, status_types, 4,
			    &s->status_type, &index);
			break;
		}
		if (rc == -1)
			return -1;
	}
	return i == FAST_END && (m.known & 7) == 7 ? 0 : -1;
}

static const struct name next_names[] = {
	NAME("ARN"), NAME("Name"), NAME("EnqueuedTimestamp"),
	NAME("EnqueueTimestamp")
};

static int
fast_next_status(struct fast *f, struct snapshot *s, int depth)
{
	struct members m;
	const char *arn;
	int64_t t;
	int rc, i;

	if ((rc = fast_object(f, OPTIONAL, &m)) <= 0)
		return rc;
	while ((i = fast_member(f, &m, next_names, 4, depth)) >= 0) {
		switch (i) {
		case 0:
			rc = fast_arn(f, OPTIONAL, "agent-state", &arn);
			break;
		case 1:
			rc = fast_text(f, REQUIRED, 1, 127, &s->next_status);
			break;
		case 2:
		case 3:
			rc = fast_time(f, OPTIONAL, &t);
			break;
		}
		if (rc == -1)
			return -1;
	}
	return i == FAST_END && (m.known & 2) ? 0 : -1;
}

static const struct name queue_names[] = {
	NAME("ARN"), NAME("Channels"), NAME("Name")
};

/* A contact's Queue; its name in *name. */
static int
fast_queue(struct fast *f, const char **name, int depth)
{
	struct members m;
	const char *arn;
	char *s;
	size_t n;
	int rc, i, first;

	if ((rc = fast_object(f, OPTIONAL, &m)) <= 0)
		return rc;
	while ((i = fast_member(f, &m, queue_names, 3, depth)) >= 0) {
		switch (i) {
		case 0:
			rc = fast_arn(f, REQUIRED, "queue", &arn);
			break;
		case 1:
			if (fast_null(f))
				break;
			if (*f->p != '[')
				return -1;
			first = 1;
			while ((rc = fast_element(f, &first)) == 1)
				if (*f->p != '"' ||
				    fast_string(f, &s, &n) == -1)
					return -1;
			break;
		case 2:
			rc = fast_text(f, OPTIONAL, 0, 256, name);
			break;
		}
		if (rc == -1)
			return -1;
	}
	return i == FAST_END && (m.known & 1) ? 0 : -1;
}

static const struct name contact_names[] = {
	NAME("ContactId"), NAME("InitialContactId"), NAME("Channel"),
	NAME("InitiationMethod"), NAME("State"), NAME("StateStartTimestamp"),
	NAME("ConnectedToAgentTimestamp"), NAME("QueueTimestamp"),
	NAME("Queue")
};

static int
fast_contact(struct fast *f, struct contact *c, int depth)
{
	struct members m;
	int64_t t;
	int rc = 0, i, index;

	memset(c, 0, sizeof(*c));
	c->connected = NO_TIME;
	if (fast_open(f, &m) == -1)
		return -1;
	while ((i = fast_member(f, &m, contact_names, 9, depth)) >= 0) {
		switch (i) {
		case 0:
			rc = fast_text(f, REQUIRED, 1, 256, &c->id);
			break;
		case 1:
			rc = fast_text(f, OPTIONAL, 1, 256, &c->initial_id);
			break;
		case 2:
			rc = fast_enum(f, REQUIRED, channels, 5, &c->channel,
			    &index);
			break;
		case 3:
			rc = fast_text(f, REQUIRED, 1, 64,
			    &c->initiation_method);
			break;
		case 4:
			rc = fast_enum(f, REQUIRED, contact_states,
			    CS_UNKNOWN, &c->state_name, &index);
			c->state = (enum contact_state)index;
			break;
		case 5:
			rc = fast_time(f, REQUIRED, &c->state_start);
			break;
		case 6:
			rc = fast_time(f, OPTIONAL, &c->connected);
			break;
		case 7:
			rc = fast_time(f, OPTIONAL, &t);
			break;
		case 8:
			rc = fast_queue(f, &c->queue_name, depth + 1);
			break;
		}
		if (rc == -1)
			return -1;
	}
	/* ContactId, Channel, InitiationMethod, State, StateStartTimestamp */
	return i == FAST_END && (m.known & 0x3d) == 0x3d ? 0 : -1;
}

/* The Contacts array of snapshot `which`, onto the end of fast_contacts. */
static int
fast_contacts_of(struct fast *f, struct snapshot *s, int which, int depth)
{
	struct contact *c;
	size_t cap;
	int rc, first = 1;

	if (*f->p != '[')
		return -1;
	f->first[which] = f->ncontacts;
	while ((rc = fast_element(f, &first)) == 1) {
		if (s->ncontacts == MAX_CONTACTS)
			return -1;
		if (f->ncontacts == fast_contacts_cap) {
			cap = fast_contacts_cap ? fast_contacts_cap * 2 : 16;
			if ((c = realloc(fast_contacts,
			    cap * sizeof(*c))) == NULL)
				return -1;
			fast_contacts = c;
			fast_contacts_cap = cap;
		}
		if (fast_contact(f, &fast_contacts[f->ncontacts],
		    depth + 1) == -1)
			return -1;
		f->ncontacts++;
		s->ncontacts++;
	}
	return rc;
}

/*
 * Past the object or array at f->p, following only its strings and
 * brackets: no byte is checked or changed.  -1 when it does not end.
 */
static int
fast_skip(struct fast *f)
{
	char *p = f->p;
	size_t depth = 0;

	while (p < f->end) {
		switch (*p++) {
		case '"':
			for (;;) {
				if ((p = string_stop(p, f->end)) == f->end)
					return -1;
				if (*p == '"')
					break;
				if (*p == '\\' && ++p == f->end)
					return -1;
				p++;
			}
			p++;
			break;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (--depth == 0) {
				f->p = p;
				return 0;
			}
			break;
		}
	}
	return -1;
}

/*
 * A Configuration, which the memo must know: its bytes are then those of
 * one checked before, so they need no checking (and fast_skip finds where
 * they end).  The other snapshot's is most often the same bytes, found
 * already.
 */
static int
fast_configuration(struct fast *f, struct snapshot *s)
{
	const char *src = f->src + (f->p - f->copy);
	char *start = f->p;
	size_t n = f->config_len;

	if (*f->p != '{')
		return -1;
	if (n > 0 && (size_t)(f->end - f->p) >= n &&
	    memcmp(src, f->config, n) == 0) {
		f->p += n;
		take_configuration(s, f->config_hit);
		return 0;
	}
	if (fast_skip(f) == -1 || (f->config_hit =
	    memo_find(MP_CONFIGURATION, src, (size_t)(f->p - start))) == NULL)
		return -1;
	f->config = src;
	f->config_len = (size_t)(f->p - start);
	take_configuration(s, f->config_hit);
	return 0;
}

static const struct name snapshot_names[] = {
	NAME("AgentStatus"), NAME("NextAgentStatus"), NAME("Configuration"),
	NAME("Contacts")
};

/*
 * Snapshot `which` (0 current, 1 previous); its contacts are counted, not
 * yet placed.
 */
static int
fast_snapshot(struct fast *f, struct snapshot *s, int which, int depth)
{
	struct members m;
	int rc, i;

	memset(s, 0, sizeof(*s));
	if ((rc = fast_object(f, OPTIONAL, &m)) <= 0)
		return rc;
	s->present = 1;
	while ((i = fast_member(f, &m, snapshot_names, 4, depth)) >= 0) {
		switch (i) {
		case 0:
			rc = fast_status(f, s, depth + 1);
			break;
		case 1:
			rc = fast_next_status(f, s, depth + 1);
			break;
		case 2:
			rc = fast_configuration(f, s);
			break;
		case 3:
			rc = fast_contacts_of(f, s, which, depth + 1);
			break;
		}
		if (rc == -1)
			return -1;
	}
	return i == FAST_END && (m.known & 0xd) == 0xd ? 0 : -1;
}

static const struct name event_names[] = {
	NAME("AWSAccountId"), NAME("AgentARN"), NAME("CurrentAgentSnapshot"),
	NAME("EventId"), NAME("EventTimestamp"), NAME("EventType"),
	NAME("InstanceARN"), NAME("PreviousAgentSnapshot"), NAME("Version")
};

static int
fast_event(struct fast *f, struct event *ev)
{
	struct members m;
	const char *account = NULL, *instance = NULL, *version;
	size_t n;
	int rc = 0, i, index;

	fast_space(f);
	if (fast_open(f, &m) == -1)
		return -1;
	while ((i = fast_member(f, &m, event_names, 9, 0)) >= 0) {
		switch (i) {
		case 0:
			rc = fast_text(f, REQUIRED, 1, 64, &account);
			if (rc == 0 && !all_digits(account, 12))
				rc = -1;
			break;
		case 1:
			rc = fast_arn(f, REQUIRED, "agent", &ev->agent_arn);
			break;
		case 2:
			rc = fast_snapshot(f, &ev->cur, 0, 1);
			break;
		case 3:
			rc = fast_text(f, REQUIRED, 1, 256, &ev->event_id);
			break;
		case 4:
			rc = fast_time(f, REQUIRED, &ev->time);
			break;
		case 5:
			rc = fast_enum(f, REQUIRED, event_types, EV_UNKNOWN,
			    &ev->type_name, &index);
			ev->type = (enum event_type)index;
			break;
		case 6:
			rc = fast_arn(f, REQUIRED, "", &instance);
			break;
		case 7:
			rc = fast_snapshot(f, &ev->prev, 1, 1);
			break;
		case 8:
			rc = fast_text(f, REQUIRED, 1, 64, &version);
			break;
		}
		if (rc == -1)
			return -1;
	}
	fast_space(f);
	/* everything but the snapshots is required */
	if (i != FAST_END || f->p != f->end || (m.known & 0x17b) != 0x17b)
		return -1;
	n = strlen(instance);
	if (strncmp(ev->agent_arn, instance, n) != 0 ||
	    strncmp(ev->agent_arn + n, "/agent/", 7) != 0)
		return -1;
	if (!ev->cur.present && ev->type != EV_LOGIN && ev->type != EV_LOGOUT)
		return -1;
	return 0;
}

/*
 * Put what the event points to (its contacts, and every string, which
 * are in the copy of the record or the memo's) in one block of its own:
 * the event then owns all it points to, in about a fifth of the record's
 * bytes, and the copy serves the next record.
 */
static int
fast_place(struct fast *f, struct event *ev)
{
	struct snapshot *s[2] = { &ev->cur, &ev->prev };
	struct contact *c;
	size_t size = f->ncontacts * sizeof(*c);
	char *p;
	int k;

	size += copy_string(&ev->agent_arn, NULL);
	size += copy_string(&ev->event_id, NULL);
	size += copy_string(&ev->type_name, NULL);
	for (k = 0; k < 2; k++)
		if (s[k]->present) {
			struct snapshot tmp = *s[k];

			tmp.contacts = tmp.ncontacts > 0 ?
			    fast_contacts + f->first[k] : NULL;
			size += snapshot_strings(&tmp, NULL);
		}
	if ((c = malloc(size)) == NULL)
		return -1;
	if (f->ncontacts > 0)
		memcpy(c, fast_contacts, f->ncontacts * sizeof(*c));
	p = (char *)(c + f->ncontacts);
	(void)copy_string(&ev->agent_arn, &p);
	(void)copy_string(&ev->event_id, &p);
	(void)copy_string(&ev->type_name, &p);
	for (k = 0; k < 2; k++) {
		if (!s[k]->present)
			continue;
		if (s[k]->ncontacts > 0)
			s[k]->contacts = c + f->first[k];
		(void)snapshot_strings(s[k], &p);
	}
	ev->detached[0] = c;
	return 0;
}

/* The copy of the record fast_record works in, per thread. */
static _Thread_local char *fast_buf;
static _Thread_local size_t fast_cap;

/* The fast path's copies of a record and its contacts, on this thread. */
void
parse_drop(void)
{
	free(fast_buf);
	fast_buf = NULL;
	fast_cap = 0;
	free(fast_contacts);
	fast_contacts = NULL;
	fast_contacts_cap = 0;
}

/*
 * The event in the record at buf, when the fast path can tell; or NULL.
 * Not inlined, so that make profile can count it apart.
 */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static struct event *
fast_decode(const char *buf, size_t len)
{
	struct fast f;
	struct event *ev;
	char *copy;

	if (!memo_enabled() || len == 0)
		return NULL;
	if (fast_cap < len || fast_cap > MAX_KEPT_COPY) {
		free(fast_buf);
		fast_cap = len > FIRST_COPY ? len : FIRST_COPY;
		if ((fast_buf = malloc(fast_cap)) == NULL) {
			fast_cap = 0;
			return NULL;
		}
	}
	if ((ev = calloc(1, sizeof(*ev))) == NULL)
		return NULL;
	memcpy(copy = fast_buf, buf, len);
	f.p = f.copy = copy;
	f.end = copy + len;
	f.src = buf;
	f.ncontacts = 0;
	f.first[0] = f.first[1] = 0;
	f.config_len = 0;
	if (fast_event(&f, ev) == -1 || fast_place(&f, ev) == -1) {
		free(ev);
		return NULL;
	}
	return ev;
}

/*
 * The record at buf through the fast path: 1 when it was a clean event
 * and went to fn, 0 when it must take the path below.
 */
static int
fast_record(const char *buf, size_t len, const struct origin *o,
    record_fn fn, void *ctx)
{
	struct verdict v;
	struct event *ev;

	if ((ev = fast_decode(buf, len)) == NULL)
		return 0;
	/* a verdict of no problem: the list of problems stays unwritten */
	v.nproblems = 0;
	v.rejected = 0;
	snprintf(v.event_id, sizeof(v.event_id), "%s", ev->event_id);
	v.line = v.column = 0;
	v.in_page = 0;
	fn(ctx, ev, &v, o, buf, len);
	return 1;
}

/* Standard base64 with padding, as Kinesis gives it. */
static int
base64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Decode n bytes of base64 into out (room for n / 4 * 3 bytes).  Returns
 * the decoded length, or -1 with *why set.
 */
static long
base64_decode(const char *in, size_t n, unsigned char *out,
    const char **why)
{
	size_t i, o = 0, pad = 0;
	uint32_t acc = 0;
	int v;

	if (n % 4 != 0) {
		*why = "length is not a multiple of 4";
		return -1;
	}
	if (n > 0 && in[n - 1] == '=')
		pad++;
	if (n > 1 && in[n - 2] == '=')
		pad++;
	for (i = 0; i < n; i++) {
		if (i >= n - pad)
			v = 0;
		else if ((v = base64_value((unsigned char)in[i])) < 0) {
			*why = in[i] == '=' ? "padding before the end" :
			    "invalid character";
			return -1;
		}
		acc = acc << 6 | (uint32_t)v;
		if (i % 4 == 3) {
			out[o++] = (unsigned char)(acc >> 16);
			out[o++] = (unsigned char)(acc >> 8);
			out[o++] = (unsigned char)acc;
			acc = 0;
		}
	}
	return (long)(o - pad);
}

static void	one_problem(struct verdict *, const char *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/* Make v a verdict of one error, at field (NULL for none). */
static void
one_problem(struct verdict *v, const char *field, const char *fmt, ...)
{
	char text[2 * sizeof(v->problems[0].message)];
	va_list ap;

	memset(v, 0, sizeof(*v));
	v->nproblems = 1;
	v->rejected = 1;
	v->problems[0].severity = SEV_ERROR;
	if (field != NULL)
		snprintf(v->problems[0].field, sizeof(v->problems[0].field),
		    "%s", field);
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	copy_message(v->problems[0].message, sizeof(v->problems[0].message),
	    text);
}

/* Report a value that never became an event. */
static void
reject(const struct origin *o, const char *raw, size_t rawlen, record_fn fn,
    void *ctx, const char *fmt, ...)
{
	struct verdict v;
	char text[2 * sizeof(v.problems[0].message)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	one_problem(&v, NULL, "%s", text);
	fn(ctx, NULL, &v, o, raw, rawlen);
}

/* One level of the JSON text that path_at walks. */
struct path_level {
	int		 array;
	long		 index;
	const char	*key;		/* the member being read, or NULL */
	size_t		 keylen;
	int		 want_key;	/* a key comes next, not a value */
};

#define PATH_LEVELS	32

/*
 * Name the field at byte pos of the JSON text s (which is well formed up
 * to pos) as the messages name fields: CurrentAgentSnapshot.Contacts[0].
 * Queue.Name.  Returns 1 when pos is inside a key, else 0.
 */
static int
path_at(const char *s, size_t pos, char *out, size_t size)
{
	struct path_level lv[PATH_LEVELS];
	size_t i = 0, depth = 0, st, n, d;
	int in_key = 0;

	out[0] = '\0';
	while (i < pos) {
		struct path_level *top = depth > 0 && depth <= PATH_LEVELS ?
		    &lv[depth - 1] : NULL;

		switch (s[i]) {
		case '"':
			for (st = ++i; i < pos && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			if (i >= pos) {
				in_key = top != NULL && !top->array &&
				    top->want_key;
				break;
			}
			if (top != NULL && !top->array && top->want_key) {
				top->key = s + st;
				top->keylen = i - st;
				top->want_key = 0;
			}
			break;
		case '{':
		case '[':
			if (depth < PATH_LEVELS) {
				lv[depth].array = s[i] == '[';
				lv[depth].index = 0;
				lv[depth].key = NULL;
				lv[depth].want_key = s[i] == '{';
			}
			depth++;
			break;
		case '}':
		case ']':
			if (depth > 0)
				depth--;
			break;
		case ',':
			if (top != NULL && top->array)
				top->index++;
			else if (top != NULL)
				top->want_key = 1;
			break;
		}
		i++;
	}
	for (d = 0; d < depth && d < PATH_LEVELS; d++) {
		n = strlen(out);
		if (lv[d].array)
			snprintf(out + n, size - n, "[%ld]", lv[d].index);
		else if (!lv[d].want_key && lv[d].key != NULL)
			snprintf(out + n, size - n, "%s%.*s", n ? "." : "",
			    (int)lv[d].keylen, lv[d].key);
	}
	return in_key;
}

/*
 * Decode one JSON value.  A value that is not JSON is rejected with where
 * the error is: in the file, from o, for a value read from a file; in the
 * decoded data for the data of a Records element (data_field names it).
 */
static json_t *
decode_json(const char *buf, size_t len, const struct origin *o,
    const char *data_field, record_fn fn, void *ctx)
{
	json_error_t error;
	json_t *root;
	struct verdict v;
	char field[sizeof(v.problems[0].field)];
	uint64_t line = 0, column = 0;
	size_t i, pos;
	int in_key, in_page = 0;

	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES |
	    JSON_DECODE_INT_AS_REAL | JSON_DECODE_ANY | JSON_ALLOW_NUL, &error);
	if (root != NULL)
		return root;
	if (json_error_code(&error) == json_error_invalid_utf8 &&
	    (pos = (size_t)error.position) < len) {
		/* the field it is in, and the byte's own line and column */
		in_key = path_at(buf, pos, field, sizeof(field));
		if (field[0] == '\0' && data_field != NULL) {
			snprintf(field, sizeof(field), "%s", data_field);
			in_page = 1;
		}
		line = column = 1;
		for (i = 0; i < pos; i++)
			if (buf[i] == '\n') {
				line++;
				column = 1;
			} else if (((unsigned char)buf[i] & 0xC0) != 0x80)
				column++;
		one_problem(&v, field, "invalid UTF-8%s (byte 0x%02x)",
		    in_key ? " in a key" : "", (unsigned char)buf[pos]);
		v.in_page = in_page;
	} else {
		if (error.line > 0 && error.column > 0) {
			line = (uint64_t)error.line;
			column = (uint64_t)error.column;
		}
		one_problem(&v, data_field, "invalid JSON: %s", error.text);
		v.in_page = data_field != NULL;
	}
	if (data_field != NULL && line > 0) {
		/* not a place in the file: say where in the data */
		char *m = v.problems[0].message;
		size_t n = strlen(m);

		snprintf(m + n, sizeof(v.problems[0].message) - n,
		    " (line %" PRIu64 ", column %" PRIu64 " of the data)",
		    line, column);
	} else if (line > 0) {
		v.line = o->line + line - 1;
		v.column = line == 1 ? o->column - 1 + column : column;
	}
	fn(ctx, NULL, &v, o, buf, len);
	return NULL;
}

/*
 * Validate one event and hand it on; keep its snapshots in the memo when
 * mr (the spans of raw) is set and nothing at all was found.
 */
static void
event_record(json_t *root, const struct origin *o, const char *raw,
    size_t rawlen, const struct config *cfg, record_fn fn, void *ctx,
    const struct memo_rec *mr)
{
	struct verdict v;
	struct event *ev;

	if ((ev = malloc(sizeof(*ev))) == NULL) {
		reject(o, raw, rawlen, fn, ctx, "out of memory");
		return;
	}
	if (parse_event(root, cfg, ev, &v) == -1) {
		event_free(ev);
		ev = NULL;
	} else if (mr != NULL && v.nproblems == 0)
		memo_keep(mr, raw, ev);
	fn(ctx, ev, &v, o, raw, rawlen);
}

/*
 * The record with the memo's placeholders (mr->buf): when it decodes and
 * validates with no problem at all, hand the event on and return 1.  Else
 * return 0 and the caller decodes the record whole, as without the memo,
 * so that every message is the same.
 */
static int
memo_record(const struct memo_rec *mr, const struct origin *o,
    const char *raw, size_t rawlen, const struct config *cfg, record_fn fn,
    void *ctx)
{
	json_error_t error;
	struct verdict v;
	struct event *ev;
	json_t *root;

	if ((root = json_loadb(mr->buf, mr->len, JSON_REJECT_DUPLICATES |
	    JSON_DECODE_INT_AS_REAL | JSON_DECODE_ANY | JSON_ALLOW_NUL,
	    &error)) == NULL)
		return 0;
	if (json_object_get(root, "EventType") == NULL ||
	    (ev = malloc(sizeof(*ev))) == NULL) {
		json_decref(root);
		return 0;
	}
	if (validate_event(root, cfg, ev, &v, mr) == -1 || v.nproblems > 0) {
		event_free(ev);
		json_decref(root);
		return 0;
	}
	memo_keep(mr, raw, ev);
	fn(ctx, ev, &v, o, raw, rawlen);
	json_decref(root);
	return 1;
}

/*
 * One element of a get-records page or Lambda payload.  When its data
 * cannot be decoded, the element itself (as compact JSON) is what goes to
 * the rejects file; once decoded, the event's bytes are.
 */
static void
page_record(json_t *rec, const struct origin *o, const struct config *cfg,
    record_fn fn, void *ctx)
{
	json_t *data, *kinesis, *event;
	const char *why = "no base64 Data (get-records) or kinesis.data "
	    "(Lambda) string";
	unsigned char *bytes = NULL;
	struct memo_rec mr;
	char *dump;
	size_t n, mark = arena_mark();
	long len = -1;
	int m;

	const char *field = "Data";

	data = json_object_get(rec, "Data");
	if (data == NULL && (kinesis = json_object_get(rec, "kinesis"))) {
		data = json_object_get(kinesis, "data");
		field = "kinesis.data";
	}
	if (json_is_string(data)) {
		n = json_string_length(data);
		if ((bytes = malloc(n / 4 * 3 + 1)) == NULL)
			fatal_oom();
		len = base64_decode(json_string_value(data), n, bytes, &why);
	}
	if (len < 0) {
		struct verdict v;

		dump = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER |
		    JSON_ENCODE_ANY);
		if (json_is_string(data)) {
			one_problem(&v, field, "not base64: %s", why);
			v.in_page = 1;
		} else
			one_problem(&v, NULL, "%s", why);
		fn(ctx, NULL, &v, o, dump ? dump : "", dump ? strlen(dump) : 0);
		arena_free(dump);
	} else if (fast_record((char *)bytes, (size_t)len, o, fn, ctx))
		;
	else if ((m = memo_scan(&mr, (char *)bytes, (size_t)len)) == 1 &&
	    memo_record(&mr, o, (char *)bytes, (size_t)len, cfg, fn, ctx))
		;
	else if ((event = decode_json((char *)bytes, (size_t)len, o, field,
	    fn, ctx)) != NULL) {
		event_record(event, o, (char *)bytes, (size_t)len, cfg, fn,
		    ctx, m >= 0 ? &mr : NULL);
		json_decref(event);
	}
	free(bytes);
	arena_release(mark);
}

/*
 * The record path: one framed JSON value, which holds an event, or a page
 * of base64 records.  Each event, or each rejection, goes to fn in order.
 */
void
parse_value(const char *buf, size_t len, const struct origin *where,
    const struct config *cfg, record_fn fn, void *ctx)
{
	struct origin o = *where;
	struct memo_rec mr;
	json_t *root, *records, *rec;
	size_t i, mark;
	int m;

	if (fast_record(buf, len, &o, fn, ctx))
		return;
	mark = arena_mark();
	if ((m = memo_scan(&mr, buf, len)) == 1 &&
	    memo_record(&mr, &o, buf, len, cfg, fn, ctx)) {
		arena_release(mark);
		return;
	}
	if ((root = decode_json(buf, len, &o, NULL, fn, ctx)) == NULL) {
		arena_release(mark);
		return;
	}
	records = json_object_get(root, "Records");
	if (json_object_get(root, "EventType") != NULL)
		event_record(root, &o, buf, len, cfg, fn, ctx,
		    m >= 0 ? &mr : NULL);
	else if (json_is_array(records)) {
		json_array_foreach(records, i, rec) {
			o.record = (long)i;
			page_record(rec, &o, cfg, fn, ctx);
		}
	} else if (json_is_string(json_object_get(root, "Data")) ||
	    json_is_object(json_object_get(root, "kinesis")))
		/* one Kinesis record, as `get-records --query Records` lists */
		page_record(root, &o, cfg, fn, ctx);
	else
		event_record(root, &o, buf, len, cfg, fn, ctx, NULL);
	json_decref(root);
	arena_release(mark);
}

/* Write a size as -m takes it: 2k, 64M, or bytes. */
static void
format_size(char *dst, size_t size, size_t n)
{
	static const char units[] = "GMk";
	int i;

	for (i = 0; i < 3; i++)
		if (n >= (size_t)1 << (30 - 10 * i) &&
		    n % ((size_t)1 << (30 - 10 * i)) == 0) {
			snprintf(dst, size, "%zu%c", n >> (30 - 10 * i),
			    units[i]);
			return;
		}
	snprintf(dst, size, "%zu", n);
}

/*
 * The verdict on a fragment the framer gave up on (the n bytes at buf):
 * why, and where when the framer knows.  max is the -m limit.
 */
void
broken_verdict(struct verdict *v, const struct framed *where,
    const char *buf, size_t n, size_t max)
{
	char text[128];

	if (where->broken == frame_not_json) {
		while (n > 0 && isspace((unsigned char)buf[n - 1]))
			n--;
		quote_value(text, sizeof(text), buf, n, 40);
		one_problem(v, NULL, "not JSON: %s", text);
	} else if (where->broken == frame_too_long) {
		format_size(text, sizeof(text), max);
		one_problem(v, NULL, "record longer than the limit of %s "
		    "bytes (see -m)", text);
	} else
		one_problem(v, NULL, "%s", where->broken);
	v->line = where->error_line;
	v->column = where->error_column;
}
