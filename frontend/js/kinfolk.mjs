// Kinfolk's only entry point. Loaded as <script type="module"> at the end of
// <body>; the CSP forbids inline scripts, so everything a page needs from
// JavaScript starts here.
import { initAll as initGovukFrontend } from "./govuk-frontend.min.js";
import { initAll as initMojFrontend } from "./moj-frontend.min.js";
import { initMinutesPage } from "./minutes.mjs";

// GOV.UK Frontend (5+) only enhances components when <body> carries this class.
// Browsers that cannot run ES modules never get here, so they keep the plain,
// fully working HTML — the progressive enhancement GOV.UK Frontend relies on.
document.body.classList.add("js-enabled", "govuk-frontend-supported");

/**
 * Initialise GOV.UK and MOJ components inside `scope` (the whole document by
 * default, or a fragment htmx has just swapped in).
 * @param {Document | Element} scope
 */
function initComponents(scope) {
  initGovukFrontend({ scope });
  initMojFrontend(scope);
}

initComponents(document);

// htmx sends the CSRF token with every request it makes. The token is read
// from <meta name="csrf-token"> in base.html at request time, so a page left
// open across a sign-in still sends the current token.
document.body.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta instanceof HTMLMetaElement && meta.content) {
    event.detail.headers["X-CSRFToken"] = meta.content;
  }
});

// Components in fragments swapped in by htmx need initialising too. GOV.UK
// Frontend marks initialised elements, so the rest of the page is untouched.
document.body.addEventListener("htmx:load", (event) => {
  if (event.target instanceof Element && event.target !== document.body) {
    initComponents(event.target);
  }
});

// The minutes page saves as you type and loses nothing on leaving (minutes.mjs).
if (document.querySelector("textarea[data-autosave]")) {
  initMinutesPage();
}
