/* The top of the site (/) sends the browser to the home page in the first of the visitor's languages
   (navigator.languages) that the atlas is written in, and to the default language's otherwise. Languages are
   matched on their first subtag, so en-GB reads English and zh-TW the Chinese pages. Without JavaScript, the
   page's <noscript> refresh sends everyone to the default language, and the page lists every language.
   The homes come from the script element's data-homes ({"fr": "/fr/", ...}) and data-default. An external
   file: the CSP forbids inline scripts. */
(function () {
  "use strict";

  var script = document.currentScript;
  var homes = JSON.parse(script.getAttribute("data-homes"));
  var wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
  var target = script.getAttribute("data-default");
  for (var i = 0; i < wanted.length; i++) {
    var code = String(wanted[i] || "").toLowerCase().split("-")[0];
    if (Object.prototype.hasOwnProperty.call(homes, code)) {
      target = homes[code];
      break;
    }
  }
  window.location.replace(target);
})();
