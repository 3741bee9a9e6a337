// Customer chat: one session per tab, answers streamed over SSE (fetch + ReadableStream).
"use strict";
(function () {
  const { api, send, el, msg, status } = window.kcrm;
  const root = document.getElementById("chat");
  const box = document.getElementById("conversation");
  const form = document.getElementById("ask");
  const input = document.getElementById("question");
  const handoffBox = document.getElementById("handoff");
  const statusLine = document.getElementById("chat-status");
  const KEY = "kcrm-chat-" + root.dataset.customer;
  let chat = JSON.parse(sessionStorage.getItem(KEY) || "null");
  let busy = false;

  function postStream(session, question) {
    const url = "/chat/sessions/" + session.id + "/messages/stream";
    return send("POST", url, { text: question }, headers());
  }

  function headers() {
    return chat && chat.token ? { "X-Chat-Token": chat.token } : {};
  }

  async function ensureSession() {
    if (chat) return chat;
    const created = await api("POST", "/chat/sessions", {});
    chat = { id: created.id, token: root.dataset.customer === "yes" ? null : created.token };
    sessionStorage.setItem(KEY, JSON.stringify(chat));
    return chat;
  }

  function citationLinks(citations) {
    if (!citations.length) return null;
    return el("div", { class: "meta", "data-testid": "citations" }, msg("js.chat.sources"), " ",
      citations.map((c) => c.kind === "article"
        ? el("a", { class: "cite", href: "/help/articles/" + encodeURIComponent(c.ref), target: "_blank",
            title: c.title || c.ref }, c.title || c.ref)
        : el("span", { class: "cite", title: c.kind }, c.ref)));
  }

  function showHandoff(handoff) {
    handoffBox.hidden = false;
    handoffBox.textContent = handoff.ticket_id
      ? msg("js.chat.handoff_ticket", { ticket: handoff.ticket_id })
      : msg("js.chat.handoff_anonymous");
  }

  function bubble(role, text) {
    const node = el("div", { class: "msg " + role }, el("span", { class: "text" }, text || ""));
    box.append(node);
    box.scrollTop = box.scrollHeight;
    return node;
  }

  /** Parse one server-sent event ("event: x\ndata: {...}"). */
  function parseEvent(block) {
    let name = "message", data = "";
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) name = line.slice(6).trim();
      else if (line.startsWith("data:")) data += line.slice(5).trim();
    }
    return { name, data: data ? JSON.parse(data) : null };
  }

  function handle(event, node) {
    const text = node.querySelector(".text");
    if (event.name === "token") text.textContent += event.data.text;
    else if (event.name === "citations") {
      const links = citationLinks(event.data.citations);
      if (links) node.append(links);
    } else if (event.name === "handoff") showHandoff(event.data);
    box.scrollTop = box.scrollHeight;
  }

  async function ask(question) {
    if (busy) return;
    busy = true;
    status(statusLine, msg("js.loading"));
    bubble("customer", question);
    const answer = bubble("assistant", "");
    answer.setAttribute("data-testid", "answer");
    try {
      const session = await ensureSession();
      const response = await postStream(session, question);
      if (!response.ok) {
        const body = await response.json().catch(() => ({}));
        throw new Error((body.error && body.error.message) || response.statusText);
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          handle(parseEvent(buffer.slice(0, cut)), answer);
          buffer = buffer.slice(cut + 2);
        }
      }
      answer.classList.add("done");
      status(statusLine, "");
    } catch (error) {
      answer.remove();
      status(statusLine, msg("js.failed", { error: error.message }), "error");
    } finally {
      busy = false;
    }
  }

  async function restore() {
    if (!chat) return;
    try {
      const session = await api("GET", "/chat/sessions/" + chat.id, undefined, headers());
      for (const m of session.messages) {
        const node = bubble(m.role === "user" ? "customer" : "assistant", m.text);
        const links = citationLinks(m.citations || []);
        if (links) node.append(links);
      }
      if (session.status === "handed_off") showHandoff({ ticket_id: session.ticket_id });
    } catch (error) {
      sessionStorage.removeItem(KEY);
      chat = null;
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const question = input.value.trim();
    if (!question) return;
    input.value = "";
    ask(question);
  });
  document.getElementById("human").addEventListener("click", () => ask(msg("js.chat.human_text")));
  document.getElementById("restart").addEventListener("click", () => {
    sessionStorage.removeItem(KEY);
    location.reload();
  });
  restore();
})();
