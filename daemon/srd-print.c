// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Human summaries: what an administrator reads first.  Ranges come first with
 * their owner and the reason, then the objects behind them, then anything
 * that made the picture incomplete.
 */
#include <inttypes.h>

#include "pass.h"
#include "policy-device.h"
#include "srd-print.h"

void srd_print_inventory(const struct srd_inventory *inv, FILE *f)
{
	char b1[SRD_RANGE_FMT_MAX], b2[32], b3[64];

	fprintf(f, "Kernel %s, behaviour %s (%s)\n", inv->kernel_release,
		srd_behaviour_to_string(inv->behaviour), inv->behaviour_basis);
	fprintf(f, "Drivers:");
	for (int i = 0; i < _SRD_DRIVER_MAX; i++)
		if (inv->drivers[i].present)
			fprintf(f, " %s(%u)", srd_driver_to_string(i), inv->drivers[i].n_bound);
	fprintf(f, "\n\n");

	fprintf(f, "Soft Reserved ranges: %zu\n", inv->n_ranges);
	for (size_t i = 0; i < inv->n_ranges; i++) {
		const struct srd_sr_range *u = &inv->ranges[i];

		fprintf(
		    f, "  %-37s %10s  %-8s [%s]%s\n", srd_range_format(&u->range, b1, sizeof(b1)),
		    srd_format_bytes(srd_range_size(&u->range), b2, sizeof(b2)),
		    srd_owner_to_string(u->owner), srd_sources_format(u->sources, b3, sizeof(b3)),
		    u->window >= 0 ? "" : " outside CXL windows");
		fprintf(f, "      %s\n", u->reason);
		if (u->disagree)
			fprintf(f, "      sources disagree: %s\n", u->disagreement);
	}

	fprintf(f, "\nCXL windows: %zu\n", inv->n_windows);
	for (size_t i = 0; i < inv->n_windows; i++) {
		const struct srd_window *w = &inv->windows[i];

		fprintf(f, "  %-12s %-37s %10s  ways %u%s%s\n", w->name,
			srd_range_format(&w->range, b1, sizeof(b1)),
			srd_format_bytes(srd_range_size(&w->range), b2, sizeof(b2)), w->ways,
			w->cap_ram ? " ram" : "", w->cap_pmem ? " pmem" : "");
	}
	fprintf(f, "\nCXL regions: %zu\n", inv->n_regions);
	for (size_t i = 0; i < inv->n_regions; i++) {
		const struct srd_region *r = &inv->regions[i];

		fprintf(f, "  %-12s %-37s %-4s %s %s%s ways %u", r->name,
			r->has_range ? srd_range_format(&r->range, b1, sizeof(b1)) : "(no HPA)",
			r->mode[0] ? r->mode : "?", r->committed ? "committed" : "uncommitted",
			r->enabled ? "enabled" : "disabled", r->has_dax ? " dax" : "", r->ways);
		if (r->locked)
			fprintf(f, " locked");
		fputc(':', f);
		for (unsigned k = 0; k < r->n_targets; k++)
			fprintf(f, " %s", r->target_memdev[k][0] ? r->target_memdev[k] : "?");
		fputc('\n', f);
	}
	fprintf(f, "\nCXL memdevs: %zu\n", inv->n_memdevs);
	for (size_t i = 0; i < inv->n_memdevs; i++) {
		const struct srd_memdev *m = &inv->memdevs[i];

		fprintf(f, "  %-8s serial 0x%-10" PRIx64 " ram %10s  %s %04x:%04x%s\n", m->name,
			m->serial, srd_format_bytes(m->ram_bytes, b2, sizeof(b2)), m->host,
			m->pci_vendor, m->pci_device,
			!m->enabled	   ? " (no driver)"
			: !m->has_endpoint ? " (no endpoint)"
					   : "");
	}
	fprintf(f, "\nDAX devices: %zu\n", inv->n_dax);
	for (size_t i = 0; i < inv->n_dax; i++) {
		const struct srd_dax_dev *d = &inv->dax[i];

		fprintf(
		    f, "  %-8s %-12s %-37s node %d %s%s\n", d->name, d->parent,
		    d->has_range ? srd_range_format(&d->range, b1, sizeof(b1)) : "(no resource)",
		    d->target_node, d->driver[0] ? d->driver : "unbound",
		    d->memory_online ? (d->memory_movable ? " online movable" : " online") : "");
	}
	if (inv->n_hmem) {
		fprintf(f, "\nhmem devices: %zu\n", inv->n_hmem);
		for (size_t i = 0; i < inv->n_hmem; i++)
			fprintf(f, "  %-8s %s\n", inv->hmem[i].name,
				inv->hmem[i].driver[0] ? inv->hmem[i].driver : "unbound");
	}
	if (inv->n_failures) {
		fprintf(f, "\nCXL FAILED: %zu sign%s; the policy's Fallback= decides\n",
			inv->n_failures, inv->n_failures == 1 ? "" : "s");
		for (size_t i = 0; i < inv->n_failures; i++)
			fprintf(f, "  %-18s %-12s %s\n",
				srd_failure_to_string(inv->failures[i].kind),
				inv->failures[i].device, inv->failures[i].evidence);
	}
	fprintf(f, "\nTear-down and locks: %s\n", inv->lock_basis);
	for (size_t i = 0; i < inv->n_notes; i++)
		fprintf(f, "%snote: %s\n", i ? "" : "\n", inv->notes[i]);
	if (inv->n_problems) {
		fprintf(f, "\nINCOMPLETE: %zu problem(s); srd will not act on this inventory\n",
			inv->n_problems);
		for (size_t i = 0; i < inv->n_problems; i++)
			fprintf(f, "  %s\n", inv->problems[i]);
	}
}

