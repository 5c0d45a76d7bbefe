/*
 * engine.h: the engine and the views, shared by engine.c, state.c and
 * one file per table (acw.c, status.c, activity.c, summary.c, events.c).
 * Private to those files; the driver sees only agentev.h.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#ifndef ENGINE_H
#define ENGINE_H

#include "agentev.h"

#define HOUR_MS		(3600 * (int64_t)1000)
#define DUP_GENERATION	(12 * HOUR_MS)	/* ids live 12 to 24 hours */
#define DUP_MAX		4096		/* ids per generation */
#define MAX_VIEWS	16

/* A set of 64-bit EventId hashes (open addressing, 0 = empty). */
struct idset {
	uint64_t	*slots;
	size_t		 cap;		/* a power of two, or 0 */
	size_t		 count;
};

enum session { SESSION_UNKNOWN, SESSION_OPEN, SESSION_CLOSED };

/* The ContactIds (hashes) a view ended lately, so it does not start them
 * again from a late snapshot. */
#define RING_SIZE	64

struct ring {
	uint64_t	 h[RING_SIZE];
	size_t		 n;		/* added so far; the next goes at n % */
};

/*
 * What every view shares about an agent.  The session is the one before
 * the event a view is given; the engine moves it on after every view has
 * seen the event.  part[] holds each view's own state for the agent, at
 * the view's index.
 */
struct agent {
	char		*arn;
	char		*username;
	struct snapshot	*last;		/* of the last in-order event, a copy */
	int64_t		 last_time;	/* newest EventTimestamp seen */
	int		 seen;		/* last_time is set */
	enum session	 session;
	int64_t		 login_time;
	/* duplicate detection: two generations of EventIds */
	struct idset	 ids[2];
	int64_t		 ids_since;	/* when ids[0] was started */
	size_t		 index;		/* its place in the engine's order */
	/* 1: known only from the schedule (engine_absent), 2: since then
	   its agent has come (adherence.c) and it stands for nothing */
	int		 absent;
	void		*part[MAX_VIEWS];
};

/* A contact in after-contact work. */
struct acw {
	char		*contact_id;
	char		*channel;
	char		*initiation_method;
	char		*queue;
	int64_t		 start;
};

/*
 * An interval a view opened or closed, handed to every other view that
 * takes intervals (summary counts activity and ACW from them).  end < 0
 * while open: when opened (ended_by NULL) and when still open at the end
 * of the input (ended_by "OPEN").  IV_CONTACT is a contact's row
 * (contacts.c): start is when it was offered, end when it left the
 * snapshot, ended_by its outcome.  IV_ADHERENCE is a stretch out of
 * adherence (adherence.c): name is the scheduled activity.
 */
enum interval_kind { IV_STATUS, IV_ACTIVITY, IV_ACW, IV_CONTACT, IV_ADHERENCE };

struct interval {
	enum interval_kind	 kind;
	const char		*name;	/* status, activity or ContactId */
	const char		*type;	/* status type; NULL otherwise */
	enum activity		 activity;	/* IV_ACTIVITY */
	const struct acw	*acw;		/* IV_ACW */
	int64_t			 start;
	int64_t			 end;
	const char		*ended_by;
	int64_t			 connected;	/* IV_CONTACT, or NO_TIME */
};

struct view;
struct loader;

/*
 * A table.  Every hook may be NULL.  event() sees every event that is not
 * a duplicate, with prev the snapshot to compare with (the event's own
 * previous one, or the agent's last) or NULL; in_order is 0 for an event
 * older than the agent's newest.  finish() ends an agent at the end of the
 * input (open_rows: write what is open as OPEN rows; without it the open
 * intervals are carried in the state); end() comes once after every
 * agent is finished.  save() adds the view's part of
 * the agent to the agent's object in the state file, load() reads it
 * back, busy() says the part still holds something open.  tick() says
 * the clock moved forward (to the engine's clock), before the event that
 * moved it is applied, and at the end of the input to the as-of time.
 * flush() says a live input paused and the rows so far are about to be
 * written out: a view that shows a state (now) may write it then.  A
 * view with shows_state set saves the -S state only when the run read
 * an event: without one (now -S </dev/null, with or without -t) the run
 * only shows the state, and the file stays byte for byte as it was.
 */
