/*
 * The SOP class table of dicom_sop.h: UIDs checked against dcmtk's
 * dcuid.h (passive-discovery.md §2.8). A modality code is given only for
 * image (and waveform) classes an acquisition device makes, so that the
 * DICOM decoder can tell a modality from a workstation that stores
 * secondary captures, reports or plans.
 */
#include "util/common.h"

#include <string.h>

#include "discover/dicom_sop.h"
#include "util/banned.h"

#define S VG_DICOM_SOP_STORAGE
#define W VG_DICOM_SOP_WORKLIST
#define Q VG_DICOM_SOP_QUERY
#define P VG_DICOM_SOP_PRINT
#define V VG_DICOM_SOP_VERIFICATION
#define O VG_DICOM_SOP_OTHER

/* Storage classes share this prefix; the table spells it once. */
#define ST "1.2.840.10008.5.1.4.1.1."

static const struct vg_dicom_sop sop_table[] = {
	{"1.2.840.10008.1.1", "Verification", V, NULL},
	/* Image storage of acquisition modalities. */
	{ST "1", "Computed Radiography Image Storage", S, "CR"},
	{ST "1.1", "Digital X-Ray Image Storage - For Presentation", S, "DX"},
	{ST "1.1.1", "Digital X-Ray Image Storage - For Processing", S, "DX"},
	{ST "1.2", "Digital Mammography X-Ray Image Storage - For Presentation",
	 S, "MG"},
	{ST "1.2.1", "Digital Mammography X-Ray Image Storage - For Processing",
	 S, "MG"},
	{ST "1.3", "Digital Intra-Oral X-Ray Image Storage - For Presentation",
	 S, "IO"},
	{ST "1.3.1", "Digital Intra-Oral X-Ray Image Storage - For Processing",
	 S, "IO"},
	{ST "2", "CT Image Storage", S, "CT"},
	{ST "2.1", "Enhanced CT Image Storage", S, "CT"},
	{ST "3.1", "Ultrasound Multi-frame Image Storage", S, "US"},
	{ST "4", "MR Image Storage", S, "MR"},
	{ST "4.1", "Enhanced MR Image Storage", S, "MR"},
	{ST "4.2", "MR Spectroscopy Storage", S, "MR"},
	{ST "4.3", "Enhanced MR Color Image Storage", S, "MR"},
	{ST "6.1", "Ultrasound Image Storage", S, "US"},
	{ST "6.2", "Enhanced US Volume Storage", S, "US"},
	{ST "9.1.1", "12-lead ECG Waveform Storage", S, "ECG"},
	{ST "9.1.2", "General ECG Waveform Storage", S, "ECG"},
	{ST "9.1.3", "Ambulatory ECG Waveform Storage", S, "ECG"},
	{ST "9.2.1", "Hemodynamic Waveform Storage", S, "HD"},
	{ST "9.3.1", "Cardiac Electrophysiology Waveform Storage", S, "EPS"},
	{ST "12.1", "X-Ray Angiographic Image Storage", S, "XA"},
	{ST "12.1.1", "Enhanced XA Image Storage", S, "XA"},
	{ST "12.2", "X-Ray Radiofluoroscopic Image Storage", S, "RF"},
	{ST "12.2.1", "Enhanced XRF Image Storage", S, "RF"},
	{ST "13.1.1", "X-Ray 3D Angiographic Image Storage", S, "XA"},
	{ST "13.1.3", "Breast Tomosynthesis Image Storage", S, "MG"},
	{ST "20", "Nuclear Medicine Image Storage", S, "NM"},
	{ST "77.1.1", "VL Endoscopic Image Storage", S, "ES"},
	{ST "77.1.1.1", "Video Endoscopic Image Storage", S, "ES"},
	{ST "77.1.2", "VL Microscopic Image Storage", S, "GM"},
	{ST "77.1.2.1", "Video Microscopic Image Storage", S, "GM"},
	{ST "77.1.4", "VL Photographic Image Storage", S, "XC"},
	{ST "77.1.4.1", "Video Photographic Image Storage", S, "XC"},
	{ST "77.1.5.1", "Ophthalmic Photography 8 Bit Image Storage", S, "OP"},
	{ST "77.1.5.2", "Ophthalmic Photography 16 Bit Image Storage", S, "OP"},
	{ST "77.1.5.4", "Ophthalmic Tomography Image Storage", S, "OPT"},
	{ST "77.1.6", "VL Whole Slide Microscopy Image Storage", S, "SM"},
	{ST "128", "Positron Emission Tomography Image Storage", S, "PT"},
	{ST "130", "Enhanced PET Image Storage", S, "PT"},
	{ST "481.1", "RT Image Storage", S, "RTIMAGE"},
	/* Storage any workstation sends: no modality implied. */
	{ST "7", "Secondary Capture Image Storage", S, NULL},
	{ST "7.1", "Multi-frame Single Bit Secondary Capture Image Storage", S,
	 NULL},
	{ST "7.2", "Multi-frame Grayscale Byte Secondary Capture Image Storage",
	 S, NULL},
	{ST "7.3", "Multi-frame Grayscale Word Secondary Capture Image Storage",
	 S, NULL},
	{ST "7.4", "Multi-frame True Color Secondary Capture Image Storage", S,
	 NULL},
	{ST "11.1", "Grayscale Softcopy Presentation State Storage", S, NULL},
	{ST "11.2", "Color Softcopy Presentation State Storage", S, NULL},
	{ST "66", "Raw Data Storage", S, NULL},
	{ST "66.1", "Spatial Registration Storage", S, NULL},
	{ST "66.4", "Segmentation Storage", S, NULL},
	{ST "88.11", "Basic Text SR Storage", S, NULL},
	{ST "88.22", "Enhanced SR Storage", S, NULL},
	{ST "88.33", "Comprehensive SR Storage", S, NULL},
	{ST "88.50", "Mammography CAD SR Storage", S, NULL},
	{ST "88.59", "Key Object Selection Document Storage", S, NULL},
	{ST "88.67", "X-Ray Radiation Dose SR Storage", S, NULL},
	{ST "104.1", "Encapsulated PDF Storage", S, NULL},
	{ST "104.2", "Encapsulated CDA Storage", S, NULL},
	{ST "481.2", "RT Dose Storage", S, NULL},
	{ST "481.3", "RT Structure Set Storage", S, NULL},
	{ST "481.4", "RT Beams Treatment Record Storage", S, NULL},
	{ST "481.5", "RT Plan Storage", S, NULL},
	/* Worklists. */
	{"1.2.840.10008.5.1.4.31", "Modality Worklist Information Model - FIND",
	 W, NULL},
	{"1.2.840.10008.5.1.4.32.1",
	 "General Purpose Worklist Information Model - FIND", W, NULL},
	/* Query/retrieve. */
	{"1.2.840.10008.5.1.4.1.2.1.1",
	 "Patient Root Query/Retrieve Information Model - FIND", Q, NULL},
	{"1.2.840.10008.5.1.4.1.2.1.2",
	 "Patient Root Query/Retrieve Information Model - MOVE", Q, NULL},
	{"1.2.840.10008.5.1.4.1.2.1.3",
	 "Patient Root Query/Retrieve Information Model - GET", Q, NULL},
	{"1.2.840.10008.5.1.4.1.2.2.1",
	 "Study Root Query/Retrieve Information Model - FIND", Q, NULL},
	{"1.2.840.10008.5.1.4.1.2.2.2",
	 "Study Root Query/Retrieve Information Model - MOVE", Q, NULL},
	{"1.2.840.10008.5.1.4.1.2.2.3",
	 "Study Root Query/Retrieve Information Model - GET", Q, NULL},
	{"1.2.840.10008.5.1.4.1.2.3.1",
	 "Patient/Study Only Query/Retrieve Information Model - FIND", Q, NULL},
	{"1.2.840.10008.5.1.4.1.2.3.2",
	 "Patient/Study Only Query/Retrieve Information Model - MOVE", Q, NULL},
	{"1.2.840.10008.5.1.4.1.2.3.3",
	 "Patient/Study Only Query/Retrieve Information Model - GET", Q, NULL},
	{"1.2.840.10008.5.1.4.1.2.4.2",
	 "Composite Instance Root Retrieve - MOVE", Q, NULL},
	{"1.2.840.10008.5.1.4.1.2.4.3",
	 "Composite Instance Root Retrieve - GET", Q, NULL},
	/* Print management. */
	{"1.2.840.10008.5.1.1.1", "Basic Film Session", P, NULL},
	{"1.2.840.10008.5.1.1.2", "Basic Film Box", P, NULL},
	{"1.2.840.10008.5.1.1.4", "Basic Grayscale Image Box", P, NULL},
	{"1.2.840.10008.5.1.1.4.1", "Basic Color Image Box", P, NULL},
	{"1.2.840.10008.5.1.1.9", "Basic Grayscale Print Management Meta", P,
	 NULL},
	{"1.2.840.10008.5.1.1.14", "Print Job", P, NULL},
	{"1.2.840.10008.5.1.1.15", "Basic Annotation Box", P, NULL},
	{"1.2.840.10008.5.1.1.16", "Printer", P, NULL},
	{"1.2.840.10008.5.1.1.16.376", "Printer Configuration Retrieval", P,
	 NULL},
	{"1.2.840.10008.5.1.1.18", "Basic Color Print Management Meta", P,
	 NULL},
	{"1.2.840.10008.5.1.1.23", "Presentation LUT", P, NULL},
	/* Workflow services: they name no role by themselves. */
	{"1.2.840.10008.1.20.1", "Storage Commitment Push Model", O, NULL},
	{"1.2.840.10008.3.1.2.3.3", "Modality Performed Procedure Step", O,
	 NULL},
	{"1.2.840.10008.3.1.2.3.4",
	 "Modality Performed Procedure Step Retrieve", O, NULL},
	{"1.2.840.10008.3.1.2.3.5",
	 "Modality Performed Procedure Step Notification", O, NULL},
	{"1.2.840.10008.5.1.4.33", "Instance Availability Notification", O,
	 NULL},
	{"1.2.840.10008.5.1.4.34.6.1", "Unified Procedure Step - Push", O,
	 NULL},
	{"1.2.840.10008.5.1.4.34.6.2", "Unified Procedure Step - Watch", O,
	 NULL},
	{"1.2.840.10008.5.1.4.34.6.3", "Unified Procedure Step - Pull", O,
	 NULL},
	{"1.2.840.10008.5.1.4.34.6.4", "Unified Procedure Step - Event", O,
	 NULL},
};

const struct vg_dicom_sop *
vg_dicom_sop_find(const char *uid, size_t n)
{
	size_t i;

	if (uid == NULL || n == 0)
		return NULL;
	/* About a hundred short entries: a linear scan is cheap enough. */
	for (i = 0; i < VG_ARRAY_LEN(sop_table); i++) {
		const char *u = sop_table[i].uid;

		if (strlen(u) == n && memcmp(u, uid, n) == 0)
			return &sop_table[i];
	}
	return NULL;
}
