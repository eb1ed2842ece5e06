/*
 * Charts of the console drawn on the server as inline SVG (private to
 * web/): markup, never script, with every label escaped. Colours come
 * from classes (the stylesheet), never from style attributes, so the
 * CSP needs no 'unsafe-inline'.
 */
#ifndef VG_WEB_SVG_H
#define VG_WEB_SVG_H

#include <stddef.h>

#include "web/html.h"

#define VG_SVG_MAX_BARS 32
#define VG_SVG_MAX_POINTS 400 /* a longer series keeps its last points */

/* One bar: its key (data-rule, shown under it), a longer label (its
 * tooltip), a score 0-100 or -1 (none), a link or NULL. */
struct vg_svg_bar {
	const char *key;
	const char *label;
	int score;
	const char *href;
};

/* One point of a series: its label (a day), a value 0-100 or -1 (a
 * gap in the line). */
struct vg_svg_point {
	const char *label;
	int value;
};

/*
 * svg#id of n bars (at most VG_SVG_MAX_BARS are drawn), each a
 * g.rule-bar[data-rule=key] holding the bar, its score and its key;
 * title labels the chart for screen readers.
 */
void vg_svg_bars(struct vg_html *h, const char *id, const char *title,
		 const struct vg_svg_bar *bars, size_t n);

/* svg#id: a line of the values over 0-100, with the first and last
 * labels under it; no valid point draws an empty frame and a note. */
void vg_svg_line(struct vg_html *h, const char *id, const char *title,
		 const struct vg_svg_point *pts, size_t n);

#endif
