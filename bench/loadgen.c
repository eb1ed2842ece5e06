/*
 * Load generator for bench/ingest.sh: THREADS threads post REQUESTS
 * reports in all to POST /api/v1/reports, each thread as one enrolled
 * agent on one keep-alive connection (its own libcurl easy handle, TLS
 * session and pinned key), each report under a new UUID v4. Prints the
 * rate, the latency percentiles and the errors.
 *
 *   loadgen URL PIN CREDENTIALS FACTS REQUESTS THREADS
 *
 * CREDENTIALS has one "agent_id:secret" a line (thread i uses line
 * i mod n); FACTS is a vigie.facts/1 document. PIN is "sha256//..." or
 * "-" for plain HTTP. Built only for the benchmark.
 */
#include "util/common.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "util/banned.h"

#define MAX_THREADS 1024
#define MAX_CRED 256          /* "<36>:<64>" and some room */
#define UUID_TEXT 37          /* 36 characters and the NUL */
#define BODY_HEAD 64          /* {"uuid":"<36>","facts": */
#define MAX_FACTS (16u << 20) /* the server's body limit */

struct job {
	const char *url;
	const char *pin;
	const char *facts;
	size_t facts_len;
	char auth[MAX_CRED + 32];
	unsigned id;
	unsigned count; /* requests to send */
	double *lat;    /* seconds, one per request sent */
	unsigned sent;
	unsigned errors;
	unsigned http_errors;
	long connects;
	char first_error[256];
};

static uint32_t run_tag; /* random: UUIDs of two runs never collide */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The answer is not looked at: its status says enough. */
static size_t
discard(char *p, size_t size, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return size * n;
}

static void *
worker(void *arg)
{
	struct job *j = arg;
	struct curl_slist *hdr = NULL;
	char *body, uuid[UUID_TEXT], url[2048];
	size_t len;
	long status, connects;
	double t;
	unsigned i;
	int head;
	CURL *c;
	CURLcode cc;

	body = malloc(BODY_HEAD + j->facts_len + 2);
	c = curl_easy_init();
	(void)snprintf(url, sizeof(url), "%s/api/v1/reports", j->url);
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	hdr = curl_slist_append(hdr, j->auth);
	/* No "Expect: 100-continue" round trip on large bodies. */
	hdr = curl_slist_append(hdr, "Expect:");
	if (body == NULL || c == NULL || hdr == NULL) {
		(void)snprintf(j->first_error, sizeof(j->first_error),
			       "out of memory");
		j->errors = j->count;
		goto done;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
	if (strcmp(j->pin, "-") != 0) {
		/* The server's certificate is self-signed: the pinned key is
		 * the trust, as for the agent. */
		curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, j->pin);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
		/* No CA bundle then: parsing it for each connection cost
		 * the generator a CPU second a run, on the server's cores. */
		curl_easy_setopt(c, CURLOPT_CAINFO, NULL);
		curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
	}
	for (i = 0; i < j->count; i++) {
		uint32_t r[3];

		if (getrandom(r, sizeof(r), 0) != sizeof(r))
			r[0] = r[1] = r[2] = i;
		(void)snprintf(
			uuid, sizeof(uuid), "%08x-%04x-4%03x-%04x-%04x%08x",
			run_tag, j->id & 0xffff, r[0] & 0xfff,
			0x8000 | (r[0] >> 16 & 0x3fff), r[1] & 0xffff, r[2]);
		head = snprintf(body, BODY_HEAD,
				"{\"uuid\":\"%s\",\"facts\":", uuid);
		memcpy(body + head, j->facts, j->facts_len);
		len = (size_t)head + j->facts_len;
		body[len++] = '}';
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)len);
		t = now_s();
		cc = curl_easy_perform(c);
		j->lat[j->sent++] = now_s() - t;
		status = 0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		if (cc != CURLE_OK || status != 201) {
			if (cc != CURLE_OK)
				j->errors++;
			else
				j->http_errors++;
			if (j->first_error[0] == '\0')
				(void)snprintf(j->first_error,
					       sizeof(j->first_error),
					       "%s (HTTP %ld)",
					       curl_easy_strerror(cc), status);
		}
		connects = 0;
		curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &connects);
		j->connects += connects;
	}
done:
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	free(body);
	return NULL;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	size_t n;

	if (f == NULL)
		return NULL;
	p = malloc(MAX_FACTS + 1);
	n = p == NULL ? 0 : fread(p, 1, MAX_FACTS + 1, f);
	fclose(f);
	if (p == NULL || n == 0 || n > MAX_FACTS) {
		free(p);
		return NULL;
	}
	/* One document: the trailing newline of `vigie facts` goes. */
	while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == ' '))
		n--;
	p[n] = '\0';
	*len = n;
	return p;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
