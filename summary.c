/*
 * summary.c: the summary table, one row per agent (and bucket with -i),
 * from totals that acw.c keeps while it makes the interval tables.
 */

#include <stdlib.h>
#include <string.h>

#include "agentev.h"

const char *const summary_columns[] = {
	"agent_arn", "username", "bucket_start", "first_event", "last_event",
	"logged_in_s", "available_s", "incoming_s", "on_contact_s", "acw_s",
	"custom_s", "offline_s", "error_s", "contacts_connected",
	"contacts_missed", "contacts_rejected", "acw_count", "acw_total_s",
	"acw_mean_s", "acw_max_s"
};
const size_t summary_ncolumns = sizeof(summary_columns) /
    sizeof(summary_columns[0]);

/* The totals of `bucket`, made when missing; buckets stay in order. */
struct tally *
tally_get(struct tallies *ts, int64_t bucket)
{
	size_t i;

	/* nearly always the newest bucket */
	for (i = ts->n; i > 0 && ts->v[i - 1].bucket > bucket; i--)
		;
	if (i > 0 && ts->v[i - 1].bucket == bucket)
		return &ts->v[i - 1];
	if (ts->n == ts->cap) {
		ts->cap = ts->cap ? ts->cap * 2 : 4;
		if ((ts->v = realloc(ts->v, ts->cap * sizeof(*ts->v))) == NULL)
			fatal_oom();
	}
	memmove(&ts->v[i + 1], &ts->v[i], (ts->n - i) * sizeof(*ts->v));
	ts->n++;
	memset(&ts->v[i], 0, sizeof(ts->v[i]));
	ts->v[i].bucket = bucket;
	return &ts->v[i];
}

/* Add ms to a total, saturating instead of wrapping around. */
void
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

void
summary_rows(struct output *out, const char *arn, const char *username,
    const struct tallies *ts)
{
	struct cell cells[20];
	const struct tally *t;
	int64_t logged_in;
	size_t i, k;

	for (i = 0; i < ts->n; i++) {
		t = &ts->v[i];
		logged_in = 0;
		for (k = 0; k < ACT_NKINDS; k++)
			tally_add(&logged_in, t->ms[k]);
		cells[0] = C_STR(arn);
		cells[1] = C_STR(username);
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
		(void)out_row(out, cells);
	}
}
