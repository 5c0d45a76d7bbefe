/*
 * unit.c: unit tests for the pieces of agentev that golden cases reach
 * only indirectly: timestamp parsing, time formatting and field quoting,
 * and the as-of time (-t) of the contacts and sessions tables.
 * Prints TAP-like lines and exits 1 when any check fails.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <stdlib.h>
#include <string.h>

#include "../agentev.h"

static int ntests;
static int nfailed;

/* agentev.c is not linked in; the library code needs this one symbol. */
void
fatal_oom(void)
{
	fputs("unit: out of memory\n", stderr);
	exit(1);
}

static void
result(int good, const char *what)
{
	ntests++;
	if (!good)
		nfailed++;
	printf("%sok %d - %s\n", good ? "" : "not ", ntests, what);
}

/* Print a byte string with C escapes, for failure diagnostics. */
static void
show(const char *label, const char *s, size_t n)
{
	size_t i;

	printf("#   %s: \"", label);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\' || c == '"')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	printf("\" (%zu bytes)\n", n);
}

/* parse_time on a NUL-terminated string must return rc and, if 0, ms. */
static void
time_is(const char *s, int rc, int64_t ms)
{
	char what[160];
	int64_t got = INT64_MIN;
	int grc = parse_time(s, strlen(s), &got);

	if (rc == 0)
		snprintf(what, sizeof(what), "parse_time(\"%s\") == %lld", s,
		    (long long)ms);
	else
		snprintf(what, sizeof(what), "parse_time(\"%s\") returns %d",
		    s, rc);
	result(grc == rc && (rc != 0 || got == ms), what);
	if (grc != rc || (rc == 0 && got != ms))
		printf("#   got rc %d, ms %lld\n", grc, (long long)got);
}

/* parse_time must honour the explicit length, not the NUL. */
static void
time_n_is(const char *s, size_t n, int rc, int64_t ms)
{
	char what[160];
	int64_t got = INT64_MIN;
	int grc = parse_time(s, n, &got);

	snprintf(what, sizeof(what), "parse_time(\"%s\", %zu) returns %d%s",
	    s, n, rc, rc == 0 ? " with the right value" : "");
	result(grc == rc && (rc != 0 || got == ms), what);
	if (grc != rc || (rc == 0 && got != ms))
		printf("#   got rc %d, ms %lld\n", grc, (long long)got);
}

