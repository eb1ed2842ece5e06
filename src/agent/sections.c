/*
 * Sections by reference, the agent's side (agent/sections.h): the
 * spooled form of a report, the body sent from it, and the digests the
 * server acknowledged. The spool file is the agent's own, but it is
 * read like any file: every frame is checked, and a file whose frames
 * do not parse is sent as it is (the server then refuses it, and the
 * agent sets it aside).
 */
#include "util/common.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "agent/sections.h"
#include "core/facts_json.h"
#include "util/root.h"
#include "util/banned.h"

/* sections.json is a few digests. */
#define ACKED_FILE_MAX (16u << 10)
/* The caps of a member's text: a document at most. */
#define PART_MAX VG_MAX_JSON_DOC

void
vg_agent_acked_load(struct vg_agent_acked *a, const char *state_dir)
{
	char path[4096];
	struct vg_buf b;
	struct vg_err err;
	json_t *doc, *v;
	size_t i;

	memset(a, 0, sizeof(*a));
	(void)snprintf(path, sizeof(path), "%s/%s", state_dir,
		       VG_AGENT_SECTIONS_FILE);
	vg_buf_init(&b, ACKED_FILE_MAX);
	vg_err_clear(&err);
	if (vg_file_read(path, ACKED_FILE_MAX, &b, &err) == VG_OK &&
	    (doc = json_loadb(vg_buf_str(&b), b.len, 0, NULL)) != NULL) {
		json_array_foreach(json_object_get(doc, "acked"), i, v)(void)
			vg_agent_acked_add(a, json_string_value(v));
		json_decref(doc);
	}
	vg_buf_release(&b);
}

enum vg_rc
vg_agent_acked_save(const struct vg_agent_acked *a, const char *state_dir,
		    struct vg_err *err)
{
	char path[4096];
	struct vg_buf b;
	enum vg_rc rc;
	size_t i;

	(void)snprintf(path, sizeof(path), "%s/%s", state_dir,
		       VG_AGENT_SECTIONS_FILE);
	vg_buf_init(&b, ACKED_FILE_MAX);
	rc = vg_buf_adds(&b, "{\"acked\":[");
	for (i = 0; rc == VG_OK && i < a->n; i++)
		rc = vg_buf_printf(&b, "%s\"%s\"", i > 0 ? "," : "", a->d[i]);
	if (rc == VG_OK)
		rc = vg_buf_adds(&b, "]}\n");
	if (rc != VG_OK)
		rc = vg_err_set(err, rc, _("out of memory"));
	else
		rc = vg_file_write_atomic(path, b.data, b.len, 0600, err);
	vg_buf_release(&b);
	return rc;
}

bool
vg_agent_acked_has(const struct vg_agent_acked *a, const char *digest)
{
	size_t i;

	for (i = 0; a != NULL && i < a->n; i++)
		if (strcmp(a->d[i], digest) == 0)
			return true;
	return false;
}

bool
vg_agent_acked_add(struct vg_agent_acked *a, const char *digest)
{
	if (!vg_section_digest_valid(digest) || vg_agent_acked_has(a, digest))
		return false;
	if (a->n == VG_AGENT_SECTIONS_MAX) {
		memmove(a->d[0], a->d[1], (a->n - 1) * sizeof(a->d[0]));
		a->n--;
	}
	memcpy(a->d[a->n++], digest, VG_SECTION_DIGEST_MAX);
	return true;
}

bool
vg_agent_acked_from_answer(struct vg_agent_acked *a, const char *answer,
			   size_t len)
{
	const char *key;
	json_t *doc, *v;
	bool changed = false;

	if ((doc = json_loadb(answer, len, 0, NULL)) == NULL)
		return false;
	json_object_foreach(json_object_get(doc, "sections"), key, v)
	{
		if (vg_section_find(key) >= 0 &&
		    vg_agent_acked_add(a, json_string_value(v)))
			changed = true;
	}
	json_decref(doc);
	return changed;
}

enum vg_rc
vg_agent_report_write(const struct vg_facts *f, const char *uuid,
		      struct vg_buf *out)
{
	struct vg_facts_split sp;
	size_t len = out->len;
	enum vg_rc rc;
	int i;

