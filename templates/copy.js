// The values a user copies into the purchasing system (system login,
// password, Punchout URL, PO Request URL): a button copies each, and says
// so in its own words until the next click.
(function () {
  var buttons = document.querySelectorAll("button[data-copy]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function (e) {
      var button = e.currentTarget;
      var source = document.querySelector(button.getAttribute("data-copy"));
      if (!source || !navigator.clipboard) return;
      var text = source.value !== undefined ? source.value : source.textContent;
      navigator.clipboard.writeText(text.trim()).then(function () {
        button.textContent = button.getAttribute("data-copied");
        button.setAttribute("data-done", "");
      });
    });
  }
})();
