// Draws the dashboard's Plotly figures from their JSON data blocks (progressive enhancement:
// without JavaScript every chart still has its summary and data table).
(function () {
  "use strict";

  var CONFIG = { displayModeBar: false, responsive: true, locale: "de" };

  function draw(root) {
    if (typeof window.Plotly === "undefined") {
      return;
    }
    var blocks = (root || document).querySelectorAll("script.chart-data");
    Array.prototype.forEach.call(blocks, function (block) {
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
        // Bars carry the URL of the filtered measures list: clicking one drills down.
        // Over a bar that leads somewhere the cursor is a pointer, as over any link.
        target.on("plotly_hover", function (event) {
          var point = event && event.points && event.points[0];
          target.classList.toggle("dash-plot--pointing", !!(point && typeof point.customdata === "string"));
        });
        target.on("plotly_unhover", function () {
          target.classList.remove("dash-plot--pointing");
        });
        target.on("plotly_click", function (event) {
          var point = event && event.points && event.points[0];
          var url = point && point.customdata;
          if (typeof url === "string" && url.charAt(0) === "/") {
            window.location.assign(url);
          }
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    draw(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    draw(event.detail && event.detail.elt ? event.detail.elt : document);
  });
  document.addEventListener("htmx:historyRestore", function () {
    draw(document);
  });
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".dash-plot--drawn"), function (plot) {
      window.Plotly.Plots.resize(plot);
    });
  });
})();
