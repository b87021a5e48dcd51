// Keeps a copy of the report form in localStorage, so that nothing typed is lost when the
// session expires or the page is left before saving. The copy belongs to one report and one
// version of it: a copy of an older version is never offered over someone else's newer save.
// The form holds one section of the report (an area, or the political treatment), and each
// section has its own copy.
(function () {
  "use strict";

  var form = document.querySelector("form[data-report-form]");
  if (!form || !window.localStorage) {
    return;
  }
  var prefix = "psykiatriportalen:rapport:" + form.dataset.reportPk + ":";
  var key = prefix + "v" + form.dataset.reportVersion + ":" + form.dataset.reportSection;
  var SKIP = { csrfmiddlewaretoken: true, action: true, confirm: true, "report-version": true };

  function fields() {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.name && !SKIP[element.name] && element.type !== "file" &&
        element.type !== "submit" && element.type !== "button";
    });
  }

  function snapshot() {
    var values = {};
    fields().forEach(function (element) {
      if (element.type === "checkbox") {
        values[element.name] = values[element.name] || [];
        if (element.checked) {
          values[element.name].push(element.value);
        }
      } else if (element.type === "radio") {
        if (!(element.name in values)) {
          values[element.name] = "";
        }
        if (element.checked) {
          values[element.name] = element.value;
        }
      } else {
        values[element.name] = element.value;
      }
    });
    return values;
  }

  function restore(values) {
    fields().forEach(function (element) {
      if (!(element.name in values)) {
        return;
      }
      var value = values[element.name];
      if (element.type === "checkbox") {
        element.checked = value.indexOf(element.value) !== -1;
      } else if (element.type === "radio") {
        element.checked = element.value === value;
      } else {
        element.value = value;
      }
    });
  }

  function clearAll() {
    for (var i = localStorage.length - 1; i >= 0; i--) {
      var name = localStorage.key(i);
      if (name && name.indexOf(prefix) === 0) {
        localStorage.removeItem(name);
      }
    }
  }

  function store() {
    try {
      localStorage.setItem(key, JSON.stringify(snapshot()));
    } catch (error) {
      // Storage full or disabled: the form still works, only without the safety copy.
    }
  }

  if (form.dataset.saved === "true") {
    clearAll();
  } else {
    var stored = null;
    try {
      stored = JSON.parse(localStorage.getItem(key));
    } catch (error) {
      stored = null;
    }
    var notice = document.getElementById("restore-notice");
    if (stored && notice && JSON.stringify(stored) !== JSON.stringify(snapshot())) {
      notice.hidden = false;
      document.getElementById("restore-button").addEventListener("click", function () {
        restore(stored);
        notice.hidden = true;
        store();
        form.querySelector("input:not([type=hidden]), select, textarea").focus();
      });
      document.getElementById("discard-button").addEventListener("click", function () {
        localStorage.removeItem(key);
        notice.hidden = true;
      });
    }
  }

  form.addEventListener("input", store);
  form.addEventListener("change", store);
})();
