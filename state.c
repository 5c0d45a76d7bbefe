/*
 * state.c: -S, the per-agent state carried from one run to the next, so
 * that a cron job reading one batch at a time gets the rows of one run
 * over the whole stream.
 *
 * The file is JSON, written by jansson: {"agentev_state": 1, "agents":
 * [...]}, one object per agent with what the engine keeps (its last
 * event, session and the EventIds the duplicate check needs) and each
 * view's part (intervals in progress, contacts in ACW), which the view
 * itself saves and loads.
 * It is written to a temporary file in the same directory, flushed,
 * synced and renamed over the old one, so a run killed at any moment
 * leaves the previous state as it was.
 */

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agentev.h"
#include "engine.h"

#define STATE_VERSION	1
#define KEEP_MS		(24 * HOUR_MS)	/* how long a logged-out agent stays */

static const char *const sessions[] = { "unknown", "open", "closed" };

/* Saving ------------------------------------------------------------- */

json_t *
state_hash_json(uint64_t h)
{
	char buf[17];

	snprintf(buf, sizeof(buf), "%016" PRIx64, h);
	return json_string(buf);
}

static json_t *
idset_json(const struct idset *s)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < s->cap; i++)
		if (s->slots[i] != 0)
			json_array_append_new(a, state_hash_json(s->slots[i]));
	return a;
}

json_t *
state_str_json(const char *s)
{
	return s ? json_string(s) : json_null();
}

#define str_or_null	state_str_json

/* The snapshot an agent keeps, in the state file's own terms. */
static json_t *
snapshot_json(const struct snapshot *s)
{
	json_t *o, *h, *contacts;
	size_t i;

	h = json_array();
	for (i = 0; i < 5; i++)
		json_array_append_new(h, str_or_null(s->hierarchy[i]));
	contacts = json_array();
	for (i = 0; i < s->ncontacts; i++)
		json_array_append_new(contacts, json_pack(
		    "{s:s,s:o,s:o,s:o,s:s,s:I}", "id", s->contacts[i].id,
		    "channel", str_or_null(s->contacts[i].channel),
		    "initiation_method",
		    str_or_null(s->contacts[i].initiation_method),
		    "queue", str_or_null(s->contacts[i].queue_name),
		    "state", s->contacts[i].state_name,
		    "state_start", (json_int_t)s->contacts[i].state_start));
	o = json_object();
	json_object_set_new(o, "status_arn", json_string(s->status_arn));
	json_object_set_new(o, "status_name", json_string(s->status_name));
	json_object_set_new(o, "status_type", str_or_null(s->status_type));
	json_object_set_new(o, "status_start",
	    json_integer(s->status_start));
	json_object_set_new(o, "next_status", str_or_null(s->next_status));
	json_object_set_new(o, "username", json_string(s->username));
	json_object_set_new(o, "first_name", str_or_null(s->first_name));
	json_object_set_new(o, "last_name", str_or_null(s->last_name));
	json_object_set_new(o, "routing_profile",
	    str_or_null(s->routing_profile));
	json_object_set_new(o, "hierarchy", h);
	json_object_set_new(o, "proficiencies",
	    str_or_null(s->proficiencies));
	json_object_set_new(o, "contacts", contacts);
	return o;
}

/* The agent's object: what the engine keeps, then each view's part. */
static json_t *
agent_json(const struct engine *e, const struct agent *a)
{
	json_t *o;
	size_t i;

	o = json_object();
	json_object_set_new(o, "arn", json_string(a->arn));
	json_object_set_new(o, "username", str_or_null(a->username));
	json_object_set_new(o, "seen", json_boolean(a->seen));
	json_object_set_new(o, "last_time", json_integer(a->last_time));
	json_object_set_new(o, "session", json_string(sessions[a->session]));
	json_object_set_new(o, "login_time", json_integer(a->login_time));
	for (i = 0; i < e->nviews; i++)
		if (e->views[i].ops->save != NULL)
			e->views[i].ops->save(a->part[i], o);
	json_object_set_new(o, "ids", json_pack("[o,o]",
	    idset_json(&a->ids[0]), idset_json(&a->ids[1])));
	json_object_set_new(o, "ids_since", json_integer(a->ids_since));
	json_object_set_new(o, "last", a->last ? snapshot_json(a->last) :
	    json_null());
	return o;
}

