/*
 * fuzz_common.h — small helpers shared by the libFuzzer harnesses.
 *
 * Parsers that only read files (rules, credentials, the IEEE registries)
 * get the fuzz input through a file in a private directory made once per
 * process (under $TMPDIR, else /tmp) and removed at exit.
 */
#ifndef NC_FUZZ_COMMON_H
#define NC_FUZZ_COMMON_H

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char fuzz_dir[4096];

static void fuzz_dir_remove(void)
{
	DIR *d;
	struct dirent *de;
	char path[4096 + 256];

	if (fuzz_dir[0] == '\0' || (d = opendir(fuzz_dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", fuzz_dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(fuzz_dir);
}

/* The private directory, made on first use; aborts when it cannot be. */
static const char *fuzz_tmpdir(void)
{
	const char *base = getenv("TMPDIR");

	if (fuzz_dir[0] != '\0')
		return fuzz_dir;
	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/nc-fuzz.XXXXXX", base);
	if (mkdtemp(fuzz_dir) == NULL) {
		perror("fuzz: mkdtemp");
		abort();
	}
	atexit(fuzz_dir_remove);
	return fuzz_dir;
}

/*
 * Write data to NAME in the private directory (mode 0600, replacing what
 * was there) and return its path in buf. Aborts on a write error: that is
 * the harness's environment failing, not the parser.
 */
static const char *fuzz_write_file(const char *name, const uint8_t *data, size_t size,
				   char *buf, size_t buflen)
{
	int fd;

	snprintf(buf, buflen, "%s/%s", fuzz_tmpdir(), name);
	if ((fd = open(buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
		perror("fuzz: open");
		abort();
	}
	while (size > 0) {
		ssize_t n = write(fd, data, size);

		if (n <= 0) {
			perror("fuzz: write");
			abort();
		}
		data += n;
		size -= (size_t)n;
	}
	close(fd);
	return buf;
}

/* Remove NAME from the private directory (no error when absent). */
static void fuzz_remove_file(const char *name)
{
	char path[4096 + 256];

	snprintf(path, sizeof(path), "%s/%s", fuzz_tmpdir(), name);
	unlink(path);
}

/* A NUL-terminated malloc'd copy of data (NULL when out of memory). */
static char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s != NULL) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

#ifdef FUZZ_NO_RESOLVER
#include <netdb.h>
/*
 * Target lists accept host names. A harness that defines FUZZ_NO_RESOLVER
 * replaces the C library's getaddrinfo(): no name lookup leaves the process
 * (no DNS query, no /etc/hosts) and every name is unknown, deterministically.
 */
int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		struct addrinfo **res)
{
	(void)node;
	(void)service;
	(void)hints;
	*res = NULL;
	return EAI_NONAME;
}
#endif

#endif
