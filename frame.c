/*
 * frame.c: cut a byte stream into top-level JSON values without parsing
 * them.
 *
 * The framer only follows strings and bracket nesting, which is enough to
 * find where a value ends in every layout agentev reads: one event per
 * line, pretty-printed events, events concatenated with no delimiter, a
 * JSON array of events (each element becomes a value of its own) and
 * get-records pages.  A value that cannot be complete (a raw newline inside
 * a string, a mismatched bracket, nesting beyond MAX_DEPTH, a value that
 * runs past the next line beginning with '{', or the end of the input) is
 * handed on as a broken fragment with a reason, and framing resumes at the
 * next line that starts with '{', or at a '{' right after a '}'.
 *
 * Text between values that is not JSON (a word, a "// comment" line, a log
 * prefix) is one fragment per contiguous run: it ends before a '{', or at
 * the end of a line when the next line begins a JSON value ('{', '[', '"',
 * or a word that is a number, true, false or null).
 *
 * Each value comes with the line and column where it starts; columns count
 * characters (UTF-8 code points) from 1.  Counting is lazy: only the bytes
 * of a line in front of a value or an error are counted, once.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "agentev.h"

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define FRAME_AVX2	1	/* where the CPU has it: see frame_new */
#endif
#endif

#define MAX_DEPTH	1024
#define FEED_PIECE	4096	/* bytes added at a time to a value in hand */

enum mode {
	M_BETWEEN,	/* between values */
	M_VALUE,	/* inside an object or array */
	M_STRING,	/* inside a string of a value */
	M_ESCAPE,	/* after a backslash in a string */
	M_SCALAR,	/* a top-level number, literal or garbage */
	M_TOPSTRING,	/* a top-level string */
	M_TOPESCAPE,
	M_RESYNC,	/* skipping a broken value */
	M_JUNK,		/* text that is not JSON */
	M_JUNK_LINE,	/* the same, at the start of a line */
	M_JUNK_TOKEN	/* a word there that may be a number or literal */
};

const char frame_not_json[] = "not JSON";
const char frame_too_long[] = "record longer than the limit";

struct framer {
	char		*buf;		/* what is kept between feeds */
	const char	*text;		/* what is scanned: buf, or the bytes fed */
	size_t		 len;		/* bytes in text */
	size_t		 cap;
	size_t		 pos;		/* next byte to scan */
	size_t		 start;		/* where the current value starts */
	size_t		 max_value;
	enum mode	 mode;
	int		 in_array;	/* inside a top-level array */
	int		 oversized;	/* current value was cut off */
	size_t		 depth;
	unsigned char	 stack[MAX_DEPTH / 8];	/* 1 bit per level: '[' */
	uint64_t	 line;		/* line of buf[pos] */
	uint64_t	 start_line;
	int		 line_start;	/* buf[pos] begins a line */
	char		 prev;		/* byte before buf[pos] */
	const char	*reason;	/* why the value in hand is broken */
	/* columns: offsets count bytes from the start of the input */
	uint64_t	 base;		/* offset of buf[0] */
	uint64_t	 line_begin;	/* offset of the current line */
	uint64_t	 mark;		/* an offset on that line ... */
	uint64_t	 mark_column;	/* ... and its column */
	uint64_t	 start_column;
	uint64_t	 error_line;	/* where the value in hand broke */
	uint64_t	 error_column;
	size_t		 junk_end;	/* a junk run ends here at the latest */
	size_t		 token_start;	/* M_JUNK_TOKEN: where the word starts */
	int		 until_between;	/* scan stops between values */
};

#ifdef FRAME_AVX2
static void	choose_masks(void);
#endif

/* Bytes that matter inside an object or array. */
static unsigned char value_stops[256];

static void
init_stops(void)
{
	value_stops['"'] = value_stops['{'] = value_stops['}'] = 1;
	value_stops['['] = value_stops[']'] = value_stops['\n'] = 1;
}

struct framer *
frame_new(size_t max_value)
{
	struct framer *f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	init_stops();
#ifdef FRAME_AVX2
	choose_masks();
#endif
	f->max_value = max_value;
	return f;
}

void
frame_free(struct framer *f)
{
	if (f == NULL)
		return;
	free(f->buf);
	free(f);
}

