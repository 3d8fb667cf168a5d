// LINE simulator. Every text shown is set with textContent: nothing typed is parsed as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const csrf = document.querySelector('meta[name="csrf-token"]').content;
const state = { rendered: -1, pending: 0 };

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function office() { return $("office").value; }
function citizen() { return $("citizen").value; }

function setStatus(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "muted";
}

function setPending(delta) {
  state.pending += delta;
  document.body.dataset.pending = String(state.pending);
}

// --- talking to the bot, the way LINE does ------------------------------------------------
async function act(payload) {
  setPending(1);
  try {
    const made = await fetch("/simulator/api/event", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ office: office(), user: citizen(), ...payload }),
    });
    if (!made.ok) throw new Error("สร้างเหตุการณ์ไม่สำเร็จ (" + made.status + ")");
    const event = await made.json();
    await refresh();
    const answer = await fetch(event.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "x-line-signature": event.signature },
      body: event.body,
    });
    document.body.dataset.webhookStatus = String(answer.status);
    if (!answer.ok) throw new Error("webhook ตอบกลับ " + answer.status);
    setStatus("ส่งแล้ว รอบอตตอบ…");
  } catch (error) {
    setStatus(error.message, true);
  } finally {
    setPending(-1);
  }
}

function doAction(action) {
  if (!action) return;
  if (action.type === "postback") {
    act({ kind: "postback", data: action.data, displayText: action.displayText || action.text || "" });
  } else if (action.type === "message") {
    act({ kind: "text", text: action.text });
  } else if (action.type === "uri" && /^(https?:|tel:|line:)/.test(action.uri)) {
    window.open(action.uri, "_blank", "noopener");
  } else {
    setStatus("ปุ่มชนิด " + action.type + " ยังจำลองไม่ได้", true);
  }
}

function actionButton(action, className) {
  const button = el("button", className, action.label || action.text || "เปิด");
  button.type = "button";
  button.addEventListener("click", () => doAction(action));
  return button;
}

