// A table wider than the screen scrolls inside its wrapper; keyboard users can only scroll it if the
// wrapper takes focus, so a wrapper that overflows gets tabindex=0 (and loses it when it fits).
(function () {
  function mark() {
    document.querySelectorAll('.table-wrap').forEach(function (w) {
      if (w.scrollWidth > w.clientWidth + 1) w.setAttribute('tabindex', '0');
      else w.removeAttribute('tabindex');
    });
  }
  mark();
  window.addEventListener('resize', mark);
})();
