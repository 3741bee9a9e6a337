// Agent ticket view: suggestion panel (draft, citations, alternatives, verdicts), next
// actions that run when approved, replies and resolving, all through the JSON API.
"use strict";
(function () {
  const { api, el, msg, status } = window.kcrm;
  const ticketId = document.getElementById("ticket").dataset.ticket;
  const $ = (id) => document.getElementById(id);
  const assistStatus = $("assist-status");
  const ticketStatus = $("ticket-status-line");
  let suggestion = null;

  /** Where a citation opens: the cited article version, or the past ticket. */
  function citationHref(citation) {
    const article = /^article:(.+)@v(\d+)$/.exec(citation);
    if (article) return "/agent/articles/" + encodeURIComponent(article[1]) + "?v=" + article[2];
    const ticket = /^ticket:(\d+)$/.exec(citation);
    return ticket ? "/agent/tickets/" + ticket[1] : null;
  }

  function chip(citation, number, title) {
    const href = citationHref(citation);
    const attrs = { class: "cite", title: title || citation, "data-citation": citation };
    return href
      ? el("a", { ...attrs, href, target: "_blank", rel: "noopener" }, "[" + number + "]")
      : el("span", attrs, "[" + number + "]");
  }

  function renderDraft(data) {
    const numbers = new Map(data.sources.filter((s) => s.cited).map((s, i) => [s.citation, i + 1]));
    const titles = new Map(data.sources.map((s) => [s.citation, s.title]));
    const draft = $("draft");
    draft.replaceChildren(...data.draft.sentences.map((sentence) => el("span", { class: "sentence" },
      sentence.text, sentence.citations.map((c) => chip(c, numbers.get(c) || "?", titles.get(c))), " ")));
    $("alternatives").replaceChildren(...data.draft.alternatives.map((text) => el("li", {}, text)));
    $("sources").replaceChildren(...data.sources.filter((s) => s.cited).map((s) => {
      const href = citationHref(s.citation);
      const label = "[" + numbers.get(s.citation) + "] " + s.title;
      return el("li", {}, href ? el("a", { href, target: "_blank", rel: "noopener" }, label) : label,
        " ", el("span", { class: "muted" }, s.citation));
    }));
    $("confidence").textContent = msg("js.agent.confidence", { value: Math.round(data.draft.confidence * 100) });
  }

  function renderActions(data) {
    const box = $("next-actions");
    if (!data.next_actions.length) {
      box.replaceChildren(el("p", { class: "muted" }, msg("js.agent.no_actions")));
      return;
    }
    box.replaceChildren(...data.next_actions.map((action) => el("div", {
      class: "next-action", "data-action": action.action,
    }, el("strong", {}, action.action), " ", el("span", { class: "muted" }, action.score.toFixed(2)),
    el("div", { class: "reason" }, action.reason),
    el("button", { type: "button", class: "primary", onclick: (e) => approve(action.action, e.target) },
      msg("js.agent.approve")))));
  }

  async function suggest() {
    status(assistStatus, msg("js.loading"));
    $("suggest").disabled = true;
    try {
      suggestion = await api("POST", "/assist/tickets/" + ticketId + "/suggestions");
      $("suggestion").hidden = false;
      if (suggestion.draft) {
        renderDraft(suggestion);
        $("verdicts").hidden = false;
      } else {
        $("draft").textContent = msg("js.agent.no_draft", { reason: suggestion.reason || "" });
        $("verdicts").hidden = true;
      }
      renderActions(suggestion);
      status(assistStatus, "");
    } catch (error) {
      status(assistStatus, msg("js.failed", { error: error.message }), "error");
    } finally {
      $("suggest").disabled = false;
    }
  }

  async function postReply(body, internal) {
    return api("POST", "/tickets/" + ticketId + "/messages", { body, internal: !!internal });
  }

  function appendMessage(body, internal) {
    const box = document.querySelector("[data-testid=conversation]");
    box.append(el("div", { class: "msg agent" + (internal ? " internal" : "") },
      el("div", { class: "meta" }, msg("js.agent.just_now")), el("div", { class: "body" }, body)));
    box.scrollTop = box.scrollHeight;
  }

  /** Record the verdict; an accepted or edited draft is also sent to the customer. */
  async function verdict(kind) {
    const edited = kind === "edited" ? $("draft-edit").value.trim() : null;
    const text = kind === "edited" ? edited : suggestion.draft.text;
    if (kind === "edited" && !edited) return;
    status(assistStatus, msg("js.loading"));
    try {
      await api("POST", "/assist/suggestions/" + suggestion.id + "/feedback",
        kind === "edited" ? { verdict: kind, edited_text: edited } : { verdict: kind });
      if (kind !== "rejected") {
        await postReply(text, false);
        appendMessage(text, false);
      }
      $("verdicts").querySelectorAll("button").forEach((b) => { b.disabled = true; });
      $("draft-edit").hidden = true;
      status(assistStatus, msg("js.agent.verdict." + kind), "ok");
    } catch (error) {
      status(assistStatus, msg("js.failed", { error: error.message }), "error");
    }
  }

  /** The parameters an action needs: the best cited article, or a refund the agent enters. */
  function paramsFor(action) {
    if (action === "send_article" || action === "article_sent") {
      const cited = suggestion.sources.find((s) => s.source === "article" && s.cited)
        || suggestion.sources.find((s) => s.source === "article");
      return cited ? { article: cited.doc_id } : null;
    }
    if (action === "record_refund_request" || action === "refund_requested") {
      const amount = window.prompt(msg("js.agent.refund_amount"));
      const reason = amount && window.prompt(msg("js.agent.refund_reason"));
      return reason ? { amount, reason } : null;
    }
    return {};
  }

  async function approve(action, button) {
    const params = paramsFor(action);
    if (params === null) {
      status(assistStatus, msg("js.agent.needs_params"), "error");
      return;
    }
    button.disabled = true;
    status(assistStatus, msg("js.loading"));
    try {
      const result = await api("POST", "/assist/tickets/" + ticketId + "/actions/execute",
        { action, params, suggestion_id: suggestion ? suggestion.id : null });
      button.replaceWith(el("span", { class: "ok", "data-testid": "executed" },
        msg("js.agent.executed", { action: result.logged.action })));
      $("action-log").append(el("li", {}, el("code", {}, result.logged.action), " ",
        el("span", { class: "muted" }, msg("js.agent.just_now"))));
      status(assistStatus, "");
    } catch (error) {
      button.disabled = false;
      status(assistStatus, msg("js.failed", { error: error.message }), "error");
    }
  }

  $("suggest").addEventListener("click", suggest);
  $("accept").addEventListener("click", () => verdict("accepted"));
  $("reject").addEventListener("click", () => verdict("rejected"));
  $("edit").addEventListener("click", () => {
    $("draft-edit").value = suggestion.draft.text;
    $("draft-edit").hidden = false;
    $("send-edit").hidden = false;
    $("draft-edit").focus();
  });
  $("send-edit").addEventListener("click", () => verdict("edited"));
  $("send-reply").addEventListener("click", async () => {
    const body = $("reply").value.trim();
    if (!body) return;
    try {
      await postReply(body, $("reply-internal").checked);
      appendMessage(body, $("reply-internal").checked);
      $("reply").value = "";
      status(ticketStatus, msg("js.done"), "ok");
    } catch (error) {
      status(ticketStatus, msg("js.failed", { error: error.message }), "error");
    }
  });
  const resolve = $("resolve");
  if (resolve) {
    resolve.addEventListener("click", async () => {
      const summary = $("resolution").value.trim();
      if (!summary) { status(ticketStatus, msg("js.agent.need_summary"), "error"); return; }
      try {
        await api("PATCH", "/tickets/" + ticketId, { status: "resolved", resolution_summary: summary });
        location.reload();
      } catch (error) {
        status(ticketStatus, msg("js.failed", { error: error.message }), "error");
      }
    });
  }
})();
