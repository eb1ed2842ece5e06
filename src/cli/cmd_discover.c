/*
 * vigie discover: passive inventory from network traffic, live on an
 * interface or from a capture file. Builds the pipeline of
 * discover/capture.h, then prints the devices (vigie.devices/1 JSON, or
 * a table rendered from that same document) and the counters of what
 * was dropped; records the devices in a store, or, as a sensor, sends
 * them to a server (discover_record.c).
 */
#include "util/common.h"

#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"
#include "cli/cli.h"
#include "cli/cmd_discover.h"
#include "cli/discover_record.h"
#include "discover/capture.h"
#include "discover/oui.h"
#include "util/log.h"
#include "util/text.h"
#include "util/banned.h"

#define DISCOVER_MAX_DURATION (366LL * 86400) /* --duration ceiling */

static const char discover_usage[] =
	N_("vigie discover (-i IFACE | -r FILE) [--duration TIME]\n"
	   "                      [--format text|json] [--user USER]\n"
	   "                      [--local-net CIDR]... [--db FILE | --no-store"
	   " |\n"
	   "                      --server URL [--state-dir DIR]]");
static const char discover_help[] =
	N_("Inventory the devices seen in network traffic, only by listening:\n"
	   "vigie never sends a packet. Decodes ARP, DHCP, DICOM, HL7 (MLLP),\n"
	   "mDNS, SSDP, LLDP, CDP, NetBIOS, BACnet/IP, Modbus/TCP, HTTP, TLS,\n"
	   "Telnet and FTP, and names each device's vendor, category and the\n"
	   "evidence for it.\n\n"
	   "  -i, --interface IFACE  capture live on IFACE (root or "
	   "CAP_NET_RAW)\n"
	   "  -r, --read FILE        read a pcap or pcapng file (- for stdin)\n"
	   "  --duration TIME        live: stop after TIME (30s, 10m, 1h; "
	   "default:\n"
	   "                         until interrupted)\n"
	   "  --format FMT           text (default) or json (vigie.devices/1)\n"
	   "  --user USER            user to drop to once the capture is open\n"
	   "                         (default: vigie, else nobody)\n"
	   "  --oui-dir DIR          IEEE vendor registries (default:\n"
	   "                         /usr/share/ieee-data)\n"
	   "  --local-net CIDR       also count addresses of CIDR as local "
	   "devices\n"
	   "                         (private, link-local and unique-local "
	   "ones\n"
	   "                         always are; others are the internet)\n"
	   "  --db FILE              record the devices in this store "
	   "(default:\n"
	   "                         as for `vigie scan`)\n"
	   "  --no-store             only print the devices\n"
	   "  --server URL           as a sensor, send the devices to the "
	   "vigie\n"
	   "                         server this sensor is enrolled with, "
	   "instead\n"
	   "                         of a local store\n"
	   "  --state-dir DIR        the sensor's credentials and spool "
	   "(default:\n"
	   "                         /var/lib/vigie/sensor as root, else\n"
	   "                         $XDG_STATE_HOME/vigie/sensor); enrol "
	   "it once\n"
	   "                         with `vigie agent enroll --state-dir "
	   "DIR`\n\n"
	   "Exit status: 0 done, 1 failure (with --server: the devices wait "
	   "in\nthe spool), 2 usage error.\n");

static int
usage_error(const char *fmt, const char *arg)
{
	log_errx(fmt, arg);
	vg_usage(stderr, _(discover_usage), NULL);
	return VG_EXIT_USAGE;
}

static void
on_signal(int sig)
{
	(void)sig;
	vg_capture_stop();
}

static void
oui_warn(void *ctx, const char *msg)
{
	(void)ctx;
	log_warnx("%s", msg);
}

