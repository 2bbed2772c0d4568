/*
 * Names for the admin's autocomplete boxes (Django's bundled select2: the article's author and thread, a contributor,
 * a related pick, a thread's lead article). select2 names its combobox after the value chosen, which is empty on a new
 * form, and the field's <label for> points at the hidden <select>: screen readers announced a nameless box. Each box
 * takes its field's label (a table's column heading in an inline row). Boxes are made on page load and for each row
 * added to an inline, so both are named.
 */
(function () {
  "use strict";

  function labelOf(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label) {
      return label.textContent.replace(/:\s*$/, "").trim();
    }
    var cell = select.closest("td");
    var table = cell && cell.closest("table");
    if (!table) {
      return "";
    }
    var field = Array.prototype.find.call(cell.classList, function (name) { return name.indexOf("field-") === 0; });
    var heading = field && table.querySelector("thead th." + CSS.escape(field.replace("field-", "column-")));
    return heading ? heading.textContent.trim() : "";
  }

  function nameAll() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var box = select.parentNode.querySelector(".select2-selection[role=combobox]");
      var name = labelOf(select);
      if (box && name) {
        box.setAttribute("aria-label", name);
        box.removeAttribute("aria-labelledby");
      }
    });
  }

  window.addEventListener("load", nameAll);
  document.addEventListener("formset:added", function () {
    setTimeout(nameAll, 0); // after Django's autocomplete.js has made the new row's box
  });
})();
