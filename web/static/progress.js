// Live progress on the run pages, without reloading them.
//
// Every run on the page that is not finished polls its JSON twin (data-run-url) every two
// seconds and updates its progress bar and its counts by status. When the counts change, the
// parts of the page that list files (marked data-refresh) are replaced by the same parts of a
// fresh copy of the page, so the server renders every word as it always does. Polling stops
// when every file has a final status (data-final). Without this script the page shows the run
// as it was when the page was loaded.
(function () {
  "use strict";

  var INTERVAL_MS = 2000;
  var MAX_INTERVAL_MS = 30000;

  function countsOnPage(section) {
    var counts = {};
    section.querySelectorAll("[data-status]").forEach(function (element) {
      var number = element.querySelector("[data-count]");
      counts[element.getAttribute("data-status")] = parseInt(number.textContent.replace(/\D/g, ""), 10) || 0;
    });
    return counts;
  }

  function danishNumber(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function showCounts(section, counts, done, total) {
    section.querySelectorAll("[data-status]").forEach(function (element) {
      var count = counts[element.getAttribute("data-status")] || 0;
      element.querySelector("[data-count]").textContent = danishNumber(count);
      element.hidden = count === 0;
    });
    var bar = section.querySelector("progress");
    if (bar && total > 0) {
      bar.max = total;
      bar.value = done;
    }
    var doneText = section.querySelector("[data-done]");
    if (doneText) {
      doneText.textContent = danishNumber(done);
    }
    var state = section.querySelector("[data-state]");
    if (state && done === total) {
      state.textContent = state.getAttribute("data-done-text");
    }
  }

  // Replace the file listings of this section by those of a fresh copy of the page, keeping
  // open what the reader opened. Resolves to whether every listing is now current.
  function refreshFiles(section) {
    var parts = section.querySelectorAll("[data-refresh][id]");
    if (parts.length === 0) {
      return Promise.resolve(true);
    }
    return fetch(window.location.href, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var current = true;
        parts.forEach(function (part) {
          var replacement = fresh.getElementById(part.id);
          if (!replacement || replacement.innerHTML === part.innerHTML) {
            return;
          }
          part.querySelectorAll("details[open][id]").forEach(function (details) {
            var twin = replacement.querySelector("#" + CSS.escape(details.id));
            if (twin) {
              twin.open = true;
            }
          });
          if (part.contains(document.activeElement)) {
            current = false; // never pull a listing from under the reader's focus; try again later
            return;
          }
          part.replaceWith(document.adoptNode(replacement));
        });
        return current;
      });
  }

  function follow(section) {
    var url = section.getAttribute("data-run-url");
    var finalStatuses = (section.getAttribute("data-final") || "").split(" ");
    var delay = INTERVAL_MS;
    var stale = false; // the counts changed and the listings of files have not caught up yet

    function isFinal(item) {
      return finalStatuses.indexOf(item.status) !== -1;
    }

    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
        .then(function (response) {
          if (response.status === 404) {
            return null; // the run is gone: nothing more to follow
          }
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (run) {
          if (run === null) {
            return;
          }
          delay = INTERVAL_MS;
          var total = run.documents.length;
          var done = run.documents.filter(isFinal).length;
          var before = countsOnPage(section);
          var changed = Object.keys(run.counts).concat(Object.keys(before)).some(function (status) {
            return (run.counts[status] || 0) !== (before[status] || 0);
          });
          showCounts(section, run.counts, done, total);
          stale = stale || changed;
          var next = stale ? refreshFiles(section) : Promise.resolve(true);
          return next.then(function (current) {
            stale = !current;
            if (done < total || stale) {
              window.setTimeout(poll, delay);
            }
          });
        })
        .catch(function () {
          // The server is busy or restarting: ask again, less often.
          delay = Math.min(delay * 2, MAX_INTERVAL_MS);
          window.setTimeout(poll, delay);
        });
    }

    window.setTimeout(poll, delay);
  }

  document.querySelectorAll("[data-run-url]").forEach(function (section) {
    var bar = section.querySelector("progress");
    if (bar && bar.value < bar.max) {
      var state = section.querySelector("[data-state]");
      if (state) {
        state.textContent = state.getAttribute("data-live-text");
      }
      follow(section);
    }
  });
})();
