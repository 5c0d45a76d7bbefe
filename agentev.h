/*
 * agentev.h: the internal interface shared by the agentev sources.
 *
 * The record path is: parse.c frames the input into JSON values and turns
 * each event into a struct event (decoding and validation, no shared state,
 * so a worker thread could run it); engine.c applies events in input order
 * to per-agent state and hands them to the views, one file per table,
 * which produce rows; output.c writes rows as CSV, TSV or JSON, or hands
 * them to svg.c to draw.  agentev.c is only the driver.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#ifndef AGENTEV_H
#define AGENTEV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#define AGENTEV_VERSION	"0.1.0"

struct output;

/* Event types; EV_UNKNOWN is an EventType we do not know (a warning). */
enum event_type {
	EV_LOGIN,
	EV_LOGOUT,
	EV_STATE_CHANGE,
	EV_HEART_BEAT,
	EV_UNKNOWN
};

/* Contact states as the data model lists them. */
enum contact_state {
	CS_INCOMING,
	CS_PENDING,
	CS_CONNECTING,
	CS_CONNECTED,
	CS_CONNECTED_ONHOLD,
	CS_MISSED,
	CS_ERROR,
	CS_ENDED,
	CS_REJECTED,
	CS_PAUSED,
	CS_UNKNOWN
};

/*
 * Strings below point into the event's JSON tree (struct event.root), so
 * an event is one allocation of pointers plus the tree jansson built; the
 * snapshot an agent keeps is a compact copy (snapshot_copy).  NULL means
 * the field was absent or JSON null.
 */
struct contact {
	const char	*id;
	const char	*initial_id;	/* InitialContactId */
	const char	*channel;
	const char	*initiation_method;
	const char	*queue_name;
	const char	*state_name;
	enum contact_state state;
	int64_t		 state_start;	/* ms since the epoch */
	int64_t		 connected;	/* ConnectedToAgentTimestamp or NO_TIME */
};

struct snapshot {
	int		 present;
	const char	*status_arn;
	const char	*status_name;
	const char	*status_type;	/* AgentStatus.Type or NULL */
	int64_t		 status_start;
	const char	*next_status;	/* NextAgentStatus.Name or NULL */
	const char	*username;
	const char	*first_name;
	const char	*last_name;
	const char	*routing_profile;	/* name */
	const char	*hierarchy[5];		/* Level1..Level5 names */
	const char	*proficiencies;		/* compact JSON, or NULL */
	char		*proficiencies_buf;	/* owns it in an event */
	size_t		 ncontacts;
	struct contact	*contacts;
};

struct event {
	json_t		*root;		/* owns every string below, or NULL */
	void		*detached[3];	/* or these do (event_detach) */
	const char	*agent_arn;
	const char	*event_id;
	const char	*type_name;
	enum event_type	 type;
	int64_t		 time;		/* EventTimestamp, ms since the epoch */
	struct snapshot	 cur;
	struct snapshot	 prev;		/* present == 0 when null or absent */
};

/* Where a record came from, for messages and the rejects file. */
struct origin {
	const char	*file;		/* "<stdin>" for standard input */
	uint64_t	 line;		/* line where the value starts */
	long		 record;	/* index in a Records page, or -1 */
	uint64_t	 column;	/* column where the value starts */
};

/* Where a framed value is, and why it is broken (NULL when it is not). */
struct framed {
	uint64_t	 line;		/* where the value starts */
	uint64_t	 column;	/* in characters, from 1 */
	uint64_t	 error_line;	/* where it broke, or 0 */
	uint64_t	 error_column;
	const char	*broken;
};

enum severity { SEV_ERROR, SEV_WARNING };

/* One problem found in a record. */
struct problem {
	enum severity	 severity;
	char		 field[192];
	char		 message[256];
};

#define NO_TIME		INT64_MIN	/* a time that is not known */

#define MAX_PROBLEMS	16
#define MAX_CONTACTS	256	/* per snapshot; the service allows far fewer */

/* What validating one record found. */
struct verdict {
	int		 nproblems;	/* may exceed MAX_PROBLEMS */
	struct problem	 problems[MAX_PROBLEMS];
	int		 rejected;	/* at least one error */
	char		 event_id[260];	/* for messages; "" when unknown */
	uint64_t	 line;		/* where in the file the problem is, */
	uint64_t	 column;	/* or 0: only the record's line is known */
	int		 in_page;	/* fields are in the Records element */
};