static void
test_parse_time(void)
{
	/* 2018-10-25T18:55:27Z, the seed's ACW start without its fraction */
	const int64_t base = 1540493727000LL;

	/* 0 to 9 fractional digits; below the millisecond is dropped */
	time_is("2018-10-25T18:55:27Z", 0, base);
	time_is("2018-10-25T18:55:27.0Z", 0, base);
	time_is("2018-10-25T18:55:27.1Z", 0, base + 100);
	time_is("2018-10-25T18:55:27.12Z", 0, base + 120);
	time_is("2018-10-25T18:55:27.027Z", 0, base + 27);
	time_is("2018-10-25T18:55:27.0279Z", 0, base + 27);
	time_is("2018-10-25T18:55:27.02799Z", 0, base + 27);
	time_is("2018-10-25T18:55:27.027999Z", 0, base + 27);
	time_is("2018-10-25T18:55:27.1234567Z", 0, base + 123);
	time_is("2018-10-25T18:55:27.12345678Z", 0, base + 123);
	time_is("2018-10-25T18:55:27.999999999Z", 0, base + 999);
	time_is("2018-10-25T18:55:27.0123456789Z", -1, 0);
	time_is("2018-10-25T18:55:27.Z", -1, 0);
	time_is("2018-10-25T18:55:27.", -1, 0);
	time_is("2018-10-25T18:55:27.123", -1, 0);
	time_is("2018-10-25T18:55:32.032Z", 0, 1540493732032LL);

	/* offsets */
	time_is("2018-10-25T18:55:27.027+00:00", 0, base + 27);
	time_is("2018-10-25T18:55:27.027-00:00", 0, base + 27);
	time_is("2018-10-25T14:55:27.027-04:00", 0, base + 27);
	time_is("2018-10-26T00:25:27.027+05:30", 0, base + 27);
	time_is("2018-10-25T14:55:27-04:00", 0, base);
	time_is("2018-10-26T18:54:27.027+23:59", 0, base + 27);
	time_is("2018-10-25T18:55:27.027+24:00", -2, 0);
	time_is("2018-10-25T18:55:27.027+04:60", -2, 0);
	time_is("2018-10-25T18:55:27.027+0400", -1, 0);
	time_is("2018-10-25T18:55:27.027+04", -1, 0);
	time_is("2018-10-25T18:55:27.027+04:0", -1, 0);
	time_is("2018-10-25T18:55:27.027 04:00", -1, 0);

	/* the epoch, before it, and the calendar */
	time_is("1970-01-01T00:00:00Z", 0, 0);
	time_is("1970-01-01T00:00:00.001Z", 0, 1);
	time_is("1969-12-31T23:59:59.999Z", 0, -1);
	time_is("1969-12-31T00:00:00Z", 0, -86400000LL);
	time_is("2024-02-29T12:00:00Z", 0, 1709208000000LL);
	time_is("2024-03-01T00:00:00Z", 0, 1709251200000LL);
	time_is("2000-02-29T00:00:00Z", 0, 951782400000LL);
	time_is("9999-12-31T23:59:59.999Z", 0, 253402300799999LL);
	time_is("2023-02-29T12:00:00Z", -2, 0);
	time_is("1900-02-29T12:00:00Z", -2, 0);
	time_is("2024-02-30T12:00:00Z", -2, 0);
	time_is("2024-04-31T12:00:00Z", -2, 0);
	time_is("2024-00-10T12:00:00Z", -2, 0);
	time_is("2024-13-10T12:00:00Z", -2, 0);
	time_is("2024-01-00T12:00:00Z", -2, 0);
	time_is("2024-01-32T12:00:00Z", -2, 0);
	time_is("2024-01-10T24:00:00Z", -2, 0);
	time_is("2024-01-10T25:00:00Z", -2, 0);
	time_is("2024-01-10T12:60:00Z", -2, 0);
	time_is("2024-01-10T12:00:60Z", -2, 0);
	time_is("2024-01-10T23:59:59.999Z", 0, 1704931199999LL);

	/* shapes that are not this ISO 8601 profile */
	time_is("", -1, 0);
	time_is("Z", -1, 0);
	time_is("2018-10-25", -1, 0);
	time_is("2018-10-25T18:55", -1, 0);
	time_is("2018-10-25T18:55Z", -1, 0);
	time_is("2018-10-25T18:55:27", -1, 0);
	time_is("2018-10-25 18:55:27Z", -1, 0);
	time_is("2018/10/25T18:55:27Z", -1, 0);
	time_is("2018-10-25T18.55.27Z", -1, 0);
	time_is("2018-1-25T18:55:27.0Z", -1, 0);
	time_is("2018-10-2aT18:55:27Z", -1, 0);
	time_is("+2018-10-25T18:55:27Z", -1, 0);
	time_is("20181025T185527Z", -1, 0);
	time_is("2018-10-25T18:55:27ZZ", -1, 0);
	time_is("2018-10-25T18:55:27Z ", -1, 0);
	time_is(" 2018-10-25T18:55:27Z", -1, 0);
	time_is("2018-10-25T18:55:27.02 7Z", -1, 0);
	time_is("2018-10-25T18:55:27,027Z", -1, 0);
	time_is("2018-10-25T18:55:-7Z", -1, 0);
	time_is("1540493727027", -1, 0);

	/* the length is explicit: bytes past it are not looked at */
	time_n_is("2018-10-25T18:55:27.027Zjunk", 24, 0, base + 27);
	time_n_is("2018-10-25T18:55:27.027Z", 23, -1, 0);
	time_n_is("2018-10-25T18:55:27Z", 19, -1, 0);
	time_n_is("2018-10-25T18:55:27.123456789Z", 29, -1, 0);
}

static void
format_is(int64_t ms, const char *want)
{
	char buf[64], what[160];
	size_t n;

	memset(buf, 'x', sizeof(buf));
	n = out_format_time(buf, sizeof(buf), ms);
	snprintf(what, sizeof(what), "out_format_time(%lld) == \"%s\"",
	    (long long)ms, want);
	result(n == strlen(want) && strcmp(buf, want) == 0, what);
	if (n != strlen(want) || strcmp(buf, want) != 0)
		show("got", buf, strnlen(buf, sizeof(buf)));
}

/* Round trip: what out_format_time writes, parse_time reads back. */
static void
round_trip(int64_t ms)
{
	char buf[64], what[80];
	int64_t back = INT64_MIN;
	size_t n = out_format_time(buf, sizeof(buf), ms);

	snprintf(what, sizeof(what), "parse_time(out_format_time(%lld)) "
	    "round trip", (long long)ms);
	result(parse_time(buf, n, &back) == 0 && back == ms, what);
}

