/*
 * R3 — Administrators. Who holds root: uid 0, admin groups, sudoers rules
 * granting ALL as root; passwordless sudo; duplicate uid 0; root over SSH.
 *
 * admin.excess must stay fast on large directories (10,000 accounts, 2,000
 * groups, 1,000 sudoers rules): accounts and groups are indexed once per
 * evaluation (names in hash tables, uids and gids in sorted arrays), the
 * ways are interned so duplicates compare by pointer, and each sudoers
 * rule is resolved with a generation stamp per account: the cost is about
 * O((accounts + groups) log n + entries matched), ~50 ms in the worst
 * case measured (every account an administrator by ~20 ways).
 *
 * A user entry ALL is never expanded per account (40,000 rules "ALL" over
 * 40,000 accounts would be quadratic): each rule records where its last
 * ALL and !ALL stand, only the accounts its other entries match are
 * looked at, and one pass at the end grants the ALL way to every account
 * that can log in and is not excluded from every such rule.
 */
#include "util/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/rules.h"
#include "core/rules/common.h"
#include "util/banned.h"

/*
 * Ways kept per administrator in the evidence. Real hosts have a handful;
 * a hostile facts document could list thousands of rules granting one
 * account, and the evidence must stay small: the rest are counted.
 */
#define ADMIN_MAX_VIA 64
/* Rules granting ALL listed in the evidence ("all_users"); rest counted. */
#define ADMIN_MAX_ALL_LISTED 64

/* uids and gids are 32-bit unsigned on Linux. */
#define ID_MAX INT64_C(4294967295)

#define NONE SIZE_MAX

struct by_name {
	const char *key;
	size_t idx;
};

struct by_num {
	int64_t key;
	size_t idx;
};

/*
 * A string -> index hash table (open addressing, FNV-1a), sized once for
 * a known number of keys so it never grows. Keys are borrowed.
 */
struct strtab {
	const char **keys;
	size_t *vals;
	size_t mask; /* capacity - 1, capacity a power of two */
};

static uint64_t
str_hash(const char *s)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
	return h;
}

/* Room for n keys at a load factor of at most one half. */
static enum vg_rc
strtab_init(struct strtab *t, size_t n)
{
	size_t cap = 16;

	while (cap < n * 2 + 2) {
		if (cap > SIZE_MAX / 4)
			return VG_ERR_NOMEM;
		cap *= 2;
	}
	t->keys = calloc(cap, sizeof(*t->keys));
	t->vals = calloc(cap, sizeof(*t->vals));
	t->mask = cap - 1;
	return t->keys != NULL && t->vals != NULL ? VG_OK : VG_ERR_NOMEM;
}

static void
strtab_release(struct strtab *t)
{
	free(t->keys);
	free(t->vals);
}

/* The slot of key: where it is, or the empty slot where it belongs. */
static size_t
strtab_slot(const struct strtab *t, const char *key)
{
	size_t i = (size_t)str_hash(key) & t->mask;

	while (t->keys[i] != NULL && strcmp(t->keys[i], key) != 0)
		i = (i + 1) & t->mask;
	return i;
}

static size_t
strtab_get(const struct strtab *t, const char *key)
{
	size_t i = strtab_slot(t, key);

	return t->keys[i] != NULL ? t->vals[i] : NONE;
}

/* Add key -> val unless key is there; the table has room (init). */
static void
strtab_put(struct strtab *t, const char *key, size_t val)
{
	size_t i = strtab_slot(t, key);

	if (t->keys[i] == NULL) {
		t->keys[i] = key;
		t->vals[i] = val;
	}
}

