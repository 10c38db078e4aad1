/* Servicescape charts: turn each <figure data-chart> (macros.html, chart) into an interactive
 * vega-embed chart, on page load and in content that htmx swaps in (htmx:load).
 *
 * Strict CSP (script-src 'self'; style-src 'self'): the Vega libraries are loaded from our own
 * origin, and only on pages that have a chart (the URLs come from this script's data-* attributes
 * in base.html). Expressions are evaluated by vega-interpreter (ast: true) instead of being
 * compiled with `new Function`; vega-embed and vega-tooltip inject no <style> (defaultStyle:
 * false, disableDefaultStyle: true; the rules live in charts.css); no actions menu.
 *
 * The server-rendered picture stays in place until the chart is drawn, and stays for good when
 * a library fails to load or the spec cannot be drawn; a chart without one (chart--live-only)
 * opens its table instead.
 */
(function () {
  "use strict";

  var doc = document;
  var me = doc.currentScript;
  var libraries = me ? [me.dataset.vega, me.dataset.vegaLite, me.dataset.vegaInterpreter, me.dataset.vegaEmbed] : [];
  var loading = null;
  var views = [];

  /* Load the libraries once, in order (async=false keeps the order, downloads in parallel). */
  function loadLibraries() {
    if (!loading) {
      loading = Promise.all(libraries.map(function (src) {
        return new Promise(function (resolve, reject) {
          if (!src) {
            reject(new Error("charts.js: a library URL is missing"));
            return;
          }
          var tag = doc.createElement("script");
          tag.src = src;
          tag.async = false;
          tag.onload = resolve;
          tag.onerror = function () {
            reject(new Error("charts.js: could not load " + src));
          };
          doc.head.appendChild(tag);
        });
      }));
    }
    return loading;
  }

  /* The page's colours and font, so the chart follows the light or dark scheme. */
  function pageTheme() {
    var style = window.getComputedStyle(doc.documentElement);
    function token(name, fallback) {
      return style.getPropertyValue(name).trim() || fallback;
    }
    var text = token("--text", "#1b2430");
    var muted = token("--text-muted", "#56616f");
    var font = window.getComputedStyle(doc.body).fontFamily || "sans-serif";
    return {
      background: "transparent",
      font: font,
      axis: {labelColor: muted, titleColor: text, gridColor: token("--surface-3", "#e6e9ee"),
             domainColor: token("--border-strong", "#bcc4ce"), tickColor: token("--border-strong", "#bcc4ce"),
             labelFont: font, titleFont: font},
      legend: {labelColor: text, titleColor: muted, labelFont: font, titleFont: font},
      title: {color: text, font: font}
    };
  }

  function merged(base, extra) {
    var out = {};
    Object.keys(base || {}).forEach(function (key) { out[key] = base[key]; });
    Object.keys(extra).forEach(function (key) {
      var value = extra[key];
      out[key] = value && typeof value === "object" && !Array.isArray(value) ? merged(out[key], value) : value;
    });
    return out;
  }

  function draw(figure) {
    var canvas = figure.querySelector(".chart-canvas[data-spec]");
    var picture = figure.querySelector(".chart-picture");
    if (!canvas || figure.hasAttribute("data-chart-state")) {
      return;
    }
    figure.setAttribute("data-chart-state", "loading");
    /* role=img with the description as its name: assistive technology reads one sentence (and
       the table below) instead of Vega's English "visualization" and per-mark labels. */
    var live = doc.createElement("div");
    live.className = "chart-live";
    live.setAttribute("role", "img");
    live.setAttribute("aria-label", picture ? picture.getAttribute("alt") || "" : canvas.getAttribute("data-description") || "");
    var target = doc.createElement("div");
    live.appendChild(target);
    canvas.appendChild(live);
    loadLibraries().then(function () {
      var spec = JSON.parse(canvas.getAttribute("data-spec"));
      spec.config = merged(spec.config, pageTheme());
      return window.vegaEmbed(target, spec, {
        mode: "vega-lite",
        renderer: "svg",
        ast: true,
        expr: window.vega.expressionInterpreter,
        actions: false,
        defaultStyle: false,
        tooltip: {disableDefaultStyle: true, theme: "servicescape"},
        logLevel: window.vega.Warn
      });
    }).then(function (result) {
      views.push({figure: figure, view: result.view});
      figure.setAttribute("data-chart-state", "live");
    }).catch(function (error) {
      live.remove();
      figure.setAttribute("data-chart-state", "picture");
      if (!picture) {
        /* no server picture to fall back on (macros.html, chart(picture=False)): the figures as a table */
        var table = figure.querySelector(".chart-table");
        if (table) {
          table.open = true;
        }
      }
      console.warn(error);
    });
  }

  /* Views listen to window resizes: let go of those whose figure htmx has swapped out. */
  function forgetRemoved() {
    views = views.filter(function (entry) {
      if (entry.figure.isConnected) {
        return true;
      }
      entry.view.finalize();
      return false;
    });
  }

  function drawAll(root) {
    forgetRemoved();
    var scope = root && root.querySelectorAll ? root : doc;
    if (scope.matches && scope.matches("figure[data-chart]")) {
      draw(scope);
    }
    scope.querySelectorAll("figure[data-chart]").forEach(draw);
  }

  drawAll(doc);
  doc.addEventListener("htmx:load", function (event) {
    drawAll(event.target);
  });
})();
