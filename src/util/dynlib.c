/*
 * dlopen and dlsym for util/dynlib.h. A function pointer is stored by
 * copying the object pointer dlsym answers into it: POSIX guarantees
 * they are the same size on systems with dlsym.
 */
#include "util/common.h"

#include <dlfcn.h>
#include <string.h>

#include "util/dynlib.h"
#include "util/banned.h"

_Static_assert(sizeof(void *) == sizeof(void (*)(void)),
	       "function pointers are object-pointer sized");

enum vg_rc
vg_dynlib_load(const char *soname, const struct vg_dynsym *syms, size_t n,
	       void **handle, struct vg_err *err)
{
	const char *why;
	void *h, *fn;
	size_t i;

	if (*handle != NULL)
		return VG_OK;
	/* RTLD_LOCAL: nothing of it leaks into later lookups. */
	if ((h = dlopen(soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		why = dlerror();
		return vg_err_set(err, VG_ERR_NOTFOUND, _("cannot load %s: %s"),
				  soname,
				  why != NULL ? why : _("unknown error"));
	}
	for (i = 0; i < n; i++) {
		if ((fn = dlsym(h, syms[i].name)) == NULL) {
			(void)vg_err_set(err, VG_ERR_NOTFOUND,
					 _("%s has no %s"), soname,
					 syms[i].name);
			for (; i > 0; i--)
				memset(syms[i - 1].slot, 0, sizeof(void *));
			(void)dlclose(h);
			return VG_ERR_NOTFOUND;
		}
		memcpy(syms[i].slot, &fn, sizeof(fn));
	}
	*handle = h;
	return VG_OK;
}

void
vg_dynlib_open(struct vg_dynlib *lib)
{
	(void)vg_dynlib_load(lib->soname, lib->syms, lib->n, &lib->handle,
			     &lib->err);
}

bool
vg_dynlib_ready(struct vg_dynlib *lib)
{
	(void)pthread_once(&lib->once, lib->open);
	return lib->handle != NULL;
}

const char *
vg_dynlib_error(struct vg_dynlib *lib)
{
	return vg_dynlib_ready(lib) ? NULL : lib->err.msg;
}

enum vg_rc
vg_dynlib_nomem(struct vg_dynlib *lib, struct vg_err *err)
{
	const char *why = vg_dynlib_error(lib);

	if (why != NULL)
		return vg_err_set(err, VG_ERR_NOTFOUND, "%s", why);
	return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
}
