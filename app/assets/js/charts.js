// Draws the dashboard's Plotly figures from their JSON data blocks (progressive enhancement:
// without JavaScript every chart still has its summary and data table). plotly.js is loaded
// only when the first chart comes into view, and each chart is drawn when it does, so that the
// page paints and answers at once; the print view draws them all.
(function () {
  "use strict";

  var CONFIG = { displayModeBar: false, responsive: true, locale: "de" };
  var loading = null;

  function loadPlotly() {
    if (window.Plotly) {
      return Promise.resolve();
    }
    if (loading) {
      return loading;
    }
    var holder = document.querySelector("[data-plotly-src]");
    if (!holder) {
      return Promise.reject(new Error("no plotly.js address on this page"));
    }
    loading = new Promise(function (resolve, reject) {
      // The rules plotly.js would inject inline (our CSP forbids that); the id tells it not to.
      var style = document.createElement("link");
      style.rel = "stylesheet";
      style.id = "plotly.js-style-global";
      style.className = "no-inline-styles";
      style.href = holder.getAttribute("data-plotly-css");
      document.head.appendChild(style);
      var script = document.createElement("script");
      script.src = holder.getAttribute("data-plotly-src");
      script.onload = function () { resolve(); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
    return loading;
  }

  function drawOne(block) {
    var target = document.querySelector('[data-chart="' + block.id + '"]');
    if (!target || target.getAttribute("data-drawn") === block.textContent.length + "") {
      return;
    }
    var figure;
    try {
      figure = JSON.parse(block.textContent);
    } catch (error) {
      return;
    }
    var layout = figure.layout || {};
    if (layout.dragmode === undefined) {
      layout.dragmode = false; // no zoom box: a click on a bar opens its measures
    }
    window.Plotly.newPlot(target, figure.data || [], layout, CONFIG).then(function () {
      target.setAttribute("data-drawn", block.textContent.length + "");
      target.classList.add("dash-plot--drawn");
      // Over a bar that leads somewhere the cursor is a pointer, as over any link.
      target.on("plotly_hover", function (event) {
        var point = event && event.points && event.points[0];
        target.classList.toggle("dash-plot--pointing", !!(point && typeof point.customdata === "string"));
      });
      target.on("plotly_unhover", function () {
        target.classList.remove("dash-plot--pointing");
      });
      // Bars carry the URL of the filtered measures list: clicking one drills down.
      target.on("plotly_click", function (event) {
        var point = event && event.points && event.points[0];
        var url = point && point.customdata;
        if (typeof url === "string" && url.charAt(0) === "/") {
          window.location.assign(url);
        }
      });
    });
  }

  function drawWhenSeen(block) {
    loadPlotly().then(function () { drawOne(block); }, function () {});
  }

  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        observer.unobserve(entry.target);
        var block = document.getElementById(entry.target.getAttribute("data-chart"));
        if (block) {
          drawWhenSeen(block);
        }
      }
    });
  }, { rootMargin: "200px 0px" }) : null;

  function draw(root, all) {
    var blocks = (root || document).querySelectorAll("script.chart-data");
    Array.prototype.forEach.call(blocks, function (block) {
      var target = document.querySelector('[data-chart="' + block.id + '"]');
      if (!target) {
        return;
      }
      if (all || !observer) {
        drawWhenSeen(block);
      } else {
        observer.observe(target);
      }
    });
  }

  function printView() {
    return !!document.querySelector("[data-draw-all]");
  }

  document.addEventListener("DOMContentLoaded", function () {
    draw(document, printView());
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    draw(event.detail && event.detail.elt ? event.detail.elt : document, printView());
  });
  document.addEventListener("htmx:historyRestore", function () {
    draw(document, printView());
  });
  window.addEventListener("beforeprint", function () {
    if (!window.Plotly) {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll(".dash-plot--drawn"), function (plot) {
      window.Plotly.Plots.resize(plot);
    });
  });
})();
