/* kerman-kg: the review page of `kg review` (kg/review/page.py, kg/review/api.py).
 *
 * Shows an article with the quote of every drafted and accepted fact highlighted by kind, and beside it the
 * metadata record and the facts, each said in words with its review state and the curator check's problems at
 * its lines. Decisions (accept, reject, edit, add from a selection of the text) go to the server's API, which
 * writes them into the curator's YAML at once; every write names the SHA-256 of the file as this page loaded
 * it, so a change made meanwhile elsewhere is never overwritten (the server answers 409 and nothing is written).
 * After each change the page asks for the curator check and shows its problems next to the facts they concern.
 * Everything comes from this server: no inline script, nothing from elsewhere; every text from the article or
 * the files is put in with textContent.
 */
(function () {
  "use strict";

  var body = document.body;
  var stem = body.getAttribute("data-stem");
  var tokenMeta = document.querySelector('meta[name="kg-review-token"]');
  if (!stem || !tokenMeta) {
    return;
  }
  var token = tokenMeta.getAttribute("content") || "";
  var api = "/api/articles/" + encodeURIComponent(stem);

  var el = {
    progress: document.getElementById("progress"),
    progressBar: document.getElementById("progress-bar"),
    message: document.getElementById("message"),
    help: document.getElementById("help"),
    helpToggle: document.getElementById("help-toggle"),
    checkAll: document.getElementById("check-all"),
    build: document.getElementById("build"),
    legend: document.getElementById("legend"),
    text: document.getElementById("article-text"),
    selectionBar: document.getElementById("selection-bar"),
    addFromSelection: document.getElementById("add-from-selection"),
    entityFromSelection: document.getElementById("entity-from-selection"),
    checkStatus: document.getElementById("check-status"),
    elsewhere: document.getElementById("elsewhere"),
    meta: document.getElementById("meta"),
    fileProblems: document.getElementById("file-problems"),
    items: document.getElementById("items"),
    newItem: document.getElementById("new-item"),
    buildResult: document.getElementById("build-result"),
  };

  var state = null; // the article as the server last described it
  var check = null; // the last check result that matches the files
  var current = null; // the key of the selected card: "meta", "facts/<id>" or "entities/<id>"
  var editor = null; // the open editor: {key, section, item, form, collect, passages}
  var selection = null; // the selected passage of the article: {text, start} (UTF-16 offsets)
  var writing = false;

  var BODIES = ["statement", "casualties", "relations", "response"];
  var KIND_NAMES = {
    statement: "statement",
    casualties: "casualty figure",
    relations: "plain facts (relations)",
    response: "response",
  };
  var FIELDS = {
    statement: [
      ["type", "Type", "select", "statement_types"],
      ["by", "Said by", "entities"],
      ["about", "About", "about"],
      ["accuses", "Accuses", "entities"],
      ["denies_involvement_of", "Denies the involvement of", "entities"],
      ["threatens", "Threatens", "entities"],
      ["attributes_to", "Attributes it to", "entities"],
      ["names_perpetrator", "Names as perpetrator", "entities"],
      ["channel", "Channel", "entities"],
      ["date", "Date", "date"],
      ["attack_type", "Method (attack type)", "select", "attack_types"],
      ["method_as_written", "Method as written", "texts"],
      ["words", "Words", "texts"],
      ["title", "Title", "texts"],
      ["hedge", "Hedge", "texts"],
      ["answers", "Answers", "statements"],
      ["contradicts", "Contradicts", "statements"],
    ],
    casualties: [
      ["type", "Type", "select", "casualty_types"],
      ["of", "Of (event)", "entity"],
      ["figure", "Figure as written", "text"],
      ["qualifier", "Qualifier", "select", "qualifiers"],
      ["count", "Count", "number"],
      ["given_by", "Given by", "entity"],
      ["stated_in", "Stated in", "statement"],
      ["hedge", "Hedge", "text"],
    ],
    response: [
      ["type", "Type", "select", "response_types"],
      ["by", "By", "entities"],
      ["in_response_to", "In response to", "entity"],
      ["destination", "Destination", "entity"],
      ["date", "Date", "date"],
    ],
    entity: [
      ["type", "Type", "select", "entity_types"],
      ["label", "Label", "text"],
      ["aliases", "Aliases", "texts"],
    ],
  };

  // ------------------------------------------------------------------ talking to the server

  function ApiError(status, message) {
    this.status = status;
    this.message = message;
  }

  function request(method, path, payload) {
    var options = {
      method: method,
      headers: { "X-Review-Token": token, Accept: "application/json" },
      credentials: "same-origin",
    };
    if (payload !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(payload);
    }
    return fetch(path, options).then(function (response) {
      return response
        .json()
        .catch(function () {
          return { error: "the server gave no answer the page can read (HTTP " + response.status + ")" };
        })
        .then(function (data) {
          if (!response.ok) {
            throw new ApiError(response.status, data.error || "HTTP " + response.status);
          }
          return data;
        });
    });
  }

  function setBusy(value) {
    writing = value;
    body.setAttribute("data-busy", value ? "true" : "false");
  }

  function showMessage(text, kind, reload) {
    el.message.textContent = "";
    el.message.className = "message " + (kind || "info");
    var span = document.createElement("span");
    span.textContent = text;
    el.message.append(span);
    if (reload) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = "Reload";
      button.addEventListener("click", function () {
        hideMessage();
        load();
      });
      el.message.append(" ", button);
    }
    el.message.hidden = false;
  }

  function hideMessage() {
    el.message.hidden = true;
    el.message.textContent = "";
  }

  function failed(error) {
    if (error instanceof ApiError) {
      showMessage("Not written: " + error.message, "error", error.status === 409);
    } else {
      showMessage("Could not reach the review server: " + (error && error.message ? error.message : error), "error");
    }
  }

  function load() {
    return request("GET", api)
      .then(function (data) {
        setState(data);
        runCheck(false);
      })
      .catch(failed);
  }

  // Write a change to the annotation file (or the record), then show the new state and check again.
  function write(method, path, payload, after) {
    if (writing) {
      return Promise.resolve(false);
    }
    setBusy(true);
    return request(method, path, payload)
      .then(function (data) {
        hideMessage();
        setState(data.state);
        el.checkStatus.setAttribute("data-state", "pending");
        if (after) {
          after(data);
        }
        showMessage(data.message, "info");
        runCheck(false);
        return true;
      })
      .catch(function (error) {
        failed(error);
        return false;
      })
      .then(function (done) {
        setBusy(false);
        return done;
      });
  }

  // ------------------------------------------------------------------ the state

  function itemByKey(key) {
    if (!state) {
      return null;
    }
    for (var i = 0; i < state.items.length; i++) {
      if (state.items[i].key === key) {
        return state.items[i];
      }
    }
    return null;
  }

  function cardKeys() {
    var keys = ["meta"];
    state.items.forEach(function (item) {
      keys.push(item.key);
    });
    return keys;
  }

  function setState(data) {
    state = data;
    if (!current || (current !== "meta" && !itemByKey(current))) {
      var first = state.items.filter(function (i) {
        return i.review === "draft";
      })[0];
      current = state.meta.review === "draft" || state.meta.review === "absent" ? "meta" : first ? first.key : "meta";
    }
    render();
  }

  function render() {
    renderProgress();
    renderLegend();
    renderText();
    renderMeta();
    renderItems();
    renderProblems();
    markCurrent(false);
  }

  function renderProgress() {
    var p = state.progress;
    var total = p.facts + p.entities;
    var parts = [
      p.facts + " fact" + (p.facts === 1 ? "" : "s") + (p.entities ? " and " + p.entities + " new entit" + (p.entities === 1 ? "y" : "ies") : ""),
      p.reviewed + " reviewed",
      p.accepted + " accepted",
      p.rejected + " rejected",
      p.draft + " to review",
      "record: " + (p.meta === "absent" ? "missing" : p.meta),
    ];
    el.progress.textContent = parts.join(" · ");
    el.progressBar.max = Math.max(total, 1);
    el.progressBar.value = total - p.draft;
  }

  var legendDone = false;

  function renderLegend() {
    if (legendDone) {
      return;
    }
    legendDone = true;
    var categories = state.options.categories;
    Object.keys(categories).forEach(function (name) {
      var chip = document.createElement("span");
      chip.className = "chip cat-" + name;
      chip.textContent = categories[name];
      el.legend.append(chip, " ");
    });
    var note = document.createElement("span");
    note.className = "legend-note";
    note.textContent = "dashed: draft · solid: accepted";
    el.legend.append(note);
  }

  // ------------------------------------------------------------------ the article text

  function renderText() {
    var text = state.text;
    var spans = [];
    state.items.forEach(function (item) {
      if (item.review === "rejected") {
        return;
      }
      item.spans.forEach(function (span) {
        spans.push({ start: span[0], end: span[1], item: item });
      });
    });
    var cuts = [0, text.length];
    spans.forEach(function (s) {
      cuts.push(s.start, s.end);
    });
    cuts = cuts
      .filter(function (c, i, all) {
        return all.indexOf(c) === i;
      })
      .sort(function (a, b) {
        return a - b;
      });
    var fragment = document.createDocumentFragment();
    for (var i = 0; i + 1 < cuts.length; i++) {
      var a = cuts[i];
      var b = cuts[i + 1];
      var piece = text.slice(a, b);
      var covering = spans.filter(function (s) {
        return s.start <= a && s.end >= b;
      });
      if (!covering.length) {
        fragment.append(document.createTextNode(piece));
        continue;
      }
      covering.sort(function (x, y) {
        return x.end - x.start - (y.end - y.start);
      });
      var inner = covering[0].item;
      var mark = document.createElement("mark");
      mark.className = "hl cat-" + inner.category + " review-" + inner.review + (covering.length > 1 ? " overlap" : "");
      mark.setAttribute(
        "data-keys",
        covering
          .map(function (s) {
            return s.item.key;
          })
          .join(" ")
      );
      mark.title = covering
        .map(function (s) {
          return s.item.description;
        })
        .join("\n");
      mark.textContent = piece;
      fragment.append(mark);
    }
    el.text.textContent = "";
    el.text.append(fragment);
  }

  el.text.addEventListener("click", function (event) {
    var mark = event.target.closest ? event.target.closest("mark.hl") : null;
    if (!mark || !window.getSelection().isCollapsed) {
      return;
    }
    var keys = (mark.getAttribute("data-keys") || "").split(" ");
    var at = keys.indexOf(current);
    select(keys[at >= 0 ? (at + 1) % keys.length : 0], true);
  });

  // The selected passage, as offsets into the article's text (the container holds exactly the text).
  document.addEventListener("selectionchange", function () {
    var chosen = window.getSelection();
    selection = null;
    if (chosen && chosen.rangeCount && !chosen.isCollapsed) {
      var range = chosen.getRangeAt(0);
      if (el.text.contains(range.startContainer) && el.text.contains(range.endContainer)) {
        var before = document.createRange();
        before.selectNodeContents(el.text);
        before.setEnd(range.startContainer, range.startOffset);
        var start = before.toString().length;
        var raw = range.toString();
        var lead = raw.length - raw.replace(/^\s+/, "").length;
        var words = raw.trim();
        if (words && state && state.text.substr(start + lead, words.length) === words) {
          selection = { text: words, start: start + lead };
        }
      }
    }
    // the bar keeps its place and height, so the text does not move while the curator selects
    el.addFromSelection.disabled = el.entityFromSelection.disabled = !selection;
    el.selectionBar.classList.toggle("active", !!selection);
    el.selectionBar.querySelector(".selected-text").textContent = selection
      ? "“" + selection.text + "”"
      : "Select a passage of the text to add a fact the draft missed.";
    if (editor && editor.selectionButtons) {
      editor.selectionButtons.forEach(function (button) {
        button.disabled = !selection;
      });
    }
  });

  // ------------------------------------------------------------------ the cards

  function problemsFor(key) {
    if (!check) {
      return [];
    }
    if (key === "meta") {
      return check.meta || [];
    }
    return (check.items && check.items[key]) || [];
  }

  function problemList(problems) {
    var list = document.createElement("ul");
    list.className = "problems";
    problems.forEach(function (p) {
      var li = document.createElement("li");
      li.className = "problem " + p.severity;
      var where = document.createElement("span");
      where.className = "where";
      where.textContent = (p.file ? p.file + ":" : "") + (p.line ? "line " + p.line : "") + (p.severity === "warning" ? " (warning)" : "");
      li.append(where, " ", p.message);
      list.append(li);
    });
    return list;
  }

  // The check's problems of a card, in a list that a new check result replaces in place.
  function checkProblems(key) {
    var list = problemList(problemsFor(key));
    list.classList.add("check-problems");
    list.setAttribute("data-for", key);
    return list;
  }

  // Show a new check result without rebuilding the cards (an open editor keeps its place and focus).
  function refreshCheckProblems() {
    document.querySelectorAll("ul.check-problems").forEach(function (list) {
      list.replaceWith(checkProblems(list.getAttribute("data-for")));
    });
  }

  function button(label, title, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    if (title) {
      b.title = title;
    }
    b.addEventListener("click", function (event) {
      event.stopPropagation();
      action();
    });
    return b;
  }

  function badge(review) {
    var b = document.createElement("span");
    b.className = "badge review-" + review;
    b.textContent = review;
    return b;
  }

  function renderMeta() {
    var meta = state.meta;
    var card = el.meta;
    card.textContent = "";
    card.className = "meta-card card review-" + meta.review;
    card.setAttribute("data-key", "meta");
    var head = document.createElement("div");
    head.className = "item-head";
    var title = document.createElement("strong");
    title.textContent = "Metadata record";
    var file = document.createElement("code");
    file.textContent = state.files.meta;
    head.append(title, " ", badge(meta.review === "absent" ? "missing" : meta.review), " ", file);
    card.append(head);
    if (meta.problem) {
      card.append(problemList([{ severity: "error", message: meta.problem }]));
    }
    if (!meta.exists) {
      var p = document.createElement("p");
      p.textContent = "The article has no metadata record yet.";
      card.append(p, buttons([button("Create a draft record", "as kg draft writes it", createMeta)]));
      return;
    }
    var list = document.createElement("dl");
    meta.said.forEach(function (pair) {
      var dt = document.createElement("dt");
      dt.textContent = pair[0];
      var dd = document.createElement("dd");
      dd.textContent = pair[1];
      list.append(dt, dd);
    });
    card.append(list);
    card.append(checkProblems("meta"));
    var actions = [button("Edit (e)", "edit the record", function () {
      openMetaEditor();
    })];
    if (meta.review === "draft") {
      actions.unshift(button("Accept record (a)", "I have checked it: delete its review: draft line", acceptMeta));
    }
    card.append(buttons(actions));
    card.onclick = function () {
      select("meta", false);
    };
  }

  function buttons(list) {
    var div = document.createElement("div");
    div.className = "buttons";
    list.forEach(function (b) {
      div.append(b, " ");
    });
    return div;
  }

  function renderItems() {
    el.items.textContent = "";
    state.items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "card item cat-" + item.category + " review-" + item.review;
      li.id = "item-" + item.key.replace(/[^A-Za-z0-9_-]/g, "_");
      li.setAttribute("data-key", item.key);
      var head = document.createElement("div");
      head.className = "item-head";
      var chip = document.createElement("span");
      chip.className = "chip cat-" + item.category;
      chip.textContent = state.options.categories[item.category] || item.category;
      var id = document.createElement("code");
      id.className = "id";
      id.textContent = item.id || "(no id)";
      var line = document.createElement("span");
      line.className = "line";
      line.textContent = "line " + item.line;
      head.append(chip, " ", badge(item.review), " ", id, " ", line);
      var description = document.createElement("p");
      description.className = "description";
      description.textContent = item.description;
      li.append(head, description);
      var quote = item.data.quote;
      if (quote !== undefined) {
        var q = document.createElement("blockquote");
        q.className = "quote";
        q.textContent = quoteText(quote);
        li.append(q);
        if (!item.quote_found) {
          li.append(problemList([{ severity: "error", message: "this quote is not in the article at the occurrence given" }]));
        }
      }
      var drafted = item.data.drafted;
      if (drafted && typeof drafted === "object") {
        var d = document.createElement("p");
        d.className = "drafted";
        d.textContent =
          "proposed by the rule " + drafted.rule + (drafted.cue ? " from “" + drafted.cue + "”" : "") +
          (drafted.confidence !== undefined ? " (confidence " + drafted.confidence + ")" : "");
        li.append(d);
      }
      if (item.data.note) {
        var n = document.createElement("p");
        n.className = "note";
        n.textContent = "note: " + item.data.note;
        li.append(n);
      }
      li.append(checkProblems(item.key));
      if (item.id) {
        var actions = [];
        if (item.review !== "accepted") {
          actions.push(button("Accept (a)", "", function () {
            decide(item.key, "accepted");
          }));
        }
        if (item.review !== "rejected") {
          actions.push(button("Reject (r)", "", function () {
            decide(item.key, "rejected");
          }));
        }
        if (item.review !== "draft") {
          actions.push(button("Back to draft (d)", "", function () {
            decide(item.key, "draft");
          }));
        }
        actions.push(button("Edit (e)", "", function () {
          select(item.key, false);
          openEditor(item);
        }));
        li.append(buttons(actions));
      }
      li.addEventListener("click", function (event) {
        if (!event.target.closest("button, input, select, textarea, .editor")) {
          select(item.key, true);
        }
      });
      el.items.append(li);
    });
  }

  function quoteText(quote) {
    if (Array.isArray(quote)) {
      return quote
        .map(function (q) {
          return typeof q === "object" && q ? q.text : q;
        })
        .join(" … ");
    }
    return String(quote);
  }

  function cardOf(key) {
    if (key === "meta") {
      return el.meta;
    }
    return el.items.querySelector('[data-key="' + (window.CSS && CSS.escape ? CSS.escape(key) : key) + '"]');
  }

  function select(key, scroll) {
    current = key;
    markCurrent(scroll);
  }

  function markCurrent(scroll) {
    document.querySelectorAll(".card.current").forEach(function (c) {
      c.classList.remove("current");
    });
    document.querySelectorAll("mark.hl.current").forEach(function (m) {
      m.classList.remove("current");
    });
    var card = current ? cardOf(current) : null;
    if (!card) {
      return;
    }
    card.classList.add("current");
    var marks = [];
    el.text.querySelectorAll("mark.hl").forEach(function (m) {
      if ((m.getAttribute("data-keys") || "").split(" ").indexOf(current) >= 0) {
        m.classList.add("current");
        marks.push(m);
      }
    });
    if (scroll !== false) {
      card.scrollIntoView({ block: "nearest" });
      if (marks.length) {
        marks[0].scrollIntoView({ block: "nearest" });
      }
    }
  }

  function move(step, draftsOnly) {
    var keys = cardKeys();
    var at = keys.indexOf(current);
    for (var n = 1; n <= keys.length; n++) {
      var index = at + step * n;
      if (draftsOnly) {
        index = (index + keys.length * 2) % keys.length;
      } else if (index < 0 || index >= keys.length) {
        return;
      }
      var key = keys[index];
      if (!draftsOnly || isDraft(key)) {
        select(key, true);
        return;
      }
    }
  }

  function isDraft(key) {
    if (key === "meta") {
      return state.meta.review === "draft" || state.meta.review === "absent";
    }
    var item = itemByKey(key);
    return !!item && item.review === "draft";
  }

  // ------------------------------------------------------------------ decisions

  function itemPath(item) {
    return api + "/" + item.section + "/" + encodeURIComponent(item.id);
  }

  function decide(key, review) {
    if (key === "meta") {
      if (review === "accepted" && state.meta.review === "draft") {
        acceptMeta();
      }
      return;
    }
    var item = itemByKey(key);
    if (!item || !item.id || item.review === review) {
      return;
    }
    write("POST", itemPath(item) + "/review", { state: review, digest: state.digest }, function () {
      if (review !== "draft" && isDraft(key) === false) {
        move(1, true);
      }
    });
  }

  function acceptMeta() {
    write("POST", api + "/meta/accept", { digest: state.meta.digest }, function () {
      move(1, true);
    });
  }

  function createMeta() {
    write("POST", api + "/meta", { digest: state.meta.digest });
  }

  // ------------------------------------------------------------------ the checks

  var checking = false;
  var checkAgain = null;

  function runCheck(full) {
    if (checking) {
      checkAgain = checkAgain === null ? full : checkAgain || full;
      return;
    }
    checking = true;
    el.checkStatus.setAttribute("data-state", "pending");
    el.checkStatus.textContent = full
      ? "Running the full check (the build, the SHACL shapes and the quality rules)…"
      : "Checking…";
    request("GET", api + "/check" + (full ? "?rules=1" : ""))
      .then(function (result) {
        if (state && (result.digest !== state.digest || result.meta_digest !== state.meta.digest || result.stale)) {
          checkAgain = checkAgain === null ? full : checkAgain || full;
          return;
        }
        applyCheck(result);
      })
      .catch(function (error) {
        el.checkStatus.setAttribute("data-state", "failed");
        el.checkStatus.textContent = "The check could not run: " + (error.message || error);
      })
      .then(function () {
        checking = false;
        if (checkAgain !== null) {
          var again = checkAgain;
          checkAgain = null;
          runCheck(again);
        }
      });
  }

  function applyCheck(result) {
    check = result;
    var what = result.full ? "Full check (build, shapes, quality rules)" : "Check (the build's rules)";
    var verdict = result.passes ? "the corpus passes" : "the corpus does not pass";
    var elsewhere = result.errors - result.article_errors;
    var otherWarnings = result.warnings - result.article_warnings;
    el.checkStatus.textContent =
      what + ": " + result.article_errors + " error(s) and " + result.article_warnings + " warning(s) in this " +
      "article" + (elsewhere ? ", " + elsewhere + " error(s) elsewhere" : "") +
      (otherWarnings ? ", " + otherWarnings + " warning(s) elsewhere in the corpus" : "") + "; " + verdict +
      " (" + result.seconds + " s)." + (result.full ? "" : " Drafts are checked once accepted.");
    el.checkStatus.className = "check-status " + (result.passes ? "passes" : "fails");
    el.checkStatus.setAttribute("data-state", "done");
    el.checkStatus.setAttribute("data-full", result.full ? "true" : "false");
    refreshCheckProblems();
    renderProblems();
  }

  function renderProblems() {
    var inFile = check ? check.file || [] : [];
    el.fileProblems.textContent = "";
    el.fileProblems.hidden = !inFile.length && !state.file_problem && !state.registry_problem;
    if (state.file_problem) {
      inFile = [{ severity: "error", message: state.file_problem }].concat(inFile);
    }
    if (state.registry_problem) {
      inFile = [{ severity: "error", message: "the registry: " + state.registry_problem }].concat(inFile);
    }
    if (inFile.length) {
      var h = document.createElement("h2");
      h.textContent = "In " + state.files.facts + ", outside any fact";
      el.fileProblems.append(h, problemList(inFile));
    }
    var elsewhere = check ? check.elsewhere || [] : [];
    el.elsewhere.textContent = "";
    el.elsewhere.hidden = !elsewhere.length;
    if (elsewhere.length) {
      var h2 = document.createElement("h2");
      h2.textContent = "Errors in other files of the corpus (they stop the build too)";
      el.elsewhere.append(h2, problemList(elsewhere));
    }
  }

  // ------------------------------------------------------------------ forms

  function field(label, control, hint) {
    var wrapper = document.createElement("label");
    wrapper.className = "field";
    var name = document.createElement("span");
    name.className = "field-name";
    name.textContent = label;
    wrapper.append(name, control);
    if (hint) {
      var small = document.createElement("small");
      small.textContent = hint;
      wrapper.append(small);
    }
    return wrapper;
  }

  function textInput(value, name) {
    var input = document.createElement("input");
    input.type = "text";
    input.value = value === undefined || value === null ? "" : String(value);
    if (name) {
      input.name = name;
    }
    return input;
  }

  function selectInput(options, value, name, empty) {
    var select = document.createElement("select");
    if (name) {
      select.name = name;
    }
    if (empty !== false) {
      select.append(new Option(empty || "—", ""));
    }
    var found = false;
    options.forEach(function (o) {
      var option = new Option(o[1] && o[1] !== o[0] ? o[1] + " (" + o[0] + ")" : o[0], o[0]);
      if (o[0] === value) {
        option.selected = true;
        found = true;
      }
      select.append(option);
    });
    if (value && !found) {
      var unknown = new Option(value + " (unknown)", value);
      unknown.selected = true;
      select.append(unknown);
    }
    return select;
  }

  function asList(value) {
    if (value === undefined || value === null || value === "") {
      return [];
    }
    return Array.isArray(value) ? value.slice() : [value];
  }

  // A single value, or a list when there are several (or when the file had a list).
  function listOrOne(values, wasList) {
    if (!values.length) {
      return undefined;
    }
    return values.length === 1 && !wasList ? values[0] : values;
  }

  // Entities to choose from: the registry's, the article's own, the article's voice; and statement facts.
  function entityOptions(withStatements) {
    var list = state.options.entities.slice();
    if (withStatements) {
      state.options.statements.forEach(function (id) {
        list.push({ id: id, label: "the statement fact " + id, names: [], types: [], local: true });
      });
    }
    return list;
  }

  function matches(entity, query) {
    var q = query.toLowerCase();
    var names = [entity.id, entity.label].concat(entity.names || []);
    var best = null;
    names.forEach(function (n) {
      var at = String(n).toLowerCase().indexOf(q);
      if (at >= 0 && (best === null || at < best.at || (at === best.at && n.length < best.name.length))) {
        best = { at: at, name: n };
      }
    });
    return best;
  }

  // An entity picker: type any label, alias or id; pick with the arrow keys and Enter, or a click.
  function picker(value, withStatements, onPick) {
    var wrapper = document.createElement("span");
    wrapper.className = "picker";
    var input = textInput(value);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("autocomplete", "off");
    input.placeholder = withStatements ? "type a name, alias, id or a statement fact's id" : "type a name, alias or id";
    var list = document.createElement("ul");
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var shown = [];
    var active = -1;

    function render() {
      var q = input.value.trim();
      list.textContent = "";
      shown = [];
      active = -1;
      if (!q) {
        list.hidden = true;
        return;
      }
      var found = [];
      entityOptions(withStatements).forEach(function (entity) {
        var m = matches(entity, q);
        if (m) {
          found.push({ entity: entity, match: m });
        }
      });
      found.sort(function (a, b) {
        return a.match.at - b.match.at || a.entity.label.length - b.entity.label.length;
      });
      shown = found.slice(0, 8);
      shown.forEach(function (f, i) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.setAttribute("data-id", f.entity.id);
        var label = document.createElement("strong");
        label.textContent = f.entity.label;
        var id = document.createElement("code");
        id.textContent = f.entity.id;
        li.append(label, " ", id);
        if (f.match.name !== f.entity.label && f.match.name !== f.entity.id) {
          var alias = document.createElement("span");
          alias.className = "alias";
          alias.textContent = "(" + f.match.name + ")";
          li.append(" ", alias);
        }
        if (f.entity.types && f.entity.types.length) {
          var types = document.createElement("span");
          types.className = "types";
          types.textContent = f.entity.types.join(", ");
          li.append(" ", types);
        }
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
          pick(i);
        });
        list.append(li);
      });
      list.hidden = !shown.length;
    }

    function highlight(i) {
      active = i;
      list.querySelectorAll("li").forEach(function (li, n) {
        li.classList.toggle("active", n === i);
        li.setAttribute("aria-selected", n === i ? "true" : "false");
      });
    }

    function pick(i) {
      var chosen = shown[i];
      if (!chosen) {
        return;
      }
      input.value = chosen.entity.id;
      list.hidden = true;
      if (onPick) {
        onPick(chosen.entity.id, input);
      }
    }

    input.addEventListener("input", render);
    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        return;
      }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var n = shown.length;
        highlight(((active + (event.key === "ArrowDown" ? 1 : -1)) % n + n) % n);
      } else if (event.key === "Enter") {
        event.preventDefault();
        event.stopPropagation();
        pick(active >= 0 ? active : 0);
      } else if (event.key === "Escape") {
        event.stopPropagation();
        list.hidden = true;
      }
    });
    input.addEventListener("blur", function () {
      list.hidden = true;
      var typed = input.value.trim();
      var exact = entityOptions(withStatements).filter(function (e) {
        return e.label === typed || (e.names || []).indexOf(typed) >= 0;
      });
      if (exact.length === 1 && typed !== exact[0].id) {
        input.value = exact[0].id;
        if (onPick) {
          onPick(exact[0].id, input);
        }
      }
    });
    wrapper.append(input, list);
    return { element: wrapper, input: input };
  }

  // Several entities: chosen ones as chips, a picker to add one.
  function multiPicker(values, withStatements) {
    var wrapper = document.createElement("span");
    wrapper.className = "multi";
    var chips = document.createElement("span");
    chips.className = "chips";
    var chosen = values.slice();

    function draw() {
      chips.textContent = "";
      chosen.forEach(function (id, i) {
        var chip = document.createElement("span");
        chip.className = "value-chip";
        chip.setAttribute("data-value", id);
        var entity = entityOptions(withStatements).filter(function (e) {
          return e.id === id;
        })[0];
        chip.textContent = entity ? entity.label + " " : id + " ";
        chip.title = id;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "remove";
        remove.textContent = "×";
        remove.setAttribute("aria-label", "remove " + id);
        remove.addEventListener("click", function () {
          chosen.splice(i, 1);
          draw();
        });
        chip.append(remove);
        chips.append(chip);
      });
    }

    var add = picker("", withStatements, function (id, input) {
      if (chosen.indexOf(id) < 0) {
        chosen.push(id);
      }
      input.value = "";
      draw();
    });
    draw();
    wrapper.append(chips, add.element);
    return {
      element: wrapper,
      get: function () {
        var typed = add.input.value.trim();
        return typed && chosen.indexOf(typed) < 0 ? chosen.concat([typed]) : chosen.slice();
      },
    };
  }

  function dateControl(value) {
    var wrapper = document.createElement("span");
    wrapper.className = "date-control";
    var v = value && typeof value === "object" ? value : {};
    var date = textInput(v.date, "date");
    date.placeholder = "YYYY-MM-DD";
    date.size = 10;
    var written = textInput(v.as_written, "as_written");
    written.placeholder = "as written in the quote";
    var relative = picker(v.relative_to || "", false);
    relative.input.placeholder = "relative to (event), if the words count from one";
    wrapper.append(date, written, relative.element);
    return {
      element: wrapper,
      get: function () {
        var out = {};
        if (date.value.trim()) {
          out.date = date.value.trim();
        }
        if (written.value.trim()) {
          out.as_written = written.value;
        }
        if (relative.input.value.trim()) {
          out.relative_to = relative.input.value.trim();
        }
        return Object.keys(out).length ? out : undefined;
      },
    };
  }

  // One control per field of a body; returns {element, get} with get() -> the value (undefined: none).
  function control(spec, value) {
    var kind = spec[2];
    var options = spec[3] ? state.options[spec[3]] : null;
    if (kind === "select") {
      var s = selectInput(options, value, spec[0]);
      return { element: s, get: function () { return s.value || undefined; } };
    }
    if (kind === "text") {
      var t = textInput(value, spec[0]);
      return { element: t, get: function () { return t.value.trim() ? t.value : undefined; } };
    }
    if (kind === "number") {
      var n = textInput(value, spec[0]);
      n.inputMode = "numeric";
      return {
        element: n,
        get: function () {
          var v = n.value.trim();
          return v === "" ? undefined : /^\d+$/.test(v) ? parseInt(v, 10) : v;
        },
      };
    }
    if (kind === "texts") {
      var area = document.createElement("textarea");
      area.name = spec[0];
      area.rows = 1;
      area.value = asList(value).join("\n");
      var wasList = Array.isArray(value);
      return {
        element: area,
        get: function () {
          var lines = area.value.split("\n").filter(function (l) {
            return l.trim();
          });
          return listOrOne(lines, wasList && lines.length > 1);
        },
      };
    }
    if (kind === "entity" || kind === "statement") {
      var p = picker(value || "", kind === "statement");
      p.input.name = spec[0];
      return { element: p.element, get: function () { return p.input.value.trim() || undefined; } };
    }
    if (kind === "entities" || kind === "about" || kind === "statements") {
      var m = multiPicker(asList(value), kind !== "entities");
      var list = Array.isArray(value);
      m.element.setAttribute("data-field", spec[0]);
      return { element: m.element, get: function () { return listOrOne(m.get(), list); } };
    }
    if (kind === "date") {
      return dateControl(value);
    }
    throw new Error("unknown field kind " + kind);
  }

  function bodyForm(kind, original, container) {
    container.textContent = "";
    if (kind === "relations") {
      return relationsForm(asList(original), container);
    }
    var controls = [];
    var fields = FIELDS[kind];
    var source = original && typeof original === "object" ? original : {};
    fields.forEach(function (spec) {
      var c = control(spec, source[spec[0]]);
      c.element.setAttribute && c.element.setAttribute("data-field", spec[0]);
      controls.push([spec[0], c]);
      container.append(field(spec[1], c.element));
    });
    return function () {
      var out = {};
      Object.keys(source).forEach(function (k) {
        out[k] = source[k];
      });
      controls.forEach(function (pair) {
        var v = pair[1].get();
        if (v === undefined) {
          delete out[pair[0]];
        } else {
          out[pair[0]] = v;
        }
      });
      return out;
    };
  }

  function relationsForm(triples, container) {
    var rows = [];
    var list = document.createElement("div");
    list.className = "relations";
    container.append(list);

    function addRow(triple) {
      var row = document.createElement("div");
      row.className = "relation";
      var subject = picker(triple ? triple[0] : "", false);
      subject.input.placeholder = "subject";
      var props = selectInput(state.options.properties, triple ? triple[1] : "", "property", "property…");
      var object = triple ? triple[2] : "";
      var objectKind = selectInput(
        [["entity", "entity or class"], ["date", "date"], ["text", "text"]],
        object && typeof object === "object" ? (object.date !== undefined ? "date" : "text") : "entity",
        "object-kind",
        false
      );
      var holder = document.createElement("span");
      var get = null;

      function drawObject() {
        holder.textContent = "";
        if (objectKind.value === "date") {
          var d = dateControl(object && object.date !== undefined ? object : null);
          holder.append(d.element);
          get = d.get;
        } else if (objectKind.value === "text") {
          var t = textInput(object && object.text !== undefined ? object.text : "", "object-text");
          holder.append(t);
          get = function () {
            return t.value.trim() ? { text: t.value } : undefined;
          };
        } else {
          var p = picker(typeof object === "string" ? object : "", false);
          p.input.placeholder = "object";
          holder.append(p.element);
          get = function () {
            return p.input.value.trim() || undefined;
          };
        }
      }

      objectKind.addEventListener("change", drawObject);
      drawObject();
      var remove = button("×", "remove this relation", function () {
        row.remove();
        rows = rows.filter(function (r) {
          return r.row !== row;
        });
      });
      row.append(subject.element, props, objectKind, holder, remove);
      list.append(row);
      rows.push({
        row: row,
        get: function () {
          return [subject.input.value.trim(), props.value, get()];
        },
      });
    }

    triples.forEach(addRow);
    if (!triples.length) {
      addRow(null);
    }
    container.append(button("Add a relation", "", function () {
      addRow(null);
    }));
    return function () {
      return rows
        .map(function (r) {
          return r.get();
        })
        .filter(function (t) {
          return t[0] || t[1] || t[2] !== undefined;
        });
    };
  }

  function slug(text) {
    return (
      String(text)
        .toLowerCase()
        .replace(/[’']/g, "")
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 50)
        .replace(/-+$/, "") || "fact"
    );
  }

  function uniqueId(base) {
    var taken = {};
    state.items.forEach(function (i) {
      taken[i.id] = true;
    });
    var id = base;
    for (var n = 2; taken[id] || id === "publisher" || id === "record"; n++) {
      id = base + "-" + n;
    }
    return id;
  }

  // ------------------------------------------------------------------ the editor

  function closeEditor() {
    if (editor) {
      editor.form.remove();
      editor = null;
    }
    el.newItem.textContent = "";
  }

  function quoteBlock(passages, original, onChange) {
    var wrapper = document.createElement("div");
    wrapper.className = "quote-field";
    var shown = document.createElement("blockquote");
    shown.className = "quote";
    var replace = button("Use the selected text as the quote", "select a passage of the article first", function () {
      if (selection) {
        onChange([{ text: selection.text, start: selection.start }]);
      }
    });
    var add = button("Add the selected text as another passage", "", function () {
      if (selection) {
        onChange((passages || []).concat([{ text: selection.text, start: selection.start }]));
      }
    });
    replace.className = add.className = "use-selection";
    keepSelection(replace);
    keepSelection(add);
    replace.disabled = add.disabled = !selection;
    shown.textContent = passages ? passages.map(function (p) { return p.text; }).join(" … ") : quoteText(original);
    var label = document.createElement("span");
    label.className = "field-name";
    label.textContent = passages ? "Quote (changed: saved with the fact)" : "Quote";
    wrapper.append(label, shown, replace, " ", add);
    return { element: wrapper, buttons: [replace, add] };
  }

  function openEditor(item) {
    closeEditor();
    var section = item ? item.section : "facts";
    var data = item ? item.data : {};
    var isNew = !item;
    var form = document.createElement("form");
    form.className = "editor";
    form.setAttribute("novalidate", "");
    var title = document.createElement("h3");
    title.textContent = isNew ? "New " + (section === "entities" ? "entity" : "fact") : "Edit " + item.id;
    form.append(title);
    var ed = {
      key: isNew ? "new" : item.key,
      section: section,
      item: item,
      form: form,
      passages: isNew ? [{ text: selection.text, start: selection.start }] : null,
      selectionButtons: [],
    };
    var idInput = null;
    if (isNew) {
      idInput = textInput(uniqueId(slug(selection.text.split(/\s+/).slice(0, 5).join(" "))), "id");
      form.append(field("Id", idInput, "lower-case letters and digits joined by '-'"));
    }
    var quoteHolder = document.createElement("div");
    form.append(quoteHolder);

    function drawQuote() {
      quoteHolder.textContent = "";
      var q = quoteBlock(ed.passages, data.quote, function (passages) {
        ed.passages = passages;
        drawQuote();
      });
      ed.selectionButtons = q.buttons;
      quoteHolder.append(q.element);
    }

    drawQuote();
    var collectBody;
    var kindSelect = null;
    var bodyHolder = document.createElement("div");
    bodyHolder.className = "body-fields";
    if (section === "entities") {
      collectBody = bodyForm("entity", data, bodyHolder);
    } else {
      var kind = item ? item.kind || "statement" : "statement";
      kindSelect = selectInput(
        BODIES.map(function (b) {
          return [b, KIND_NAMES[b]];
        }),
        kind,
        "kind",
        false
      );
      kindSelect.addEventListener("change", function () {
        var k = kindSelect.value;
        collectBody = bodyForm(k, k === (item && item.kind) ? data[k] : k === "relations" ? [] : {}, bodyHolder);
      });
      form.append(field("Kind", kindSelect));
      collectBody = bodyForm(kind, data[kind], bodyHolder);
    }
    form.append(bodyHolder);
    var note = textInput(data.note, "note");
    form.append(field("Note", note, "for curators; not built"));
    var actions = [
      button(isNew ? "Add the fact" : "Save", "Ctrl+Enter", function () {
        save(false);
      }),
    ];
    if (!isNew && item.review !== "accepted") {
      actions.push(button("Save and accept", "", function () {
        save(true);
      }));
    }
    actions.push(button("Cancel", "Esc", closeEditor));
    form.append(buttons(actions));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      save(false);
    });

    function collect() {
      var out = {};
      Object.keys(data).forEach(function (k) {
        if (k !== "review" && k !== "drafted") {
          out[k] = data[k];
        }
      });
      if (section === "entities") {
        var fields = collectBody();
        ["type", "label", "aliases"].forEach(function (k) {
          delete out[k];
        });
        Object.keys(fields).forEach(function (k) {
          out[k] = fields[k];
        });
      } else {
        BODIES.forEach(function (b) {
          delete out[b];
        });
        out[kindSelect.value] = collectBody();
      }
      if (note.value.trim()) {
        out.note = note.value;
      } else {
        delete out.note;
      }
      if (isNew) {
        out.id = idInput.value.trim();
      }
      return out;
    }

    function save(accept) {
      var payload = { item: collect(), digest: state.digest };
      if (ed.passages) {
        payload.passages = ed.passages;
      }
      if (isNew) {
        write("POST", api + "/" + section, payload, function () {
          var key = section + "/" + payload.item.id;
          closeEditor();
          select(key, true);
        });
      } else {
        payload.accept = accept;
        write("PUT", itemPath(item), payload, function () {
          closeEditor();
          select(item.key, true);
        });
      }
    }

    ed.save = save;
    editor = ed;
    if (isNew) {
      el.newItem.append(form);
      form.scrollIntoView({ block: "nearest" });
    } else {
      cardOf(item.key).append(form);
    }
    var first = form.querySelector("input, select, textarea");
    if (first) {
      first.focus();
    }
  }

  function openMetaEditor() {
    closeEditor();
    select("meta", false);
    var data = state.meta.data;
    var form = document.createElement("form");
    form.className = "editor";
    var h = document.createElement("h3");
    h.textContent = "Edit the metadata record";
    form.append(h);

    function textValue(v) {
      return v && typeof v === "object" ? v.value : v;
    }

    function stated(v) {
      return typeof v === "string" || (v && typeof v === "object" && v.quote !== undefined);
    }

    var title = textInput(textValue(data.title), "title");
    var titleStated = document.createElement("input");
    titleStated.type = "checkbox";
    titleStated.checked = data.title === undefined || stated(data.title);
    var byline = textInput(textValue(data.byline), "byline");
    var bylineStated = document.createElement("input");
    bylineStated.type = "checkbox";
    bylineStated.checked = data.byline === undefined || stated(data.byline);
    var publisher = picker(data.publisher && data.publisher.entity ? data.publisher.entity : "", false);
    publisher.input.name = "publisher";
    var date = dateControl(data.date_published);
    var url = textInput(data.url, "url");
    var language = textInput(data.language, "language");
    var retrieved = textInput(data.retrieved, "retrieved");
    var note = textInput(data.note, "note");
    form.append(
      field("Title", title),
      field("", titleStated, "the text states the title (a line of the text)"),
      field("Byline", byline),
      field("", bylineStated, "the text states the byline"),
      field("Publisher", publisher.element, "a media outlet of the registry"),
      field("Date published", date.element, "with the words of the text, or only the date when it is from your record"),
      field("URL", url),
      field("Language", language, "en, fa, ar, en-GB…"),
      field("Retrieved", retrieved, "YYYY-MM-DD"),
      field("Note", note)
    );

    function textField(input, statedBox, original) {
      var v = input.value.trim();
      if (!v) {
        return null;
      }
      if (original !== undefined && textValue(original) === input.value && stated(original) === statedBox.checked) {
        return original;
      }
      return statedBox.checked ? input.value : { value: input.value };
    }

    function collect() {
      var fields = {};
      var pub = publisher.input.value.trim();
      var wanted = {
        title: textField(title, titleStated, data.title),
        byline: textField(byline, bylineStated, data.byline),
        publisher: pub
          ? data.publisher && data.publisher.entity === pub
            ? data.publisher
            : { entity: pub }
          : null,
        date_published: date.get() || null,
        url: url.value.trim() || null,
        language: language.value.trim() || null,
        retrieved: retrieved.value.trim() || null,
        note: note.value.trim() ? note.value : null,
      };
      Object.keys(wanted).forEach(function (k) {
        var before = data[k] === undefined ? null : data[k];
        if (JSON.stringify(before) !== JSON.stringify(wanted[k])) {
          fields[k] = wanted[k];
        }
      });
      return fields;
    }

    function save() {
      var fields = collect();
      if (!Object.keys(fields).length) {
        closeEditor();
        return;
      }
      write("PUT", api + "/meta", { fields: fields, digest: state.meta.digest }, closeEditor);
    }

    form.append(buttons([button("Save", "Ctrl+Enter", save), button("Cancel", "Esc", closeEditor)]));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      save();
    });
    editor = { key: "meta", form: form, save: save, selectionButtons: [] };
    el.meta.append(form);
    title.focus();
  }

  function newFromSelection(section) {
    if (!selection || !state) {
      return;
    }
    if (section === "entities") {
      closeEditor();
      openEntityEditor(selection);
      return;
    }
    openEditor(null);
  }

  function openEntityEditor(chosen) {
    selection = chosen;
    var form = document.createElement("form");
    form.className = "editor";
    var h = document.createElement("h3");
    h.textContent = "New entity (this article only)";
    var idInput = textInput(uniqueId(slug(chosen.text)), "id");
    var holder = document.createElement("div");
    var collect = bodyForm("entity", { label: chosen.text }, holder);
    var quote = document.createElement("blockquote");
    quote.className = "quote";
    quote.textContent = chosen.text;
    form.append(h, field("Id", idInput), quote, holder);

    function save() {
      var item = collect();
      item.id = idInput.value.trim();
      write("POST", api + "/entities", { item: item, passages: [chosen], digest: state.digest }, function () {
        closeEditor();
        select("entities/" + item.id, true);
      });
    }

    form.append(buttons([button("Add the entity", "Ctrl+Enter", save), button("Cancel", "Esc", closeEditor)]));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      save();
    });
    editor = { key: "new", form: form, save: save, selectionButtons: [] };
    el.newItem.append(form);
    idInput.focus();
  }

  // A button that acts on the selected text: pressing it must not clear the selection first.
  function keepSelection(b) {
    b.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
  }

  keepSelection(el.addFromSelection);
  keepSelection(el.entityFromSelection);
  el.addFromSelection.addEventListener("click", function () {
    newFromSelection("facts");
  });
  el.entityFromSelection.addEventListener("click", function () {
    newFromSelection("entities");
  });

  // ------------------------------------------------------------------ build

  function runBuild() {
    if (writing) {
      return;
    }
    setBusy(true);
    el.buildResult.hidden = false;
    el.buildResult.textContent = "Building: the full check, reasoning and validation of the whole corpus (some seconds)…";
    el.buildResult.setAttribute("data-state", "pending");
    request("POST", api + "/build", {})
      .then(function (result) {
        applyCheck(result.check);
        showBuild(result);
      })
      .catch(function (error) {
        el.buildResult.setAttribute("data-state", "failed");
        el.buildResult.textContent = "The build could not run: " + (error.message || error);
      })
      .then(function () {
        setBusy(false);
      });
  }

  function table(headers, rows) {
    var t = document.createElement("table");
    var head = document.createElement("tr");
    headers.forEach(function (h) {
      var th = document.createElement("th");
      th.textContent = h;
      head.append(th);
    });
    var thead = document.createElement("thead");
    thead.append(head);
    var tbody = document.createElement("tbody");
    rows.forEach(function (row) {
      var tr = document.createElement("tr");
      row.forEach(function (cell) {
        var td = document.createElement("td");
        td.textContent = cell;
        tr.append(td);
      });
      tbody.append(tr);
    });
    t.append(thead, tbody);
    return t;
  }

  function showBuild(result) {
    var box = el.buildResult;
    box.textContent = "";
    var h = document.createElement("h2");
    if (!result.built) {
      box.setAttribute("data-state", "failed");
      h.textContent = "Not built: the check found " + result.check.errors + " error(s); they are shown next to their facts";
      box.append(h);
      return;
    }
    box.setAttribute("data-state", "built");
    h.textContent = "Built in " + result.seconds + " s: the article in the graph";
    var s = result.summary;
    var p = document.createElement("p");
    p.className = "summary";
    var statements = Object.keys(s.statements).map(function (k) {
      return s.statements[k] + " " + k;
    });
    p.textContent =
      s.triples + " triples in the article's graph; statements: " + (statements.join(", ") || "none") +
      "; casualty figures: " + s.figures.length + "; plain-fact assertions: " + s.assertions +
      "; new entities: " + (s.new_entities.map(function (e) { return e.label; }).join("; ") || "none") + ".";
    box.append(h, p);
    if (s.figures.length) {
      box.append(table(["figure", "as written", "count", "qualifier"], s.figures.map(function (f) {
        return [f.kind, f.figure, String(f.count), f.qualifier];
      })));
    }
    var h3 = document.createElement("h3");
    h3.textContent = "Its facts as the graph holds them (the named query article-facts)";
    box.append(h3, table(["kind", "label", "quote"], result.facts.map(function (f) {
      return [f.kind, f.label, f.quote];
    })));
    var files = document.createElement("p");
    files.textContent = "Written: " + result.written.join(", ") + ". In a terminal: " + result.serve;
    var open = document.createElement("p");
    open.className = "open";
    open.append(button("Open in the query page", "starts kg serve on this build", function () {
      openQueryPage(result.path, open);
    }));
    box.append(files, open);
    box.scrollIntoView({ block: "nearest" });
  }

  function openQueryPage(path, holder) {
    holder.textContent = "Starting kg serve on the build…";
    request("POST", "/api/query-page", {})
      .then(function (answer) {
        holder.textContent = "";
        var a = document.createElement("a");
        a.href = answer.url + path;
        a.target = "_blank";
        a.rel = "noopener";
        a.id = "query-page-link";
        a.textContent = "the article's graph in the query page (" + answer.url + path + ")";
        holder.append(a);
      })
      .catch(function (error) {
        holder.textContent = "kg serve could not start: " + (error.message || error);
      });
  }

  // ------------------------------------------------------------------ keys and buttons

  el.helpToggle.addEventListener("click", function () {
    el.help.hidden = !el.help.hidden;
    el.helpToggle.setAttribute("aria-expanded", el.help.hidden ? "false" : "true");
  });
  el.checkAll.addEventListener("click", function () {
    runCheck(true);
  });
  el.build.addEventListener("click", runBuild);

  document.addEventListener("keydown", function (event) {
    if (!state) {
      return;
    }
    var target = event.target;
    var typing = target && target.closest && target.closest("input, select, textarea, [contenteditable]");
    if (editor) {
      if (event.key === "Escape") {
        event.preventDefault();
        closeEditor();
        return;
      }
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        editor.save(false);
        return;
      }
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    var key = event.key;
    var handled = true;
    if (key === "j" || key === "ArrowDown") {
      move(1, false);
    } else if (key === "k" || key === "ArrowUp") {
      move(-1, false);
    } else if (key === "n") {
      move(1, true);
    } else if (key === "a") {
      decide(current, "accepted");
    } else if (key === "r") {
      decide(current, "rejected");
    } else if (key === "d") {
      decide(current, "draft");
    } else if ((key === "e" || key === "Enter") && !editor) {
      if (current === "meta") {
        if (state.meta.exists) {
          openMetaEditor();
        }
      } else if (itemByKey(current)) {
        openEditor(itemByKey(current));
      }
    } else if (key === "+") {
      newFromSelection("facts");
    } else if (key === "c") {
      runCheck(true);
    } else if (key === "b") {
      runBuild();
    } else if (key === "?") {
      el.helpToggle.click();
    } else {
      handled = false;
    }
    if (handled) {
      event.preventDefault();
    }
  });

  setBusy(false);
  load();
})();
