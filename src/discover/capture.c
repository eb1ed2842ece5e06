/*
 * The capture loop of capture.h. Live captures use pcap_create +
 * pcap_activate (promiscuous: still listening only) and a read timeout,
 * so the duration and a stop request are noticed on a quiet network.
 */
#include "util/common.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "discover/capture.h"
#include "util/dynlib.h"
#include "util/banned.h"

#define CAPTURE_TIMEOUT_MS 200        /* live read timeout */
#define CAPTURE_BUFFER (8u << 20)     /* kernel ring for live captures */
#define PROGRESS_EVERY_NS 1000000000L /* progress line refresh */

static volatile sig_atomic_t stop_requested;

void
vg_capture_stop(void)
{
	stop_requested = 1;
}

/*
 * libpcap, loaded when a capture starts (util/dynlib.h): the agent's
 * service and every other command never map it nor its dependencies.
 * Only these listening functions are ever looked up: nothing that sends
 * (pcap_inject, pcap_sendpacket) can be called, not even by mistake.
 */
#define PCAP_SONAME "libpcap.so.0.8"

static struct {
	int (*activate)(pcap_t *);
	void (*close)(pcap_t *);
	pcap_t *(*create)(const char *, char *);
	int (*datalink)(pcap_t *);
	const char *(*datalink_val_to_name)(int);
	int (*dispatch)(pcap_t *, int, pcap_handler, u_char *);
	int (*get_selectable_fd)(pcap_t *);
	char *(*geterr)(pcap_t *);
	pcap_t *(*open_offline)(const char *, char *);
	int (*set_buffer_size)(pcap_t *, int);
	int (*set_promisc)(pcap_t *, int);
	int (*set_snaplen)(pcap_t *, int);
	int (*set_timeout)(pcap_t *, int);
	int (*setnonblock)(pcap_t *, int, char *);
	int (*stats)(pcap_t *, struct pcap_stat *);
	const char *(*statustostr)(int);
} P;
static void *pcap_handle;

static enum vg_rc
load_pcap(struct vg_err *err)
{
#define SYM(f)                                                                 \
	{                                                                      \
		"pcap_" #f, (void *)&P.f                                       \
	}
	const struct vg_dynsym syms[] = {
		SYM(activate),
		SYM(close),
		SYM(create),
		SYM(datalink),
		SYM(datalink_val_to_name),
		SYM(dispatch),
		SYM(get_selectable_fd),
		SYM(geterr),
		SYM(open_offline),
		SYM(set_buffer_size),
		SYM(set_promisc),
		SYM(set_snaplen),
		SYM(set_timeout),
		SYM(setnonblock),
		SYM(stats),
		SYM(statustostr),
	};
#undef SYM

	return vg_dynlib_load(PCAP_SONAME, syms, VG_ARRAY_LEN(syms),
			      &pcap_handle, err);
}

/* The VG_LINK_* of a pcap DLT, or -1 when not supported. */
static int
link_of(int dlt)
{
	switch (dlt) {
	case DLT_NULL:
		return VG_LINK_NULL;
	case DLT_EN10MB:
		return VG_LINK_EN10MB;
	case DLT_RAW:
	case 101:
#ifdef DLT_IPV4
	case DLT_IPV4:
	case DLT_IPV6:
#endif
		return VG_LINK_RAW;
	case DLT_LINUX_SLL:
		return VG_LINK_LINUX_SLL;
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2:
		return VG_LINK_LINUX_SLL2;
#endif
	default:
		return -1;
	}
}

/* Clear every capability set of this process (capset(2), v3). */
static bool
drop_capabilities(void)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	return syscall(SYS_capset, &hdr, data) == 0;
}

enum vg_rc
vg_capture_drop_privileges(const char *user, char *dropped_to, size_t len,
			   struct vg_err *err)
{
	const struct passwd *pw;

	if (len > 0)
		dropped_to[0] = '\0';
	if (geteuid() != 0) {
		if (!drop_capabilities())
			return vg_err_set(err, VG_ERR_IO,
					  _("cannot drop capabilities: %s"),
					  strerror(errno));
		goto no_new_privs;
	}
	errno = 0;
	if (user != NULL)
		pw = getpwnam(user);
	else if ((pw = getpwnam(VG_CAPTURE_USER)) == NULL)
		pw = getpwnam(VG_CAPTURE_FALLBACK);
	if (pw == NULL)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("no user '%s' to drop privileges to"),
				  user ? user : VG_CAPTURE_FALLBACK);
	if (pw->pw_uid == 0)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("user '%s' is root: refusing to decode "
				    "packets as root"),
				  pw->pw_name);
	(void)snprintf(dropped_to, len, "%s", pw->pw_name);
	if (setgroups(0, NULL) != 0 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0)
		return vg_err_set(err, VG_ERR_IO,
				  _("cannot drop privileges to '%s': %s"),
				  dropped_to, strerror(errno));
	/* Leaving uid 0 cleared the capabilities; make sure of it. */
	if (!drop_capabilities())
		return vg_err_set(err, VG_ERR_IO,
				  _("cannot drop capabilities: %s"),
				  strerror(errno));
	if (setuid(0) == 0 || seteuid(0) == 0)
		return vg_err_set(err, VG_ERR_IO,
				  _("could regain root after dropping "
				    "privileges"));
no_new_privs:
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return vg_err_set(err, VG_ERR_IO,
				  _("cannot set no_new_privs: %s"),
				  strerror(errno));
	return VG_OK;
}

struct loop {
	struct vg_pipeline *p;
	struct vg_obs_sink sink;
	int link;
	bool progress;
	struct timespec last;
};

