/*
 * Server-side SVG charts (svg.h): a bar per rule and a score's line over
 * time. Geometry is integer arithmetic on a fixed viewBox that the
 * stylesheet scales; every label is escaped as text or attribute.
 */
#include "util/common.h"

#include <stdio.h>
#include <string.h>

#include "web/html.h"
#include "web/svg.h"
#include "util/banned.h"

/* The bar chart's viewBox and margins. */
#define BARS_W 640
#define BARS_H 240
#define BARS_TOP 24    /* room for the score over a full bar */
#define BARS_BOTTOM 28 /* room for the keys */
#define BARS_LEFT 8

/* The line chart's. */
#define LINE_W 900
#define LINE_H 240
#define LINE_LEFT 40
#define LINE_RIGHT 12
#define LINE_TOP 12
#define LINE_BOTTOM 28

/* An attribute name="value" with an integer value, and a space before. */
static void
num_attr(struct vg_html *h, const char *literal_name, long long v)
{
	vg_html_raw(h, " ");
	vg_html_raw(h, literal_name);
	vg_html_raw(h, "=\"");
	vg_html_int(h, v);
	vg_html_raw(h, "\"");
}

/* The opening tag of the chart, with its accessible title. */
static void
svg_open(struct vg_html *h, const char *id, const char *title, int w, int hgt)
{
	vg_html_raw(h, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"");
	vg_html_attr(h, id);
	vg_html_raw(h, "\" class=\"chart\" viewBox=\"0 0 ");
	vg_html_int(h, w);
	vg_html_raw(h, " ");
	vg_html_int(h, hgt);
	vg_html_raw(h, "\" role=\"img\" aria-label=\"");
	vg_html_attr(h, title);
	vg_html_raw(h, "\"><title>");
	vg_html_text(h, title);
	vg_html_raw(h, "</title>");
}

static void
text_at(struct vg_html *h, const char *literal_class, int x, int y,
	const char *text)
{
	vg_html_raw(h, "<text class=\"");
	vg_html_raw(h, literal_class);
	vg_html_raw(h, "\"");
	num_attr(h, "x", x);
	num_attr(h, "y", y);
	vg_html_raw(h, ">");
	vg_html_text(h, text);
	vg_html_raw(h, "</text>");
}

static void
bar(struct vg_html *h, const struct vg_svg_bar *b, int x, int slot)
{
	int plot = BARS_H - BARS_TOP - BARS_BOTTOM;
	int w = slot * 6 / 10, bx = x + (slot - w) / 2;
	int score = b->score >= 0 && b->score <= 100 ? b->score : -1;
	int bh = score > 0 ? score * plot / 100 : 0;
	char value[16];

	vg_html_raw(h, "<g class=\"rule-bar ");
	vg_html_raw(h, vg_html_score_band(score));
	vg_html_raw(h, "\" data-rule=\"");
	vg_html_attr(h, b->key);
	vg_html_raw(h, "\">");
	if (b->href != NULL) {
		vg_html_raw(h, "<a href=\"");
		vg_html_attr(h, b->href);
		vg_html_raw(h, "\">");
	}
	/* The tooltip: "R3 Administrators: 60/100". */
	vg_html_raw(h, "<title>");
	vg_html_text(h, b->key);
	vg_html_raw(h, " ");
	vg_html_text(h, b->label);
	vg_html_raw(h, ": ");
	if (score < 0) {
		vg_html_raw(h, "—");
	} else {
		vg_html_int(h, score);
		vg_html_raw(h, "/100");
	}
	vg_html_raw(h, "</title><rect class=\"track\"");
	num_attr(h, "x", bx);
	num_attr(h, "y", BARS_TOP);
	num_attr(h, "width", w);
	num_attr(h, "height", plot);
	vg_html_raw(h, "/><rect class=\"bar\"");
	num_attr(h, "x", bx);
	num_attr(h, "y", BARS_TOP + plot - bh);
	num_attr(h, "width", w);
	num_attr(h, "height", bh);
	vg_html_raw(h, "/>");
	if (score < 0)
		(void)snprintf(value, sizeof(value), "—");
	else
		(void)snprintf(value, sizeof(value), "%d", score);
	text_at(h, "value", x + slot / 2, BARS_TOP + plot - bh - 6, value);
	text_at(h, "key", x + slot / 2, BARS_H - 8, b->key);
	if (b->href != NULL)
		vg_html_raw(h, "</a>");
	vg_html_raw(h, "</g>");
}

