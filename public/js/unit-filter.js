// Narrows the long unit list as the citizen types (70 units; phones make scrolling painful).
// Progressive enhancement: without JavaScript the plain select still works.
(function () {
  var input = document.getElementById('unit-filter');
  var select = document.getElementById('unitId');
  if (!input || !select) return;
  input.hidden = false;
  var options = Array.prototype.slice.call(select.querySelectorAll('option'));
  input.addEventListener('input', function () {
    var q = input.value.trim().toLowerCase();
    var first = null;
    options.forEach(function (o) {
      var match = !o.value || !q || o.textContent.toLowerCase().indexOf(q) !== -1;
      o.hidden = !match;
      if (match && o.value && !first) first = o;
    });
    select.querySelectorAll('optgroup').forEach(function (g) {
      g.hidden = !Array.prototype.some.call(g.children, function (o) { return !o.hidden; });
    });
    if (q && first) select.value = first.value;
  });
})();
