/*
 * lab-listen — the lab's stand-in for a TCP service.
 *
 * The lab hosts need ports that answer a SYN with a SYN-ACK and nothing
 * else: no daemon to configure, no banner, no state. This program listens on
 * each port given (on INADDR_ANY, so inside the farm namespace every address
 * of 198.19.0.0/16 has the port open), accepts whatever completes a
 * handshake and closes it at once.
 *
 *   lab-listen [-f] [-p PIDFILE] [-r FILE | -b FILE] PORT...
 *
 * By default it daemonises and returns only once every port is listening and
 * the pidfile is written, so a script may scan right after it returns. With
 * -f it stays in the foreground (for `lab-listen -f 80 &`). SIGTERM ends it
 * and removes the pidfile.
 *
 * For the banner and HTTP fingerprinting tests it can also say something,
 * the same bytes on every port and every connection (at most 64 KiB, sent
 * as is: the file holds the CRLFs and the Content-Length):
 *   -r FILE  read the request up to its blank line (HTTP-style; at most
 *            8 KiB or 5 s), then send FILE and close: a canned HTTP reply.
 *   -b FILE  send FILE as soon as the connection opens, then close: a
 *            banner (what an SSH, FTP or SMTP server says first).
 * Each such connection is served by a child process that lives at most 5 s,
 * so a client that says nothing holds up no one.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_PORTS 64
#define MAX_REPLY (64 * 1024)  /* -r/-b file */
#define MAX_REQUEST (8 * 1024) /* what -r reads of a request */
#define CONN_SECONDS 5	       /* a served connection's whole life */

static volatile sig_atomic_t stop;
static const char *pidfile;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int parse_port(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1 || v > 65535)
		return -1;
	return (int)v;
}

static int listen_on(int port)
{
	struct sockaddr_in sin;
	int one = 1, fd;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(fd, 4096) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Read FILE (at most MAX_REPLY bytes) into a new buffer; 0 or -1. */
static int load_reply(const char *file, char **out, size_t *outlen)
{
	char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int r = -1, fd;

	*out = NULL;
	*outlen = 0;
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if ((buf = malloc(MAX_REPLY + 1)) == NULL)
		goto out;
	while ((n = read(fd, buf + len, MAX_REPLY + 1 - len)) > 0)
		len += (size_t)n;
	if (n < 0)
		goto out;
	if (len > MAX_REPLY) {
		errno = EFBIG;
		goto out;
	}
	*out = buf;
	*outlen = len;
	buf = NULL;
	r = 0;
out:
	free(buf);
	close(fd);
	return r;
}

/* Has the request in buf[0..len) reached its blank line? */
static int request_complete(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		if (buf[i] == '\n' && buf[i + 1] == '\n')
			return 1;
		if (i + 3 < len && memcmp(buf + i, "\r\n\r\n", 4) == 0)
			return 1;
	}
	return 0;
}

/*
 * The child that serves one connection: (with -r) read the request header,
 * send the reply, then half-close and drain what the peer still sends, so
 * that closing does not reset the connection before the peer read the
 * reply. SIGALRM (default action) ends it after CONN_SECONDS whatever
 * happens.
 */
static void serve(int c, const char *reply, size_t replylen, int read_request)
{
	char buf[MAX_REQUEST];
	size_t len = 0, off = 0;
	ssize_t n;

	alarm(CONN_SECONDS);
	while (read_request && len < sizeof(buf) && !request_complete(buf, len)) {
		if ((n = read(c, buf + len, sizeof(buf) - len)) <= 0)
			break;
		len += (size_t)n;
	}
	while (off < replylen) {
		if ((n = write(c, reply + off, replylen - off)) <= 0)
			break;
		off += (size_t)n;
	}
	shutdown(c, SHUT_WR);
	while (read(c, buf, sizeof(buf)) > 0)
		;
	close(c);
}

static int write_pidfile(void)
{
	FILE *f;

	if (pidfile == NULL)
		return 0;
	if ((f = fopen(pidfile, "w")) == NULL)
		return -1;
	fprintf(f, "%ld\n", (long)getpid());
	return fclose(f);
}

int main(int argc, char **argv)
{
	struct pollfd pfd[MAX_PORTS];
	struct sigaction sa;
	int foreground = 0, nfd = 0, ready[2] = {-1, -1}, read_request = 0, opt, i;
	const char *reply_file = NULL;
	char *reply = NULL, ok = 1;
	int status = 1;
	size_t replylen = 0;

	while ((opt = getopt(argc, argv, "fp:r:b:")) != -1) {
		switch (opt) {
		case 'f':
			foreground = 1;
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'r':
			reply_file = optarg;
			read_request = 1;
			break;
		case 'b':
			reply_file = optarg;
			read_request = 0;
			break;
		default:
			goto usage;
		}
	}
	if (optind >= argc || argc - optind > MAX_PORTS)
		goto usage;
	if (reply_file != NULL && load_reply(reply_file, &reply, &replylen) != 0) {
		fprintf(stderr, "lab-listen: %s: %s\n", reply_file, strerror(errno));
		return 1;
	}

	/* Daemon: the parent waits on a pipe so it exits only when we listen. */
	if (!foreground) {
		pid_t pid;

		if (pipe(ready) != 0 || (pid = fork()) < 0) {
			perror("lab-listen");
			goto out;
		}
		if (pid > 0) {
			close(ready[1]);
			if (read(ready[0], &ok, 1) != 1)
				ok = 0;
			status = ok ? 0 : 1;
			goto out;
		}
		close(ready[0]);
		setsid();
	}

	for (i = optind; i < argc; i++) {
		int port = parse_port(argv[i]);

		if (port < 0) {
			fprintf(stderr, "lab-listen: bad port '%s'\n", argv[i]);
			goto out;
		}
		if ((pfd[nfd].fd = listen_on(port)) < 0) {
			fprintf(stderr, "lab-listen: port %d: %s\n", port, strerror(errno));
			goto out;
		}
		pfd[nfd++].events = POLLIN;
	}
	if (write_pidfile() != 0) {
		fprintf(stderr, "lab-listen: %s: %s\n", pidfile, strerror(errno));
		goto out;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_IGN); /* the -r/-b children reap themselves */

	if (!foreground) {
		int devnull = open("/dev/null", O_RDWR);

		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
			dup2(devnull, 2);
			if (devnull > 2)
				close(devnull);
		}
		if (write(ready[1], &ok, 1) != 1)
			goto out;
		close(ready[1]);
	}

	while (!stop) {
		if (poll(pfd, (nfds_t)nfd, -1) < 0)
			continue; /* EINTR: look at stop */
		for (i = 0; i < nfd; i++) {
			int c;

			if (!(pfd[i].revents & POLLIN))
				continue;
			while ((c = accept(pfd[i].fd, NULL, NULL)) >= 0) {
				if (reply != NULL && fork() == 0) {
					int j;

					for (j = 0; j < nfd; j++)
						close(pfd[j].fd);
					serve(c, reply, replylen, read_request);
					_exit(0);
				}
				close(c);
			}
		}
	}
	if (pidfile != NULL)
		unlink(pidfile);
	status = 0;
out:
	free(reply);
	return status;

usage:
	fprintf(stderr, "usage: lab-listen [-f] [-p PIDFILE] [-r FILE | -b FILE] PORT...\n");
	return 2;
}
