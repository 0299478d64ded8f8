// The print button (inline handlers are blocked by the content security policy).
document.getElementById('print-button')?.addEventListener('click', function () { window.print(); });
