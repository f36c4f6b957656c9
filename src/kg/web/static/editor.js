/* The SPARQL editor of /sparql: YASGUI's Yasqe (editor) and Yasr (results), bundled in static/yasgui/.
 *
 * The page works without this script (a form and server-rendered results). With it, the form's textarea
 * becomes Yasqe, and answers show in Yasr (table, raw response, chart). Nothing here reaches another site:
 * the prefix, property and class autocompleters read our own vocabulary from the page's JSON data block
 * (YASGUI's defaults ask prefix.cc and LOV), queries go to this server's endpoint, nothing is stored in the
 * browser, and the Content-Security-Policy (connect-src 'self') would refuse anything else.
 *
 * Stable hooks for the browser tests: #kg-editor (holds Yasqe; #query-editor is its CodeMirror), #kg-results
 * (Yasr), #query-error (role=alert, the error beside the query), #examples a.example[data-example=NAME],
 * #kg-chart (the chart view), #server-results (the server's table), and without JavaScript #query-form,
 * #query, #format, #run-query.
 */
(function () {
  "use strict";

  var configElement = document.getElementById("kg-editor-config");
  if (!configElement || !window.Yasgui) {
    return; // the form stays: the page works without the editor
  }
  var config = JSON.parse(configElement.textContent);
  var Yasqe = window.Yasgui.Yasqe;
  var Yasr = window.Yasgui.Yasr;
  var french = config.lang === "fr";
  var words = french
    ? { chart: "Graphique", noChart: "Pas de graphique : il faut une colonne de nombres.", failed: "La requête a échoué" }
    : { chart: "Chart", noChart: "No chart: the result needs a column of numbers.", failed: "The query failed" };

  // Autocomplete from our own vocabulary only ------------------------------------------------------------
  var prefixLines = Object.keys(config.prefixes).map(function (p) {
    return p + ": <" + config.prefixes[p] + ">";
  });
  function startingWith(list, token) {
    var text = (token && (token.autocompletionString || token.string)) || "";
    return list.filter(function (iri) {
      return iri.indexOf(text) === 0;
    });
  }
  Yasqe.Autocompleters.prefixes.get = function () {
    return Promise.resolve(prefixLines);
  };
  Yasqe.Autocompleters.property.get = function (yasqe, token) {
    return Promise.resolve(startingWith(config.properties, token));
  };
  Yasqe.Autocompleters["class"].get = function (yasqe, token) {
    return Promise.resolve(startingWith(config.classes, token));
  };
  Yasqe.defaults.prefixCcApi = null;

  // A small chart view: bars of the first numeric column by the first other column (SVG, no library) ------
  var SVG = "http://www.w3.org/2000/svg";
  function svg(name, attributes) {
    var element = document.createElementNS(SVG, name);
    Object.keys(attributes || {}).forEach(function (key) {
      element.setAttribute(key, attributes[key]);
    });
    return element;
  }
  function chartColumns(results) {
    if (!results || !results.getVariables || results.getError()) {
      return null;
    }
    var variables = results.getVariables() || [];
    var bindings = results.getBindings() || [];
    if (!bindings.length) {
      return null;
    }
    var numeric = variables.filter(function (v) {
      return bindings.every(function (b) {
        return b[v] && b[v].type === "literal" && !isNaN(parseFloat(b[v].value)) && isFinite(b[v].value);
      });
    });
    var label = variables.filter(function (v) {
      return numeric.indexOf(v) < 0;
    })[0];
    return numeric.length ? { value: numeric[0], label: label, bindings: bindings.slice(0, 50) } : null;
  }
  function ChartPlugin(yasr) {
    this.yasr = yasr;
    this.priority = 5;
    this.label = words.chart;
  }
  ChartPlugin.prototype.canHandleResults = function () {
    return chartColumns(this.yasr.results) !== null;
  };
  ChartPlugin.prototype.getIcon = function () {
    var icon = svg("svg", { viewBox: "0 0 10 10", width: "14", height: "14", "aria-hidden": "true" });
    [[1, 5, 2, 5], [4, 2, 2, 8], [7, 4, 2, 6]].forEach(function (r) {
      icon.appendChild(svg("rect", { x: r[0], y: r[1], width: r[2], height: r[3], fill: "currentColor" }));
    });
    return icon;
  };
  ChartPlugin.prototype.draw = function () {
    var columns = chartColumns(this.yasr.results);
    var container = document.createElement("figure");
    container.className = "kg-chart";
    container.id = "kg-chart";
    if (!columns) {
      container.textContent = words.noChart;
      this.yasr.resultsEl.appendChild(container);
      return;
    }
    var values = columns.bindings.map(function (b) {
      return parseFloat(b[columns.value].value);
    });
    var max = Math.max.apply(null, values.concat([0])) || 1;
    var row = 22;
    var width = 720;
    var labelWidth = 260;
    var chart = svg("svg", {
      viewBox: "0 0 " + width + " " + (row * values.length + 10),
      width: "100%",
      role: "img",
      "aria-label": words.chart + ": ?" + columns.value + (columns.label ? " / ?" + columns.label : ""),
    });
    columns.bindings.forEach(function (b, i) {
      var name = columns.label && b[columns.label] ? b[columns.label].value : String(i + 1);
      var y = i * row + 5;
      var text = svg("text", { x: labelWidth - 6, y: y + 15, "text-anchor": "end", "font-size": "12" });
      text.textContent = name.length > 40 ? name.slice(0, 39) + "\u2026" : name;
      chart.appendChild(text);
      var barWidth = Math.max(1, ((width - labelWidth - 120) * Math.max(0, values[i])) / max);
      chart.appendChild(svg("rect", { x: labelWidth, y: y + 3, width: barWidth, height: row - 6, fill: "#2b6cb0" }));
      var figure = svg("text", { x: labelWidth + barWidth + 4, y: y + 15, "font-size": "12" });
      figure.textContent = values[i].toLocaleString(french ? "fr-CA" : "en-CA");
      chart.appendChild(figure);
    });
    container.appendChild(chart);
    this.yasr.resultsEl.appendChild(container);
  };
  Yasr.registerPlugin("chart", ChartPlugin);

  // The editor and the results view ---------------------------------------------------------------------
  var form = document.getElementById("query-form");
  var textarea = document.getElementById("query");
  var mount = document.getElementById("kg-editor");
  var resultsElement = document.getElementById("kg-results");
  var serverResults = document.getElementById("server-results");
  var help = document.getElementById("editor-help");
  mount.hidden = false;
  help.hidden = false;
  form.hidden = true;

  var yasqe = new Yasqe(mount, {
    value: textarea.value,
    persistenceId: null,
    createShareableLink: null,
    consumeShareLink: null,
    prefixCcApi: null,
    editorHeight: "360px",
    requestConfig: {
      endpoint: config.endpoint,
      method: "POST",
      acceptHeaderGraph: "text/turtle,*/*;q=0.9",
      acceptHeaderSelect: "application/sparql-results+json,*/*;q=0.9",
    },
  });
  yasqe.getWrapperElement().id = "query-editor";
  // The editor's scrolling box can be reached by keyboard (its text area is outside it).
  yasqe.getScrollerElement().setAttribute("tabindex", "0");
  var input = yasqe.getInputField();
  input.setAttribute("aria-label", document.querySelector("label[for=query]").textContent);
  var yasr = new Yasr(resultsElement, {
    persistenceId: null,
    prefixes: config.prefixes,
    pluginOrder: ["table", "response", "chart"],
    defaultPlugin: "table",
  });

  // Yasr speaks English only: on a French page, its words are put in French as it draws them.
  var FRENCH = {
    "Table": "Tableau",
    "Response": "Réponse brute",
    "Shows Table view": "Afficher le tableau",
    "Shows Response view": "Afficher la réponse brute",
    "Shows Graphique view": "Afficher le graphique",
    "Simple view": "Vue simple",
    "Ellipse": "Abréger",
    "Filter query results": "Filtrer les résultats",
    "Page size:": "Lignes par page :",
    "All": "Toutes",
    "Download result": "Télécharger le résultat",
    "Download Results": "Télécharger les résultats",
    "Show all": "Tout afficher",
    "Previous": "Précédent",
    "Next": "Suivant",
  };
  function frenchText(text) {
    if (Object.prototype.hasOwnProperty.call(FRENCH, text)) {
      return FRENCH[text];
    }
    var chip = /^(\d+) results? in ([\d.]+) seconds?$/.exec(text);
    if (chip) {
      return chip[1] + " résultat" + (chip[1] === "1" ? "" : "s") + " en " + chip[2].replace(".", ",") + " s";
    }
    return text;
  }
  function translate(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var node;
    while ((node = walker.nextNode())) {
      var text = node.nodeValue.trim();
      var french = frenchText(text);
      if (text && french !== text) {
        node.nodeValue = node.nodeValue.replace(text, french);
      }
    }
    Array.prototype.forEach.call(root.querySelectorAll("[title],[aria-label],[placeholder]"), function (el) {
      ["title", "aria-label", "placeholder"].forEach(function (name) {
        var value = el.getAttribute(name);
        if (value && frenchText(value) !== value) {
          el.setAttribute(name, frenchText(value));
        }
      });
    });
  }
  // What YASGUI leaves without a name or out of keyboard reach (axe-core: select-name, scrollable regions).
  function accessible(root) {
    Array.prototype.forEach.call(root.querySelectorAll("select.tableSizer:not([aria-label])"), function (el) {
      el.setAttribute("aria-label", french ? "Lignes par page" : "Page size");
    });
    Array.prototype.forEach.call(root.querySelectorAll("textarea:not([aria-label])"), function (el) {
      el.setAttribute("aria-label", french ? "Réponse brute" : "Raw response");
    });
  }
  // Result IRIs of this dataset open this server's pages (as the server's own table does), keeping ?lang=.
  function localLinks(root) {
    Array.prototype.forEach.call(root.querySelectorAll("a.iri:not([data-local])"), function (link) {
      var href = link.getAttribute("href") || "";
      if (!config.base || href.indexOf(config.base) !== 0) {
        return;
      }
      var rest = href.slice(config.base.length);
      var cut = rest.indexOf("#");
      var fragment = cut >= 0 ? rest.slice(cut) : "";
      var path = cut >= 0 ? rest.slice(0, cut) : rest;
      var query = config.keepLang ? "?lang=" + encodeURIComponent(config.keepLang) : "";
      link.setAttribute("href", config.root + "/" + path + query + fragment);
      link.removeAttribute("target");
      link.setAttribute("data-local", "");
    });
  }
  if (window.MutationObserver) {
    var fixing = false;
    new MutationObserver(function () {
      if (fixing) {
        return;
      }
      fixing = true;
      accessible(resultsElement);
      localLinks(resultsElement);
      if (french) {
        translate(resultsElement);
      }
      fixing = false;
    }).observe(resultsElement, { childList: true, subtree: true, characterData: true });
  }

  function showError(message) {
    var box = document.getElementById("query-error");
    if (!box) {
      box = document.createElement("div");
      box.id = "query-error";
      box.className = "error";
      box.setAttribute("role", "alert");
      mount.parentNode.insertBefore(box, help.nextSibling);
    }
    box.textContent = "";
    var heading = document.createElement("h2");
    heading.textContent = words.failed;
    var text = document.createElement("pre");
    text.textContent = message;
    box.appendChild(heading);
    box.appendChild(text);
    box.hidden = false;
  }
  function clearError() {
    var box = document.getElementById("query-error");
    if (box) {
      box.hidden = true;
    }
  }

  // The query in the URL: what was run can be shared (the page runs it even without JavaScript).
  function shareUrl(params) {
    var url = new URL(window.location.href);
    var lang = url.searchParams.get("lang");
    var search = new URLSearchParams(params);
    if (lang) {
      search.set("lang", lang);
    }
    return url.pathname + "?" + search.toString();
  }
  yasqe.on("query", function () {
    window.history.replaceState(null, "", shareUrl({ query: yasqe.getValue() }));
  });
  yasqe.on("queryResponse", function (instance, response, duration) {
    resultsElement.hidden = false;
    if (serverResults) {
      serverResults.hidden = true;
    }
    if (response instanceof Error) {
      showError(response.message);
    } else {
      clearError();
    }
    yasr.setResponse(response, duration);
  });

  // Examples: load into the editor (the link, without JavaScript, opens the page with that example).
  Array.prototype.forEach.call(document.querySelectorAll("a.example"), function (link) {
    link.addEventListener("click", function (event) {
      var name = link.getAttribute("data-example");
      var example = config.examples.filter(function (e) {
        return e.name === name;
      })[0];
      if (!example) {
        return;
      }
      event.preventDefault();
      yasqe.setValue(example.query);
      clearError();
      window.history.replaceState(null, "", shareUrl({ example: name }));
      yasqe.focus();
    });
  });
})();
