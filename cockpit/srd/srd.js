/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * srd's Cockpit page.  It talks only to org.srd1 (/org/srd1,
 * org.srd1.Manager, daemon/org.srd1.Manager.xml) through cockpit.dbus on the
 * system bus.  The overview comes from the manager's properties; the ranges,
 * the byte bar, regions, dax and memory devices from GetStatus and
 * GetInventory, fetched again whenever srd signals PropertiesChanged (no
 * polling).  Acting (Apply, ReplacePrepare, ReplaceComplete) is root's, so
 * the client asks for Cockpit's administrative access ("superuser": "try")
 * and the buttons are offered only when cockpit.permission grants it.
 * Plain ES2020, no build step; every string from srd goes in as text.
 */
"use strict";

(function () {
    const BUS_NAME = "org.srd1";
    const PATH = "/org/srd1";
    const IFACE = "org.srd1.Manager";
    const OWNERS = ["cxl", "hmem", "none", "conflict"];
    const OWNER_LABEL = {
        cxl: "CXL region",
        hmem: "dax_hmem",
        none: "nobody",
        conflict: "conflict",
        stranded: "stranded",
    };
    /* States in which a pass is under way: the inventory is fetched once it ends. */
    const BUSY_STATES = ["starting", "settling", "deciding", "applying"];

    const $ = id => document.getElementById(id);

    const client = cockpit.dbus(BUS_NAME, { bus: "system", superuser: "try" });
    const manager = client.proxy(IFACE, PATH);
    const permission = cockpit.permission({ admin: true });

    let status = null;      /* the last GetStatus document */
    let inventory = null;   /* the last GetInventory document */
    let fetching = false;
    let fetchAgain = false;
    let acting = false;
    let running = false;    /* srd owns org.srd1 and its properties are known */
    let shownPlan = null;   /* the policy of the plan on display, and srd's decision count then */

    /* ---- formatting ---- */

    function big(hex) {
        try {
            return BigInt(hex || "0");
        } catch (e) {
            return 0n;
        }
    }

    /* IEC units as srd writes them ("256 MiB"); exact bytes stay in the title. */
    function formatBytes(hex) {
        const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        let n = Number(big(hex));
        let u = 0;
        while (n >= 1024 && u < units.length - 1) {
            n /= 1024;
            u++;
        }
        const digits = n >= 100 || Number.isInteger(n) ? 0 : 1;
        return n.toFixed(digits) + " " + units[u];
    }

    function rangeText(o) {
        return o.start + "–" + o.end;
    }

    function yesNo(b) {
        return b ? "yes" : "no";
    }

    function numaText(node) {
        return node === undefined || node === null || node < 0 ? "n/a" : String(node);
    }

    function el(tag, attrs, ...children) {
        const e = document.createElement(tag);
        for (const [k, v] of Object.entries(attrs || {})) {
            if (v === undefined || v === null || v === false)
                continue;
            if (k === "class")
                e.className = v;
            else if (k.startsWith("data-") || k.startsWith("aria-") || k === "role" || k === "scope" ||
                     k === "title" || k === "type" || k === "colspan" || k === "id")
                e.setAttribute(k, v === true ? "" : String(v));
            else
                e[k] = v;
        }
        for (const c of children) {
            if (c === undefined || c === null)
                continue;
            e.append(c instanceof Node ? c : document.createTextNode(String(c)));
        }
        return e;
    }

    function fill(tbody, rows, ncols, empty) {
        tbody.replaceChildren(...rows);
        if (rows.length === 0)
            tbody.append(el("tr", { class: "srd-empty" }, el("td", { colspan: ncols }, empty)));
    }

    function errorText(e) {
        if (!e)
            return "unknown error";
        if (e.name === "org.freedesktop.DBus.Error.AccessDenied")
            return "Access denied: only root may make srd act (" + (e.message || e.name) + ")";
        return (e.message || e.problem || String(e)) + (e.name ? " (" + e.name + ")" : "");
    }

    function notice(text, kind) {
        const n = $("connection");
        n.textContent = text;
        n.hidden = !text;
        n.className = "srd-notice" + (kind ? " srd-notice-" + kind : "");
    }

    /* ---- calls ---- */

    function callJson(method, args) {
        return client.call(PATH, IFACE, method, args || []).then(reply => JSON.parse(reply[0]));
    }

    /* ---- the overview, straight from the properties ---- */

    function renderProperties() {
        const p = manager.data;
        const verdict = p.Verdict || "";
        $("verdict").textContent = verdict || "not decided yet";
        $("verdict").dataset.verdict = verdict;
        $("state").textContent = p.State || "–";
        $("state").dataset.state = p.State || "";
        document.body.dataset.state = p.State || "";
        /* The reason is mostly the summary once settled: say it only when it adds something. */
        $("state-reason").textContent = p.StateReason && p.StateReason !== p.Summary ? "(" + p.StateReason + ")" : "";
        $("converged").textContent = p.Converged === undefined ? "–" : yesNo(p.Converged);
        $("policy").textContent = p.Policy || "(invalid configuration)";
        $("summary").textContent = p.Summary || "–";
        const usec = Number(p.LastDecisionTimestamp || 0);
        $("last-decision").textContent = usec ? new Date(usec / 1000).toLocaleString() : "never";
        $("counters").textContent = String(p.NDecisions ?? "–") + " / " + String(p.NErrors ?? "–");
        $("version").textContent = p.Version || "–";
        const err = $("policy-error");
        err.hidden = !p.PolicyError;
        err.textContent = !p.PolicyError ? ""
            : p.Policy ? "srd refused the configuration on disk and keeps " + p.Policy + ": " + p.PolicyError
                : "The configuration does not load, srd acts on nothing: " + p.PolicyError;
    }

    /* ---- the status document: ranges and the byte bar ---- */

    function renderBar(st) {
        const bytes = st.bytes || {};
        const counts = st.counts || {};
        const total = OWNERS.reduce((s, o) => s + big(bytes[o]), 0n);
        const bar = $("bar");
        const segs = [];
        const words = [];
        for (const o of OWNERS) {
            const b = big(bytes[o]);
            words.push(OWNER_LABEL[o] + " " + formatBytes(bytes[o]));
            if (b === 0n || total === 0n)
                continue;
            const seg = el("span", {
                class: "srd-seg srd-owner-" + o,
                "data-owner": o,
                title: OWNER_LABEL[o] + ": " + formatBytes(bytes[o]) + " (" + b.toString() + " bytes)",
            }, OWNER_LABEL[o] + " " + formatBytes(bytes[o]));
            seg.style.flexGrow = String(Number((b * 10000n) / total) / 10000);
            segs.push(seg);
        }
        bar.replaceChildren(...segs);
        bar.dataset.total = "0x" + total.toString(16);
        bar.setAttribute("aria-label", total === 0n
            ? "No Soft Reserved memory"
            : "Soft Reserved memory, " + formatBytes("0x" + total.toString(16)) + ": " + words.join(", "));

        const stranded = big(bytes.stranded);
        const sbar = $("stranded-bar");
        const fillEl = $("stranded-fill");
        const share = total === 0n ? 0 : Number((stranded * 10000n) / total) / 100;
        fillEl.style.width = share + "%";
        sbar.dataset.bytes = bytes.stranded || "0x0";
        sbar.setAttribute("aria-label", "Stranded: " + formatBytes(bytes.stranded) + " of " +
                          formatBytes("0x" + total.toString(16)));
        sbar.title = "stranded: " + formatBytes(bytes.stranded) + " (" + stranded.toString() + " bytes)";

        const rows = OWNERS.map(o => el("tr", { "data-owner": o, "data-bytes": bytes[o] || "0x0",
                                                "data-ranges": counts[o] ?? 0 },
                                        el("th", { scope: "row" },
                                           el("span", { class: "srd-swatch srd-owner-" + o, "aria-hidden": "true" }),
                                           OWNER_LABEL[o]),
                                        el("td", {}, counts[o] ?? 0),
                                        el("td", { title: big(bytes[o]).toString() + " bytes" },
                                           formatBytes(bytes[o]))));
        rows.push(el("tr", { "data-owner": "stranded", "data-bytes": bytes.stranded || "0x0" },
                     el("th", { scope: "row" },
                        el("span", { class: "srd-swatch srd-owner-stranded", "aria-hidden": "true" }),
                        "stranded"),
                     el("td", {}, ""),
                     el("td", { title: stranded.toString() + " bytes" }, formatBytes(bytes.stranded))));
        $("legend").replaceChildren(...rows);
    }

    function renderRanges(st) {
        const rows = (st.ranges || []).map(r => {
            const flags = [];
            if (r.held)
                flags.push("held (changed by hand)");
            if (r.blocked)
                flags.push("blocked by an interlock");
            if (r.excluded)
                flags.push("excluded");
            return el("tr", { "data-start": r.start, "data-owner": r.owner, "data-target": r.target },
                      el("th", { scope: "row", class: "srd-mono" }, rangeText(r)),
                      el("td", { title: big(r.size).toString() + " bytes" }, formatBytes(r.size)),
                      el("td", { class: "srd-owner" }, el("span", { class: "srd-pill srd-owner-" + r.owner }, r.owner)),
                      el("td", { class: "srd-owner-reason" }, r.owner_reason),
                      el("td", { class: "srd-target" }, r.target || "–"),
                      el("td", { class: "srd-reason" }, r.reason || "–"),
                      el("td", { class: "srd-flags" }, flags.join(", ") || "–"));
        });
        fill($("ranges"), rows, 7, "srd found no Soft Reserved memory.");
    }

    /* ---- the inventory: regions, dax devices, memdevs ---- */

    /* A region's NUMA node: that of the dax devices inside it (srd reports no node per region). */
    function regionNode(region, daxDevices) {
        const s = big(region.start);
        const e = big(region.end);
        const nodes = new Set();
        for (const d of daxDevices)
            if (d.start && big(d.start) >= s && big(d.end) <= e && d.target_node >= 0)
                nodes.add(d.target_node);
        return nodes.size ? [...nodes].join(", ") : "n/a";
    }

    function renderInventory(inv) {
        const dax = inv.dax_devices || [];
        fill($("regions"), (inv.regions || []).map(r => el("tr", { "data-name": r.name },
            el("th", { scope: "row" }, r.name),
            el("td", { class: "srd-mono" }, rangeText(r)),
            el("td", {}, formatBytes(r.size)),
            el("td", {}, r.mode),
            el("td", {}, yesNo(r.committed)),
            el("td", {}, yesNo(r.enabled)),
            el("td", {}, (r.targets || []).map(t => t.memdev).join(", ")),
            el("td", { class: "srd-numa" }, regionNode(r, dax)),
            el("td", { class: "srd-tier" }, "tier: n/a"))), 9, "No CXL regions.");
        fill($("dax"), dax.map(d => el("tr", { "data-name": d.name },
            el("th", { scope: "row" }, d.name),
            el("td", {}, d.parent),
            el("td", {}, d.kind),
            el("td", { class: "srd-mono" }, d.start ? rangeText(d) : "–"),
            el("td", {}, formatBytes(d.size)),
            el("td", {}, d.driver || "none"),
            el("td", {}, yesNo(d.online)),
            el("td", { class: "srd-numa" }, numaText(d.target_node)),
            el("td", { class: "srd-tier" }, "tier: n/a"))), 9, "No DAX devices.");
        renderMemdevs(inv);
    }

    function renderMemdevs(inv) {
        const admin = permission.allowed === true;
        fill($("memdevs"), ((inv && inv.memdevs) || []).map(m => {
            const button = el("button", { type: "button", class: "srd-admin", "data-memdev": m.name,
                                          "aria-label": "Prepare " + m.name + " for a replace" },
                              "Prepare replace…");
            button.disabled = !admin || acting || !running;
            button.hidden = !admin;
            button.addEventListener("click", () => confirmReplace(m.name));
            return el("tr", { "data-name": m.name },
                      el("th", { scope: "row" }, m.name),
                      el("td", { class: "srd-mono" }, m.serial),
                      el("td", { class: "srd-mono" }, m.host),
                      el("td", {}, formatBytes(m.ram_size)),
                      el("td", { class: "srd-numa" }, numaText(m.numa_node)),
                      el("td", {}, yesNo(m.enabled)),
                      el("td", {}, button));
        }), 7, "No CXL memory devices.");
        const replacing = status && status.counts ? status.counts.replacing || 0 : 0;
        const p = $("replacing");
        p.hidden = replacing === 0;
        p.replaceChildren();
        if (replacing) {
            p.append(replacing + " replace" + (replacing === 1 ? "" : "s") + " pending. ");
            if (admin) {
                const b = el("button", { type: "button", id: "replace-complete", class: "srd-admin" },
                             "Complete replace…");
                b.disabled = acting || !running;
                b.addEventListener("click", confirmComplete);
                p.append(b);
            }
        }
    }

    function render() {
        if (status) {
            renderBar(status);
            renderRanges(status);
        }
        if (inventory)
            renderInventory(inventory);
        else
            renderMemdevs(null);
        $("app").setAttribute("aria-busy", "false");
    }

    /* Fetch the documents again; coalesces changes that arrive while a fetch runs. */
    function refresh() {
        if (fetching) {
            fetchAgain = true;
            return;
        }
        fetching = true;
        const wantInventory = !inventory || !BUSY_STATES.includes(manager.data.State);
        const calls = [callJson("GetStatus")];
        if (wantInventory)
            calls.push(callJson("GetInventory").catch(e => {
                notice("Cannot read the inventory: " + errorText(e), "warning");
                return inventory;
            }));
        Promise.all(calls)
                .then(([st, inv]) => {
                    status = st;
                    if (wantInventory)
                        inventory = inv;
                    render();
                    document.body.dataset.status = st.state + " " + st.verdict + " " + st.counts.decisions;
                })
                .catch(e => notice("Cannot read srd's status: " + errorText(e), "danger"))
                .finally(() => {
                    fetching = false;
                    if (fetchAgain) {
                        fetchAgain = false;
                        refresh();
                    }
                });
    }

    /* ---- administration: plans, Apply, the replace ---- */

    function renderAdmin() {
        const admin = permission.allowed === true;
        for (const b of document.querySelectorAll("#plan-form .srd-admin"))
            b.disabled = !admin || acting || !running;
        $("plan-show").disabled = !running;
        $("admin-note").textContent = permission.allowed === null
            ? "Checking administrative access…"
            : admin
                ? "Applying writes sysfs: memory may change owner and go offline. srd asks before it does."
                : "Viewing plans is open to everyone; applying them and preparing a replace need administrative access (turn it on in Cockpit's top bar).";
        document.body.dataset.admin = String(admin);
        renderMemdevs(inventory);
    }

    function renderPlan(d, policy) {
        const box = $("plan");
        const rows = (d.ranges || []).map(r => el("tr", { "data-start": r.start },
            el("th", { scope: "row", class: "srd-mono" }, rangeText(r)),
            el("td", {}, r.owner),
            el("td", { class: "srd-target" }, r.decided),
            el("td", {}, r.reason)));
        const actions = (d.actions || []).map(a => el("tr", {},
            el("th", { scope: "row" }, a.action),
            el("td", {}, a.target),
            el("td", { class: "srd-mono" }, a.range),
            el("td", {}, a.reason)));
        const rtable = el("table", { class: "srd-table" },
            el("caption", {}, "Ranges under " + (d.policy || policy || "the configured policy")),
            el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Range"), el("th", { scope: "col" }, "Owner now"),
                                   el("th", { scope: "col" }, "Decision"), el("th", { scope: "col" }, "Reason"))),
            el("tbody", {}, ...rows));
        const atable = el("table", { class: "srd-table" },
            el("caption", {}, "Actions"),
            el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Action"), el("th", { scope: "col" }, "Target"),
                                   el("th", { scope: "col" }, "Range"), el("th", { scope: "col" }, "Reason"))),
            el("tbody", {}, ...actions));
        if (actions.length === 0)
            atable.tBodies[0].append(el("tr", { class: "srd-empty" }, el("td", { colspan: 4 }, "Nothing to do.")));
        box.replaceChildren(
            el("p", { class: "srd-plan-summary", "data-policy": d.policy, "data-verdict": d.verdict },
               el("strong", {}, "Verdict " + d.verdict), ": " + d.summary,
               d.refused ? " Refused: " + (d.refusal || d.reason || "") : "",
               d.fallback ? " (the policy's fallback decided)" : ""),
            rtable, atable);
        return d;
    }

    function showPlan() {
        const policy = $("plan-policy").value;
        $("plan").textContent = "Planning…";
        shownPlan = { policy, decisions: manager.data.NDecisions };
        return callJson("GetPlan", [policy])
                .then(d => renderPlan(d, policy))
                .catch(e => {
                    $("plan").textContent = "No plan: " + errorText(e);
                    throw e;
                });
    }

    /* Opens the confirmation dialog; resolves true when the administrator confirms. */
    function confirmDialog(title, body, okLabel) {
        const dlg = $("confirm");
        $("confirm-title").textContent = title;
        $("confirm-body").replaceChildren(...body);
        $("confirm-ok").textContent = okLabel;
        dlg.returnValue = "";
        return new Promise(resolve => {
            dlg.addEventListener("close", () => resolve(dlg.returnValue === "ok"), { once: true });
            dlg.showModal();
            $("confirm-cancel").focus();
        });
    }

    function setActing(on) {
        acting = on;
        renderAdmin();
    }

    function showSteps(title, res) {
        const steps = (res.apply && res.apply.steps) || [];
        const ok = !!res.converged && !res.refused;
        const list = el("ul", {}, ...steps.map(s => el("li", {},
            s.action + " " + s.target + ": " + s.result + (s.message ? ": " + s.message : "") +
            (s.rollback ? "; undone: " + s.rollback : ""))));
        const dryRun = res.writes !== undefined;
        let outcome;
        if (res.refused)
            outcome = "refused: " + res.reason;
        else if (!ok)
            outcome = "NOT converged; see the journal (journalctl -u srd).";
        else if (dryRun)
            outcome = "nothing was written; these are the writes srd would make.";
        else if (res.message)
            outcome = res.message + ".";
        else
            outcome = "converged, the machine matches the verdict.";
        const out = [el("p", { class: ok ? "srd-ok" : "srd-alert", "data-converged": String(ok) },
                        title + ": " + outcome)];
        if (res.message && !ok)
            out.push(el("p", {}, res.message));
        if (steps.length)
            out.push(list);
        if (dryRun)
            out.push(el("pre", { class: "srd-writes", "aria-label": "The writes srd would make" }, res.writes || "(none)"));
        $("result").replaceChildren(...out);
    }

    function act(title, method, args) {
        setActing(true);
        $("result").textContent = title + "…";
        return callJson(method, args)
                .then(res => showSteps(title, res))
                .catch(e => {
                    $("result").replaceChildren(el("p", { class: "srd-alert" }, title + " failed: " + errorText(e)));
                })
                .finally(() => {
                    setActing(false);
                    refreshPlan();
                });
    }

    function confirmApply(dryRun) {
        const policy = $("plan-policy").value;
        const name = policy || "the configured policy";
        showPlan().then(d => {
            if (dryRun)
                return act("Dry run under " + name, "Apply", [policy, true]);
            const n = (d.actions || []).length;
            const body = [
                el("p", {}, "srd will carry out the plan under " + name + " now: verdict " + d.verdict + ", " +
                   n + " action" + (n === 1 ? "" : "s") + "."),
                el("ul", {}, ...(d.actions || []).map(a => el("li", {}, a.action + " " + a.target + " (" + a.range + ")"))),
                el("p", {}, "Memory may change owner or go offline; each action is undone if a later one fails."),
            ];
            return confirmDialog("Apply " + name + "?", body, "Apply").then(ok => {
                if (ok)
                    return act("Apply under " + name, "Apply", [policy, false]);
                $("result").textContent = "Apply cancelled.";
            });
        }).catch(() => {});
    }

    function confirmReplace(memdev) {
        const body = [
            el("p", {}, "srd will take " + memdev + " out of service for a hotplug replace: offline its memory, " +
               "let dax_hmem go first, de-commit and delete its regions (their layouts are recorded)."),
            el("p", {}, "Applications using that memory lose it."),
        ];
        confirmDialog("Prepare " + memdev + " for a replace?", body, "Prepare").then(ok => {
            if (ok)
                act("Replace prepare " + memdev, "ReplacePrepare", [memdev]);
        });
    }

    function confirmComplete() {
        const body = [el("p", {}, "srd will re-create the recorded regions whose devices are all present again.")];
        confirmDialog("Complete the replace?", body, "Complete").then(ok => {
            if (ok)
                act("Replace complete", "ReplaceComplete", [""]);
        });
    }

    /* Cockpit's style (Session menu: light, dark, default), kept in localStorage "shell:style". */
    function applyTheme() {
        let style = "auto";
        try {
            style = window.localStorage.getItem("shell:style") || "auto";
        } catch (e) {
            /* storage disabled: follow the browser */
        }
        const dark = style === "dark" ||
            (style === "auto" && window.matchMedia("(prefers-color-scheme: dark)").matches);
        document.documentElement.classList.toggle("srd-dark", dark);
    }

    /* ---- wiring ---- */

    applyTheme();
    window.addEventListener("storage", ev => {
        if (ev.key === "shell:style")
            applyTheme();
    });
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", applyTheme);

    function notRunning() {
        notice("srd is not running (nobody owns org.srd1 on the system bus); the page shows its last report.",
               "warning");
        running = false;
        $("state").textContent = "not running";
        $("state").dataset.state = "";
        $("state-reason").textContent = "";
        document.body.dataset.state = "";
        document.body.dataset.status = "";
        renderAdmin();
    }

    /* A plan on display is what srd would do then: after a new decision, ask again. */
    function refreshPlan() {
        if (!shownPlan || acting || BUSY_STATES.includes(manager.data.State) ||
            shownPlan.decisions === manager.data.NDecisions || $("confirm").open)
            return;
        $("plan-policy").value = shownPlan.policy;
        showPlan().catch(() => {});
    }

    manager.addEventListener("changed", () => {
        /* One PropertiesChanged from srd: the overview at once, the documents after a fetch. */
        document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
        if (!manager.valid) {
            /* srd left the bus; its properties come back with it. */
            notRunning();
            return;
        }
        notice("");
        if (!running) {
            running = true;
            renderAdmin();
        }
        renderProperties();
        refresh();
        refreshPlan();
    });

    client.addEventListener("owner", (event, owner) => {
        if (owner === null)
            notRunning();
    });

    client.addEventListener("close", (event, options) => {
        notice("Lost the connection to the system bus: " + cockpit.message(options), "danger");
    });

    permission.addEventListener("changed", renderAdmin);

    $("plan-form").addEventListener("submit", ev => {
        ev.preventDefault();
        showPlan().catch(() => {});
    });
    $("plan-apply").addEventListener("click", () => confirmApply(false));
    $("plan-dry-run").addEventListener("click", () => confirmApply(true));

    renderAdmin();
    manager.wait()
            .then(() => {
                if (!manager.valid) {
                    notRunning();
                    return;
                }
                notice("");
                running = true;
                renderAdmin();
                renderProperties();
                refresh();
            })
            .catch(() => notRunning());
})();
