// structkit 3D view: draws the complex, its sites, interactions and mutant models with 3Dmol.js.
// Written for structkit; the data comes from the page's "structkit-data" JSON block
// (structkit/analysis/presentation/views.py). No network access: everything is in the page.
(function () {
  const D = JSON.parse(document.getElementById('structkit-data').textContent);
  const viewer = $3Dmol.createViewer(document.getElementById('viewer'), {backgroundColor: 'white'});
  const wild = viewer.addModel(D.pdb, 'pdb');
  const select = document.getElementById('mutation');
  const showWild = document.getElementById('wild');
  const showLines = document.getElementById('lines');
  let mutant = null;
  let shapes = [];

  function siteSelection(number) {
    return {model: wild, resi: number, not: {atom: ['N', 'C', 'O']}};
  }

  function styleBase() {
    viewer.setStyle({model: wild}, {cartoon: {color: '#d0d0d0', opacity: 0.85}});
    for (const site of D.sites) {
      const colours = {C: site.colour, N: '#3050f8', O: '#ff0d0d', S: '#ffff30'};
      viewer.addStyle(siteSelection(site.resnum),
                      {stick: {radius: 0.16, colorscheme: {prop: 'elem', map: colours}}});
    }
    if (D.ligand) {
      viewer.setStyle({model: wild, resn: D.ligand}, {stick: {radius: 0.22, colorscheme: 'whiteCarbon'}});
    }
  }

  function dashed(a, b, colour, label) {
    shapes.push(viewer.addCylinder({
      start: {x: a[0], y: a[1], z: a[2]}, end: {x: b[0], y: b[1], z: b[2]},
      radius: 0.06, color: colour, dashed: true, fromCap: 1, toCap: 1,
    }));
    if (label) {
      viewer.addLabel(label, {
        position: {x: (a[0] + b[0]) / 2, y: (a[1] + b[1]) / 2, z: (a[2] + b[2]) / 2},
        fontSize: 10, fontColor: 'black', backgroundColor: 'white', backgroundOpacity: 0.7,
        showBackground: true,
      });
    }
  }

  function fillList(id, items) {
    const list = document.getElementById(id);
    list.innerHTML = '';
    if (!items.length) {
      list.innerHTML = '<li class="muted">none</li>';
      return;
    }
    for (const text of items) {
      const item = document.createElement('li');
      item.textContent = text;
      list.appendChild(item);
    }
  }

  function fillNumbers(rows) {
    const body = document.getElementById('numbers');
    body.innerHTML = '';
    for (const [key, value] of rows) {
      const row = document.createElement('tr');
      const name = document.createElement('td');
      name.textContent = key;
      const number = document.createElement('td');
      number.className = 'v';
      number.textContent = value;
      row.append(name, number);
      body.appendChild(row);
    }
  }

  function draw() {
    for (const shape of shapes) viewer.removeShape(shape);
    viewer.removeAllLabels();
    shapes = [];
    if (mutant) {
      viewer.removeModel(mutant);
      mutant = null;
    }
    styleBase();
    const m = D.mutants[select.value];
    const lines = m ? D.interactions.filter(l => !m.sites.includes(l.resnum)).concat(m.lines)
                    : D.interactions;
    if (showLines.checked) {
      for (const l of lines) dashed(l.from, l.to, D.interaction_colours[l.type], null);
    }
    if (m) {
      mutant = viewer.addModel(m.pdb, 'pdb');
      viewer.setStyle({model: mutant}, {stick: {radius: 0.2, colorscheme: 'magentaCarbon'}});
      for (const n of m.sites) {
        viewer.setStyle(siteSelection(n), showWild.checked
          ? {stick: {radius: 0.12, colorscheme: 'greenCarbon'}} : {});
      }
      for (const c of m.clashes) dashed(c.from, c.to, '#e00000', c.overlap.toFixed(2) + ' Å');
      fillNumbers(m.numbers);
      fillList('removed', m.removed);
      fillList('added', m.added);
      document.getElementById('mutant-info').style.display = '';
      if (decodeURIComponent(location.hash.slice(1)) !== select.value) {
        history.replaceState(null, '', '#' + encodeURIComponent(select.value));
      }
    } else {
      document.getElementById('mutant-info').style.display = 'none';
    }
    viewer.zoomTo(D.ligand ? {model: wild, resn: D.ligand} : {model: wild});
    viewer.zoom(0.55);
    viewer.render();
    document.body.dataset.rendered = select.value || 'wild type';
  }

  for (const key of Object.keys(D.mutants)) {
    const option = document.createElement('option');
    option.value = key;
    option.textContent = key;
    select.appendChild(option);
  }
  // an address naming a mutation the view has no model of opens the wild type, not another mutant
  const wanted = decodeURIComponent(location.hash.slice(1));
  select.value = wanted ? (wanted in D.mutants ? wanted : '') : (D.default || '');
  select.addEventListener('change', draw);
  showWild.addEventListener('change', draw);
  showLines.addEventListener('change', draw);
  window.addEventListener('hashchange', () => {
    const key = decodeURIComponent(location.hash.slice(1));
    if (key in D.mutants && key !== select.value) {
      select.value = key;
      draw();
    }
  });
  const legend = document.getElementById('legend');
  for (const site of D.sites) {
    const item = document.createElement('li');
    const key = document.createElement('span');
    key.className = 'key';
    key.style.background = site.colour;
    item.append(key, site.label + ' ' + site.region);
    legend.appendChild(item);
  }
  draw();
})();
