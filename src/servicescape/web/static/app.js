/* Servicescape page behaviour.
 *
 * Loaded with `defer` from base.html. The Content-Security-Policy forbids inline scripts and
 * on*= attributes, so every behaviour is wired here by event delegation on `document`, which
 * also covers HTML that htmx swaps in later. No framework, no build step.
 *
 *   <meta name="csrf-token">   token sent as X-CSRF-Token on every htmx request
 *   data-confirm="…"           on a form, button or link: confirm() first, cancel on "no"
 *   data-autosubmit            on a <select>/<input>: submit its form on change
 *   data-nav-toggle / -close   open / close the navigation drawer on narrow screens
 *   data-dismiss               close button of a flash message (flashes never auto-dismiss)
 *   details[data-menu]         drop-down menu: closes on outside click and on Escape
 *   data-error-summary         receives focus when a page (or swap) shows form errors; its links
 *                              put focus in the field they name (its label scrolled into view)
 *   data-copy="ID"             button (hidden without JavaScript): copies field ID's value,
 *                              then shows data-copied in its [data-copy-label]
 *   body[data-msg-*]           translated texts for messages shown from here
 *   data-problem-of="ID"       a field's message slot: after an htmx swap, field ID's
 *                              aria-invalid says whether the slot holds a message
 *   data-sum="G" / data-sum-total="G"  number inputs of group G and the element showing their
 *                              total, kept live as they change (the survey page's importance
 *                              points; without JavaScript the server's total shows)
 */
