#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Drives srd's Cockpit page in headless Chromium (Debian's chromium and
chromium-driver through python3-selenium), for tests/test-cockpit.sh.

    browser.py URL OUTDIR STEP...

Steps run in order in one browser session, so the page is loaded once:
  load                 open URL (Cockpit's shell), enter the page's frame, wait for the ranges
  state FILE           write FILE (JSON): what the page shows (verdict, ranges, bar, ...)
  mark                 set a marker in the page's window (gone if the page reloads)
  shot NAME            save a screenshot (PNG) to OUTDIR/cockpit-NAME.png and print its path
  plan POLICY          choose POLICY and press "Show plan"
  apply POLICY         press "Apply…", wait for the confirmation dialog
  dry-run POLICY       choose POLICY, press "Dry run", wait for the writes
  replace MEMDEV       press MEMDEV's "Prepare replace…", wait for the confirmation dialog
  complete             press "Complete replace…", wait for the confirmation dialog
  confirm TITLE        press the dialog's confirm button, wait for the result titled TITLE
  wait-verdict V       wait (up to 60 s) until the page shows verdict V with srd settled
  wait-updates N       wait until the page has seen more than N PropertiesChanged
  wait-notice TEXT     wait until the page's notice says TEXT
  wait-text ID TEXT    wait until the page's element ID says TEXT
  style STYLE          choose Cockpit's style (light, dark, auto) as its Session menu does
  wait-settled         wait until the page shows srd settled, with no notice
  sync NAME            hand over to the test: write SYNCDIR/NAME.ready, wait for SYNCDIR/NAME.go
                       (SYNCDIR: $SRD_BROWSER_SYNC), so the test can change srd while the page stays
                       open; when NAME.go holds "STATE VERDICT DECISIONS" (what srd says then), wait
                       until the page shows that
Prints one line per step; exits 1 on the first step that fails.
"""
import json
import os
import shutil
import sys
import tempfile
import time

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

# What the page shows, read from its DOM (ids and data- attributes set by srd.js).
PAGE_STATE_JS = r"""
const $ = id => document.getElementById(id);
const rows = (id, f) => Array.from($(id).querySelectorAll("tr")).filter(r => !r.classList.contains("srd-empty")).map(f);
const cell = (r, cls) => { const c = r.querySelector("." + cls); return c ? c.textContent : null; };
return {
    marker: window.srdTestMarker || null,
    updates: Number(document.body.dataset.updates),
    admin: document.body.dataset.admin,
    verdict: $("verdict").dataset.verdict,
    verdict_text: $("verdict").textContent,
    state: $("state").dataset.state,
    policy: $("policy").textContent,
    policy_error: $("policy-error").hidden ? "" : $("policy-error").textContent,
    dark: document.documentElement.classList.contains("srd-dark"),
    converged: $("converged").textContent,
    summary: $("summary").textContent,
    notice: $("connection").hidden ? "" : $("connection").textContent,
    bar_label: $("bar").getAttribute("aria-label"),
    bar_total: $("bar").dataset.total,
    bar_segments: Array.from($("bar").children).map(s => [s.dataset.owner, s.textContent, s.style.flexGrow]),
    stranded_bar: $("stranded-bar").dataset.bytes,
    legend: Object.fromEntries(rows("legend", r => [r.dataset.owner,
        {bytes: r.dataset.bytes, ranges: r.dataset.ranges === undefined ? null : Number(r.dataset.ranges),
         text: r.cells[2].textContent}])),
    ranges: rows("ranges", r => ({start: r.dataset.start, owner: r.dataset.owner, target: r.dataset.target,
        owner_text: cell(r, "srd-owner"), owner_reason: cell(r, "srd-owner-reason"),
        target_text: cell(r, "srd-target"), reason: cell(r, "srd-reason"), flags: cell(r, "srd-flags"),
        size: r.cells[1].textContent})),
    regions: rows("regions", r => ({name: r.dataset.name, numa: cell(r, "srd-numa"), tier: cell(r, "srd-tier")})),
    dax: rows("dax", r => ({name: r.dataset.name, numa: cell(r, "srd-numa"), tier: cell(r, "srd-tier")})),
    memdevs: rows("memdevs", r => ({name: r.dataset.name, numa: cell(r, "srd-numa"),
        replace_button: !!r.querySelector("button[data-memdev]:not([hidden])")})),
    replacing: $("replacing").hidden ? "" : $("replacing").textContent,
    apply_enabled: !$("plan-apply").disabled,
    plan: $("plan").querySelector(".srd-plan-summary") ?
        {policy: $("plan").querySelector(".srd-plan-summary").dataset.policy,
         verdict: $("plan").querySelector(".srd-plan-summary").dataset.verdict,
         text: $("plan").textContent} : null,
    result: $("result").textContent,
    result_converged: $("result").querySelector("[data-converged]") ?
        $("result").querySelector("[data-converged]").dataset.converged : null,
    dialog_open: $("confirm").open,
    dialog_text: $("confirm").textContent,
    unlabelled_controls: Array.from(document.querySelectorAll("select, input")).filter(c =>
        !(c.labels && c.labels.length) && !c.getAttribute("aria-label")).map(c => c.id),
    tables_without_headers: Array.from(document.querySelectorAll("table")).filter(t =>
        !t.querySelector("thead th[scope=col]")).length,
};
"""


def log(*a):
    print("browser:", *a, flush=True)


class Page:
    def __init__(self, url, outdir):
        self.url = url
        self.outdir = outdir
        self.profile = tempfile.mkdtemp(prefix="srd-chromium-")
        opts = webdriver.ChromeOptions()
        opts.binary_location = "/usr/bin/chromium"
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1400,2400",
                     "--user-data-dir=" + self.profile):
            opts.add_argument(flag)
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
        self.driver.set_page_load_timeout(60)

    def wait(self, cond, secs=60, what="condition"):
        try:
            return WebDriverWait(self.driver, secs, poll_frequency=0.2).until(cond)
        except TimeoutException:
            raise RuntimeError("timed out waiting for " + what)

    def state(self):
        return self.driver.execute_script(PAGE_STATE_JS)

    def console(self):
        try:
            for e in self.driver.get_log("browser"):
                log("console:", e.get("level"), e.get("message"))
        except WebDriverException:
            pass

    def step_load(self):
        self.driver.get(self.url)
        # Cockpit's shell loads the page in an iframe named cockpit1:localhost/srd.
        frame = self.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "iframe[name='cockpit1:localhost/srd']")),
                          what="the shell's frame for srd")
        self.wait(EC.frame_to_be_available_and_switch_to_it(frame), what="the frame")
        self.wait(lambda d: d.execute_script(
            "return document.getElementById('ranges') && document.getElementById('ranges').rows.length > 0 &&"
            " document.getElementById('regions').rows.length > 0 && document.body.dataset.admin !== undefined"),
            what="the ranges and regions")
        log("loaded", self.url)

    def step_state(self, path):
        s = self.state()
        with open(path, "w") as f:
            json.dump(s, f, indent=1)
        log("state", os.path.basename(path), "verdict=%s state=%s updates=%s" % (s["verdict"], s["state"], s["updates"]))

    def step_mark(self):
        self.driver.execute_script("window.srdTestMarker = 'loaded-once';")
        log("marked the window")

    def step_shot(self, name):
        path = os.path.join(self.outdir, "cockpit-%s.png" % name)
        # The whole shell, the page in its frame.
        self.driver.switch_to.default_content()
        self.driver.save_screenshot(path)
        self.driver.switch_to.frame(self.driver.find_element(By.CSS_SELECTOR, "iframe[name='cockpit1:localhost/srd']"))
        print("screenshot:", os.path.abspath(path), flush=True)

    def step_plan(self, policy):
        Select(self.driver.find_element(By.ID, "plan-policy")).select_by_value(policy)
        self.driver.find_element(By.ID, "plan-show").click()
        self.wait(lambda d: d.execute_script(
            "const s = document.querySelector('#plan .srd-plan-summary'); return s && s.dataset.policy === arguments[0]",
            policy), what="the plan under " + policy)
        log("plan shown for", policy)

    def step_apply(self, policy):
        Select(self.driver.find_element(By.ID, "plan-policy")).select_by_value(policy)
        self.open_dialog(self.driver.find_element(By.ID, "plan-apply"), "Apply")

    def open_dialog(self, button, what):
        if not button.is_enabled():
            raise RuntimeError(what + " is disabled")
        button.click()
        self.wait(lambda d: d.execute_script("return document.getElementById('confirm').open"),
                  what="the confirmation dialog")
        log("confirmation dialog open:", self.driver.find_element(By.ID, "confirm-title").text)

    def wait_result(self, title):
        self.wait(lambda d: d.execute_script(
            "const r = document.querySelector('#result [data-converged]');"
            " return !document.getElementById('confirm').open && r !== null && r.textContent.startsWith(arguments[0])",
            title), what="the result of " + title)
        log("result:", self.driver.find_element(By.ID, "result").text.replace("\n", " | "))

    def step_dry_run(self, policy):
        Select(self.driver.find_element(By.ID, "plan-policy")).select_by_value(policy)
        self.driver.find_element(By.ID, "plan-dry-run").click()
        self.wait_result("Dry run under " + policy)

    def step_replace(self, memdev):
        self.open_dialog(self.driver.find_element(By.CSS_SELECTOR, "button[data-memdev='%s']" % memdev),
                         "Prepare replace for " + memdev)

    def step_complete(self):
        button = self.wait(EC.element_to_be_clickable((By.ID, "replace-complete")), what="Complete replace")
        self.open_dialog(button, "Complete replace")

    def step_confirm(self, title):
        self.driver.find_element(By.ID, "confirm-ok").click()
        self.wait_result(title)

    def step_wait_verdict(self, verdict):
        self.wait(lambda d: d.execute_script(
            "return document.getElementById('verdict').dataset.verdict === arguments[0] &&"
            " document.body.dataset.state === 'settled' &&"
            " (document.body.dataset.status || '').startsWith('settled ' + arguments[0])", verdict),
            what="verdict " + verdict)
        log("page shows verdict", verdict)

    def step_wait_updates(self, n):
        self.wait(lambda d: d.execute_script("return Number(document.body.dataset.updates)") > int(n),
                  what="more than %s updates" % n)
        log("updates >", n)

    def step_wait_notice(self, text):
        self.wait(lambda d: text in d.execute_script(
            "const n = document.getElementById('connection'); return n.hidden ? '' : n.textContent"),
            what="a notice saying '%s'" % text)
        log("notice:", text)

    def step_wait_text(self, element, text):
        self.wait(lambda d: text in d.execute_script(
            "const e = document.getElementById(arguments[0]); return e && !e.hidden ? e.textContent : ''", element),
            what="#%s to say '%s'" % (element, text))
        log("#%s says: %s" % (element, text))

    def step_style(self, style):
        # The shell stores it in localStorage; the page's frame hears the storage event.
        self.driver.switch_to.default_content()
        self.driver.execute_script("localStorage.setItem('shell:style', arguments[0]);"
                                   " window.dispatchEvent(new CustomEvent('cockpit-style', {detail: {style: arguments[0]}}));",
                                   style)
        self.driver.switch_to.frame(self.driver.find_element(By.CSS_SELECTOR, "iframe[name='cockpit1:localhost/srd']"))
        self.wait(lambda d: d.execute_script("return document.documentElement.classList.contains('srd-dark')")
                  == (style == "dark"), what="the page in Cockpit's %s style" % style)
        log("style", style)

    def step_wait_settled(self):
        self.wait(lambda d: d.execute_script(
            "return document.getElementById('connection').hidden &&"
            " (document.body.dataset.status || '').startsWith('settled ')"), what="srd settled")
        log("page shows srd settled")

    def step_sync(self, name):
        sync = os.environ["SRD_BROWSER_SYNC"]
        open(os.path.join(sync, name + ".ready"), "w").close()
        go = os.path.join(sync, name + ".go")
        for _ in range(1200):
            if os.path.exists(go):
                want = open(go).read().strip()
                log("resumed after", name, "(srd: %s)" % want if want else "")
                if want:
                    self.wait(lambda d: d.execute_script("return document.body.dataset.status") == want,
                              what="the page to show srd's '%s'" % want)
                return
            time.sleep(0.1)
        raise RuntimeError("the test did not hand back after " + name)


def main():
    url, outdir = sys.argv[1:3]
    steps = sys.argv[3:]
    os.makedirs(outdir, exist_ok=True)
    page = Page(url, outdir)
    rc = 0
    try:
        while steps:
            name = steps.pop(0).replace("-", "_")
            fn = getattr(page, "step_" + name)
            nargs = fn.__code__.co_argcount - 1
            args, steps = steps[:nargs], steps[nargs:]
            fn(*args)
    except Exception as e:  # noqa: BLE001 -- report any failure as the step's
        log("FAILED:", e)
        page.console()
        try:
            page.step_shot("failure")
        except WebDriverException:
            pass
        rc = 1
    finally:
        page.driver.quit()
        shutil.rmtree(page.profile, ignore_errors=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
