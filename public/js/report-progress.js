// A report being generated: polls its status and reloads the page once it is done or failed.
(function () {
  var box = document.getElementById('report-progress');
  if (!box) return;
  var bar = document.getElementById('report-progress-bar');
  var url = box.getAttribute('data-status-url');
  function poll() {
    fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (s && (s.status === 'done' || s.status === 'failed')) return window.location.reload();
        if (s && bar) { bar.value = s.progress; bar.textContent = s.progress + '%'; }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
