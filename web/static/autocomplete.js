// Progressive enhancement: suggest titles and names from /api/autocomplete while typing.
// The search form works the same without it.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("forslag");
  if (!input || !list || !window.fetch) { return; }
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var text = input.value.trim();
    if (text.length < 2) { return; }
    timer = setTimeout(function () {
      fetch("/api/autocomplete?q=" + encodeURIComponent(text))
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) {
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
