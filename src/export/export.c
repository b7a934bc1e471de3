#include "config.h"

/*
 * export.c — the table of export formats and what they share: --what
 * names, output files that appear only when complete, and the one text
 * cleaner every format passes network strings through.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export/csv.h"
#include "export/export.h"
#include "export/json_export.h"
#include "export/vdi.h"
#include "export/xml.h"
#include "util/compat.h"
#include "util/err.h"

static const char *const what_names[EXPORT_WHAT__COUNT] = {
    [EXPORT_WHAT_HOSTS] = "hosts",	 [EXPORT_WHAT_SERVICES] = "services",
    [EXPORT_WHAT_SOFTWARE] = "software", [EXPORT_WHAT_HARDWARE] = "hardware",
    [EXPORT_WHAT_ALL] = "all",
};

const export_format export_formats[] = {
    {"csv", "RFC 4180 tables (one file per table into -o DIR with --what all)",
     EXPORT_WHAT_HOSTS, csv_export_wants_dir, csv_export},
    {"xml", "one XML document (namespace " XML_EXPORT_NS ", schema netcensus.xsd)",
     EXPORT_WHAT_ALL, NULL, xml_export},
    {"json", "one JSON document, or JSON Lines with --jsonl", EXPORT_WHAT_ALL, NULL,
     json_export},
    {"vdi", "VDI planning: machines, applications, installs, pools (CSV into -o DIR, or "
	    "one JSON/XML document)",
     EXPORT_WHAT_ALL, vdi_export_wants_dir, vdi_export_format},
};
const size_t export_format_count = ARRAY_SIZE(export_formats);

const char *export_what_name(export_what w)
{
	return (unsigned)w < EXPORT_WHAT__COUNT ? what_names[w] : "?";
}

int export_what_parse(const char *s, export_what *out)
{
	for (int w = 0; w < EXPORT_WHAT__COUNT; w++) {
		if (strcmp(s, what_names[w]) == 0) {
			*out = (export_what)w;
			return 0;
		}
	}
	return nc_fail(NC_ERR_INVALID,
		       "unknown --what '%s' (hosts, services, software, hardware or all)", s);
}

const export_format *export_format_find(const char *name)
{
	for (size_t i = 0; i < export_format_count; i++)
		if (strcmp(name, export_formats[i].name) == 0)
			return &export_formats[i];
	return NULL;
}

const char *export_generator(void)
{
	return "netcensus " PACKAGE_VERSION;
}

/* ---- output files ------------------------------------------------------- */

int export_file_open(export_file *f, const char *dir, const char *name)
{
	struct stat sb;
	int fd;

	memset(f, 0, sizeof(*f));
	if (dir != NULL ? asprintf(&f->path, "%s/%s", dir, name) < 0
			: (f->path = strdup(name)) == NULL) {
		f->path = NULL;
		return nc_fail(NC_ERR_NOMEM, "out of memory opening %s", name);
	}
	if (stat(f->path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		/* A device or a pipe (/dev/stdout, a FIFO): written in place,
		 * since nothing can be renamed over it. */
		fd = open(f->path, O_WRONLY | O_CLOEXEC);
	} else {
		if (asprintf(&f->tmp, "%s.tmp.%ld", f->path, (long)getpid()) < 0) {
			f->tmp = NULL;
			export_file_abort(f);
			return nc_fail(NC_ERR_NOMEM, "out of memory opening %s", name);
		}
		/* O_EXCL: never write through a link someone left at the temporary name. */
		fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	}
	if (fd < 0 || (f->fp = fdopen(fd, "w")) == NULL) {
		int e = errno;
		int r = nc_fail(NC_ERR_IO, "cannot write %s: %s", f->path, strerror(e));

		if (fd >= 0) {
			close(fd);
			if (f->tmp != NULL)
				unlink(f->tmp);
		}
		free(f->tmp);
		f->tmp = NULL; /* nothing of ours to remove */
		export_file_abort(f);
		return r;
	}
	return 0;
}

int export_file_commit(export_file *f)
{
	int r = 0;

	if (fflush(f->fp) != 0 || ferror(f->fp))
		r = nc_fail(NC_ERR_IO, "cannot write %s: %s", f->path, strerror(errno));
	if (fclose(f->fp) != 0 && r == 0)
		r = nc_fail(NC_ERR_IO, "cannot write %s: %s", f->path, strerror(errno));
	f->fp = NULL;
	if (r == 0 && f->tmp != NULL && rename(f->tmp, f->path) != 0)
		r = nc_fail(NC_ERR_IO, "cannot rename %s to %s: %s", f->tmp, f->path,
			    strerror(errno));
	if (r != 0) {
		export_file_abort(f);
		return r;
	}
	free(f->tmp);
	free(f->path);
	memset(f, 0, sizeof(*f));
	return 0;
}

void export_file_abort(export_file *f)
{
	if (f->fp != NULL)
		fclose(f->fp);
	if (f->tmp != NULL)
		unlink(f->tmp);
	free(f->tmp);
	free(f->path);
	memset(f, 0, sizeof(*f));
}

/* ---- text ---------------------------------------------------------------- */

void export_buf_free(export_buf *b)
{
	free(b->buf);
	b->buf = NULL;
	b->cap = 0;
}

/*
 * The length of the valid, XML-allowed UTF-8 character at s[0, avail), or
 * 0 when there is none there.
 */
static size_t good_char(const unsigned char *s, size_t avail)
{
	uint32_t cp;
	size_t n;

	if (s[0] < 0x80)
		return s[0] >= 0x20 || s[0] == '\t' || s[0] == '\n' || s[0] == '\r' ? 1 : 0;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0; /* a continuation byte, an overlong lead (C0, C1) or F5-FF */
	if (n > avail)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0; /* overlong, or past Unicode */
	if ((cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
		return 0; /* surrogates and the two XML forbids */
	return n;
}

const char *export_text(export_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, used = 0, need;

	if (s == NULL)
		return "";
	/* Fast path: printable ASCII needs no copy. */
	for (len = 0; p[len] >= 0x20 && p[len] < 0x80; len++)
		;
	if (p[len] == '\0')
		return s;
	len += strlen(s + len);
	/* Every bad byte becomes the 3 bytes of U+FFFD. */
	if (len > (SIZE_MAX - 1) / 3)
		return NULL;
	need = len * 3 + 1;
	if (b->cap < need) {
		char *grown = realloc(b->buf, need);

		if (grown == NULL)
			return NULL;
		b->buf = grown;
		b->cap = need;
	}
	for (size_t i = 0; i < len;) {
		size_t n = good_char(p + i, len - i);

		if (n == 0) {
			memcpy(b->buf + used, "\xef\xbf\xbd", 3);
			used += 3;
			i++;
			continue;
		}
		memcpy(b->buf + used, p + i, n);
		used += n;
		i += n;
	}
	b->buf[used] = '\0';
	return b->buf;
}
