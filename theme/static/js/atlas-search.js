/* Search page of the atlas: starts Pagefind's Default UI (served by the site, from the pagefind[extended]
   package) with the interface strings of the page's language, runs the ?q= search of the header's form,
   and announces the number of results to screen readers. An external file: the CSP forbids inline scripts. */
(function () {
  "use strict";

  function start() {
    var box = document.getElementById("atlas-search");
    if (!box || typeof PagefindUI === "undefined") {
      return;
    }
    var ui = new PagefindUI({
      element: "#atlas-search",
      bundlePath: box.getAttribute("data-bundle"),
      baseUrl: box.getAttribute("data-base-url") || "/",
      translations: JSON.parse(box.getAttribute("data-translations") || "{}"),
      showSubResults: true,
      pageSize: 10,
      showImages: false,
      resetStyles: false
    });
    var status = document.getElementById("atlas-search-status");
    var announced = "";
    new MutationObserver(function () {
      var message = box.querySelector(".pagefind-ui__message");
      var text = message ? message.textContent.trim() : "";
      if (status && text !== announced) {
        announced = text;
        status.textContent = text;
      }
    }).observe(box, { childList: true, subtree: true, characterData: true });

    var input;
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) {
      ui.triggerSearch(query);
    }
    // Keep the address in step with the search, so it can be shared and the back button returns to it.
    box.addEventListener("input", function (event) {
      input = event.target;
      if (!input || input.type !== "text" && input.type !== "search") {
        return;
      }
      var url = new URL(window.location.href);
      if (input.value) {
        url.searchParams.set("q", input.value);
      } else {
        url.searchParams.delete("q");
      }
      window.history.replaceState(null, "", url);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
