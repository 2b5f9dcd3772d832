// SPDX-License-Identifier: GPL-2.0
/* The command-line engine: getopt_long's table, parsing, usage text and errors, all from the
 * program's table of commands and options (cmdline.h). */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

/* ---- usage text ---- */

/* A line of words that wraps at 92 columns, continuing under indent. */
struct wrap {
	FILE *out;
	int col, indent;
	bool fresh; /* nothing on this line yet: no space before the next word */
};

static void word(struct wrap *w, const char *text)
{
	int len = (int)strlen(text);

	if (!w->fresh && w->col + 1 + len > 92) {
		w->col = fprintf(w->out, "\n%*s", w->indent, "") - 1;
		w->fresh = true;
	}
	w->col += fprintf(w->out, "%s%s", w->fresh ? "" : " ", text);
	w->fresh = false;
}

#define OPTION_CHOICES_SHOWN_MAX 40

void cmdline_option_value(const struct cmdline_option *o, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	if (o->kind == CMDLINE_ENUM) {
		for (const struct nsteer_name *v = o->choices; v->name && n < size; v++)
			n += snprintf(buf + n, size - n, "%s%s", v == o->choices ? "" : "|",
				      v->name);
	}
	/* A list too long for a synopsis (the drop reasons) shows as its metavar; the option's
	 * help says where the names are. */
	if (o->kind != CMDLINE_ENUM || (n > OPTION_CHOICES_SHOWN_MAX && o->metavar))
		snprintf(buf, size, "%s", o->metavar ? o->metavar : "");
}

void cmdline_synopsis_words(const struct cmdline_command *c, cmdline_word_fn fn, void *ctx)
{
	char text[160], value[96];

	fn(ctx, c->name);
	if (c->sub)
		fn(ctx, c->sub);
	if (c->args)
		fn(ctx, c->args->synopsis);
	for (const struct cmdline_option *const *o = c->opts; *o; o++) {
		if ((*o)->in_args)
			continue;
		cmdline_option_value(*o, value, sizeof(value));
		snprintf(text, sizeof(text), "[--%s%s%s]%s", (*o)->name, value[0] ? " " : "", value,
			 (*o)->repeatable ? "..." : "");
		fn(ctx, text);
	}
}

static void wrap_word(void *w, const char *text)
{
	word(w, text);
}

/* "attach DEV [--mode bridge|private|vepa] ...", continued under the first argument. */
static void synopsis(FILE *out, const struct cmdline_command *c, int col, bool fresh)
{
	struct wrap w = { out, col, col + (fresh ? 0 : 1) + (int)strlen(c->name) + 1, fresh };

	if (c->sub)
		w.indent += (int)strlen(c->sub) + 1;
	cmdline_synopsis_words(c, wrap_word, &w);
	fputc('\n', out);
}

static void exit_status_help(const struct cmdline_program *p, FILE *out)
{
	fputs("\nExit status:", out);
	for (const struct cmdline_exit_status *e = p->exit_statuses; e->meaning; e++)
		fprintf(out, "%s %d %s", e == p->exit_statuses ? "" : ",", e->status, e->meaning);
	fputs(".\n", out);
}

static void command_usage(const struct cmdline_program *p, FILE *out,
			  const struct cmdline_command *c)
{
	int col = fprintf(out, "Usage: %s", p->name);

	synopsis(out, c, col, false);
	fprintf(out, "%s\n", c->help);
	for (const struct cmdline_option *const *o = c->opts; *o; o++) {
		char head[32];
		const char *line = (*o)->help, *nl;

		if ((*o)->in_args)
			continue;
		snprintf(head, sizeof(head), "--%s%s%s", (*o)->name, (*o)->metavar ? " " : "",
			 (*o)->metavar ? (*o)->metavar : "");
		for (bool first = true; line; first = false, line = nl ? nl + 1 : NULL) {
			nl = strchr(line, '\n');
			fprintf(out, "  %-14s %.*s\n", first ? head : "",
				nl ? (int)(nl - line) : (int)strlen(line), line);
		}
	}
	exit_status_help(p, out);
}

static void main_usage(const struct cmdline_program *p, FILE *out)
{
	fprintf(out, "Usage: %s [-v] COMMAND [ARGS]\n%s\n\nCommands:\n", p->name, p->summary);
	for (size_t i = 0; i < p->n_commands; i++) {
		fputs("  ", out);
		synopsis(out, &p->commands[i], 2, true);
	}
	fprintf(out, "\nRun '%s COMMAND --help' for details.%s%s\n", p->name,
		p->usage_note ? " " : "", p->usage_note ? p->usage_note : "");
	fprintf(out, "  -v, --verbose   %s\n", p->verbose_help);
	exit_status_help(p, out);
}

/* ---- parsing ---- */

/* One parse: the program, its command once found, and where mistakes go. */
struct cmdline_ctx {
	const struct cmdline_program *p;
	const struct cmdline_command *c;
	FILE *err;
};

