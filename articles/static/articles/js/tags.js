/*
 * Suggestions for the article form's tag input (articles/admin/linked.py, articles/forms.py TagsField).
 *
 * The input stays plain text, names separated by commas: whatever is typed is what the server reads, and a name
 * without a tag becomes a new tag on save. The name at the caret is sent to the admin's own autocomplete (the URL and
 * its parameters are the input's data attributes), which matches names without accents or case ("can tho" offers
 * "Cần Thơ"); picking a suggestion (click, or arrows and Enter) puts the tag's name in place of what was typed.
 */
(function () {
  "use strict";

  var SEPARATOR = ",";
  var WAIT_MS = 150;

  function setup(input) {
    var list = document.createElement("ul");
    list.id = input.id + "-suggestions";
    list.className = "tag-suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Gợi ý");
    list.hidden = true;
    list.style.cssText =
      "position:absolute;z-index:20;margin:0;padding:0;list-style:none;max-height:16em;overflow-y:auto;" +
      "background:var(--body-bg);border:1px solid var(--border-color);min-width:16em";
    input.parentNode.style.position = "relative";
    input.after(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    var active = -1;
    var timer = null;
    var asked = 0;

    // [start, end) of the name the caret is in.
    function segment() {
      var value = input.value;
      var caret = input.selectionStart === null ? value.length : input.selectionStart;
      var start = value.lastIndexOf(SEPARATOR, caret - 1) + 1;
      var end = value.indexOf(SEPARATOR, caret);
      return [start, end < 0 ? value.length : end];
    }

    function others() {
      var bounds = segment();
      var rest = input.value.slice(0, bounds[0]) + SEPARATOR + input.value.slice(bounds[1]);
      return rest.split(SEPARATOR).map(function (name) { return name.trim(); });
    }

    function close() {
      list.hidden = true;
      list.replaceChildren();
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var items = list.children;
      active = index;
      for (var i = 0; i < items.length; i++) {
        var on = i === index;
        items[i].setAttribute("aria-selected", on ? "true" : "false");
        items[i].style.background = on ? "var(--selected-row)" : "";
      }
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", items[index].id);
      }
    }

    function show(names) {
      var chosen = others();
      names = names.filter(function (name) { return chosen.indexOf(name) < 0; });
      if (!names.length) {
        close();
        return;
      }
      list.replaceChildren.apply(list, names.map(function (name, i) {
        var item = document.createElement("li");
        item.id = list.id + "-" + i;
        item.setAttribute("role", "option");
        item.textContent = name;
        item.style.cssText = "padding:4px 8px;cursor:pointer";
        return item;
      }));
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(-1);
    }

    function pick(name) {
      var bounds = segment();
      var head = input.value.slice(0, bounds[0]).trim();
      var tail = input.value.slice(bounds[1]).replace(/^\s*,?\s*/, "");
      head = head ? head + " " : "";
      input.value = head + name + SEPARATOR + " " + tail;
      var caret = head.length + name.length + 2;
      input.setSelectionRange(caret, caret);
      close();
      input.focus();
    }

    function ask() {
      var bounds = segment();
      var term = input.value.slice(bounds[0], bounds[1]).trim();
      if (!term) {
        close();
        return;
      }
      var mine = ++asked;
      var url = new URL(input.dataset.autocompleteUrl, window.location.href);
      url.search = new URLSearchParams({
        term: term,
        app_label: input.dataset.appLabel,
        model_name: input.dataset.modelName,
        field_name: input.dataset.fieldName,
      }).toString();
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (data && mine === asked) {
            show(data.results.map(function (result) { return result.text; }));
          }
        })
        .catch(close);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, WAIT_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        return;
      }
      var count = list.children.length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight(active < 0 ? (step > 0 ? 0 : count - 1) : (active + step + count) % count);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault(); // picks the suggestion instead of saving the article
        pick(list.children[active].textContent);
      } else if (event.key === "Escape") {
        close();
      }
    });
    list.addEventListener("mousedown", function (event) {
      var item = event.target.closest("li");
      if (item) {
        event.preventDefault(); // keeps the focus in the input
        pick(item.textContent);
      }
    });
    input.addEventListener("blur", close);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input.tag-input").forEach(setup);
  });
})();
