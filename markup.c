/*
 * markup.c: what the pictures (svg.c, html.c) share: the colour of each
 * activity, status or channel name, the same in every picture, and text
 * escaped for XML and HTML.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "agentev.h"

/* The fixed colours of the names Connect and agentev use. */
static const struct known {
	const char	*name;
	const char	*rgb;
} known[] = {
	{ "Available", "#2ca02c" },
	{ "Incoming", "#f0c419" },
	{ "On contact", "#1f77b4" },
	{ "After contact work", "#ff7f0e" },
	{ "Missed", "#e377c2" },
	{ "Rejected", "#8c564b" },
	{ "Error", "#d62728" },
	{ "Offline", "#7f7f7f" },
	{ "Unknown", "#c7c7c7" },
	{ "Logged out", "#dcdcdc" },	/* the wallboard's */
	/* the channels, which colour the acw table */
	{ "VOICE", "#1f77b4" },
	{ "CHAT", "#2ca02c" },
	{ "TASK", "#9467bd" },
	{ "EMAIL", "#bcbd22" },
};
#define NKNOWN	(sizeof(known) / sizeof(known[0]))

/*
 * Write s as XML character data, which is also HTML text or the value of
 * a quoted attribute: the five special characters as entities, CR as a
 * reference (a parser reads a raw one as LF), and what XML 1.0 does not
 * allow (control characters other than tab, newline and carriage return;
 * U+FFFE and U+FFFF) as U+FFFD.  The input is valid UTF-8 without NUL.
 * At most max characters are written (0: all), then an ellipsis.  In an
 * attribute value, tab and newline are references too, which XML would
 * otherwise read as spaces.
 */
static void
escape(FILE *fp, const char *s, size_t max, int attribute)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t chars = 0;

	for (; *p; p++) {
		if ((*p & 0xC0) != 0x80 && max > 0 && chars++ == max) {
			fputs("\xE2\x80\xA6", fp);
			return;
		}
		switch (*p) {
		case '&': fputs("&amp;", fp); continue;
		case '<': fputs("&lt;", fp); continue;
		case '>': fputs("&gt;", fp); continue;
		case '"': fputs("&quot;", fp); continue;
		case '\'': fputs("&apos;", fp); continue;
		case '\r': fputs("&#13;", fp); continue;	/* not LF */
		case '\n':
			if (attribute) {	/* else read as a space */
				fputs("&#10;", fp);
				continue;
			}
			break;
		case '\t':
			if (attribute) {
				fputs("&#9;", fp);
				continue;
			}
			break;
		}
		if ((*p < 0x20 && *p != '\t' && *p != '\n') ||
		    (p[0] == 0xEF && p[1] == 0xBF &&
		    (p[2] == 0xBE || p[2] == 0xBF))) {
			fputs("\xEF\xBF\xBD", fp);
			if (*p >= 0x20)
				p += 2;
			continue;
		}
		putc(*p, fp);
	}
}

void
markup_text(FILE *fp, const char *s, size_t max)
{
	escape(fp, s, max, 0);
}

/* s as the value of an attribute in double quotes. */
void
markup_attr(FILE *fp, const char *s)
{
	escape(fp, s, 0, 1);
}

/*
 * The colour of a name: fixed for the known ones, else a hue from the
 * name's hash (saturation 60%, lightness 50% to 65%), written as #rrggbb.
 */
void
name_colour(const char *name, char rgb[8])
{
	uint64_t h64;
	uint32_t h;
	double hue, s = 0.6, l, c, x, m, r, gr, b;
	size_t i;

	for (i = 0; i < NKNOWN; i++)
		if (strcasecmp(name, known[i].name) == 0) {
			memcpy(rgb, known[i].rgb, 8);
			return;
		}
	h64 = hash(name);
	h = (uint32_t)(h64 ^ h64 >> 32);
	/* FNV's low bits hardly depend on the last bytes: mix them first */
	h ^= h >> 16;
	h *= 0x85ebca6bU;
	h ^= h >> 13;
	h *= 0xc2b2ae35U;
	h ^= h >> 16;
	hue = (double)(h % 360);
	l = 0.50 + (double)(h / 360 % 4) * 0.05;
	c = (1 - (2 * l - 1 < 0 ? 1 - 2 * l : 2 * l - 1)) * s;
	x = c * (1 - ((int)(hue / 60) % 2 == 0 ?
	    1 - (hue / 60 - (int)(hue / 60)) : hue / 60 - (int)(hue / 60)));
	m = l - c / 2;
	switch ((int)(hue / 60)) {
	case 0: r = c; gr = x; b = 0; break;
	case 1: r = x; gr = c; b = 0; break;
	case 2: r = 0; gr = c; b = x; break;
	case 3: r = 0; gr = x; b = c; break;
	case 4: r = x; gr = 0; b = c; break;
	default: r = c; gr = 0; b = x; break;
	}
	snprintf(rgb, 8, "#%02x%02x%02x", (int)((r + m) * 255 + 0.5),
	    (int)((gr + m) * 255 + 0.5), (int)((b + m) * 255 + 0.5));
}

/*
 * Where a name comes in a legend: the known names in their order, then
 * all the others at one rank after them, to be put in order by name.
 */
int
name_rank(const char *name)
{
	size_t i;

	for (i = 0; i < NKNOWN; i++)
		if (strcasecmp(name, known[i].name) == 0)
			return (int)i;
	return (int)NKNOWN;
}