void srd_print_decision(const struct srd_decision *d, FILE *f)
{
	char b[SRD_RANGE_FMT_MAX];

	fprintf(f, "Policy %s: verdict %s%s\n", srd_mode_to_string(d->mode),
		srd_verdict_to_string(d->verdict), d->fallback ? " (fallback)" : "");
	for (size_t i = 0; i < d->n_ranges; i++) {
		const struct srd_range_decision *r = &d->ranges[i];

		fprintf(f, "  %-37s now %-8s -> %-9s%s\n",
			srd_range_format(&r->range, b, sizeof(b)), srd_owner_to_string(r->owner),
			srd_target_to_string(r->target),
			r->blocked    ? " BLOCKED"
			: r->held     ? " held"
			: r->excluded ? " excluded"
				      : "");
		fprintf(f, "      %s\n", r->reason);
	}
	for (size_t i = 0; i < d->n_innocent; i++)
		fprintf(f, "  %s overlaps no Soft Reserved range: never touched\n", d->innocent[i]);
	if (d->refused)
		fprintf(f, "\nRefusing to act: %s\n", d->refusal);
	fprintf(f, "\nPlan: %zu action%s%s\n", d->n_actions, d->n_actions == 1 ? "" : "s",
		d->mode == SRD_MODE_AUDIT ? " (audit: decide and report only)" : "");
	for (size_t i = 0; i < d->n_actions; i++) {
		const struct srd_action *a = &d->actions[i];

		fprintf(f, "  %zu. %-16s %-24s %s\n", i + 1, srd_action_to_string(a->kind),
			a->target, a->reason);
	}
}

/*
 * Each dax device by the names that survive a reboot, and the dax policy it
 * gets: which [Device] rule matched it and by which keys, or the default.
 */