bool cmdline_refuse(const struct cmdline_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	fprintf(ctx->err, "%s: ", ctx->p->name);
	va_start(ap, fmt);
	vfprintf(ctx->err, fmt, ap);
	va_end(ap);
	fputc('\n', ctx->err);
	command_usage(ctx->p, ctx->err, ctx->c);
	return false;
}

#define USAGE_ERR(...)                            \
	do {                                      \
		cmdline_refuse(ctx, __VA_ARGS__); \
		return CMDLINE_USAGE;             \
	} while (0)

/* "a, b or c" */
static void choices_text(const struct nsteer_name *names, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (const struct nsteer_name *v = names; v->name && n < size; v++)
		n += snprintf(buf + n, size - n, "%s%s",
			      v == names   ? ""
			      : !v[1].name ? " or "
					   : ", ",
			      v->name);
}

/* The subcommands of name, as choices_text lists them: "add, del or list". */
static void subcommands_text(const struct cmdline_program *p, const char *name, char *buf,
			     size_t size)
{
	const struct cmdline_command *last = NULL;
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < p->n_commands; i++) {
		const struct cmdline_command *c = &p->commands[i];

		if (strcmp(c->name, name) || !c->sub)
			continue;
		if (last && n < size)
			n += snprintf(buf + n, size - n, "%s%s", n ? ", " : "", last->sub);
		last = c;
	}
	if (last && n < size)
		snprintf(buf + n, size - n, "%s%s", n ? " or " : "", last->sub);
}

/* NULL with *words -1: help was printed. */
static const struct cmdline_command *find_command(const struct cmdline_program *p, int argc,
						  char **argv, int *words, FILE *out, FILE *err)
{
	const char *name = argc > 1 ? argv[1] : NULL;
	bool known = false,
	     help = argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"));

	for (size_t i = 0; name && i < p->n_commands; i++) {
		const struct cmdline_command *c = &p->commands[i];

		if (strcmp(c->name, name))
			continue;
		known = true;
		*words = c->sub ? 2 : 1;
		if (!c->sub || (argc > 2 && !strcmp(argv[2], c->sub)))
			return c;
	}
	*words = 0;
	if (known && help) {
		bool first = true;

		for (size_t i = 0; i < p->n_commands; i++) {
			if (strcmp(p->commands[i].name, name))
				continue;
			if (!first)
				fputc('\n', out);
			command_usage(p, out, &p->commands[i]);
			first = false;
		}
		*words = -1;
	} else if (known) {
		char subs[96];

		subcommands_text(p, name, subs, sizeof(subs));
		fprintf(err, "%s: '%s' needs a subcommand: %s\n", p->name, name, subs);
	} else if (name) {
		fprintf(err, "%s: unknown command '%s'; see '%s --help'\n", p->name, name, p->name);
	} else {
		main_usage(p, err);
	}
	return NULL;
}

bool cmdline_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;

	/* strtoul would also take blanks, a sign and, for huge values, wrap: digits only. */
	if (!*s || strspn(s, "0123456789") != strlen(s))
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return !errno && !*end && *out >= min && *out <= max;
}

static enum cmdline_result take_option(const struct cmdline_ctx *ctx,
				       const struct cmdline_option *o, const char *arg, void *cfg)
{
	void *field = (char *)cfg + o->field;
	char choices[96];
	unsigned long n;
	int v;

	switch (o->kind) {
	case CMDLINE_FLAG:
		*(bool *)field = true;
		break;
	case CMDLINE_ENUM:
		if ((v = nsteer_value_of(o->choices, arg)) < 0) {
			choices_text(o->choices, choices, sizeof(choices));
			USAGE_ERR("invalid --%s '%s': %s", o->name, arg, choices);
		}
		*(int *)field = v;
		break;
	case CMDLINE_UINT:
		if (!cmdline_parse_uint(arg, o->min, o->max, &n))
			USAGE_ERR("invalid --%s '%s'%s%s", o->name, arg, o->range ? ": " : "",
				  o->range ? o->range : "");
		*(unsigned int *)field = n;
		break;
	case CMDLINE_VALUE:
		if (!o->take(o, arg, cfg, ctx))
			return CMDLINE_USAGE;
		break;
	}
	return CMDLINE_RUN;
}

/* getopt's view of every option of every command; the value is the option's index in it. */
#define LONGOPTS_MAX 32
_Static_assert(LONGOPTS_MAX <= 64, "cmdline_parse keeps the options given in a 64-bit mask");
#define OPT_HELP 'h'
#define OPT_BASE 256

struct longopts {
	const struct cmdline_option *specs[LONGOPTS_MAX];
	struct option getopt[LONGOPTS_MAX + 2];
};

