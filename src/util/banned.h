/*
 * Functions that are easy to misuse: calling one is a compile error.
 * Included last by every .c file through util/common.h.
 */
#ifndef VG_UTIL_BANNED_H
#define VG_UTIL_BANNED_H

#define VG_BANNED(f) sorry_##f##_is_banned_in_vigie

#undef strcpy
#define strcpy(...) VG_BANNED(strcpy)
#undef strcat
#define strcat(...) VG_BANNED(strcat)
#undef sprintf
#define sprintf(...) VG_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) VG_BANNED(vsprintf)
#undef gets
#define gets(...) VG_BANNED(gets)
#undef atoi
#define atoi(...) VG_BANNED(atoi)
#undef atol
#define atol(...) VG_BANNED(atol)
#undef strtok
#define strtok(...) VG_BANNED(strtok)
#undef gmtime
#define gmtime(...) VG_BANNED(gmtime)
#undef localtime
#define localtime(...) VG_BANNED(localtime)
#undef ctime
#define ctime(...) VG_BANNED(ctime)
#undef asctime
#define asctime(...) VG_BANNED(asctime)

#endif
