/*
 * DICOM SOP class UIDs (the abstract syntaxes an association proposes)
 * and what each says about the devices that use it: the service family
 * (storage, worklist, query/retrieve, print, verification) and, for the
 * image storage classes an acquisition device sends, its modality code.
 * Table from PS3.6 / dcmtk dcuid.h (passive-discovery.md §2.8).
 */
#ifndef VG_DISCOVER_DICOM_SOP_H
#define VG_DISCOVER_DICOM_SOP_H

#include <stddef.h>

enum vg_dicom_sop_kind {
	VG_DICOM_SOP_STORAGE = 0,  /* C-STORE of composite objects */
	VG_DICOM_SOP_WORKLIST,     /* modality worklist C-FIND */
	VG_DICOM_SOP_QUERY,        /* query/retrieve FIND, MOVE, GET */
	VG_DICOM_SOP_PRINT,        /* print management */
	VG_DICOM_SOP_VERIFICATION, /* C-ECHO */
	VG_DICOM_SOP_OTHER,        /* MPPS, storage commitment, ... */
};

struct vg_dicom_sop {
	const char *uid;  /* "1.2.840.10008.5.1.4.1.1.2" */
	const char *name; /* "CT Image Storage" */
	enum vg_dicom_sop_kind kind;
	/*
	 * The modality code ("CT", "MR", ...) when the class is an image an
	 * acquisition device makes; NULL for classes any workstation sends
	 * (secondary capture, SR, presentation states, PDF, RT plans) and
	 * for every non-storage class.
	 */
	const char *modality;
};

/*
 * The entry for the UID uid[0..n) (not NUL-terminated, no padding: the
 * caller strips it), or NULL when the UID is not in the table. The
 * result points into a static const table.
 */
const struct vg_dicom_sop *vg_dicom_sop_find(const char *uid, size_t n);

#endif
