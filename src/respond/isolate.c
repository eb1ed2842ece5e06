/*
 * Isolation with nftables (isolate.h). nft runs by its absolute path,
 * with a fixed environment and no shell: the agent runs as root and the
 * only input is an address it checked itself. The ruleset goes to nft
 * through an anonymous memory file (no temporary file to race on).
 */
#include "util/common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "respond/isolate.h"
#include "util/banned.h"

/* nft answers in milliseconds; a stuck one is killed after this. */
#define NFT_TIMEOUT_MS 10000
/* The fd the ruleset is passed on to nft as (/dev/fd/3). */
#define RULESET_FD 3

const char *
vg_isolate_nft_path(void)
{
	static const char *const paths[] = {"/usr/sbin/nft", "/sbin/nft",
					    "/usr/bin/nft", "/bin/nft"};
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(paths); i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

enum vg_rc
vg_isolate_ruleset(const char *ip, long port, struct vg_buf *out,
		   struct vg_err *err)
{
	unsigned char bin[sizeof(struct in6_addr)];
	char canon[INET6_ADDRSTRLEN];
	const char *fam;
	bool v6;
	enum vg_rc rc;

	vg_buf_reset(out);
	if (ip == NULL || strlen(ip) >= INET6_ADDRSTRLEN)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("invalid server address for the "
				    "isolation"));
	/* inet_pton accepts nothing but a bare address: no name, no
	 * prefix, no space or quote that could reach nft's parser. */
	if (inet_pton(AF_INET, ip, bin) == 1)
		v6 = false;
	else if (inet_pton(AF_INET6, ip, bin) == 1)
		v6 = true;
	else
		return vg_err_set(err, VG_ERR_USAGE,
				  _("invalid server address '%s' for the "
				    "isolation"),
				  ip);
	if (port < 1 || port > 65535)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("invalid server port %ld for the "
				    "isolation"),
				  port);
	if (inet_ntop(v6 ? AF_INET6 : AF_INET, bin, canon, sizeof(canon)) ==
	    NULL)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("invalid server address '%s' for the "
				    "isolation"),
				  ip);
	fam = v6 ? "ip6" : "ip";
	/*
	 * Declaring the table first makes the `delete` valid when it does
	 * not exist yet; the file is one transaction, so the old table is
	 * replaced, never missing, and a refused file changes nothing.
	 * The server's packets are matched by address and port alone, not
	 * by conntrack state: at priority -200 the chain may run before
	 * conntrack, and the connection already open must keep working.
	 * A bare SYN from the server's port is still refused: it cannot
	 * open a connection to this host.
	 */
	rc = vg_buf_printf(
		out,
		"# vigie: this host is isolated (incident response).\n"
		"# Release: `vigie incident release` on the server, or\n"
		"# `vigie agent release --local` on this host.\n"
		"table %s %s\n"
		"delete table %s %s\n"
		"table %s %s {\n"
		"\tchain input {\n"
		"\t\ttype filter hook input priority -200; policy drop;\n"
		"\t\tiif \"lo\" accept\n"
		"\t\t%s saddr %s tcp sport %ld tcp flags & (syn | ack) != syn "
		"accept\n",
		VG_ISOLATE_FAMILY, VG_ISOLATE_TABLE, VG_ISOLATE_FAMILY,
		VG_ISOLATE_TABLE, VG_ISOLATE_FAMILY, VG_ISOLATE_TABLE, fam,
		canon, port);
	/* IPv6 needs ICMPv6 to go on reaching the server: neighbour
	 * discovery resolves its link-layer address, router advertisements
	 * keep the default route of an off-link server alive, and "packet
	 * too big" keeps large uploads flowing. */
	if (rc == VG_OK && v6)
		rc = vg_buf_adds(out,
				 "\t\ticmpv6 type { nd-neighbor-solicit, "
				 "nd-neighbor-advert, nd-router-advert, "
				 "packet-too-big } accept\n");
	if (rc == VG_OK)
		rc = vg_buf_printf(out,
				   "\t}\n"
				   "\tchain output {\n"
				   "\t\ttype filter hook output priority -200; "
				   "policy drop;\n"
				   "\t\toif \"lo\" accept\n"
				   "\t\t%s daddr %s tcp dport %ld accept\n",
				   fam, canon, port);
	if (rc == VG_OK && v6)
		rc = vg_buf_adds(out,
				 "\t\ticmpv6 type { nd-neighbor-solicit, "
				 "nd-neighbor-advert, nd-router-solicit } "
				 "accept\n");
	if (rc == VG_OK)
		rc = vg_buf_adds(out, "\t}\n}\n");
	if (rc != VG_OK)
		return vg_err_set(err, rc, _("out of memory"));
	return VG_OK;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Keep nft's stderr as one printable line of at most `size` - 1 bytes. */
