/*
 * engine.h: the per-agent state behind acw.c, shared with state.c, which
 * saves and loads it for -S.  Private to those two files.
 */

#ifndef ENGINE_H
#define ENGINE_H

#include "agentev.h"

#define HOUR_MS		(3600 * (int64_t)1000)
#define DUP_GENERATION	(12 * HOUR_MS)	/* ids live 12 to 24 hours */
#define DUP_MAX		4096		/* ids per generation */
#define CLOSED_RING	64		/* recently ended ACWs remembered */

/* A set of 64-bit EventId hashes (open addressing, 0 = empty). */
struct idset {
	uint64_t	*slots;
	size_t		 cap;		/* a power of two, or 0 */
	size_t		 count;
};

/* A contact in after-contact work. */
struct acw {
	char		*contact_id;
	char		*channel;
	char		*initiation_method;
	char		*queue;
	int64_t		 start;
};

enum session { SESSION_UNKNOWN, SESSION_OPEN, SESSION_CLOSED };

/* A contact the summary has counted, while the snapshot lists it. */
struct counted {
	uint64_t	 id;		/* ContactId hash */
	unsigned	 states;	/* 1 connected, 2 missed, 4 rejected */
};

struct agent {
	char		*arn;
	char		*username;
	struct snapshot	*last;		/* of the last in-order event, a copy */
	int64_t		 last_time;	/* newest EventTimestamp seen */
	int		 seen;		/* last_time is set */
	enum session	 session;
	int64_t		 login_time;
	/* the status interval in progress */
	int		 status_open;
	char		*status_arn;
	char		*status_name;
	char		*status_type;
	int64_t		 status_start;
	/* the activity interval in progress */
	char		*activity;	/* NULL when none */
	enum activity	 activity_kind;
	int64_t		 activity_start;
	/* contacts in ACW */
	struct acw	*acws;
	size_t		 nacws;
	size_t		 acws_cap;
	uint64_t	 closed[CLOSED_RING];	/* ContactId hashes */
	size_t		 nclosed;
	/* duplicate detection: two generations of EventIds */
	struct idset	 ids[2];
	int64_t		 ids_since;	/* when ids[0] was started */
	/* summary */
	struct tallies	 tallies;
	struct counted	*counted;
	size_t		 ncounted;
	size_t		 counted_cap;
};

struct engine {
	enum command	 command;
	struct output	*out;
	struct counts	*counts;
	struct agent	**table;	/* open addressing on the ARN */
	size_t		 cap;
	struct agent	**order;	/* agents in first-seen order */
	size_t		 nagents;
	size_t		 order_cap;
};

struct agent	*engine_agent(struct engine *, const char *);
void	 agent_clear(struct agent *);
uint64_t hash(const char *);
char	*xstrdup(const char *);
void	*xrealloc(void *, size_t, size_t);
void	 idset_add(struct idset *, uint64_t);

#endif /* ENGINE_H */