/* Both orders break ties by position, so results are deterministic. */
static int
by_name_cmp(const void *x, const void *y)
{
	const struct by_name *a = x, *b = y;
	int d = strcmp(a->key, b->key);

	if (d != 0)
		return d;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int
by_num_cmp(const void *x, const void *y)
{
	const struct by_num *a = x, *b = y;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* The first position of a[0..n) whose key is not below key. */
static size_t
num_lower(const struct by_num *a, size_t n, int64_t key)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (a[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Sort a by name and map each name to its first position in a. */
static enum vg_rc
name_index(struct by_name *a, size_t n, struct strtab *t)
{
	enum vg_rc rc;
	size_t i;

	qsort(a, n, sizeof(*a), by_name_cmp);
	if ((rc = strtab_init(t, n)) != VG_OK)
		return rc;
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(a[i - 1].key, a[i].key) != 0)
			strtab_put(t, a[i].key, i);
	return VG_OK;
}

/* The ways one account is administrator (borrowed from the pool). */
struct ways {
	json_t **w;
	size_t n, cap;
	size_t more; /* ways past ADMIN_MAX_VIA */
};

/* The state of one admin.excess evaluation. */
struct admins {
	const struct vg_facts *f;
	struct by_name *acc_name; /* accounts by name */
	struct strtab acc_tab;    /* name -> first position in acc_name */
	struct by_num *acc_uid;   /* accounts by uid */
	struct by_num *acc_gid;   /* accounts by primary gid */
	struct by_name *grp_name; /* groups by name */
	struct strtab grp_tab;    /* name -> first position in grp_name */
	struct by_num *grp_gid;   /* groups by gid */
	bool *login;              /* account can log in */
	struct ways *via;         /* per account: its ways */
	/* Ways are interned (one JSON string per text, owned by pool), so
	 * an account's ways are told apart by pointer. */
	struct strtab way_tab; /* text -> position in pool */
	json_t **pool;
	size_t n_pool, cap_pool;
	/* One sudoers rule at a time: the accounts its entries matched
	 * (touched, stamped with gen) and the entry that matched last. */
	uint32_t *stamp;
	uint32_t gen;
	size_t *decider;
	size_t *touched, n_touched;
	size_t pos;        /* the entry being matched */
	json_t *all_users; /* rules granting every user through ALL */
	size_t all_more;   /* such rules past ADMIN_MAX_ALL_LISTED */
	/* The rules whose last ALL-type user entry is a plain ALL, in
	 * order, with that entry's position and way (found on first use). */
	const struct vg_sudo_rule **all_rule;
	size_t *all_pos;
	json_t **all_way;
	size_t n_all;
	/* Per account: how many of the first ALL rules do NOT grant it; the
	 * next one (when there is one) does. */
	size_t *all_skip;
	size_t n_login; /* accounts that can log in */
	enum vg_rc rc;  /* sticky: VG_ERR_NOMEM once memory ran out */
};

typedef void (*each_fn)(struct admins *ad, size_t idx, json_t *arg);

static void
admins_release(struct admins *ad)
{
	size_t i;

	if (ad->via != NULL)
		for (i = 0; i < ad->f->n_accounts; i++)
			free(ad->via[i].w);
	for (i = 0; i < ad->n_pool; i++)
		json_decref(ad->pool[i]);
	free(ad->pool);
	strtab_release(&ad->way_tab);
	strtab_release(&ad->acc_tab);
	strtab_release(&ad->grp_tab);
	free(ad->acc_name);
	free(ad->acc_uid);
	free(ad->acc_gid);
	free(ad->grp_name);
	free(ad->grp_gid);
	free(ad->login);
	free(ad->via);
	free(ad->stamp);
	free(ad->decider);
	free(ad->touched);
	free(ad->all_rule);
	free(ad->all_pos);
	free(ad->all_way);
	free(ad->all_skip);
	json_decref(ad->all_users);
}

/* Every distinct way a policy and facts can produce: uid 0, one per
 * group, one per entry of a rule granting ALL as root. */
static size_t
ways_bound(const struct vg_facts *f)
{
	size_t n = 1 + f->n_groups, i;

	for (i = 0; i < f->n_sudo_rules; i++)
		n += f->sudo_rules[i].n_users;
	return n;
}

/* Build the indexes; VG_ERR_NOMEM on failure (release frees the rest). */
static enum vg_rc
admins_init(struct admins *ad, const struct vg_facts *f)
{
	size_t na = f->n_accounts, ng = f->n_groups, i;
	enum vg_rc rc;

	memset(ad, 0, sizeof(*ad));
	ad->f = f;
	/* calloc(0) may return NULL: allocate one element at least. */
	ad->acc_name = calloc(na + 1, sizeof(*ad->acc_name));
	ad->acc_uid = calloc(na + 1, sizeof(*ad->acc_uid));
	ad->acc_gid = calloc(na + 1, sizeof(*ad->acc_gid));
	ad->grp_name = calloc(ng + 1, sizeof(*ad->grp_name));
	ad->grp_gid = calloc(ng + 1, sizeof(*ad->grp_gid));
	ad->login = calloc(na + 1, sizeof(*ad->login));
	ad->via = calloc(na + 1, sizeof(*ad->via));
	ad->stamp = calloc(na + 1, sizeof(*ad->stamp));
	ad->decider = calloc(na + 1, sizeof(*ad->decider));
	ad->touched = calloc(na + 1, sizeof(*ad->touched));
	ad->all_skip = calloc(na + 1, sizeof(*ad->all_skip));
	ad->all_rule = calloc(f->n_sudo_rules + 1, sizeof(*ad->all_rule));
	ad->all_pos = calloc(f->n_sudo_rules + 1, sizeof(*ad->all_pos));
	ad->all_way = calloc(f->n_sudo_rules + 1, sizeof(*ad->all_way));
	ad->cap_pool = ways_bound(f);
	ad->pool = calloc(ad->cap_pool, sizeof(*ad->pool));
	ad->all_users = json_array();
	if (ad->acc_name == NULL || ad->acc_uid == NULL ||
	    ad->acc_gid == NULL || ad->grp_name == NULL ||
	    ad->grp_gid == NULL || ad->login == NULL || ad->via == NULL ||
	    ad->stamp == NULL || ad->decider == NULL || ad->touched == NULL ||
	    ad->pool == NULL || ad->all_users == NULL || ad->all_skip == NULL ||
	    ad->all_rule == NULL || ad->all_pos == NULL || ad->all_way == NULL)
		return VG_ERR_NOMEM;
	if ((rc = strtab_init(&ad->way_tab, ad->cap_pool)) != VG_OK)
		return rc;
	for (i = 0; i < na; i++) {
		const struct vg_account *a = &f->accounts[i];

		ad->acc_name[i] = (struct by_name){vg_rule_str(a->name), i};
		ad->acc_uid[i] = (struct by_num){a->uid, i};
		ad->acc_gid[i] = (struct by_num){a->gid, i};
		ad->login[i] = vg_rule_can_log_in(f, a);
		ad->n_login += ad->login[i];
	}
	for (i = 0; i < ng; i++) {
		ad->grp_name[i] =
			(struct by_name){vg_rule_str(f->groups[i].name), i};
		ad->grp_gid[i] = (struct by_num){f->groups[i].gid, i};
	}
	qsort(ad->acc_uid, na, sizeof(*ad->acc_uid), by_num_cmp);
	qsort(ad->acc_gid, na, sizeof(*ad->acc_gid), by_num_cmp);
	qsort(ad->grp_gid, ng, sizeof(*ad->grp_gid), by_num_cmp);
	if ((rc = name_index(ad->acc_name, na, &ad->acc_tab)) != VG_OK)
		return rc;
	return name_index(ad->grp_name, ng, &ad->grp_tab);
}

/*
 * A way to be administrator (printf-style), interned: the one JSON
 * string of that text, borrowed from the pool. NULL on no memory.
 */
static json_t *way_get(struct admins *ad, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static json_t *
way_get(struct admins *ad, const char *fmt, ...)
{
	va_list ap;
	json_t *j = NULL;
	size_t slot;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	/* Interned by the JSON text (invalid UTF-8 bytes already replaced),
	 * which is also the key kept: it outlives s. Calls are bounded by
	 * ways_bound(), so the string built before the look-up is cheap. */
	j = vg_rule_str_json(s);
	free(s);
	if (j == NULL)
		return NULL;
	slot = strtab_slot(&ad->way_tab, json_string_value(j));
	if (ad->way_tab.keys[slot] != NULL) {
		json_decref(j);
		return ad->pool[ad->way_tab.vals[slot]];
	}
	if (ad->n_pool >= ad->cap_pool) {
		json_decref(j);
		return NULL;
	}
	ad->way_tab.keys[slot] = json_string_value(j);
	ad->way_tab.vals[slot] = ad->n_pool;
	ad->pool[ad->n_pool++] = j;
	return j;
}

/* Record that account idx is an administrator by way (interned). */
static void
grant(struct admins *ad, size_t idx, json_t *way)
{
	struct ways *v = &ad->via[idx];
	json_t **w;
	size_t k;

	/* Primary and supplementary member of one group, or two rules
	 * of one line: say each way once. */
	for (k = 0; k < v->n; k++)
		if (v->w[k] == way)
			return;
	if (v->n >= ADMIN_MAX_VIA) {
		v->more++;
		return;
	}
	if (v->n == v->cap) {
		if ((w = reallocarray(v->w, v->cap ? v->cap * 2 : 4,
				      sizeof(*w))) == NULL) {
			ad->rc = VG_ERR_NOMEM;
			return;
		}
		v->w = w;
		v->cap = v->cap ? v->cap * 2 : 4;
	}
	v->w[v->n++] = way;
}

static void
each_grant(struct admins *ad, size_t idx, json_t *way)
{
	grant(ad, idx, way);
}

/* Note that the current entry of a sudoers rule matches account idx. */
static void
each_mark(struct admins *ad, size_t idx, json_t *unused)
{
	(void)unused;
	if (ad->stamp[idx] != ad->gen) {
		ad->stamp[idx] = ad->gen;
		ad->touched[ad->n_touched++] = idx;
	}
	ad->decider[idx] = ad->pos;
}

/* Call fn on every account named name. */
static void
each_named(struct admins *ad, const char *name, each_fn fn, json_t *arg)
{
	size_t n = ad->f->n_accounts, i;

	if ((i = strtab_get(&ad->acc_tab, name)) == NONE)
		return;
	for (; i < n && strcmp(ad->acc_name[i].key, name) == 0; i++)
		fn(ad, ad->acc_name[i].idx, arg);
}

/* Call fn on every account whose uid (or primary gid) is id. */
static void
each_id(struct admins *ad, const struct by_num *ix, int64_t id, each_fn fn,
	json_t *arg)
{
	size_t n = ad->f->n_accounts, i;

	for (i = num_lower(ix, n, id); i < n && ix[i].key == id; i++)
		fn(ad, ix[i].idx, arg);
}

/* Call fn on the supplementary members of group g that are accounts. */
static void
each_member(struct admins *ad, const struct vg_group *g, each_fn fn,
	    json_t *arg)
{
	size_t i;

	for (i = 0; i < g->n_members; i++)
		if (g->members[i] != NULL)
			each_named(ad, g->members[i], fn, arg);
}

/* Call fn on every account in group g, primary or supplementary. */
static void
each_in_group(struct admins *ad, const struct vg_group *g, each_fn fn,
	      json_t *arg)
{
	each_id(ad, ad->acc_gid, g->gid, fn, arg);
	each_member(ad, g, fn, arg);
}

/*
 * Mark the accounts a sudoers user entry matches (sudoers(5) User_List):
 * a name, "#uid", "%group" or "%#gid" (ALL is resolved by resolve_rule
 * without marking anyone). Netgroups ("+ng") and non-Unix groups ("%:g")
 * cannot be resolved from local files.
 */
static void
match_entry(struct admins *ad, const struct vg_sudo_user *u)
{
	const struct vg_facts *f = ad->f;
	const char *name = u->name;
	size_t ng = f->n_groups, i;
	int64_t id;

	if (name == NULL || strcmp(name, "ALL") == 0)
		return;
	if (name[0] == '%' && name[1] == '#') {
		if (vg_parse_intz(name + 2, 0, ID_MAX, &id) != VG_OK)
			return;
		each_id(ad, ad->acc_gid, id, each_mark, NULL);
		for (i = num_lower(ad->grp_gid, ng, id);
		     i < ng && ad->grp_gid[i].key == id; i++)
			each_member(ad, &f->groups[ad->grp_gid[i].idx],
				    each_mark, NULL);
	} else if (name[0] == '%' && name[1] != ':') {
		if ((i = strtab_get(&ad->grp_tab, name + 1)) == NONE)
			return;
		for (; i < ng && strcmp(ad->grp_name[i].key, name + 1) == 0;
		     i++)
			each_in_group(ad, &f->groups[ad->grp_name[i].idx],
				      each_mark, NULL);
	} else if (name[0] == '#') {
		if (vg_parse_intz(name + 1, 0, ID_MAX, &id) == VG_OK)
			each_id(ad, ad->acc_uid, id, each_mark, NULL);
	} else if (name[0] != '+' && name[0] != '%') {
		each_named(ad, name, each_mark, NULL);
	}
}

/* The way of user entry u of rule (borrowed), or NULL on no memory. */
static json_t *
entry_way(struct admins *ad, const struct vg_sudo_rule *rule,
	  const struct vg_sudo_user *u)
{
	const char *file = vg_rule_str(rule->file);

	return u->alias != NULL
		? way_get(ad, "sudoers %s:%d %s (alias %s)", file, rule->line,
			  u->name, u->alias)
		: way_get(ad, "sudoers %s:%d %s", file, rule->line, u->name);
}

/* Note rule as one granting ALL: in all_users, and in all_rule. */
static void
note_all_rule(struct admins *ad, const struct vg_sudo_rule *rule, size_t pos,
	      bool grants)
{
	json_t *w;

	ad->all_rule[ad->n_all] = rule;
	ad->all_pos[ad->n_all] = pos;
	ad->n_all++;
	if (!grants)
		return;
	if (json_array_size(ad->all_users) >= ADMIN_MAX_ALL_LISTED) {
		ad->all_more++;
		return;
	}
	if ((w = vg_rule_str_json(vg_rule_str(rule->file))) == NULL ||
	    json_array_append_new(ad->all_users,
				  json_sprintf("%s:%d", json_string_value(w),
					       rule->line)) != 0)
		ad->rc = VG_ERR_NOMEM;
	json_decref(w);
}

/*
 * Grant the accounts a rule gives ALL as root. Per sudoers(5) the last
 * entry matching an account decides: negated, the account is refused.
 * ALL matches every account that can log in and "!ALL" every account:
 * they are not expanded, only their last positions kept (1-based, 0 for
 * none). An account another entry matches after them is decided by that
 * entry; every other account is decided by the later of the two. cache
 * holds each entry's way (borrowed), found on first use.
 */
static void
resolve_rule(struct admins *ad, const struct vg_sudo_rule *rule, json_t **cache)
{
	const struct vg_sudo_user *u;
	size_t i, idx, d1, all1, pos_all = 0, neg_all = 0, excluded = 0;
	const size_t k = ad->n_all;
	bool all_rule;

	/* A new generation forgets the previous rule's marks. */
	if (++ad->gen == 0) {
		memset(ad->stamp, 0, ad->f->n_accounts * sizeof(*ad->stamp));
		ad->gen = 1;
	}
	ad->n_touched = 0;
	for (ad->pos = 0; ad->pos < rule->n_users; ad->pos++) {
		u = &rule->users[ad->pos];
		cache[ad->pos] = NULL;
		if (u->name != NULL && strcmp(u->name, "ALL") == 0) {
			if (u->negated)
				neg_all = ad->pos + 1;
			else
				pos_all = ad->pos + 1;
			continue;
		}
		match_entry(ad, u);
	}
	/* The rule's last word on "everyone" is a plain ALL. */
	all_rule = pos_all > neg_all;
	for (i = 0; i < ad->n_touched && ad->rc == VG_OK; i++) {
		idx = ad->touched[i];
		d1 = ad->decider[idx] + 1;
		all1 = ad->login[idx] && pos_all > neg_all ? pos_all : neg_all;
		if (d1 < all1)
			continue; /* ALL grants it, or !ALL refuses it */
		if (all_rule && ad->login[idx]) {
			/* Not this rule's ALL: the account needs a later
			 * ALL rule (all_skip counts the leading misses). */
			excluded++;
			if (ad->all_skip[idx] == k)
				ad->all_skip[idx] = k + 1;
		}
		u = &rule->users[d1 - 1];
		if (u->negated)
			continue;
		if (cache[d1 - 1] == NULL &&
		    (cache[d1 - 1] = entry_way(ad, rule, u)) == NULL) {
			ad->rc = VG_ERR_NOMEM;
			break;
		}
		grant(ad, idx, cache[d1 - 1]);
	}
	if (all_rule && ad->rc == VG_OK)
		note_all_rule(ad, rule, pos_all - 1, excluded < ad->n_login);
}

/*
 * The ALL grants, once per evaluation: each account that can log in
 * gets the way of the first ALL rule that does not exclude it.
 */
static void
grant_all(struct admins *ad)
{
	const struct vg_sudo_rule *rule;
	size_t i, k;

	for (i = 0; i < ad->f->n_accounts && ad->rc == VG_OK; i++) {
		if (!ad->login[i] || (k = ad->all_skip[i]) >= ad->n_all)
			continue;
		rule = ad->all_rule[k];
		if (ad->all_way[k] == NULL &&
		    (ad->all_way[k] = entry_way(
			     ad, rule, &rule->users[ad->all_pos[k]])) == NULL) {
			ad->rc = VG_ERR_NOMEM;
			return;
		}
		grant(ad, i, ad->all_way[k]);
	}
}

/* Every sudoers rule granting ALL commands as root. */
static void
grant_sudoers(struct admins *ad)
{
	const struct vg_facts *f = ad->f;
	size_t i, max_users = 0;
	json_t **cache;

	for (i = 0; i < f->n_sudo_rules; i++)
		if (f->sudo_rules[i].n_users > max_users)
			max_users = f->sudo_rules[i].n_users;
	if ((cache = calloc(max_users + 1, sizeof(*cache))) == NULL) {
		ad->rc = VG_ERR_NOMEM;
		return;
	}
	for (i = 0; i < f->n_sudo_rules && ad->rc == VG_OK; i++)
		if (f->sudo_rules[i].runas_root &&
		    f->sudo_rules[i].all_commands)
			resolve_rule(ad, &f->sudo_rules[i], cache);
	free(cache);
	grant_all(ad);
}

/* Members of the policy's admin groups, primary or supplementary. */
static void
grant_groups(struct admins *ad, const struct vg_policy *p)
{
	const struct vg_group *g;
	json_t *way;
	size_t i;

	for (i = 0; i < ad->f->n_groups && ad->rc == VG_OK; i++) {
		g = &ad->f->groups[i];
		if (g->name == NULL ||
		    !vg_name_list_has(&p->admin_groups, g->name))
			continue;
		if ((way = way_get(ad, "group %s", g->name)) == NULL) {
			ad->rc = VG_ERR_NOMEM;
			return;
		}
		each_in_group(ad, g, each_grant, way);
	}
}

static void
grant_uid0(struct admins *ad)
{
	json_t *way = way_get(ad, "uid 0");

	if (way == NULL) {
		ad->rc = VG_ERR_NOMEM;
		return;
	}
	each_id(ad, ad->acc_uid, 0, each_grant, way);
}

/* The evidence list of administrators, by name; *count set. */
static json_t *
admins_list(struct admins *ad, size_t *count)
{
	json_t *list = json_array(), *o, *via;
	const struct ways *v;
	size_t i, k;

	*count = 0;
	for (i = 0; list != NULL && i < ad->f->n_accounts; i++) {
		v = &ad->via[ad->acc_name[i].idx];
		if (v->n == 0)
			continue;
		(*count)++;
		via = json_array();
		for (k = 0; via != NULL && k < v->n; k++)
			if (json_array_append(via, v->w[k]) != 0) {
				json_decref(via);
				via = NULL;
			}
		o = json_pack(
			"{s:o, s:o}", "name",
			vg_rule_str_json(
				ad->f->accounts[ad->acc_name[i].idx].name),
			"via", via);
		if (o != NULL && v->more > 0 &&
		    json_object_set_new(o, "more_via",
					json_integer((json_int_t)v->more)) !=
			    0) {
			json_decref(o);
			o = NULL;
		}
		if (json_array_append_new(list, o) != 0) {
			json_decref(list);
			return NULL;
		}
	}
	return list;
}

/*
 * admin.excess: more administrators than max_admins.
 *
 * The accounts (passwd) are required. Groups and sudoers only add
 * administrators, so without them the count is a lower bound: a count
 * already over the maximum fires (evidence "incomplete" names what was
 * missing), a count within it is "not evaluated" since the missing data
 * could hold more.
 */
static enum vg_rc
check_excess(const struct vg_check *c, const struct vg_facts *f,
	     const struct vg_policy *p, struct vg_report *r)
{
	const bool groups = f->sources[VG_SRC_GROUP].collected;
	const bool sudoers = f->sources[VG_SRC_SUDOERS].collected;
	const size_t max = p->max_admins > 0 ? (size_t)p->max_admins : 0;
	struct admins ad;
	json_t *list = NULL, *ev = NULL, *missing;
	size_t count = 0;
	char subject[256];
	enum vg_rc rc;

	if (!vg_check_needs(c, f, VG_SRC_PASSWD, r))
		return VG_OK;
	if ((rc = admins_init(&ad, f)) != VG_OK)
		goto done;
	grant_uid0(&ad);
	if (groups)
		grant_groups(&ad, p);
	if (sudoers)
		grant_sudoers(&ad);
	if ((rc = ad.rc) != VG_OK)
		goto done;
	if ((list = admins_list(&ad, &count)) == NULL) {
		rc = VG_ERR_NOMEM;
		goto done;
	}
	if (count <= max) {
		if (!groups)
			(void)vg_check_needs(c, f, VG_SRC_GROUP, r);
		else if (!sudoers)
			(void)vg_check_needs(c, f, VG_SRC_SUDOERS, r);
		goto done;
	}
	ev = json_pack("{s:I, s:i, s:O}", "count", (json_int_t)count, "max",
		       p->max_admins, "administrators", list);
	if (ev == NULL) {
		rc = VG_ERR_NOMEM;
		goto done;
	}
	if (json_array_size(ad.all_users) > 0 &&
	    json_object_set(ev, "all_users", ad.all_users) != 0)
		rc = VG_ERR_NOMEM;
	if (rc == VG_OK && ad.all_more > 0 &&
	    json_object_set_new(ev, "all_users_more",
				json_integer((json_int_t)ad.all_more)) != 0)
		rc = VG_ERR_NOMEM;
	if (rc == VG_OK && (!groups || !sudoers)) {
		missing = json_array();
		if (!groups)
			json_array_append_new(missing, json_string("group"));
		if (!sudoers)
			json_array_append_new(missing, json_string("sudoers"));
		if (json_object_set_new(ev, "incomplete", missing) != 0)
			rc = VG_ERR_NOMEM;
	}
	if (rc != VG_OK)
		goto done;
	vg_rule_names_subject(list, count, 10, subject, sizeof(subject));
	rc = vg_check_report(c, p, r, subject, ev);
	ev = NULL; /* owned by the report, even on failure */
done:
	json_decref(ev);
	json_decref(list);
	admins_release(&ad);
	return rc;
}

/* One user entry as evidence: "alice", "%ops", "!eve". */
static json_t *
user_json(const struct vg_sudo_user *u)
{
	json_t *name = vg_rule_str_json(vg_rule_str(u->name)), *j;

	if (name == NULL || !u->negated)
		return name;
	j = json_sprintf("!%s", json_string_value(name));
	json_decref(name);
	return j;
}

/* The user list of a rule as evidence: "alice", "%ops", "!eve". */
static json_t *
rule_users(const struct vg_sudo_rule *rule)
{
	json_t *users = json_array();
	size_t i;

	for (i = 0; users != NULL && i < rule->n_users; i++) {
		const struct vg_sudo_user *u = &rule->users[i];

		if (json_array_append_new(users, user_json(u)) != 0) {
			json_decref(users);
			return NULL;
		}
	}
	return users;
}

/* admin.nopasswd_all: a rule grants ALL commands with NOPASSWD. */
static enum vg_rc
check_nopasswd_all(const struct vg_check *c, const struct vg_facts *f,
		   const struct vg_policy *p, struct vg_report *r)
{
	const struct vg_sudo_rule *rule;
	char *subject;
	json_t *ev;
	enum vg_rc rc;
	size_t i;

	if (!vg_check_needs(c, f, VG_SRC_SUDOERS, r))
		return VG_OK;
	for (i = 0; i < f->n_sudo_rules; i++) {
		rule = &f->sudo_rules[i];
		if (!rule->all_commands || !rule->nopasswd)
			continue;
		ev = json_pack("{s:o, s:o, s:b}", "users", rule_users(rule),
			       "text", vg_rule_str_json(rule->text),
			       "runas_root", rule->runas_root);
		if (ev == NULL)
			return VG_ERR_NOMEM;
		if (asprintf(&subject, "%s:%d", vg_rule_str(rule->file),
			     rule->line) < 0) {
			json_decref(ev);
			return VG_ERR_NOMEM;
		}
		rc = vg_check_report(c, p, r, subject, ev);
		free(subject);
		if (rc != VG_OK)
			return rc;
	}
	return VG_OK;
}

/* admin.uid0_duplicate: an account other than root has uid 0. */
static enum vg_rc
check_uid0_duplicate(const struct vg_check *c, const struct vg_facts *f,
		     const struct vg_policy *p, struct vg_report *r)
{
	const struct vg_account *a;
	json_t *ev;
	enum vg_rc rc;
	size_t i;

	if (!vg_check_needs(c, f, VG_SRC_PASSWD, r))
		return VG_OK;
	for (i = 0; i < f->n_accounts; i++) {
		a = &f->accounts[i];
		if (a->uid != 0 || strcmp(vg_rule_str(a->name), "root") == 0)
			continue;
		ev = json_pack("{s:i, s:I, s:o, s:s}", "uid", 0, "gid",
			       (json_int_t)a->gid, "shell",
			       vg_rule_str_json(a->shell), "password",
			       vg_rule_pw_name(a->pw));
		if ((rc = vg_rule_report(c, p, r, vg_rule_str(a->name), ev)) !=
		    VG_OK)
			return rc;
	}
	return VG_OK;
}

/* admin.ssh_root_login: sshd's effective PermitRootLogin is "yes". */
static enum vg_rc
check_ssh_root_login(const struct vg_check *c, const struct vg_facts *f,
		     const struct vg_policy *p, struct vg_report *r)
{
	const struct vg_sshd *s = &f->sshd;
	json_t *ev;

	if (!vg_check_needs(c, f, VG_SRC_SSHD, r))
		return VG_OK;
	/* The collector lower-cases the value; tolerate facts that did not. */
	if (s->permit_root_login == NULL ||
	    strcasecmp(s->permit_root_login, "yes") != 0)
		return VG_OK;
	ev = json_pack("{s:o, s:o, s:i}", "permit_root_login",
		       vg_rule_str_json(s->permit_root_login), "file",
		       vg_rule_str_json(s->file), "line", s->line);
	return vg_rule_report(c, p, r, "sshd", ev);
}

const struct vg_check vg_checks_r3[] = {
	{"admin.excess", 3, VG_SEV_HIGH,
	 N_("Keep only the administrators the host needs: remove the others "
	    "from the admin groups and from sudoers rules granting ALL."),
	 check_excess},
	{"admin.nopasswd_all", 3, VG_SEV_HIGH,
	 N_("Remove NOPASSWD from the rule or restrict it to the commands "
	    "the account needs."),
	 check_nopasswd_all},
	{"admin.uid0_duplicate", 3, VG_SEV_CRITICAL,
	 N_("Give the account its own non-zero uid (usermod -u) or delete "
	    "it; only root may have uid 0."),
	 check_uid0_duplicate},
	{"admin.ssh_root_login", 3, VG_SEV_HIGH,
	 N_("Set PermitRootLogin no (or prohibit-password) in sshd_config "
	    "and reload sshd; administrators log in as themselves."),
	 check_ssh_root_login},
};
const size_t vg_checks_r3_count = VG_ARRAY_LEN(vg_checks_r3);
