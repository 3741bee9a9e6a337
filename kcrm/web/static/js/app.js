// kcrm console: the JSON API with the session cookie, translated messages, safe DOM building.
"use strict";
(function () {
  const csrf = () => document.querySelector('meta[name="csrf-token"]').content;
  let messages = null;

  /** A translated message for the page script (keys start with "js."). */
  function msg(key, values) {
    if (messages === null) {
      const node = document.getElementById("messages");
      messages = node ? JSON.parse(node.textContent) : {};
    }
    let text = messages[key] || key;
    for (const [name, value] of Object.entries(values || {})) {
      text = text.replace("{" + name + "}", String(value));
    }
    return text;
  }

  /** Call the JSON API; the cookie authenticates, the header proves it is our page. */
  async function api(method, url, body, extraHeaders) {
    const response = await send(method, url, body, extraHeaders);
    const data = response.status === 204 ? null : await response.json();
    if (!response.ok) {
      const error = new Error((data && data.error && data.error.message) || response.statusText);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  /** The raw fetch behind `api`, for streamed responses. */
  function send(method, url, body, extraHeaders) {
    const headers = { "Accept": "application/json", "X-CSRF-Token": csrf(), ...(extraHeaders || {}) };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(url, {
      method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** Build an element; text children are text nodes, never parsed as HTML. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** Show a short status line (busy, done or failed) in a live region. */
  function status(node, text, kind) {
    node.textContent = text;
    node.className = "status-line " + (kind || "");
  }

  window.kcrm = { api, send, el, msg, status };
})();
