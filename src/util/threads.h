/*
 * How many threads a pool runs: the request pool of `vigie serve` and
 * its re-judgement of every host (web/rejudge.h) size themselves alike.
 */
#ifndef VG_UTIL_THREADS_H
#define VG_UTIL_THREADS_H

/* asked, or one per online core when 0; from 1 to max. */
unsigned vg_thread_count(unsigned asked, unsigned max);

#endif
