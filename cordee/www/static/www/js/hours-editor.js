// Opening-hours editor of the place form (progressive enhancement: the form works without it).
// - shows only the part (grid or expert field) chosen with the "hours_mode" radio buttons;
// - checks the expert field as one types, with the server's French message.
(function () {
  "use strict";

  function setUpModes(editor) {
    var radios = editor.querySelectorAll("input[name='hours_mode']");
    var sections = editor.querySelectorAll("[data-cordee-hours-section]");
    function show() {
      var checked = editor.querySelector("input[name='hours_mode']:checked");
      var mode = checked ? checked.value : "grid";
      sections.forEach(function (section) {
        section.hidden = section.getAttribute("data-cordee-hours-section") !== mode;
      });
    }
    radios.forEach(function (radio) {
      radio.addEventListener("change", show);
    });
    show();
  }

  function setUpLiveCheck(editor) {
    var input = editor.querySelector("[data-cordee-hours-input]");
    var result = editor.querySelector("[data-cordee-hours-result]");
    if (!input || !result || !window.fetch) {
      return;
    }
    var url = result.getAttribute("data-cordee-hours-url");
    var timer = null;
    var latest = 0;
    function check() {
      var request = ++latest;
      fetch(url + "?opening_hours=" + encodeURIComponent(input.value), {
        headers: { "HX-Request": "true" },
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.ok ? response.text() : "";
        })
        .then(function (html) {
          if (request === latest) {
            result.innerHTML = html;
          }
        })
        .catch(function () {
          // The server checks again on save: nothing to do.
        });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(check, 400);
    });
  }

  document.querySelectorAll("[data-cordee-hours-editor]").forEach(function (editor) {
    setUpModes(editor);
    setUpLiveCheck(editor);
  });
})();
