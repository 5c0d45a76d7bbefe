/*
 * bucket.c: time buckets for -i, in the local time of the -z zone, and
 * the durations options and rules are written in.
 *
 * A bucket is a whole number of minutes that divides a day, aligned to
 * local midnight, so a 1d bucket is a local day (23 or 25 hours long when
 * the clocks change) and the repeated hour of a fall-back night gives
 * buckets of its own.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "agentev.h"

#define MINUTE_MS	((int64_t)60 * 1000)
#define DAY_MS		(24 * 60 * MINUTE_MS)
#define MAX_DURATION	(3660 * DAY_MS)	/* ten years */

static int64_t width;	/* bucket width in ms of local time, 0 = none */

static int64_t
floor_to(int64_t a, int64_t b)
{
	int64_t q = a / b - (a % b != 0 && a < 0);

	return q * b;
}

/* Parse -i: 15m, 30m, 1h, 1d, N minutes or hours that divide a day. */
int
bucket_set(const char *spec)
{
	char *end;
	long n;
	int64_t unit;

	n = strtol(spec, &end, 10);
	if (end == spec || n <= 0 || n > 1440)
		return -1;
	if (strcmp(end, "m") == 0)
		unit = MINUTE_MS;
	else if (strcmp(end, "h") == 0)
		unit = 60 * MINUTE_MS;
	else if (strcmp(end, "d") == 0 && n == 1)
		unit = DAY_MS;
	else
		return -1;
	if (n * unit > DAY_MS || DAY_MS % (n * unit) != 0)
		return -1;
	width = n * unit;
	return 0;
}

/*
 * A duration: an integer with ms, s, m, h or d, or a sum of them (1h30m).
 */
int
parse_duration(const char *s, size_t n, int64_t *out)
{
	static const struct { const char *unit; int64_t ms; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60 * 1000 },
		{ "h", 60 * MINUTE_MS }, { "d", DAY_MS },
	};
	const char *end = s + n;
	int64_t total = 0, v;
	size_t u, len;

	if (n == 0)
		return -1;
	while (s < end) {
		if (!isdigit((unsigned char)*s))
			return -1;
		for (v = 0; s < end && isdigit((unsigned char)*s); s++) {
			v = v * 10 + (*s - '0');
			if (v > MAX_DURATION)
				return -1;
		}
		for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
			len = strlen(units[u].unit);
			if ((size_t)(end - s) >= len &&
			    strncmp(s, units[u].unit, len) == 0)
				break;
		}
		if (u == sizeof(units) / sizeof(units[0]))
			return -1;
		s += len;
		if (v > MAX_DURATION / units[u].ms)
			return -1;
		total += v * units[u].ms;
		if (total > MAX_DURATION)
			return -1;
	}
	*out = total;
	return 0;
}

int
bucket_enabled(void)
{
	return width != 0;
}

/*
 * The instant whose local time is `local`, trying the offset `hint`
 * first (which settles the repeated hour of a fall-back night).  A local
 * time that does not exist (skipped by a spring-forward) maps to the
 * moment the clocks jumped.
 */
static int64_t
from_local(int64_t local, int64_t hint)
{
	int64_t t = local - hint, t2, off;

	if (out_zone_offset(t) == hint)
		return t;
	off = out_zone_offset(t);
	t2 = local - off;
	if (out_zone_offset(t2) == off)
		return t2;
	return t > t2 ? t : t2;
}

/*
 * The first instant whose local time in the -z zone is `local`: on a
 * fall-back night, of the two; a local time the zone skips maps as in
 * from_local.  A zone's offsets a day either side are the only others
 * that could give the same local time earlier.
 */
int64_t
zone_from_local(int64_t local)
{
	int64_t t = from_local(local, out_zone_offset(local)), c;
	int side;

	for (side = -1; side <= 1; side += 2) {
		c = local - out_zone_offset(t + side * DAY_MS);
		if (c < t && c + out_zone_offset(c) == local)
			t = c;
	}
	return t;
}

/* The start of the bucket that holds t. */
int64_t
bucket_start(int64_t t)
{
	int64_t off = out_zone_offset(t);

	if (width == 0)
		return 0;
	return from_local(floor_to(t + off, width), off);
}

/* The start of the bucket after the one that starts at b. */
int64_t
bucket_next(int64_t b)
{
	int64_t step = width, next;

	/* a fall-back makes the local bucket longer than width */
	while ((next = bucket_start(b + step)) <= b)
		step += 15 * MINUTE_MS;
	return next;
}

/*
 * Rows of totals kept in order of cmp (by bucket, then by group): the
 * index of key's row in v[0..n), or where it would go, with *found set
 * when it is there.  The newest bucket is nearly always the one wanted,
 * and few groups are in it, so the search starts at the end.
 */
size_t
rows_find(const void *v, size_t n, size_t size, const void *key,
    int (*cmp)(const void *row, const void *key), int *found)
{
	const char *rows = v;
	int c = 1;

	while (n > 0 && (c = cmp(rows + (n - 1) * size, key)) > 0)
		n--;
	*found = n > 0 && c == 0;
	return *found ? n - 1 : n;
}

/* v[0..*n) with a zeroed row made at i, grown when full: the array. */
void *
rows_insert(void *v, size_t *n, size_t *cap, size_t size, size_t i)
{
	char *rows;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		v = xrealloc(v, *cap, size);
	}
	rows = v;
	memmove(rows + (i + 1) * size, rows + i * size, (*n - i) * size);
	memset(rows + i * size, 0, size);
	(*n)++;
	return v;
}
