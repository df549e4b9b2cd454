// Adapts the widget manager (@jupyter-widgets/html-manager 1.0.15, embed-amd.js) to this book.
// Stored only here (linted by `make lint`); the book's extension (book/_ext/nslib_book/scripts.py)
// puts it in the output as _static/html-manager/nslib-widgets.js. Loaded after embed-amd.js and
// before the widgets render.
//
// 1. MathJax. The widgets typeset their labels with MathJax 2's MathJax.Hub.Queue, but the book
//    loads MathJax 3, which has no Hub ("Cannot read properties of undefined (reading 'Queue')").
//    Give MathJax 3 a Hub whose Queue hands the elements to MathJax 3's typesetPromise.
// 2. Sliders. A slider's handle (role="slider") has no accessible name: the widget's description
//    sits in a <label> that labels nothing. Where the slider views create their handles
//    (createSlider), name each handle by that label (aria-labelledby) and give it the value the
//    readout shows (aria-valuetext; noUiSlider would say the option's index).
(function () {
  "use strict";

  var pending = [];
  function flush() {
    var mathjax = window.MathJax;
    if (!pending.length || !mathjax || typeof mathjax.typesetPromise !== "function") return;
    mathjax.typesetPromise(pending.splice(0)).catch(function (err) {
      console.warn("MathJax could not typeset a widget label:", err);
    });
  }
  var hub = {
    Queue: function () {
      for (var i = 0; i < arguments.length; i++) {
        var command = arguments[i];
        if (Array.isArray(command) && command[0] === "Typeset" && command[2]) pending.push(command[2]);
      }
      flush();
    }
  };
  var config = window.MathJax;
  if (config) {
    config.Hub = hub;
    if (!config.version) {
      // MathJax 3 has not started: window.MathJax is still its configuration, which it replaces.
      config.startup = config.startup || {};
      var ready = config.startup.ready;
      config.startup.ready = function () {
        if (ready) ready(); else window.MathJax.startup.defaultReady();
        window.MathJax.Hub = hub;
        window.MathJax.startup.promise.then(flush);
      };
    }
  }

  var count = 0;
  function nameHandles(view) {
    var label = view.label, slider = view.$slider, readout = view.readout;
    if (!label || !slider) return;
    if (!label.id) label.id = "nslib-widget-label-" + (++count);
    var handles = slider.querySelectorAll(".noUi-handle");
    var tooltip = view.model && view.model.get("tooltip");
    for (var i = 0; i < handles.length; i++) {
      handles[i].setAttribute("aria-labelledby", label.id);
      if (tooltip) handles[i].setAttribute("title", tooltip);
    }
    if (!readout) return;
    var mirror = function () {
      var text = readout.textContent;
      if (!text) return;
      for (var i = 0; i < handles.length; i++) handles[i].setAttribute("aria-valuetext", text);
    };
    new MutationObserver(mirror).observe(readout, {childList: true, characterData: true, subtree: true});
    if (slider.noUiSlider) {
      // noUiSlider writes its own aria-valuetext on every update; write ours after it.
      slider.noUiSlider.on("update.nslib", function () { Promise.resolve().then(mirror); });
    }
    mirror();
  }
  function patchView(View) {
    var proto = View && View.prototype;
    while (proto && !Object.prototype.hasOwnProperty.call(proto, "createSlider")) {
      proto = Object.getPrototypeOf(proto);
    }
    if (!proto || proto.createSlider.nslibNamed) return;
    var createSlider = proto.createSlider;
    proto.createSlider = function () {
      var result = createSlider.apply(this, arguments);
      nameHandles(this);
      return result;
    };
    proto.createSlider.nslibNamed = true;
  }
  // The manager loads its view classes with loadClass: patch each slider view class before its
  // first instance is made. Hook the manager module as RequireJS defines it, without requiring it
  // (an early require would change the order in which the bundles inject their CSS and fonts).
  function patchManager(manager) {
    var proto = manager && manager.HTMLManager && manager.HTMLManager.prototype;
    if (!proto || proto.loadClass.nslibPatched) return;
    var loadClass = proto.loadClass;
    proto.loadClass = function () {
      return loadClass.apply(this, arguments).then(function (cls) {
        if (cls && cls.prototype && typeof cls.prototype.createSlider === "function") patchView(cls);
        return cls;
      });
    };
    proto.loadClass.nslibPatched = true;
  }
  var requirejs = window.requirejs, id = "@jupyter-widgets/html-manager";
  if (typeof requirejs === "function") {
    if (requirejs.defined && requirejs.defined(id)) {
      patchManager(requirejs(id));
    } else {
      var previous = requirejs.onResourceLoad;
      requirejs.onResourceLoad = function (context, map) {
        if (previous) previous.apply(this, arguments);
        if (map && map.id === id && context.defined[id]) patchManager(context.defined[id]);
      };
    }
  }
})();
