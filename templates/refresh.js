// Reloads a page that waits for something (the reference buyer's order page
// until the confirmation and the ship notice arrive). The page says how long
// to wait in data-refresh on <main>; without the attribute nothing happens.
(function () {
  var main = document.querySelector("main[data-refresh]");
  if (!main) { return; }
  var seconds = parseInt(main.getAttribute("data-refresh"), 10) || 2;
  window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
})();