// --- showing messages as LINE shows them -------------------------------------------------
function linkified(text) {
  const fragment = document.createDocumentFragment();
  String(text).split(/(https?:\/\/[^\s<>"]+)/g).forEach((part, i) => {
    if (i % 2 === 1) {
      const link = el("a", "", part);
      link.href = part;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      fragment.appendChild(link);
    } else if (part) {
      fragment.appendChild(document.createTextNode(part));
    }
  });
  return fragment;
}

function renderFlexNode(node) {
  if (!node || typeof node !== "object") return el("span");
  switch (node.type) {
    case "box": {
      const box = el("div", "box " + (node.layout || "vertical"));
      (node.contents || []).forEach((child) => box.appendChild(renderFlexNode(child)));
      if (node.action) box.addEventListener("click", () => doAction(node.action));
      return box;
    }
    case "text": {
      const text = el("p", "flex-text", node.text || "");
      if (node.weight === "bold") text.style.fontWeight = "700";
      if (node.color && /^#[0-9a-fA-F]{3,8}$/.test(node.color)) text.style.color = node.color;
      const sizes = { xxs: ".7rem", xs: ".75rem", sm: ".85rem", md: "1rem", lg: "1.15rem", xl: "1.3rem", xxl: "1.5rem" };
      if (sizes[node.size]) text.style.fontSize = sizes[node.size];
      return text;
    }
    case "image": {
      const image = el("img", "image");
      if (/^https?:\/\//.test(node.url || "")) image.src = node.url;
      image.alt = "";
      image.style.width = "100%";
      return image;
    }
    case "button":
      return actionButton(node.action || {}, "flex-button " + (node.style || "link"));
    case "separator":
      return el("hr", "separator");
    default:
      return el("span");
  }
}

function renderBubble(bubble) {
  const card = el("div", "card");
  ["header", "hero", "body", "footer"].forEach((part) => {
    if (!bubble[part]) return;
    const section = el("div", "section " + part);
    if (part === "hero") section.style.padding = "0";
    section.appendChild(renderFlexNode(bubble[part]));
    card.appendChild(section);
  });
  return card;
}

function renderTemplate(template) {
  if (template.type === "carousel") {
    const row = el("div", "carousel");
    (template.columns || []).forEach((column) => row.appendChild(renderTemplate({ ...column, type: "buttons" })));
    return row;
  }
  const card = el("div", "card");
  if (template.thumbnailImageUrl && /^https?:\/\//.test(template.thumbnailImageUrl)) {
    const image = el("img");
    image.src = template.thumbnailImageUrl;
    image.alt = "";
    card.appendChild(image);
  }
  const body = el("div", "section");
  if (template.title) body.appendChild(el("p", "flex-text", template.title)).style.fontWeight = "700";
  body.appendChild(el("p", "flex-text", template.text || ""));
  card.appendChild(body);
  const actions = el("div", "template-actions" + (template.type === "confirm" ? " confirm" : ""));
  (template.actions || []).forEach((action) => actions.appendChild(actionButton(action)));
  card.appendChild(actions);
  return card;
}

function renderMessage(message, from) {
  if (from === "system" || message.type === "system") return el("div", "msg system", message.text);
  switch (message.type) {
    case "text": {
      const bubble = el("div", "msg " + from);
      bubble.appendChild(linkified(message.text || ""));
      return bubble;
    }
    case "image": {
      const bubble = el("div", "msg " + from);
      const image = el("img", "image");
      image.src = message.previewImageUrl || message.originalContentUrl;
      image.alt = "รูปภาพ";
      image.addEventListener("click", () => window.open(message.originalContentUrl, "_blank", "noopener"));
      bubble.appendChild(image);
      return bubble;
    }
    case "sticker":
      return el("div", "sticker", "[สติกเกอร์]");
    case "flex": {
      const contents = message.contents || {};
      if (contents.type === "carousel") {
        const row = el("div", "carousel");
        (contents.contents || []).forEach((bubble) => row.appendChild(renderBubble(bubble)));
        return row;
      }
      return renderBubble(contents);
    }
    case "template":
      return renderTemplate(message.template || {});
    default:
      return el("div", "msg " + from, "[" + message.type + "]");
  }
}

function renderQuickReplies(message) {
  const holder = $("quick-replies");
  holder.replaceChildren();
  const items = (message && message.quickReply && message.quickReply.items) || [];
  items.forEach((item) => holder.appendChild(actionButton(item.action || {}, "chip")));
}

function render(entries) {
  const chat = $("chat");
  chat.replaceChildren();
  let lastBotMessage = null;
  entries.forEach((entry) => {
    const from = entry.via === "citizen" ? "citizen" : "bot";
    (entry.messages || []).forEach((message) => {
      chat.appendChild(renderMessage(message, message.type === "system" ? "system" : from));
      lastBotMessage = from === "bot" ? message : null;
    });
  });
  renderQuickReplies(lastBotMessage);
  chat.scrollTop = chat.scrollHeight;
  state.rendered = entries.length;
  document.body.dataset.messages = String(entries.length);
}

async function refresh() {
  const query = new URLSearchParams({ office: office(), user: citizen() });
  const answer = await fetch("/simulator/api/chat?" + query);
  if (!answer.ok) return;
  const { entries } = await answer.json();
  if (entries.length !== state.rendered) render(entries);
}

// --- the rich menu ----------------------------------------------------------------------
async function loadRichMenu() {
  const holder = $("rich-menu");
  holder.replaceChildren();
  holder.hidden = true;
  $("menu-toggle").hidden = true;
  const answer = await fetch("/simulator/api/richmenu?" + new URLSearchParams({ office: office() }));
  const { menu } = answer.ok ? await answer.json() : { menu: null };
  if (!menu) return;
  const image = el("img");
  image.src = menu.image;
  image.alt = "ริชเมนู";
  holder.appendChild(image);
  menu.areas.forEach((area) => {
    const b = area.bounds;
    const button = actionButton(area.action, "area");
    button.setAttribute("aria-label", area.action.label || area.action.text || "เมนู");
    button.textContent = "";
    Object.assign(button.style, {
      left: (100 * b.x) / menu.size.width + "%",
      top: (100 * b.y) / menu.size.height + "%",
      width: (100 * b.width) / menu.size.width + "%",
      height: (100 * b.height) / menu.size.height + "%",
    });
    holder.appendChild(button);
  });
  $("menu-toggle").textContent = menu.chatBarText + " ▾";
  $("menu-toggle").hidden = false;
  holder.hidden = false;
  document.body.dataset.richMenu = "shown";
}

// --- wiring -----------------------------------------------------------------------------
function switchChat() {
  $("office-name").textContent = $("office").selectedOptions[0].textContent;
  Array.from($("counter-qr").options).forEach((o) => { o.hidden = o.dataset.office !== office(); });
  const first = Array.from($("counter-qr").options).find((o) => !o.hidden);
  $("counter-qr").value = first ? first.value : "";
  state.rendered = -1;
  refresh();
  loadRichMenu();
}

$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("message").value.trim();
  if (!text) return;
  $("message").value = "";
  act({ kind: "text", text });
});
$("follow").addEventListener("click", () => act({ kind: "follow" }));
// Scanning a counter's QR opens the chat with its text typed in; the citizen presses send.
$("scan").addEventListener("click", () => {
  $("message").value = $("counter-qr").value;
  $("message").focus();
});
$("unfollow").addEventListener("click", () => act({ kind: "unfollow" }));
$("menu-toggle").addEventListener("click", () => { $("rich-menu").hidden = !$("rich-menu").hidden; });
$("office").addEventListener("change", switchChat);
$("citizen").addEventListener("change", switchChat);
switchChat();
setInterval(refresh, 700);
