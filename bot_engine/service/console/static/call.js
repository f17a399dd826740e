// The call page: the recording's player, its timeline, and seeking from marks and turns.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  const player = document.getElementById("player");
  if (!player) { return; }
  const svg = document.getElementById("timeline");
  const head = document.getElementById("playhead");
  let stopAt = null;

  function length() {
    if (isFinite(player.duration) && player.duration > 0) { return player.duration; }
    return Number(svg ? svg.dataset.duration : 0) || 0;
  }
  function draw() {
    const total = length();
    if (head && total > 0) {
      const pct = Math.min(100, player.currentTime / total * 100) + "%";
      head.setAttribute("x1", pct);
      head.setAttribute("x2", pct);
    }
    if (stopAt !== null && player.currentTime >= stopAt) {
      player.pause();
      stopAt = null;
    }
  }
  function play(start, end) {
    stopAt = end;
    player.currentTime = start;
    const started = player.play();
    if (started && started.catch) { started.catch(function () { /* the reader pressed pause */ }); }
  }
  player.addEventListener("timeupdate", draw);
  player.addEventListener("seeked", draw);
  player.addEventListener("playing", function loop() {
    draw();
    if (!player.paused) { window.requestAnimationFrame(function () { if (!player.paused) { loop(); } }); }
  });

  if (svg) {
    svg.addEventListener("click", function (event) {
      const box = svg.getBoundingClientRect();
      const total = length();
      if (box.width > 0 && total > 0) {
        play((event.clientX - box.left) / box.width * total, null);
      }
    });
  }
  document.addEventListener("click", function (event) {
    const target = event.target.closest(".seek, .play-span");
    if (!target) { return; }
    event.preventDefault();
    const start = Number(target.dataset.start || 0);
    const end = target.dataset.end !== undefined ? Number(target.dataset.end) : null;
    play(start, end);
  });
});
