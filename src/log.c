// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "log.h"

static bool verbose;

static void log_stderr(enum nsteer_log_level level, const char *fmt, va_list ap)
{
	FILE *out = level == NSTEER_LOG_INFO ? stdout : stderr;

	if (level == NSTEER_LOG_DEBUG && !verbose)
		return;
	if (level == NSTEER_LOG_WARN)
		fputs("nsteer: ", out);
	vfprintf(out, fmt, ap);
}

static nsteer_log_fn log_fn = log_stderr;

nsteer_log_fn nsteer_set_log(nsteer_log_fn fn)
{
	nsteer_log_fn old = log_fn;

	log_fn = fn ? fn : log_stderr;
	return old;
}

void nsteer_log(enum nsteer_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_fn(level, fmt, ap);
	va_end(ap);
}

/* libbpf and libxdp narrate every probe and fallback (libxdp's dispatcher check fails on kernels
 * that refuse freplace, by design); nsteer reports the errors that matter itself. */
static int lib_print(const char *fmt, va_list ap)
{
	return verbose ? vfprintf(stderr, fmt, ap) : 0;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	return lib_print(fmt, ap);
}

static int libxdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	return lib_print(fmt, ap);
}

__attribute__((constructor)) static void quiet_libraries(void)
{
	libbpf_set_print(libbpf_print);
	libxdp_set_print(libxdp_print);
}

void nsteer_set_verbose(bool on)
{
	verbose = on;
}

bool nsteer_verbose(void)
{
	return verbose;
}