percentile(const double *v, size_t n, double p)
{
	size_t k = (size_t)(p * (double)(n - 1) + 0.5);

	return n == 0 ? 0 : v[k < n ? k : n - 1];
}

static unsigned
count_arg(const char *s, unsigned max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > max)
		return 0;
	return (unsigned)v;
}

int
main(int argc, char **argv)
{
	static struct job jobs[MAX_THREADS];
	static pthread_t tids[MAX_THREADS];
	char(*creds)[MAX_CRED] = NULL, line[MAX_CRED];
	unsigned requests, threads, i, ncred = 0, errors = 0, http_errors = 0;
	size_t facts_len = 0, n = 0;
	long connects = 0;
	bool said = false;
	double *all, t0, wall;
	char *facts;
	FILE *f;

	if (argc != 7) {
		fprintf(stderr,
			"usage: loadgen URL PIN CREDENTIALS FACTS "
			"REQUESTS THREADS\n");
		return 2;
	}
	requests = count_arg(argv[5], 10000000);
	threads = count_arg(argv[6], MAX_THREADS);
	if (requests == 0 || threads == 0) {
		fprintf(stderr, "loadgen: bad REQUESTS or THREADS\n");
		return 2;
	}
	if ((facts = slurp(argv[4], &facts_len)) == NULL) {
		fprintf(stderr, "loadgen: cannot read '%s'\n", argv[4]);
		return 1;
	}
	if ((f = fopen(argv[3], "r")) == NULL ||
	    (creds = calloc(MAX_THREADS, sizeof(*creds))) == NULL) {
		fprintf(stderr, "loadgen: cannot read '%s'\n", argv[3]);
		return 1;
	}
	while (ncred < MAX_THREADS && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] != '\0')
			memcpy(creds[ncred++], line, sizeof(line));
	}
	fclose(f);
	all = calloc(requests, sizeof(*all));
	if (ncred == 0 || all == NULL) {
		fprintf(stderr, "loadgen: no credentials\n");
		return 1;
	}
	if (getrandom(&run_tag, sizeof(run_tag), 0) != sizeof(run_tag))
		run_tag = (uint32_t)time(NULL);
	curl_global_init(CURL_GLOBAL_DEFAULT);

	for (i = 0; i < threads; i++) {
		struct job *j = &jobs[i];

		j->url = argv[1];
		j->pin = argv[2];
		j->facts = facts;
		j->facts_len = facts_len;
		j->id = i;
		(void)snprintf(j->auth, sizeof(j->auth),
			       "Authorization: Bearer %s", creds[i % ncred]);
		/* The remainder goes to the first threads. */
		j->count = requests / threads + (i < requests % threads);
		j->lat = all + n;
		n += j->count;
	}
	t0 = now_s();
	for (i = 0; i < threads; i++)
		if (pthread_create(&tids[i], NULL, worker, &jobs[i]) != 0) {
			fprintf(stderr, "loadgen: cannot start a thread\n");
			return 1;
		}
	for (i = 0; i < threads; i++)
		pthread_join(tids[i], NULL);
	wall = now_s() - t0;

	for (i = 0; i < threads; i++) {
		errors += jobs[i].errors;
		http_errors += jobs[i].http_errors;
		connects += jobs[i].connects;
		/* One example of what went wrong is enough. */
		if (jobs[i].first_error[0] != '\0' && !said) {
			fprintf(stderr, "loadgen: error: %s\n",
				jobs[i].first_error);
			said = true;
		}
	}
	qsort(all, n, sizeof(*all), cmp_double);
	printf("requests %zu\n", n);
	printf("threads %u\n", threads);
	printf("body_bytes %zu\n", facts_len + BODY_HEAD);
	printf("seconds %.3f\n", wall);
	printf("reports_per_s %.1f\n",
	       (double)(n - errors - http_errors) / wall);
	printf("p50_ms %.2f\n", percentile(all, n, 0.50) * 1000);
	printf("p90_ms %.2f\n", percentile(all, n, 0.90) * 1000);
	printf("p99_ms %.2f\n", percentile(all, n, 0.99) * 1000);
	printf("max_ms %.2f\n", n > 0 ? all[n - 1] * 1000 : 0);
	printf("errors %u\n", errors + http_errors);
	printf("connections %ld\n", connects);
	curl_global_cleanup();
	free(all);
	free(creds);
	free(facts);
	return errors + http_errors > 0;
}
