/* Studio page: report the editor's save/cancel notifications (XBlock runtime.notify) to the author. */
(function () {
  "use strict";
  var status = document.getElementById("studio-status");
  var labels = JSON.parse(document.getElementById("studio-labels").textContent);
  document.addEventListener("xblock:save", function (event) {
    var state = event.detail.state;
    status.textContent = state === "start" ? labels.saving : state === "end" ? labels.saved : "";
  });
  document.addEventListener("xblock:error", function (event) {
    status.textContent = event.detail.message || labels.error;
  });
  document.addEventListener("xblock:cancel", function () { window.history.back(); });
}());
