/* The search page's filters (templates/procedures/list.html) are a closed <details> so that a
 * phone shows the results first; on a tablet or wider they are a sidebar, so open them. */
(function () {
  "use strict";
  var filters = document.getElementById("facets-disclosure");
  if (filters && window.matchMedia("(min-width: 40em)").matches) {
    filters.open = true;
  }
})();
