/*
 * pipeline.c: decode and validate on several threads, apply in order.
 *
 * The reader (the caller's thread) frames the input and packs whole
 * values into batches; worker threads run the record path (parse_value)
 * on a batch and keep what it hands on; one applier thread replays those
 * results, batch after batch, in input order, through the caller's
 * record_fn.  So everything that touches shared state or writes output
 * happens on one thread, in the same order as with a single thread, and
 * the output is the same byte for byte.
 *
 * With one worker there are no threads at all: values go through the
 * record path as they are framed.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "agentev.h"

#define BATCH_BYTES	(256 * 1024)
#define BATCH_ITEMS	1024

/* A framed value, a broken fragment, or a message from the reader. */
struct item {
	const char	*file;
	struct framed	 where;		/* where it is, why it is broken */
	size_t		 off;		/* into batch data */
	size_t		 len;
	char		*notice;	/* a message, not a value */
};

/* What the record path handed on for one record. */
struct result {
	struct event	*event;
	struct verdict	*verdict;	/* NULL when nothing was found */
	struct origin	 origin;
	char		*raw;		/* copy, for a rejected record */
	size_t		 rawlen;
	char		*notice;
};

enum batch_state { B_FREE, B_FILLING, B_READY, B_WORKING, B_DONE };

struct batch {
	enum batch_state state;
	char		*data;
	size_t		 len;
	size_t		 cap;
	struct item	*items;
	size_t		 nitems;
	size_t		 items_cap;
	struct result	*results;
	size_t		 nresults;
	size_t		 results_cap;
};

struct pipeline {
	const struct config *config;
	record_fn	 apply;
	notice_fn	 notice;
	void		*ctx;
	int		 nworkers;
	/* threaded only */
	pthread_t	*workers;
	pthread_t	 applier;
	pthread_mutex_t	 lock;
	pthread_cond_t	 work;		/* a batch is ready, or the end came */
	pthread_cond_t	 done;		/* the batch at head is done, or the end */
	pthread_cond_t	 room;		/* the applier freed a batch */
	struct batch	*ring;
	size_t		 depth;
	/* counters, not indices: batches [head, tail) are in flight */
	uint64_t	 head;		/* next batch to apply */
	uint64_t	 tail;		/* batch being filled */
	int		 eof;
};

static void *
xgrow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 16;

	if (need <= *cap)
		return p;
	while (n < need)
		n *= 2;
	if ((p = realloc(p, n * size)) == NULL)
		fatal_oom();
	*cap = n;
	return p;
}

