// Draw each figure built on the server: <div data-figure="ID"> reads <script id="ID" type="application/json">.
document.querySelectorAll("[data-figure]").forEach(function (node) {
  var source = document.getElementById(node.dataset.figure);
  if (!source || typeof Plotly === "undefined") return;
  var figure = JSON.parse(JSON.parse(source.textContent));
  Plotly.newPlot(node, figure.data, figure.layout, { responsive: true, displaylogo: false });
});