/* Start a new input; the previous one must have been ended. */
void
frame_begin(struct framer *f, const char *name)
{
	(void)name;
	f->len = f->pos = f->start = 0;
	f->mode = M_BETWEEN;
	f->in_array = 0;
	f->oversized = 0;
	f->depth = 0;
	f->line = f->start_line = 1;
	f->line_start = 1;
	f->prev = '\n';
	f->reason = NULL;
	f->base = f->line_begin = f->mark = 0;
	f->mark_column = f->start_column = 1;
	f->error_line = f->error_column = 0;
}

/* The column of buf[pos], which is on the current line. */
static uint64_t
column_at(struct framer *f, size_t pos)
{
	uint64_t at = f->base + pos;
	size_t i;

	if (f->mark < f->line_begin) {
		f->mark = f->line_begin;
		f->mark_column = 1;
	}
	for (i = (size_t)(f->mark - f->base); i < pos; i++)
		if (((unsigned char)f->text[i] & 0xC0) != 0x80)
			f->mark_column++;
	f->mark = at;
	return f->mark_column;
}

/* buf[pos] is a newline: the next byte begins a line. */
static void
new_line(struct framer *f)
{
	f->line++;
	f->line_begin = f->base + f->pos + 1;
}

static void
emit(struct framer *f, size_t end, value_fn fn, void *ctx)
{
	struct framed v;
	size_t n = end - f->start;

	v.line = f->start_line;
	v.column = f->start_column;
	v.error_line = f->error_line;
	v.error_column = f->error_column;
	v.broken = f->reason;
	/* the bytes of an oversized value were dropped as they came */
	if (f->oversized || n > f->max_value) {
		v.broken = frame_too_long;
		v.error_line = v.error_column = 0;
		if (f->oversized)
			n = 0;
	}
	fn(ctx, f->text + f->start, n, &v);
	f->start = end;
	f->reason = NULL;
	f->oversized = 0;
	f->error_line = f->error_column = 0;
}

/* The value in hand is broken at buf[pos]: hand it on when framing resumes. */
static void
broken(struct framer *f, const char *reason)
{
	if (f->reason == NULL) {
		f->reason = reason;
		if (f->pos < f->len) {
			f->error_line = f->line;
			f->error_column = column_at(f, f->pos);
		}
	}
	f->mode = M_RESYNC;
}

static void
begin_value(struct framer *f, enum mode mode)
{
	f->start = f->pos;
	f->start_line = f->line;
	f->start_column = column_at(f, f->pos);
	f->mode = mode;
	f->depth = 0;
}

/* Whether the n bytes at s are a JSON number, true, false or null. */
static int
json_scalar(const char *s, size_t n)
{
	size_t i = 0;

	if ((n == 4 && (memcmp(s, "true", 4) == 0 ||
	    memcmp(s, "null", 4) == 0)) || (n == 5 && memcmp(s, "false",
	    5) == 0))
		return 1;
	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && isdigit((unsigned char)s[i]))
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		if (++i == n || !isdigit((unsigned char)s[i]))
			return 0;
		while (i < n && isdigit((unsigned char)s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i == n || !isdigit((unsigned char)s[i]))
			return 0;
		while (i < n && isdigit((unsigned char)s[i]))
			i++;
	}
	return i == n;
}

/* A junk run in hand is complete: it ends at end. */
static void
emit_junk(struct framer *f, size_t end, value_fn fn, void *ctx)
{
	f->reason = frame_not_json;
	f->error_line = f->start_line;
	f->error_column = f->start_column;
	emit(f, end, fn, ctx);
	f->mode = M_BETWEEN;
}

/* Whether c ends a top-level number or literal. */
static int
scalar_end(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '{' ||
	    c == '[' || c == ']' || c == '"' || c == ',' || c == '}';
}

/*
 * The word at token_start, on the line after a junk run, is a number or
 * literal: the junk ends before its line, and the word is a value of its
 * own, which ends at end.
 */
static void
junk_then_scalar(struct framer *f, size_t end, value_fn fn, void *ctx)
{
	emit_junk(f, f->junk_end, fn, ctx);
	f->start = f->token_start;
	f->start_line = f->line;
	f->start_column = column_at(f, f->token_start);
	emit(f, end, fn, ctx);
	f->mode = M_BETWEEN;
}

