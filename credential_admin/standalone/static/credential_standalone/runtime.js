/* The standalone XBlock runtime in the browser: initialises blocks (XBlock JS API v1) and marks components
 * complete once seen. No dependencies; blocks that want jQuery get it from their fragments. */
var StandaloneRuntime = (function () {
  "use strict";

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function topBlocks(root) {
    var found = [];
    Array.prototype.forEach.call(root.children, function (child) {
      if (child.classList.contains("xblock-v1")) { found.push(child); } else { found = found.concat(topBlocks(child)); }
    });
    return found;
  }

  function runtimeFor(base) {
    return {
      handlerUrl: function (element, handlerName, suffix, query) {
        var url = base + encodeURIComponent(element.getAttribute("data-usage")) + "/handler/" +
          encodeURIComponent(handlerName) + "/" + (suffix || "");
        return query ? url + "?" + query : url;
      },
      children: function (element) { return element.xblockChildren || []; },
      childMap: function (element, name) {
        return (element.xblockChildren || []).filter(function (child) { return child.name === name; })[0];
      },
      notify: function (name, data) {
        document.dispatchEvent(new CustomEvent("xblock:" + name, {detail: data || {}}));
      }
    };
  }

  function initBlock(element, runtime) {
    element.xblockChildren = topBlocks(element).map(function (child) { return initBlock(child, runtime); });
    var initName = element.getAttribute("data-init");
    if (!initName || typeof window[initName] !== "function") { return {element: element}; }
    var argsNode = element.querySelector(":scope > .xblock_json_init_args");
    var args = argsNode ? JSON.parse(argsNode.textContent) : {};
    var jsBlock = new window[initName](runtime, window.jQuery ? window.jQuery(element)[0] : element, args) || {};
    jsBlock.element = element;
    jsBlock.name = element.getAttribute("data-name");
    return jsBlock;
  }

  /* The navigation's badge for the current unit, and a polite announcement, once the unit is complete. */
  function showUnitComplete() {
    var status = document.querySelector("[data-role=unit-status]");
    var item = document.querySelector("[data-role=current-unit]");
    if (!status || !item || item.querySelector(".badge.done")) { return; }
    var badge = document.createElement("span");
    badge.className = "badge done";
    badge.textContent = status.getAttribute("data-complete-label");
    item.appendChild(document.createTextNode(" "));
    item.appendChild(badge);
    status.textContent = status.getAttribute("data-complete-message");
  }

  function markOnView(page, delayMs) {
    var url = page.getAttribute("data-viewed-url");
    if (!url || !("IntersectionObserver" in window)) { return; }
    var timers = {};
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        var usage = entry.target.getAttribute("data-usage");
        if (entry.isIntersecting && !timers[usage]) {
          timers[usage] = setTimeout(function () {
            observer.unobserve(entry.target);
            fetch(url, {method: "POST", credentials: "same-origin",
              headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
              body: JSON.stringify({usage_ids: [usage]})})
              .then(function (response) { return response.ok ? response.json() : {}; })
              .then(function (data) { if (data.unit_complete) { showUnitComplete(); } });
          }, delayMs);
        } else if (!entry.isIntersecting && timers[usage]) {
          clearTimeout(timers[usage]);
          delete timers[usage];
        }
      });
    });
    page.querySelectorAll(".xblock-v1[data-usage]").forEach(function (el) { observer.observe(el); });
  }

  function start() {
    var page = document.querySelector("[data-handler-base]");
    if (!page) { return; }
    if (window.jQuery) {
      // A prefilter, not ajaxSend: blocks' calls with `global: false` (Studio editors) need the token too.
      window.jQuery.ajaxPrefilter(function (options, original, xhr) {
        if (!options.crossDomain) { xhr.setRequestHeader("X-CSRFToken", csrfToken()); }
      });
    }
    var runtime = runtimeFor(page.getAttribute("data-handler-base"));
    topBlocks(page).forEach(function (element) { initBlock(element, runtime); });
    markOnView(page, parseInt(page.getAttribute("data-view-delay-ms") || "5000", 10));
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
  return {csrfToken: csrfToken};
}());
