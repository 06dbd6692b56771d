// The minutes page: sections save as they are typed (autosave.mjs keeps the books),
// nothing typed is lost on leaving, and what others save appears without typing.
//
// - A link followed or a form posted while a save is pending waits for the saves
//   to finish first (flush), then goes on.
// - While a save is pending or has failed, leaving the page asks first
//   (beforeunload), and anything still unsaved is sent as the page goes (keepalive).
// - The page asks every few seconds for sections saved by others and shows them
//   where the section has no unsaved typing of its own; where it has, the next
//   save meets the conflict panel (theirs, mine, or a merge).
import { createAutosave } from "./autosave.mjs";

const POLL_MS = 10000;

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta instanceof HTMLMetaElement ? meta.content : "";
}

/** @param {string} key */
function parts(key) {
  return {
    textarea: document.getElementById(`text-${key}`),
    version: document.getElementById(`version-${key}`),
    status: document.getElementById(`status-${key}`),
  };
}

function showStatus(status, html) {
  if (!status) return;
  status.innerHTML = html;
  // Conflict choices post with htmx (hx-post), which must see the new elements.
  if (window.htmx) window.htmx.process(status);
}

function saveBody(key, text) {
  const body = new FormData();
  body.append("text", text);
  body.append("version", parts(key).version?.value ?? "0");
  return body;
}

async function send(key, text) {
  const { textarea, version, status } = parts(key);
  if (!textarea || !version) return "error";
  if (status) status.textContent = "Saving…";
  const response = await fetch(textarea.dataset.autosave, {
    method: "POST",
    body: saveBody(key, text),
    headers: { "HX-Request": "true", "X-CSRFToken": csrfToken() },
    credentials: "same-origin",
  });
  const outcome = response.headers.get("X-Kinfolk-Save");
  if (outcome === null) {
    // Not an answer from the save (a sign-in page after a timeout, a proxy's error page).
    showStatus(status, '<p class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> Not saved: Kinfolk did not accept the save. You may have been signed out: copy your text, sign in again in another tab, then type here again.</p>');
    return "error";
  }
  const template = document.createElement("template");
  template.innerHTML = await response.text();
  if (outcome === "saved") {
    const newVersion = template.content.getElementById(`version-${key}`);
    if (newVersion instanceof HTMLInputElement) {
      version.value = newVersion.value;
      newVersion.remove();
    }
  }
  if (!response.ok && outcome === "error") {
    showStatus(status, '<p class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> Not saved. Kinfolk will try again when you next type; keep this page open.</p>');
    return "error";
  }
  showStatus(status, "");
  status?.append(template.content);
  if (window.htmx && status) window.htmx.process(status);
  return outcome === "saved" || outcome === "conflict" ? outcome : "error";
}

function onState(key, state) {
  const { status } = parts(key);
  if (state === "failed" && status && !status.querySelector(".govuk-error-message")) {
    showStatus(status, '<p class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> Not saved: Kinfolk could not be reached. It will try again in a few seconds; keep this page open.</p>');
  }
}

function entryKeys(root) {
  return [...root.querySelectorAll("textarea[data-autosave]")].map((t) => t.dataset.entry);
}

function sameDocumentAnchor(link) {
  const url = new URL(link.href, location.href);
  return url.origin === location.origin && url.pathname === location.pathname && url.search === location.search && url.hash !== "";
}

export function initMinutesPage() {
  const autosave = createAutosave({ send, onState });
  for (const key of entryKeys(document)) autosave.track(key, parts(key).textarea.value);
  // GOV.UK button styles would override a `hidden` attribute, so the fallbacks go.
  for (const el of document.querySelectorAll("[data-kf-no-script]")) el.remove();

  document.addEventListener("input", (event) => {
    const target = event.target;
    if (target instanceof HTMLTextAreaElement && target.dataset.autosave) {
      autosave.edit(target.dataset.entry, target.value);
    }
  });

  // A section swapped back in after a conflict holds the text now saved.
  document.body.addEventListener("htmx:load", (event) => {
    if (!(event.target instanceof Element)) return;
    const found = event.target.matches("textarea[data-autosave]") ? [event.target.dataset.entry] : entryKeys(event.target);
    for (const key of found) autosave.track(key, parts(key).textarea.value);
  });

  document.addEventListener(
    "click",
    (event) => {
      const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
      if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      if (link.target && link.target !== "_self") return;
      if (link.hasAttribute("download") || sameDocumentAnchor(link) || !autosave.unsaved()) return;
      event.preventDefault();
      autosave.flush().then(() => location.assign(link.href));
    },
    true,
  );

  // A form posted the ordinary way waits for the saves, then posts (form.submit()
  // fires no second submit event, so there is no loop; the button's name goes along).
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || form.hasAttribute("hx-post") || !autosave.unsaved()) return;
      event.preventDefault();
      const submitter = event.submitter;
      autosave.flush().then(() => {
        if (submitter instanceof HTMLButtonElement && submitter.name) {
          const carried = document.createElement("input");
          carried.type = "hidden";
          carried.name = submitter.name;
          carried.value = submitter.value;
          form.append(carried);
        }
        form.submit();
      });
    },
    true,
  );

  // A form posted by htmx (adding an action, choosing a text) waits for the saves too.
  document.body.addEventListener("htmx:confirm", (event) => {
    if (!autosave.unsaved()) return;
    event.preventDefault();
    autosave.flush().then(() => event.detail.issueRequest(true));
  });

  window.addEventListener("beforeunload", (event) => {
    if (autosave.unsaved()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // The person chose to leave anyway (or the tab is closing): send what is left.
  window.addEventListener("pagehide", () => {
    for (const [key, text] of autosave.pendingTexts()) {
      const { textarea } = parts(key);
      if (!textarea) continue;
      const body = saveBody(key, text);
      body.append("csrfmiddlewaretoken", csrfToken());
      fetch(textarea.dataset.autosave, { method: "POST", body, keepalive: true, credentials: "same-origin" });
    }
  });

  pollForOthers(autosave);
}

function pollForOthers(autosave) {
  const note = document.getElementById("autosave-note");
  const url = note?.dataset.minutesUpdates;
  if (!url) return;
  let since = note.dataset.minutesSince || new Date().toISOString();
  async function poll() {
    if (document.visibilityState === "visible") {
      try {
        const response = await fetch(`${url}?after=${encodeURIComponent(since)}`, { credentials: "same-origin" });
        if (response.ok) {
          const data = await response.json();
          since = data.now;
          for (const entry of data.entries) showTheirs(autosave, entry);
        }
      } catch {
        // Offline for now: the next poll asks again from the same moment.
      }
    }
    setTimeout(poll, POLL_MS);
  }
  setTimeout(poll, POLL_MS);
}

function showTheirs(autosave, entry) {
  const { textarea, version, status } = parts(entry.id);
  if (!textarea || !version || Number(version.value) >= entry.version) return;
  // Unsaved typing of our own stays; its save will offer both texts and a merge.
  if (autosave.isDirty(entry.id)) return;
  textarea.value = entry.text;
  version.value = String(entry.version);
  autosave.track(entry.id, entry.text);
  if (status) {
    status.replaceChildren();
    const tag = document.createElement("strong");
    tag.className = "govuk-tag govuk-tag--blue";
    tag.textContent = `Updated by ${entry.by} at ${entry.at}`;
    status.append(tag);
  }
}