static void
test_format_time(void)
{
	format_is(1540493727027LL, "2018-10-25T18:55:27.027Z");
	format_is(1540493732032LL, "2018-10-25T18:55:32.032Z");
	format_is(0, "1970-01-01T00:00:00.000Z");
	format_is(1, "1970-01-01T00:00:00.001Z");
	format_is(999, "1970-01-01T00:00:00.999Z");
	format_is(-1, "1969-12-31T23:59:59.999Z");
	format_is(-1000, "1969-12-31T23:59:59.000Z");
	format_is(-1001, "1969-12-31T23:59:58.999Z");
	format_is(-86400000LL, "1969-12-31T00:00:00.000Z");
	format_is(-86400001LL, "1969-12-30T23:59:59.999Z");
	format_is(-2208988800000LL, "1900-01-01T00:00:00.000Z");
	format_is(951782400000LL, "2000-02-29T00:00:00.000Z");
	format_is(1709208000000LL, "2024-02-29T12:00:00.000Z");
	format_is(1709251199999LL, "2024-02-29T23:59:59.999Z");
	format_is(253402300799999LL, "9999-12-31T23:59:59.999Z");
	round_trip(0);
	round_trip(-1);
	round_trip(1540493727027LL);
	round_trip(1709251199999LL);
	round_trip(253402300799999LL);

	/* a short buffer truncates like snprintf and says how much it needed */
	{
		char small[11];
		size_t n = out_format_time(small, sizeof(small), 0);

		result(n == 24 && strcmp(small, "1970-01-01") == 0,
		    "out_format_time into a short buffer truncates safely");
	}
}

/* Time zones last: out_set_zone changes all later formatting. */
static void
test_zone(void)
{
	result(out_set_zone("No/Such_Zone") == -1,
	    "out_set_zone rejects an unknown zone");
	result(out_set_zone("") == -1, "out_set_zone rejects \"\"");
	result(out_set_zone("../../etc/passwd") == -1,
	    "out_set_zone rejects a path outside the zone directory");
	format_is(1540493727027LL, "2018-10-25T18:55:27.027Z");
	if (out_set_zone("America/New_York") != 0) {
		result(0, "out_set_zone(\"America/New_York\")");
		return;
	}
	result(1, "out_set_zone(\"America/New_York\")");
	format_is(1540493727027LL, "2018-10-25T14:55:27.027-04:00");
	format_is(1704067200000LL, "2023-12-31T19:00:00.000-05:00");
	format_is(-1, "1969-12-31T18:59:59.999-05:00");
	round_trip(1540493727027LL);
	round_trip(1704067200000LL);
	if (out_set_zone("Asia/Kolkata") == 0) {
		format_is(1540493727027LL, "2018-10-26T00:25:27.027+05:30");
		round_trip(1540493727027LL);
	} else
		result(0, "out_set_zone(\"Asia/Kolkata\")");
}

/* Compare the bytes written with want (wantlen bytes, NUL allowed). */
static void
bytes_are(const char *what, char *got, size_t gotlen, const char *want,
    size_t wantlen)
{
	int good = gotlen == wantlen && memcmp(got, want, wantlen) == 0;

	result(good, what);
	if (!good) {
		show("want", want, wantlen);
		show("got", got, gotlen);
	}
}

static void
field_is(enum out_format format, const char *in, size_t inlen,
    const char *want, size_t wantlen, const char *what)
{
	static const char *const names[] = { "csv", "tsv", "json" };
	char *buf = NULL, label[200];
	size_t len = 0;
	FILE *fp;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		fatal_oom();
	out_field(fp, format, in, inlen);
	if (fclose(fp) != 0)
		fatal_oom();
	snprintf(label, sizeof(label), "out_field %s: %s", names[format],
	    what);
	bytes_are(label, buf, len, want, wantlen);
	free(buf);
}

#define FIELD(fmt, in, want, what) \
	field_is((fmt), (in), sizeof(in) - 1, (want), sizeof(want) - 1, (what))

