// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The executor's view of the machine: the one function through which srd
 * stores to sysfs, and the fresh reads its interlocks rest on.
 *
 * Every read here fails closed: a value that cannot be read is an error the
 * action refuses on, never a default that lets it proceed (an unreadable
 * memory block state is not "offline").  Only ENOENT is an answer where the
 * object may rightly be absent (a memory block hole, a process that exited).
 * Every path is below the options' root ("" on a live machine), so the
 * executor runs unchanged on a tree rendered into a temporary directory.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "apply-internal.h"
#include "read.h"

const char *srd_apply_path(struct actx *c, char *buf, size_t size, const char *fmt, ...)
{
	const char *root = c->o->root ? c->o->root : "";
	size_t l = strlen(root);
	va_list ap;

	snprintf(buf, size, "%s", root);
	va_start(ap, fmt);
	vsnprintf(buf + (l < size ? l : size - 1), size - (l < size ? l : size - 1), fmt, ap);
	va_end(ap);
	return buf;
}

int srd_apply_write(struct actx *c, const char *path, const char *value)
{
	size_t l = strlen(value);
	ssize_t n;
	int fd, r = 0;

	if (c->o->dry_run) {
		if (c->o->out)
			fprintf(c->o->out, "write %s %s\n", path, value);
		return 0;
	}
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		r = -errno;
	else {
		n = write(fd, value, l);
		if (n < 0)
			r = -errno;
		else if ((size_t)n != l)
			r = -EIO;
		close(fd);
	}
	if (c->o->on_write)
		c->o->on_write(c->o->userdata, path, value, r);
	return r;
}

/*
 * A store that can block for long (a memory block that will not go offline
 * keeps the kernel migrating pages) runs in a child process with a deadline:
 * srd waits, feeding its watchdog through on_wait, and at the deadline kills
 * the child, a fatal signal the kernel's offlining gives up on (-EINTR).  So a
 * stuck block ends in a clean refusal instead of a watchdog kill mid-plan.
 */
int srd_apply_write_deadline(struct actx *c, const char *path, const char *value)
{
	uint64_t limit = c->o->block_deadline_usec ? c->o->block_deadline_usec : 60 * 1000000ull;
	uint64_t until = srd_now_usec(CLOCK_MONOTONIC) + limit;
	int status, r;
	pid_t pid;

	if (c->o->dry_run)
		return srd_apply_write(c, path, value);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW), e = 0;
		size_t l = strlen(value);
		ssize_t n;

		if (fd < 0)
			_exit(errno & 0xff);
		n = write(fd, value, l);
		if (n < 0)
			e = errno;
		else if ((size_t)n != l)
			e = EIO;
		_exit(e & 0xff);
	}
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			r = -errno;
			goto out;
		}
		if (srd_now_usec(CLOCK_MONOTONIC) >= until) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			r = -ETIME;
			goto out;
		}
		if (c->o->on_wait)
			c->o->on_wait(c->o->userdata);
		usleep(20000);
	}
	r = WIFEXITED(status) ? -WEXITSTATUS(status) : -EINTR;
out:
	if (c->o->on_write)
		c->o->on_write(c->o->userdata, path, value, r);
	return r;
}

int srd_apply_read(const char *path, char *buf, size_t size)
{
	return srd_read_line(path, buf, size);
}

void srd_apply_driver(const char *devdir, char *buf, size_t size)
{
	srd_link_basename(devdir, "driver", buf, size);
}

int srd_apply_read_u64(const char *path, uint64_t *ret)
{
	char buf[64];
	int r = srd_read_line(path, buf, sizeof(buf));

	if (r < 0)
		return r;
	return srd_parse_u64(buf, ret) < 0 ? -EBADMSG : 0;
}

/* The memory block size (printed in hex without 0x). */
int srd_apply_block_bytes(struct actx *c, uint64_t *ret)
{
	char path[PATH_MAX], buf[64];
	int r;

	r = srd_read_line(srd_apply_path(c, path, sizeof(path), SYS_MEMORY "/block_size_bytes"),
			  buf, sizeof(buf));
	if (r < 0)
		return r;
	return srd_parse_block_size_bytes(buf, ret) < 0 || *ret == 0 ? -EBADMSG : 0;
}

