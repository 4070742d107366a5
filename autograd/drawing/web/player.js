// The backprop player: replays the steps Python computed (player_script.py).
//
// Nothing is computed here but display. The state at step `index` is found by
// applying the first `index` steps from the start, so stepping back is just a
// smaller index and always shows exactly what stepping forward showed.
"use strict";
(function () {
  const read = (id) => JSON.parse(document.getElementById(id).textContent);
  const dotText = read("dot-source");
  const script = read("player-script");
  const words = read("player-words");
  const byId = (id) => document.getElementById(id);

  const ofValues = script.kind === "values";
  const items = ofValues ? script.nodes : script.boxes; // item i is the drawing's n<i> or b<i>
  const forwardCount = items.length;
  const backwardCount = script.steps.length;
  const total = forwardCount + backwardCount;

  const player = { index: 0, total, forwardCount, drawnAt: null, go, grads: null };
  window.player = player; // for tests and benchmarks
  let playing = null; // the interval timer while playing
  let selected = null; // the clicked item
  let elements = null; // filled once the graph is drawn
  let allDigits = false; // the "every digit" box: numbers in full instead of rounded

  // ------------------------------------------------------------------ words and numbers

  function say(key, values = {}) {
    return words[key].replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  }

  // words[key] for n things, from key_one when n is 1 ("1 value", "2 values").
  function sayCount(key, n, values = {}) {
    const chosen = n === 1 && `${key}_one` in words ? `${key}_one` : key;
    return say(chosen, { ...values, n: write(String(n)) });
  }

  // The separators of the page's language, as words/<lang>.txt gives them.
  const thousands = words.one_thousand.replace(/[0-9]/g, "");
  const point = words.one_and_a_half.replace(/[0-9]/g, "");

  // A number written by Python or JavaScript, written the language's way: the same rules
  // as autograd/drawing/numbers.py's write_number.
  function write(text) {
    return text.replace(/(-?)(\d+)(\.\d+)?([eE][-+]?\d+)?/, (_, sign, digits, decimals, exp) => {
      decimals = decimals || "";
      if (/^0*$/.test(digits + decimals.slice(1))) sign = ""; // -0.0 is zero
      let grouped = digits;
      if (!exp && !digits.startsWith("0")) {
        grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, thousands);
      }
      return sign + grouped + decimals.replace(".", point) + (exp || "");
    });
  }

  // 4 significant digits, written as Python writes floats (1.0, 0.5, 1e-05), like draw().
  function pythonShort(x) {
    if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
    if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
    const rounded = Number(x.toPrecision(4));
    const [mantissa, exponent] = rounded.toExponential().split("e");
    const power = Number(exponent);
    if (power < -4 || power >= 16) {
      const sign = power < 0 ? "-" : "+";
      return `${mantissa}e${sign}${String(Math.abs(power)).padStart(2, "0")}`;
    }
    const plain = String(rounded);
    return plain.includes(".") ? plain : `${plain}.0`;
  }

  // Every digit, as Python's repr() writes a float: 2.0, not 2.
  function exact(x) {
    const text = String(x);
    return Number.isInteger(x) && !text.includes("e") ? `${text}.0` : text;
  }

  const short = (x) => write(pythonShort(x));
  const shown = (x) => (allDigits ? write(exact(x)) : short(x)); // as the "every digit" box says

  // A number in the panel: rounded (or in full), every digit in data-exact and on hover.
  function num(x) {
    const span = element("span", shown(x), "num");
    span.dataset.exact = exact(x);
    span.title = write(exact(x));
    return span;
  }

  function element(tag, text, className) {
    const made = document.createElement(tag);
    if (text !== undefined) made.textContent = text;
    if (className) made.className = className;
    return made;
  }

  // A line of text and numbers: strings stay text, numbers become num() spans.
  function line(parts, className) {
    const made = element("div", undefined, className);
    for (const part of parts) made.append(typeof part === "number" ? num(part) : part);
    return made;
  }

  // ------------------------------------------------------------------ the state at an index

  function stateAt(index) {
    const grads = ofValues ? new Array(items.length).fill(0) : null;
    const done = new Array(items.length).fill(false);
    for (let k = 0; k < index - forwardCount; k++) {
      const step = script.steps[k];
      if (ofValues) for (const [i, , updated] of step.updates) grads[i] = updated;
      for (const i of step.done) done[i] = true;
    }
    let current = null;
    let inputs = [];
    if (index >= 1 && index <= forwardCount) {
      current = index - 1;
      inputs = items[current].inputs;
    } else if (index > forwardCount) {
      const step = script.steps[index - forwardCount - 1];
      current = ofValues ? step.node : step.box;
      if (!ofValues) inputs = items[current].inputs; // the boxes its grads go back to
      else if (!step.seed) inputs = step.lines.map((l) => l.input);
    }
    inputs = inputs.filter((i) => i !== null && i !== current);
    return { shown: Math.min(index, forwardCount), grads, done, current, inputs };
  }

  // ------------------------------------------------------------------ the drawing

  // Each drawn node and edge, found by the name draw() gave it (its <title>).
  function findElements(svg) {
    const found = { items: [], stubs: [], edges: [] };
    const gradWord = `${words.grad} `;
    for (const group of svg.querySelectorAll("g.node")) {
      const name = group.querySelector("title").textContent;
      const number = Number(name.slice(1));
      if (name[0] === "s") {
        found.stubs.push({ group, appearsWith: script.stubs[number] });
        continue;
      }
      const texts = [...group.querySelectorAll("text")];
      const gradText = texts.filter((t) => t.textContent.startsWith(gradWord)).pop() || null;
      found.items[number] = { group, gradText, shownGrad: null };
      group.dataset.item = String(number);
      group.addEventListener("click", () => select(number));
    }
    for (const group of svg.querySelectorAll("g.edge")) {
      const [tail, head] = group.querySelector("title").textContent.split("->");
      const ends = [tail, head].filter((n) => n[0] !== "s").map((n) => Number(n.slice(1)));
      found.edges.push({ group, appearsWith: Math.max(...ends) });
    }
    return found;
  }

  function render() {
    const state = stateAt(player.index);
    player.grads = state.grads;
    elements.items.forEach((item, i) => {
      const classes = item.group.classList;
      classes.toggle("pending", i >= state.shown);
      classes.toggle("done", state.done[i]);
      classes.toggle("current", i === state.current);
      classes.toggle("input", state.inputs.includes(i));
      classes.toggle("selected", i === selected);
      if (ofValues && item.shownGrad !== state.grads[i]) {
        item.shownGrad = state.grads[i];
        item.group.dataset.grad = String(state.grads[i]);
        if (item.gradText) item.gradText.textContent = `${words.grad} ${short(state.grads[i])}`;
      }
    });
    for (const other of [...elements.stubs, ...elements.edges]) {
      other.group.classList.toggle("pending", other.appearsWith >= state.shown);
    }
    if (state.current !== null) follow([state.current, ...state.inputs]);
    byId("counter").textContent = say("counter", { k: player.index, n: total });
    describe(state);
    if (selected !== null) showDetails(selected, state);
    document.body.dataset.index = String(player.index);
  }

  // ------------------------------------------------------------------ fitting the pane
  //
  // The drawing keeps its natural size inside #canvas, which is moved and scaled
  // (a CSS transform): view.x, view.y in pixels of the pane, view.scale.

  const pane = byId("graph");
  const canvas = byId("canvas");
  const FONT_PX = (14 * 4) / 3; // Graphviz writes 14 pt text: 18.7 px at scale 1
  const READABLE = 9 / FONT_PX; // below this scale the labels are under 9 px: unreadable
  const MARGIN = 10; // pixels kept free around what must be seen
  const view = { x: 0, y: 0, scale: 1, width: 0, height: 0, moved: false };
  player.view = view;

  function place() {
    canvas.style.transform = `translate(${view.x}px, ${view.y}px) scale(${view.scale})`;
  }

  // The scale at which a box of w x h pixels (at scale 1) fits the pane, margins kept.
  function fitting(w, h) {
    const room = pane.getBoundingClientRect();
    return Math.min((room.width - 2 * MARGIN) / w, (room.height - 2 * MARGIN) / h);
  }

  // The whole drawing in the pane, centred; `readable`: never below READABLE (then the
  // drawing is larger than the pane, shown from its inputs' side, and the view follows).
  function fit(readable) {
    const room = pane.getBoundingClientRect();
    let scale = Math.min(1, fitting(view.width, view.height));
    if (readable) scale = Math.max(scale, READABLE);
    view.scale = scale;
    const w = view.width * scale;
    const h = view.height * scale;
    view.x = w <= room.width ? (room.width - w) / 2 : MARGIN;
    view.y = h <= room.height ? (room.height - h) / 2 : MARGIN;
    place();
  }
  player.fit = () => {
    fit(false);
    view.moved = false;
  };

  // Make sure these items are in the pane: move the view (and zoom out if they are
  // too far apart to fit at this scale), only when one of them is out of sight.
  function follow(indices) {
    const room = pane.getBoundingClientRect();
    const boxes = indices.map((i) => elements.items[i].group.getBoundingClientRect());
    const left = Math.min(...boxes.map((b) => b.left)) - room.left;
    const top = Math.min(...boxes.map((b) => b.top)) - room.top;
    const right = Math.max(...boxes.map((b) => b.right)) - room.left;
    const bottom = Math.max(...boxes.map((b) => b.bottom)) - room.top;
    const edge = 2; // pixels: a label's glyphs may overhang its box a little, whatever the font
    const inside =
      left >= edge && top >= edge && right <= room.width - edge && bottom <= room.height - edge;
    if (inside) return;
    // The same box in the drawing's own pixels (scale 1).
    const x0 = (left - view.x) / view.scale;
    const y0 = (top - view.y) / view.scale;
    const x1 = (right - view.x) / view.scale;
    const y1 = (bottom - view.y) / view.scale;
    view.scale = Math.min(view.scale, fitting(x1 - x0, y1 - y0));
    view.x = room.width / 2 - (view.scale * (x0 + x1)) / 2;
    view.y = room.height / 2 - (view.scale * (y0 + y1)) / 2;
    place();
  }

  // Zoom by `factor` around a point of the pane (its centre by default).
  function zoom(factor, at) {
    const room = pane.getBoundingClientRect();
    const [px, py] = at || [room.width / 2, room.height / 2];
    const scale = Math.min(4, Math.max(0.02, view.scale * factor));
    view.x = px - ((px - view.x) * scale) / view.scale;
    view.y = py - ((py - view.y) * scale) / view.scale;
    view.scale = scale;
    view.moved = true;
    place();
  }
  player.zoom = zoom;

  function pan(dx, dy) {
    view.x += dx;
    view.y += dy;
    view.moved = true;
    place();
  }

  function setUpPanning() {
    let drag = null;
    pane.addEventListener("pointerdown", (event) => {
      drag = { x: event.clientX, y: event.clientY, moving: false, id: event.pointerId };
    });
    pane.addEventListener("pointermove", (event) => {
      if (drag === null) return;
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (!drag.moving && Math.hypot(dx, dy) < 4) return; // a click, not a drag
      if (!drag.moving) pane.setPointerCapture(drag.id);
      drag.moving = true;
      pane.classList.add("dragging");
      drag.x = event.clientX;
      drag.y = event.clientY;
      pan(dx, dy);
    });
    const stop = () => {
      drag = null;
      pane.classList.remove("dragging");
    };
    pane.addEventListener("pointerup", stop);
    pane.addEventListener("pointercancel", stop);
    // Ctrl + wheel (or a pinch) zooms; the wheel alone is left to the page, so that a
    // notebook still scrolls past the player.
    pane.addEventListener(
      "wheel",
      (event) => {
        if (!event.ctrlKey) return;
        event.preventDefault();
        const room = pane.getBoundingClientRect();
        zoom(Math.exp(-event.deltaY / 300), [event.clientX - room.left, event.clientY - room.top]);
      },
      { passive: false },
    );
    window.addEventListener("resize", () => {
      if (!elements) return;
      if (!view.moved) fit(true);
      render();
    });
  }

  // ------------------------------------------------------------------ the panel

  function describe(state) {
    const now = byId("now");
    now.replaceChildren();
    const index = player.index;
    if (index === 0) {
      now.append(element("p", say("start")));
    } else if (index <= forwardCount) {
      now.append(element("p", forwardText(index)));
    } else {
      backwardText(script.steps[index - forwardCount - 1], index - forwardCount, now);
    }
    if (state.current !== null) addNotes(now, items[state.current].notes);
    if (index === total) now.append(element("p", say("end")));
    now.append(element("p", say(ofValues ? "click" : "click_box"), "hint"));
  }

  function forwardText(k) {
    const item = items[k - 1];
    const n = forwardCount;
    if (!ofValues) {
      return say("forward_box", { k, n, scope: item.scope, values: sayCount("values", item.values) });
    }
    if (item.op === "") return say("forward_leaf", { k, n, name: item.name, data: shown(item.data) });
    const inputs = item.inputNames.join(", ");
    return say("forward_op", { k, n, name: item.name, op: item.opLabel, inputs, data: shown(item.data) });
  }

  function backwardText(step, k, into) {
    const n = backwardCount;
    if (!ofValues) {
      const box = items[step.box];
      const values = { k, n, scope: box.scope, passed: write(String(box.passed)) };
      into.append(element("p", say("scope_step", { ...values, largest: shown(box.largestGrad) })));
      return;
    }
    // What values outside the view added to drawn ones since the last step comes first.
    if (step.node === null) {
      into.append(element("p", say("outside_only", { k, n })));
    } else if (step.outside.length > 0) {
      into.append(element("p", say("outside")));
    }
    for (const [i, old, updated] of step.outside) {
      const changed = `${say("changed", { name: items[i].name })} `;
      into.append(line([changed, old, " \u2192 ", updated], "line outside"));
    }
    if (step.seed) {
      into.append(element("p", say("seed")));
    } else if (step.node !== null) {
      const name = items[step.node].name;
      into.append(element("p", say("backward", { k, n, name, grad: shown(step.grad) })));
    }
    // One line per drawn input; the inputs that are not drawn, summed up in one line.
    const hidden = step.lines.filter((l) => l.input === null).length;
    for (const l of step.lines.filter((l) => l.input !== null)) {
      into.append(line([`${l.name}.grad += `, l.local, " \u00d7 ", step.grad, " = ",
        l.old, " + ", l.add, " \u2192 ", l.new], "line"));
    }
    if (hidden > 0) into.append(element("div", sayCount("hidden_summary", hidden), "line hidden-input"));
  }

  function addNotes(into, notes) {
    for (const note of notes) {
      into.append(element("p", `${say("note")} ${note}`, "note"));
    }
  }

  function select(i) {
    selected = i;
    render();
  }

  function showDetails(i, state) {
    const item = items[i];
    const details = byId("details");
    const list = element("dl");
    const add = (term, ...lines) => {
      const dd = element("dd");
      for (const l of lines) dd.append(l);
      list.append(element("dt", term), dd);
    };
    if (!ofValues) {
      details.replaceChildren(element("h3", item.scope), list);
      add(say("scope"), say("box_values", { values: write(String(item.values)),
        passed: write(String(item.passed)) }));
      addNotes(details, item.notes);
      return;
    }
    details.replaceChildren(element("h3", item.name), list);
    add(say("op"), item.op === "" ? say("leaf") : item.opLabel);
    add(say("value_data"), num(item.data));
    add(say("grad_now"), i < state.shown ? num(state.grads[i]) : "");
    add(say("scope"), item.scope || say("none"));
    if (item.op !== "") {
      // One derivative a line.
      add(say("locals"), ...item.locals.map((local, j) =>
        line([`d(${item.name})/d(${item.inputNames[j]}) = `, local], "derivative")));
    }
    add(say("rule"), say(`rule_${item.rule}`));
    addNotes(details, item.notes);
  }

  // ------------------------------------------------------------------ moving

  function go(index) {
    player.index = Math.max(0, Math.min(total, index));
    if (player.index === total) pause();
    if (elements) render();
  }

  function pause() {
    if (playing !== null) clearInterval(playing);
    playing = null;
    byId("play").textContent = say("play");
  }

  function playOrPause() {
    if (playing !== null) return pause();
    if (player.index === total) go(0);
    const perSecond = Number(byId("speed").value);
    playing = setInterval(() => go(player.index + 1), 1000 / perSecond);
    byId("play").textContent = say("pause");
  }

  function setUp() {
    const buttons = {
      reset: () => go(0),
      back: () => go(player.index - 1),
      step: () => go(player.index + 1),
      play: playOrPause,
      "zoom-in": () => zoom(1.25),
      "zoom-out": () => zoom(0.8),
      fit: player.fit,
    };
    for (const [id, action] of Object.entries(buttons)) {
      const button = byId(id);
      const key = id.replace("-", "_");
      if (id.startsWith("zoom")) button.title = say(key);
      else button.textContent = say(key);
      button.addEventListener("click", () => {
        action();
        button.blur(); // so that the space bar means play/pause, not "click again"
      });
    }
    for (const span of document.querySelectorAll("[data-word]")) {
      span.textContent = say(span.dataset.word);
    }
    byId("all-digits-text").textContent = say("all_digits");
    byId("all-digits").addEventListener("change", (event) => {
      allDigits = event.target.checked;
      event.target.blur();
      if (elements) render();
    });
    const speed = byId("speed");
    const showSpeed = () => {
      byId("speed-text").textContent = say("speed", { n: speed.value });
      if (playing !== null) {
        pause();
        playOrPause();
      }
    };
    speed.addEventListener("input", showSpeed);
    showSpeed();
    byId("keys").textContent = say("keys");
    const step = 0.15; // Shift + an arrow moves the view by this much of the pane
    const keys = {
      ArrowRight: buttons.step,
      ArrowLeft: buttons.back,
      " ": playOrPause,
      Home: buttons.reset,
      End: () => go(total),
      "+": buttons["zoom-in"],
      "=": buttons["zoom-in"],
      "-": buttons["zoom-out"],
      0: player.fit,
    };
    const panKeys = { ArrowRight: [-1, 0], ArrowLeft: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    document.addEventListener("keydown", (event) => {
      if (event.target === speed) return;
      if (event.shiftKey && event.key in panKeys) {
        const room = pane.getBoundingClientRect();
        const [dx, dy] = panKeys[event.key];
        event.preventDefault();
        return pan(dx * step * room.width, dy * step * room.height);
      }
      const action = keys[event.key];
      if (!action) return;
      event.preventDefault();
      action();
    });
    setUpPanning();
  }

  setUp();
  Viz.instance()
    .then((viz) => {
      const svg = viz.renderSVGElement(dotText);
      canvas.replaceChildren(svg);
      view.width = svg.width.baseVal.value; // the natural size, in pixels
      view.height = svg.height.baseVal.value;
      elements = findElements(svg);
      fit(true);
      render();
      player.drawnAt = performance.now();
      document.body.dataset.ready = "1";
    })
    .catch((error) => {
      pane.className = "failed";
      canvas.textContent = say("failed", { error });
    });
})();