static int
push(struct framer *f, char c)
{
	if (f->depth >= MAX_DEPTH)
		return -1;
	if (c == '[')
		f->stack[f->depth / 8] |= 1u << (f->depth % 8);
	else
		f->stack[f->depth / 8] &= ~(1u << (f->depth % 8));
	f->depth++;
	return 0;
}

/* Pop a level; -1 when the closer does not match the opener. */
static int
pop(struct framer *f, char c)
{
	int was_array;

	if (f->depth == 0)
		return -1;
	f->depth--;
	was_array = (f->stack[f->depth / 8] >> (f->depth % 8)) & 1;
	return was_array == (c == ']') ? 0 : -1;
}

/*
 * Whether a value that begins at buf[pos] may start here while another
 * one is still open: a '{' at the start of a line, or right after '}'.
 */
static int
resync_point(const struct framer *f, char c)
{
	return c == '{' && (f->line_start || f->prev == '}');
}

/*
 * The first byte at or after p (before end) that matters inside a string
 * ('"', '\\', '\n'), or inside an object or array (those and the
 * brackets, but not '\\'); end when there is none.  Sixteen bytes at a
 * time where the compiler has SSE2.
 */
static size_t
next_stop(const char *buf, size_t p, size_t end, int in_string)
{
#if defined(__SSE2__) && defined(__GNUC__)
	const __m128i quote = _mm_set1_epi8('"'), nl = _mm_set1_epi8('\n');
	const __m128i bs = _mm_set1_epi8('\\'), lower = _mm_set1_epi8(0x20);
	const __m128i open = _mm_set1_epi8('{'), close = _mm_set1_epi8('}');
	__m128i v, m;
	int bits;

	for (; end - p >= 16; p += 16) {
		v = _mm_loadu_si128((const void *)(buf + p));
		m = _mm_or_si128(_mm_cmpeq_epi8(v, quote),
		    _mm_cmpeq_epi8(v, nl));
		if (in_string)
			m = _mm_or_si128(m, _mm_cmpeq_epi8(v, bs));
		else {
			/* '[' and ']' are '{' and '}' without 0x20 */
			v = _mm_or_si128(v, lower);
			m = _mm_or_si128(m, _mm_or_si128(
			    _mm_cmpeq_epi8(v, open), _mm_cmpeq_epi8(v, close)));
		}
		if ((bits = _mm_movemask_epi8(m)) != 0)
			return p + (size_t)__builtin_ctz((unsigned)bits);
	}
#endif
	if (in_string)
		while (p < end && buf[p] != '"' && buf[p] != '\\' &&
		    buf[p] != '\n')
			p++;
	else
		while (p < end && !value_stops[(unsigned char)buf[p]])
			p++;
	return p;
}

#if defined(__SSE2__) && defined(__GNUC__)
/* Four 16-byte comparisons as the 64 bits of one mask. */
static uint64_t
mask64(__m128i a, __m128i b, __m128i c, __m128i d)
{
	return (uint64_t)(unsigned)_mm_movemask_epi8(a) |
	    (uint64_t)(unsigned)_mm_movemask_epi8(b) << 16 |
	    (uint64_t)(unsigned)_mm_movemask_epi8(c) << 32 |
	    (uint64_t)(unsigned)_mm_movemask_epi8(d) << 48;
}

/*
 * The 64 bytes at s as bit masks: quotes; backslashes and newlines; and
 * brackets ('[' and ']' are '{' and '}' without 0x20).
 */
