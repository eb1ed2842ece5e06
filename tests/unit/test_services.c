/* Cleartext remote services on a temporary root. */
#include "util/common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

#include "collect/collectors.h"
#include "util/root.h"
#include "util/banned.h"

struct expect {
	const char *protocol, *via, *detail;
};

static void
add_package(struct vg_facts *f, const char *name)
{
	struct vg_package *p = vg_facts_add_package(f);

	assert_non_null(p);
	p->name = vg_facts_str(f, name);
}

static bool
has(const struct vg_facts *f, const struct expect *e)
{
	size_t i;

	for (i = 0; i < f->n_services; i++)
		if (strcmp(f->services[i].protocol, e->protocol) == 0 &&
		    strcmp(f->services[i].via, e->via) == 0 &&
		    strcmp(f->services[i].detail, e->detail) == 0)
			return true;
	return false;
}

static void
link_in(const char *dir, const char *target, const char *rel)
{
	char path[4096];

	vg_test_write(dir, "etc/systemd/system/sockets.target.wants/.keep", "");
	(void)snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(symlink(target, path), 0);
}

static void
test_collect(void **state)
{
	static const struct expect expected[] = {
		{"telnet", "package", "telnetd"},
		{"ftp", "package", "vsftpd"},
		{"rsh", "package", "rsh-redone-server"},
		{"telnet", "inetd", "/etc/inetd.conf:2"},
		{"rsh", "inetd", "/etc/inetd.conf:4"},
		{"ftp", "inetd", "/etc/inetd.conf:6"},
		{"telnet", "inetd", "/etc/xinetd.d/telnet:1"},
		{"rlogin", "inetd", "/etc/xinetd.d/rlogin:2"},
		{"rexec", "inetd", "/etc/xinetd.d/rexec:1"},
		{"ftp", "inetd", "/etc/xinetd.conf:5"},
		{"telnet", "socket", "telnet.socket"},
		{"rlogin", "socket", "rlogin.socket"},
	};
	struct vg_collect c;
	struct vg_root root;
	struct vg_facts f;
	struct vg_err err;
	char *dir = vg_test_tmpdir();
	size_t i;

	(void)state;
	vg_test_write(
		dir, "etc/inetd.conf",
		"# inetd.conf\n"
		"telnet stream tcp nowait root /usr/sbin/tcpd in.telnetd\n"
		"#<off># ftp stream tcp nowait root /usr/sbin/tcpd ftpd\n"
		"127.0.0.1:shell stream tcp nowait root in.rshd\n"
		"discard stream tcp nowait root internal\n"
		"  ftp\tstream tcp6 nowait root /usr/sbin/ftpd ftpd\n"
		"telnets stream tcp nowait root in.telnetd\n");
	vg_test_write(dir, "etc/xinetd.conf",
		      "defaults\n{\n  instances = 60\n}\n"
		      "service ftp\n{\n  socket_type = stream\n}\n"
		      "includedir /etc/xinetd.d\n");
	vg_test_write(dir, "etc/xinetd.d/telnet",
		      "service telnet\n{\n\tflags = REUSE\n"
		      "\tdisable = no\n}\n");
	vg_test_write(dir, "etc/xinetd.d/rsh",
		      "# default: off\nservice shell\n{\n"
		      "\tdisable\t= yes\n}\n");
	vg_test_write(dir, "etc/xinetd.d/rlogin",
		      "# no disable line: it runs\nservice login\n{\n"
		      "\tserver = /usr/sbin/in.rlogind\n}\n");
	vg_test_write(dir, "etc/xinetd.d/rexec",
		      "service exec {\n\tdisable = No\n}\n");
	vg_test_write(dir, "etc/xinetd.d/ftp.rpmsave", "service ftp\n{\n}\n");
	vg_test_write(dir, "etc/xinetd.d/ftp~", "service ftp\n{\n}\n");
	vg_test_write(dir, "etc/xinetd.d/tftp",
		      "service tftp\n{\n\tdisable = no\n}\n");
	link_in(dir, "/usr/lib/systemd/system/telnet.socket",
		"etc/systemd/system/sockets.target.wants/telnet.socket");
	vg_test_write(dir, "usr/lib/systemd/system/rlogin.socket",
		      "[Socket]\n");
	link_in(dir, "../../../../usr/lib/systemd/system/rlogin.socket",
		"etc/systemd/system/sockets.target.wants/rlogin.socket");
	link_in(dir, "/usr/lib/systemd/system/sshd.socket",
		"etc/systemd/system/sockets.target.wants/sshd.socket");
	/* Not a live root: this /proc must never be read. */
	vg_test_write(dir, "proc/net/tcp",
		      "  sl  local_address rem_address   st\n"
		      "   0: 00000000:0017 00000000:0000 0A 0\n");

	assert_int_equal(vg_root_open(&root, dir, &err), VG_OK);
	vg_facts_init(&f);
	add_package(&f, "telnetd");
	add_package(&f, "vsftpd");
	add_package(&f, "rsh-redone-server");
	add_package(&f, "openbsd-inetd");
	add_package(&f, "tftpd-hpa");
	add_package(&f, "telnet");
	c.root = &root;
	c.policy = NULL;
	c.facts = &f;
	assert_int_equal(vg_collect_services(&c), VG_OK);
	assert_true(f.sources[VG_SRC_SERVICES].collected);
	for (i = 0; i < VG_ARRAY_LEN(expected); i++) {
		print_message("expect %s %s %s\n", expected[i].protocol,
			      expected[i].via, expected[i].detail);
		assert_true(has(&f, &expected[i]));
	}
	assert_int_equal(f.n_services, VG_ARRAY_LEN(expected));
	vg_facts_release(&f);
	vg_root_close(&root);
	vg_test_rmtree(dir);
	free(dir);
}

