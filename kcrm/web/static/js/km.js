// Knowledge manager pages: the editor (save, live preview, status changes), the review
// queue's verdicts and turning a gap cluster into a draft, all through the JSON API.
"use strict";
(function () {
  const { api, msg, status } = window.kcrm;
  const $ = (id) => document.getElementById(id);
  const line = $("km-status");

  const run = (work, doneText) => window.kcrmManage.run(line, work, doneText);

  /** Move an article to another status; a flagged duplicate needs the confirm box ticked. */
  function transition(articleId, to, scope) {
    const confirm = scope.querySelector(".confirm-unique");
    const body = { to, confirm_not_duplicate: Boolean(confirm && confirm.checked) };
    return api("POST", "/knowledge/articles/" + articleId + "/transitions", body);
  }

  function setupEditor(editor) {
    const id = editor.dataset.article;
    const value = (name) => $(name).value.trim();
    const fields = () => ({
      title: value("f-title"),
      body: $("f-body").value,
      language: value("f-language"),
      visibility: value("f-visibility"),
      product_sku: value("f-product") || null,
      owner: value("f-owner") || null,
      review_by: value("f-review-by") || null,
    });
    let timer = null;
    $("f-body").addEventListener("input", () => {
      clearTimeout(timer);
      // The server renders the preview, so it matches the published page exactly.
      timer = setTimeout(async () => {
        const data = await api("POST", "/km/preview", { body: $("f-body").value }).catch(() => null);
        if (data) $("preview").innerHTML = data.html;
      }, 250);
    });
    $("save").addEventListener("click", () => run(() => api("PATCH", "/knowledge/articles/" + id, fields()),
      msg("js.km.saved")));
    for (const button of editor.querySelectorAll("button[data-to]")) {
      button.addEventListener("click", async () => {
        // Save first, so the status change acts on what the manager sees.
        const saved = await run(() => api("PATCH", "/knowledge/articles/" + id, fields()));
        if (saved && await run(() => transition(id, button.dataset.to, editor))) location.reload();
      });
    }
  }

  function setupReview(queue) {
    for (const item of queue.querySelectorAll(".review-item")) {
      const id = item.dataset.article;
      for (const button of item.querySelectorAll("button[data-to]")) {
        button.addEventListener("click", async () => {
          if (await run(() => transition(id, button.dataset.to, item))) location.reload();
        });
      }
      const reviewed = item.querySelector("button[data-reviewed]");
      if (reviewed) {
        reviewed.addEventListener("click", async () => {
          if (await run(() => api("POST", "/knowledge/articles/" + id + "/reviewed", {}))) location.reload();
        });
      }
    }
  }

  function setupGaps(table) {
    for (const button of table.querySelectorAll("button[data-draft-cluster]")) {
      button.addEventListener("click", async () => {
        button.disabled = true;
        const url = "/knowledge/gaps/clusters/" + button.dataset.draftCluster + "/draft?days=" + button.dataset.days;
        const draft = await run(() => api("POST", url));
        if (draft) location.href = "/km/articles/" + draft.article.id;
        else button.disabled = false;
      });
    }
  }

  function setupAutoDrafts(form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const days = Number(new FormData(form).get("days"));
      const drafts = await run(() => api("POST", "/knowledge/drafts/auto", { days }));
      if (drafts) {
        // Each draft links back to its tickets; a possible duplicate waits in the review queue.
        status(line, msg("js.km.drafted", { n: drafts.length }), "ok");
        if (drafts.length) setTimeout(() => { location.href = "/km/articles?status=draft"; }, 800);
      }
    });
  }

  const editor = $("editor");
  if (editor) setupEditor(editor);
  const queue = document.querySelector("[data-testid=review-queue]");
  if (queue) setupReview(queue);
  const gaps = document.querySelector("[data-testid=gap-clusters]");
  if (gaps) setupGaps(gaps);
  const autoDrafts = $("auto-drafts");
  if (autoDrafts) setupAutoDrafts(autoDrafts);
})();
