// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Loading the configuration set: which files, in which order, and the host
 * facts [Match] scopes are checked against.  The files are read here and
 * parsed as buffers by policy.c, so the parser never needs a file and the
 * fuzzer and the tests can hand it text.
 */
#include <dirent.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "load.h"
#include "read.h"

static int strcmp_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Parses one file on top of p; a missing file is fine unless must_exist. */
static int parse_file(struct srd_policy *p, const char *path, bool must_exist,
		      const struct srd_host_facts *host, char ***errs, size_t *n_errs)
{
	_cleanup_free_ char *buf = NULL;
	char *copy;
	size_t len;
	int r;

	r = srd_read_file(path, 1 << 20, &buf, &len);
	if (r == -ENOENT && !must_exist)
		return 0;
	if (r < 0)
		return srd_strv_addf(errs, n_errs, "%s: %s", path, strerror(-r)) < 0 ? -ENOMEM : 1;
	copy = strdup(path);
	if (!copy || srd_grow((void **)&p->files, p->n_files, sizeof(char *)) < 0) {
		free(copy);
		return -ENOMEM;
	}
	p->files[p->n_files++] = copy;
	return srd_policy_parse(p, buf, len, path, host, errs, n_errs);
}

/* Drop-in names (*.conf) of dir, appended to *names. */
static int list_dropins(const char *dir, char ***names, size_t *n)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		bool dup = false;

		if (l < 6 || strcmp(de->d_name + l - 5, ".conf") != 0 || de->d_name[0] == '.')
			continue;
		for (size_t i = 0; i < *n; i++)
			if (strcmp((*names)[i], de->d_name) == 0)
				dup = true;
		if (dup)
			continue;
		if (srd_grow((void **)names, *n, sizeof(char *)) < 0 ||
		    !((*names)[*n] = strdup(de->d_name))) {
			closedir(d);
			return -ENOMEM;
		}
		(*n)++;
	}
	closedir(d);
	return 0;
}

int srd_policy_load(const char *path, const char *vendor_dir, const char *etc_dir,
		    const struct srd_host_facts *host, struct srd_policy **ret, char ***errs,
		    size_t *n_errs)
{
	_cleanup_(srd_policy_freep) struct srd_policy *p = srd_policy_new();
	char **names = NULL;
	size_t n_names = 0;
	int bad = 0, r;

	if (!p)
		return -ENOMEM;
	if (path) {
		r = parse_file(p, path, true, host, errs, n_errs);
		if (r < 0)
			return r;
		bad += r;
	} else {
		char f[512];
		const char *dirs[] = {vendor_dir, etc_dir};

		for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
			snprintf(f, sizeof(f), "%s/srd.conf", dirs[i]);
			r = parse_file(p, f, false, host, errs, n_errs);
			if (r < 0)
				return r;
			bad += r;
		}
		/* /etc first so its drop-ins hide the vendor's of the same name. */
		for (size_t i = ARRAY_SIZE(dirs); i-- > 0;) {
			snprintf(f, sizeof(f), "%s/srd.conf.d", dirs[i]);
			if (list_dropins(f, &names, &n_names) < 0) {
				srd_strv_free(names, n_names);
				return -ENOMEM;
			}
		}
		if (n_names)
			qsort(names, n_names, sizeof(char *), strcmp_ptr);
		for (size_t k = 0; k < n_names; k++) {
			snprintf(f, sizeof(f), "%s/srd.conf.d/%s", etc_dir, names[k]);
			if (access(f, F_OK) < 0)
				snprintf(f, sizeof(f), "%s/srd.conf.d/%s", vendor_dir, names[k]);
			r = parse_file(p, f, false, host, errs, n_errs);
			if (r < 0) {
				srd_strv_free(names, n_names);
				return r;
			}
			bad += r;
		}
		srd_strv_free(names, n_names);
	}
	r = srd_policy_validate(p, errs, n_errs);
	if (r < 0)
		return r;
	bad += r;
	if (bad == 0)
		*ret = TAKE_PTR(p);
	return bad;
}

int srd_config_load(const char *path, const struct srd_host_facts *host, struct srd_policy **ret,
		    char ***ret_errors, size_t *ret_n_errors)
{
	struct srd_host_facts here;
	int r;

	*ret_errors = NULL;
	*ret_n_errors = 0;
	if (!host) {
		srd_host_facts_read(&here);
		host = &here;
	}
	r = srd_policy_load(path, SRD_VENDOR_CONFDIR, SRD_SYSCONFDIR "/srd", host, ret, ret_errors,
			    ret_n_errors);
	if (r < 0) {
		srd_strv_free(*ret_errors, *ret_n_errors);
		*ret_errors = NULL;
		*ret_n_errors = 0;
		return r;
	}
	return r > 0 ? -EINVAL : 0;
}

static void read_fact(const char *path, char *buf, size_t size)
{
	if (srd_read_line(path, buf, size) < 0)
		buf[0] = '\0';
}

void srd_host_facts_read(struct srd_host_facts *f)
{
	memset(f, 0, sizeof(*f));
	if (gethostname(f->hostname, sizeof(f->hostname) - 1) < 0)
		f->hostname[0] = '\0';
	read_fact("/sys/class/dmi/id/product_name", f->dmi_product_name,
		  sizeof(f->dmi_product_name));
	read_fact("/sys/class/dmi/id/product_serial", f->dmi_product_serial,
		  sizeof(f->dmi_product_serial));
	read_fact("/proc/sys/kernel/osrelease", f->kernel_release, sizeof(f->kernel_release));
}