void
vg_svg_bars(struct vg_html *h, const char *id, const char *title,
	    const struct vg_svg_bar *bars, size_t n)
{
	int slot;
	size_t i;

	if (n > VG_SVG_MAX_BARS)
		n = VG_SVG_MAX_BARS;
	svg_open(h, id, title, BARS_W, BARS_H);
	vg_html_raw(h, "<line class=\"axis\"");
	num_attr(h, "x1", BARS_LEFT);
	num_attr(h, "y1", BARS_H - BARS_BOTTOM);
	num_attr(h, "x2", BARS_W - BARS_LEFT);
	num_attr(h, "y2", BARS_H - BARS_BOTTOM);
	vg_html_raw(h, "/>");
	slot = n > 0 ? (BARS_W - 2 * BARS_LEFT) / (int)n : 0;
	for (i = 0; i < n; i++)
		bar(h, &bars[i], BARS_LEFT + (int)i * slot, slot);
	vg_html_raw(h, "</svg>");
}

/* The y of a value 0-100 in the line chart. */
static int
line_y(int v)
{
	int plot = LINE_H - LINE_TOP - LINE_BOTTOM;

	return LINE_TOP + plot - v * plot / 100;
}

static int
line_x(size_t i, size_t n)
{
	int plot = LINE_W - LINE_LEFT - LINE_RIGHT;

	if (n < 2)
		return LINE_LEFT + plot / 2;
	return LINE_LEFT + (int)((long long)i * plot / (long long)(n - 1));
}

static bool
point_valid(const struct vg_svg_point *p)
{
	return p->value >= 0 && p->value <= 100;
}

/* Horizontal lines at 0, 50 and 100 with their values. */
static void
line_grid(struct vg_html *h)
{
	static const int marks[] = {0, 50, 100};
	char label[8];
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(marks); i++) {
		vg_html_raw(h, "<line class=\"grid\"");
		num_attr(h, "x1", LINE_LEFT);
		num_attr(h, "y1", line_y(marks[i]));
		num_attr(h, "x2", LINE_W - LINE_RIGHT);
		num_attr(h, "y2", line_y(marks[i]));
		vg_html_raw(h, "/>");
		(void)snprintf(label, sizeof(label), "%d", marks[i]);
		text_at(h, "tick", LINE_LEFT - 6, line_y(marks[i]) + 4, label);
	}
}

void
vg_svg_line(struct vg_html *h, const char *id, const char *title,
	    const struct vg_svg_point *pts, size_t n)
{
	size_t i, valid = 0;
	bool open = false;

	if (n > VG_SVG_MAX_POINTS) {
		pts += n - VG_SVG_MAX_POINTS;
		n = VG_SVG_MAX_POINTS;
	}
	svg_open(h, id, title, LINE_W, LINE_H);
	line_grid(h);
	/* One polyline per run of valid points: a gap stays a gap. */
	for (i = 0; i < n; i++) {
		if (!point_valid(&pts[i])) {
			if (open)
				vg_html_raw(h, "\"/>");
			open = false;
			continue;
		}
		valid++;
		if (!open)
			vg_html_raw(h, "<polyline class=\"line\" points=\"");
		else
			vg_html_raw(h, " ");
		open = true;
		vg_html_int(h, line_x(i, n));
		vg_html_raw(h, ",");
		vg_html_int(h, line_y(pts[i].value));
	}
	if (open)
		vg_html_raw(h, "\"/>");
	/* A dot per point, its tooltip the day and the value. */
	for (i = 0; i < n; i++) {
		if (!point_valid(&pts[i]))
			continue;
		vg_html_raw(h, "<circle class=\"dot\"");
		num_attr(h, "cx", line_x(i, n));
		num_attr(h, "cy", line_y(pts[i].value));
		vg_html_raw(h, " r=\"3\"><title>");
		vg_html_text(h, pts[i].label);
		vg_html_raw(h, ": ");
		vg_html_int(h, pts[i].value);
		vg_html_raw(h, "/100</title></circle>");
	}
	if (n > 0) {
		text_at(h, "tick start", LINE_LEFT, LINE_H - 8, pts[0].label);
		if (n > 1)
			text_at(h, "tick end", LINE_W - LINE_RIGHT, LINE_H - 8,
				pts[n - 1].label);
	}
	if (valid == 0)
		text_at(h, "empty", LINE_W / 2, LINE_H / 2, _("no data yet"));
	vg_html_raw(h, "</svg>");
}