static void
test_field(void)
{
	/* CSV: RFC 4180, quoted only when needed */
	FIELD(OUT_CSV, "", "", "empty string is empty");
	FIELD(OUT_CSV, "plain", "plain", "plain text unquoted");
	FIELD(OUT_CSV, "a b", "a b", "spaces unquoted");
	FIELD(OUT_CSV, " lead", " lead", "leading space kept, unquoted");
	FIELD(OUT_CSV, "a,b", "\"a,b\"", "comma quoted");
	FIELD(OUT_CSV, "say \"hi\"", "\"say \"\"hi\"\"\"",
	    "quotes doubled and quoted");
	FIELD(OUT_CSV, "\"", "\"\"\"\"", "a lone quote");
	FIELD(OUT_CSV, "a\nb", "\"a\nb\"", "LF quoted, kept raw");
	FIELD(OUT_CSV, "a\rb", "\"a\rb\"", "CR quoted, kept raw");
	FIELD(OUT_CSV, "a\r\nb", "\"a\r\nb\"", "CRLF quoted, kept raw");
	FIELD(OUT_CSV, "a\tb", "a\tb", "tab unquoted");
	FIELD(OUT_CSV, "C:\\dir\\", "C:\\dir\\", "backslashes as is");
	FIELD(OUT_CSV, "Zo\xc3\xab \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x98\x80",
	    "Zo\xc3\xab \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x98\x80",
	    "UTF-8 as is");
	FIELD(OUT_CSV, "a\x01\x1f\x7f" "b", "a\x01\x1f\x7f" "b",
	    "control bytes as is");
	FIELD(OUT_CSV, "a\0b", "a\0b", "NUL byte within the length");
	FIELD(OUT_CSV, "x,\"y\"\n", "\"x,\"\"y\"\"\n\"", "all at once");

	/* TSV: tab, LF, CR and backslash escaped; nothing quoted */
	FIELD(OUT_TSV, "", "", "empty string is empty");
	FIELD(OUT_TSV, "plain", "plain", "plain text");
	FIELD(OUT_TSV, "a,b", "a,b", "comma as is");
	FIELD(OUT_TSV, "say \"hi\"", "say \"hi\"", "quotes as is");
	FIELD(OUT_TSV, "a\tb", "a\\tb", "tab escaped");
	FIELD(OUT_TSV, "a\nb", "a\\nb", "LF escaped");
	FIELD(OUT_TSV, "a\rb", "a\\rb", "CR escaped");
	FIELD(OUT_TSV, "a\\b", "a\\\\b", "backslash escaped");
	FIELD(OUT_TSV, "\\t", "\\\\t", "backslash-t is not a tab");
	FIELD(OUT_TSV, "Zo\xc3\xab \xe6\x9d\xb1\xe4\xba\xac",
	    "Zo\xc3\xab \xe6\x9d\xb1\xe4\xba\xac", "UTF-8 as is");
	FIELD(OUT_TSV, "a\x01\x1f\x7f" "b", "a\x01\x1f\x7f" "b",
	    "control bytes as is");

	/* JSON: a string literal */
	FIELD(OUT_JSON, "", "\"\"", "empty string is \"\"");
	FIELD(OUT_JSON, "plain", "\"plain\"", "plain text");
	FIELD(OUT_JSON, "a,b", "\"a,b\"", "comma as is");
	FIELD(OUT_JSON, "say \"hi\"", "\"say \\\"hi\\\"\"", "quotes escaped");
	FIELD(OUT_JSON, "a\\b", "\"a\\\\b\"", "backslash escaped");
	FIELD(OUT_JSON, "a\nb\rc\td", "\"a\\nb\\rc\\td\"",
	    "LF, CR and tab escaped");
	FIELD(OUT_JSON, "\x01\x08\x0c\x1f", "\"\\u0001\\u0008\\u000c\\u001f\"",
	    "other control bytes as \\u00XX");
	FIELD(OUT_JSON, "a\0b", "\"a\\u0000b\"", "NUL as \\u0000");
	FIELD(OUT_JSON, "\x7f", "\"\x7f\"", "DEL as is");
	FIELD(OUT_JSON, "/", "\"/\"", "slash not escaped");
	FIELD(OUT_JSON, "Zo\xc3\xab \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x98\x80",
	    "\"Zo\xc3\xab \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x98\x80\"",
	    "UTF-8 as is");
}

static const char *const test_columns[] = { "name", "empty", "none", "at",
    "secs", "n" };

/* Write a header (if header) and one row in format; compare with want. */
static void
row_is(enum out_format format, int header, const struct cell *cells,
    const char *want, const char *what)
{
	struct output *o;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int rc;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		fatal_oom();
	if ((o = out_new(fp, format, header, test_columns,
	    sizeof(test_columns) / sizeof(test_columns[0]))) == NULL)
		fatal_oom();
	rc = out_row(o, cells);
	if (out_flush(o, 1) != 0)
		rc = -1;
	out_free(o);
	if (fclose(fp) != 0)
		fatal_oom();
	result(rc == 0, "out_row returns 0");
	bytes_are(what, buf, len, want, strlen(want));
	free(buf);
}

