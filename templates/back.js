// 戻る returns to where the user came from; without history (a page opened
// from a link in another app) the link's own address is used.
(function () {
  var links = document.querySelectorAll("a[data-back]");
  for (var i = 0; i < links.length; i++) {
    links[i].addEventListener("click", function (e) {
      if (window.history.length > 1 && document.referrer.indexOf(window.location.origin) === 0) {
        e.preventDefault();
        window.history.back();
      }
    });
  }
})();
