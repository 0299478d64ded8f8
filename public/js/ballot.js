// Saves each rating as soon as it is chosen (PUT /api/v1/ballots/:code, authenticated by the
// ballot's code alone), and keeps the progress count; without JavaScript the form posts the lot.
(function () {
  var form = document.getElementById('ballot-form');
  if (!form || !window.fetch) return;
  var code = form.getAttribute('data-code');
  var progress = document.getElementById('progress');
  var text = document.getElementById('progress-text');
  var template = form.getAttribute('data-progress-template') || '{rated}/{total}';
  var queue = Promise.resolve();
  function show(view) {
    if (!view) return;
    progress.value = view.rated;
    progress.max = view.total;
    text.textContent = template.replace('{rated}', view.rated).replace('{total}', view.total);
  }
  form.addEventListener('change', function (ev) {
    var input = ev.target;
    var m = /^r_([a-f0-9]{24})$/.exec(input.name || '');
    if (!m || input.value === '') return;
    var rating = /^\d+$/.test(input.value) ? { unitId: m[1], score: Number(input.value) } : { unitId: m[1], rating: input.value };
    // One save at a time, in the order chosen, so the count shown is the count stored.
    queue = queue.then(function () {
      return fetch('/api/v1/ballots/' + encodeURIComponent(code), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ratings: [rating] }) })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (view) { show(view); if (view) input.closest('.ballot-unit').setAttribute('data-saved', 'true'); })
        .catch(function () { /* the submit button still saves everything */ });
    });
  });
})();
