// The cockpit's charts: options and click targets come from the server (cockpit/charts.py);
// this file only draws them with ECharts and follows a click to the area or the records behind it.
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var charts = JSON.parse(document.getElementById("cockpit-charts").textContent);
  var map = JSON.parse(document.getElementById("cockpit-map").textContent);
  var drawn = [];

  function draw(spec, onClick) {
    var el = document.getElementById("chart-" + spec.id);
    if (!el) { return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(spec.option);
    chart.on("click", onClick);
    el.dataset.ready = "1";
    drawn.push(chart);
  }

  charts.forEach(function (spec) {
    draw(spec, function (params) {
      var row = spec.clicks[params.dataIndex];
      if (!row) { return; }
      var url = row[params.seriesIndex] || row[0];
      if (url) { window.location.href = url; }
    });
  });

  if (map.kind === "outline") {
    // counties on their outlines: the GeoJSON is served by the app (cockpit/boundaries.py)
    map.option.series[0].label.formatter = function (p) {
      return p.data && p.data.area ? p.data.area + "\n" + p.data.value : "";
    };
    map.option.tooltip.formatter = function (p) {
      return p.data && p.data.area ? p.data.area + "：" + p.data.value : "";
    };
    fetch(map.geo_url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (geo) {
        echarts.registerMap(map.map_name, geo);
        draw(map, function (params) {
          var url = map.clicks[params.name];
          if (url) { window.location.href = url; }
        });
      })
      .catch(function () { /* the links under the map still lead to every county */ });
  } else {
    map.option.series[0].label.formatter = function (p) {
      return p.data.name + "\n" + p.data.value[2];
    };
    map.option.tooltip.formatter = function (p) {
      return p.data.name + "：" + p.data.value[2];
    };
    draw(map, function (params) {
      var url = map.clicks[params.dataIndex];
      if (url) { window.location.href = url; }
    });
  }

  window.addEventListener("resize", function () {
    drawn.forEach(function (chart) { chart.resize(); });
  });
})();