void srd_print_dax_policy(const struct srd_inventory *inv, const struct srd_policy *p, FILE *f)
{
	_cleanup_free_ size_t *ids = NULL;
	char b[SRD_RANGE_FMT_MAX], keys[96];
	int n;

	fprintf(f, "\nDAX device identity and policy:\n");
	if (inv->n_dax == 0)
		fprintf(f, "  (no dax devices)\n");
	for (size_t i = 0; i < inv->n_dax; i++) {
		const struct srd_dax_dev *d = &inv->dax[i];
		struct srd_dax_identity id;
		struct srd_dax_setting s;

		srd_dax_identity(inv, d, &id);
		srd_dax_setting_for(p, inv, d, &s);
		fprintf(f, "  %-8s", d->name);
		if (id.has_region_range)
			fprintf(f, " %s %s", id.region,
				srd_range_format(&id.region_range, b, sizeof(b)));
		if (id.has_hmem_range)
			fprintf(f, " %s %s", d->parent,
				srd_range_format(&id.hmem_range, b, sizeof(b)));
		for (unsigned k = 0; k < id.n_memdevs; k++) {
			fprintf(f, " %s", id.memdevs[k]);
			if (id.serials[k] != UINT64_MAX)
				fprintf(f, " serial 0x%" PRIx64, id.serials[k]);
			if (id.pci[k][0])
				fprintf(f, " pci %s", id.pci[k]);
		}
		fprintf(f, " node %d\n", id.node);
		if (s.rule >= 0)
			fprintf(f, "           [Device] %s matched by %s: ", s.origin,
				srd_device_keys_format(s.matched, keys, sizeof(keys)));
		else
			fprintf(f, "           default %s (%s): ",
				d->kind == SRD_DAX_CXL	  ? "[CXL]"
				: d->kind == SRD_DAX_HMEM ? "[HMEM]"
							  : "(none)",
				s.origin);
		fprintf(f, "%s", srd_dax_mode_to_string(s.mode));
		if (s.mode == SRD_DAX_SYSTEM_RAM)
			fprintf(f, " online %s", srd_online_to_string(s.online));
		if (s.memmap_on_memory >= 0)
			fprintf(f, " memmap_on_memory %s", s.memmap_on_memory ? "yes" : "no");
		if (s.align_bytes)
			fprintf(f, " align %" PRIu64, s.align_bytes);
		fputc('\n', f);
	}
	n = srd_device_rules_unmatched(p, inv, &ids);
	for (int i = 0; i < n; i++)
		fprintf(f, "  note: [Device] %s matches no dax device\n",
			p->device_rules[ids[i]].origin.where);
}

void srd_print_pass(const struct srd_pass *p, bool ok, FILE *f)
{
	const struct srd_decision *d = p->decision;
	const struct srd_inventory *after = p->after ? p->after : p->inventory;

	if (p->apply.interrupted[0])
		fprintf(f, "note: %s; converging from a fresh inventory\n", p->apply.interrupted);
	if (d->refused)
		fprintf(f, "Nothing applied: %s\n", d->refusal);
	else if (d->n_actions == 0)
		fprintf(f, "Nothing to do.\n");
	if (!p->dry_run) {
		fprintf(f, "\nAfter:\n");
		for (size_t i = 0; i < after->n_ranges; i++) {
			char b[SRD_RANGE_FMT_MAX];

			fprintf(f, "  %-37s %-8s %s\n",
				srd_range_format(&after->ranges[i].range, b, sizeof(b)),
				srd_owner_to_string(after->ranges[i].owner),
				after->ranges[i].reason);
		}
	}
	fprintf(
	    f, "%s\n",
	    ok ? (p->dry_run ? "Dry run complete." : "Converged: the machine matches the verdict.")
	       : "NOT converged.");
}

void srd_print_unconverged(const struct srd_pass *p, FILE *f)
{
	char b[SRD_RANGE_FMT_MAX];

	for (size_t i = 0; i < p->n_unconverged; i++) {
		const struct srd_unconverged *u = &p->unconverged[i];

		fprintf(f, "srd: %s: wanted %s, owner is %s\n",
			srd_range_format(&u->range, b, sizeof(b)), srd_owner_to_string(u->wanted),
			u->gone ? "gone" : srd_owner_to_string(u->owner));
	}
}