/* Options that reach the record path. */
struct config {
	int		 strict;	/* -s: unknown enum values are errors */
	size_t		 max_record;	/* -m: bytes */
	int		 format_given;	/* -f was given */
};

/*
 * What the record path hands on for each record, in input order: a valid
 * event (the callee owns it and frees it with event_free) or NULL for a
 * rejected record, with the problems found, where the record came from,
 * and its bytes for the rejects file.
 */
typedef void	(*record_fn)(void *, struct event *, const struct verdict *,
		    const struct origin *, const char *, size_t);

/* A message from the reader, kept in order with the records. */
typedef void	(*notice_fn)(void *, const char *);

/* pipeline.c: the record path on -j worker threads, applied in order */
struct pipeline;
struct pipeline	*pipe_new(int, const struct config *, record_fn, notice_fn,
		    void *);
void	 pipe_value(struct pipeline *, const char *, const struct framed *,
	    const char *, size_t);
void	 pipe_notice(struct pipeline *, const char *);
void	 pipe_sync(struct pipeline *);
void	 pipe_finish(struct pipeline *);

/*
 * arena.c: per-thread memory for the record path's JSON trees.  A tree
 * built after arena_mark must be freed before the matching arena_release,
 * on the same thread; free what jansson returns with arena_free.
 */
void	 arena_init(void);
size_t	 arena_mark(void);
void	 arena_release(size_t);
void	 arena_drop(void);
void	 arena_free(void *);

/*
 * memo.c: subtrees validated before, per thread.  memo_scan finds the
 * spans of a record's snapshots and their parts and what the memo knows
 * of them; memo_keep keeps what a record that validated cleanly
 * extracted.  A hit points into the memo, which frees entries only at the
 * next memo_scan on the same thread: an event the record path hands on
 * must be used and freed, or detached, before the next record.  memo_find
 * is the fast path's lookup of a part by its bytes; memo_enabled says
 * whether AGENTEV_MEMO left the memo (and the fast path) on.
 */
enum memo_part {
	MP_SNAPSHOT,		/* the whole snapshot */
	MP_STATUS,		/* its AgentStatus */
	MP_CONFIGURATION,	/* its Configuration */
	MP_NPARTS
};
struct memo_span {
	size_t		 off;		/* into the record */
	size_t		 len;		/* 0: no such value */
	const struct snapshot *hit;	/* what it extracts to, or NULL */
};
struct memo_rec {
	/* [0] CurrentAgentSnapshot, [1] PreviousAgentSnapshot */
	struct memo_span span[2][MP_NPARTS];
	const char	*buf;		/* the record with "{}" for hits */
	size_t		 len;
};
void	 memo_init(void);
void	 memo_set(int);
int	 memo_scan(struct memo_rec *, const char *, size_t);
void	 memo_keep(const struct memo_rec *, const char *,
	    const struct event *);
void	 memo_drop(void);
const struct snapshot *memo_find(enum memo_part, const char *, size_t);
int	 memo_enabled(void);

/* parse.c; parse_drop frees what the calling thread's fast path kept */
void	 parse_value(const char *, size_t, const struct origin *,
	    const struct config *, record_fn, void *);
void	 parse_drop(void);
int	 parse_time(const char *, size_t, int64_t *);
int	 parse_event(json_t *, const struct config *, struct event *,
	    struct verdict *);
void	 event_clear(struct event *);
void	 event_free(struct event *);
struct snapshot	*snapshot_copy(const struct snapshot *);
size_t	 snapshot_size(const struct snapshot *);
void	 event_detach(struct event *);
int	 contact_state_of(const char *);
const struct contact *snapshot_contact(const struct snapshot *,
	    const char *);
const char *contact_state_name(enum contact_state);
size_t	 quote_value(char *, size_t, const char *, size_t, size_t);
void	 broken_verdict(struct verdict *, const struct framed *,
	    const char *, size_t, size_t);

/* frame.c: cutting a byte stream into JSON values */
struct framer;

typedef void	(*value_fn)(void *, const char *, size_t,
		    const struct framed *);
extern const char frame_not_json[];	/* broken: text that is not JSON */
extern const char frame_too_long[];	/* broken: longer than -m */
struct framer	*frame_new(size_t max_value);
void	 frame_free(struct framer *);
void	 frame_begin(struct framer *, const char *name);
int	 frame_feed(struct framer *, const char *, size_t, value_fn, void *);
void	 frame_end(struct framer *, value_fn, void *);