static void
test_row(void)
{
	struct cell cells[6];

	cells[0] = C_STR("a,\"b\"\tc");
	cells[1] = C_STR("");
	cells[2] = C_NULL;
	cells[3] = C_TIME(1540493727027LL);
	cells[4] = C_MS(5005);
	cells[5] = C_INT(42);

	row_is(OUT_CSV, 1, cells,
	    "name,empty,none,at,secs,n\n"
	    "\"a,\"\"b\"\"\tc\",,,2018-10-25T18:55:27.027Z,5.005,42\n",
	    "out_row csv: header, quoting, null and \"\" both empty");
	row_is(OUT_CSV, 0, cells,
	    "\"a,\"\"b\"\"\tc\",,,2018-10-25T18:55:27.027Z,5.005,42\n",
	    "out_row csv: no header");
	row_is(OUT_TSV, 1, cells,
	    "name\tempty\tnone\tat\tsecs\tn\n"
	    "a,\"b\"\\tc\t\t\t2018-10-25T18:55:27.027Z\t5.005\t42\n",
	    "out_row tsv: header, escapes, null and \"\" both empty");
	row_is(OUT_JSON, 1, cells,
	    "{\"name\":\"a,\\\"b\\\"\\tc\",\"empty\":\"\",\"none\":null,"
	    "\"at\":\"2018-10-25T18:55:27.027Z\",\"secs\":5.005,\"n\":42}\n",
	    "out_row json: no header, \"\" vs null, numbers as numbers");
	row_is(OUT_TEXT, 1, cells,
	    "name      empty  none  at        secs     n\n"
	    "a,\"b\"\\tc               18:55:27  0:00:05  42\n",
	    "out_row text: aligned, numbers right, H:MM:SS, time of day");
	cells[3] = C_TIME(-1);
	cells[4] = C_MS(3600000LL * 100 + 59999);
	cells[5] = C_INT(-7);
	row_is(OUT_TEXT, 0, cells,
	    "a,\"b\"\\tc      23:59:59  100:00:59  -7\n",
	    "out_row text: 100 hours, before the epoch, no header");
	cells[4] = C_MS(-61999);
	row_is(OUT_TEXT, 0, cells,
	    "a,\"b\"\\tc      23:59:59  -0:01:01  -7\n",
	    "out_row text: a negative duration keeps its sign");
	cells[3] = C_TIME(1540493727027LL);
	cells[4] = C_MS(5005);
	cells[5] = C_INT(42);

	cells[0] = C_STR(NULL);
	cells[1] = C_STR("x");
	cells[4] = C_MS(0);
	cells[5] = C_INT(-7);
	row_is(OUT_JSON, 0, cells,
	    "{\"name\":null,\"empty\":\"x\",\"none\":null,"
	    "\"at\":\"2018-10-25T18:55:27.027Z\",\"secs\":0.000,\"n\":-7}\n",
	    "out_row json: C_STR(NULL) is null, zero duration 0.000");
	row_is(OUT_CSV, 0, cells,
	    ",x,,2018-10-25T18:55:27.027Z,0.000,-7\n",
	    "out_row csv: C_STR(NULL) is empty");

	cells[4] = C_MS(1);
	row_is(OUT_TSV, 0, cells,
	    "\tx\t\t2018-10-25T18:55:27.027Z\t0.001\t-7\n",
	    "out_row tsv: 1 ms is 0.001");
	cells[4] = C_MS(3600000LL * 24 * 400 + 10);
	row_is(OUT_CSV, 0, cells,
	    ",x,,2018-10-25T18:55:27.027Z,34560000.010,-7\n",
	    "out_row csv: long duration keeps exactly three decimals");
	cells[4] = C_MS(-1500);
	row_is(OUT_CSV, 0, cells,
	    ",x,,2018-10-25T18:55:27.027Z,-1.500,-7\n",
	    "out_row csv: a negative duration keeps its sign");

	cells[4] = C_RATIO(8125);
	cells[5] = C_RATIO(10000);
	row_is(OUT_CSV, 0, cells,
	    ",x,,2018-10-25T18:55:27.027Z,0.8125,1.0000\n",
	    "out_row csv: ratios with four decimals");
	row_is(OUT_TSV, 0, cells,
	    "\tx\t\t2018-10-25T18:55:27.027Z\t0.8125\t1.0000\n",
	    "out_row tsv: ratios with four decimals");
	cells[5] = C_RATIO(5);
	row_is(OUT_JSON, 0, cells,
	    "{\"name\":null,\"empty\":\"x\",\"none\":null,"
	    "\"at\":\"2018-10-25T18:55:27.027Z\",\"secs\":0.8125,"
	    "\"n\":0.0005}\n",
	    "out_row json: ratios are numbers");
}

/* parse_duration: an integer with ms, s, m, h or d, or a sum of them. */
static void
duration_is(const char *s, int rc, int64_t ms)
{
	char what[160];
	int64_t got = INT64_MIN;
	int grc = parse_duration(s, strlen(s), &got);

	snprintf(what, sizeof(what), "parse_duration(\"%s\") %s %lld", s,
	    rc == 0 ? "==" : "fails, not", (long long)ms);
	result(grc == rc && (rc != 0 || got == ms), what);
	if (grc != rc || (rc == 0 && got != ms))
		printf("#   got rc %d, ms %lld\n", grc, (long long)got);
}

