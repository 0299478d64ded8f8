// Long actions say they are working. A form with data-busy (an import, an upload) disables its
// submit buttons on submit and shows the text until the next page arrives; a link with data-busy
// (an export) shows it while the file is generated (the browser's own download bar takes over).
(function () {
  function say(after, text) {
    var note = after.parentNode.querySelector('.busy[data-for="' + after.id + '"]');
    if (!note) {
      note = document.createElement('p');
      note.className = 'busy';
      note.setAttribute('role', 'status');
      note.setAttribute('data-for', after.id);
      after.insertAdjacentElement('afterend', note);
    }
    note.textContent = text;
    return note;
  }
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.busy || e.defaultPrevented) return;
    form.setAttribute('aria-busy', 'true');
    form.querySelectorAll('button[type=submit], input[type=submit]').forEach(function (b) {
      // Disabled after the browser has read the form, so the button's own value is still sent.
      setTimeout(function () { b.disabled = true; }, 0);
    });
    say(form, form.dataset.busy);
  });
  document.addEventListener('click', function (e) {
    var link = e.target instanceof Element ? e.target.closest('a[data-busy]') : null;
    if (!link) return;
    var note = say(link, link.dataset.busy);
    // A download leaves the page where it is: the note goes once the file has had time to start.
    setTimeout(function () { note.textContent = ''; }, 8000);
  });
})();