/* input.c: reading the inputs, in order, into the pipeline */
typedef void	(*idle_fn)(void *);	/* a live input has nothing for now */
int	 input_read(char *const [], int, size_t, struct pipeline *, idle_fn,
	    void *);

/* What an agent is doing, as the summary columns group it. */
enum activity {
	ACT_AVAILABLE, ACT_INCOMING, ACT_ON_CONTACT, ACT_ACW, ACT_CUSTOM,
	ACT_OFFLINE, ACT_ERROR, ACT_UNKNOWN, ACT_NKINDS
};

/* What a run counted, for the summary line and the exit status. */
struct counts {
	uint64_t	 events;	/* records read, good or not */
	uint64_t	 rejected;
	uint64_t	 duplicates;
	uint64_t	 warnings;
	uint64_t	 out_of_order;
	uint64_t	 unsplit;	/* intervals too long for -i */
	uint64_t	 after_as_of;	/* events later than -t, not used */
};

/*
 * engine.c: per-agent state shared by the tables, which are views
 * (engine.h) that a run adds before the first event.
 */
struct engine;
struct view_ops;
struct engine	*engine_new(struct counts *);
void	 engine_add_view(struct engine *, const struct view_ops *,
	    struct output *);
void	 engine_apply(struct engine *, struct event *, const struct origin *);
void	 engine_set_as_of(struct engine *, int64_t);
void	 engine_flush(struct engine *);
void	 engine_set_window(struct engine *, int64_t);
void	 engine_finish(struct engine *, int);
void	 engine_free(struct engine *);
const char	*view_name(const struct view_ops *);
const char *const *view_columns(const struct view_ops *, size_t *);
int	 view_saves_state(const struct view_ops *, int);

/* the tables, one file each */
extern const struct view_ops events_view;	/* events.c */
extern const struct view_ops acw_view;		/* acw.c */
extern const struct view_ops status_view;	/* status.c */
extern const struct view_ops activity_view;	/* activity.c */
extern const struct view_ops summary_view;
extern const struct view_ops now_view;		/* now.c */
extern const struct view_ops contacts_view;	/* contacts.c */
extern const struct view_ops sessions_view;	/* sessions.c */
int	 summary_groups(const char *);			/* -g */
size_t	 group_nkeys(void);
int	 group_key_is_agent(size_t);
const char *group_key_name(size_t);
const char *group_key_value(size_t, const struct snapshot *);
/* bucket.c: -i, and rows of totals by bucket and group */
int	 bucket_set(const char *);
int	 bucket_enabled(void);
int64_t	 bucket_start(int64_t);
int64_t	 bucket_next(int64_t);
size_t	 rows_find(const void *, size_t, size_t, const void *,
	    int (*)(const void *, const void *), int *);
void	*rows_insert(void *, size_t *, size_t *, size_t, size_t);
int	 parse_duration(const char *, size_t, int64_t *);
int64_t	 zone_from_local(int64_t);

/* schedule.c: -A, the schedule adherence is measured against */
struct segment {
	int64_t		 start;		/* ms since the epoch */
	int64_t		 end;		/* after start */
	char		*activity;	/* as the file writes it */
	int		 work;		/* Work: any ROUTABLE status adheres */
	uint64_t	 line;		/* in the file, for messages */
};
struct sched_agent {
	char		*key;		/* username, or agent_arn */
	char		*username;	/* the columns, or NULL */
	char		*arn;
	struct segment	*seg;		/* sorted, none overlapping */
	size_t		 nseg;
	size_t		 cap;
};
int	 schedule_load(const char *, char *, size_t);
int	 schedule_given(void);
int	 schedule_by_arn(void);
const struct sched_agent *schedule_of(const char *, const char *);
struct sched_agent *schedule_agents(size_t *);
size_t	 schedule_find(const struct sched_agent *, int64_t);
const struct segment *schedule_at(const struct sched_agent *, int64_t);
void	 schedule_free(void);

/* adherence.c: the adherence table */
extern const struct view_ops adherence_view;
int	 adherence_dropped(void);
int	 adherence_followed(void);

