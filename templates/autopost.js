// Sends the returned cart to the purchasing system as soon as the page loads.
// Browsers without JavaScript show the form's button instead.
(function () {
  var form = document.getElementById("cart-return");
  if (form) { form.submit(); }
})();
