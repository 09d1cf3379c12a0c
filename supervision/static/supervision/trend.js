// 历月考核: the trend chart of a subject's published months (data in #trend-data).
(function () {
  var data = JSON.parse(document.getElementById("trend-data").textContent);
  var element = document.getElementById("trend-chart");
  if (!window.echarts || !element) { return; }
  var chart = echarts.init(element);
  chart.setOption({
    tooltip: {trigger: "axis"},
    legend: {data: ["总分", "名次"]},
    grid: {left: 40, right: 40, top: 40, bottom: 30},
    xAxis: {type: "category", data: data.months},
    yAxis: [{type: "value", name: "总分", min: 0, max: 100}, {type: "value", name: "名次", inverse: true, minInterval: 1}],
    series: [
      {name: "总分", type: "line", data: data.totals},
      {name: "名次", type: "line", yAxisIndex: 1, data: data.ranks}
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
