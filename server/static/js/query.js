/* The query page with JavaScript: the vendored Yasqe (YASGUI's SPARQL editor: highlighting,
   prefixes, variable completion) replaces the plain text area. There is one way to run a query:
   the form's button (or Ctrl/Cmd+Enter in the editor) sends the editor's text to this page, which
   renders the results with labels and local links at an address that can be shared. Tab and
   Shift+Tab leave the editor (no keyboard trap); the editor is labelled like the text area. */
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  var textarea = document.getElementById("query-text");
  var root = document.getElementById("yasgui-root");
  if (!form || !textarea || !root || !window.Yasgui || !window.Yasgui.Yasqe) { return; }
  var Yasqe = window.Yasgui.Yasqe;
  var yasqe;
  root.hidden = false; /* CodeMirror measures its box when created: show it first */
  try {
    yasqe = new Yasqe(root, {
      value: textarea.value,
      persistenceId: null,
      showQueryButton: false,
      createShareableLink: null,
      resizeable: false,
      editorHeight: "auto",
      lineWrapping: true,
      viewportMargin: Infinity,
      autocompleters: ["variables"], /* the others ask remote services */
      requestConfig: { endpoint: form.getAttribute("data-endpoint"), method: "POST" }
    });
  } catch (error) {
    root.hidden = true;
    return; /* the plain form stays */
  }

  function submit() {
    textarea.value = yasqe.getValue();
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }

  yasqe.query = function () { submit(); return Promise.resolve(); }; /* no second way to run */
  var keys = {};
  var own = yasqe.getOption("extraKeys") || {};
  Object.keys(own).forEach(function (key) { keys[key] = own[key]; });
  keys["Ctrl-Enter"] = submit;
  keys["Cmd-Enter"] = submit;
  keys.Tab = false;          /* let focus move on: CodeMirror would indent */
  keys["Shift-Tab"] = false;
  yasqe.setOption("extraKeys", keys);

  var input = yasqe.getInputField();
  input.setAttribute("aria-label", "SPARQL query");
  input.setAttribute("aria-describedby", "editor-keys");
  var help = document.getElementById("editor-keys");
  if (help) { help.hidden = false; }

  textarea.hidden = true;
  document.querySelector("label[for=query-text]").hidden = true;
  document.documentElement.classList.add("js-enhanced");
  form.addEventListener("submit", function () { textarea.value = yasqe.getValue(); });
}());