static void
test_collect_nothing(void **state)
{
	struct vg_collect c;
	struct vg_root root;
	struct vg_facts f;
	struct vg_err err;
	char *dir = vg_test_tmpdir();

	(void)state;
	/* Hostile bytes in the files: no crash, nothing found. */
	vg_test_write_bytes(dir, "etc/inetd.conf", "tel\0net stream\n\xff\n",
			    18);
	vg_test_write(dir, "etc/xinetd.d/broken",
		      "service telnet\n{\n\tdisable = yes\n"
		      "service ftp\n");
	assert_int_equal(vg_root_open(&root, dir, &err), VG_OK);
	vg_facts_init(&f);
	c.root = &root;
	c.policy = NULL;
	c.facts = &f;
	assert_int_equal(vg_collect_services(&c), VG_OK);
	assert_true(f.sources[VG_SRC_SERVICES].collected);
	assert_int_equal(f.n_services, 0);
	vg_facts_release(&f);
	vg_root_close(&root);
	vg_test_rmtree(dir);
	free(dir);
}

/* The live root: /proc is read; every "listen" fact names a port. */
static void
test_collect_live(void **state)
{
	struct vg_collect c;
	struct vg_root root;
	struct vg_facts f;
	struct vg_err err;
	size_t i;

	(void)state;
	assert_int_equal(vg_root_open(&root, "/", &err), VG_OK);
	assert_true(root.live);
	vg_facts_init(&f);
	c.root = &root;
	c.policy = NULL;
	c.facts = &f;
	assert_int_equal(vg_collect_services(&c), VG_OK);
	assert_true(f.sources[VG_SRC_SERVICES].collected);
	assert_false(vg_test_has_warning(&f, "bad local address"));
	for (i = 0; i < f.n_services; i++)
		if (strcmp(f.services[i].via, "listen") == 0)
			assert_non_null(strrchr(f.services[i].detail, ':'));
	vg_facts_release(&f);
	vg_root_close(&root);
}

/*
 * RHEL family, no dpkg: daemons seen from their binaries. Returns the
 * facts collected on a root built in dir, packages collected or not.
 */
static void
collect_daemons(const char *dir, bool dpkg, struct vg_facts *f)
{
	struct vg_collect c;
	struct vg_root root;
	struct vg_err err;

	assert_int_equal(vg_root_open(&root, dir, &err), VG_OK);
	vg_facts_init(f);
	if (dpkg)
		vg_facts_collected(f, VG_SRC_PACKAGES);
	c.root = &root;
	c.policy = NULL;
	c.facts = f;
	assert_int_equal(vg_collect_services(&c), VG_OK);
	assert_true(f->sources[VG_SRC_SERVICES].collected);
	vg_root_close(&root);
}

