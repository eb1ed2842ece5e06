/*
 * The evidence snapshot (snapshot.h). Every read is bounded and every
 * failure local: a process that ends while it is read loses a field or
 * its entry, never the snapshot. Paths are read relative to the root so
 * that unit tests run on a fixture tree.
 */
#include "util/common.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utmpx.h>

#include "respond/snapshot.h"
#include "util/text.h"
#include "util/utf8.h"
#include "util/banned.h"

/* One /proc/PID file (stat, status): a few kilobytes at most. */
#define PROC_FILE_MAX 16384
/* The command line kept per process. */
#define CMDLINE_MAX 4096
/* /etc/passwd read for user names, and the names kept. */
#define PASSWD_MAX (4u << 20)
#define PASSWD_USERS_MAX 8192
/* One /proc/net table (a busy server has tens of thousands of lines). */
#define NET_FILE_MAX (32u << 20)
/* utmp: a few hundred records. */
#define UTMP_MAX (1u << 20)
/* Socket inodes mapped to processes, and fds looked at per process. */
#define INODES_MAX 65536
#define FDS_PER_PROC_MAX 4096
/* Distinct executables whose hash is kept. */
#define HASH_CACHE_MAX 4096
#define HASH_CHUNK 65536

struct uid_name {
	int64_t uid;
	char *name;
};

struct inode_pid {
	uint64_t inode;
	int64_t pid;
};

struct exe_hash {
	dev_t dev;
	ino_t ino;
	char hex[65]; /* "" when not hashed */
};

struct snap {
	int rootfd;
	json_t *doc, *procs, *conns, *users;
	struct uid_name *names;
	size_t n_names;
	struct inode_pid *inodes;
	size_t n_inodes;
	bool inodes_sorted;
	struct exe_hash *hashes;
	size_t n_hashes;
	uint64_t hashed; /* bytes hashed so far */
	bool nomem;
};

/* Read at most max bytes of rel (inside the root) into a fresh buffer;
 * the content is cut there, never an error. NULL when unreadable. */
