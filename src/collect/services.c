/*
 * Cleartext remote access (R2 access.cleartext_remote): telnet, the
 * r-commands (rsh, rlogin, rexec) and FTP, seen six ways:
 *   package  a server package is installed (Debian and RHEL names);
 *   inetd    an active entry in /etc/inetd.conf or an xinetd service
 *            not marked "disable = yes";
 *   socket   a systemd socket unit enabled in sockets.target.wants;
 *   service  a daemon's binary in /usr/sbin and its service unit
 *            enabled in multi-user.target.wants (vsftpd.service...);
 *   listen   on a live host only, a TCP socket listening on 21, 23,
 *            512, 513 or 514 on a non-loopback address (/proc/net/tcp
 *            and tcp6): a loopback listener is not remote;
 *   binary   without a package database (RHEL family: vigie does not
 *            read the rpm one), a daemon's binary in /usr/sbin when
 *            nothing above found its protocol. It stands for the
 *            "package" way dpkg gives on Debian: the server is installed
 *            and one systemctl enable away from listening, so the rule
 *            reports it like a package. With dpkg, the package says it.
 * TFTP is not counted: it carries no login and is judged elsewhere.
 */
#include "util/common.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "collect/collectors.h"
#include "util/buf.h"
#include "util/text.h"
#include "util/banned.h"

#define INETD_CONF "/etc/inetd.conf"
#define XINETD_CONF "/etc/xinetd.conf"
#define XINETD_DIR "/etc/xinetd.d"
#define SOCKETS_WANTS "/etc/systemd/system/sockets.target.wants"
#define SERVICES_WANTS "/etc/systemd/system/multi-user.target.wants"
#define SERVICES_MAX_PATH 4096
#define SERVICES_MAX_DETAIL 512 /* "file:line" or "addr:port" */
#define PROC_MAX_FIELDS 4       /* fields of /proc/net/tcp used */
#define TCP_LISTEN_STATE "0A"   /* TCP_LISTEN in include/net/tcp_states.h */

struct name_proto {
	const char *name;
	const char *protocol;
};

/* Server packages (Debian, then RHEL names). */
static const struct name_proto server_packages[] = {
	{"telnetd", "telnet"},
	{"inetutils-telnetd", "telnet"},
	{"telnetd-ssl", "telnet"},
	{"krb5-telnetd", "telnet"},
	{"telnet-server", "telnet"},
	{"rsh-server", "rsh"},
	{"rsh-redone-server", "rsh"},
	{"krb5-rsh-server", "rsh"},
	{"vsftpd", "ftp"},
	{"proftpd-basic", "ftp"},
	{"proftpd-core", "ftp"},
	{"proftpd", "ftp"},
	{"pure-ftpd", "ftp"},
	{"pure-ftpd-mysql", "ftp"},
	{"pure-ftpd-postgresql", "ftp"},
	{"pure-ftpd-ldap", "ftp"},
	{"ftpd", "ftp"},
	{"ftpd-ssl", "ftp"},
	{"inetutils-ftpd", "ftp"},
	{"wu-ftpd", "ftp"},
};

/* inetd/xinetd service names (/etc/services). */
static const struct name_proto inetd_services[] = {
	{"telnet", "telnet"}, {"login", "rlogin"}, {"shell", "rsh"},
	{"exec", "rexec"},    {"ftp", "ftp"},
};

/* Socket units shipped by the server packages. */
static const struct name_proto socket_units[] = {
	{"telnet.socket", "telnet"}, {"telnetd.socket", "telnet"},
	{"rsh.socket", "rsh"},       {"rlogin.socket", "rlogin"},
	{"rexec.socket", "rexec"},   {"vsftpd.socket", "ftp"},
	{"proftpd.socket", "ftp"},   {"pure-ftpd.socket", "ftp"},
	{"ftpd.socket", "ftp"},
};

/* Daemon binaries, and the service unit that runs each one standalone
 * (NULL: started only by inetd or a socket unit). */