static char *
xmemdup(const char *s, size_t n)
{
	char *p;

	if ((p = malloc(n + 1)) == NULL)
		fatal_oom();
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* record_fn on a worker: keep what the record path found. */
static void
collect(void *ctx, struct event *ev, const struct verdict *v,
    const struct origin *o, const char *raw, size_t rawlen)
{
	struct batch *b = ctx;
	struct result *r;

	b->results = xgrow(b->results, &b->results_cap, b->nresults + 1,
	    sizeof(*b->results));
	r = &b->results[b->nresults++];
	memset(r, 0, sizeof(*r));
	if (ev != NULL)
		event_detach(ev);
	r->event = ev;
	r->origin = *o;
	if (v->nproblems > 0) {
		if ((r->verdict = malloc(sizeof(*v))) == NULL)
			fatal_oom();
		memcpy(r->verdict, v, sizeof(*v));
	}
	if (ev == NULL) {
		r->raw = xmemdup(raw, rawlen);
		r->rawlen = rawlen;
	}
}

/* The record path for one value, handing results to fn. */
static void
run_value(const struct pipeline *p, const char *file,
    const struct framed *where, const char *buf, size_t n, record_fn fn,
    void *ctx)
{
	struct origin o = { file, where->line, -1, where->column };
	struct verdict v;

	if (where->broken == NULL) {
		parse_value(buf, n, &o, p->config, fn, ctx);
		return;
	}
	broken_verdict(&v, where, buf, n, p->config->max_record);
	fn(ctx, NULL, &v, &o, buf, n);
}

static void
work(const struct pipeline *p, struct batch *b)
{
	struct item *it;
	size_t i;

	for (i = 0; i < b->nitems; i++) {
		it = &b->items[i];
		if (it->notice != NULL) {
			b->results = xgrow(b->results, &b->results_cap,
			    b->nresults + 1, sizeof(*b->results));
			memset(&b->results[b->nresults], 0,
			    sizeof(b->results[0]));
			b->results[b->nresults++].notice = it->notice;
			it->notice = NULL;
			continue;
		}
		run_value(p, it->file, &it->where, b->data + it->off, it->len,
		    collect, b);
	}
}

static void
apply_batch(const struct pipeline *p, struct batch *b)
{
	static const struct verdict none;
	struct result *r;
	size_t i;

	for (i = 0; i < b->nresults; i++) {
		r = &b->results[i];
		if (r->notice != NULL)
			p->notice(p->ctx, r->notice);
		else
			p->apply(p->ctx, r->event,
			    r->verdict ? r->verdict : &none, &r->origin,
			    r->raw, r->rawlen);
		free(r->notice);
		free(r->verdict);
		free(r->raw);
	}
	b->nresults = 0;
	b->nitems = 0;
	b->len = 0;
}

static void *
worker_main(void *arg)
{
	struct pipeline *p = arg;
	struct batch *b;
	uint64_t i;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		b = NULL;
		for (i = p->head; i < p->tail; i++)
			if (p->ring[i % p->depth].state == B_READY) {
				b = &p->ring[i % p->depth];
				break;
			}
		if (b == NULL) {
			if (p->eof)
				break;
			pthread_cond_wait(&p->work, &p->lock);
			continue;
		}
		b->state = B_WORKING;
		pthread_mutex_unlock(&p->lock);
		work(p, b);
		pthread_mutex_lock(&p->lock);
		b->state = B_DONE;
		/* the applier waits only for the batch at head */
		if (b == &p->ring[p->head % p->depth])
			pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	arena_drop();
	memo_drop();
	parse_drop();
	return NULL;
}

static void *
applier_main(void *arg)
{
	struct pipeline *p = arg;
	struct batch *b;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		b = &p->ring[p->head % p->depth];
		if (b->state != B_DONE) {
			if (p->eof && p->head == p->tail)
				break;
			pthread_cond_wait(&p->done, &p->lock);
			continue;
		}
		pthread_mutex_unlock(&p->lock);
		apply_batch(p, b);
		pthread_mutex_lock(&p->lock);
		b->state = B_FREE;
		p->head++;
		pthread_cond_signal(&p->room);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct pipeline *
pipe_new(int nworkers, const struct config *config, record_fn apply,
    notice_fn notice, void *ctx)
{
	struct pipeline *p;
	int i;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		fatal_oom();
	p->config = config;
	p->apply = apply;
	p->notice = notice;
	p->ctx = ctx;
	p->nworkers = nworkers;
	if (nworkers <= 1)
		return p;
	p->depth = (size_t)nworkers * 4;
	if ((p->ring = calloc(p->depth, sizeof(*p->ring))) == NULL ||
	    (p->workers = calloc((size_t)nworkers,
	    sizeof(*p->workers))) == NULL)
		fatal_oom();
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	pthread_cond_init(&p->room, NULL);
	p->ring[0].state = B_FILLING;
	/* jansson seeds its hash function once; do it before the threads */
	json_object_seed(0);
	for (i = 0; i < nworkers; i++)
		if (pthread_create(&p->workers[i], NULL, worker_main, p) != 0)
			fatal_oom();
	if (pthread_create(&p->applier, NULL, applier_main, p) != 0)
		fatal_oom();
	return p;
}

/* Hand the batch being filled to the workers and take the next one. */
static void
submit(struct pipeline *p)
{
	struct batch *b;

	pthread_mutex_lock(&p->lock);
	p->ring[p->tail % p->depth].state = B_READY;
	p->tail++;
	pthread_cond_signal(&p->work);
	b = &p->ring[p->tail % p->depth];
	while (b->state != B_FREE)
		pthread_cond_wait(&p->room, &p->lock);
	b->state = B_FILLING;
	pthread_mutex_unlock(&p->lock);
}

static struct item *
new_item(struct pipeline *p)
{
	struct batch *b = &p->ring[p->tail % p->depth];
	struct item *it;

	b->items = xgrow(b->items, &b->items_cap, b->nitems + 1,
	    sizeof(*b->items));
	it = &b->items[b->nitems++];
	memset(it, 0, sizeof(*it));
	return it;
}

/* A framed value (or a broken fragment when broken is set). */
void
pipe_value(struct pipeline *p, const char *file, const struct framed *where,
    const char *buf, size_t n)
{
	struct batch *b;
	struct item *it;

	if (p->nworkers <= 1) {
		run_value(p, file, where, buf, n, p->apply, p->ctx);
		return;
	}
	b = &p->ring[p->tail % p->depth];
	it = new_item(p);
	it->file = file;
	it->where = *where;
	it->off = b->len;
	it->len = n;
	/* one byte more: an empty value still has somewhere to point */
	b->data = xgrow(b->data, &b->cap, b->len + n + 1, 1);
	memcpy(b->data + b->len, buf, n);
	b->len += n;
	if (b->len >= BATCH_BYTES || b->nitems >= BATCH_ITEMS)
		submit(p);
}

/* A message that must come out in order with the records around it. */
void
pipe_notice(struct pipeline *p, const char *message)
{
	char *copy = xmemdup(message, strlen(message));

	if (p->nworkers <= 1) {
		p->notice(p->ctx, copy);
		free(copy);
		return;
	}
	new_item(p)->notice = copy;
}

/*
 * Hand on what has been read and wait until all of it has been applied:
 * the input has nothing more for now, and the caller wants the output to
 * show everything so far.
 */
void
pipe_sync(struct pipeline *p)
{
	if (p->nworkers <= 1)
		return;
	if (p->ring[p->tail % p->depth].nitems > 0)
		submit(p);
	pthread_mutex_lock(&p->lock);
	while (p->head != p->tail)
		pthread_cond_wait(&p->room, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

/* Wait until everything read has been applied, and free the pipeline. */
void
pipe_finish(struct pipeline *p)
{
	size_t i;
	int k;

	if (p->nworkers > 1) {
		submit(p);
		pthread_mutex_lock(&p->lock);
		p->ring[p->tail % p->depth].state = B_FREE;	/* unused */
		p->eof = 1;
		pthread_cond_broadcast(&p->work);
		pthread_cond_signal(&p->done);
		pthread_mutex_unlock(&p->lock);
		for (k = 0; k < p->nworkers; k++)
			pthread_join(p->workers[k], NULL);
		pthread_join(p->applier, NULL);
		for (i = 0; i < p->depth; i++) {
			free(p->ring[i].data);
			free(p->ring[i].items);
			free(p->ring[i].results);
		}
		free(p->ring);
		free(p->workers);
		pthread_mutex_destroy(&p->lock);
		pthread_cond_destroy(&p->work);
		pthread_cond_destroy(&p->done);
		pthread_cond_destroy(&p->room);
	}
	free(p);
}