static json_t *
stats_json(const struct vg_pipeline *p)
{
	const struct vg_flow_stats *fs = vg_flows_stats(p->flows);
	const struct vg_dev_stats *ds = vg_devices_stats(p->devices);
	json_t *o = json_object(), *mal = json_object(), *ids = json_object();
	size_t i;

	(void)json_object_set_new(o, "packets",
				  json_integer((json_int_t)p->capture.packets));
	(void)json_object_set_new(o, "bytes",
				  json_integer((json_int_t)p->capture.bytes));
	(void)json_object_set_new(
		o, "malformed_frames",
		json_integer((json_int_t)p->capture.malformed));
	(void)json_object_set_new(
		o, "truncated_frames",
		json_integer((json_int_t)p->capture.truncated));
	(void)json_object_set_new(
		o, "kernel_drops",
		json_integer((json_int_t)p->capture.kernel_drops));
	for (i = 0; i < VG_PROTO_COUNT; i++) {
		if (p->dispatch.malformed[i] > 0)
			(void)json_object_set_new(
				mal, vg_proto_name((enum vg_proto)i),
				json_integer(
					(json_int_t)p->dispatch.malformed[i]));
		if (fs->identified[i] > 0)
			(void)json_object_set_new(
				ids, vg_proto_name((enum vg_proto)i),
				json_integer((json_int_t)fs->identified[i]));
	}
	(void)json_object_set_new(o, "malformed", mal);
	(void)json_object_set_new(o, "streams_identified", ids);
	(void)json_object_set_new(o, "flows",
				  json_integer((json_int_t)fs->flows));
	(void)json_object_set_new(o, "flows_evicted",
				  json_integer((json_int_t)fs->evicted));
	(void)json_object_set_new(o, "flows_expired",
				  json_integer((json_int_t)fs->expired));
	(void)json_object_set_new(o, "streams_capped",
				  json_integer((json_int_t)fs->capped));
	(void)json_object_set_new(o, "streams_gap",
				  json_integer((json_int_t)fs->gaps));
	(void)json_object_set_new(o, "segments_dropped",
				  json_integer((json_int_t)fs->ooo_dropped));
	(void)json_object_set_new(
		o, "devices_dropped",
		json_integer((json_int_t)ds->devices_dropped));
	(void)json_object_set_new(
		o, "evidence_dropped",
		json_integer((json_int_t)ds->evidence_dropped));
	return o;
}

/* First n strings of array a joined by ", " into b. */
static void
join(json_t *a, size_t n, char *b, size_t len)
{
	size_t i, off = 0;
	json_t *v;

	b[0] = '\0';
	json_array_foreach(a, i, v)
	{
		if (i >= n || off >= len)
			break;
		off += (size_t)snprintf(b + off, len - off, "%s%s",
					i ? ", " : "", json_string_value(v));
	}
}

/* The table: one line per device, then what was dropped. */
static bool
print_text(FILE *fp, json_t *doc)
{
	json_t *devs = json_object_get(doc, "devices"), *d, *st;
	char ips[128], names[160], svcs[160];
	const char *key;
	size_t i;
	json_t *v;

	vg_put_cell(fp, _("MAC"), 19, false);
	vg_put_cell(fp, _("ADDRESS"), 17, false);
	vg_put_cell(fp, _("VENDOR"), 26, false);
	vg_put_cell(fp, _("CATEGORY"), 28, false);
	fprintf(fp, "%s\n", _("NAMES, SERVICES"));
	json_array_foreach(devs, i, d)
	{
		const char *mac = json_string_value(json_object_get(d, "mac"));
		const char *vendor =
			json_string_value(json_object_get(d, "vendor"));
		char cat[64];

		join(json_object_get(d, "ips"), 1, ips, sizeof(ips));
		join(json_object_get(d, "hostnames"), 3, names, sizeof(names));
		if (names[0] == '\0')
			join(json_object_get(json_object_get(d, "dicom"),
					     "ae_titles"),
			     3, names, sizeof(names));
		join(json_object_get(d, "services"), 4, svcs, sizeof(svcs));
		(void)snprintf(
			cat, sizeof(cat), "%s (%d%%)",
			json_string_value(json_object_get(d, "category")),
			(int)json_integer_value(
				json_object_get(d, "confidence")));
		/* Values come from the network: escaped, cut by character. */
		vg_put_cell(fp, mac ? mac : "-", 19, false);
		vg_put_cell(fp, ips[0] ? ips : "-", 17, false);
		vg_put_cell(fp, vendor ? vendor : "-", 26, true);
		vg_put_cell(fp, cat, 28, false);
		vg_fput_untrusted(fp, names);
		fputs(names[0] && svcs[0] ? "; " : "", fp);
		vg_fput_untrusted(fp, svcs);
		fputc('\n', fp);
	}
	st = json_object_get(doc, "stats");
	fprintf(fp, _("\n%zu devices from %lld packets"), json_array_size(devs),
		(long long)json_integer_value(json_object_get(st, "packets")));
	/* Only the counters that say something was not decoded or kept. */
	json_object_foreach(st, key, v)
	{
		if (json_is_integer(v) && json_integer_value(v) > 0 &&
		    strcmp(key, "packets") != 0 && strcmp(key, "bytes") != 0 &&
		    strcmp(key, "flows") != 0)
			fprintf(fp, ", %s %lld", key,
				(long long)json_integer_value(v));
		else if (json_is_object(v) && json_object_size(v) > 0 &&
			 strcmp(key, "malformed") == 0) {
			const char *proto;
			json_t *n;

			json_object_foreach(v, proto, n)
				fprintf(fp, _(", malformed %s %lld"), proto,
					(long long)json_integer_value(n));
		}
	}
	fputc('\n', fp);
	return fflush(fp) == 0 && !ferror(fp);
}