static void
block_masks(const char *s, uint64_t *quote, uint64_t *stop,
    uint64_t *bracket)
{
	const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
	const __m128i nl = _mm_set1_epi8('\n'), lower = _mm_set1_epi8(0x20);
	const __m128i open = _mm_set1_epi8('{'), close = _mm_set1_epi8('}');
	__m128i v0, v1, v2, v3, w0, w1, w2, w3;

	v0 = _mm_loadu_si128((const void *)s);
	v1 = _mm_loadu_si128((const void *)(s + 16));
	v2 = _mm_loadu_si128((const void *)(s + 32));
	v3 = _mm_loadu_si128((const void *)(s + 48));
	*quote = mask64(_mm_cmpeq_epi8(v0, q), _mm_cmpeq_epi8(v1, q),
	    _mm_cmpeq_epi8(v2, q), _mm_cmpeq_epi8(v3, q));
	w0 = _mm_or_si128(_mm_cmpeq_epi8(v0, bs), _mm_cmpeq_epi8(v0, nl));
	w1 = _mm_or_si128(_mm_cmpeq_epi8(v1, bs), _mm_cmpeq_epi8(v1, nl));
	w2 = _mm_or_si128(_mm_cmpeq_epi8(v2, bs), _mm_cmpeq_epi8(v2, nl));
	w3 = _mm_or_si128(_mm_cmpeq_epi8(v3, bs), _mm_cmpeq_epi8(v3, nl));
	/* most blocks have none */
	if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(w0, w1),
	    _mm_or_si128(w2, w3))) == 0)
		*stop = 0;
	else
		*stop = mask64(w0, w1, w2, w3);
	v0 = _mm_or_si128(v0, lower);
	v1 = _mm_or_si128(v1, lower);
	v2 = _mm_or_si128(v2, lower);
	v3 = _mm_or_si128(v3, lower);
	*bracket = mask64(
	    _mm_or_si128(_mm_cmpeq_epi8(v0, open), _mm_cmpeq_epi8(v0, close)),
	    _mm_or_si128(_mm_cmpeq_epi8(v1, open), _mm_cmpeq_epi8(v1, close)),
	    _mm_or_si128(_mm_cmpeq_epi8(v2, open), _mm_cmpeq_epi8(v2, close)),
	    _mm_or_si128(_mm_cmpeq_epi8(v3, open), _mm_cmpeq_epi8(v3, close)));
}

#ifdef FRAME_AVX2
/* block_masks, 32 bytes at a time. */
__attribute__((target("avx2"))) static void
block_masks_avx2(const char *s, uint64_t *quote, uint64_t *stop,
    uint64_t *bracket)
{
	const __m256i q = _mm256_set1_epi8('"'), bs = _mm256_set1_epi8('\\');
	const __m256i nl = _mm256_set1_epi8('\n');
	const __m256i lower = _mm256_set1_epi8(0x20);
	const __m256i open = _mm256_set1_epi8('{');
	const __m256i close = _mm256_set1_epi8('}');
	__m256i v0, v1;

	v0 = _mm256_loadu_si256((const void *)s);
	v1 = _mm256_loadu_si256((const void *)(s + 32));
	*quote = (uint64_t)(uint32_t)_mm256_movemask_epi8(
	    _mm256_cmpeq_epi8(v0, q)) | (uint64_t)(uint32_t)
	    _mm256_movemask_epi8(_mm256_cmpeq_epi8(v1, q)) << 32;
	*stop = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_or_si256(
	    _mm256_cmpeq_epi8(v0, bs), _mm256_cmpeq_epi8(v0, nl))) |
	    (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_or_si256(
	    _mm256_cmpeq_epi8(v1, bs), _mm256_cmpeq_epi8(v1, nl))) << 32;
	v0 = _mm256_or_si256(v0, lower);
	v1 = _mm256_or_si256(v1, lower);
	*bracket = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_or_si256(
	    _mm256_cmpeq_epi8(v0, open), _mm256_cmpeq_epi8(v0, close))) |
	    (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_or_si256(
	    _mm256_cmpeq_epi8(v1, open), _mm256_cmpeq_epi8(v1, close))) << 32;
}
#endif

/* block_masks or, where the CPU has AVX2, block_masks_avx2 */
static void	(*masks)(const char *, uint64_t *, uint64_t *, uint64_t *) =
		    block_masks;

#ifdef FRAME_AVX2
static void
choose_masks(void)
{
	if (__builtin_cpu_supports("avx2"))
		masks = block_masks_avx2;
}
#endif

/* Bit i of the result: whether an odd number of bits 0..i of x are set. */
static uint64_t
prefix_xor(uint64_t x)
{
	x ^= x << 1;
	x ^= x << 2;
	x ^= x << 4;
	x ^= x << 8;
	x ^= x << 16;
	x ^= x << 32;
	return x;
}

/*
 * Inside a value, 64 bytes at a time: which bytes are in strings follows
 * from the quotes alone while there is no backslash, so only the brackets
 * outside strings are looked at one by one.  A block stops at a backslash
 * or a newline (skip_plain and scan take those), and at a bracket that
 * ends the value, does not match or nests too deep.  Returns where it
 * stopped.
 */