static void
progress(struct loop *l, bool final)
{
	struct timespec now;

	if (!l->progress)
		return;
	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	if (!final &&
	    (now.tv_sec - l->last.tv_sec) * 1000000000L +
			    (now.tv_nsec - l->last.tv_nsec) <
		    PROGRESS_EVERY_NS)
		return;
	l->last = now;
	fputc('\r', stderr);
	fprintf(stderr, _("vigie: %llu packets, %zu devices"),
		(unsigned long long)l->p->capture.packets,
		vg_devices_count(l->p->devices));
	if (final)
		fputc('\n', stderr);
}

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct loop *l = (struct loop *)user;
	struct vg_capture_stats *cs = &l->p->capture;
	struct vg_packet pkt;
	int64_t ts = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;

	cs->packets++;
	cs->bytes += h->caplen;
	if (h->caplen < h->len)
		cs->truncated++;
	if (vg_packet_decode(l->link, bytes, h->caplen, ts, &pkt) != VG_OK)
		cs->malformed++;
	if (pkt.kind == VG_PKT_OTHER && !pkt.has_mac)
		return;
	vg_devices_packet(l->p->devices, &pkt);
	vg_dispatch(&pkt, l->p->flows, &l->sink, &l->p->dispatch);
	if ((cs->packets & 0xffff) == 0)
		progress(l, false);
}

/* Open the live capture on iface. */
static pcap_t *
open_live(const char *iface, struct vg_err *err)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *pc;
	int rc;

	if ((pc = P.create(iface, ebuf)) == NULL) {
		(void)vg_err_set(err, VG_ERR_IO,
				 _("cannot capture on '%s': %s"), iface, ebuf);
		return NULL;
	}
	if (P.set_snaplen(pc, VG_CAPTURE_SNAPLEN) != 0 ||
	    P.set_promisc(pc, 1) != 0 ||
	    P.set_timeout(pc, CAPTURE_TIMEOUT_MS) != 0 ||
	    P.set_buffer_size(pc, CAPTURE_BUFFER) != 0) {
		(void)vg_err_set(err, VG_ERR_IO,
				 _("cannot capture on '%s': %s"), iface,
				 P.geterr(pc));
		P.close(pc);
		return NULL;
	}
	if ((rc = P.activate(pc)) < 0) {
		(void)vg_err_set(
			err, VG_ERR_IO, _("cannot capture on '%s': %s"), iface,
			rc == PCAP_ERROR ? P.geterr(pc) : P.statustostr(rc));
		P.close(pc);
		return NULL;
	}
	/* With TPACKET_V3 a read waits for the first packet however long
	 * it takes: poll(2) with a timeout instead, so a quiet network
	 * still ends at --duration and on a signal. */
	if (P.setnonblock(pc, 1, ebuf) != 0 || P.get_selectable_fd(pc) < 0) {
		(void)vg_err_set(err, VG_ERR_IO,
				 _("cannot capture on '%s': %s"), iface,
				 ebuf[0] ? ebuf : "no selectable fd");
		P.close(pc);
		return NULL;
	}
	return pc;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum vg_rc
vg_capture_run(const struct vg_capture_opts *o, struct vg_pipeline *p,
	       struct vg_err *err)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct pcap_stat ps;
	struct loop l;
	pcap_t *pc = NULL;
	enum vg_rc rc = VG_OK;
	int64_t end = 0;
	int n;

	if ((rc = load_pcap(err)) != VG_OK)
		return rc;
	stop_requested = 0;
	memset(&l, 0, sizeof(l));
	l.p = p;
	l.sink = vg_devices_sink(p->devices);
	l.progress = o->progress;
	if (o->iface != NULL)
		pc = open_live(o->iface, err);
	else if ((pc = P.open_offline(o->file, ebuf)) == NULL)
		(void)vg_err_set(err, VG_ERR_IO, _("cannot read '%s': %s"),
				 o->file, ebuf);
	if (pc == NULL)
		return VG_ERR_IO;
	/* Nothing is decoded with more privilege than reading needs. */
	if ((rc = vg_capture_drop_privileges(o->user, p->capture.dropped_to,
					     sizeof(p->capture.dropped_to),
					     err)) != VG_OK)
		goto done;
	if ((l.link = link_of(P.datalink(pc))) < 0) {
		rc = vg_err_set(err, VG_ERR_USAGE,
				_("%s: unsupported link type %s"),
				o->iface ? o->iface : o->file,
				P.datalink_val_to_name(P.datalink(pc))
					? P.datalink_val_to_name(P.datalink(pc))
					: "?");
		goto done;
	}
	if (o->iface != NULL && o->duration_s > 0)
		end = now_ms() + o->duration_s * 1000;
	(void)clock_gettime(CLOCK_MONOTONIC, &l.last);
	while (!stop_requested) {
		n = P.dispatch(pc, o->iface ? -1 : 4096, on_packet,
			       (u_char *)&l);
		if (n == PCAP_ERROR) {
			rc = vg_err_set(err, VG_ERR_IO, _("%s: %s"),
					o->iface ? o->iface : o->file,
					P.geterr(pc));
			break;
		}
		if (n == PCAP_ERROR_BREAK || (o->iface == NULL && n == 0))
			break;
		if (end != 0 && now_ms() >= end)
			break;
		if (o->iface != NULL && n == 0) {
			struct pollfd pfd = {P.get_selectable_fd(pc), POLLIN,
					     0};

			(void)poll(&pfd, 1, CAPTURE_TIMEOUT_MS); /* EINTR: ok */
		}
		progress(&l, false);
	}
	if (o->iface != NULL && P.stats(pc, &ps) == 0) {
		p->capture.kernel_drops = ps.ps_drop;
		p->capture.iface_drops = ps.ps_ifdrop;
	}
	progress(&l, true);
done:
	P.close(pc);
	return rc;
}