struct discover_args {
	struct vg_capture_opts cap;
	enum vg_format format;
	const char *oui_dir;
	const char *nets[VG_DEV_MAX_NETS];
	size_t n_nets;
	const char *db;
	bool no_store;
	const char *server, *state_dir;
};

static int
parse_args(int argc, char **argv, struct discover_args *a)
{
	static const struct option longopts[] = {
		{"interface", required_argument, NULL, 'i'},
		{"read", required_argument, NULL, 'r'},
		{"duration", required_argument, NULL, 'd'},
		{"format", required_argument, NULL, 'f'},
		{"user", required_argument, NULL, 'u'},
		{"oui-dir", required_argument, NULL, 'o'},
		{"local-net", required_argument, NULL, 'n'},
		{"db", required_argument, NULL, 'D'},
		{"no-store", no_argument, NULL, 'N'},
		{"server", required_argument, NULL, 'S'},
		{"state-dir", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	memset(a, 0, sizeof(*a));
	a->format = VG_FORMAT_TEXT;
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+hi:r:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'i':
			a->cap.iface = optarg;
			break;
		case 'r':
			a->cap.file = optarg;
			break;
		case 'd':
			if (vg_parse_duration(optarg, DISCOVER_MAX_DURATION,
					      &a->cap.duration_s) != VG_OK ||
			    a->cap.duration_s == 0)
				return usage_error(
					_("discover: invalid duration '%s' (a "
					  "number followed by s, m, h or d)"),
					optarg);
			break;
		case 'f':
			if (!vg_opt_format("discover", optarg, &a->format))
				return VG_EXIT_USAGE;
			break;
		case 'u':
			a->cap.user = optarg;
			break;
		case 'o':
			a->oui_dir = optarg;
			break;
		case 'n':
			if (a->n_nets == VG_DEV_MAX_NETS)
				return usage_error(_("discover: too many "
						     "--local-net (at most "
						     "64): '%s'"),
						   optarg);
			a->nets[a->n_nets++] = optarg;
			break;
		case 'D':
			a->db = optarg;
			break;
		case 'N':
			a->no_store = true;
			break;
		case 'S':
			a->server = optarg;
			break;
		case 's':
			a->state_dir = optarg;
			break;
		case 'h':
			vg_usage(stdout, _(discover_usage), _(discover_help));
			return VG_EXIT_OK;
		default:
			return usage_error(_("discover: unknown or incomplete "
					     "option '%s'"),
					   argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error(_("discover: unexpected argument '%s'"),
				   argv[optind]);
	if ((a->cap.iface == NULL) == (a->cap.file == NULL))
		return usage_error("%s",
				   _("discover: give one of -i IFACE or "
				     "-r FILE"));
	if (a->db != NULL && a->no_store)
		return usage_error("%s",
				   _("discover: --db and --no-store "
				     "exclude each other"));
	if (a->server != NULL && (a->db != NULL || a->no_store))
		return usage_error("%s",
				   _("discover: --server excludes --db and "
				     "--no-store"));
	if (a->state_dir != NULL && a->server == NULL)
		return usage_error("%s",
				   _("discover: --state-dir applies to a "
				     "sensor (--server)"));
	if (a->cap.duration_s > 0 && a->cap.iface == NULL)
		return usage_error("%s",
				   _("discover: --duration applies to a "
				     "live capture (-i)"));
	return -1;
}

int
vg_cmd_discover(int argc, char **argv)
{
	struct vg_discover_record rec;
	struct discover_args a;
	struct vg_pipeline p;
	struct vg_oui *oui = NULL;
	struct sigaction sa;
	struct vg_err err;
	json_t *doc = NULL, *devs;
	bool child = false;
	size_t i;
	int status;

	if ((status = parse_args(argc, argv, &a)) >= 0)
		return status;
	vg_err_clear(&err);
	memset(&p, 0, sizeof(p));
	vg_discover_record_init(&rec);
	status = VG_EXIT_FAILURE;
	/* Vendors are loaded before privileges are dropped; without the
	 * registries, devices simply have no vendor. */
	if ((oui = vg_oui_new()) == NULL ||
	    (p.devices = vg_devices_new(0)) == NULL ||
	    vg_flows_new(&p.flows, NULL, vg_stream_decoders,
			 vg_stream_decoder_count) != VG_OK) {
		log_errx("%s", _("out of memory"));
		goto done;
	}
	for (i = 0; i < a.n_nets; i++)
		if (vg_devices_add_local_net(p.devices, a.nets[i]) != VG_OK) {
			status = usage_error(_("discover: invalid network "
					       "'%s' (e.g. 192.0.2.0/24)"),
					     a.nets[i]);
			goto done;
		}
	if (vg_oui_load_dir(oui, a.oui_dir, oui_warn, NULL, &err) != VG_OK)
		log_warnx(_("no vendor names: %s"), err.msg);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	/* Recording or sending: this process keeps the store (or the
	 * sensor's credentials and spool) and its privileges; a child
	 * captures, decodes and sends the devices' facts back. */
	if (a.server != NULL) {
		status = vg_discover_sensor_open(
			&rec, a.server,
			a.state_dir ? a.state_dir
				    : vg_sensor_default_state_dir());
		if (status != VG_EXIT_OK)
			goto done;
		status = VG_EXIT_FAILURE;
	} else if (!a.no_store &&
		   !vg_discover_record_open(&rec,
					    a.db ? a.db : vg_default_db()))
		goto done;
	if (!a.no_store) {
		if (!vg_discover_record_fork(&rec, &child))
			goto done;
		if (!child) {
			status = vg_discover_record_finish(&rec);
			goto done;
		}
	}
	a.cap.progress = isatty(STDERR_FILENO) != 0;
	vg_err_clear(&err);
	if (vg_capture_run(&a.cap, &p, &err) != VG_OK) {
		/* A capture cut short (a truncated file) still reports what
		 * was read: a warning, not a failure. */
		if (p.capture.packets == 0) {
			log_errx("%s", err.msg);
			goto done;
		}
		log_warnx(_("%s (after %llu packets)"), err.msg,
			  (unsigned long long)p.capture.packets);
	}
	if ((devs = vg_devices_to_json(p.devices, oui)) == NULL ||
	    (doc = json_pack("{s:s, s:o, s:o}", "schema", "vigie.devices/1",
			     "devices", devs, "stats", stats_json(&p))) ==
		    NULL) {
		log_errx("%s", _("out of memory"));
		goto done;
	}
	if (a.format == VG_FORMAT_JSON
		    ? json_dumpf(doc, stdout,
				 JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 &&
			    fputc('\n', stdout) != EOF && fflush(stdout) == 0
		    : print_text(stdout, doc))
		status = VG_EXIT_OK;
	else
		log_errx("%s", _("cannot write the devices"));
	if (child && !vg_discover_record_send(&rec, p.devices, oui))
		status = VG_EXIT_FAILURE;
done:
	vg_discover_record_release(&rec);
	json_decref(doc);
	vg_flows_free(p.flows);
	vg_devices_free(p.devices);
	vg_oui_free(oui);
	return status;
}