static void longopts_build(const struct cmdline_program *p, struct longopts *lo)
{
	int n = 0;

	memset(lo, 0, sizeof(*lo));
	lo->getopt[n++] = (struct option){ "help", no_argument, NULL, OPT_HELP };
	for (size_t i = 0; i < p->n_commands; i++) {
		for (const struct cmdline_option *const *o = p->commands[i].opts; *o; o++) {
			int k = 0;

			while (k < n - 1 && lo->specs[k] != *o)
				k++;
			if (k < n - 1 || n - 1 == LONGOPTS_MAX)
				continue;
			lo->specs[n - 1] = *o;
			lo->getopt[n] =
				(struct option){ (*o)->name,
						 (*o)->metavar ? required_argument : no_argument,
						 NULL, OPT_BASE + n - 1 };
			n++;
		}
	}
}

static const struct cmdline_option *allowed(const struct longopts *lo,
					    const struct cmdline_command *c, int id)
{
	const struct cmdline_option *spec = id >= OPT_BASE ? lo->specs[id - OPT_BASE] : NULL;

	for (const struct cmdline_option *const *o = c->opts; spec && *o; o++)
		if (*o == spec)
			return spec;
	return NULL;
}

/* Global options come before the command: -v and -h. Returns the words they took, or -1 with
 * what to return in *r. */
static int global_options(const struct cmdline_program *p, int argc, char **argv, void *cfg,
			  FILE *out, FILE *err, enum cmdline_result *r)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			*(bool *)((char *)cfg + p->verbose_field) = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			main_usage(p, out);
			*r = CMDLINE_DONE;
			return -1;
		} else {
			fprintf(err, "%s: unknown option '%s'\n", p->name, argv[i]);
			main_usage(p, err);
			*r = CMDLINE_USAGE;
			return -1;
		}
	}
	return i - 1;
}

static enum cmdline_result positionals(const struct cmdline_ctx *ctx, int n, char **args, void *cfg)
{
	const struct cmdline_args *a = ctx->c->args;
	int min = a ? a->min : 0, max = a ? a->max : 0;

	if (n < min)
		USAGE_ERR("missing %s", a->missing);
	if (n > max)
		USAGE_ERR("unexpected argument '%s'", args[max]);
	return ctx->p->check(ctx->c, n, args, cfg, ctx) ? CMDLINE_RUN : CMDLINE_USAGE;
}

enum cmdline_result cmdline_parse(const struct cmdline_program *p, int argc, char **argv, void *cfg,
				  const struct cmdline_command **cmd, FILE *out, FILE *err)
{
	struct cmdline_ctx parse = { .p = p, .err = err }, *ctx = &parse;
	enum cmdline_result r = CMDLINE_USAGE;
	int words = 0, id, longindex = 0;
	unsigned long long seen = 0; /* options given, by index in lo.specs */
	struct longopts lo;

	words = global_options(p, argc, argv, cfg, out, err, &r);
	if (words < 0)
		return r;
	argv += words;
	argc -= words;
	ctx->c = find_command(p, argc, argv, &words, out, err);
	if (!ctx->c)
		return words < 0 ? CMDLINE_DONE : CMDLINE_USAGE;
	*cmd = ctx->c;
	argv += words;
	argc -= words;
	longopts_build(p, &lo);
	optind = 0; /* glibc: full re-initialisation, as batch parses many lines */
	opterr = 0;
	while ((id = getopt_long(argc, argv, ":h", lo.getopt, &longindex)) != -1) {
		const struct cmdline_option *spec;

		if (id == OPT_HELP) {
			command_usage(p, out, ctx->c);
			return CMDLINE_DONE;
		}
		/* A known option of another command: name it, not the value getopt took for it. */
		if (id == ':' ? optopt >= OPT_BASE && !allowed(&lo, ctx->c, optopt)
			      : id != '?' && !allowed(&lo, ctx->c, id))
			USAGE_ERR("unknown option '--%s' for this command",
				  lo.specs[(id == ':' ? optopt : id) - OPT_BASE]->name);
		if (id == ':')
			USAGE_ERR("option '%s' needs a value", argv[optind - 1]);
		/* In a cluster of short options (-nst...) optind has not moved on: name the letter. */
		if (id == '?' && optopt > 0 && optopt < OPT_BASE)
			USAGE_ERR("unknown option '-%c'", optopt);
		if (id == '?')
			USAGE_ERR("unknown option '%s'", argv[optind - 1]);
		spec = allowed(&lo, ctx->c, id);
		/* A second value would silently replace the first: say so instead. */
		if (spec->metavar && !spec->repeatable) {
			if (seen & (1ULL << (id - OPT_BASE)))
				USAGE_ERR("--%s given twice", spec->name);
			seen |= 1ULL << (id - OPT_BASE);
		}
		r = take_option(ctx, spec, optarg, cfg);
		if (r != CMDLINE_RUN)
			return r;
	}
	return positionals(ctx, argc - optind, argv + optind, cfg);
}