/* Whether an agent is done: logged out, nothing open, ids expired. */
static int
forgettable(const struct engine *e, const struct agent *a, int64_t newest)
{
	size_t i;

	for (i = 0; i < e->nviews; i++)
		if (e->views[i].ops->busy != NULL &&
		    e->views[i].ops->busy(a->part[i]))
			return 0;
	return a->session == SESSION_CLOSED &&
	    newest - a->last_time > KEEP_MS;
}

static int	fail(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * Write the state to path, atomically.  Returns 0, or -1 with err set; the
 * old file is then as it was.
 */
int
state_save(struct engine *e, const char *path, char *err, size_t errlen)
{
	char tmp[PATH_MAX], dir[PATH_MAX], *slash;
	json_t *root, *agents;
	int64_t newest = INT64_MIN;
	size_t i;
	FILE *fp;
	int fd, rc;

	for (i = 0; i < e->nagents; i++)
		if (e->order[i]->seen && e->order[i]->last_time > newest)
			newest = e->order[i]->last_time;
	agents = json_array();
	for (i = 0; i < e->nagents; i++)
		if (!forgettable(e, e->order[i], newest))
			json_array_append_new(agents,
			    agent_json(e, e->order[i]));
	root = json_pack("{s:i,s:o}", "agentev_state", STATE_VERSION,
	    "agents", agents);

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL) {
		slash[1] = '\0';
		rc = snprintf(tmp, sizeof(tmp), "%s.%s.XXXXXX", dir,
		    path + (slash - dir) + 1);
	} else {
		snprintf(dir, sizeof(dir), ".");
		rc = snprintf(tmp, sizeof(tmp), ".%s.XXXXXX", path);
	}
	if (rc < 0 || (size_t)rc >= sizeof(tmp)) {
		json_decref(root);
		return fail(err, errlen, "%s: name too long", path);
	}
	if ((fd = mkstemp(tmp)) == -1) {
		json_decref(root);
		return fail(err, errlen, "%s: %s", tmp, strerror(errno));
	}
	if ((fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(tmp);
		json_decref(root);
		return fail(err, errlen, "%s: %s", tmp, strerror(errno));
	}
	rc = json_dumpf(root, fp, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (rc == -1 || fputc('\n', fp) == EOF || fflush(fp) == EOF ||
	    fsync(fd) == -1) {
		rc = errno;
		fclose(fp);
		unlink(tmp);
		return fail(err, errlen, "%s: %s", tmp, strerror(rc));
	}
	if (fclose(fp) == EOF || rename(tmp, path) == -1) {
		rc = errno;
		unlink(tmp);
		return fail(err, errlen, "%s: %s", path, strerror(rc));
	}
	/* make the rename itself durable */
	if ((fd = open(slash ? dir : ".", O_RDONLY)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
	return 0;
}

/* Loading ------------------------------------------------------------ */

struct loader {
	const struct config	*cfg;
	char			*err;
	size_t			 errlen;
	size_t			 index;		/* agent being read */
};

int
state_bad(struct loader *l, const char *what)
{
	return fail(l->err, l->errlen, "agents[%zu]: %s", l->index, what);
}

int
state_int(struct loader *l, json_t *o, const char *key, int64_t *out)
{
	json_t *j = json_object_get(o, key);

	if (!json_is_integer(j))
		return state_bad(l, key);
	*out = (int64_t)json_integer_value(j);
	return 0;
}

/* A string or null, borrowed from the JSON; -1 when it is neither. */
static int
snap_str(struct loader *l, json_t *o, const char *key, int nullable,
    const char **out)
{
	json_t *j = json_object_get(o, key);

	*out = NULL;
	if (nullable && json_is_null(j))
		return 0;
	if (!json_is_string(j))
		return state_bad(l, key);
	*out = json_string_value(j);
	return 0;
}

/* The same, as a copy the agent owns. */
int
state_str(struct loader *l, json_t *o, const char *key, int nullable,
    char **out)
{
	const char *s;

	*out = NULL;
	if (snap_str(l, o, key, nullable, &s) == -1)
		return -1;
	*out = xstrdup(s);
	return 0;
}

int
state_hash(struct loader *l, json_t *j, uint64_t *out)
{
	const char *s = json_string_value(j);
	char *end;

	if (s == NULL || strlen(s) != 16)
		return state_bad(l, "hash");
	errno = 0;
	*out = (uint64_t)strtoull(s, &end, 16);
	if (errno != 0 || *end != '\0' || *out == 0)
		return state_bad(l, "hash");
	return 0;
}

static int
load_ids(struct loader *l, struct agent *a, json_t *ids)
{
	json_t *gen, *h;
	size_t g, i;
	uint64_t v;

	if (!json_is_array(ids) || json_array_size(ids) != 2)
		return state_bad(l, "ids");
	for (g = 0; g < 2; g++) {
		gen = json_array_get(ids, g);
		if (!json_is_array(gen))
			return state_bad(l, "ids");
		json_array_foreach(gen, i, h) {
			if (state_hash(l, h, &v) == -1)
				return -1;
			idset_add(&a->ids[g], v);
		}
	}
	return 0;
}

/* The agent's last snapshot, copied out of the file's JSON. */
static int
load_snapshot(struct loader *l, struct agent *a, json_t *o)
{
	struct snapshot s;
	struct contact *c;
	json_t *h, *cs, *j;
	size_t i;
	int rc = -1;

	if (json_is_null(o))
		return 0;
	memset(&s, 0, sizeof(s));
	s.present = 1;
	h = json_object_get(o, "hierarchy");
	cs = json_object_get(o, "contacts");
	if (!json_is_object(o) || !json_is_array(h) ||
	    json_array_size(h) != 5 || !json_is_array(cs) ||
	    json_array_size(cs) > MAX_CONTACTS)
		return state_bad(l, "last");
	if (snap_str(l, o, "status_arn", 0, &s.status_arn) ||
	    snap_str(l, o, "status_name", 0, &s.status_name) ||
	    snap_str(l, o, "status_type", 1, &s.status_type) ||
	    state_int(l, o, "status_start", &s.status_start) ||
	    snap_str(l, o, "next_status", 1, &s.next_status) ||
	    snap_str(l, o, "username", 0, &s.username) ||
	    snap_str(l, o, "first_name", 1, &s.first_name) ||
	    snap_str(l, o, "last_name", 1, &s.last_name) ||
	    snap_str(l, o, "routing_profile", 1, &s.routing_profile) ||
	    snap_str(l, o, "proficiencies", 1, &s.proficiencies))
		return -1;
	for (i = 0; i < 5; i++) {
		j = json_array_get(h, i);
		if (!json_is_null(j) && !json_is_string(j))
			return state_bad(l, "hierarchy");
		s.hierarchy[i] = json_string_value(j);
	}
	s.ncontacts = json_array_size(cs);
	if (s.ncontacts > 0 &&
	    (s.contacts = calloc(s.ncontacts, sizeof(*s.contacts))) == NULL)
		fatal_oom();
	json_array_foreach(cs, i, j) {
		c = &s.contacts[i];
		if (!json_is_object(j) || snap_str(l, j, "id", 0, &c->id) ||
		    snap_str(l, j, "channel", 1, &c->channel) ||
		    snap_str(l, j, "initiation_method", 1,
		    &c->initiation_method) ||
		    snap_str(l, j, "queue", 1, &c->queue_name) ||
		    snap_str(l, j, "state", 0, &c->state_name) ||
		    state_int(l, j, "state_start", &c->state_start))
			goto out;
		c->state = (enum contact_state)contact_state_of(c->state_name);
		c->connected = NO_TIME;
	}
	a->last = snapshot_copy(&s);
	rc = 0;
out:
	free(s.contacts);
	return rc;
}

static int
load_agent(struct loader *l, struct engine *e, json_t *o)
{
	json_t *j;
	struct agent *a;
	size_t i;

	if (!json_is_object(o) || !json_is_string(json_object_get(o, "arn")))
		return state_bad(l, "not an agent");
	a = engine_agent(e, json_string_value(json_object_get(o, "arn")));
	if (a->seen || a->last != NULL)
		return state_bad(l, "agent listed twice");
	if (state_str(l, o, "username", 1, &a->username) ||
	    state_int(l, o, "last_time", &a->last_time) ||
	    state_int(l, o, "login_time", &a->login_time) ||
	    state_int(l, o, "ids_since", &a->ids_since))
		return -1;
	if (!json_is_boolean(j = json_object_get(o, "seen")))
		return state_bad(l, "seen");
	a->seen = json_is_true(j);
	j = json_object_get(o, "session");
	for (i = 0; i < 3; i++)
		if (json_is_string(j) &&
		    strcmp(json_string_value(j), sessions[i]) == 0)
			break;
	if (i == 3)
		return state_bad(l, "session");
	a->session = (enum session)i;
	if (load_ids(l, a, json_object_get(o, "ids")) == -1)
		return -1;
	for (i = 0; i < e->nviews; i++)
		if (e->views[i].ops->load != NULL &&
		    e->views[i].ops->load(a->part[i], o, l) == -1)
			return -1;
	return load_snapshot(l, a, json_object_get(o, "last"));
}

/*
 * Load the state in path into a new engine.  A missing file is a fresh
 * start (0); a file that is not a state agentev wrote is refused (-1, err
 * set) and left alone.
 */
int
state_load(struct engine *e, const char *path, const struct config *cfg,
    char *err, size_t errlen)
{
	struct loader l = { cfg, err, errlen, 0 };
	json_error_t error;
	json_t *root, *agents, *o;
	int rc = 0;

	if (access(path, F_OK) == -1 && errno == ENOENT)
		return 0;
	if ((root = json_load_file(path, JSON_REJECT_DUPLICATES,
	    &error)) == NULL)
		return fail(err, errlen, "line %d: %s", error.line,
		    error.text);
	agents = json_object_get(root, "agents");
	if (!json_is_integer(json_object_get(root, "agentev_state")))
		rc = fail(err, errlen, "not an agentev state file");
	else if (json_integer_value(json_object_get(root,
	    "agentev_state")) != STATE_VERSION)
		rc = fail(err, errlen, "state version %" JSON_INTEGER_FORMAT
		    ", this agentev reads version %d",
		    json_integer_value(json_object_get(root, "agentev_state")),
		    STATE_VERSION);
	else if (!json_is_array(agents))
		rc = fail(err, errlen, "no agents array");
	else
		json_array_foreach(agents, l.index, o)
			if ((rc = load_agent(&l, e, o)) == -1)
				break;
	json_decref(root);
	return rc;
}

/*
 * Take the lock that keeps two runs off one state file: an flock(2) on
 * PATH.lock, which is never renamed.  Returns the descriptor to keep
 * open, or -1 with err set.
 */
int
state_lock(const char *path, char *err, size_t errlen)
{
	char lock[PATH_MAX];
	int fd;

	if ((size_t)snprintf(lock, sizeof(lock), "%s.lock", path) >=
	    sizeof(lock))
		return fail(err, errlen, "name too long");
	if ((fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1)
		return fail(err, errlen, "%s: %s", lock, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		int saved = errno;

		close(fd);
		if (saved == EWOULDBLOCK)
			return fail(err, errlen, "in use by another agentev "
			    "(locked: %s)", lock);
		return fail(err, errlen, "%s: %s", lock, strerror(saved));
	}
	return fd;
}
