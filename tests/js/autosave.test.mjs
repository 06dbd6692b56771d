// The autosave bookkeeping of the minutes page (frontend/js/autosave.mjs), in node:
// run by tests/supervision/test_autosave_js.py, or `node --test tests/js/`.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createAutosave } from "../../frontend/js/autosave.mjs";

// Timers that fire only when the test says so.
function manualTimers() {
  const pending = new Map();
  let next = 1;
  return {
    setTimeout(fn) {
      const id = next++;
      pending.set(id, fn);
      return id;
    },
    clearTimeout(id) {
      pending.delete(id);
    },
    fireAll() {
      const fns = [...pending.values()];
      pending.clear();
      for (const fn of fns) fn();
    },
    get count() {
      return pending.size;
    },
  };
}

function recorder(outcomes = {}) {
  const sent = [];
  return {
    sent,
    send: async (key, text) => {
      sent.push([key, text]);
      const outcome = outcomes[text];
      if (outcome instanceof Error) throw outcome;
      return outcome ?? "saved";
    },
  };
}

test("typing saves the latest text once the pause is over, and only then", async () => {
  const timers = manualTimers();
  const server = recorder();
  const autosave = createAutosave({ send: server.send, timers });
  autosave.track("1-worries", "");
  autosave.edit("1-worries", "M");
  autosave.edit("1-worries", "Missed school");
  assert.equal(server.sent.length, 0);
  assert.equal(autosave.unsaved(), true);
  timers.fireAll();
  await autosave.flush();
  assert.deepEqual(server.sent, [["1-worries", "Missed school"]]);
  assert.equal(autosave.unsaved(), false);
});

test("flush saves at once what is still waiting for the pause", async () => {
  const timers = manualTimers();
  const server = recorder();
  const autosave = createAutosave({ send: server.send, timers });
  autosave.track("1-decisions", "");
  autosave.edit("1-decisions", "Step down");
  assert.equal(await autosave.flush(), true);
  assert.deepEqual(server.sent, [["1-decisions", "Step down"]]);
  assert.equal(timers.count, 0);
});

test("text typed during a save is saved after it, never lost", async () => {
  const timers = manualTimers();
  let release;
  const sent = [];
  const send = (key, text) => {
    sent.push(text);
    if (sent.length === 1) return new Promise((resolve) => (release = () => resolve("saved")));
    return Promise.resolve("saved");
  };
  const autosave = createAutosave({ send, timers });
  autosave.track("1-discussion", "");
  autosave.edit("1-discussion", "First");
  const first = autosave.save("1-discussion");
  while (!release) await new Promise((resolve) => setImmediate(resolve));
  // "First" is on its way to the server; the minute-taker keeps typing.
  autosave.edit("1-discussion", "First and second");
  const flushed = autosave.flush();
  assert.equal(autosave.unsaved(), true, "still saving");
  release();
  await first;
  assert.equal(await flushed, true);
  assert.deepEqual(sent, ["First", "First and second"]);
});

test("a conflict stops saving and keeps warning until it is resolved", async () => {
  const timers = manualTimers();
  const server = recorder({ Mine: "conflict" });
  const autosave = createAutosave({ send: server.send, timers });
  autosave.track("1-worries", "");
  autosave.edit("1-worries", "Mine");
  assert.equal(await autosave.flush(), false);
  assert.equal(autosave.state("1-worries"), "conflict");
  autosave.edit("1-worries", "Mine, more");
  assert.equal(await autosave.flush(), false);
  assert.equal(server.sent.length, 1, "a conflict is not sent again");
  autosave.track("1-worries", "Merged");
  assert.equal(autosave.unsaved(), false);
});

test("a save that gets no answer is retried, and warns meanwhile", async () => {
  const timers = manualTimers();
  let down = true;
  const sent = [];
  const send = async (key, text) => {
    sent.push(text);
    if (down) throw new TypeError("Failed to fetch");
    return "saved";
  };
  const states = [];
  const autosave = createAutosave({ send, timers, onState: (key, state) => states.push(state) });
  autosave.track("1-strengths", "");
  autosave.edit("1-strengths", "Grandmother");
  assert.equal(await autosave.flush(), false);
  assert.equal(autosave.state("1-strengths"), "failed");
  assert.equal(autosave.unsaved(), true);
  assert.equal(timers.count, 1, "a retry is scheduled");
  down = false;
  timers.fireAll();
  assert.equal(await autosave.flush(), true);
  assert.deepEqual(sent, ["Grandmother", "Grandmother"]);
  assert.ok(states.includes("failed"));
});

test("pending texts are what a closing page still has to send", async () => {
  const timers = manualTimers();
  const autosave = createAutosave({ send: recorder().send, timers });
  autosave.track("1-a", "same");
  autosave.track("1-b", "");
  autosave.edit("1-b", "typed");
  assert.deepEqual(autosave.pendingTexts(), [["1-b", "typed"]]);
  assert.equal(autosave.isDirty("1-a"), false);
  assert.equal(autosave.isDirty("1-b"), true);
});
