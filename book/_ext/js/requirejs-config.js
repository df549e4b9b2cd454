// The widget manager (embed-amd.js) locates its bundled fonts relative to
// RequireJS's baseUrl, which defaults to the page's folder. Point it at the
// vendored copy instead, so every page finds the fonts under _static/. Served as
// _static/requirejs/config.js by the book's extension (book/_ext/nslib_book/scripts.py).
(function () {
  var src = document.currentScript.src;
  var staticRoot = src.slice(0, src.lastIndexOf("/requirejs/") + 1);
  require.config({ baseUrl: staticRoot + "html-manager/" });
})();
