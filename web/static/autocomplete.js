// Progressive enhancement: suggest titles and names from /api/autocomplete while typing.
// The search form works the same without it.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("forslag");
  if (!input || !list || !window.fetch) { return; }
  var timer = null;
  // Only the answer to the newest request is shown: a slow answer to an older text came after
  // a newer one and put back suggestions for what had been typed before.
  var asked = 0;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var text = input.value.trim();
    var request = ++asked;
    if (text.length < 2) {
      // Suggestions for a longer text no longer fit what is typed.
      list.replaceChildren();
      return;
    }
    timer = setTimeout(function () {
      fetch("/api/autocomplete?q=" + encodeURIComponent(text))
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) {
          if (request !== asked) { return; }
          list.replaceChildren.apply(list, data.suggestions.map(function (suggestion) {
            var option = document.createElement("option");
            option.value = suggestion;
            return option;
          }));
        })
        .catch(function () { /* suggestions are optional */ });
    }, 150);
  });
})();
