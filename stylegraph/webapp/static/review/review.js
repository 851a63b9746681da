// The review queue page: list doubtful photos, accept the prediction or correct it.
"use strict";
(function () {
  const config = JSON.parse(document.getElementById("review-config").textContent);
  const $ = (id) => document.getElementById(id);
  const store = window.sessionStorage;
  $("reviewer").value = store.getItem("reviewer") || "";
  $("token").value = store.getItem("token") || "";
  $("reviewer").addEventListener("change", () => store.setItem("reviewer", $("reviewer").value.trim()));
  $("token").addEventListener("change", () => store.setItem("token", $("token").value.trim()));

  function say(text, error) {
    const box = $("message");
    box.textContent = text;
    box.hidden = !text;
    box.classList.toggle("error", !!error);
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "class") node.className = v; else if (k === "text") node.textContent = v; else node.setAttribute(k, v);
    });
    children.forEach((c) => node.append(c));
    return node;
  }

  function pct(x) { return (100 * x).toFixed(1) + "%"; }

  async function decide(item, action, label, card) {
    const reviewer = $("reviewer").value.trim();
    const token = $("token").value.trim();
    if (!reviewer) { say("Enter your name as reviewer first.", true); $("reviewer").focus(); return; }
    const response = await fetch(item.image_url.replace(/\/image$/, "/decision"), {
      method: "POST",
      headers: {"Content-Type": "application/json", "Authorization": "Bearer " + token},
      body: JSON.stringify({action: action, label: label, reviewer: reviewer}),
    });
    const body = await response.json().catch(() => ({error: "unreadable answer"}));
    if (!response.ok) { say(`Not saved (${response.status}): ${body.error}`, true); return; }
    say(`Saved: ${body.label} by ${body.reviewer} at ${body.decided_at}.`, false);
    card.querySelector(".status").replaceWith(decidedLine(body));
    card.dataset.label = body.label;
    if ($("status").value === "pending") { card.remove(); updateSummary(-1); }
  }

  let total = 0;
  function updateSummary(delta) {
    total += delta;
    $("summary").textContent = `${total} photo${total === 1 ? "" : "s"}`;
  }

  function decidedLine(item) {
    return item.label
      ? el("p", {class: "status decided", text: `${item.action === "accept" ? "accepted" : "corrected"}: ${item.label} (${item.reviewer}, ${item.decided_at})`})
      : el("p", {class: "status", text: "waiting for review"});
  }

  function card(item, classes) {
    const node = el("article", {class: "card", "data-sha": item.sha256});
    node.append(el("img", {src: item.image_url, alt: `photo ${item.sha256.slice(0, 12)}`, loading: "lazy"}));
    const top = el("ol", {class: "top"});
    item.top.forEach((t) => top.append(el("li", {text: `${t.label} ${pct(t.confidence)}`})));
    node.append(top);
    const meta = [item.product_id ? `product ${item.product_id}` : item.source, `model ${item.run}`];
    if (item.catalog_label) meta.push(`catalog says ${item.catalog_label}`);
    node.append(el("p", {class: "meta", text: meta.join(" · ")}));
    node.append(decidedLine(item));
    const accept = el("button", {type: "button", class: "accept", text: `Accept “${item.predicted}”`});
    accept.addEventListener("click", () => decide(item, "accept", item.predicted, node));
    const select = el("select", {class: "label", "aria-label": "correct class"});
    classes.forEach((c) => select.append(el("option", {value: c, text: c})));
    select.value = item.top.length > 1 ? item.top[1].label : classes[0];
    const correct = el("button", {type: "button", class: "correct", text: "Correct to"});
    correct.addEventListener("click", () => decide(item, "correct", select.value, node));
    node.append(el("div", {class: "actions"}, accept, correct, select));
    return node;
  }

  async function load() {
    say("", false);
    const response = await fetch(`${config.list}?status=${encodeURIComponent($("status").value)}&limit=200`);
    const body = await response.json().catch(() => ({error: "unreadable answer"}));
    const items = $("items");
    items.replaceChildren();
    if (!response.ok) { say(`Cannot load the queue (${response.status}): ${body.error}`, true); return; }
    total = body.total;
    updateSummary(0);
    if (!body.items.length) items.append(el("p", {class: "empty", text: "Nothing to review."}));
    body.items.forEach((item) => items.append(card(item, body.classes)));
  }

  $("reload").addEventListener("click", load);
  $("status").addEventListener("change", load);
  load();
})();