static char *
read_small(int rootfd, const char *rel, size_t max, size_t *len)
{
	size_t cap = max < 4096 ? max : 4096, n = 0;
	char *buf, *p;
	ssize_t r;
	int fd;

	*len = 0;
	if ((fd = openat(rootfd, rel, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if ((buf = malloc(cap + 1)) == NULL) {
		close(fd);
		return NULL;
	}
	for (;;) {
		if (n == cap) {
			if (cap >= max)
				break;
			cap = cap * 2 < max ? cap * 2 : max;
			if ((p = realloc(buf, cap + 1)) == NULL)
				break;
			buf = p;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* A JSON string of the n bytes at s: invalid UTF-8 and control bytes
 * become '?', so a hostile name cannot break the document. */
static json_t *
jstr(const char *s, size_t n)
{
	char *copy;
	json_t *v;
	size_t i = 0, k;

	if ((copy = malloc(n + 1)) == NULL)
		return NULL;
	while (i < n) {
		k = vg_utf8_seq(s + i, n - i);
		if (k == 0 ||
		    (k == 1 && ((unsigned char)s[i] < 0x20 || s[i] == 0x7f))) {
			copy[i++] = '?';
			continue;
		}
		memcpy(copy + i, s + i, k);
		i += k;
	}
	copy[n] = '\0';
	v = json_stringn(copy, n);
	free(copy);
	return v;
}

/* Set o[key] = v, noting out-of-memory (v NULL). */
static void
put(struct snap *s, json_t *o, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(o, key, v) != 0)
		s->nomem = true;
}

/* uid -> name from ROOT/etc/passwd (no NSS: the snapshot reads the
 * system it is given, not the one it runs on). */
static void
load_names(struct snap *s)
{
	struct vg_lines it;
	const char *line, *c1, *c2, *c3;
	size_t len, n;
	int64_t uid;
	char *buf;

	if ((buf = read_small(s->rootfd, "etc/passwd", PASSWD_MAX, &n)) == NULL)
		return;
	if ((s->names = calloc(PASSWD_USERS_MAX, sizeof(*s->names))) == NULL) {
		free(buf);
		s->nomem = true;
		return;
	}
	vg_lines_init(&it, buf, n);
	while (vg_lines_next(&it, &line, &len) &&
	       s->n_names < PASSWD_USERS_MAX) {
		/* name:password:uid:... */
		if ((c1 = memchr(line, ':', len)) == NULL || c1 == line ||
		    (c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line))) ==
			    NULL ||
		    (c3 = memchr(c2 + 1, ':', len - (size_t)(c2 + 1 - line))) ==
			    NULL ||
		    vg_parse_int(c2 + 1, (size_t)(c3 - c2 - 1), 0, UINT32_MAX,
				 &uid) != VG_OK)
			continue;
		if ((s->names[s->n_names].name =
			     strndup(line, (size_t)(c1 - line))) == NULL) {
			s->nomem = true;
			break;
		}
		s->names[s->n_names++].uid = uid;
	}
	free(buf);
}

static const char *
name_of(const struct snap *s, int64_t uid)
{
	size_t i;

	for (i = 0; i < s->n_names; i++)
		if (s->names[i].uid == uid)
			return s->names[i].name;
	return NULL;
}

/* The sockets a process holds: "socket:[INODE]" links of its fds. */
static void
map_sockets(struct snap *s, const char *pid_s, int64_t pid)
{
	char rel[64], link[384], target[64];
	struct dirent *de;
	size_t seen = 0;
	int64_t ino;
	ssize_t n;
	DIR *d;
	int fd;

	(void)snprintf(rel, sizeof(rel), "proc/%s/fd", pid_s);
	if ((fd = openat(s->rootfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL && seen++ < FDS_PER_PROC_MAX &&
	       s->n_inodes < INODES_MAX) {
		if (de->d_name[0] == '.')
			continue;
		(void)snprintf(link, sizeof(link), "%s/%s", rel, de->d_name);
		n = readlinkat(s->rootfd, link, target, sizeof(target) - 1);
		if (n < 10)
			continue;
		target[n] = '\0';
		if (strncmp(target, "socket:[", 8) != 0 ||
		    target[n - 1] != ']' ||
		    vg_parse_int(target + 8, (size_t)n - 9, 0, INT64_MAX,
				 &ino) != VG_OK)
			continue;
		s->inodes[s->n_inodes].inode = (uint64_t)ino;
		s->inodes[s->n_inodes++].pid = pid;
	}
	closedir(d);
}

/* SHA-256 of the process's executable, once per (dev, inode), bounded
 * in size per file and in total. NULL when not hashed. */
static const char *
exe_sha256(struct snap *s, const char *pid_s)
{
	unsigned char md[crypto_hash_sha256_BYTES];
	unsigned char *chunk = NULL;
	crypto_hash_sha256_state h;
	struct exe_hash *e;
	char rel[64];
	struct stat st;
	uint64_t total = 0;
	ssize_t r;
	size_t i;
	int fd;

	(void)snprintf(rel, sizeof(rel), "proc/%s/exe", pid_s);
	if ((fd = openat(s->rootfd, rel, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > VG_SNAPSHOT_HASH_FILE_MAX)
		goto fail;
	for (i = 0; i < s->n_hashes; i++)
		if (s->hashes[i].dev == st.st_dev &&
		    s->hashes[i].ino == st.st_ino) {
			close(fd);
			return s->hashes[i].hex[0] != '\0' ? s->hashes[i].hex
							   : NULL;
		}
	if (s->n_hashes >= HASH_CACHE_MAX ||
	    s->hashed + (uint64_t)st.st_size > VG_SNAPSHOT_HASH_TOTAL_MAX ||
	    (chunk = malloc(HASH_CHUNK)) == NULL)
		goto fail;
	e = &s->hashes[s->n_hashes++];
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	e->hex[0] = '\0';
	crypto_hash_sha256_init(&h);
	/* Bounded by the size seen: a file growing meanwhile is cut. */
	while (total < (uint64_t)st.st_size) {
		r = read(fd, chunk, HASH_CHUNK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		crypto_hash_sha256_update(&h, chunk, (unsigned long long)r);
		total += (uint64_t)r;
	}
	s->hashed += total;
	free(chunk);
	close(fd);
	if (total != (uint64_t)st.st_size)
		return NULL; /* read error: cached as "not hashed" */
	crypto_hash_sha256_final(&h, md);
	(void)sodium_bin2hex(e->hex, sizeof(e->hex), md, sizeof(md));
	return e->hex;
fail:
	close(fd);
	return NULL;
}

/* "pid (comm) S ppid ...": comm may hold spaces and ')' itself, so it
 * ends at the last ')'. */
static bool
parse_stat(const char *buf, size_t n, const char **comm, size_t *comm_len,
	   int64_t *ppid)
{
	const char *open = memchr(buf, '(', n), *close = NULL, *p, *q;
	const char *end = buf + n;

	for (p = buf; p < end; p++)
		if (*p == ')')
			close = p;
	if (open == NULL || close == NULL || close < open)
		return false;
	*comm = open + 1;
	*comm_len = (size_t)(close - open - 1);
	/* ") S PPID " */
	p = close + 1;
	if (end - p < 4 || p[0] != ' ' || p[2] != ' ')
		return false;
	p += 3;
	for (q = p; q < end && *q != ' '; q++)
		;
	return vg_parse_int(p, (size_t)(q - p), 0, INT32_MAX, ppid) == VG_OK;
}

/* The real uid: the first number of the "Uid:" line. */
static bool
parse_uid(const char *buf, size_t n, int64_t *uid)
{
	struct vg_lines it;
	const char *line, *p;
	size_t len, k;

	vg_lines_init(&it, buf, n);
	while (vg_lines_next(&it, &line, &len)) {
		if (len < 5 || memcmp(line, "Uid:", 4) != 0)
			continue;
		p = line + 4;
		len -= 4;
		while (len > 0 && (*p == '\t' || *p == ' ')) {
			p++;
			len--;
		}
		for (k = 0; k < len && p[k] != '\t' && p[k] != ' '; k++)
			;
		return vg_parse_int(p, k, 0, UINT32_MAX, uid) == VG_OK;
	}
	return false;
}

static void
add_process(struct snap *s, const char *pid_s, int64_t pid)
{
	char rel[64], exe[4096];
	const char *comm, *hash, *user;
	size_t n, comm_len, i;
	int64_t ppid, uid;
	char *buf;
	ssize_t k;
	json_t *o;

	(void)snprintf(rel, sizeof(rel), "proc/%s/stat", pid_s);
	if ((buf = read_small(s->rootfd, rel, PROC_FILE_MAX, &n)) == NULL)
		return; /* gone */
	if (!parse_stat(buf, n, &comm, &comm_len, &ppid)) {
		free(buf);
		return;
	}
	if ((o = json_object()) == NULL) {
		free(buf);
		s->nomem = true;
		return;
	}
	put(s, o, "pid", json_integer(pid));
	put(s, o, "ppid", json_integer(ppid));
	put(s, o, "comm", jstr(comm, comm_len < 64 ? comm_len : 64));
	free(buf);
	(void)snprintf(rel, sizeof(rel), "proc/%s/status", pid_s);
	buf = read_small(s->rootfd, rel, PROC_FILE_MAX, &n);
	if (buf != NULL && parse_uid(buf, n, &uid)) {
		put(s, o, "uid", json_integer(uid));
		user = name_of(s, uid);
		put(s, o, "user",
		    user != NULL ? jstr(user, strlen(user)) : json_null());
	} else {
		put(s, o, "uid", json_null());
		put(s, o, "user", json_null());
	}
	free(buf);
	(void)snprintf(rel, sizeof(rel), "proc/%s/exe", pid_s);
	k = readlinkat(s->rootfd, rel, exe, sizeof(exe) - 1);
	put(s, o, "exe", k > 0 ? jstr(exe, (size_t)k) : json_null());
	hash = k > 0 ? exe_sha256(s, pid_s) : NULL;
	put(s, o, "sha256", hash != NULL ? json_string(hash) : json_null());
	/* Arguments are NUL-separated: shown space-separated. */
	(void)snprintf(rel, sizeof(rel), "proc/%s/cmdline", pid_s);
	buf = read_small(s->rootfd, rel, CMDLINE_MAX, &n);
	if (buf != NULL) {
		while (n > 0 && buf[n - 1] == '\0')
			n--;
		for (i = 0; i < n; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
	}
	put(s, o, "cmdline", buf != NULL ? jstr(buf, n) : json_null());
	free(buf);
	map_sockets(s, pid_s, pid);
	if (json_array_append_new(s->procs, o) != 0)
		s->nomem = true;
}

static void
take_processes(struct snap *s)
{
	struct dirent *de;
	size_t count = 0;
	int64_t pid;
	DIR *d;
	int fd;

	if ((fd = openat(s->rootfd, "proc",
			 O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL && count < VG_SNAPSHOT_MAX_PROCS &&
	       !s->nomem) {
		if (vg_parse_intz(de->d_name, 1, INT32_MAX, &pid) != VG_OK)
			continue;
		count++;
		add_process(s, de->d_name, pid);
	}
	closedir(d);
}

static int
cmp_inode(const void *a, const void *b)
{
	const struct inode_pid *x = a, *y = b;

	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

static json_t *
pid_of(struct snap *s, uint64_t inode)
{
	struct inode_pid key = {inode, 0}, *hit;

	if (inode == 0 || s->n_inodes == 0)
		return json_null();
	if (!s->inodes_sorted) {
		qsort(s->inodes, s->n_inodes, sizeof(*s->inodes), cmp_inode);
		s->inodes_sorted = true;
	}
	hit = bsearch(&key, s->inodes, s->n_inodes, sizeof(*s->inodes),
		      cmp_inode);
	return hit != NULL ? json_integer(hit->pid) : json_null();
}

/* Hex digits [p, p + n) to a number; false if one is not hex. */
static bool
hex_u32(const char *p, size_t n, uint32_t *out)
{
	uint32_t v = 0;
	size_t i;
	int h;

	if (n == 0 || n > 8)
		return false;
	for (i = 0; i < n; i++) {
		if ((h = vg_hex_value(p[i])) < 0)
			return false;
		v = v << 4 | (uint32_t)h;
	}
	*out = v;
	return true;
}

/*
 * "0100007F:0035" (IPv4) or 32 hex digits ":PORT" (IPv6) to "ip:port" /
 * "[ip]:port". The kernel prints each 32-bit word of the address as it
 * sits in memory, read as a host-order number: copying the number back
 * into memory restores the bytes.
 */
static bool
decode_addr(const char *p, size_t n, bool v6, char *out, size_t size)
{
	unsigned char bin[16];
	char ip[INET6_ADDRSTRLEN];
	size_t words = v6 ? 4 : 1, i;
	uint32_t w, port;

	if (n != words * 8 + 5 || p[words * 8] != ':')
		return false;
	for (i = 0; i < words; i++) {
		if (!hex_u32(p + i * 8, 8, &w))
			return false;
		memcpy(bin + i * 4, &w, 4);
	}
	if (!hex_u32(p + words * 8 + 1, 4, &port) ||
	    inet_ntop(v6 ? AF_INET6 : AF_INET, bin, ip, sizeof(ip)) == NULL)
		return false;
	(void)snprintf(out, size, v6 ? "[%s]:%u" : "%s:%u", ip, (unsigned)port);
	return true;
}

static const char *
tcp_state(uint32_t st)
{
	static const char *const names[] = {
		"UNKNOWN",      "ESTABLISHED", "SYN_SENT",  "SYN_RECV",
		"FIN_WAIT1",    "FIN_WAIT2",   "TIME_WAIT", "CLOSE",
		"CLOSE_WAIT",   "LAST_ACK",    "LISTEN",    "CLOSING",
		"NEW_SYN_RECV",
	};

	return st < VG_ARRAY_LEN(names) ? names[st] : "UNKNOWN";
}

/* Split a line into at most max whitespace-separated fields. */
static size_t
fields(const char *line, size_t len, const char **f, size_t *fl, size_t max)
{
	size_t n = 0, i = 0, start;

	while (i < len && n < max) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		f[n] = line + start;
		fl[n++] = i - start;
	}
	return n;
}

static void
take_net(struct snap *s, const char *file, const char *proto, bool v6, bool tcp,
	 size_t *count)
{
	char rel[32], local[64], remote[64];
	const char *line, *f[10];
	size_t len, n, fl[10];
	struct vg_lines it;
	uint32_t st;
	int64_t inode;
	char *buf;
	json_t *o;

	(void)snprintf(rel, sizeof(rel), "proc/net/%s", file);
	if ((buf = read_small(s->rootfd, rel, NET_FILE_MAX, &n)) == NULL)
		return;
	vg_lines_init(&it, buf, n);
	(void)vg_lines_next(&it, &line, &len); /* the header */
	while (vg_lines_next(&it, &line, &len) &&
	       *count < VG_SNAPSHOT_MAX_CONNS && !s->nomem) {
		/* sl local rem st tx:rx tr:when retr uid timeout inode */
		if (fields(line, len, f, fl, 10) < 10 ||
		    !decode_addr(f[1], fl[1], v6, local, sizeof(local)) ||
		    !decode_addr(f[2], fl[2], v6, remote, sizeof(remote)) ||
		    !hex_u32(f[3], fl[3], &st) ||
		    vg_parse_int(f[9], fl[9], 0, INT64_MAX, &inode) != VG_OK)
			continue; /* a truncated or foreign line */
		if ((o = json_object()) == NULL) {
			s->nomem = true;
			break;
		}
		put(s, o, "proto", json_string(proto));
		put(s, o, "local", json_string(local));
		put(s, o, "remote", json_string(remote));
		put(s, o, "state",
		    json_string(tcp               ? tcp_state(st)
					: st == 7 ? "UNCONN"
						  : tcp_state(st)));
		put(s, o, "inode", json_integer(inode));
		put(s, o, "pid", pid_of(s, (uint64_t)inode));
		if (json_array_append_new(s->conns, o) != 0)
			s->nomem = true;
		(*count)++;
	}
	free(buf);
}

/* USER_PROCESS records of utmp, read as the file it is (fixed-size
 * records; a truncated last one is ignored). */
static void
take_users(struct snap *s)
{
	struct utmpx u;
	size_t n, off, count = 0;
	char *buf;

	buf = read_small(s->rootfd, "run/utmp", UTMP_MAX, &n);
	if (buf == NULL)
		buf = read_small(s->rootfd, "var/run/utmp", UTMP_MAX, &n);
	if (buf == NULL)
		return;
	for (off = 0;
	     off + sizeof(u) <= n && count < VG_SNAPSHOT_MAX_USERS && !s->nomem;
	     off += sizeof(u)) {
		json_t *o;

		memcpy(&u, buf + off, sizeof(u));
		if (u.ut_type != USER_PROCESS)
			continue;
		if ((o = json_object()) == NULL) {
			s->nomem = true;
			break;
		}
		put(s, o, "user",
		    jstr(u.ut_user, strnlen(u.ut_user, sizeof(u.ut_user))));
		put(s, o, "tty",
		    jstr(u.ut_line, strnlen(u.ut_line, sizeof(u.ut_line))));
		put(s, o, "host",
		    jstr(u.ut_host, strnlen(u.ut_host, sizeof(u.ut_host))));
		put(s, o, "login_at", json_integer((json_int_t)u.ut_tv.tv_sec));
		if (json_array_append_new(s->users, o) != 0)
			s->nomem = true;
		count++;
	}
	free(buf);
}

/* jansson's dump callback: append to the output buffer. */
static int
dump_cb(const char *p, size_t n, void *ctx)
{
	return vg_buf_add(ctx, p, n) == VG_OK ? 0 : -1;
}

enum vg_rc
vg_snapshot_take(const char *root, const char *host, int64_t now,
		 struct vg_buf *out, struct vg_err *err)
{
	struct snap s;
	size_t conns = 0, i;
	enum vg_rc rc = VG_OK;

	vg_buf_reset(out);
	memset(&s, 0, sizeof(s));
	if (sodium_init() < 0)
		return vg_err_set(err, VG_ERR_NOMEM,
				  _("cannot initialise libsodium"));
	s.rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	s.doc = json_object();
	s.procs = json_array();
	s.conns = json_array();
	s.users = json_array();
	s.inodes = calloc(INODES_MAX, sizeof(*s.inodes));
	s.hashes = calloc(HASH_CACHE_MAX, sizeof(*s.hashes));
	if (s.doc == NULL || s.procs == NULL || s.conns == NULL ||
	    s.users == NULL || s.inodes == NULL || s.hashes == NULL) {
		s.nomem = true;
		goto done;
	}
	put(&s, s.doc, "schema", json_string("vigie.evidence/1"));
	put(&s, s.doc, "taken_at", json_integer(now));
	put(&s, s.doc, "host", jstr(host, strlen(host)));
	/* No root: empty lists, the document still says when and who. */
	if (s.rootfd != -1) {
		load_names(&s);
		take_processes(&s);
		take_net(&s, "tcp", "tcp", false, true, &conns);
		take_net(&s, "tcp6", "tcp6", true, true, &conns);
		take_net(&s, "udp", "udp", false, false, &conns);
		take_net(&s, "udp6", "udp6", true, false, &conns);
		take_users(&s);
	}
	put(&s, s.doc, "processes", json_incref(s.procs));
	put(&s, s.doc, "connections", json_incref(s.conns));
	put(&s, s.doc, "users", json_incref(s.users));
	if (s.nomem)
		goto done;
	if (json_dump_callback(s.doc, dump_cb, out, JSON_COMPACT) != 0)
		rc = vg_err_set(err, VG_ERR_LIMIT,
				_("the evidence snapshot is larger than %zu "
				  "bytes"),
				out->max);
done:
	if (s.nomem) {
		vg_buf_reset(out);
		rc = vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	}
	if (rc != VG_OK)
		vg_buf_reset(out);
	json_decref(s.doc);
	json_decref(s.procs);
	json_decref(s.conns);
	json_decref(s.users);
	for (i = 0; i < s.n_names; i++)
		free(s.names[i].name);
	free(s.names);
	free(s.inodes);
	free(s.hashes);
	if (s.rootfd != -1)
		close(s.rootfd);
	return rc;
}
