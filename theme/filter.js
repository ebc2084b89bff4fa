// The actors listing's filter box: narrows the list as you type. Without JavaScript the
// box stays hidden and the whole list shows.
(function () {
  var box = document.getElementById("actor-filter");
  var input = document.getElementById("actor-filter-input");
  var status = document.getElementById("actor-filter-status");
  var items = document.querySelectorAll(".actor-grid li");
  var groups = document.querySelectorAll(".actor-group");
  box.hidden = false;
  // Case, accents and apostrophes, dots and hyphens do not count: "kataib" finds "Kata'ib".
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f'\u2018\u2019\u02bc`.\-]/g, "").toLowerCase();
  }
  var names = Array.prototype.map.call(items, function (li) { return fold(li.getAttribute("data-names")); });
  function apply() {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    for (var i = 0; i < items.length; i++) {
      var hit = words.every(function (w) { return names[i].indexOf(w) !== -1; });
      items[i].hidden = !hit;
      if (hit) shown++;
    }
    for (var j = 0; j < groups.length; j++) {
      groups[j].hidden = !groups[j].querySelector("li:not([hidden])");
    }
    status.textContent = words.length ? shown + " of " + items.length + " actors" : "";
  }
  input.addEventListener("input", apply);
  if (input.value) apply();
})();