static const struct {
	const char *path;
	const char *unit;
	const char *protocol;
} daemons[] = {
	{"/usr/sbin/vsftpd", "vsftpd.service", "ftp"},
	{"/usr/sbin/proftpd", "proftpd.service", "ftp"},
	{"/usr/sbin/pure-ftpd", "pure-ftpd.service", "ftp"},
	{"/usr/sbin/in.telnetd", NULL, "telnet"},
	{"/usr/sbin/in.rshd", NULL, "rsh"},
	{"/usr/sbin/in.rlogind", NULL, "rlogin"},
	{"/usr/sbin/in.rexecd", NULL, "rexec"},
};

static const struct {
	unsigned port;
	const char *protocol;
} cleartext_ports[] = {
	{21, "ftp"},     {23, "telnet"}, {512, "rexec"},
	{513, "rlogin"}, {514, "rsh"},
};

static enum vg_rc
add_service(struct vg_facts *f, const char *protocol, const char *via,
	    const char *detail)
{
	struct vg_service *s;

	if ((s = vg_facts_add_service(f)) == NULL)
		return VG_ERR_NOMEM;
	s->protocol = protocol; /* static strings outlive the facts */
	s->via = via;
	if ((s->detail = vg_facts_str(f, detail)) == NULL)
		return VG_ERR_NOMEM;
	return VG_OK;
}

static const char *
lookup(const struct name_proto *t, size_t n, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (vg_streqn(t[i].name, s, len))
			return t[i].protocol;
	return NULL;
}

static enum vg_rc
add_at(struct vg_facts *f, const char *protocol, const char *via,
       const char *file, int line)
{
	char detail[SERVICES_MAX_DETAIL];

	(void)snprintf(detail, sizeof(detail), "%s:%d", file, line);
	return add_service(f, protocol, via, detail);
}

static enum vg_rc
check_packages(struct vg_facts *f)
{
	const char *proto, *name;
	size_t i;
	enum vg_rc rc;

	for (i = 0; i < f->n_packages; i++) {
		if ((name = f->packages[i].name) == NULL)
			continue;
		proto = lookup(server_packages, VG_ARRAY_LEN(server_packages),
			       name, strlen(name));
		if (proto != NULL &&
		    (rc = add_service(f, proto, "package", name)) != VG_OK)
			return rc;
	}
	return VG_OK;
}

/* First whitespace-separated word of [s, s+n) into *w, *wn. */
static bool
first_word(const char *s, size_t n, const char **w, size_t *wn)
{
	size_t i = 0, j;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	j = i;
	while (j < n && s[j] != ' ' && s[j] != '\t')
		j++;
	*w = s + i;
	*wn = j - i;
	return j > i;
}

/*
 * inetd.conf: "service socktype proto flags user server args"; '#'
 * lines are off (update-inetd disables with "#<off>#"). The service may
 * carry a "host:" prefix (bind address); "ftp" or "tcp6" variants share
 * the name.
 */
static enum vg_rc
parse_inetd(struct vg_facts *f, const char *name, const char *buf, size_t len)
{
	struct vg_lines it;
	const char *line, *w, *colon, *proto;
	size_t n, wn;
	enum vg_rc rc;

	vg_lines_init(&it, buf, len);
	while (vg_lines_next(&it, &line, &n)) {
		vg_trim(&line, &n);
		if (n == 0 || line[0] == '#' || !first_word(line, n, &w, &wn))
			continue;
		if ((colon = memchr(w, ':', wn)) != NULL) {
			wn -= (size_t)(colon + 1 - w);
			w = colon + 1;
		}
		proto = lookup(inetd_services, VG_ARRAY_LEN(inetd_services), w,
			       wn);
		if (proto != NULL &&
		    (rc = add_at(f, proto, "inetd", name, it.lineno)) != VG_OK)
			return rc;
	}
	return VG_OK;
}

/*
 * xinetd: "service NAME" then a "{ ... }" block of "attr = value"; a
 * service runs unless "disable = yes". Nested braces are not part of
 * the format; "includedir" and "defaults" blocks carry no service.
 */