int srd_apply_blocks(struct actx *c, const struct srd_range *r, srd_block_fn fn, void *userdata)
{
	uint64_t bs;
	int k = srd_apply_block_bytes(c, &bs);

	if (k < 0) {
		snprintf(c->why, sizeof(c->why), SYS_MEMORY "/block_size_bytes: %s", strerror(-k));
		return k;
	}
	for (uint64_t i = r->start / bs; i <= r->end / bs; i++) {
		char path[PATH_MAX], state[32];

		srd_apply_path(c, path, sizeof(path), SYS_MEMORY "/memory%llu/state",
			       (unsigned long long)i);
		k = srd_read_line(path, state, sizeof(state));
		if (k == -ENOENT)
			continue; /* a hole: no block there */
		if (k < 0) {
			snprintf(c->why, sizeof(c->why), "%s: %s", path, strerror(-k));
			return k;
		}
		k = fn(c, path, state, userdata);
		if (k != 0)
			return k;
		if (i == UINT64_MAX / bs)
			break;
	}
	return 0;
}

/* Reads every block, not only up to the first online one: a block that
 * cannot be read must stop the action before its first store. */
static int find_online(struct actx *c, const char *path, const char *state, void *userdata)
{
	if (strncmp(state, "online", 6) == 0) {
		*(bool *)userdata = true;
		return 0;
	}
	if (strcmp(state, "offline") != 0 && strcmp(state, "going-offline") != 0) {
		snprintf(c->why, sizeof(c->why), "%s: unexpected state '%s'", path, state);
		return -EBADMSG;
	}
	return 0;
}

int srd_apply_online(struct actx *c, const struct srd_range *r, bool *ret)
{
	*ret = false;
	return srd_apply_blocks(c, r, find_online, ret);
}

int srd_apply_dax_range(struct actx *c, const char *name, struct srd_range *ret)
{
	char path[PATH_MAX];
	uint64_t start, size;
	int r;

	r = srd_apply_read_u64(srd_apply_path(c, path, sizeof(path), SYS_DAX "/%s/resource", name),
			       &start);
	if (r >= 0)
		r = srd_apply_read_u64(
		    srd_apply_path(c, path, sizeof(path), SYS_DAX "/%s/size", name), &size);
	if (r < 0)
		return r;
	return srd_range_from_size(start, size, ret) < 0 ? -ERANGE : 0;
}

/* Does the symlink (an fd) or the maps line name exactly node? */
static bool names_node(const char *s, const char *node)
{
	size_t l = strlen(node), n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		n--;
	return n >= l && strncmp(s + n - l, node, l) == 0 &&
	       (n == l || s[n - l - 1] == ' ' || s[n - l - 1] == '\t');
}

/* The node, or what it links to (the simulator's dax nodes are links to its memory files). */
static bool is_node(const char *s, const char *node, const char *real)
{
	return strcmp(s, node) == 0 || (real[0] && strcmp(s, real) == 0);
}

/*
 * Whether the open file behind fd_link is node_path's.  A process in another
 * mount namespace (a container with its own /dev) names its own /dev/daxX.Y
 * by the same path: the open file is compared with what node_path is, and
 * counted unless the two are known to be different.
 */
