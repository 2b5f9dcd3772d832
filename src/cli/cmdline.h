/* SPDX-License-Identifier: GPL-2.0 */
/* A table-driven command line, as xdp-tools' params.c is: the program passes in its table of
 * commands ("port add"), each with its positional arguments and its options, every option declared
 * once; getopt_long's table, the parsing into the program's configuration struct, the usage text
 * and its errors, and the synopsis words the documents are written with all come from it. This
 * engine knows no command: the program's table (cli.c for nsteer) does. */
#ifndef NSTEER_CLI_CMDLINE_H
#define NSTEER_CLI_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "nsteer.h" /* struct nsteer_name: an option's choices */

enum cmdline_opt_kind {
	CMDLINE_FLAG,  /* sets a bool */
	CMDLINE_ENUM,  /* one of choices, into an enum (int) field */
	CMDLINE_UINT,  /* min..max, into an unsigned int */
	CMDLINE_VALUE, /* a value that the option's take checks and stores */
};

struct cmdline_option;
struct cmdline_ctx; /* one parse under way */
/* Checks arg and stores it into cfg (the program's configuration struct), or returns
 * cmdline_refuse(ctx, why). */
typedef bool (*cmdline_take_fn)(const struct cmdline_option *o, const char *arg, void *cfg,
				const struct cmdline_ctx *ctx);
/* Says why (printf's format) the command line is refused, as "PROGRAM: why", then the command's
 * usage; returns false. */
bool cmdline_refuse(const struct cmdline_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

struct cmdline_option {
	const char *name;
	const char *metavar; /* the value it takes, shown in help (enums show their choices); NULL
			      * for a flag */
	enum cmdline_opt_kind kind;
	size_t field; /* offsetof(the configuration struct, ...) */
	const struct nsteer_name *choices;
	unsigned long min, max;
	const char *range;    /* CMDLINE_UINT: the accepted values, for the error message */
	cmdline_take_fn take; /* CMDLINE_VALUE */
	bool repeatable;      /* may come again: not refused as "given twice" (take refuses what
			       * it must); the synopsis shows "..." after it */
	bool in_args;         /* stands for a positional argument ("NETNS|--pid PID"): the synopsis
			       * shows it among the arguments, not as an option */
	const char *complete; /* what its value is, for the shell completion ("file", "pid");
			       * NULL: nothing to offer */
	const char *help;     /* lines after the first are indented under it */
};

struct cmdline_args {
	const char *synopsis; /* "DEV NETNS|--netns-path PATH|--pid PID" */
	int min, max;         /* how many */
	const char *missing;  /* what "missing ..." names when fewer than min are given */
};

struct cmdline_command {
	const char *name;
	const char *sub;                 /* "add" for "port add" */
	int id;                          /* the program's, which it dispatches on */
	const struct cmdline_args *args; /* NULL: none */
	const char *complete;            /* what each argument is, for the shell completion,
					  * space-separated ("uplink netns") */
	const struct cmdline_option *const *opts; /* NULL-terminated */
	const char *help;
};

struct cmdline_exit_status {
	int status;
	const char *meaning;
};

struct cmdline_program {
	const char *name;       /* "nsteer" */
	const char *summary;    /* what --help says the program is */
	const char *usage_note; /* what --help says after the commands */
	const char *verbose_help;
	size_t verbose_field; /* the bool that -v, --verbose (before the command) sets */
	const struct cmdline_command *commands;
	size_t n_commands;
	const struct cmdline_exit_status *exit_statuses; /* ends with a NULL meaning */
	/* After the options: stores the n positional arguments (between the command's min and max)
	 * and checks what the options say together, as a take does. */
	bool (*check)(const struct cmdline_command *c, int n, char **args, void *cfg,
		      const struct cmdline_ctx *ctx);
};

enum cmdline_result {
	CMDLINE_RUN = 0,    /* cfg is filled in: run it */
	CMDLINE_DONE = 1,   /* help was printed: exit 0 */
	CMDLINE_USAGE = -1, /* a message went to err: exit 2 */
};

/* argv[0] is the program's name. cfg is the program's configuration struct, as it wants it
 * before the options (zero, defaults). On CMDLINE_RUN, *cmd is the command given. Help goes to
 * out, mistakes to err. */
enum cmdline_result cmdline_parse(const struct cmdline_program *p, int argc, char **argv, void *cfg,
				  const struct cmdline_command **cmd, FILE *out, FILE *err);

/* s as a decimal number within min..max, digits only. */
bool cmdline_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out);

/* The value o takes as usage shows it: its metavar, or its choices "a|b|c"; "" for a flag. */
void cmdline_option_value(const struct cmdline_option *o, char *buf, size_t size);

/* The words of c's synopsis after the program's name, in order: "port", "add",
 * "DEV NETNS|...", "[--mac MAC]", "[--addr CIDR]...". */
typedef void (*cmdline_word_fn)(void *ctx, const char *word);
void cmdline_synopsis_words(const struct cmdline_command *c, cmdline_word_fn fn, void *ctx);

#endif
