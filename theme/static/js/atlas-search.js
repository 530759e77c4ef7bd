/* Search page of the atlas, on Pagefind's JavaScript API (one index per language, served by the site): on the
   page's labelled search box and kind and country filters (written in search.html, in its language), the
   results in the page's language a page at a time, and the number of results announced to screen readers.
   Then, once those are shown, the first results in each other language (data-others), under its name and
   marked with its language, with a link to that language's search page for all of them: pages whose version
   in the page's language is among its results are left out (the same place, again), and with
   more than OTHER_SCAN results in the page's language the other languages are not searched.

   The filters use each place page's Pagefind metadata (kind, country: stable keys), not Pagefind's filter
   index, whose files change from one run to the next (builds must be byte-identical). So with a filter on,
   the results' data are loaded in batches, in the order of relevance, and the first matches are shown as
   soon as they are found; the count is given once every result has been checked.
   The header's form opens this page with ?q=; the address follows the search (q, kind, country) so it can be
   shared and the back button returns to it. An external file: the CSP forbids inline scripts. */
(function () {
  "use strict";

  var PAGE_SIZE = 10;
  var BATCH = 10; // results whose data are loaded at once when a filter is on
  var DELAY = 250; // ms of typing before searching
  var FACETS = ["kind", "country"];
  var OTHER_SIZE = 3; // results shown for each other language
  var OTHER_SCAN = 50; // results of another language checked at most; of the page's, at most to search others

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function fill(template, term, count) {
    return String(template || "").split("[SEARCH_TERM]").join(term).split("[COUNT]").join(String(count));
  }

  function start() {
    var box = document.getElementById("atlas-search");
    if (!box) {
      return;
    }
    var t = JSON.parse(box.getAttribute("data-translations") || "{}");
    // The language's index: one Pagefind bundle, or shards of a large index, searched together.
    var bundles = JSON.parse(box.getAttribute("data-bundles") || "[]");
    var others = JSON.parse(box.getAttribute("data-others") || "[]");
    var pageLang = document.documentElement.lang;
    // The count's form by CLDR category (data-translations has one per category of the page's language).
    var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(pageLang) : null;
    var baseUrl = box.getAttribute("data-base-url") || "/";
    var status = document.getElementById("atlas-search-status");
    var params = new URLSearchParams(window.location.search);

    // -- the form: search box and filters, written in the page (see search.html) -------------------------
    var form = box.querySelector(".atlas-search__form");
    var input = document.getElementById("atlas-search-input");
    var selects = {};
    FACETS.forEach(function (name) {
      var select = document.getElementById("atlas-search-" + name);
      if (!select) {
        return;
      }
      select.value = params.get(name) || "";
      if (select.selectedIndex < 0) {
        select.value = "";
      }
      selects[name] = select;
    });

    var message = element("p", { class: "atlas-search__message" });
    var list = element("ol", { class: "atlas-search__results", "aria-label": t.results_label || "" });
    var more = element("button", { type: "button", class: "atlas-search__more" }, t.load_more);
    more.hidden = true;
    var elsewhere = element("section", { class: "atlas-search__others", "aria-labelledby": "atlas-search-others" });
    elsewhere.appendChild(element("h2", { id: "atlas-search-others" }, t.other_languages));
    elsewhere.hidden = true;
    box.appendChild(message);
    box.appendChild(list);
    box.appendChild(more);
    box.appendChild(elsewhere);

    function say(text) {
      message.textContent = text;
      if (status && status.textContent !== text) {
        status.textContent = text;
      }
    }

    // -- Pagefind: an instance per language (each bundle's pagefind.js is a module of its own) -----------
    var loaded = {}; // a language's bundles -> the promise of its Pagefind instance
    function pagefind(shards) {
      var key = shards.join(" ");
      if (!loaded[key] && !shards.length) {
        loaded[key] = Promise.reject(new Error("no search index"));
      }
      if (!loaded[key]) {
        loaded[key] = import(new URL(shards[0] + "pagefind.js", document.baseURI).href).then(function (module) {
          return Promise.resolve(module.options({ baseUrl: baseUrl }))
            .then(function () {
              return Promise.all(
                shards.slice(1).map(function (shard) {
                  return module.mergeIndex(new URL(shard, document.baseURI).href, { baseUrl: baseUrl });
                })
              );
            })
            .then(function () {
              return module.init();
            })
            .then(function () {
              return module;
            });
        });
      }
      return loaded[key];
    }

    var data = {}; // result id (it starts with its language) -> promise of its data (loaded once)
    function dataOf(result) {
      if (!data[result.id]) {
        data[result.id] = result.data();
      }
      return data[result.id];
    }

    function wanted() {
      var chosen = {};
      Object.keys(selects).forEach(function (name) {
        if (selects[name].value) {
          chosen[name] = selects[name].value;
        }
      });
      return chosen;
    }

    function matches(resultData, chosen) {
      var meta = resultData.meta || {};
      return Object.keys(chosen).every(function (name) {
        return meta[name] === chosen[name];
      });
    }

    // -- one search: its results, those that pass the filters, and those shown --------------------------
    var current = null;

    function urlOf(resultData) {
      return (resultData.meta || {}).url || resultData.url;
    }

    function samePage(url, lang) {
      // A page's URL with its language's part replaced: the same for its version in each language.
      return url.replace("/" + lang + "/", "/*/");
    }

    function item(resultData, linkClass) {
      var li = element("li", { class: "atlas-search__result" });
      // Pagefind reads each page from a file named by its place in the index: the page's own URL is its `url`
      // metadata, which Pagefind's sub-results already use.
      var meta = resultData.meta || {};
      var url = urlOf(resultData);
      var title = element("p", { class: "atlas-search__result-title" });
      title.appendChild(element("a", { class: linkClass, href: url }, meta.title || url));
      li.appendChild(title);
      var excerpt = element("p", { class: "atlas-search__result-excerpt" });
      excerpt.innerHTML = resultData.excerpt || ""; // Pagefind's excerpt: the page's escaped text with <mark>s
      li.appendChild(excerpt);
      var subs = (resultData.sub_results || []).filter(function (sub) {
        return sub.url !== url;
      });
      if (subs.length) {
        var nested = element("ul", { class: "atlas-search__subresults" });
        subs.slice(0, 3).forEach(function (sub) {
          var subItem = element("li");
          subItem.appendChild(element("a", { class: "atlas-search__subresult-link", href: sub.url }, sub.title));
          nested.appendChild(subItem);
        });
        li.appendChild(nested);
      }
      return li;
    }

    function render(search, focusFirst) {
      // Show the matches found so far, up to the limit, in order (chained, so two renders never interleave).
      search.chain = search.chain.then(function () {
        var next = search.matched.slice(search.shown, search.limit);
        return Promise.all(next.map(dataOf)).then(function (items) {
          if (search !== current) {
            return;
          }
          var first = null;
          items.forEach(function (resultData) {
            var li = item(resultData, "atlas-search__result-link");
            first = first || li;
            list.appendChild(li);
          });
          search.shown += items.length;
          if (focusFirst && first) {
            first.querySelector("a").focus();
          }
          more.hidden = !(search.matched.length > search.shown || (!search.done && search.shown >= search.limit));
          if (search.done) {
            sayCount(search);
          }
        });
      }).catch(function () {
        if (search === current) {
          say(t.error_search);
        }
      });
      return search.chain;
    }

    function scan(search) {
      // With a filter on: check the results' metadata a batch at a time, showing the matches as they come.
      if (search !== current) {
        return Promise.resolve();
      }
      var batch = search.results.slice(search.scanned, search.scanned + BATCH);
      if (!batch.length) {
        search.done = true;
        return render(search);
      }
      return Promise.all(batch.map(dataOf)).then(function (items) {
        if (search !== current) {
          return;
        }
        items.forEach(function (resultData, i) {
          if (matches(resultData, search.chosen)) {
            search.matched.push(batch[i]);
          }
        });
        search.scanned += batch.length;
        render(search);
        return scan(search);
      });
    }

    function sayCount(search) {
      var count = search.matched.length;
      var forms = t.results || {};
      var template = count === 0 ? t.zero_results : forms[plurals ? plurals.select(count) : "other"] || forms.other;
      var results = fill(template, search.term, count);
      // One translated sentence pair: how two sentences follow each other differs by script (no space in Chinese).
      say(search.othersShown ? t.results_then_other_languages.split("[RESULTS]").join(results) : results);
    }

    // -- the other languages' first results ------------------------------------------------------------
    function firstMatches(results, lang, search) {
      // Their data, up to OTHER_SIZE, that pass the filters and are of pages the page's language did not find
      // (checked in batches, OTHER_SCAN results at most).
      var size = Object.keys(search.chosen).length > 0 ? BATCH : OTHER_SIZE;
      var last = Math.min(results.length, OTHER_SCAN);
      var picked = [];
      function next(from) {
        if (search !== current || picked.length >= OTHER_SIZE || from >= last) {
          return Promise.resolve(picked.slice(0, OTHER_SIZE));
        }
        var batch = results.slice(from, Math.min(last, from + size));
        return Promise.all(batch.map(dataOf)).then(function (items) {
          items.forEach(function (resultData) {
            if (matches(resultData, search.chosen) && !search.pagesFound[samePage(urlOf(resultData), lang)]) {
              picked.push(resultData);
            }
          });
          return next(from + batch.length);
        });
      }
      return next(0);
    }

    function searchUrl(other, search) {
      var url = new URL(other.search_url, document.baseURI);
      url.searchParams.set("q", search.term);
      Object.keys(search.chosen).forEach(function (name) {
        url.searchParams.set(name, search.chosen[name]);
      });
      return url.pathname + url.search;
    }

    function otherLanguage(other, items, search) {
      var id = "atlas-search-others-" + other.lang;
      var group = element("section", { class: "atlas-search__other", "aria-labelledby": id });
      group.appendChild(element("h3", { id: id, lang: other.lang, dir: other.dir }, other.name));
      var results = element("ol", { class: "atlas-search__results", lang: other.lang, dir: other.dir });
      items.forEach(function (resultData) {
        results.appendChild(item(resultData, "atlas-search__other-link"));
      });
      group.appendChild(results);
      // "[LANGUAGE]: all results", in the page's language, the language's name in its own.
      var all = element("a", { class: "atlas-search__other-all", href: searchUrl(other, search) });
      var parts = String(t.all_results_in || "[LANGUAGE]").split("[LANGUAGE]");
      all.appendChild(document.createTextNode(parts[0]));
      all.appendChild(element("span", { lang: other.lang, dir: other.dir }, other.name));
      all.appendChild(document.createTextNode(parts.slice(1).join(other.name)));
      var paragraph = element("p");
      paragraph.appendChild(all);
      group.appendChild(paragraph);
      return group;
    }

    function searchOthers(search) {
      // Once the page language's results are shown: the pages they are, then each other language searched, in
      // the site's order. Not past OTHER_SCAN results: the other languages would list the same places again
      // (at 2,000 places, "abbaye" loaded 1.2 MB to show three of them).
      if (search.matched.length > OTHER_SCAN) {
        return Promise.resolve();
      }
      return Promise.all(search.matched.map(dataOf))
        .then(function (found) {
          found.forEach(function (resultData) {
            search.pagesFound[samePage(urlOf(resultData), pageLang)] = true;
          });
          return Promise.all(others.map(function (other) {
            return searchOther(other, search);
          }));
        })
        .then(function (groups) {
          if (search !== current) {
            return;
          }
          groups.forEach(function (items, i) {
            if (items.length) {
              elsewhere.appendChild(otherLanguage(others[i], items, search));
              search.othersShown = true;
            }
          });
          elsewhere.hidden = !search.othersShown;
          if (search.othersShown) {
            search.chain = search.chain.then(function () {
              if (search === current && search.done) {
                sayCount(search);
              }
            });
          }
        });
    }

    function searchOther(other, search) {
      return pagefind(other.bundles)
        .then(function (module) {
          return module.search(search.term);
        })
        .then(function (found) {
          return firstMatches(found ? found.results : [], other.lang, search);
        })
        .catch(function () {
          return []; // a language whose index fails to load leaves the others and the page's results
        });
    }

    function remember(term, chosen) {
      var url = new URL(window.location.href);
      [["q", term]].concat(FACETS.map(function (name) { return [name, chosen[name]]; })).forEach(function (pair) {
        if (pair[1]) {
          url.searchParams.set(pair[0], pair[1]);
        } else {
          url.searchParams.delete(pair[0]);
        }
      });
      window.history.replaceState(null, "", url);
    }

    function run() {
      var term = input.value.trim();
      var chosen = wanted();
      var search = { term: term, chosen: chosen, matched: [], scanned: 0, shown: 0, limit: PAGE_SIZE, done: false };
      search.pagesFound = {}; // samePage() of the page language's results
      search.chain = Promise.resolve();
      current = search;
      remember(input.value, chosen);
      list.textContent = "";
      more.hidden = true;
      elsewhere.hidden = true;
      while (elsewhere.children.length > 1) {
        elsewhere.removeChild(elsewhere.lastChild);
      }
      busy(Boolean(term));
      if (!term) {
        say("");
        return;
      }
      say(fill(t.searching, term, 0));
      pagefind(bundles)
        .then(function (module) {
          return module.search(term);
        })
        .then(function (found) {
          if (search !== current || !found) {
            return;
          }
          search.results = found.results;
          if (Object.keys(chosen).length) {
            return scan(search);
          }
          search.matched = found.results.slice();
          search.done = true;
          return render(search);
        })
        .then(function () {
          if (search === current) {
            list.setAttribute("aria-busy", "false");
            return searchOthers(search);
          }
        })
        .catch(function () {
          if (search === current) {
            say(t.error_search);
          }
        })
        .then(function () {
          if (search === current) {
            busy(false);
          }
        });
    }

    function busy(searching) {
      // Assistive technologies wait for a list being filled (aria-busy) before reading it.
      [list, elsewhere].forEach(function (region) {
        region.setAttribute("aria-busy", String(searching));
      });
    }

    var timer = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, DELAY);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      run();
    });
    Object.keys(selects).forEach(function (name) {
      selects[name].addEventListener("change", run);
    });
    more.addEventListener("click", function () {
      if (!current) {
        return;
      }
      current.limit += PAGE_SIZE;
      render(current, true);
    });

    var query = params.get("q");
    if (query) {
      input.value = query;
    }
    // Also what was typed before this script arrived (the form is in the page), or restored by the browser.
    if (input.value.trim()) {
      run();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
