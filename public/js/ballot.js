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
  // The unit's answer as the page shows it now (rating, score or don't know, with the comment), or null.
  function answerOf(unitId) {
    var el = function (sel) { return form.querySelector(sel); };
    var comment = el('[name="c_' + unitId + '"]');
    var answer = { unitId: unitId };
    if (comment && comment.value.trim()) answer.comment = comment.value.trim();
    var unknown = el('input[name="u_' + unitId + '"]');
    var radio = el('input[name="r_' + unitId + '"]:checked');
    var number = el('input[type=number][name="r_' + unitId + '"]');
    if (unknown && unknown.checked) answer.rating = 'unknown';
    else if (radio) answer.rating = radio.value;
    else if (number && /^\d{1,3}$/.test(number.value)) answer.score = Number(number.value);
    else return null;
    return answer;
  }
  form.addEventListener('change', function (ev) {
    var input = ev.target;
    var m = /^[ruc]_([a-f0-9]{24})$/.exec(input.name || '');
    if (!m) return;
    var rating = answerOf(m[1]);
    if (!rating) return;
    // One save at a time, in the order chosen, so the count shown is the count stored.
    queue = queue.then(function () {
      return fetch('/api/v1/ballots/' + encodeURIComponent(code), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ratings: [rating] }) })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (view) { show(view); if (view) input.closest('.ballot-unit').setAttribute('data-saved', 'true'); })
        .catch(function () { /* the submit button still saves everything */ });
    });
  });
})();
