// SPDX-License-Identifier: GPL-2.0
#include "json.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void json_init(struct json *j, FILE *out)
{
	*j = (struct json){ .out = out };
}

/* Comma bookkeeping before any value or key. need_comma[d - 1] belongs to the container at
 * depth d; a value right after its key never takes a comma. */
static void sep(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0) {
		if (j->need_comma[j->depth - 1])
			fputc(',', j->out);
		j->need_comma[j->depth - 1] = true;
	}
}

static void scalar_done(struct json *j)
{
	if (j->depth == 0)
		fputc('\n', j->out);
}

static void begin(struct json *j, char c)
{
	/* Nesting is fixed by the caller's code, not by input, so overflow is a bug to catch
	 * loudly rather than JSON to corrupt quietly. */
	if (j->depth >= JSON_MAX_DEPTH)
		abort();
	sep(j);
	fputc(c, j->out);
	j->need_comma[j->depth++] = false;
}

static void end(struct json *j, char c)
{
	if (j->depth <= 0)
		abort();
	j->depth--;
	fputc(c, j->out);
	scalar_done(j);
}

void json_object_begin(struct json *j)
{
	begin(j, '{');
}

void json_object_end(struct json *j)
{
	end(j, '}');
}

void json_array_begin(struct json *j)
{
	begin(j, '[');
}

void json_array_end(struct json *j)
{
	end(j, ']');
}

static void put_string(FILE *f, const char *s)
{
	/* Pairs: a character JSON escapes by a letter, then the letter. */
	static const char short_escapes[] = "\"\"\\\\\nn\tt\rr\bb\ff";

	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		const char *e = memchr(short_escapes, *p, sizeof(short_escapes) - 1);

		/* Only a pair's first character counts: 'n' alone is no escape. */
		if (e && (e - short_escapes) % 2 == 0)
			fprintf(f, "\\%c", e[1]);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

void json_key(struct json *j, const char *key)
{
	sep(j);
	put_string(j->out, key);
	fputc(':', j->out);
	j->after_key = true;
}

void json_string(struct json *j, const char *s)
{
	if (!s) {
		json_null(j);
		return;
	}
	sep(j);
	put_string(j->out, s);
	scalar_done(j);
}

void json_u64(struct json *j, uint64_t v)
{
	sep(j);
	fprintf(j->out, "%" PRIu64, v);
	scalar_done(j);
}

void json_i64(struct json *j, int64_t v)
{
	sep(j);
	fprintf(j->out, "%" PRId64, v);
	scalar_done(j);
}

void json_bool(struct json *j, bool v)
{
	sep(j);
	fputs(v ? "true" : "false", j->out);
	scalar_done(j);
}

void json_null(struct json *j)
{
	sep(j);
	fputs("null", j->out);
	scalar_done(j);
}

void json_kv_string(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_string(j, s);
}

void json_kv_u64(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_u64(j, v);
}

void json_kv_i64(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	json_i64(j, v);
}

void json_kv_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}
