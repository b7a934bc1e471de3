/*
 * lab-listen — the lab's stand-in for a TCP service.
 *
 * The lab hosts need ports that answer a SYN with a SYN-ACK and nothing
 * else: no daemon to configure, no banner, no state. This program listens on
 * each port given (on 0.0.0.0, so inside the farm namespace every address of
 * 198.19.0.0/16 has the port open), accepts whatever completes a handshake
 * and closes it at once.
 *
 *   lab-listen [-f] [-p PIDFILE] PORT...
 *
 * By default it daemonises and returns only once every port is listening and
 * the pidfile is written, so a script may scan right after it returns. With
 * -f it stays in the foreground (for `lab-listen -f 80 &`). SIGTERM ends it
 * and removes the pidfile.
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
	int foreground = 0, nfd = 0, ready[2] = { -1, -1 }, opt, i;
	char ok = 1;

	while ((opt = getopt(argc, argv, "fp:")) != -1) {
		switch (opt) {
		case 'f': foreground = 1; break;
		case 'p': pidfile = optarg; break;
		default: goto usage;
		}
	}
	if (optind >= argc || argc - optind > MAX_PORTS)
		goto usage;

	/* Daemon: the parent waits on a pipe so it exits only when we listen. */
	if (!foreground) {
		pid_t pid;

		if (pipe(ready) != 0 || (pid = fork()) < 0) {
			perror("lab-listen");
			return 1;
		}
		if (pid > 0) {
			close(ready[1]);
			if (read(ready[0], &ok, 1) != 1)
				ok = 0;
			return ok ? 0 : 1;
		}
		close(ready[0]);
		setsid();
	}

	for (i = optind; i < argc; i++) {
		int port = parse_port(argv[i]);

		if (port < 0) {
			fprintf(stderr, "lab-listen: bad port '%s'\n", argv[i]);
			return 1;
		}
		if ((pfd[nfd].fd = listen_on(port)) < 0) {
			fprintf(stderr, "lab-listen: port %d: %s\n", port, strerror(errno));
			return 1;
		}
		pfd[nfd++].events = POLLIN;
	}
	if (write_pidfile() != 0) {
		fprintf(stderr, "lab-listen: %s: %s\n", pidfile, strerror(errno));
		return 1;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

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
			return 1;
		close(ready[1]);
	}

	while (!stop) {
		if (poll(pfd, (nfds_t)nfd, -1) < 0)
			continue; /* EINTR: look at stop */
		for (i = 0; i < nfd; i++) {
			int c;

			if (!(pfd[i].revents & POLLIN))
				continue;
			while ((c = accept(pfd[i].fd, NULL, NULL)) >= 0)
				close(c);
		}
	}
	if (pidfile != NULL)
		unlink(pidfile);
	return 0;

usage:
	fprintf(stderr, "usage: lab-listen [-f] [-p PIDFILE] PORT...\n");
	return 2;
}
