/* Routes of the agents: liveness, enrolment, reports, and the devices
 * of sensors (enrolled as agents). */
#include "util/common.h"

#include "web/api.h"
#include "web/longpoll.h"
#include "web/routes.h"
#include "web/server.h"
#include "util/banned.h"

const struct vg_route vg_routes_agent[] = {
	{"GET", "/api/v1/health", vg_api_health, 0, NULL, VG_AUTH_NONE,
	 VG_ROLE_DIRECTION, false},
	{"HEAD", "/api/v1/health", vg_api_health, 0, NULL, VG_AUTH_NONE,
	 VG_ROLE_DIRECTION, false},
	/* The token in the body is the credential. */
	{"POST", "/api/v1/enroll", vg_api_enroll, VG_SERVER_MAX_SMALL_BODY,
	 NULL, VG_AUTH_NONE, VG_ROLE_DIRECTION, false},
	{"POST", "/api/v1/reports", vg_api_reports, VG_SERVER_MAX_BODY,
	 vg_api_reports_auth, VG_AUTH_AGENT, VG_ROLE_DIRECTION, false},
	/* A sensor's credentials are an agent's: the same precheck. */
	{"POST", "/api/v1/devices", vg_api_devices, VG_SERVER_MAX_BODY,
	 vg_api_reports_auth, VG_AUTH_AGENT, VG_ROLE_DIRECTION, false},
	/* Isolation tasks (long-poll, evidence, answer): an agent's. */
	{"GET", "/api/v1/tasks", vg_api_tasks_get, 0, vg_api_reports_auth,
	 VG_AUTH_AGENT, VG_ROLE_DIRECTION, false},
	{"POST", "/api/v1/tasks/{}/evidence", vg_api_task_evidence,
	 VG_TASKS_EVIDENCE_MAX, vg_api_reports_auth, VG_AUTH_AGENT,
	 VG_ROLE_DIRECTION, false},
	{"POST", "/api/v1/tasks/{}/result", vg_api_task_result,
	 VG_TASKS_RESULT_MAX, vg_api_reports_auth, VG_AUTH_AGENT,
	 VG_ROLE_DIRECTION, false},
};
const size_t vg_routes_agent_count = VG_ARRAY_LEN(vg_routes_agent);
