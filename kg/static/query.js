/* kerman-kg: the query page of `kg serve` (kg/pages.py, query_section).
 *
 * Turns the plain form of <section id="query-page"> (a textarea that GETs /sparql) into a SPARQL editor
 * (CodeMirror 5, vendored in /static/vendor/codemirror/) that runs queries with fetch and shows the answer:
 * a table for SELECT (IRIs minted by the graph link to their pages on this server, other http(s) IRIs
 * link out), true/false for ASK, Turtle for CONSTRUCT and DESCRIBE, and any error the server gives as a
 * message with the line and column of a syntax error. The named-query menu loads a query's text with its
 * parameters written in (/queries/NAME?format=sparql). Downloads are links that re-issue the query
 * with format=... Everything comes from this server: no inline script, nothing from elsewhere.
 */
(function () {
  "use strict";

  var section = document.getElementById("query-page");
  var form = document.getElementById("query-form");
  var textarea = document.getElementById("query");
  if (!section || !form || !textarea) {
    return;
  }
  var base = section.getAttribute("data-base") || "";
  var prefixes = JSON.parse(section.getAttribute("data-prefixes") || "[]");
  var statusLine = document.getElementById("query-status");
  var errorBox = document.getElementById("query-error");
  var downloads = document.getElementById("query-downloads");
  var results = document.getElementById("query-results");
  var examples = document.getElementById("example");
  var question = document.getElementById("example-question");
  var runButton = document.getElementById("run");

  var SELECT_DOWNLOADS = [
    ["csv", "CSV", "csv"],
    ["tsv", "TSV", "tsv"],
    ["json", "JSON", "srj"],
    ["xml", "XML", "srx"],
  ];
  var GRAPH_DOWNLOADS = [
    ["turtle", "Turtle", "ttl"],
    ["nt", "N-Triples", "nt"],
    ["jsonld", "JSON-LD", "jsonld"],
  ];
  // Longer download links are turned into POST requests when clicked (servers cap the request line).
  var MAX_LINK = 8000;
  var XSD = "http://www.w3.org/2001/XMLSchema#";

  // ------------------------------------------------------------------ the editor

  var editor = null;
  if (window.CodeMirror) {
    editor = window.CodeMirror.fromTextArea(textarea, {
      mode: "application/sparql-query",
      lineNumbers: true,
      matchBrackets: true,
      indentUnit: 2,
      viewportMargin: Infinity,
      extraKeys: { "Ctrl-Enter": run, "Cmd-Enter": run },
    });
  } else {
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        run();
      }
    });
  }
  section.classList.add("enhanced");
  form.querySelectorAll(".hint, .examples").forEach(function (el) {
    el.hidden = false;
  });

  function queryText() {
    return editor ? editor.getValue() : textarea.value;
  }

  function setQueryText(text) {
    if (editor) {
      editor.setValue(text);
      editor.focus();
    } else {
      textarea.value = text;
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });

  // ------------------------------------------------------------ named queries

  if (examples) {
    examples.addEventListener("change", function () {
      var option = examples.options[examples.selectedIndex];
      if (!option || !option.value) {
        return;
      }
      if (question) {
        question.textContent = option.title || "";
      }
      clearAnswer();
      statusLine.textContent = "loading " + option.textContent + "…";
      fetch(option.value, { headers: { Accept: "application/sparql-query" } })
        .then(function (response) {
          return response.text().then(function (body) {
            if (!response.ok) {
              throw new ServerError(response.status, body);
            }
            setQueryText(body);
            statusLine.textContent = "loaded " + option.textContent + ": press Run (or Ctrl+Enter)";
          });
        })
        .catch(showError);
    });
  }

  // -------------------------------------------------------------------- running

  function ServerError(status, message) {
    this.status = status;
    this.message = message;
  }

  var running = false;

  function run() {
    if (running) {
      return;
    }
    var text = queryText();
    if (!text.trim()) {
      showError(new ServerError(0, "the query is empty"));
      return;
    }
    running = true;
    runButton.disabled = true;
    clearAnswer();
    statusLine.textContent = "running…";
    var started = performance.now();
    fetch("/sparql", {
      method: "POST",
      headers: {
        "Content-Type": "application/sparql-query",
        Accept: "application/sparql-results+json, text/turtle;q=0.9",
      },
      body: text,
    })
      .then(function (response) {
        return response.text().then(function (body) {
          var elapsed = Math.round(performance.now() - started);
          if (!response.ok) {
            throw new ServerError(response.status, body);
          }
          var type = (response.headers.get("Content-Type") || "").split(";")[0].trim();
          var note = response.headers.get("KG-Note");
          showAnswer(text, type, body, elapsed, note);
        });
      })
      .catch(showError)
      .then(function () {
        running = false;
        runButton.disabled = false;
      });
  }

  function clearAnswer() {
    errorBox.hidden = true;
    errorBox.textContent = "";
    downloads.hidden = true;
    downloads.textContent = "";
    results.textContent = "";
    statusLine.textContent = "";
    if (editor && errorLine !== null) {
      editor.removeLineClass(errorLine, "background", "cm-error-line");
      errorLine = null;
    }
  }

  function showError(error) {
    statusLine.textContent = "";
    errorBox.textContent = "";
    var heading = document.createElement("strong");
    var message = document.createElement("pre");
    if (error instanceof ServerError) {
      heading.textContent = error.status ? describeStatus(error.status) : "Nothing to run";
      message.textContent = (error.message || "").trim() || "(the server gave no message)";
      var position = /\bat (\d+):(\d+)\b/.exec(error.message || "");
      if (error.status === 400 && position) {
        var line = parseInt(position[1], 10);
        var column = parseInt(position[2], 10);
        var where = document.createElement("p");
        where.className = "position";
        where.textContent = "at line " + line + ", column " + column;
        errorBox.append(heading, where, message);
        markPosition(line, column);
      } else {
        errorBox.append(heading, message);
      }
    } else {
      heading.textContent = "Could not reach the server";
      message.textContent = String(error && error.message ? error.message : error);
      errorBox.append(heading, message);
    }
    errorBox.hidden = false;
  }

  function describeStatus(status) {
    var names = {
      400: "The query is not valid",
      403: "Not allowed",
      406: "No answer format fits",
      413: "The answer is too large",
      500: "Server error",
      503: "The query was stopped",
    };
    return "Error " + status + (names[status] ? ": " + names[status] : "");
  }

  var errorLine = null;

  // Highlight the line of a syntax error and put the cursor where the parser stopped.
  function markPosition(line, column) {
    if (!editor || line < 1 || line > editor.lineCount()) {
      return;
    }
    errorLine = editor.addLineClass(line - 1, "background", "cm-error-line");
    editor.setCursor({ line: line - 1, ch: Math.max(column - 1, 0) });
    editor.focus();
  }

  // ---------------------------------------------------------------- the answer

  function showAnswer(text, type, body, elapsed, note) {
    var took = " in " + elapsed + " ms";
    if (type === "application/sparql-results+json") {
      var data = JSON.parse(body);
      if (typeof data.boolean === "boolean") {
        var answer = document.createElement("p");
        answer.className = "boolean";
        answer.textContent = data.boolean ? "true" : "false";
        results.append(answer);
        statusLine.textContent = "ASK answered" + took;
      } else {
        var rows = data.results.bindings;
        results.append(resultsTable(data.head.vars || [], rows));
        statusLine.textContent = rows.length + (rows.length === 1 ? " row" : " rows") + took;
      }
      showDownloads(text, SELECT_DOWNLOADS);
    } else {
      var pre = document.createElement("pre");
      pre.className = "graph-answer";
      pre.textContent = body;
      results.append(pre);
      statusLine.textContent = "graph answer (" + (type || "unknown type") + ")" + took;
      showDownloads(text, GRAPH_DOWNLOADS);
    }
    if (note) {
      statusLine.textContent += " · " + note;
    }
  }

  function resultsTable(variables, rows) {
    var table = document.createElement("table");
    table.className = "results";
    var head = table.createTHead().insertRow();
    variables.forEach(function (name) {
      var th = document.createElement("th");
      th.textContent = name;
      head.append(th);
    });
    var tbody = table.createTBody();
    rows.forEach(function (row) {
      var tr = tbody.insertRow();
      variables.forEach(function (name) {
        var td = tr.insertCell();
        if (row[name]) {
          td.append(termNode(row[name]));
        }
      });
    });
    return table;
  }

  function termNode(term) {
    if (term.type === "uri") {
      return iriNode(term.value);
    }
    if (term.type === "bnode") {
      var bnode = document.createElement("span");
      bnode.className = "bnode";
      bnode.textContent = "_:" + term.value;
      return bnode;
    }
    if (term.type === "literal" || term.type === "typed-literal") {
      var wrapper = document.createDocumentFragment();
      var literal = document.createElement("span");
      literal.className = "literal";
      literal.textContent = term.value;
      wrapper.append(literal);
      var lang = term["xml:lang"];
      if (lang) {
        wrapper.append(" ", small("lang", "@" + lang));
      } else if (term.datatype) {
        var shown = term.datatype.indexOf(XSD) === 0 ? "xsd:" + term.datatype.slice(XSD.length) : shorten(term.datatype);
        wrapper.append(" ", small("datatype", shown));
      }
      return wrapper;
    }
    var other = document.createElement("span");
    other.textContent = JSON.stringify(term);
    return other;
  }

  function small(className, text) {
    var span = document.createElement("span");
    span.className = className;
    span.textContent = text;
    return span;
  }

  function iriNode(iri) {
    var href = localUrl(iri) || (/^https?:\/\//i.test(iri) ? iri : null);
    var node;
    if (href) {
      node = document.createElement("a");
      node.href = href;
      if (href === iri) {
        node.rel = "noopener noreferrer";
        node.className = "external";
      }
    } else {
      node = document.createElement("span");
      node.className = "iri";
    }
    node.title = iri;
    node.textContent = shorten(iri);
    return node;
  }

  // The server path that stands for a minted IRI, as kg.web.urls.local_url writes it.
  function localUrl(iri) {
    if (!base || iri.indexOf(base) !== 0 || iri.length <= base.length) {
      return null;
    }
    var rest = iri.slice(base.length);
    var hash = rest.indexOf("#");
    var path = hash < 0 ? rest : rest.slice(0, hash);
    var fragment = hash < 0 ? null : rest.slice(hash + 1);
    return "/" + quote(path) + (fragment === null ? "" : "#" + quote(fragment));
  }

  function quote(text) {
    // Python's urllib.parse.quote(text, safe="/:@-._~!$&'()*+,;=")
    return encodeURIComponent(text).replace(/%(2F|3A|40|24|26|2B|2C|3B|3D)/gi, function (escaped) {
      return decodeURIComponent(escaped);
    });
  }

  function shorten(iri) {
    for (var i = 0; i < prefixes.length; i++) {
      var prefix = prefixes[i][0];
      var namespace = prefixes[i][1];
      if (iri.indexOf(namespace) === 0 && iri.length > namespace.length) {
        return prefix + ":" + iri.slice(namespace.length);
      }
    }
    return iri;
  }

  // ----------------------------------------------------------------- downloads

  function showDownloads(text, choices) {
    downloads.textContent = "Download: ";
    choices.forEach(function (choice, index) {
      var link = document.createElement("a");
      var url = "/sparql?" + new URLSearchParams({ query: text, format: choice[0] }).toString();
      link.href = url;
      link.download = "results." + choice[2];
      link.textContent = choice[1];
      link.setAttribute("data-format", choice[0]);
      if (url.length > MAX_LINK) {
        link.addEventListener("click", function (event) {
          event.preventDefault();
          downloadByPost(text, choice[0], link.download);
        });
      }
      if (index > 0) {
        downloads.append(" · ");
      }
      downloads.append(link);
    });
    downloads.hidden = false;
  }

  function downloadByPost(text, format, filename) {
    fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ query: text, format: format }),
    })
      .then(function (response) {
        return response.blob().then(function (blob) {
          if (!response.ok) {
            return blob.text().then(function (message) {
              throw new ServerError(response.status, message);
            });
          }
          var url = URL.createObjectURL(blob);
          var link = document.createElement("a");
          link.href = url;
          link.download = filename;
          document.body.append(link);
          link.click();
          link.remove();
          setTimeout(function () {
            URL.revokeObjectURL(url);
          }, 10000);
        });
      })
      .catch(showError);
  }
})();
