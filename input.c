/*
 * input.c: reading the inputs, in order, into the pipeline.
 *
 * Each input is a file or standard input ("-").  Its first bytes tell a
 * compressed file, which is refused with the command that opens it, and
 * a byte order mark, which is skipped; the rest is cut into JSON values
 * (frame.c) and handed to the pipeline.  A live pipe that has nothing
 * for a moment makes the caller write out what it has, so a stream's
 * rows show as they come.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agentev.h"

#define READ_SIZE	(1 << 20)
#define IDLE_MS		100	/* an input pause that flushes the output */
#define FLUSH_MS	1000	/* the longest a live stream's rows wait */

/* One input_read. */
struct reader {
	struct pipeline	*pipeline;
	idle_fn		 idle;
	void		*ctx;
	const char	*file;		/* the input being read, for messages */
	int64_t		 flushed_ms;	/* when idle was last called */
	char		*buf;		/* READ_SIZE bytes */
};

/* Compressed inputs, told by their first bytes, and what opens them. */
static const struct compression {
	const char	*magic;
	size_t		 len;
	const char	*name;		/* for messages */
	const char	*command;	/* writes the data on standard output */
	const char	*suffix;
} compressions[] = {
	{ "\x1f\x8b", 2, "gzip-compressed input", "zcat", ".gz" },
	{ "\xfd" "7zXZ\0", 6, "xz-compressed input", "xz -dc", ".xz" },
	{ "BZh", 3, "bzip2-compressed input", "bzip2 -dc", ".bz2" },
	{ "\x28\xb5\x2f\xfd", 4, "zstd-compressed input", "zstd -dc",
	    ".zst" },
	{ "PK\x03\x04", 4, "a zip archive", "unzip -p", ".zip" },
};

#define NCOMPRESSIONS	(sizeof(compressions) / sizeof(compressions[0]))

/* Report a problem with an input, in order with its records. */
static void	input_problem(struct reader *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
input_problem(struct reader *rd, const char *fmt, ...)
{
	char message[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	pipe_notice(rd->pipeline, message);
}

/* Milliseconds on a clock that only goes forward. */
static int64_t
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* poll(2) for input on fd, retried when interrupted; -1 is an error. */
static int
wait_input(int fd, int timeout_ms)
{
	struct pollfd pfd;
	int n;

	pfd.fd = fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	while ((n = poll(&pfd, 1, timeout_ms)) == -1 && errno == EINTR)
		;
	return n;
}

/*
 * Whether to write out what we have before reading fd: when nothing comes
 * within IDLE_MS (a pipe from a fast writer is empty for a moment between
 * its writes; only a longer pause counts), or when the pipe is empty and
 * the output has waited FLUSH_MS (a stream that never pauses for long).
 * A file always has something to read, so it never gets here.
 */
static int
input_idle(struct reader *rd, int fd)
{
	int n = wait_input(fd, 0);

	if (n == 0 && now_ms() - rd->flushed_ms < FLUSH_MS)
		n = wait_input(fd, IDLE_MS);
	return n == 0;	/* on an error, read(2) will say what it is */
}

/*
 * read(2) that retries when interrupted and first lets the caller write
 * out what it has when the input is idle; -1 reports the error.
 */
static ssize_t
read_more(struct reader *rd, int fd, char *buf, size_t n)
{
	ssize_t got;

	if (input_idle(rd, fd)) {
		rd->idle(rd->ctx);
		rd->flushed_ms = now_ms();
	}
	while ((got = read(fd, buf, n)) == -1 && errno == EINTR)
		;
	if (got == -1)
		input_problem(rd, "%s: %s", rd->file, strerror(errno));
	return got;
}

/*
 * The compression the first `have` bytes show; NULL when none.  *more is
 * set when they begin like one but are too few to tell.
 */
static const struct compression *
compression_of(const char *buf, size_t have, int *more)
{
	const struct compression *c;
	size_t n;

	*more = 0;
	for (c = compressions; c < compressions + NCOMPRESSIONS; c++) {
		n = have < c->len ? have : c->len;
		if (memcmp(buf, c->magic, n) != 0)
			continue;
		if (have < c->len)
			*more = 1;
		else if (strcmp(c->suffix, ".bz2") != 0 ||
		    (have > 3 && buf[3] >= '1' && buf[3] <= '9'))
			return c;	/* "BZh" then a block size digit */
		else if (have == 3)
			*more = 1;
	}
	return NULL;
}

/* value_fn: one framed JSON value, or a broken fragment. */
static void
on_value(void *ctx, const char *buf, size_t n, const struct framed *where)
{
	struct reader *rd = ctx;

	pipe_value(rd->pipeline, rd->file, where, buf, n);
}

/* Read one input (fd) as part of the stream; -1 when out of memory. */
static int
read_one(struct reader *rd, struct framer *f, int fd)
{
	const struct compression *c;
	char *buf = rd->buf;
	size_t have = 0, skip = 0;
	ssize_t n = 1;
	int more = 1;

	/*
	 * The first bytes tell a compressed file and a byte order mark:
	 * read three, and more only while they could begin a compression.
	 */
	while ((have < 3 || more) && (n = read_more(rd, fd, buf + have,
	    READ_SIZE - have)) > 0) {
		have += (size_t)n;
		(void)compression_of(buf, have, &more);
	}
	if (n == -1)
		return 0;
	if ((c = compression_of(buf, have, &more)) != NULL) {
		input_problem(rd, "%s: %s; decompress it first, e.g. "
		    "%s %s%s | agentev ...", rd->file, c->name,
		    c->command, fd == STDIN_FILENO ? "FILE" : rd->file,
		    fd == STDIN_FILENO ? c->suffix : "");
		return 0;
	}
	if (have >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		skip = 3;
	frame_begin(f, rd->file);
	n = (ssize_t)have;
	do {
		if (frame_feed(f, buf + skip, (size_t)n - skip, on_value,
		    rd) == -1)
			return -1;
		skip = 0;
	} while ((n = read_more(rd, fd, buf, READ_SIZE)) > 0);
	frame_end(f, on_value, rd);
	return 0;
}

/*
 * Read paths in order ("-" is standard input, as is no path at all) into
 * p, with values of at most max_value bytes.  An input that cannot be
 * opened or read, or is compressed, is a notice in order with the
 * records; idle(ctx) is called when a live input has nothing for now.
 * -1 when out of memory.
 */
int
input_read(char *const paths[], int npaths, size_t max_value,
    struct pipeline *p, idle_fn idle, void *ctx)
{
	struct reader rd = { p, idle, ctx, NULL, now_ms(), NULL };
	struct framer *f;
	int k, fd, rc = 0;

	if ((f = frame_new(max_value)) == NULL ||
	    (rd.buf = malloc(READ_SIZE)) == NULL) {
		frame_free(f);
		return -1;
	}
	for (k = 0; rc == 0 && (k < npaths || k == 0); k++) {
		const char *path = k < npaths ? paths[k] : "-";

		if (strcmp(path, "-") == 0) {
			rd.file = "<stdin>";
			rc = read_one(&rd, f, STDIN_FILENO);
			continue;
		}
		rd.file = path;
		if ((fd = open(path, O_RDONLY)) == -1) {
			input_problem(&rd, "%s: %s", path, strerror(errno));
			continue;
		}
		rc = read_one(&rd, f, fd);
		close(fd);
	}
	frame_free(f);
	free(rd.buf);
	return rc;
}
