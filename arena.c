/*
 * arena.c: the memory jansson builds the record path's JSON trees in.
 *
 * Decoding one event makes hundreds of small allocations that all die
 * together once the record has been validated.  So each thread takes them
 * from its own block, bumping a pointer through it, and takes the block
 * back whole when the record is done: a free of one value costs a
 * comparison, no lock is taken, and the memory stays warm in the thread's
 * cache.  Outside a record (arena_mark .. arena_release), and once a
 * record has filled the block, allocations go to malloc as before, so
 * nothing depends on the block being there or big enough; a block that
 * overflowed grows for the next record, up to ARENA_MAX.
 *
 * The rule that makes this safe: a tree built after arena_mark is freed
 * before the matching arena_release, on the same thread.  parse_value
 * keeps it (events leave it detached from their trees).
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agentev.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN	1
#endif
#elif defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN	1
#endif

#define ARENA_FIRST	(64 * 1024)
#define ARENA_MAX	(4 * 1024 * 1024)
#define ARENA_ALIGN	alignof(max_align_t)

#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
/*
 * Memory not handed out is poisoned, so a use after release is caught;
 * each value carries its size in a poisoned header, so that arena_free
 * can poison it and a use after free within a record is caught too.
 */
#define POISON(p, n)	ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n)	ASAN_UNPOISON_MEMORY_REGION((p), (n))
#define HEADER		ARENA_ALIGN

static void
remember_size(char *p, size_t n)
{
	UNPOISON(p, sizeof(n));
	memcpy(p, &n, sizeof(n));
	POISON(p, sizeof(n));
}

static void
poison_value(char *value)
{
	size_t n;

	UNPOISON(value - HEADER, sizeof(n));
	memcpy(&n, value - HEADER, sizeof(n));
	POISON(value - HEADER, sizeof(n));
	POISON(value, n);
}
#else
#define POISON(p, n)	((void)(p), (void)(n))
#define UNPOISON(p, n)	((void)(p), (void)(n))
#define HEADER		0
#define remember_size(p, n)	((void)(p), (void)(n))
#define poison_value(p)	((void)(p))
#endif

struct arena {
	char	*base;
	size_t	 size;
	size_t	 used;
	int	 depth;		/* marks not yet released */
	int	 spilled;	/* a record did not fit */
};

static _Thread_local struct arena arena;

static void *
arena_malloc(size_t n)
{
	struct arena *a = &arena;
	size_t need;
	char *p;

	if (a->depth > 0 && n <= ARENA_MAX) {
		need = (n + HEADER + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
		if (need <= a->size - a->used) {
			p = a->base + a->used;
			a->used += need;
			remember_size(p, n);
			p += HEADER;
			UNPOISON(p, n);
			return p;
		}
		a->spilled = 1;
	}
	return malloc(n);
}

/* Free what jansson allocated (json_dumps's strings, for one). */
void
arena_free(void *p)
{
	const struct arena *a = &arena;
	uintptr_t at = (uintptr_t)p, base = (uintptr_t)a->base;

	if (a->base != NULL && at >= base && at - base < a->size) {
		poison_value(p);	/* taken back at arena_release */
		return;
	}
	free(p);
}

/* Make jansson allocate through the arena; before any thread starts. */
void
arena_init(void)
{
	json_set_alloc_funcs(arena_malloc, arena_free);
}

/* Start a record: what jansson allocates from now on is the arena's. */
size_t
arena_mark(void)
{
	arena.depth++;
	return arena.used;
}

/* The trees built since the mark are gone: take their memory back. */
void
arena_release(size_t mark)
{
	struct arena *a = &arena;
	size_t size;

	a->used = mark;
	if (a->base != NULL)
		POISON(a->base + mark, a->size - mark);
	if (--a->depth > 0 || !a->spilled || a->size >= ARENA_MAX)
		return;
	/* nothing lives in the block now: make it bigger for the next one */
	size = a->size ? a->size * 4 : ARENA_FIRST;
	if (size > ARENA_MAX)
		size = ARENA_MAX;
	arena_drop();
	if ((a->base = malloc(size)) != NULL) {
		a->size = size;
		POISON(a->base, size);
	}
}

/* Free the block (at the end of a thread). */
void
arena_drop(void)
{
	struct arena *a = &arena;

	if (a->base != NULL)
		UNPOISON(a->base, a->size);
	free(a->base);
	a->base = NULL;
	a->size = a->used = 0;
	a->spilled = 0;
}