(function () {
  "use strict";

  var doc = document;
  var root = doc.documentElement;
  root.classList.add("js");

  function closest(target, selector) {
    return target && target.closest ? target.closest(selector) : null;
  }

  /* CSRF: every htmx request carries the token from <meta name="csrf-token">. */
  function csrfToken() {
    var meta = doc.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") || "" : "";
  }
  doc.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) {
      event.detail.headers["X-CSRF-Token"] = token;
    }
  });

  /* Confirmation before destructive actions. Capture phase, so it runs before htmx. */
  function confirmed(el) {
    var message = el.getAttribute("data-confirm");
    return !message || window.confirm(message);
  }
  doc.addEventListener("click", function (event) {
    var el = closest(event.target, "button[data-confirm], input[data-confirm], a[data-confirm]");
    if (!el || el.disabled) {
      return;
    }
    if (!confirmed(el)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  doc.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-confirm")) {
      return;
    }
    if (event.submitter && event.submitter.hasAttribute("data-confirm")) {
      return; /* the button already asked */
    }
    if (!confirmed(form)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  /* Filters and the language switcher submit their form when changed. requestSubmit()
     fires the submit event, so htmx (hx-get on the form) and data-confirm still apply. */
  doc.addEventListener("change", function (event) {
    var el = event.target;
    if (!el.matches || !el.matches("[data-autosubmit]") || !el.form) {
      return;
    }
    if (typeof el.form.requestSubmit === "function") {
      el.form.requestSubmit();
    } else {
      el.form.submit();
    }
  });

  /* Navigation drawer (narrow screens). The toggle is a link to #site-nav, so without
     JavaScript the drawer still opens through CSS :target. */
  var nav = doc.getElementById("site-nav");
  var toggle = doc.querySelector("[data-nav-toggle]");
  function navIsOpen() {
    return root.classList.contains("nav-open");
  }
  function setNav(open, restoreFocus) {
    if (!nav || !toggle) {
      return;
    }
    root.classList.toggle("nav-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      var first = nav.querySelector("a, button");
      if (first) {
        first.focus();
      }
    } else if (restoreFocus) {
      toggle.focus();
    }
  }
  if (toggle && nav) {
    toggle.setAttribute("role", "button");
    toggle.setAttribute("aria-expanded", "false");
    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      setNav(!navIsOpen(), false);
    });
    toggle.addEventListener("keydown", function (event) {
      if (event.key === " ") { /* role=button: Space activates too */
        event.preventDefault();
        setNav(!navIsOpen(), false);
      }
    });
    doc.addEventListener("click", function (event) {
      if (closest(event.target, "[data-nav-close]")) {
        event.preventDefault();
        setNav(false, true);
      }
    });
    var wide = window.matchMedia("(min-width: 60.0625rem)");
    var onWide = function () {
      if (wide.matches && navIsOpen()) {
        setNav(false, false);
      }
    };
    if (wide.addEventListener) {
      wide.addEventListener("change", onWide);
    }
    window.addEventListener("pageshow", function () {
      setNav(false, false);
    });
  }

  /* Drop-down menus built on <details data-menu>. */
  function closeMenus(except) {
    doc.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (menu !== except) {
        menu.removeAttribute("open");
      }
    });
  }
  doc.addEventListener("click", function (event) {
    closeMenus(closest(event.target, "details[data-menu]"));
  });

  doc.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var menu = closest(doc.activeElement, "details[data-menu][open]") ||
      doc.querySelector("details[data-menu][open]");
    if (menu) {
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (summary) {
        summary.focus();
      }
      return;
    }
    if (navIsOpen()) {
      setNav(false, true);
    }
  });

  /* Flash messages stay until the person closes them. */
  doc.addEventListener("click", function (event) {
    var button = closest(event.target, "[data-dismiss]");
    if (!button) {
      return;
    }
    var flash = closest(button, ".flash");
    if (!flash) {
      return;
    }
    var next = flash.nextElementSibling || flash.previousElementSibling;
    flash.remove();
    var focusTarget = next ? next.querySelector("[data-dismiss]") : doc.getElementById("main");
    if (focusTarget) {
      focusTarget.focus();
    }
  });

  /* Messages raised here (failed htmx requests) use the same markup as server flashes,
     cloned from <template id="flash-template">; text is set with textContent only. */
  function showFlash(kind, text) {
    var region = doc.getElementById("flashes");
    var template = doc.getElementById("flash-template");
    if (!region || !template || !text) {
      return;
    }
    var flash = template.content.firstElementChild.cloneNode(true);
    flash.classList.add("flash--" + kind);
    flash.setAttribute("role", kind === "error" || kind === "warning" ? "alert" : "status");
    var use = flash.querySelector("use");
    if (use) {
      use.setAttribute("href", use.getAttribute("href").replace(/#i-[\w-]+$/, "#i-" + kind));
    }
    flash.querySelector(".flash-text").textContent = text;
    region.appendChild(flash);
    if (region.getBoundingClientRect().top < 0) {
      region.scrollIntoView({ block: "start" });
    }
  }
  function bodyMessage(name) {
    return doc.body ? doc.body.getAttribute("data-msg-" + name) : null;
  }
  doc.addEventListener("htmx:sendError", function () {
    showFlash("error", bodyMessage("network-error"));
  });
  doc.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 401 || status === 403) {
      showFlash("warning", bodyMessage("forbidden"));
    } else if (status >= 500) {
      showFlash("error", bodyMessage("server-error"));
    } else {
      showFlash("error", bodyMessage("request-error"));
    }
  });

  /* A thin progress bar while any htmx request is running longer than a moment. */
  var pending = 0;
  doc.addEventListener("htmx:beforeRequest", function () {
    pending += 1;
    root.classList.add("is-busy");
  });
  doc.addEventListener("htmx:afterRequest", function () {
    pending = Math.max(0, pending - 1);
    if (pending === 0) {
      root.classList.remove("is-busy");
    }
  });

  /* Copy buttons: select the field (so it can be copied by hand too), copy it, say so. */
  function showCopyButtons() {
    doc.querySelectorAll("[data-copy][hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }
  showCopyButtons();
  doc.addEventListener("htmx:afterSettle", showCopyButtons);  /* and those an htmx swap brought */
  doc.addEventListener("click", function (event) {
    var button = closest(event.target, "[data-copy]");
    var field = button ? doc.getElementById(button.getAttribute("data-copy")) : null;
    if (!field) {
      return;
    }
    field.focus();
    field.select();
    var copied = function () {
      var label = button.querySelector("[data-copy-label]");
      if (label && button.hasAttribute("data-copied")) {
        label.textContent = button.getAttribute("data-copied");
      }
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(field.value).then(copied, function () { /* selected: Ctrl+C works */ });
    }
  });

  /* Message slots that an htmx swap filled or emptied (e.g. out of band): their fields follow. */
  doc.addEventListener("htmx:afterSettle", function () {
    doc.querySelectorAll("[data-problem-of]").forEach(function (slot) {
      var field = doc.getElementById(slot.getAttribute("data-problem-of"));
      if (!field) {
        return;
      }
      if (slot.children.length) {
        field.setAttribute("aria-invalid", "true");
      } else {
        field.removeAttribute("aria-invalid");
      }
    });
  });

  /* Put keyboard and screen-reader focus on the error summary when one is shown. */
  function focusErrors(scope) {
    var summary = (scope || doc).querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }
  focusErrors(doc);
  /* A summary entry links to its field (#f-…): focus the field itself, not only scroll to it, with
     its label in view; a group of radio buttons gets focus on its first. */
  doc.addEventListener("click", function (event) {
    var link = closest(event.target, ".error-summary a[href^='#']");
    var target = link && doc.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!target) {
      return;
    }
    var control = target.matches("input, select, textarea, button") ? target
      : target.querySelector("input, select, textarea, button");
    if (!control) {
      return;
    }
    event.preventDefault();
    var folded = closest(control, "details:not([open])");
    if (folded) {
      folded.open = true;
    }
    var label = (control.id && doc.querySelector("label[for='" + control.id + "']")) || control;
    label.scrollIntoView({block: "center"});
    control.focus({preventScroll: true});
  });
  doc.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    focusErrors(target && target.isConnected ? target : doc);
  });

  /* Live totals: the sum of a group's number inputs (blank or not a number counts 0). */
  doc.addEventListener("input", function (event) {
    var group = event.target && event.target.getAttribute ? event.target.getAttribute("data-sum") : null;
    if (!group) {
      return;
    }
    var total = 0;
    doc.querySelectorAll("[data-sum]").forEach(function (input) {
      var value = parseInt(input.value, 10);
      if (input.getAttribute("data-sum") === group && !isNaN(value)) {
        total += value;
      }
    });
    doc.querySelectorAll("[data-sum-total]").forEach(function (output) {
      if (output.getAttribute("data-sum-total") === group) {
        output.textContent = String(total);
      }
    });
  });
})();