static void
test_duration(void)
{
	duration_is("15m", 0, 900000);
	duration_is("1h30m", 0, 5400000);
	duration_is("30m1h", 0, 5400000);
	duration_is("500ms", 0, 500);
	duration_is("2m30s500ms", 0, 150500);
	duration_is("1d", 0, 86400000);
	duration_is("0s", 0, 0);
	duration_is("3660d", 0, 3660 * 86400000LL);
	duration_is("", -1, 0);
	duration_is("15", -1, 0);
	duration_is("m", -1, 0);
	duration_is("1x", -1, 0);
	duration_is("1h30", -1, 0);
	duration_is("-5m", -1, 0);
	duration_is("1.5h", -1, 0);
	duration_is("1 h", -1, 0);
	duration_is("3661d", -1, 0);
	duration_is("99999999999999999999d", -1, 0);
}

static void
apply_record(void *ctx, struct event *ev, const struct verdict *v,
    const struct origin *o, const char *raw, size_t rawlen)
{
	(void)raw;
	(void)rawlen;
	if (ev == NULL || v->rejected) {
		result(0, "alert: the test event is valid");
		event_free(ev);
		return;
	}
	engine_apply(ctx, ev, o);
}

/* One event of agent ana, whose status is status since at. */
static void
feed(struct engine *e, int id, const char *type, const char *at,
    const char *status)
{
	static const char *const p =
	    "arn:aws:connect:us-east-1:123456789012:instance/inst-1";
	struct config config = { 0, 1 << 20, 0 };
	struct origin o = { "<unit>", 1, -1, 1 };
	char buf[2048];
	int n;

	n = snprintf(buf, sizeof(buf), "{\"EventType\":\"%s\","
	    "\"EventId\":\"e-%d\",\"EventTimestamp\":\"2024-03-05T%sZ\","
	    "\"AgentARN\":\"%s/agent/ana\",\"CurrentAgentSnapshot\":{"
	    "\"AgentStatus\":{\"ARN\":\"%s/agent-state/x\",\"Name\":\"%s\","
	    "\"StartTimestamp\":\"2024-03-05T%sZ\"},\"Configuration\":{"
	    "\"Username\":\"ana\",\"RoutingProfile\":{\"ARN\":"
	    "\"%s/routing-profile/basic\",\"Name\":\"Basic\"}},"
	    "\"Contacts\":[]},\"AWSAccountId\":\"123456789012\","
	    "\"InstanceARN\":\"%s\",\"Version\":\"2019-05-25\"}", type, id, at,
	    p, p, status, at, p, p);
	parse_value(buf, (size_t)n, &o, &config, apply_record, e);
}

/*
 * The alert clock at the end of the input is the as-of time (-t): an
 * open Break raises when as_of passes its start + 15m, with time =
 * as_of; without it, or short of it, nothing.
 */
static void
alert_as_of_is(int64_t as_of, const char *want, const char *what)
{
	static const char *const *columns;
	struct counts counts;
	struct output *out;
	struct engine *e;
	char *buf = NULL;
	size_t len = 0, ncolumns;
	FILE *fp;

	memset(&counts, 0, sizeof(counts));
	columns = view_columns(&alert_view, &ncolumns);
	if ((fp = open_memstream(&buf, &len)) == NULL ||
	    (out = out_new(fp, OUT_CSV, 0, columns, ncolumns)) == NULL)
		fatal_oom();
	e = engine_new(&counts);
	engine_add_view(e, &alert_view, out);
	feed(e, 1, "LOGIN", "09:00:00.000", "Available");
	feed(e, 2, "STATE_CHANGE", "09:01:00.000", "Break");
	feed(e, 3, "HEART_BEAT", "09:03:00.000", "Break");
	if (as_of >= 0)
		engine_set_as_of(e, as_of);
	engine_finish(e, 1);
	engine_free(e);
	out_free(out);
	if (fclose(fp) != 0)
		fatal_oom();
	bytes_are(what, buf, len, want, strlen(want));
	free(buf);
}

static void
test_alert_as_of(void)
{
	char why[256];
	int64_t t;

	/* test_zone left a zone set; UTC prints as +00:00 then */
	if (out_set_zone("UTC") == -1)
		fatal_oom();
	result(alert_add_rule("Break>15m", why, sizeof(why)) == 0,
	    "alert_add_rule(\"Break>15m\")");
	alert_as_of_is(-1, "", "alert: no as-of time, nothing raised");
	if (parse_time("2024-03-05T09:16:00.000Z", 24, &t) != 0)
		fatal_oom();
	alert_as_of_is(t, "", "alert: as of 09:16, Break since 09:01 has "
	    "lasted 15m, not more");
	alert_as_of_is(t + 1,
	    "2024-03-05T09:16:00.001+00:00,arn:aws:connect:us-east-1:"
	    "123456789012:instance/inst-1/agent/ana,ana,Break>15m,RAISED,"
	    "Break,2024-03-05T09:01:00.000+00:00,900.001\n",
	    "alert: as of 09:16:00.001 the open Break raises, time = as-of");
}

