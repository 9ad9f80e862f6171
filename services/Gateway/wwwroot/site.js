// Lists the creators from the public API; text is inserted with textContent, never as HTML.
(async () => {
  const list = document.getElementById('creators');
  try {
    const response = await fetch('/api/v1/creators', { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const creators = await response.json();
    list.replaceChildren();
    if (creators.length === 0) {
      list.append(Object.assign(document.createElement('li'), { textContent: 'No creators yet.' }));
    }
    for (const creator of creators) {
      const item = document.createElement('li');
      const name = Object.assign(document.createElement('strong'), { textContent: creator.name });
      const specialty = Object.assign(document.createElement('div'), { className: 'specialty', textContent: creator.specialty ?? '' });
      const description = Object.assign(document.createElement('div'), { textContent: creator.description ?? '' });
      item.append(name, specialty, description);
      list.append(item);
    }
  } catch (error) {
    list.replaceChildren(Object.assign(document.createElement('li'), { textContent: `Creators are unavailable right now (${error.message}).` }));
  }
})();