static void
test_daemons(void **state)
{
	static const struct expect rhel[] = {
		{"ftp", "service", "vsftpd.service"},
		{"telnet", "binary", "/usr/sbin/in.telnetd"},
		{"rexec", "binary", "/usr/sbin/in.rexecd"},
		{"rsh", "inetd", "/etc/xinetd.d/rsh:1"},
	};
	static const struct expect debian[] = {
		{"ftp", "service", "vsftpd.service"},
		{"rsh", "inetd", "/etc/xinetd.d/rsh:1"},
	};
	char *dir = vg_test_tmpdir();
	char path[4096];
	struct vg_facts f;
	size_t i;

	(void)state;
	/* vsftpd: binary and enabled unit (link to a missing target). */
	vg_test_write(dir, "usr/sbin/vsftpd", "\177ELF");
	vg_test_write(dir, "etc/systemd/system/multi-user.target.wants/.keep",
		      "");
	(void)snprintf(path, sizeof(path),
		       "%s/etc/systemd/system/multi-user.target.wants/%s", dir,
		       "vsftpd.service");
	assert_int_equal(
		symlink("/usr/lib/systemd/system/vsftpd.service", path), 0);
	/* pure-ftpd: enabled, but removed (its binary is gone). */
	(void)snprintf(path, sizeof(path),
		       "%s/etc/systemd/system/multi-user.target.wants/%s", dir,
		       "pure-ftpd.service");
	assert_int_equal(symlink("/lib/systemd/system/pure-ftpd.service", path),
			 0);
	/* proftpd: installed, not enabled; ftp is already reported. */
	vg_test_write(dir, "usr/sbin/proftpd", "\177ELF");
	/* in.telnetd: installed, nothing starts it. */
	vg_test_write(dir, "usr/sbin/in.telnetd", "\177ELF");
	/* in.rexecd: a symlink, resolved inside the root. */
	vg_test_write(dir, "usr/bin/in.rexecd", "\177ELF");
	(void)snprintf(path, sizeof(path), "%s/usr/sbin/in.rexecd", dir);
	assert_int_equal(symlink("/usr/bin/in.rexecd", path), 0);
	/* in.rshd: started by xinetd; that is the way it is reported. */
	vg_test_write(dir, "usr/sbin/in.rshd", "\177ELF");
	vg_test_write(dir, "etc/xinetd.d/rsh",
		      "service shell\n{\n\tdisable = no\n}\n");
	/* in.rlogind: not a regular file. */
	(void)snprintf(path, sizeof(path), "%s/usr/sbin/in.rlogind", dir);
	assert_int_equal(mkdir(path, 0755), 0);

	collect_daemons(dir, false, &f);
	for (i = 0; i < VG_ARRAY_LEN(rhel); i++) {
		print_message("expect %s %s %s\n", rhel[i].protocol,
			      rhel[i].via, rhel[i].detail);
		assert_true(has(&f, &rhel[i]));
	}
	assert_int_equal(f.n_services, VG_ARRAY_LEN(rhel));
	vg_facts_release(&f);

	/* With dpkg, packages say what is installed: no "binary". */
	collect_daemons(dir, true, &f);
	for (i = 0; i < VG_ARRAY_LEN(debian); i++)
		assert_true(has(&f, &debian[i]));
	assert_int_equal(f.n_services, VG_ARRAY_LEN(debian));
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
}

/* Listen on addr:port (IPv4 or IPv6); -1 when this host cannot. */
static int
listen_on(const char *addr, unsigned port)
{
	struct sockaddr_in6 s6;
	struct sockaddr_in s4;
	int fd, one = 1;
	bool v6 = strchr(addr, ':') != NULL;

	if ((fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&s4, 0, sizeof(s4));
	memset(&s6, 0, sizeof(s6));
	s4.sin_family = AF_INET;
	s4.sin_port = htons((uint16_t)port);
	s6.sin6_family = AF_INET6;
	s6.sin6_port = htons((uint16_t)port);
	if ((v6 ? inet_pton(AF_INET6, addr, &s6.sin6_addr)
		: inet_pton(AF_INET, addr, &s4.sin_addr)) != 1 ||
	    (v6 ? bind(fd, (struct sockaddr *)&s6, sizeof(s6))
		: bind(fd, (struct sockaddr *)&s4, sizeof(s4))) == -1 ||
	    listen(fd, 1) == -1) {
		print_message("cannot listen on %s:%u: %s\n", addr, port,
			      strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Loopback listeners are not remote; others are (live host, needs the
 * right to bind ports below 1024: skipped otherwise). */
static void
test_listen_loopback(void **state)
{
	static const struct {
		const char *addr;
		unsigned port;
		const char *protocol, *detail;
		bool reported;
	} socks[] = {
		{"127.0.0.1", 23, "telnet", "127.0.0.1:23", false},
		{"127.0.0.2", 21, "ftp", "127.0.0.2:21", false},
		{"::1", 513, "rlogin", "[::1]:513", false},
		{"0.0.0.0", 512, "rexec", "0.0.0.0:512", true},
	};
	int fds[VG_ARRAY_LEN(socks)];
	struct vg_collect c;
	struct vg_root root;
	struct vg_facts f;
	struct vg_err err;
	struct expect e;
	size_t i, bound = 0;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(socks); i++)
		if ((fds[i] = listen_on(socks[i].addr, socks[i].port)) != -1)
			bound++;
	if (bound == 0)
		skip();
	assert_int_equal(vg_root_open(&root, "/", &err), VG_OK);
	vg_facts_init(&f);
	c.root = &root;
	c.policy = NULL;
	c.facts = &f;
	assert_int_equal(vg_collect_services(&c), VG_OK);
	for (i = 0; i < VG_ARRAY_LEN(socks); i++) {
		if (fds[i] == -1)
			continue;
		e.protocol = socks[i].protocol;
		e.via = "listen";
		e.detail = socks[i].detail;
		print_message("%s: reported %d\n", e.detail, socks[i].reported);
		assert_int_equal(has(&f, &e), socks[i].reported);
		close(fds[i]);
	}
	vg_facts_release(&f);
	vg_root_close(&root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_collect),
		cmocka_unit_test(test_collect_nothing),
		cmocka_unit_test(test_collect_live),
		cmocka_unit_test(test_daemons),
		cmocka_unit_test(test_listen_loopback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
