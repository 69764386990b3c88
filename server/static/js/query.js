/* The query page with JavaScript: the vendored YASGUI (SPARQL highlighting, its own result views)
   replaces the plain text area and queries this app's /sparql. The form keeps working: on
   submit the editor's text goes back into the text area, and the server renders the results
   with labels at a shareable address. */
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  var textarea = document.getElementById("query-text");
  var root = document.getElementById("yasgui-root");
  if (!form || !textarea || !root || !window.Yasgui) { return; }
  var endpoint = form.getAttribute("data-endpoint");
  var yasgui;
  root.hidden = false; /* CodeMirror measures its box when created: show it first */
  try {
    window.Yasgui.Yasqe.defaults.autocompleters = ["variables"];
    yasgui = new window.Yasgui(root, {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: true,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
      persistenceId: null,
      populateFromUrl: false,
      autofocus: false,
      yasqe: { value: textarea.value, persistenceId: null },
      yasr: { persistenceId: null }
    });
  } catch (error) {
    root.hidden = true;
    return; /* the plain form stays */
  }
  var tab = yasgui.getTab();
  if (tab && tab.getYasqe) {
    tab.getYasqe().setValue(textarea.value);
    tab.getYasqe().refresh();
  }
  textarea.hidden = true;
  document.querySelector("label[for=query-text]").hidden = true;
  var button = form.querySelector("button[type=submit]");
  if (button) { button.textContent = "Show results with labels"; }
  var note = document.getElementById("run-note");
  if (note) {
    note.textContent = "The ▶ button above shows the endpoint's raw answer; this one renders it with labels at an address you can share.";
  }
  document.documentElement.classList.add("js-enhanced");
  form.addEventListener("submit", function () {
    var current = yasgui.getTab();
    if (current && current.getYasqe) {
      textarea.value = current.getYasqe().getValue();
    }
  });
}());
