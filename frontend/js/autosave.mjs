// The bookkeeping behind "nothing typed is lost" on the minutes page, without the
// DOM, so tests/js/autosave.test.mjs can drive it in node.
//
// Each section of the minutes is an entry, keyed "<item>-<section>". Typing calls
// edit(); a save follows `delay` ms after the last keystroke. Saves of one entry
// run one at a time, in order, and each sends the latest text. flush() saves
// everything not yet saved at once (before a link is followed or a form posted);
// unsaved() says whether leaving now could lose text (typed and not yet saved,
// being saved, refused, or in conflict with someone else's save).

/** @typedef {"saved" | "conflict" | "error"} Outcome */

/**
 * @param {{
 *   send: (key: string, text: string) => Promise<Outcome>,
 *   delay?: number,
 *   retryDelay?: number,
 *   onState?: (key: string, state: string) => void,
 *   timers?: { setTimeout: typeof setTimeout, clearTimeout: typeof clearTimeout },
 * }} options
 */
export function createAutosave({ send, delay = 1000, retryDelay = 5000, onState = () => {}, timers = globalThis }) {
  /** @type {Map<string, {text: string, saved: string, state: string, timer: any, chain: Promise<void>}>} */
  const entries = new Map();

  function entry(key) {
    let e = entries.get(key);
    if (!e) {
      e = { text: "", saved: "", state: "idle", timer: null, chain: Promise.resolve() };
      entries.set(key, e);
    }
    return e;
  }

  function setState(key, e, state) {
    e.state = state;
    onState(key, state);
  }

  function schedule(key, e, wait) {
    if (e.timer !== null) timers.clearTimeout(e.timer);
    e.timer = timers.setTimeout(() => {
      e.timer = null;
      save(key);
    }, wait);
  }

  /** The text as the page loaded it (or as the server now holds it): nothing to save. */
  function track(key, text) {
    const e = entry(key);
    if (e.timer !== null) timers.clearTimeout(e.timer);
    e.timer = null;
    e.text = text;
    e.saved = text;
    setState(key, e, "idle");
  }

  function edit(key, text) {
    const e = entry(key);
    e.text = text;
    // A conflict waits for the person to choose a text; saving again would only repeat it.
    if (e.state === "conflict") return;
    setState(key, e, "pending");
    schedule(key, e, delay);
  }

  async function attempt(key, e) {
    if (e.state === "conflict" || e.text === e.saved) {
      if (e.state !== "conflict") setState(key, e, "idle");
      return;
    }
    const text = e.text;
    setState(key, e, "saving");
    let outcome;
    try {
      outcome = await send(key, text);
    } catch {
      // No answer (the connection dropped): try again shortly, keep warning meanwhile.
      setState(key, e, "failed");
      schedule(key, e, retryDelay);
      return;
    }
    if (outcome === "saved") {
      e.saved = text;
      if (e.text === text) {
        setState(key, e, "idle");
      } else {
        setState(key, e, "pending");
        schedule(key, e, delay);
      }
    } else if (outcome === "conflict") {
      setState(key, e, "conflict");
    } else {
      setState(key, e, "failed");
    }
  }

  /** Save one entry now (after any save of it already running). */
  function save(key) {
    const e = entry(key);
    if (e.timer !== null) {
      timers.clearTimeout(e.timer);
      e.timer = null;
    }
    e.chain = e.chain.then(() => attempt(key, e));
    return e.chain;
  }

  /** Save everything not yet saved; resolves true when nothing is left unsaved. */
  async function flush() {
    await Promise.all([...entries.keys()].map((key) => save(key)));
    return !unsaved();
  }

  function unsaved() {
    for (const e of entries.values()) {
      if (e.state !== "idle" || e.text !== e.saved) return true;
    }
    return false;
  }

  /** What is still unsaved, for a last-chance send as the page goes away. */
  function pendingTexts() {
    return [...entries].filter(([, e]) => e.state !== "conflict" && e.text !== e.saved).map(([key, e]) => [key, e.text]);
  }

  function isDirty(key) {
    const e = entries.get(key);
    return Boolean(e && (e.text !== e.saved || e.state !== "idle"));
  }

  return { track, edit, save, flush, unsaved, pendingTexts, isDirty, state: (key) => entry(key).state };
}