/*
 * arena.c: inside a mark, jansson's memory comes from the thread's block
 * and is taken back at release, so the next record gets the same
 * addresses; marks nest (a page's records); a value bigger than the block
 * still works, through malloc.
 */
static void
test_arena(void)
{
	json_t *a, *x, *y, *big;
	void *first, *inner;
	size_t m, m2;
	char *text;

	/* the first record has no block to use: the block is made after it */
	m = arena_mark();
	json_decref(json_object());
	arena_release(m);

	m = arena_mark();
	first = a = json_object();
	json_decref(a);
	arena_release(m);

	m = arena_mark();
	a = json_object();
	result(a != NULL && (void *)a == first,
	    "arena: the next record reuses the memory of the last");
	m2 = arena_mark();
	inner = x = json_string("inner");
	json_decref(x);
	arena_release(m2);
	y = json_string("again");
	result(y != NULL && (void *)y == inner,
	    "arena: a nested release takes back only what came after it");
	if ((text = malloc(8u << 20)) == NULL)
		fatal_oom();
	memset(text, 'x', 8u << 20);
	big = json_stringn(text, 8u << 20);
	result(big != NULL && json_string_length(big) == 8u << 20 &&
	    json_string_value(big)[(8u << 20) - 1] == 'x',
	    "arena: a value bigger than the block is still built");
	json_decref(big);
	free(text);
	json_decref(y);
	json_decref(a);
	arena_release(m);
	arena_drop();
}

static void
quote_is(const char *in, size_t max, size_t size, const char *want)
{
	static int n;
	char got[256], what[64];

	quote_value(got, size, in, strlen(in), max);
	snprintf(what, sizeof(what), "quote_value, case %d", ++n);
	bytes_are(what, got, strlen(got), want, strlen(want));
}

/*
 * parse.c: a value quoted in a message is cut between characters, never
 * inside one, and a cut is marked; what a terminal would act on is escaped.
 */
static void
test_quote(void)
{
	quote_is("abc", 40, 64, "\"abc\"");
	quote_is("abcdef", 3, 64, "\"abc\"...");
	/* é is 2 bytes, ✓ 3: the limit counts characters */
	quote_is("\xc3\xa9\xc3\xa9\xc3\xa9", 2, 64, "\"\xc3\xa9\xc3\xa9\"...");
	quote_is("\xe2\x9c\x93\xe2\x9c\x93", 5, 64,
	    "\"\xe2\x9c\x93\xe2\x9c\x93\"");
	/* a small buffer cuts before a character that does not fit whole */
	quote_is("a\xe2\x9c\x93" "b", 40, 9, "\"a\"...");
	quote_is("a\xe2\x9c\x93" "b", 40, 10, "\"a\xe2\x9c\x93\"...");
	/* quotes, backslashes, control characters, bytes that are not UTF-8 */
	quote_is("a\"b\\c", 40, 64, "\"a\\\"b\\\\c\"");
	quote_is("\n\t\x1b[0m", 40, 64, "\"\\n\\t\\u001b[0m\"");
	quote_is("\xff\xc3(", 40, 64, "\"\\xff\\xc3(\"");
	quote_is("\xed\xa0\x80", 40, 64, "\"\\xed\\xa0\\x80\"");
}

/* record_fn: apply each good event to the engine. */
static void
apply(void *ctx, struct event *ev, const struct verdict *v,
    const struct origin *o, const char *raw, size_t rawlen)
{
	(void)v;
	(void)raw;
	(void)rawlen;
	if (ev != NULL) {
		event_detach(ev);
		engine_apply(ctx, ev, o);
	}
}

/*
 * The table `table` of the seed's first event (a contact in ACW since
 * 18:55:27.027, connected at 18:55:21.021) at the end of the input, with
 * the as-of time as_of (-1: none).
 */
static void
table_as_of(const struct view_ops *table, int64_t as_of, const char *want,
    const char *what)
{
	static const char seed[] = "samples/seed-acw.ndjson";
	struct origin o = { seed, 1, -1, 1 };
	struct config cfg = { 0, 1 << 20, 0 };
	const char *const *columns;
	struct counts counts;
	struct engine *e;
	struct output *out;
	char line[8192], *buf = NULL;
	size_t ncolumns, len = 0;
	FILE *fp, *in;

	memset(&counts, 0, sizeof(counts));
	if ((in = fopen(seed, "r")) == NULL ||
	    fgets(line, sizeof(line), in) == NULL) {
		result(0, seed);
		return;
	}
	fclose(in);
	if ((fp = open_memstream(&buf, &len)) == NULL)
		fatal_oom();
	columns = view_columns(table, &ncolumns);
	if ((out = out_new(fp, OUT_CSV, 0, columns, ncolumns)) == NULL)
		fatal_oom();
	e = engine_new(&counts);
	engine_add_view(e, table, out);
	if (as_of >= 0)
		engine_set_as_of(e, as_of);
	parse_value(line, strlen(line), &o, &cfg, apply, e);
	engine_finish(e, 1);
	engine_free(e);
	out_free(out);
	if (fclose(fp) != 0)
		fatal_oom();
	bytes_are(what, buf, len, want, strlen(want));
	free(buf);
}