	memset(&sp, 0, sizeof(sp));
	for (i = 0; i < VG_SECTION_COUNT; i++)
		vg_buf_init(&sp.part[i], PART_MAX);
	/* The document first (one line), then each member's frame. */
	rc = vg_buf_printf(out, "{\"uuid\":\"%s\",\"facts\":", uuid);
	if (rc == VG_OK)
		rc = vg_facts_write_split(f, out, &sp);
	if (rc == VG_OK)
		rc = vg_buf_addc(out, '}');
	/* A member the facts lack (the server's own, never an agent's)
	 * has no frame. */
	for (i = 0; rc == VG_OK && i < VG_SECTION_COUNT; i++)
		if (sp.digest[i][0] != '\0' &&
		    (rc = vg_buf_printf(out, "\n%s %zu\n", sp.digest[i],
					sp.part[i].len)) == VG_OK)
			rc = vg_buf_add(out, vg_buf_str(&sp.part[i]),
					sp.part[i].len);
	for (i = 0; i < VG_SECTION_COUNT; i++)
		vg_buf_release(&sp.part[i]);
	if (rc != VG_OK && out->data != NULL) {
		out->len = len;
		out->data[len] = '\0';
	}
	return rc;
}

/* One frame of a spooled report. */
struct frame {
	char digest[VG_SECTION_DIGEST_MAX];
	const char *text;
	size_t len;
};

/*
 * The frames after the document (the first line, doc_len bytes) of
 * text; false when they do not parse. At most VG_SECTION_COUNT.
 */
static bool
parse_frames(const char *text, size_t len, size_t doc_len,
	     struct frame fr[VG_SECTION_COUNT], size_t *n)
{
	size_t pos = doc_len, k, v;
	const char *p;

	*n = 0;
	while (pos < len) {
		/* "\n<digest> <length>\n" */
		if (*n == VG_SECTION_COUNT || text[pos] != '\n' ||
		    len - pos < 1 + VG_SECTION_DIGEST_LEN + 3)
			return false;
		memcpy(fr[*n].digest, text + pos + 1, VG_SECTION_DIGEST_LEN);
		fr[*n].digest[VG_SECTION_DIGEST_LEN] = '\0';
		if (!vg_section_digest_valid(fr[*n].digest) ||
		    text[pos + 1 + VG_SECTION_DIGEST_LEN] != ' ')
			return false;
		pos += 1 + VG_SECTION_DIGEST_LEN + 1;
		for (v = 0, k = 0; pos < len && k < 10 && text[pos] >= '0' &&
		     text[pos] <= '9';
		     pos++, k++)
			v = v * 10 + (size_t)(text[pos] - '0');
		if (k == 0 || pos >= len || text[pos] != '\n')
			return false;
		pos++;
		if (v > len - pos)
			return false;
		p = text + pos;
		fr[*n].text = p;
		fr[(*n)++].len = v;
		pos += v;
	}
	return true;
}

enum vg_rc
vg_agent_report_body(const char *text, size_t len,
		     const struct vg_agent_acked *acked, struct vg_buf *body)
{
	char ref[VG_SECTION_REF_TEXT_MAX];
	struct frame fr[VG_SECTION_COUNT];
	const char *nl, *at, *h, *pos, *end;
	size_t doc_len, n, i, best = 0, rl = 0;
	enum vg_rc rc = VG_OK;

	vg_buf_reset(body);
	nl = memchr(text, '\n', len);
	doc_len = nl != NULL ? (size_t)(nl - text) : len;
	if (nl == NULL || !parse_frames(text, len, doc_len, fr, &n))
		return vg_buf_add(body, text, len);
	/* Each reference of the document not acknowledged is replaced, in
	 * order, by its member's text. A reference token holds unescaped
	 * quotes, so it never lies inside a JSON string. */
	pos = text;
	end = text + doc_len;
	while (rc == VG_OK) {
		at = NULL;
		for (i = 0; i < n; i++) {
			if (vg_agent_acked_has(acked, fr[i].digest))
				continue;
			vg_section_ref_text(fr[i].digest, ref);
			h = memmem(pos, (size_t)(end - pos), ref, strlen(ref));
			if (h != NULL && (at == NULL || h < at)) {
				at = h;
				best = i;
				rl = strlen(ref);
			}
		}
		if (at == NULL)
			return vg_buf_add(body, pos, (size_t)(end - pos));
		if ((rc = vg_buf_add(body, pos, (size_t)(at - pos))) == VG_OK)
			rc = vg_buf_add(body, fr[best].text, fr[best].len);
		pos = at + rl;
	}
	return rc;
}
