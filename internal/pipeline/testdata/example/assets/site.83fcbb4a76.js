// castfeed site: the player's chapters and transcript, and the feed URL's
// copy button. The pages are complete without it: chapters and cues are
// #t=SECONDS links, which this script turns into seeks.
(function () {
  'use strict';
  var doc = document;
  function all(sel, root) { return Array.prototype.slice.call((root || doc).querySelectorAll(sel)); }

  all('[data-copy]').forEach(function (b) {
    var input = doc.getElementById(b.getAttribute('data-copy'));
    var status = b.parentNode.querySelector('.copied');
    if (!input || !navigator.clipboard) return;
    b.hidden = false;
    b.addEventListener('click', function () {
      navigator.clipboard.writeText(input.value).then(function () {
        if (status) status.textContent = 'Copied';
      }, function () {
        input.select();
        if (status) status.textContent = 'Press Ctrl+C to copy';
      });
    });
  });

  all('.toggle').forEach(function (b) {
    var target = doc.getElementById(b.getAttribute('aria-controls'));
    if (!target) return;
    b.hidden = false;
    b.setAttribute('aria-expanded', 'false');
    target.hidden = true;
    b.addEventListener('click', function () {
      var open = b.getAttribute('aria-expanded') !== 'true';
      b.setAttribute('aria-expanded', open ? 'true' : 'false');
      target.hidden = !open;
    });
  });

  var audio = doc.querySelector('audio[data-player]');
  if (!audio) return;
  var reduced = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  function timed(sel) {
    return all(sel).map(function (el) {
      return { el: el, start: parseFloat(el.getAttribute('data-start')), end: parseFloat(el.getAttribute('data-end')) };
    });
  }
  var chapters = timed('[data-chapters] [data-start]');
  var cues = timed('[data-cues] [data-start]');
  var box = doc.querySelector('[data-cues]');
  var now = doc.querySelector('[data-now]');
  var controls = doc.querySelector('.controls');
  if (controls) controls.hidden = false;

  // at returns the index of the last item starting at or before t, or -1;
  // items are in order, so a binary search serves long transcripts.
  function at(items, t) {
    var lo = 0, hi = items.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (items[mid].start <= t + 0.001) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }
  function mark(items, i, prev, current) {
    if (i === prev) return prev;
    if (prev >= 0) { items[prev].el.classList.remove('current'); current(items[prev].el, false); }
    if (i >= 0) { items[i].el.classList.add('current'); current(items[i].el, true); }
    return i;
  }
  var chapter = -1, cue = -1;
  function update() {
    var t = audio.currentTime;
    chapter = mark(chapters, at(chapters, t), chapter, function (el, on) {
      var a = el.querySelector('a');
      if (on) a.setAttribute('aria-current', 'true'); else a.removeAttribute('aria-current');
    });
    var c = at(cues, t);
    if (c >= 0 && !isNaN(cues[c].end) && t >= cues[c].end) c = -1;
    var before = cue;
    cue = mark(cues, c, cue, function (el, on) {
      if (on) el.setAttribute('aria-current', 'true'); else el.removeAttribute('aria-current');
    });
    if (cue !== before && cue >= 0 && box && !audio.paused) {
      var el = cues[cue].el;
      var top = el.offsetTop - box.offsetTop - box.clientHeight / 3;
      box.scrollTo({ top: Math.max(0, top), behavior: reduced ? 'auto' : 'smooth' });
    }
    if (now) now.textContent = clock(t) + (isFinite(audio.duration) ? ' / ' + clock(audio.duration) : '');
  }
  function clock(t) {
    t = Math.floor(t);
    var h = Math.floor(t / 3600), m = Math.floor(t / 60) % 60, s = t % 60;
    var two = function (n) { return (n < 10 ? '0' : '') + n; };
    return (h ? h + ':' + two(m) : m) + ':' + two(s);
  }
  function seek(t, play) {
    if (isNaN(t)) return;
    var go = function () {
      audio.currentTime = t;
      update();
      if (play) { var p = audio.play(); if (p && p.catch) p.catch(function () {}); }
    };
    if (audio.readyState >= 1) go(); else audio.addEventListener('loadedmetadata', go, { once: true });
  }
  function fromHash(hash) {
    var m = /^#t=(\d+(?:\.\d+)?)$/.exec(hash || '');
    return m ? parseFloat(m[1]) : NaN;
  }

  doc.addEventListener('click', function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    var a = e.target.closest('a[href^="#t="]');
    var p = a ? null : e.target.closest('[data-cues] [data-start]');
    if (p && e.target.closest('a')) return;
    var t = a ? fromHash(a.getAttribute('href')) : p ? parseFloat(p.getAttribute('data-start')) : NaN;
    if (isNaN(t)) return;
    e.preventDefault();
    if (history.replaceState) history.replaceState(null, '', '#t=' + t);
    seek(t, true);
  });
  all('[data-skip]').forEach(function (b) {
    b.addEventListener('click', function () {
      seek(Math.max(0, audio.currentTime + parseFloat(b.getAttribute('data-skip'))), false);
    });
  });
  window.addEventListener('hashchange', function () { seek(fromHash(location.hash), false); });
  audio.addEventListener('timeupdate', update);
  audio.addEventListener('seeked', update);
  seek(fromHash(location.hash), false);
  update();
})();