static enum vg_rc
parse_xinetd(struct vg_facts *f, const char *name, const char *buf, size_t len)
{
	struct vg_lines it;
	const char *line, *w, *proto = NULL, *eq, *val;
	size_t n, wn, vn;
	bool in_block = false, disabled = false;
	int svc_line = 0;
	enum vg_rc rc;

	vg_lines_init(&it, buf, len);
	while (vg_lines_next(&it, &line, &n)) {
		vg_trim(&line, &n);
		if (n == 0 || line[0] == '#')
			continue;
		if (!in_block && n > 8 && memcmp(line, "service", 7) == 0 &&
		    (line[7] == ' ' || line[7] == '\t')) {
			(void)first_word(line + 7, n - 7, &w, &wn);
			proto = lookup(inetd_services,
				       VG_ARRAY_LEN(inetd_services), w, wn);
			svc_line = it.lineno;
			disabled = false;
			/* "service telnet {" opens on the same line. */
			in_block = memchr(line, '{', n) != NULL;
			continue;
		}
		if (line[0] == '{') {
			in_block = true;
			continue;
		}
		if (line[0] == '}') {
			if (in_block && proto != NULL && !disabled &&
			    (rc = add_at(f, proto, "inetd", name, svc_line)) !=
				    VG_OK)
				return rc;
			in_block = false;
			proto = NULL;
			continue;
		}
		if (!in_block || (eq = memchr(line, '=', n)) == NULL)
			continue;
		w = line;
		wn = (size_t)(eq - line);
		vg_trim(&w, &wn);
		val = eq + 1;
		vn = (size_t)(line + n - val);
		vg_trim(&val, &vn);
		if (vg_streqn("disable", w, wn))
			disabled = vg_strcaseeqn("yes", val, vn);
	}
	return VG_OK;
}

/* Read path; false (with a warning unless absent) when it cannot be. */
static enum vg_rc
read_file(struct vg_collect *c, const char *path, struct vg_buf *buf,
	  bool *found)
{
	struct vg_err err;
	enum vg_rc rc;

	*found = false;
	rc = vg_root_read(c->root, path, VG_MAX_CONFIG_FILE, buf, &err);
	if (rc == VG_ERR_NOMEM)
		return rc;
	if (rc == VG_OK)
		*found = true;
	else if (rc != VG_ERR_NOTFOUND)
		vg_facts_warn(c->facts, "%s", err.msg);
	return VG_OK;
}

static enum vg_rc
check_inetd(struct vg_collect *c, struct vg_buf *buf)
{
	char path[SERVICES_MAX_PATH];
	struct dirent *de;
	size_t files = 0;
	bool found;
	DIR *d;
	enum vg_rc rc;

	if ((rc = read_file(c, INETD_CONF, buf, &found)) != VG_OK)
		return rc;
	if (found &&
	    (rc = parse_inetd(c->facts, INETD_CONF, buf->data, buf->len)) !=
		    VG_OK)
		return rc;
	if ((rc = read_file(c, XINETD_CONF, buf, &found)) != VG_OK)
		return rc;
	if (found &&
	    (rc = parse_xinetd(c->facts, XINETD_CONF, buf->data, buf->len)) !=
		    VG_OK)
		return rc;
	if ((d = vg_root_opendir(c->root, XINETD_DIR)) == NULL)
		return VG_OK;
	while ((de = readdir(d)) != NULL) {
		size_t nlen = strlen(de->d_name);

		/* xinetd's includedir skips names with '.' or ending '~'. */
		if (strchr(de->d_name, '.') != NULL || nlen == 0 ||
		    de->d_name[nlen - 1] == '~')
			continue;
		if (++files > VG_MAX_INCLUDED_FILES) {
			vg_facts_warn(c->facts, _("%s: too many files"),
				      XINETD_DIR);
			break;
		}
		if (snprintf(path, sizeof(path), "%s/%s", XINETD_DIR,
			     de->d_name) >= (int)sizeof(path))
			continue;
		if ((rc = read_file(c, path, buf, &found)) != VG_OK)
			break;
		if (found &&
		    (rc = parse_xinetd(c->facts, path, buf->data, buf->len)) !=
			    VG_OK)
			break;
	}
	closedir(d);
	return rc;
}

/* A unit enabled in a .wants directory: its link there exists. */
static bool
unit_enabled(struct vg_collect *c, const char *wants, const char *unit)
{
	char path[SERVICES_MAX_PATH];
	int fd;

	(void)snprintf(path, sizeof(path), "%s/%s", wants, unit);
	/* The link itself counts, even if its target is elsewhere. */
	if ((fd = vg_root_openat(c->root, path, O_PATH | O_NOFOLLOW)) == -1)
		return false;
	close(fd);
	return true;
}

