// The dashboard's and the rankings' charts (Chart.js, served by the app). Every chart has a table
// beside it holding the same numbers, for screen readers and printing; the canvas is decoration.
(function () {
  if (!window.Chart) return;
  document.querySelectorAll('canvas.oversight-chart').forEach(function (canvas) {
    var c = JSON.parse(canvas.getAttribute('data-chart'));
    var scales = { x: { stacked: !!c.stacked }, y: { stacked: !!c.stacked, beginAtZero: true } };
    if (c.percent) {
      scales.y.max = 1;
      scales.y.ticks = { callback: function (v) { return Math.round(v * 100) + '%'; } };
    }
    if (c.reverse) scales.y = { reverse: true, beginAtZero: false, ticks: { precision: 0 } };
    new window.Chart(canvas, {
      type: c.type,
      data: { labels: c.labels, datasets: c.datasets.map(function (d) { return { label: d.label, data: d.data, tension: 0.2, spanGaps: true }; }) },
      options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: c.datasets.length <= 26, position: 'bottom' } }, scales: scales },
    });
  });
})();
