// Admin pages: create users, change roles and deactivate them through /users; upload an
// import as a background job and follow its progress on the server until it reports.
"use strict";
(function () {
  const { api, el, msg, status } = window.kcrm;
  const $ = (id) => document.getElementById(id);
  const line = $("admin-status");
  const POLL_MS = 300;

  const run = (work, doneText) => window.kcrmManage.run(line, work, doneText);

  function setupUsers(form, table) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = Object.fromEntries(new FormData(form).entries());
      data.customer_id = data.customer_id ? Number(data.customer_id) : null;
      if (await run(() => api("POST", "/users", data))) location.reload();
    });
    for (const row of table.querySelectorAll("tr[data-user]")) {
      const url = "/users/" + row.dataset.user;
      const role = row.querySelector("select.role");
      role.addEventListener("change", async () => {
        // Staff accounts are never bound to a customer; a customer account keeps its binding.
        const body = { role: role.value };
        if (role.value !== "customer") body.customer_id = null;
        if (await run(() => api("PATCH", url, body), msg("js.admin.role_changed"))) location.reload();
      });
      const toggle = row.querySelector("button[data-active]");
      if (toggle) {
        toggle.addEventListener("click", async () => {
          const body = { is_active: toggle.dataset.active === "true" };
          if (await run(() => api("PATCH", url, body))) location.reload();
        });
      }
    }
  }

  function showReport(job) {
    const report = job.report;
    const facts = $("job-report");
    facts.hidden = !report;
    if (report) {
      facts.replaceChildren(...["total", "created", "updated", "unchanged", "conflicts", "error_count"]
        .flatMap((key) => [el("dt", {}, msg("js.admin.report." + key)), el("dd", { "data-key": key }, report[key])]));
    }
    const errors = (report && report.errors) || [];
    $("job-errors").hidden = errors.length === 0;
    $("job-errors").querySelector("tbody").replaceChildren(...errors.slice(0, 200).map((e) =>
      el("tr", {}, el("td", {}, e.row), el("td", {}, e.field || "—"), el("td", {}, e.reason))));
  }

  function showJob(job) {
    $("import-progress").value = job.fraction;
    $("import-job").dataset.state = job.state;
    $("job-detail").textContent = msg("js.admin.progress", {
      percent: Math.round(job.fraction * 100), rows: job.rows,
      read: Math.round(job.read / 1024), size: Math.round(job.size / 1024),
      state: msg("js.admin.state." + job.state),
    });
  }

  async function follow(jobId) {
    for (;;) {
      const job = await api("GET", "/imports/jobs/" + encodeURIComponent(jobId));
      showJob(job);
      if (job.state === "done" || job.state === "failed") return job;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** Upload the file as multipart (the JSON helper cannot); the cookie and header authenticate. */
  async function upload(url, file) {
    const body = new FormData();
    body.append("file", file);
    const csrf = document.querySelector('meta[name="csrf-token"]').content;
    const response = await fetch(url, {
      method: "POST", body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf },
    });
    const data = await response.json();
    if (!response.ok) throw new Error((data.error && data.error.message) || response.statusText);
    return data;
  }

  function setupImport(form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const file = data.get("file");
      const url = "/imports/" + data.get("kind") + "/jobs?upsert=" + (data.get("upsert") ? "true" : "false");
      const button = form.querySelector("button[type=submit]");
      $("import-job").hidden = false;
      $("job-title").textContent = file.name;
      showReport({ report: null });
      button.disabled = true;
      status(line, msg("js.loading"), "busy");
      try {
        const job = await follow((await upload(url, file)).id);
        showReport(job);
        if (job.state === "done") status(line, msg("js.admin.imported"), "ok");
        else status(line, msg("js.failed", { error: job.error }), "error");
      } catch (error) {
        status(line, msg("js.failed", { error: error.message }), "error");
      } finally {
        button.disabled = false;
      }
    });
  }

  const users = document.querySelector("[data-testid=users]");
  if (users) setupUsers($("new-user"), users);
  const importForm = $("import-form");
  if (importForm) setupImport(importForm);
})();
