// voicebot console: what every page shares. Plain JavaScript, no dependencies.
"use strict";
(function () {
  const lang = document.body.dataset.lang || "en";

  // Times are rendered in UTC by the server; show them in the reader's own zone.
  function localizeTimes(root) {
    const format = new Intl.DateTimeFormat(lang === "ru" ? "ru-RU" : "en-GB", {
      year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    });
    root.querySelectorAll("time[datetime]").forEach(function (el) {
      const when = new Date(el.getAttribute("datetime"));
      if (!isNaN(when)) {
        el.title = el.textContent;
        el.textContent = format.format(when);
      }
    });
  }

  // Live parts of a page: re-fetched every few seconds while the page is visible and
  // swapped in when they changed (never while the reader is inside them).
  function follow(el) {
    const url = el.dataset.refresh;
    const every = Math.max(1, Number(el.dataset.every || 5)) * 1000;
    let last = null;
    async function tick() {
      if (!document.hidden && !el.contains(document.activeElement)) {
        try {
          const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
          if (response.redirected || response.status === 401) {
            window.location.reload();
            return;
          }
          if (response.ok) {
            const html = await response.text();
            // The first answer is swapped in too: what changed between the page's render and
            // this first poll would otherwise never show.
            if (html !== last) {
              const finished = html.indexOf('data-final="1"') >= 0 && !el.querySelector("[data-final]");
              if (finished) {
                window.location.reload();
                return;
              }
              el.innerHTML = html;
              localizeTimes(el);
            }
            last = html;
          }
        } catch (err) {
          // offline for a moment: the next tick tries again
        }
      }
      window.setTimeout(tick, every);
    }
    window.setTimeout(tick, every);
  }

  // A form that asks first (cancelling a campaign cannot be undone). Delegated, so forms
  // swapped in by `follow` ask too.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    // A page answered to a form post shows the address it can be reloaded from.
    const canonical = document.querySelector("[data-canonical]");
    if (canonical && window.location.pathname !== canonical.dataset.canonical) {
      window.history.replaceState(null, "", canonical.dataset.canonical);
    }
    localizeTimes(document);
    document.querySelectorAll("[data-refresh]").forEach(follow);
    document.querySelectorAll("[data-refresh-page]").forEach(function (el) {
      const every = Math.max(1, Number(el.dataset.every || 5)) * 1000;
      window.setTimeout(function () { window.location.reload(); }, every);
    });
  });

  // For scripts that post JSON or text to the console's own endpoints.
  window.voicebot = {
    csrf: function () { return document.body.dataset.csrf || ""; },
    post: async function (url, body, contentType) {
      const response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": contentType, "x-csrf-token": document.body.dataset.csrf || "" },
        body: body,
      });
      let data = null;
      try { data = await response.json(); } catch (err) { data = null; }
      return { status: response.status, ok: response.ok, data: data };
    },
  };
})();