static size_t
skip_blocks(struct framer *f, size_t p)
{
	uint64_t quote, stop, bracket, valid, bits, inside;
	unsigned lim, i;
	int in_string;
	char c;

	if (f->line_start && f->text[p] == '{')
		return p;
	while ((f->mode == M_VALUE || f->mode == M_STRING) &&
	    f->len - p >= 64) {
		in_string = f->mode == M_STRING;
		masks(f->text + p, &quote, &stop, &bracket);
		lim = stop ? (unsigned)__builtin_ctzll(stop) : 64;
		valid = lim == 64 ? ~(uint64_t)0 : ((uint64_t)1 << lim) - 1;
		/* bit i: an odd number of quotes up to byte i */
		inside = prefix_xor(quote);
		bits = bracket & (in_string ? inside : ~inside) & valid;
		for (; bits; bits &= bits - 1) {
			i = (unsigned)__builtin_ctzll(bits);
			c = f->text[p + i];
			if (c == '{' || c == '[') {
				if (f->depth >= MAX_DEPTH) {
					f->mode = M_VALUE;
					return p + i;
				}
				if (c == '[')
					f->stack[f->depth / 8] |=
					    1u << (f->depth % 8);
				else
					f->stack[f->depth / 8] &=
					    ~(1u << (f->depth % 8));
				f->depth++;
			} else if (f->depth <= 1 || ((f->stack[(f->depth - 1) /
			    8] >> ((f->depth - 1) % 8)) & 1) != (c == ']')) {
				/* scan ends the value, or finds the mismatch */
				f->mode = M_VALUE;
				return p + i;
			} else
				f->depth--;
		}
		if (lim > 0 && (inside >> (lim - 1) & 1))
			f->mode = in_string ? M_VALUE : M_STRING;
		p += lim;
		if (lim < 64)
			break;
	}
	return p;
}
#endif

/*
 * Inside a value, go over strings and the nesting of brackets here, which
 * is most of the input, and stop at what scan must see: a backslash, a
 * newline, the bracket that ends the value, a bracket that does not match
 * or nests too deep, a '{' that begins a line.
 */
static void
skip_plain(struct framer *f)
{
	size_t p = f->pos, was = f->pos;
	char c;

#if defined(__SSE2__) && defined(__GNUC__)
	p = skip_blocks(f, p);
#endif
	while (p < f->len) {
		if (f->mode == M_STRING) {
			if ((p = next_stop(f->text, p, f->len, 1)) == f->len ||
			    f->text[p] != '"')
				break;
			f->mode = M_VALUE;
			p++;
			continue;
		}
		if (f->mode != M_VALUE ||
		    (p = next_stop(f->text, p, f->len, 0)) == f->len)
			break;
		c = f->text[p];
		if (c == '"')
			f->mode = M_STRING;
		else if (c == '{' || c == '[') {
			if ((p == was && f->line_start) || f->depth >= MAX_DEPTH)
				break;
			(void)push(f, c);
		} else if (c == '}' || c == ']') {
			/* scan ends the value, or finds the mismatch */
			if (f->depth <= 1 || ((f->stack[(f->depth - 1) / 8] >>
			    ((f->depth - 1) % 8)) & 1) != (c == ']'))
				break;
			f->depth--;
		} else
			break;
		p++;
	}
	if (p > was) {
		f->prev = f->text[p - 1];
		f->line_start = 0;
		f->pos = p;
	}
}

