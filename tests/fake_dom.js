// A stand-in for the few DOM features the safety pages' scripts use, so they can be run under
// node without a browser (tests/js_harness.py). It sets globals: Text, El, el(),
// serialise(), root (the page's body) and a minimal document; each test builds its page under
// root, sets window (and anything else it needs), then requires the script under test.
function sibling(node) {
  if (!node.parentNode) { return null; }
  var kids = node.parentNode.childNodes, i = kids.indexOf(node);
  return i >= 0 && i + 1 < kids.length ? kids[i + 1] : null;
}
function Text(data) { this.nodeType = 3; this.data = String(data); this.parentNode = null; }
Object.defineProperty(Text.prototype, "nextSibling", { get: function () { return sibling(this); } });
// ``writes`` counts writes into an element (what a screen reader would hear again).
function El(tag) {
  this.nodeType = 1; this.tagName = tag.toUpperCase(); this.attrs = {}; this.childNodes = [];
  this.parentNode = null; this.hidden = false; this.writes = 0;
}
El.prototype.getAttribute = function (n) { return n in this.attrs ? this.attrs[n] : null; };
El.prototype.setAttribute = function (n, v) { this.attrs[n] = String(v); };
El.prototype.removeAttribute = function (n) { delete this.attrs[n]; };
["id", "href", "type", "name", "value", "method", "action"].forEach(function (key) {
  Object.defineProperty(El.prototype, key, {
    get: function () { return this.attrs[key] || ""; },
    set: function (v) { this.attrs[key] = String(v); } });
});
Object.defineProperty(El.prototype, "className", {
  get: function () { return this.attrs["class"] || ""; },
  set: function (v) { this.attrs["class"] = v; } });
Object.defineProperty(El.prototype, "firstChild", {
  get: function () { return this.childNodes[0] || null; } });
Object.defineProperty(El.prototype, "nextSibling", { get: function () { return sibling(this); } });
Object.defineProperty(El.prototype, "textContent", {
  get: function () {
    return this.childNodes.map(function (c) { return c.nodeType === 3 ? c.data : c.textContent; })
      .join("");
  },
  set: function (v) { this.childNodes = []; this.writes += 1; this.appendChild(new Text(v)); } });
El.prototype.appendChild = function (c) {
  c.parentNode = this; this.childNodes.push(c); this.writes += 1; return c; };
El.prototype.insertBefore = function (c, ref) {
  var i = ref ? this.childNodes.indexOf(ref) : -1;
  c.parentNode = this;
  if (i < 0) { this.childNodes.push(c); } else { this.childNodes.splice(i, 0, c); }
  return c;
};
El.prototype.removeChild = function (c) {
  this.childNodes.splice(this.childNodes.indexOf(c), 1); c.parentNode = null; return c; };
El.prototype.remove = function () {
  if (this.parentNode) { this.parentNode.removeChild(this); }
};
El.prototype.replaceWith = function (other) {
  var kids = this.parentNode.childNodes; kids[kids.indexOf(this)] = other;
  other.parentNode = this.parentNode; this.parentNode = null;
};
El.prototype.all = function () {
  var out = [];
  this.childNodes.forEach(function (c) {
    if (c.nodeType === 1) { out.push(c); out = out.concat(c.all()); } });
  return out;
};
function matches(node, selector) {
  var m = /^([a-z]*)((?:\.[\w-]+)*)((?:\[[\w-]+="[^"]*"\])*)$/.exec(selector);
  if (!m) { throw new Error("selector not supported: " + selector); }
  if (m[1] && node.tagName !== m[1].toUpperCase()) { return false; }
  var classes = m[2].split(".").filter(Boolean);
  var own = node.className.split(/\s+/);
  if (classes.some(function (c) { return own.indexOf(c) < 0; })) { return false; }
  var re = /\[([\w-]+)="([^"]*)"\]/g, a;
  while ((a = re.exec(m[3]))) { if (node.getAttribute(a[1]) !== a[2]) { return false; } }
  return true;
}
El.prototype.querySelectorAll = function (s) {
  return this.all().filter(function (e) { return matches(e, s); }); };
El.prototype.querySelector = function (s) { return this.querySelectorAll(s)[0] || null; };

function el(tag, attrs, text) {
  var e = new El(tag);
  Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
  if (text !== undefined) { e.appendChild(new Text(text)); }
  return e;
}
function serialise(node) {
  if (node.nodeType === 3) { return node.data; }
  return [node.tagName.toLowerCase(), node.attrs, node.childNodes.map(serialise)];
}
var root = new El("body");

global.Text = Text;
global.El = El;
global.el = el;
global.serialise = serialise;
global.root = root;
global.document = {
  hidden: false,
  createElement: function (t) { return new El(t); },
  createTextNode: function (t) { return new Text(t); },
  getElementById: function (id) {
    return root.all().filter(function (e) { return e.id === id; })[0] || null; },
  querySelector: function (s) { return root.querySelector(s); },
  addEventListener: function () {}
};
