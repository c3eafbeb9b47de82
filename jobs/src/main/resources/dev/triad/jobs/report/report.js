// Renders every chart spec of #triad-charts into the element with its id. Sets
// body[data-charts] to "rendered" when all succeeded, "failed" otherwise (tests wait on it).
(function () {
  var specs = JSON.parse(document.getElementById("triad-charts").textContent);
  var jobs = Object.keys(specs).map(function (id) {
    return vegaEmbed("#" + id, specs[id], { actions: false, renderer: "svg" }).catch(function (e) {
      console.error("chart " + id + " failed: " + e);
      throw e;
    });
  });
  Promise.allSettled(jobs).then(function (outcomes) {
    var ok = outcomes.every(function (o) { return o.status === "fulfilled"; });
    document.body.setAttribute("data-charts", ok ? "rendered" : "failed");
  });
})();