static void
scan(struct framer *f, value_fn fn, void *ctx)
{
	while (f->pos < f->len) {
		char c;

		if (f->until_between && f->mode == M_BETWEEN)
			return;
		skip_plain(f);
		if (f->pos == f->len)
			break;
		c = f->text[f->pos];

		switch (f->mode) {
		case M_BETWEEN:
			if (c == '{' || (c == '[' && f->in_array)) {
				begin_value(f, M_VALUE);
				(void)push(f, c);
			} else if (c == '[') {
				f->in_array = 1;
			} else if (c == ']' && f->in_array) {
				f->in_array = 0;
			} else if (c == ',' && f->in_array) {
				;
			} else if (c == '"') {
				begin_value(f, M_TOPSTRING);
			} else if (c == ',' || c == ':' || c == '}' ||
			    c == ']') {
				/* the rest of a broken value: skip it whole */
				begin_value(f, M_RESYNC);
				f->reason = "unexpected text between records";
				f->error_line = f->start_line;
				f->error_column = f->start_column;
			} else if (c == '-' || isdigit((unsigned char)c) ||
			    c == 't' || c == 'f' || c == 'n') {
				begin_value(f, M_SCALAR);
			} else if (c != ' ' && c != '\t' && c != '\n' &&
			    c != '\r') {
				begin_value(f, M_JUNK);
				continue;	/* rescan c in the junk */
			}
			break;
		case M_VALUE:
			if (c == '"') {
				f->mode = M_STRING;
			} else if (c == '{' || c == '[') {
				if (f->line_start && c == '{') {
					/* a new record begins; this one is cut */
					f->reason = "record not closed before "
					    "the next line starting with '{'";
					emit(f, f->pos, fn, ctx);
					begin_value(f, M_VALUE);
					(void)push(f, c);
				} else if (push(f, c) == -1) {
					broken(f, "nesting deeper than 1024 "
					    "levels");
				}
			} else if (c == '}' || c == ']') {
				if (pop(f, c) == -1)
					broken(f, "mismatched bracket");
				else if (f->depth == 0) {
					f->mode = M_BETWEEN;
					f->pos++;
					emit(f, f->pos, fn, ctx);
					f->prev = c;
					f->line_start = 0;
					continue;
				}
			}
			break;
		case M_STRING:
			if (c == '\\')
				f->mode = M_ESCAPE;
			else if (c == '"')
				f->mode = M_VALUE;
			else if (c == '\n')
				broken(f, "line ends inside a string");
			break;
		case M_ESCAPE:
			f->mode = M_STRING;
			break;
		case M_TOPSTRING:
			if (c == '\\')
				f->mode = M_TOPESCAPE;
			else if (c == '"' || c == '\n') {
				f->mode = M_BETWEEN;
				f->pos++;
				emit(f, f->pos, fn, ctx);
				f->prev = c;
				f->line_start = c == '\n';
				if (c == '\n')
					new_line(f);
				continue;
			}
			break;
		case M_TOPESCAPE:
			f->mode = M_TOPSTRING;
			break;
		case M_SCALAR:
			if (scalar_end(c)) {
				if (!json_scalar(f->text + f->start,
				    f->pos - f->start)) {
					/* a word, not a value: junk */
					f->mode = M_JUNK;
					continue;
				}
				emit(f, f->pos, fn, ctx);
				f->mode = M_BETWEEN;
				continue;	/* rescan c between values */
			}
			break;
		case M_JUNK:
			if (c == '{') {
				emit_junk(f, f->pos, fn, ctx);
				continue;
			}
			if (c == '\n') {
				f->mode = M_JUNK_LINE;
				f->junk_end = f->pos + 1;
			}
			break;
		case M_JUNK_LINE:
			if (c == '\n')
				f->junk_end = f->pos + 1;
			else if (c == '{' || c == '[' || c == '"') {
				/* whole lines of junk; the value begins here */
				emit_junk(f, f->junk_end, fn, ctx);
				continue;
			} else if (c == '-' || isdigit((unsigned char)c) ||
			    c == 't' || c == 'f' || c == 'n') {
				/* a value, or more junk ("- note", "2024-") */
				f->token_start = f->pos;
				f->mode = M_JUNK_TOKEN;
			} else if (c != ' ' && c != '\t' && c != '\r') {
				f->mode = M_JUNK;
				continue;
			}
			break;
		case M_JUNK_TOKEN:
			if (scalar_end(c)) {
				if (json_scalar(f->text + f->token_start,
				    f->pos - f->token_start))
					junk_then_scalar(f, f->pos, fn, ctx);
				else
					f->mode = M_JUNK;
				continue;	/* rescan c */
			}
			break;
		case M_RESYNC:
			if (resync_point(f, c)) {
				emit(f, f->pos, fn, ctx);
				f->mode = M_BETWEEN;
				f->in_array = 0;
				continue;
			}
			break;
		}
		f->prev = c;
		f->line_start = c == '\n';
		if (c == '\n')
			new_line(f);
		f->pos++;
	}
}

/* Make room in buf for n bytes in all. */
static int
grow(struct framer *f, size_t n)
{
	size_t want;
	char *p;

	/* and have one, so that text is never a null pointer */
	if (n <= f->cap && f->buf != NULL)
		return 0;
	want = f->cap ? f->cap : 65536;
	while (want < n)
		want *= 2;
	if ((p = realloc(f->buf, want)) == NULL)
		return -1;
	f->buf = p;
	f->cap = want;
	return 0;
}

