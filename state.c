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
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
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
#define KEEP_MS		(24 * HOUR_MS)	/* a logged-out agent's ids stay */

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

/*
 * The agent's object: what the engine keeps, then each view's part;
 * without its EventIds when it is done with.
 */
static json_t *
agent_json(const struct engine *e, const struct agent *a, int done)
{
	static const struct idset none;
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
	    idset_json(done ? &none : &a->ids[0]),
	    idset_json(done ? &none : &a->ids[1])));
	json_object_set_new(o, "ids_since", json_integer(a->ids_since));
	json_object_set_new(o, "last", a->last ? snapshot_json(a->last) :
	    json_null());
	return o;
}

static int
held_order(const void *a, const void *b)
{
	const struct held *x = a, *y = b;

	if (x->ev->time != y->ev->time)
		return x->ev->time < y->ev->time ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static json_t	*held_json(const struct held *);

/* The events -w still holds, in the order they are to be applied. */
static json_t *
held_array(const struct engine *e)
{
	struct held *copy;
	json_t *arr = json_array();
	size_t i;

	copy = xrealloc(NULL, e->nheld, sizeof(*copy));
	memcpy(copy, e->held, e->nheld * sizeof(*copy));
	qsort(copy, e->nheld, sizeof(*copy), held_order);
	for (i = 0; i < e->nheld; i++)
		json_array_append_new(arr, held_json(&copy[i]));
	free(copy);
	return arr;
}

/* A ring of ContactIds: its hashes under key, where it goes on next. */
void
state_save_ring(json_t *o, const char *key, const char *next,
    const struct ring *r)
{
	json_t *arr = json_array();
	size_t i, n = r->n < RING_SIZE ? r->n : RING_SIZE;

	for (i = 0; i < n; i++)
		json_array_append_new(arr, state_hash_json(r->h[i]));
	json_object_set_new(o, key, arr);
	json_object_set_new(o, next, json_integer((json_int_t)(r->n %
	    RING_SIZE)));
}

int
state_load_ring(struct loader *l, json_t *o, const char *key,
    const char *next, struct ring *r)
{
	json_t *arr = json_object_get(o, key), *h;
	int64_t n;
	size_t i;

	if (!json_is_array(arr) || json_array_size(arr) > RING_SIZE ||
	    state_int(l, o, next, &n) == -1 || n < 0 || n >= RING_SIZE)
		return state_bad(l, key);
	json_array_foreach(arr, i, h)
		if (state_hash(l, h, &r->h[i]) == -1)
			return -1;
	/* resume the ring where it was; a full ring counts from its start */
	r->n = json_array_size(arr) < RING_SIZE ? (size_t)n :
	    RING_SIZE + (size_t)n;
	return 0;
}

/*
 * Whether an agent is done with: logged out, nothing open, ids expired.
 * It stays in the state (now lists it as logged out), without its ids.
 */
static int
done_with(const struct engine *e, const struct agent *a, int64_t newest)
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
 * The file a state path names: where its symbolic links lead (in buf),
 * also to a file not made yet, so that a save replaces the file, not the
 * link, and the lock is the file's whichever path names it.  A link's
 * relative target is relative to the link's directory.  A path too long,
 * or links that go on and on, are taken as they are.
 */
static const char *
followed(const char *path, char *buf)
{
	char to[PATH_MAX], next[PATH_MAX];
	const char *slash;
	struct stat sb;
	ssize_t n;
	int hops, rc;

	if ((size_t)snprintf(buf, PATH_MAX, "%s", path) >= PATH_MAX)
		return path;
	for (hops = 0; lstat(buf, &sb) == 0 && S_ISLNK(sb.st_mode); hops++) {
		if (hops == 40 ||
		    (n = readlink(buf, to, sizeof(to) - 1)) <= 0)
			return path;
		to[n] = '\0';
		if (to[0] == '/' || (slash = strrchr(buf, '/')) == NULL)
			rc = snprintf(next, sizeof(next), "%s", to);
		else
			rc = snprintf(next, sizeof(next), "%.*s/%s",
			    (int)(slash - buf), buf, to);
		if (rc < 0 || (size_t)rc >= sizeof(next))
			return path;
		memcpy(buf, next, (size_t)rc + 1);
	}
	return buf;
}

/*
 * Write the state to path, atomically.  Returns 0, or -1 with err set; the
 * old file is then as it was.
 */
int
state_save(struct engine *e, const char *path, char *err, size_t errlen)
{
	char tmp[PATH_MAX], dir[PATH_MAX], target[PATH_MAX], *slash;
	json_t *root, *agents;
	struct stat sb;
	mode_t mode;
	int64_t newest = INT64_MIN;
	size_t i;
	FILE *fp;
	int fd, rc;

	for (i = 0; i < e->nagents; i++)
		if (e->order[i]->seen && e->order[i]->last_time > newest)
			newest = e->order[i]->last_time;
	agents = json_array();
	for (i = 0; i < e->nagents; i++)
		json_array_append_new(agents, agent_json(e, e->order[i],
		    done_with(e, e->order[i], newest)));
	root = json_pack("{s:i,s:o}", "agentev_state", STATE_VERSION,
	    "agents", agents);
	json_object_set_new(root, "clock", json_integer(e->clock));
	if (e->nheld > 0) {
		json_object_set_new(root, "held", held_array(e));
		json_object_set_new(root, "newest_read",
		    json_integer(e->newest_read));
	}

	/* a link stays one; the file keeps its mode */
	path = followed(path, target);
	mode = stat(path, &sb) == 0 ? sb.st_mode & 07777 : 0600;
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
	if (fchmod(fd, mode) == -1 || (fp = fdopen(fd, "w")) == NULL) {
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
	const char		*list;		/* "agents" or "held" */
	size_t			 index;		/* element being read */
};

int
state_bad(struct loader *l, const char *what)
{
	return fail(l->err, l->errlen, "%s[%zu]: %s", l->list, l->index,
	    what);
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
/*
 * A snapshot in the file's terms, into s with its strings borrowed from
 * the JSON and s->contacts allocated (free it); null leaves s absent.
 */
static int
read_snapshot(struct loader *l, json_t *o, struct snapshot *s_out)
{
	struct snapshot s;
	struct contact *c;
	json_t *h, *cs, *j;
	size_t i;

	memset(s_out, 0, sizeof(*s_out));
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
		    state_int(l, j, "state_start", &c->state_start)) {
			free(s.contacts);
			return -1;
		}
		c->state = (enum contact_state)contact_state_of(c->state_name);
		c->connected = NO_TIME;
	}
	*s_out = s;
	return 0;
}

/* The agent's last snapshot, copied out of the file's JSON. */
static int
load_snapshot(struct loader *l, struct agent *a, json_t *o)
{
	struct snapshot s;

	if (read_snapshot(l, o, &s) == -1)
		return -1;
	if (s.present)
		a->last = snapshot_copy(&s);
	free(s.contacts);
	return 0;
}

/* An event -w still held at the end of the last run. */
static json_t *
held_json(const struct held *h)
{
	const struct event *ev = h->ev;

	return json_pack("{s:s,s:s,s:s,s:i,s:I,s:s,s:I,s:o,s:o}",
	    "arn", ev->agent_arn, "id", ev->event_id, "type_name",
	    ev->type_name, "type", (int)ev->type, "time",
	    (json_int_t)ev->time, "file", h->file, "line",
	    (json_int_t)h->line, "cur", ev->cur.present ?
	    snapshot_json(&ev->cur) : json_null(), "prev", ev->prev.present ?
	    snapshot_json(&ev->prev) : json_null());
}

static int
load_held(struct loader *l, struct engine *e, json_t *o)
{
	struct event *ev;
	int64_t type, time, line;
	const char *arn, *id, *name, *file;
	int rc = -1;

	if (!json_is_object(o) || snap_str(l, o, "arn", 0, &arn) ||
	    snap_str(l, o, "id", 0, &id) ||
	    snap_str(l, o, "type_name", 0, &name) ||
	    snap_str(l, o, "file", 0, &file) ||
	    state_int(l, o, "type", &type) || state_int(l, o, "time", &time) ||
	    state_int(l, o, "line", &line) || type < 0 || type > EV_UNKNOWN ||
	    line < 0)
		return state_bad(l, "held event");
	if ((ev = calloc(1, sizeof(*ev))) == NULL)
		fatal_oom();
	ev->agent_arn = arn;
	ev->event_id = id;
	ev->type_name = name;
	ev->type = (enum event_type)type;
	ev->time = time;
	if (read_snapshot(l, json_object_get(o, "cur"), &ev->cur) == 0 &&
	    read_snapshot(l, json_object_get(o, "prev"), &ev->prev) == 0) {
		struct contact *cc = ev->cur.contacts, *pc = ev->prev.contacts;

		event_detach(ev);	/* copies what it borrowed */
		free(cc);
		free(pc);
		engine_hold(e, ev, file, (uint64_t)line);
		return 0;
	}
	free(ev->cur.contacts);
	free(ev);
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

/* The clock and what -w held; files from before them have neither. */
static int
load_engine(struct loader *l, struct engine *e, json_t *root)
{
	json_t *held = json_object_get(root, "held"), *o;
	int64_t t;

	if (json_object_get(root, "clock") != NULL) {
		if (state_int(l, root, "clock", &t) == -1)
			return -1;
		e->clock = e->start_clock = t;
	}
	if (held == NULL)
		return 0;
	l->list = "held";
	if (!json_is_array(held) ||
	    state_int(l, root, "newest_read", &e->newest_read) == -1)
		return state_bad(l, "held events");
	json_array_foreach(held, l->index, o)
		if (load_held(l, e, o) == -1)
			return -1;
	return 0;
}

/*
 * Whether path can be a state file: not a directory, in a directory that
 * exists.  Returns 0, or -2 with err set.
 */
static int
check_path(const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX], *slash;
	struct stat sb;

	if (stat(path, &sb) == 0) {
		if (S_ISDIR(sb.st_mode)) {
			(void)fail(err, errlen, "is a directory; -S names the "
			    "state file itself");
			return -2;
		}
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		return 0;
	slash[slash == dir] = '\0';	/* "/x" is in "/" */
	if (stat(dir, &sb) == -1 && errno == ENOENT) {
		(void)fail(err, errlen, "directory %s does not exist", dir);
		return -2;
	}
	if (stat(dir, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
		(void)fail(err, errlen, "%s is not a directory", dir);
		return -2;
	}
	return 0;
}

/*
 * Load the state in path into a new engine.  A missing or empty file is a
 * fresh start (0); a file that is not a state agentev wrote is refused
 * (-1, err set) and left alone; a path that cannot be a state file (a
 * directory, or in a directory that does not exist) is -2.
 */
int
state_load(struct engine *e, const char *path, const struct config *cfg,
    char *err, size_t errlen)
{
	struct loader l = { cfg, err, errlen, "agents", 0 };
	json_error_t error;
	json_t *root, *agents, *o;
	struct stat sb;
	FILE *fp;
	int rc = 0;

	if (check_path(path, err, errlen) == -2)
		return -2;
	if (access(path, F_OK) == -1 && errno == ENOENT)
		return 0;
	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size == 0)
		return 0;	/* e.g. made by touch, or by mktemp */
	if ((fp = fopen(path, "r")) == NULL)
		return fail(err, errlen, "%s", strerror(errno));
	root = json_loadf(fp, JSON_REJECT_DUPLICATES, &error);
	fclose(fp);
	if (root == NULL)
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
	if (rc == 0)
		rc = load_engine(&l, e, root);
	json_decref(root);
	return rc;
}

/*
 * Take the lock that keeps two runs off one state file: an flock(2) on
 * PATH.lock, which is never renamed.  Returns the descriptor to keep
 * open, or -1 with err set (-2 when path cannot be a state file).
 */
int
state_lock(const char *path, char *err, size_t errlen)
{
	char lock[PATH_MAX], target[PATH_MAX];
	int fd;

	if (check_path(path, err, errlen) == -2)
		return -2;
	path = followed(path, target);
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