struct view_ops {
	const char		*name;
	const char *const	*columns;
	size_t			 ncolumns;
	const struct view_ops *const *needs;	/* NULL-terminated, or NULL */
	size_t			 part_size;
	void	(*event)(struct view *, struct agent *, const struct event *,
		    const struct snapshot *, int);
	void	(*interval)(struct view *, struct agent *,
		    const struct interval *);
	void	(*finish)(struct view *, struct agent *, int);
	void	(*end)(struct view *, int);
	void	(*clear)(void *);
	void	(*save)(const void *, json_t *);
	int	(*load)(void *, json_t *, struct loader *);
	int	(*busy)(const void *);
	void	(*tick)(struct view *);
	void	(*flush)(struct view *);
	int			 shows_state;
	/* the view counts every agent's time by the clock (adherence -A),
	   so an event older than the clock comes too late for it */
	int	(*follows_clock)(void);
	/* the columns when they depend on options (summary -g) */
	const char *const *(*columns_of)(size_t *);
};

struct view {
	const struct view_ops	*ops;
	struct engine		*engine;
	struct output		*out;	/* NULL: the rows are not written */
	size_t			 index;	/* of its part in struct agent */
};

/* An event held back by -w, until the watermark passes it. */
struct held {
	struct event	*ev;
	uint64_t	 seq;		/* input order */
	char		*file;		/* where it came from, for messages */
	uint64_t	 line;
};

/*
 * The clock is event time: the newest EventTimestamp read so far (-1
 * before the first event), moved forward before each event is applied.
 * as_of is -t, or -1.
 */
struct engine {
	struct counts	*counts;
	int64_t		 clock;
	int64_t		 start_clock;	/* the clock the -S state left, or -1 */
	const struct event *applying;	/* the event the views are given */
	int		 ticking;	/* the views' tick hooks are running */
	int64_t		 as_of;
	/* -w: events held in a heap on (EventTimestamp, input order) */
	int64_t		 window;	/* 0 without -w */
	int64_t		 newest_read;	/* the watermark is this - window */
	struct held	*held;
	size_t		 nheld;
	size_t		 held_cap;
	uint64_t	 seq;
	struct view	 views[MAX_VIEWS];	/* needs before their users */
	size_t		 nviews;
	struct agent	**table;	/* open addressing on the ARN */
	size_t		 cap;
	struct agent	**order;	/* agents in first-seen order */
	size_t		 nagents;
	size_t		 order_cap;
	struct agent	**absent;	/* engine_absent's */
	size_t		 nabsent;
};

/* engine.c */
struct agent	*engine_agent(struct engine *, const char *);
struct agent	*engine_absent(struct engine *, const char *, const char *);
struct view	*engine_view(struct engine *, const struct view_ops *);
void	 engine_publish(struct engine *, struct agent *,
	    const struct interval *);
void	 agent_clear(struct engine *, struct agent *);
void	 engine_hold(struct engine *, struct event *, const char *,
	    uint64_t);
void	 idset_add(struct idset *, uint64_t);
void	 ring_add(struct ring *, const char *);
int	 ring_has(const struct ring *, const char *);

#define PART(v, a)	((a)->part[(v)->index])

/*
 * Hand [start, end) to piece() once per bucket it touches (once without
 * -i); the pieces cut at a bucket boundary end with "SPLIT".  An open
 * interval (end < 0) is one piece, or with -t is cut up to the as-of
 * time, its last piece open.
 */
typedef void	(*piece_fn)(struct view *, struct agent *, const void *,
		    int64_t, int64_t, const char *);
void	 view_split(struct view *, struct agent *, const void *, int64_t,
	    int64_t, const char *, piece_fn);
struct cell	 view_duration(const struct view *, int64_t, int64_t);

/* acw.c, status.c, activity.c: helpers the other views use */
const char	*activity_of(const struct snapshot *, enum activity *);

/* state.c: reading a view's part back; each returns -1 with err set */
int	 state_bad(struct loader *, const char *);
int	 state_int(struct loader *, json_t *, const char *, int64_t *);
int	 state_str(struct loader *, json_t *, const char *, int, char **);
int	 state_hash(struct loader *, json_t *, uint64_t *);
json_t	*state_hash_json(uint64_t);
json_t	*state_str_json(const char *);
void	 state_save_ring(json_t *, const char *, const char *,
	    const struct ring *);
int	 state_load_ring(struct loader *, json_t *, const char *,
	    const char *, struct ring *);

#endif /* ENGINE_H */
