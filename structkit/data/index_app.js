// structkit results page: sortable, filterable tables whose rows open 3D views.
// Written for structkit (structkit/analysis/presentation/html_report.py); no network access.
(function () {
  function cellValue(cell, type) {
    if (type === 'number') {
      const v = cell.dataset.value;
      return v === undefined ? NaN : parseFloat(v);
    }
    return cell.textContent.toLowerCase();
  }

  function sortBy(table, index, descending) {
    const body = table.tBodies[0];
    const type = table.tHead.rows[0].cells[index].dataset.type;
    const rows = Array.from(body.rows);
    rows.sort((a, b) => {
      const x = cellValue(a.cells[index], type);
      const y = cellValue(b.cells[index], type);
      if (type === 'number') {
        if (isNaN(x) && isNaN(y)) return 0;
        if (isNaN(x)) return 1;  // empty cells last, whatever the direction
        if (isNaN(y)) return -1;
        return descending ? y - x : x - y;
      }
      return descending ? y.localeCompare(x) : x.localeCompare(y);
    });
    for (const row of rows) body.appendChild(row);
  }

  function count(table) {
    const shown = Array.from(table.tBodies[0].rows).filter(r => r.style.display !== 'none').length;
    const label = document.querySelector('.count[data-table="' + table.id + '"]');
    if (label) label.textContent = shown + ' of ' + table.tBodies[0].rows.length + ' rows';
  }

  for (const table of document.querySelectorAll('table.sortable')) {
    const headers = Array.from(table.tHead.rows[0].cells);
    headers.forEach((header, index) => {
      header.addEventListener('click', () => {
        const descending = header.classList.contains('asc');
        headers.forEach(h => h.classList.remove('asc', 'desc'));
        header.classList.add(descending ? 'desc' : 'asc');
        sortBy(table, index, descending);
      });
    });
    for (const row of table.tBodies[0].rows) {
      if (row.dataset.href) {
        row.addEventListener('click', event => {
          if (event.target.tagName !== 'A') window.location.href = row.dataset.href;
        });
      }
    }
    count(table);
  }

  for (const box of document.querySelectorAll('input.filter')) {
    box.addEventListener('input', () => {
      const table = document.getElementById(box.dataset.table);
      const words = box.value.toLowerCase().split(/\s+/).filter(w => w);
      for (const row of table.tBodies[0].rows) {
        const text = row.textContent.toLowerCase();
        row.style.display = words.every(w => text.includes(w)) ? '' : 'none';
      }
      count(table);
    });
  }
})();
