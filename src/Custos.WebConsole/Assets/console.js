// Progressive enhancement only: every page works without this script.
// Shows each <time datetime> in the viewer's own time zone.
(function () {
  "use strict";
  var format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  document.querySelectorAll("time[datetime]").forEach(function (element) {
    var at = new Date(element.getAttribute("datetime"));
    if (!isNaN(at.getTime())) {
      element.title = element.textContent;
      element.textContent = format.format(at);
    }
  });
})();