static void
clean_reason(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			*s = ' ';
}

/* The child's side: fds in place, then nft with a fixed environment. */
static void __attribute__((noreturn))
exec_nft(const char *nft, char *const argv[], int errfd, int rulefd)
{
	static char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
				     "LC_ALL=C", NULL};
	int null = open("/dev/null", O_RDWR);

	if (null == -1 || dup2(null, 0) == -1 || dup2(null, 1) == -1 ||
	    dup2(errfd, 2) == -1)
		_exit(126);
	/* dup2 onto itself would keep close-on-exec: clear it then. */
	if (rulefd == RULESET_FD) {
		if (fcntl(rulefd, F_SETFD, 0) == -1)
			_exit(126);
	} else if (rulefd != -1 && dup2(rulefd, RULESET_FD) == -1) {
		_exit(126);
	}
	/* Everything else stays behind (the agent's sockets, its lock). */
	closefrom(rulefd != -1 ? RULESET_FD + 1 : 3);
	execve(nft, argv, envp);
	_exit(127);
}

/*
 * Run nft with argv (argv[0] is replaced by the path), the ruleset fd
 * rulefd (or -1) as /dev/fd/3. Returns nft's exit status (0 success),
 * or -1 when it could not run; reason gets its stderr (bounded).
 */
static int
run_nft(char *argv[], int rulefd, char *reason, size_t size)
{
	const char *nft = vg_isolate_nft_path();
	struct pollfd pfd;
	int pipefd[2], status = 0;
	size_t used = 0;
	int64_t deadline;
	ssize_t n;
	char sink[512];
	pid_t pid;

	reason[0] = '\0';
	if (nft == NULL) {
		(void)snprintf(reason, size, "%s",
			       _("nft is not installed (package nftables)"));
		return -1;
	}
	argv[0] = (char *)nft;
	if (pipe2(pipefd, O_CLOEXEC) == -1) {
		(void)snprintf(reason, size, _("cannot run nft: %s"),
			       strerror(errno));
		return -1;
	}
	fflush(NULL);
	if ((pid = fork()) == -1) {
		(void)snprintf(reason, size, _("cannot run nft: %s"),
			       strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (pid == 0)
		exec_nft(nft, argv, pipefd[1], rulefd);
	close(pipefd[1]);
	/* Its stderr, bounded: what is past the cap is read and dropped
	 * so that nft never blocks on a full pipe. */
	deadline = mono_ms() + NFT_TIMEOUT_MS;
	pfd.fd = pipefd[0];
	pfd.events = POLLIN;
	while (mono_ms() < deadline) {
		int left = (int)(deadline - mono_ms());

		if (poll(&pfd, 1, left > 0 ? left : 0) <= 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (used + 1 < size)
			n = read(pipefd[0], reason + used, size - 1 - used);
		else
			n = read(pipefd[0], sink, sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (used + 1 < size) {
			used += (size_t)n;
			reason[used] = '\0';
		}
	}
	close(pipefd[0]);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (mono_ms() >= deadline) {
			(void)kill(pid, SIGKILL);
			(void)waitpid(pid, &status, 0);
			(void)snprintf(reason, size,
				       _("nft did not finish within %d "
					 "seconds"),
				       NFT_TIMEOUT_MS / 1000);
			return -1;
		}
		(void)poll(NULL, 0, 10);
	}
	clean_reason(reason);
	if (WIFEXITED(status))
		return WEXITSTATUS(status) == 127 ? -1 : WEXITSTATUS(status);
	return -1;
}

bool
vg_isolate_active(void)
{
	char *argv[] = {
		NULL, "list", "table", VG_ISOLATE_FAMILY, VG_ISOLATE_TABLE,
		NULL};
	char reason[VG_ISOLATE_REASON_MAX];

	return run_nft(argv, -1, reason, sizeof(reason)) == 0;
}

enum vg_rc
vg_isolate_apply(const char *ip, long port, struct vg_err *err)
{
	char *argv[] = {NULL, "-f", "/dev/fd/3", NULL};
	char reason[VG_ISOLATE_REASON_MAX];
	struct vg_buf text;
	enum vg_rc rc;
	size_t off = 0;
	ssize_t n;
	int fd, st;

	vg_buf_init(&text, VG_ISOLATE_RULESET_MAX);
	if ((rc = vg_isolate_ruleset(ip, port, &text, err)) != VG_OK)
		goto done;
	if ((fd = memfd_create("vigie-isolation", MFD_CLOEXEC)) == -1) {
		rc = vg_err_set(err, VG_ERR_IO,
				_("cannot prepare the ruleset: %s"),
				strerror(errno));
		goto done;
	}
	while (off < text.len) {
		n = write(fd, text.data + off, text.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = vg_err_set(err, VG_ERR_IO,
					_("cannot prepare the ruleset: %s"),
					strerror(errno));
			close(fd);
			goto done;
		}
		off += (size_t)n;
	}
	(void)lseek(fd, 0, SEEK_SET);
	st = run_nft(argv, fd, reason, sizeof(reason));
	close(fd);
	if (st != 0) {
		rc = vg_err_set(err, VG_ERR_IO,
				_("nft refused the ruleset: %s"),
				reason[0] != '\0' ? reason : _("no message"));
		goto done;
	}
	/* nft said yes: make sure the kernel has the table. */
	if (!vg_isolate_active())
		rc = vg_err_set(err, VG_ERR_IO,
				_("the table %s %s is missing after nft "
				  "applied it"),
				VG_ISOLATE_FAMILY, VG_ISOLATE_TABLE);
done:
	vg_buf_release(&text);
	return rc;
}

enum vg_rc
vg_isolate_release(bool *was_present, struct vg_err *err)
{
	char *argv[] = {
		NULL, "delete", "table", VG_ISOLATE_FAMILY, VG_ISOLATE_TABLE,
		NULL};
	char reason[VG_ISOLATE_REASON_MAX];

	if (was_present != NULL)
		*was_present = false;
	if (vg_isolate_nft_path() == NULL)
		return vg_err_set(err, VG_ERR_IO, "%s",
				  _("nft is not installed (package "
				    "nftables)"));
	/* Delete at once: only nft's own "no such table" means released.
	 * Any other failure (a timeout, a busy netlink) keeps the table,
	 * and the caller must keep its record and its pin with it. */
	if (run_nft(argv, -1, reason, sizeof(reason)) != 0) {
		if (strstr(reason, "No such file or directory") != NULL)
			return VG_OK; /* nothing to remove: already released */
		return vg_err_set(err, VG_ERR_IO,
				  _("nft could not delete the table: %s"),
				  reason[0] != '\0' ? reason : _("no message"));
	}
	if (was_present != NULL)
		*was_present = true;
	return VG_OK;
}