static bool same_file(const char *fd_link, const char *node_path)
{
	struct stat a, b;

	if (stat(fd_link, &a) < 0 || stat(node_path, &b) < 0)
		return true;
	if (S_ISCHR(a.st_mode) && S_ISCHR(b.st_mode))
		return a.st_rdev == b.st_rdev;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int fds_use(struct actx *c, const char *pid, const char *node, const char *real, bool *ret)
{
	char node_path[PATH_MAX];

	srd_apply_path(c, node_path, sizeof(node_path), "%s", node);
	char dir[PATH_MAX];
	struct dirent *de;
	DIR *d;

	d = opendir(srd_apply_path(c, dir, sizeof(dir), "/proc/%s/fd", pid));
	if (!d)
		return errno == ENOENT ? 0 : -errno; /* EACCES: cannot prove it unused */
	while ((de = readdir(d))) {
		char link[PATH_MAX], target[PATH_MAX];
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, de->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue; /* closed meanwhile */
		target[n] = '\0';
		if (is_node(target, node, real) && same_file(link, node_path)) {
			*ret = true;
			break;
		}
	}
	closedir(d);
	return 0;
}

static int maps_use(struct actx *c, const char *pid, const char *node, const char *real, bool *ret)
{
	char path[PATH_MAX], line[PATH_MAX + 128];
	FILE *f = fopen(srd_apply_path(c, path, sizeof(path), "/proc/%s/maps", pid), "re");

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (!*ret && fgets(line, sizeof(line), f))
		*ret = names_node(line, node) || (real[0] && names_node(line, real));
	fclose(f);
	return 0;
}

/* Whether srd holds CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH, which reading
 * other users' /proc/PID/fd (mode 0500) and maps needs; the shipped unit
 * grants both for this check alone. */
static bool can_inspect(struct actx *c)
{
	char path[PATH_MAX], line[256];
	unsigned long long eff = 0;
	FILE *f = fopen(srd_apply_path(c, path, sizeof(path), "/proc/self/status"), "re");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(f);
	return (eff & (1ull << 19)) &&
	       (eff & (1ull << 2)); /* CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH */
}

int srd_apply_users(struct actx *c, const char *devname, char *who, size_t size)
{
	char dir[PATH_MAX], node[SRD_NAME_MAX + 8], path0[PATH_MAX], real[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r = 0;

	snprintf(node, sizeof(node), "/dev/%s", devname);
	srd_apply_path(c, path0, sizeof(path0), "%s", node);
	if (!realpath(path0, real) || strcmp(real, path0) == 0)
		real[0] = '\0';
	d = opendir(srd_apply_path(c, dir, sizeof(dir), "/proc"));
	if (!d)
		return -errno;
	while (r == 0 && (de = readdir(d))) {
		bool open_fd = false, mapped = false;
		char comm[64] = "?", path[PATH_MAX];
		int k;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		k = fds_use(c, de->d_name, node, real, &open_fd);
		if (k == 0)
			k = maps_use(c, de->d_name, node, real, &mapped);
		/* Without those capabilities nothing can be known: refuse.  With
		 * them, a process the kernel still hides (an LSM, a sandbox's own
		 * init) is beyond any userspace check: it is skipped. */
		if (k == -EACCES && can_inspect(c))
			continue;
		if (k < 0) {
			snprintf(who, size, "/proc/%s: %s, so whether it uses %s is unknown%s",
				 de->d_name, strerror(-k), node,
				 k == -EACCES && !can_inspect(c)
				     ? " (srd lacks CAP_SYS_PTRACE or CAP_DAC_READ_SEARCH)"
				     : "");
			r = k;
			break;
		}
		if (!open_fd && !mapped)
			continue;
		srd_read_line(srd_apply_path(c, path, sizeof(path), "/proc/%s/comm", de->d_name),
			      comm, sizeof(comm));
		snprintf(who, size, "pid %s (%s) %s %s", de->d_name, comm,
			 mapped ? "has mapped" : "has open", node);
		r = 1;
	}
	closedir(d);
	return r;
}

/* A block device below dir (a pmem region's namespaces): its "MAJ:MIN", or 0. */
static int find_block(const char *dir, int depth, char *ret, size_t size)
{
	struct dirent *de;
	DIR *d;
	int found = 0;

	if (depth > 6 || !(d = opendir(dir)))
		return 0;
	while (!found && (de = readdir(d))) {
		char sub[PATH_MAX];
		struct stat st;

		if (de->d_name[0] == '.' || strcmp(de->d_name, "driver") == 0 ||
		    strcmp(de->d_name, "subsystem") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		if (lstat(sub, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if (strcmp(de->d_name, "block") == 0) {
			DIR *b = opendir(sub);
			struct dirent *bd;

			while (b && !found && (bd = readdir(b))) {
				char devf[PATH_MAX];

				if (bd->d_name[0] == '.')
					continue;
				snprintf(devf, sizeof(devf), "%s/%s/dev", sub, bd->d_name);
				found = srd_read_line(devf, ret, size) == 0;
			}
			if (b)
				closedir(b);
		} else {
			found = find_block(sub, depth + 1, ret, size);
		}
	}
	closedir(d);
	return found;
}

int srd_apply_mounted_below(struct actx *c, const char *devdir, char *who, size_t size)
{
	char dev[32], path[PATH_MAX], line[PATH_MAX * 2];
	FILE *f;
	int r = 0;

	if (!find_block(devdir, 0, dev, sizeof(dev)))
		return 0;
	f = fopen(srd_apply_path(c, path, sizeof(path), "/proc/self/mountinfo"), "re");
	if (!f)
		return -errno;
	while (!r && fgets(line, sizeof(line), f)) {
		char mm[32], mnt[PATH_MAX];

		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT ... */
		if (sscanf(line, "%*s %*s %31s %*s %4095s", mm, mnt) == 2 && strcmp(mm, dev) == 0) {
			snprintf(who, size, "its block device %s is mounted on %s", dev, mnt);
			r = 1;
		}
	}
	fclose(f);
	return r;
}
