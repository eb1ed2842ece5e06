/*
 * Declared assets (`vigie assets import`): what a declaration is, how
 * its fields are normalised, and the reader of a declarations file.
 * Used by the command line and by every store backend.
 */
#ifndef VG_CORE_ASSETS_H
#define VG_CORE_ASSETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/*
 * A declared asset (`vigie assets import`): a device the establishment
 * knows of (biomedical equipment, printer, building controller...), so
 * that a device seen on the network that is neither an enrolled host nor
 * a declared asset can be flagged. Strings are UTF-8 without control
 * characters, at most VG_ASSET_TEXT_MAX bytes; NULL or "" is "none".
 * name is required and unique; mac ("aa:bb:cc:dd:ee:ff", lower case) or
 * ip (as inet_ntop writes it) at least one; category one of
 * vg_asset_categories; criticality 1-4, 0 for none. vg_asset_decl_check
 * is the contract both backends enforce. (Not struct vg_asset_decl:
 * that is a host's own [asset] section, core/policy.h.)
 */
#define VG_ASSET_TEXT_MAX 127 /* fits the store's names (VG_STORE_NAME_MAX) */

struct vg_declared_asset {
	const char *name, *mac, *ip, *category, *owner, *site;
	int criticality; /* 1-4, 0 none */
};

/* The categories, NULL-terminated: "biomedical", "building-management",
 * "printer", "iot", "network", "workstation", "server". */
extern const char *const vg_asset_categories[];

/* VG_OK when a keeps the contract above, else VG_ERR_USAGE saying what
 * is wrong (the first fault). Values must be normalised already. */
enum vg_rc vg_asset_decl_check(const struct vg_declared_asset *a,
			       struct vg_err *err);

/*
 * Normalisers for the fields of a declaration, as the import reads them
 * from a file (spaces trimmed by the caller); each writes the canonical
 * form into out and returns false when the text is not one.
 *   mac: "aa:bb:cc:dd:ee:ff", "AA-BB-CC-DD-EE-FF", "aabb.ccdd.eeff" or
 *        12 hex digits; a multicast or all-zero address is refused.
 *   ip: IPv4 or IPv6 (inet_pton), written back by inet_ntop.
 *   category: a name of vg_asset_categories or a French alias
 *        (biomédical, gtb, gestion-technique, imprimante, objet-connecté,
 *        réseau, poste, poste-de-travail, serveur), any case, '_' or ' '
 *        for '-'; out points to the canonical name (static).
 */
#define VG_ASSET_MAC_LEN 18 /* "aa:bb:cc:dd:ee:ff" and its NUL */
#define VG_ASSET_IP_LEN 46  /* INET6_ADDRSTRLEN */
bool vg_asset_norm_mac(const char *s, size_t n, char out[VG_ASSET_MAC_LEN]);
bool vg_asset_norm_ip(const char *s, size_t n, char out[VG_ASSET_IP_LEN]);
bool vg_asset_norm_category(const char *s, size_t n, const char **out);

/*
 * Declared assets read from a CSV file (vg_assets_parse_csv): the good
 * lines, one declaration per name (the file's later line wins), sorted
 * by name. Strings are owned by the set; vg_asset_set_release frees it.
 */
struct vg_asset_set {
	struct vg_declared_asset *v;
	int *line; /* the file's line of each declaration */
	size_t n, cap;
	size_t n_refused; /* lines refused */
	size_t n_warnings;
};

void vg_asset_set_init(struct vg_asset_set *set);
void vg_asset_set_release(struct vg_asset_set *set);

/*
 * Read a declarations file: a CSV (',' or ';') whose header names the
 * columns, any case and order, in English or French: name|nom (needed),
 * mac|adresse_mac, ip|adresse_ip, category|categorie|catégorie,
 * owner|responsable|proprietaire|propriétaire, site,
 * criticality|criticite|criticité; an unknown column is ignored with a
 * warning. Each line needs a name and a mac or an ip; its values are
 * normalised (vg_asset_norm_*), text trimmed. A bad line is refused,
 * the others kept: each refusal and warning is handed to note (refused
 * true for a refusal) as "FILE:LINE: column 'mac': invalid MAC address
 * 'zz'" with file the name given. VG_ERR_PARSE when the file itself is
 * unusable (no header, no name column, a column twice; err says why),
 * VG_ERR_NOMEM; VG_OK otherwise, refusals or not. set is filled (it
 * must be initialised) and emptied on failure.
 */
enum vg_rc vg_assets_parse_csv(const char *file, const char *buf, size_t len,
			       struct vg_asset_set *set,
			       void (*note)(void *ctx, bool refused,
					    const char *msg),
			       void *ctx, struct vg_err *err);

#endif
