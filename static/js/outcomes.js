/* The outcomes page: rows added without a page load, names suggested as they are typed, a chosen person's
 * institution filled in and references suggested. After a failed save, error-summary.js moves focus to the summary.
 * Everything here is an enhancement: without it the page's own buttons do the same through the server. */
(function () {
  "use strict";

  var form = document.querySelector(".outcomes-form");
  if (!form) {
    return;
  }

  // ---------- Rows ----------

  function fromTemplate(id, replacements) {
    var html = document.getElementById(id).innerHTML;
    Object.keys(replacements).forEach(function (key) {
      html = html.split(key).join(String(replacements[key]));
    });
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    return holder.firstElementChild;
  }

  function totalInput(prefix) {
    return form.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
  }

  function addAgreement() {
    var total = totalInput("agreements");
    var index = Number(total.value);
    var agreement = fromTemplate("agreement-template", { __prefix__: index, __number__: index + 1 });
    form.querySelector("[data-agreements]").appendChild(agreement);
    total.value = index + 1;
    suggestReferences();
    agreement.querySelector('input[name$="-title"]').focus();
  }

  function addLine(agreement) {
    var index = Number(agreement.dataset.index);
    var total = totalInput("agreements-" + index + "-lines");
    var line = Number(total.value);
    var row = fromTemplate("line-template", {
      __agreement_number__: index + 1,
      __line_number__: line + 1,
      __agreement__: index,
      __line__: line,
    });
    agreement.querySelector(".outcome-lines").appendChild(row);
    total.value = line + 1;
    row.querySelector('input[name$="-title"]').focus();
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-add-agreement], button[data-add-line]");
    if (!button) {
      return;
    }
    event.preventDefault();
    if (button.hasAttribute("data-add-agreement")) {
      addAgreement();
    } else {
      addLine(button.closest(".outcome-agreement"));
    }
  });

  // ---------- A reason only when a deadline moves ----------

  function showReasonIfMoved(reason) {
    var wrapper = reason.closest(".outcome-field");
    var due = reason.closest(".outcome-line").querySelector('input[name$="-due_date"]');
    var needed = due.value !== due.defaultValue || reason.value || wrapper.classList.contains("form-group-error");
    wrapper.hidden = !needed;
  }

  form.querySelectorAll('input[name$="-deadline_reason"]').forEach(showReasonIfMoved);

  form.addEventListener("input", function (event) {
    if (event.target.matches('.outcome-line input[name$="-due_date"]')) {
      var reason = event.target.closest(".outcome-line").querySelector('input[name$="-deadline_reason"]');
      if (reason) {
        showReasonIfMoved(reason);
      }
    }
  });

  // ---------- Suggestions ----------

  var known = { people: new Map(), institutions: new Map() };
  var urls = { people: form.dataset.suggestPeople, institutions: form.dataset.suggestInstitutions };
  var timer = null;

  function fetchSuggestions(kind, text) {
    return fetch(urls[kind] + "?q=" + encodeURIComponent(text), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.ok ? response.json() : { results: [] };
      })
      .then(function (answer) {
        answer.results.forEach(function (row) {
          known[kind].set(row.value, row);
        });
        return answer.results;
      })
      .catch(function () {
        return [];
      });
  }

  function showSuggestions(kind, rows) {
    var list = document.getElementById("outcomes-" + kind);
    list.replaceChildren.apply(
      list,
      rows.map(function (row) {
        var option = document.createElement("option");
        option.value = row.value;
        if (row.label !== row.value) {
          option.label = row.label;
        }
        return option;
      })
    );
  }

  form.addEventListener("input", function (event) {
    var input = event.target;
    if (input.matches("[data-outcomes-reference]")) {
      delete input.dataset.suggested;
    }
    var kind = input.dataset.suggest;
    if (!kind || !input.value.trim()) {
      return;
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      fetchSuggestions(kind, input.value.trim()).then(function (rows) {
        showSuggestions(kind, rows);
      });
    }, 150);
  });

  function fillInstitution(personInput, person) {
    var row = personInput.closest(".outcome-line");
    if (!row || !person || !person.institution) {
      return;
    }
    var box = row.querySelector('[data-suggest="institutions"][data-side="' + personInput.dataset.side + '"]');
    if (box && (!box.value.trim() || box.dataset.filledFromPerson === box.value)) {
      box.value = person.institution;
      box.dataset.filledFromPerson = person.institution;
    }
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.dataset.suggest === "people" && input.closest(".outcome-line")) {
      var value = input.value.trim();
      if (!value) {
        return;
      }
      if (known.people.has(value)) {
        fillInstitution(input, known.people.get(value));
      } else {
        fetchSuggestions("people", value.split(" — ")[0]).then(function () {
          fillInstitution(input, known.people.get(value));
        });
      }
    }
    if (input.matches("[data-outcomes-sector], [data-outcomes-session]")) {
      suggestReferences();
    }
  });

  // ---------- References ----------

  function chosen(selector, fallback) {
    var select = form.querySelector(selector);
    return select ? select.value : fallback || "";
  }

  function suggestReferences() {
    var session = chosen("[data-outcomes-session]", form.dataset.session);
    var sector = chosen("[data-outcomes-sector]");
    var boxes = Array.prototype.filter.call(form.querySelectorAll("[data-outcomes-reference]"), function (box) {
      return !box.closest("template") && !box.closest(".outcome-agreement").querySelector('input[name$="-id"][value]');
    });
    var open = boxes.filter(function (box) {
      return !box.value.trim() || box.dataset.suggested;
    });
    if (!session || !sector || !open.length) {
      return;
    }
    var query = new URLSearchParams({ session: session, sector: sector, count: open.length });
    boxes.forEach(function (box) {
      if (box.value.trim() && !box.dataset.suggested) {
        query.append("taken", box.value.trim());
      }
    });
    fetch(form.dataset.suggestReferences + "?" + query.toString(), { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : { references: [] };
      })
      .then(function (answer) {
        open.forEach(function (box, position) {
          if (answer.references[position]) {
            box.value = answer.references[position];
            box.dataset.suggested = "true";
          }
        });
      })
      .catch(function () {});
  }

  suggestReferences();
})();
