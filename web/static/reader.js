// A link to a page of a document by its anchor alone ("#side-437", as a citation gives it)
// reaches the window of sections the server sent, which may not hold that page: ask the server
// for the window that does. Links the reader makes carry "?side=" and need none of this.
(function () {
  "use strict";
  function toPage() {
    var match = /^#side-(\d+)$/.exec(window.location.hash);
    if (!match || document.getElementById("side-" + match[1])) {
      return;
    }
    var url = new URL(window.location.href);
    if (url.searchParams.get("side") === match[1]) {
      return; // asked for already: the document has no such page, and the page says so
    }
    url.searchParams.set("side", match[1]);
    window.location.replace(url.toString());
  }
  toPage();
  window.addEventListener("hashchange", toPage);
})();
