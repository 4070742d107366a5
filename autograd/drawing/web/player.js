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

  // ------------------------------------------------------------------ words and numbers

  function say(key, values = {}) {
    return words[key].replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  }

  // 4 significant digits, written as Python writes floats (1.0, 0.5, 1e-05), like draw().
  function short(x) {
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

  function element(tag, text, className) {
    const made = document.createElement(tag);
    if (text !== undefined) made.textContent = text;
    if (className) made.className = className;
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
      if (ofValues) inputs = items[current].inputs;
    } else if (index > forwardCount) {
      const step = script.steps[index - forwardCount - 1];
      current = ofValues ? step.node : step.box;
      if (ofValues && !step.seed) inputs = step.lines.map((line) => line.input);
    }
    inputs = inputs.filter((i) => i !== null && i !== current);
    return { shown: Math.min(index, forwardCount), grads, done, current, inputs };
  }

  // ------------------------------------------------------------------ the drawing

  // Each drawn node and edge, found by the name draw() gave it (its <title>).
  function findElements(svg) {
    const found = { items: [], stubs: [], edges: [] };
    for (const group of svg.querySelectorAll("g.node")) {
      const name = group.querySelector("title").textContent;
      const number = Number(name.slice(1));
      if (name[0] === "s") {
        found.stubs.push({ group, appearsWith: script.stubs[number] });
        continue;
      }
      const texts = [...group.querySelectorAll("text")];
      const gradText = texts.filter((t) => t.textContent.startsWith("grad ")).pop() || null;
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
        if (item.gradText) item.gradText.textContent = `grad ${short(state.grads[i])}`;
      }
    });
    for (const other of [...elements.stubs, ...elements.edges]) {
      other.group.classList.toggle("pending", other.appearsWith >= state.shown);
    }
    if (state.current !== null) {  // a big graph scrolls: keep the value at work in sight
      elements.items[state.current].group.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
    byId("counter").textContent = say("counter", { k: player.index, n: total });
    describe(state);
    if (selected !== null) showDetails(selected, state);
    document.body.dataset.index = String(player.index);
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
    if (!ofValues) {
      return say("forward_box", { k, n: forwardCount, scope: item.scope, values: item.values });
    }
    if (item.op === "") {
      return say("forward_leaf", { k, n: forwardCount, name: item.name, data: short(item.data) });
    }
    const inputs = item.inputNames.join(", ");
    const values = { k, n: forwardCount, name: item.name, op: item.opLabel, inputs };
    return say("forward_op", { ...values, data: short(item.data) });
  }

  function backwardText(step, k, into) {
    const n = backwardCount;
    if (!ofValues) {
      const box = items[step.box];
      const values = { k, n, scope: box.scope, passed: box.passed };
      into.append(element("p", say("scope_step", { ...values, largest: short(box.largestGrad) })));
      return;
    }
    // What values outside the view added to drawn ones since the last step comes first.
    if (step.node === null) {
      into.append(element("p", say("outside_only", { k, n })));
    } else if (step.outside.length > 0) {
      into.append(element("p", say("outside")));
    }
    for (const [i, old, updated] of step.outside) {
      const text = `${items[i].name}.grad: ${short(old)} \u2192 ${short(updated)}`;
      into.append(element("div", text, "line outside"));
    }
    if (step.seed) {
      into.append(element("p", say("seed")));
    } else if (step.node !== null) {
      const name = items[step.node].name;
      into.append(element("p", say("backward", { k, n, name, grad: short(step.grad) })));
    }
    const grad = short(step.grad);
    for (const line of step.lines) {
      const text =
        `${line.name}.grad += ${short(line.local)} \u00d7 ${grad} = ` +
        `${short(line.old)} + ${short(line.add)} \u2192 ${short(line.new)}`;
      if (line.input === null) {
        into.append(element("div", `${text} (${say("hidden")})`, "line hidden-input"));
      } else {
        into.append(element("div", text, "line"));
      }
    }
  }

  function addNotes(into, notes) {
    for (const note of notes) {
      into.append(element("p", `${say("note")}: ${note}`, "note"));
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
    const add = (term, text) => list.append(element("dt", term), element("dd", text));
    if (!ofValues) {
      details.replaceChildren(element("h3", item.scope), list);
      add(say("scope"), say("box_values", { values: item.values, passed: item.passed }));
      addNotes(details, item.notes);
      return;
    }
    details.replaceChildren(element("h3", item.name), list);
    add(say("op"), item.op === "" ? say("leaf") : item.opLabel);
    add(say("data"), exact(item.data));
    add(say("grad"), i < state.shown ? exact(state.grads[i]) : "");
    add(say("scope"), item.scope || say("no_scope"));
    if (item.op !== "") {
      const locals = item.locals.map(
        (local, j) => `d(${item.name})/d(${item.inputNames[j]}) = ${short(local)}`,
      );
      add(say("locals"), locals.join("\n"));
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
    };
    for (const [id, action] of Object.entries(buttons)) {
      const button = byId(id);
      button.textContent = say(id);
      button.addEventListener("click", () => {
        action();
        button.blur(); // so that the space bar means play/pause, not "click again"
      });
    }
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
    const keys = {
      ArrowRight: buttons.step,
      ArrowLeft: buttons.back,
      " ": playOrPause,
      Home: buttons.reset,
      End: () => go(total),
    };
    document.addEventListener("keydown", (event) => {
      const action = keys[event.key];
      if (!action || event.target === speed) return;
      event.preventDefault();
      action();
    });
  }

  setUp();
  const box = byId("graph");
  Viz.instance()
    .then((viz) => {
      const svg = viz.renderSVGElement(dotText);
      box.replaceChildren(svg);
      elements = findElements(svg);
      render();
      player.drawnAt = performance.now();
      document.body.dataset.ready = "1";
    })
    .catch((error) => {
      box.className = "failed";
      box.textContent = say("failed", { error });
    });
})();