#define SEED_AGENT	"arn:aws:connect:us-east-1:012345678901:instance/" \
	"aaaaaaaa-bbbb-cccc-dddd-111111111111/agent/agent-ARN,(Removed),"

static void
test_as_of(void)
{
	table_as_of(&contacts_view, -1, SEED_AGENT "ContactId-1,,VOICE,"
	    "OUTBOUND,BasicQueue,2018-10-25T18:55:21.021Z,"
	    "2018-10-25T18:55:21.021Z,0.000,6.006,0.000,0,,,,OPEN,\n",
	    "an OPEN contact: no acw_s, handle_s or ended");
	/* 18:55:30.000: ACW 2.973 s so far */
	table_as_of(&contacts_view, 1540493730000LL, SEED_AGENT
	    "ContactId-1,,VOICE,OUTBOUND,BasicQueue,2018-10-25T18:55:21.021Z,"
	    "2018-10-25T18:55:21.021Z,0.000,6.006,0.000,0,2.973,8.979,,OPEN,\n",
	    "an OPEN contact's acw_s and handle_s up to the as-of time");
	table_as_of(&sessions_view, -1, SEED_AGENT ",,,OPEN,Available,1,"
	    "2018-10-25T18:55:27.027Z,\n", "an OPEN session: no duration");
	table_as_of(&sessions_view, 1540493730000LL, SEED_AGENT
	    ",,2.973,OPEN,Available,1,2018-10-25T18:55:27.027Z,\n",
	    "an OPEN session's duration up to the as-of time");
}

/* markup.c: text and attribute escaping, and the colours of names. */
static void
markup_is(int attribute, const char *in, size_t max, const char *want,
    const char *what)
{
	char *buf = NULL, label[200];
	size_t len = 0;
	FILE *fp;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		fatal_oom();
	if (attribute)
		markup_attr(fp, in);
	else
		markup_text(fp, in, max);
	if (fclose(fp) != 0)
		fatal_oom();
	snprintf(label, sizeof(label), "markup_%s: %s", attribute ? "attr" :
	    "text", what);
	bytes_are(label, buf, len, want, strlen(want));
	free(buf);
}

static void
test_markup(void)
{
	char a[8], b[8];

	markup_is(0, "<script>&\"'", 0,
	    "&lt;script&gt;&amp;&quot;&apos;", "the five specials");
	markup_is(0, "a\tb\nc\rd", 0, "a\tb\nc&#13;d",
	    "text keeps tab and LF, CR as a reference");
	markup_is(1, "a\tb\nc\rd", 0, "a&#9;b&#10;c&#13;d",
	    "an attribute keeps tab, LF and CR as references");
	markup_is(0, "x\x01y\x1f\xEF\xBF\xBEz\xEF\xBF\xBF", 0,
	    "x\xEF\xBF\xBDy\xEF\xBF\xBD\xEF\xBF\xBDz\xEF\xBF\xBD",
	    "what XML cannot hold is U+FFFD");
	markup_is(0, "\xF0\x9F\x98\x80\xD7\xA9" "bc", 2,
	    "\xF0\x9F\x98\x80\xD7\xA9\xE2\x80\xA6",
	    "cut at 2 characters, not bytes, with an ellipsis");
	name_colour("After contact work", a);
	result(strcmp(a, "#ff7f0e") == 0, "name_colour: a known name");
	name_colour("after contact work", b);
	result(strcmp(a, b) == 0, "name_colour: known names in any case");
	name_colour("Coaching", a);
	name_colour("Coaching", b);
	result(a[0] == '#' && strlen(a) == 7 && strcmp(a, b) == 0,
	    "name_colour: another name, the same colour each time");
	name_colour("Coachinh", b);
	result(strcmp(a, b) != 0, "name_colour: a name one byte apart "
	    "differs");
	result(name_rank("Available") < name_rank("Error") &&
	    name_rank("Error") < name_rank("Break") &&
	    name_rank("Break") == name_rank("Lunch"),
	    "name_rank: the known names in order, then all others");
}

int
main(void)
{
	arena_init();
	test_arena();
	test_parse_time();
	test_format_time();
	test_field();
	test_row();
	test_as_of();	/* before test_zone, which leaves a zone set */
	test_zone();
	test_duration();
	test_alert_as_of();
	test_quote();
	test_markup();
	printf("1..%d\n", ntests);
	if (nfailed > 0)
		printf("# %d of %d checks failed\n", nfailed, ntests);
	return nfailed > 0;
}
