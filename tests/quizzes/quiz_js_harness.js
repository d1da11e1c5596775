// Runs trainer/static/js/quiz.js against a tiny fake page (node, no browser) and prints
// what the page shows after one autosave answered with the JSON given as argv[3].
"use strict";
const fs = require("fs");
const vm = require("vm");

const [script, replyJson, answer] = [process.argv[2], process.argv[3], process.argv[4]];
const reply = JSON.parse(replyJson);

function classList() {
  const names = new Set();
  return {
    names,
    toggle(name, on) { if (on) { names.add(name); } else { names.delete(name); } },
  };
}

const listeners = {};
const sent = [];
const radios = ["A", "B", "C"].map((key) => ({type: "radio", value: key, checked: false}));
const marker = {type: "hidden", name: "q5-seen", value: "shown-at"};
const fieldset = {
  classList: classList(),
  attrs: {"data-question": "5", "data-type": "single", "data-seq": "0"},
  getAttribute(name) { return this.attrs[name]; },
  querySelectorAll(selector) {
    return selector === "input:not([type=hidden])" ? radios : [...radios, marker];
  },
};
const status = {textContent: "", className: ""};
const form = {
  dataset: {saveUrl: "/attempts/1/answers/0", csrf: "t", msgSaving: "saving",
            msgSaved: "saved", msgFailed: "failed", msgStale: "stale", msgLeave: "leave"},
  querySelectorAll() { return [fieldset]; },
  querySelector(selector) { return selector === "input[name='q5-seen']" ? marker : null; },
  addEventListener(type, fn) { listeners["form:" + type] = fn; },
};
const document = {
  getElementById(id) {
    return {"quiz-form": form, "quiz-status": status, "q5": fieldset}[id] || null;
  },
};
const window = {
  fetch(url, options) {
    sent.push({url, body: JSON.parse(options.body)});
    return Promise.resolve({ok: true, status: 200, json: () => Promise.resolve(reply)});
  },
  addEventListener(type, fn) { listeners["window:" + type] = fn; },
  setTimeout(fn) { Promise.resolve().then(fn); return 1; },
  clearTimeout() {},
  setInterval() { return 1; },
  clearInterval() {},
  confirm() { return true; },
};

vm.runInNewContext(fs.readFileSync(script, "utf8"), {window, document});
radios.find((radio) => radio.value === answer).checked = true;
listeners["form:change"]({target: {closest: () => fieldset}});

setTimeout(() => {
  let warned = false;
  listeners["window:beforeunload"]({preventDefault() { warned = true; }});
  process.stdout.write(JSON.stringify({
    status: status.className, text: status.textContent, sent,
    unsaved: fieldset.classList.names.has("quiz-unsaved"), marker: marker.value,
    warnsOnLeave: warned,
  }));
}, 50);
