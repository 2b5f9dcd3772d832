/* SPDX-License-Identifier: GPL-2.0 */
/* The command table of cli.c, shared with what is generated from it besides the usage text: the
 * man page (doc_man.c) and the bash completion (doc_bash.c). Read-only outside cli.c, so that a
 * command or option exists in all of them or in none. */
#ifndef NSTEER_CLI_TABLE_H
#define NSTEER_CLI_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"

enum opt_kind {
	OPT_FLAG,       /* sets a bool */
	OPT_ENUM,       /* one of choices, into an enum field */
	OPT_UINT,       /* min..max, into an unsigned int */
	OPT_MAC,        /* a port MAC */
	OPT_IFNAME,     /* an interface name */
	OPT_ADDR,       /* an address, repeatable */
	OPT_NETNS_PATH, /* the port's namespace, by path */
	OPT_PID,        /* the port's namespace, by process */
	OPT_PORT,       /* a port of DEV, by its namespace or host veth */
	OPT_FILE,       /* a path, "-" for stdout */
};

struct opt_spec {
	const char *name;
	const char *metavar; /* shown in help; enums show their choices */
	enum opt_kind kind;
	size_t field; /* offsetof(struct cli, ...) */
	const struct nsteer_name *choices;
	unsigned long min, max;
	const char *range; /* OPT_UINT: the accepted values, for the error message */
	const char *help;  /* lines after the first are indented under it */
};

enum arg_kind {
	ARGS_NONE,
	ARGS_FILE,      /* FILE|- */
	ARGS_FILE_OPT,  /* [FILE] */
	ARGS_DEV,       /* DEV */
	ARGS_DEV_OPT,   /* [DEV] */
	ARGS_DEV_NETNS, /* DEV and a namespace: NETNS, --netns-path or --pid */
};

struct command {
	const char *name;
	const char *sub; /* "add" for "port add" */
	enum cli_cmd id;
	enum arg_kind args;
	const struct opt_spec *const *opts; /* NULL-terminated */
	const char *help;
	int (*run)(const struct cli *cli); /* returns 0 or a negative errno, or an exit status */
	bool returns_status;               /* run returns an exit status (batch, demo) */
};

extern const struct command cli_commands[];
extern const size_t cli_n_commands;

/* What `nsteer --help` says nsteer is, and what -v does. */
extern const char cli_summary[];
extern const char cli_verbose_help[];

/* The exit statuses and their meaning; ends with a NULL meaning. */
struct cli_exit_status {
	int status;
	const char *meaning;
};
extern const struct cli_exit_status cli_exit_statuses[];

/* Whether o is one of the ways c's arguments name a namespace (--netns-path, --pid), which its
 * synopsis shows among the arguments rather than as an option. */
bool cli_opt_in_args(const struct command *c, const struct opt_spec *o);

/* The value o takes as usage shows it: its metavar, or its choices "a|b|c"; "" for a flag. */
void cli_option_value(const struct opt_spec *o, char *buf, size_t size);

/* The words of c's synopsis after "nsteer", in order: "port", "add", "DEV NETNS|...",
 * "[--mac MAC]", "[--addr CIDR]...". */
typedef void (*cli_word_fn)(void *ctx, const char *word);
void cli_synopsis_words(const struct command *c, cli_word_fn fn, void *ctx);

#endif
