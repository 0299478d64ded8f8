// Shows the due date the chosen number of working days gives (Chinese working calendar),
// asking the server, which holds the calendar the administrator keeps.
(function () {
  var days = document.getElementById('assign-days');
  var priority = document.getElementById('assign-priority');
  var out = document.getElementById('due-preview');
  if (!days || !priority || !out) return;
  function policyDays() {
    var opt = priority.options[priority.selectedIndex];
    return opt ? opt.getAttribute('data-days') : '';
  }
  function update() {
    days.placeholder = policyDays();
    var n = days.value || policyDays();
    if (!n) { out.textContent = '—'; return; }
    fetch('/commission/due-date?workingDays=' + encodeURIComponent(n), { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) { out.textContent = body && body.due ? body.due + (body.provisional ? ' ' + (out.getAttribute('data-provisional') || '*') : '') : '—'; })
      .catch(function () { out.textContent = '—'; });
  }
  days.addEventListener('input', update);
  priority.addEventListener('change', update);
  update();
})();
