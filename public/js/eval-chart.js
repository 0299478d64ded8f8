// Each unit's total over the published years, per series (Chart.js, served by the app; the table
// beside each chart holds the same numbers for screen readers and printing).
(function () {
  if (!window.Chart) return;
  document.querySelectorAll('canvas.eval-chart').forEach(function (canvas) {
    var data = JSON.parse(canvas.getAttribute('data-chart'));
    new window.Chart(canvas, {
      type: 'line',
      data: { labels: data.years, datasets: data.units.map(function (u) { return { label: u.code, data: u.totals, tension: 0.2 }; }) },
      options: { responsive: true, plugins: { legend: { display: data.units.length <= 26, position: 'bottom' } }, scales: { y: { suggestedMin: 0, suggestedMax: 100 } } },
    });
  });
})();
