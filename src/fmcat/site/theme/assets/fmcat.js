// Copy buttons for permanent links: self-hosted, no dependencies.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-fmcat-copy]");
  if (!button) return;
  var url = new URL(button.getAttribute("data-fmcat-copy"), window.location.href).href;
  var label = button.textContent;
  var done = function () {
    button.textContent = "copied";
    setTimeout(function () { button.textContent = label; }, 1500);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(url).then(done, function () { window.prompt("Permanent link", url); });
  } else {
    window.prompt("Permanent link", url);
  }
});