/* alert.c: the alert table and its -a rules */
extern const struct view_ops alert_view;
int	 alert_add_rule(const char *, char *, size_t);
size_t	 alert_nrules(void);
size_t	 alert_nrules_adherence(void);
int64_t	 alert_adherence_threshold(void);
struct engine;
struct agent;
void	 alert_adopt(struct engine *, struct agent *, struct agent *);

/* state.c: -S */
int	 state_load(struct engine *, const char *, const struct config *,
	    char *, size_t);
int	 state_save(struct engine *, const char *, char *, size_t);
int	 state_lock(const char *, char *, size_t);

/* agentev.c */
void	 fatal_oom(void) __attribute__((noreturn));

/*
 * engine.c: allocation that ends the run when memory runs out; FNV-1a
 * (never 0); strcmp with NULL before any string; a sum of milliseconds
 * that saturates instead of wrapping around
 */
char	*xstrdup(const char *);
void	*xrealloc(void *, size_t, size_t);
uint64_t hash(const char *);
int	 strcmp_null(const char *, const char *);
void	 add_sat(int64_t *, int64_t);

/* output.c */
enum out_format { OUT_CSV, OUT_TSV, OUT_JSON, OUT_SVG, OUT_TEXT, OUT_HTML };
enum cell_kind { CELL_NULL, CELL_STR, CELL_TIME, CELL_MS, CELL_INT,
	CELL_RATIO };
struct cell {
	enum cell_kind	 kind;
	const char	*s;
	int64_t		 n;
};
#define C_NULL		((struct cell){ CELL_NULL, NULL, 0 })
#define C_STR(x)	((struct cell){ (x) ? CELL_STR : CELL_NULL, (x), 0 })
#define C_TIME(x)	((struct cell){ CELL_TIME, NULL, (x) })
#define C_MS(x)		((struct cell){ CELL_MS, NULL, (x) })
#define C_INT(x)	((struct cell){ CELL_INT, NULL, (x) })
#define C_RATIO(x)	((struct cell){ CELL_RATIO, NULL, (x) })	/* 1e-4 */

struct output	*out_new(FILE *, enum out_format, int header,
		    const char *const *columns, size_t ncolumns);
void	 out_free(struct output *);
int	 out_row(struct output *, const struct cell *);
int	 out_can_write(enum out_format, const char *const *, size_t);
void	 out_set_span(struct output *, int64_t, int64_t);
int	 out_finish(struct output *);
int	 out_flush(struct output *, int);
int	 out_live(const struct output *);
void	 out_frame(struct output *);
int	 out_set_zone(const char *);
int	 out_error(void);
void	 out_guard_formulas(int);
int64_t	 out_zone_offset(int64_t);
size_t	 out_format_time(char *, size_t, int64_t);
void	 out_field(FILE *, enum out_format, const char *, size_t);
void	 out_cell_text(const struct cell *, char *, size_t, const char **);
char	*out_row_title(const char *const *, size_t, const struct cell *);
void	 out_hms(char *, size_t, int64_t);
int	 out_column(const char *const *, size_t, const char *);
struct cell	 out_ratio(int64_t, int64_t);

/* markup.c: colours and escaping for svg.c and html.c */
void	 name_colour(const char *, char [8]);
int	 name_rank(const char *);
void	 markup_text(FILE *, const char *, size_t);
void	 markup_attr(FILE *, const char *);

/* svg.c: -f svg, buffered rows drawn as a timeline at out_finish */
struct svg;
int	 svg_can_draw(const char *const *, size_t);
struct svg	*svg_new(const char *const *, size_t);
void	 svg_row(struct svg *, const struct cell *);
void	 svg_span(struct svg *, int64_t, int64_t);
int	 svg_write(struct svg *, FILE *);
void	 svg_free(struct svg *);
/* html.c: -f html, the now table kept and written as a page at out_finish */
struct html;
int	 html_can_draw(const char *const *, size_t);
struct html	*html_new(const char *const *, size_t);
void	 html_row(struct html *, const struct cell *);
int	 html_write(struct html *, FILE *);
void	 html_free(struct html *);
/* text.c: -f text, aligned columns for people, behind out_new/out_row */
struct text;
struct text	*text_new(const char *const *, size_t, int);
void	 text_row(struct text *, const struct cell *);
void	 text_frame(struct text *);
void	 text_flush(struct text *, FILE *, int);
void	 text_free(struct text *);

#endif /* AGENTEV_H */