/*
 * Drop what was already handed on, and keep the rest (the value in hand)
 * at the start of buf, which must have room for it.
 */
static void
drop(struct framer *f)
{
	size_t keep;

	if (f->mode == M_BETWEEN)
		f->start = f->pos;
	if (f->start == 0 && f->text == f->buf)
		return;
	/* count what a column may need before it goes */
	if (f->line_begin < f->base + f->start && f->mark < f->base + f->start)
		(void)column_at(f, f->start);
	f->base += f->start;
	if (f->mode == M_JUNK_LINE || f->mode == M_JUNK_TOKEN)
		f->junk_end -= f->start;
	if (f->mode == M_JUNK_TOKEN)
		f->token_start -= f->start;
	keep = f->len - f->start;
	if (keep > 0)
		memmove(f->buf, f->text + f->start, keep);
	f->text = f->buf;
	f->len = keep;
	f->pos -= f->start;
	f->start = 0;
}

/* After a scan: a value in hand longer than the limit is dropped. */
static void
check_size(struct framer *f)
{
	if (f->mode != M_BETWEEN && f->len - f->start > f->max_value) {
		/* keep the line count, drop the bytes, skip to the end */
		f->oversized = 1;
		broken(f, frame_too_long);
		f->start = f->pos = f->len;
	}
}

/* Scan n bytes where they are; nothing is kept from before. */
static int
feed_in_place(struct framer *f, const char *data, size_t n, value_fn fn,
    void *ctx)
{
	drop(f);
	f->text = data;
	f->len = n;
	scan(f, fn, ctx);
	check_size(f);
	/* keep what is not handed on yet */
	if (grow(f, f->len - (f->mode == M_BETWEEN ? f->pos : f->start)) == -1)
		return -1;
	drop(f);
	return 0;
}

/*
 * Feed n bytes; complete values (and broken fragments) go to fn.
 * Returns -1 when memory ran out.
 *
 * Most bytes are scanned where they are.  Only a value that a feed
 * began and the next one ends is put together in buf, a piece of the
 * next one at a time, until it ends: the rest is scanned in place.
 */
int
frame_feed(struct framer *f, const char *data, size_t n, value_fn fn,
    void *ctx)
{
	size_t off = 0, piece;

	if (n == 0)
		return 0;
	if (f->mode == M_BETWEEN && f->pos == f->len)
		return feed_in_place(f, data, n, fn, ctx);
	while (off < n) {
		piece = n - off < FEED_PIECE ? n - off : FEED_PIECE;
		drop(f);
		if (grow(f, f->len + piece) == -1)
			return -1;
		f->text = f->buf;
		memcpy(f->buf + f->len, data + off, piece);
		f->len += piece;
		off += piece;
		f->until_between = 1;
		scan(f, fn, ctx);
		f->until_between = 0;
		if (f->mode == M_BETWEEN && f->pos < f->len) {
			/* the value ended: forget the bytes after it here */
			off -= f->len - f->pos;
			f->len = f->pos;
			return feed_in_place(f, data + off, n - off, fn, ctx);
		}
	}
	check_size(f);
	return 0;
}

/* The input ended: whatever value is in hand is truncated. */
void
frame_end(struct framer *f, value_fn fn, void *ctx)
{
	switch (f->mode) {
	case M_BETWEEN:
		break;
	case M_SCALAR:
		if (json_scalar(f->text + f->start, f->len - f->start))
			emit(f, f->len, fn, ctx);
		else
			emit_junk(f, f->len, fn, ctx);
		break;
	case M_JUNK_TOKEN:
		if (json_scalar(f->text + f->token_start,
		    f->len - f->token_start)) {
			junk_then_scalar(f, f->len, fn, ctx);
			break;
		}
		/* FALLTHROUGH */
	case M_JUNK:
	case M_JUNK_LINE:
		emit_junk(f, f->len, fn, ctx);
		break;
	case M_RESYNC:
		emit(f, f->len, fn, ctx);
		break;
	default:
		f->reason = "truncated: input ends inside the record";
		emit(f, f->len, fn, ctx);
		break;
	}
	f->mode = M_BETWEEN;
	f->len = f->pos = f->start = 0;
}
