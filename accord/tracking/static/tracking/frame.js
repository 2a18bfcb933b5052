/* Tell the page embedding this form how tall it is, so that its iframe fits (see f.js). */
(function () {
  var id = document.body.getAttribute("data-form");
  function report() {
    if (window.parent !== window) {
      window.parent.postMessage({ accordForm: id, height: document.documentElement.scrollHeight }, "*");
    }
  }
  window.addEventListener("load", report);
  window.addEventListener("resize", report);
  report();
})();