/* An enabled socket unit: its link in sockets.target.wants exists. */
static enum vg_rc
check_sockets(struct vg_collect *c)
{
	size_t i;
	enum vg_rc rc;

	for (i = 0; i < VG_ARRAY_LEN(socket_units); i++) {
		if (!unit_enabled(c, SOCKETS_WANTS, socket_units[i].name))
			continue;
		if ((rc = add_service(c->facts, socket_units[i].protocol,
				      "socket", socket_units[i].name)) != VG_OK)
			return rc;
	}
	return VG_OK;
}

/* A daemon binary: a regular file (symlinks followed inside the root). */
static bool
binary_present(struct vg_collect *c, const char *path)
{
	struct stat st;

	return vg_root_stat(c->root, path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool
protocol_seen(const struct vg_facts *f, const char *protocol)
{
	size_t i;

	for (i = 0; i < f->n_services; i++)
		if (strcmp(f->services[i].protocol, protocol) == 0)
			return true;
	return false;
}

/*
 * Standalone daemons: the binary and its enabled service unit ("service";
 * a link left behind by "apt remove", whose binary is gone, is not
 * counted). Then, without a package database only, each binary whose
 * protocol nothing else reported ("binary"). Runs after the inetd and
 * socket checks, which it relies on.
 */
static enum vg_rc
check_daemons(struct vg_collect *c)
{
	bool present[VG_ARRAY_LEN(daemons)];
	size_t i;
	enum vg_rc rc;

	for (i = 0; i < VG_ARRAY_LEN(daemons); i++) {
		present[i] = binary_present(c, daemons[i].path);
		if (!present[i] || daemons[i].unit == NULL ||
		    !unit_enabled(c, SERVICES_WANTS, daemons[i].unit))
			continue;
		if ((rc = add_service(c->facts, daemons[i].protocol, "service",
				      daemons[i].unit)) != VG_OK)
			return rc;
	}
	if (c->facts->sources[VG_SRC_PACKAGES].collected)
		return VG_OK;
	for (i = 0; i < VG_ARRAY_LEN(daemons); i++) {
		if (!present[i] || protocol_seen(c->facts, daemons[i].protocol))
			continue;
		if ((rc = add_service(c->facts, daemons[i].protocol, "binary",
				      daemons[i].path)) != VG_OK)
			return rc;
	}
	return VG_OK;
}

/* Hex digits [s, s+n) to a number; false on a non-hex byte. */
static bool
parse_hex(const char *s, size_t n, uint32_t *out)
{
	uint32_t v = 0;
	size_t i;

	if (n == 0 || n > 8)
		return false;
	for (i = 0; i < n; i++) {
		char ch = s[i];
		uint32_t d;

		if (ch >= '0' && ch <= '9')
			d = (uint32_t)(ch - '0');
		else if (ch >= 'A' && ch <= 'F')
			d = (uint32_t)(ch - 'A' + 10);
		else if (ch >= 'a' && ch <= 'f')
			d = (uint32_t)(ch - 'a' + 10);
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

/* 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104: reachable from this host
 * only. raw is in network order. */
static bool
loopback(const unsigned char *raw, bool v6)
{
	static const unsigned char v6_loop[16] = {[15] = 1};
	static const unsigned char v4_mapped[12] = {[10] = 0xff, [11] = 0xff};

	if (!v6)
		return raw[0] == 127;
	return memcmp(raw, v6_loop, 16) == 0 ||
		(memcmp(raw, v4_mapped, 12) == 0 && raw[12] == 127);
}

/*
 * "ADDR:PORT" of /proc/net/tcp{,6}: the address is printed as 32-bit
 * words in host order (so memcpy of each word gives network order), the
 * port as 4 hex digits. *is_loopback tells a loopback address.
 */
static bool
format_local(const char *s, size_t n, bool v6, char *out, size_t outlen,
	     unsigned *port, bool *is_loopback)
{
	char addr[INET6_ADDRSTRLEN];
	unsigned char raw[16];
	const char *colon = memchr(s, ':', n);
	size_t alen, words, i;
	uint32_t w, p;

	if (colon == NULL)
		return false;
	alen = (size_t)(colon - s);
	words = v6 ? 4 : 1;
	if (alen != words * 8 || !parse_hex(colon + 1, n - alen - 1, &p) ||
	    p > 65535)
		return false;
	for (i = 0; i < words; i++) {
		if (!parse_hex(s + i * 8, 8, &w))
			return false;
		memcpy(raw + i * 4, &w, 4);
	}
	if (inet_ntop(v6 ? AF_INET6 : AF_INET, raw, addr, sizeof(addr)) == NULL)
		return false;
	*port = p;
	*is_loopback = loopback(raw, v6);
	(void)snprintf(out, outlen, v6 ? "[%s]:%u" : "%s:%u", addr, p);
	return true;
}

/* /proc/net/tcp: "sl local rem st ..." per line after a header. */
static enum vg_rc
parse_proc_tcp(struct vg_facts *f, const char *name, const char *buf,
	       size_t len, bool v6)
{
	struct {
		const char *s;
		size_t n;
	} fld[PROC_MAX_FIELDS];
	char detail[SERVICES_MAX_DETAIL];
	struct vg_lines it;
	const char *line;
	size_t n, nf, i, k;
	unsigned port;
	bool lo;
	enum vg_rc rc;

	vg_lines_init(&it, buf, len);
	while (vg_lines_next(&it, &line, &n)) {
		if (it.lineno == 1)
			continue;
		for (nf = 0, i = 0; nf < PROC_MAX_FIELDS && i < n;) {
			while (i < n && line[i] == ' ')
				i++;
			if (i == n)
				break;
			fld[nf].s = line + i;
			while (i < n && line[i] != ' ')
				i++;
			fld[nf].n = (size_t)(line + i - fld[nf].s);
			nf++;
		}
		if (nf < PROC_MAX_FIELDS ||
		    !vg_streqn(TCP_LISTEN_STATE, fld[3].s, fld[3].n))
			continue;
		if (!format_local(fld[1].s, fld[1].n, v6, detail,
				  sizeof(detail), &port, &lo)) {
			vg_facts_warn(f, _("%s:%d: bad local address"), name,
				      it.lineno);
			continue;
		}
		/* Only this host can connect: not remote access. */
		if (lo)
			continue;
		for (k = 0; k < VG_ARRAY_LEN(cleartext_ports); k++)
			if (cleartext_ports[k].port == port &&
			    (rc = add_service(f, cleartext_ports[k].protocol,
					      "listen", detail)) != VG_OK)
				return rc;
	}
	return VG_OK;
}

static enum vg_rc
check_listen(struct vg_collect *c, struct vg_buf *buf)
{
	static const char *const files[] = {"/proc/net/tcp", "/proc/net/tcp6"};
	struct vg_err err;
	size_t i;
	enum vg_rc rc;

	for (i = 0; i < VG_ARRAY_LEN(files); i++) {
		rc = vg_root_read(c->root, files[i], VG_MAX_TEXT_FILE, buf,
				  &err);
		if (rc == VG_ERR_NOMEM)
			return rc;
		/* tcp6 is absent when IPv6 is disabled: nothing listens. */
		if (rc != VG_OK) {
			if (rc != VG_ERR_NOTFOUND)
				vg_facts_warn(c->facts, "%s", err.msg);
			continue;
		}
		if ((rc = parse_proc_tcp(c->facts, files[i], buf->data,
					 buf->len, i == 1)) != VG_OK)
			return rc;
	}
	return VG_OK;
}

enum vg_rc
vg_collect_services(struct vg_collect *c)
{
	struct vg_buf buf;
	enum vg_rc rc;

	vg_buf_init(&buf, VG_MAX_CONFIG_FILE);
	if ((rc = check_packages(c->facts)) != VG_OK ||
	    (rc = check_inetd(c, &buf)) != VG_OK ||
	    (rc = check_sockets(c)) != VG_OK)
		goto done;
	/* /proc of the auditing host says nothing about a mounted image. */
	if (c->root->live && (rc = check_listen(c, &buf)) != VG_OK)
		goto done;
	if ((rc = check_daemons(c)) != VG_OK)
		goto done;
	vg_facts_collected(c->facts, VG_SRC_SERVICES);
done:
	vg_buf_release(&buf);
	return rc;
}
