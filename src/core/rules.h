/*
 * The check catalogue (RULES.md) as a table, and the evaluator that runs
 * it: facts + policy -> report. Rules are pure: no I/O, "now" is the
 * facts' collected_at.
 */
#ifndef VG_CORE_RULES_H
#define VG_CORE_RULES_H

#include <stddef.h>

#include "core/facts.h"
#include "core/policy.h"
#include "core/report.h"
#include "core/severity.h"

struct vg_check;

/*
 * Run one check. Add findings with vg_check_report(); when the facts it
 * needs are missing, call vg_report_not_evaluated() (vg_check_needs()
 * does it for a source) and return VG_OK. Return an error only when
 * memory runs out.
 */
typedef enum vg_rc (*vg_check_fn)(const struct vg_check *c,
				  const struct vg_facts *f,
				  const struct vg_policy *p,
				  struct vg_report *r);

struct vg_check {
	const char *id;            /* "admin.nopasswd_all" */
	int rule;                  /* 1..10 */
	enum vg_severity severity; /* default */
	const char *remediation;   /* N_() English sentence */
	vg_check_fn run;
};

/* Each rule file exports its checks (core/rules/rN_*.c). */
extern const struct vg_check vg_checks_r1[];
extern const size_t vg_checks_r1_count;
extern const struct vg_check vg_checks_r2[];
extern const size_t vg_checks_r2_count;
extern const struct vg_check vg_checks_r3[];
extern const size_t vg_checks_r3_count;
extern const struct vg_check vg_checks_r4[];
extern const size_t vg_checks_r4_count;
extern const struct vg_check vg_checks_r5[];
extern const size_t vg_checks_r5_count;
extern const struct vg_check vg_checks_r6[];
extern const size_t vg_checks_r6_count;
extern const struct vg_check vg_checks_r7[];
extern const size_t vg_checks_r7_count;
extern const struct vg_check vg_checks_r10[];
extern const size_t vg_checks_r10_count;

/*
 * The checks judging a network device (facts for which
 * vg_facts_is_device is true) live in tables of their own: device facts
 * are judged by these only, host facts by every other table.
 */
extern const struct vg_check vg_checks_r1_device[];
extern const size_t vg_checks_r1_device_count;
extern const struct vg_check vg_checks_r4_device[];
extern const size_t vg_checks_r4_device_count;

/* True when c judges network devices (one of the device tables). */
bool vg_check_is_device(const struct vg_check *c);

/* Call fn on every check of the catalogue, in rule order. */
void vg_rules_foreach(void (*fn)(const struct vg_check *c, void *ctx),
		      void *ctx);
/* The check with this id, or NULL. */
const struct vg_check *vg_rules_find(const char *id);

/*
 * Judge facts under policy into r (initialised by the caller): device
 * facts with the device checks only, host facts with the others; the
 * checks of the other kind add neither finding nor "not evaluated", so
 * the rules they belong to get no score from them.
 */
enum vg_rc vg_rules_evaluate(const struct vg_facts *f,
			     const struct vg_policy *p, struct vg_report *r,
			     struct vg_err *err);

/* Add a finding of check c with the policy's severity for it. */
enum vg_rc vg_check_report(const struct vg_check *c, const struct vg_policy *p,
			   struct vg_report *r, const char *subject,
			   json_t *evidence);

/*
 * If source s was not collected, record c as not evaluated with the
 * source's reason and return false; true when the check may run.
 */
bool vg_check_needs(const struct vg_check *c, const struct vg_facts *f,
		    enum vg_source s, struct vg_report *r);

#endif
