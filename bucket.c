/*
 * bucket.c: time buckets for -i, in the local time of the -z zone, and
 * the durations options and rules are written in.
 *
 * A bucket is a whole number of minutes that divides a day, aligned to
 * local midnight, so a 1d bucket is a local day (23 or 25 hours long when
 * the clocks change) and the repeated hour of a fall-back night gives
 * buckets of its own.
 */

#include <stdlib.h>
#include <string.h>

#include "agentev.h"

#define MINUTE_MS	((int64_t)60 * 1000)
#define DAY_MS		(24 * 60 * MINUTE_MS)

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
 * Parse a duration: an integer with ms, s, m, h or d, or a sum of them
 * ("1h30m", "90s", "250ms").  Returns 0 with *ms set, or -1.
 */
int
parse_duration(const char *s, int64_t *ms)
{
	static const struct {
		const char	*name;
		int64_t		 ms;
	} units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", MINUTE_MS },
		{ "h", 60 * MINUTE_MS }, { "d", DAY_MS },
	};
	int64_t total = 0, part;
	unsigned long long n;
	size_t u, len;
	char *end;

	if (*s == '\0')
		return -1;
	while (*s != '\0') {
		if (*s < '0' || *s > '9')
			return -1;
		n = strtoull(s, &end, 10);
		for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
			len = strlen(units[u].name);
			/* "m" must not take the m of "ms" */
			if (strncmp(end, units[u].name, len) == 0 &&
			    (len == 2 || strncmp(end, "ms", 2) != 0))
				break;
		}
		if (u == sizeof(units) / sizeof(units[0]) ||
		    n > (unsigned long long)INT64_MAX / (unsigned long long)
		    units[u].ms)
			return -1;
		part = (int64_t)n * units[u].ms;
		if (__builtin_add_overflow(total, part, &total))
			return -1;
		s = end + strlen(units[u].name);
	}
	*ms = total;
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
