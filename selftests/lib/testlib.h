/* SPDX-License-Identifier: GPL-2.0 */
/* How the C test labs' helpers (selftests/lib) say what failed: each returns 0 or a negative
 * errno, with a message in err (err_len bytes); a Criterion test asserts on the result, the
 * fuzzer hands the message on. */
#ifndef NSTEER_TESTLIB_H
#define NSTEER_TESTLIB_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* Writes the message into err and returns ret, or -EIO where ret is no negative errno. */
__attribute__((format(printf, 4, 5))) static inline int lab_fail(char *err, size_t err_len, int ret,
								 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
	return ret < 0 ? ret : -EIO;
}

#endif
