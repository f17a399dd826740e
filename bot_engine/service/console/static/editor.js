// The script editor: checks as you type (every issue marked on its line and column), the
// chat simulator of the unsaved text, and "save as new version". Plain JavaScript.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  const strings = JSON.parse(document.getElementById("editor-strings").textContent);
  const source = document.getElementById("source");
  const gutter = document.getElementById("gutter");
  const backdrop = document.getElementById("backdrop");
  const summary = document.getElementById("issues-summary");
  const issueList = document.getElementById("issues");
  const saveButton = document.getElementById("save");
  const saveResult = document.getElementById("save-result");
  const chat = document.getElementById("chat");
  const chatState = document.getElementById("chat-state");
  const chatResult = document.getElementById("chat-result");
  const chatForm = document.getElementById("chat-form");
  const chatInput = document.getElementById("chat-input");
  const variables = document.getElementById("sim-vars");

  let issues = [];
  let valid = false;
  let checkSeq = 0;
  let chatSeq = 0;
  let timer = null;
  let turns = [];

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) {
      return values[name] !== undefined ? String(values[name]) : all;
    });
  }
  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  // -- where an issue sits in the text -----------------------------------------------
  function lineStarts(text) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) { if (text[i] === "\n") { starts.push(i + 1); } }
    return starts;
  }
  function offsetOf(starts, text, line, column) {
    const index = Math.min(Math.max(1, line), starts.length) - 1;
    const lineEnd = index + 1 < starts.length ? starts[index + 1] - 1 : text.length;
    return Math.min(starts[index] + Math.max(1, column) - 1, lineEnd);
  }
  function markEnd(text, start) {
    let end = start;
    while (end < text.length && !/\s/.test(text[end])) { end++; }
    return end;
  }

  // -- drawing: the gutter's line numbers and marks, the backdrop's underlines ----------
  function draw() {
    const text = source.value;
    const starts = lineStarts(text);
    const byLine = {};
    issues.forEach(function (issue) {
      const kind = issue.severity === "error" ? "error" : "warning";
      if (byLine[issue.line] !== "error") { byLine[issue.line] = kind; }
    });
    const numbers = [];
    for (let n = 1; n <= starts.length; n++) {
      const kind = byLine[n];
      numbers.push('<span class="ln' + (kind ? " has-" + kind : "") + '" data-line="' + n + '">' + n + "</span>");
    }
    gutter.innerHTML = numbers.join("");

    const spans = issues.map(function (issue) {
      const start = offsetOf(starts, text, issue.line, issue.column);
      return { start: start, end: Math.max(start + 1, markEnd(text, start)), issue: issue };
    }).sort(function (a, b) { return a.start - b.start; });
    let html = "";
    let at = 0;
    spans.forEach(function (span) {
      if (span.start < at) { return; }
      const kind = span.issue.severity === "error" ? "error" : "warning";
      const marked = text.slice(span.start, span.end) || " ";
      html += escapeHtml(text.slice(at, span.start));
      html += '<mark class="' + kind + '" data-line="' + span.issue.line + '" data-column="' +
        span.issue.column + '">' + escapeHtml(marked.replace(/\n/g, " ")) + "</mark>";
      at = Math.min(text.length, span.end);
      if (marked === " " && text[span.start] === "\n") { at = span.start; }
    });
    html += escapeHtml(text.slice(at)) + "\n";
    backdrop.innerHTML = html;
    sync();
  }
  function sync() {
    backdrop.scrollTop = source.scrollTop;
    backdrop.scrollLeft = source.scrollLeft;
    gutter.scrollTop = source.scrollTop;
  }

  function showIssues() {
    issueList.innerHTML = "";
    const errors = issues.filter(function (i) { return i.severity === "error"; });
    source.setAttribute("aria-invalid", errors.length ? "true" : "false");
    summary.textContent = issues.length ? fill(strings.issues, { count: issues.length }) : strings.no_issues;
    issues.forEach(function (issue) {
      const item = document.createElement("li");
      item.className = issue.severity === "error" ? "error" : "warning";
      const button = document.createElement("button");
      button.type = "button";
      button.className = "issue";
      button.dataset.line = issue.line;
      button.dataset.column = issue.column;
      button.textContent = fill(strings.position, { line: issue.line, column: issue.column }) +
        ": " + issue.message + (issue.path ? " (" + issue.path + ")" : "");
      button.addEventListener("click", function () {
        const offset = offsetOf(lineStarts(source.value), source.value, issue.line, issue.column);
        source.focus();
        source.setSelectionRange(offset, markEnd(source.value, offset));
      });
      item.appendChild(button);
      issueList.appendChild(item);
    });
    draw();
  }

  // -- checks as you type ---------------------------------------------------------------
  async function check() {
    const seq = ++checkSeq;
    summary.textContent = strings.checking;
    const answer = await window.voicebot.post("/ui/api/validate", source.value, "application/yaml");
    if (seq !== checkSeq) { return; }
    if (answer.ok && answer.data) {
      issues = answer.data.issues || [];
      valid = Boolean(answer.data.valid);
    } else {
      const message = answer.data && answer.data.message ? answer.data.message : "HTTP " + answer.status;
      issues = (answer.data && answer.data.issues) || [{ line: 1, column: 1, severity: "error", message: message }];
      valid = false;
    }
    showIssues();
    converse();
  }
  source.addEventListener("input", function () {
    draw();
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 350);
  });
  source.addEventListener("scroll", sync);

  // -- the chat simulator -----------------------------------------------------------------
  function entry(role, text, detail) {
    const item = document.createElement("li");
    item.className = role;
    const who = document.createElement("span");
    who.className = "who";
    who.textContent = (strings[role] || role) + ":";
    item.appendChild(who);
    item.appendChild(document.createTextNode(" " + text));
    if (detail) {
      const nlu = document.createElement("span");
      nlu.className = "nlu";
      nlu.textContent = detail;
      item.appendChild(nlu);
    }
    chat.appendChild(item);
  }
  function understanding(turn) {
    const parts = [];
    const labels = { layer: strings.understood, intent: strings.intent,
      confidence: strings.confidence, runner_up: strings.runner_up };
    Object.keys(turn).forEach(function (key) {
      const raw = turn[key];
      if (["role", "text", "step"].indexOf(key) >= 0 || raw === null || raw === undefined) { return; }
      let value = typeof raw === "object" ? JSON.stringify(raw) : String(raw);
      if (key === "runner_up" && Array.isArray(raw) && raw.length === 2) {
        value = raw[0] + " (" + Number(raw[1]).toFixed(2) + ")";
      }
      parts.push((labels[key] || key) + ": " + value);
    });
    if (turn.step) { parts.unshift(strings.step + ": " + turn.step); }
    return parts.join(" · ");
  }
  async function converse() {
    if (!valid) {
      chatState.textContent = strings.has_errors;
      return;
    }
    const seq = ++chatSeq;
    const body = JSON.stringify({ script: source.value, variables: variables.value, turns: turns });
    const answer = await window.voicebot.post("/ui/api/simulate", body, "application/json");
    if (seq !== chatSeq) { return; }
    chat.innerHTML = "";
    chatResult.innerHTML = "";
    if (!answer.ok || !answer.data) {
      const data = answer.data || {};
      const details = (data.issues || []).map(function (i) { return (i.path ? i.path + ": " : "") + i.message; });
      chatState.textContent = [data.message || "HTTP " + answer.status].concat(details).join(" — ");
      return;
    }
    const transcript = answer.data.transcript || [];
    const last = transcript[transcript.length - 1];
    const ranOut = last && last.role === "event" && last.text === "caller hung up" &&
      turns[turns.length - 1] !== "/hangup";
    const shown = ranOut ? transcript.slice(0, -1) : transcript;
    shown.forEach(function (turn) {
      entry(turn.role, turn.text, turn.role === "caller" ? understanding(turn) : (turn.step ? strings.step + ": " + turn.step : ""));
    });
    chat.scrollTop = chat.scrollHeight;
    if (ranOut) {
      chatState.textContent = strings.waiting;
      chatInput.disabled = false;
      return;
    }
    chatState.textContent = strings.ended;
    chatInput.disabled = true;
    const result = answer.data.result;
    if (result) {
      const heading = document.createElement("h4");
      heading.textContent = strings.result;
      chatResult.appendChild(heading);
      const outcome = document.createElement("p");
      outcome.innerHTML = strings.outcome + ': <span class="badge outcome" id="chat-outcome"></span>';
      outcome.querySelector("span").textContent = result.outcome;
      chatResult.appendChild(outcome);
      if (result.fields && Object.keys(result.fields).length) {
        const fields = document.createElement("p");
        fields.textContent = strings.fields + ": " + JSON.stringify(result.fields);
        chatResult.appendChild(fields);
      }
    }
  }
  function say(line) {
    if (!line) { return; }
    turns.push(line);
    converse();
  }
  chatForm.addEventListener("submit", function (event) {
    event.preventDefault();
    const line = chatInput.value.trim();
    chatInput.value = "";
    say(line);
  });
  document.getElementById("chat-silence").addEventListener("click", function () { say("/silence"); });
  document.getElementById("chat-hangup").addEventListener("click", function () { say("/hangup"); });
  document.getElementById("chat-restart").addEventListener("click", function () {
    turns = [];
    chatInput.disabled = false;
    converse();
  });
  variables.addEventListener("change", converse);

  // -- save as a new version ----------------------------------------------------------------
  saveButton.addEventListener("click", async function () {
    saveButton.disabled = true;
    saveResult.textContent = "";
    const answer = await window.voicebot.post("/ui/api/scripts", source.value, "application/yaml");
    saveButton.disabled = false;
    if (answer.ok && answer.data) {
      const link = document.createElement("a");
      link.href = "/ui/scripts/" + encodeURIComponent(answer.data.script_id) + "?version=" + answer.data.version;
      link.textContent = fill(strings.saved, { version: answer.data.version });
      link.id = "saved-link";
      saveResult.appendChild(link);
      return;
    }
    const data = answer.data || {};
    saveResult.textContent = data.message || "HTTP " + answer.status;
    if (data.issues) {
      issues = data.issues;
      showIssues();
    }
  });

  draw();
  check();
});
