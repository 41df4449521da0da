/*
 * Cổng Dịch vụ công: small progressive enhancements. Loaded with `defer`, no framework,
 * no eval, no inline handlers (CSP script-src 'self'). Every page works without it.
 *
 * 1. Search suggestions (templates/includes/search_form.html + procedures/_suggestions.html)
 *    The input is an ARIA 1.2 combobox (role="combobox", aria-controls → the listbox
 *    region that htmx fills). Here we keep aria-expanded in step with the list, announce
 *    the number of suggestions in the form's live region, and add keyboard support:
 *      ArrowDown / ArrowUp  move between the input and the options (focus moves to the
 *                           option link, so Enter follows it natively)
 *      Home / End           first / last option (when in the list)
 *      Escape               close the list and return to the input
 *      typing in the list   goes back to the input
 *    Clicking or tabbing away closes the list.
 *
 * 2. Auto-submit: a <select> (or any control) inside a form marked `data-autosubmit`, or a
 *    control that carries `data-autosubmit` itself, submits its form on change.
 *    Note WCAG 3.2.2 (On Input): only use it where the page says so in advance, and keep a
 *    real submit button for people without JavaScript. The base layout's language switcher
 *    uses plain buttons and does not need it.
 */
(function () {
  "use strict";

  var COMBOBOX = 'input[role="combobox"][aria-controls]';
  var OPTION = '[role="option"]';

  function listboxFor(input) {
    return document.getElementById(input.getAttribute("aria-controls"));
  }

  function inputFor(listbox) {
    if (!listbox || !listbox.id) {
      return null;
    }
    return document.querySelector('input[role="combobox"][aria-controls="' + listbox.id + '"]');
  }

  function optionsOf(listbox) {
    return listbox ? Array.prototype.slice.call(listbox.querySelectorAll(OPTION)) : [];
  }

  function statusFor(input) {
    var id = input.getAttribute("data-status");
    return id ? document.getElementById(id) : null;
  }

  function markSelected(listbox, current) {
    optionsOf(listbox).forEach(function (option) {
      option.setAttribute("aria-selected", option === current ? "true" : "false");
    });
  }

  /* After every swap (and on close): aria-expanded + the live-region message. */
  function sync(input, listbox) {
    var options = optionsOf(listbox);
    var open = options.length > 0;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    var status = statusFor(input);
    if (status) {
      var list = listbox.querySelector("[data-status]");
      var message = open && list ? list.getAttribute("data-status") : "";
      if (status.textContent !== message) {
        status.textContent = message;
      }
    }
  }

  function close(input, listbox, refocus) {
    if (!listbox) {
      return;
    }
    if (window.htmx) {
      // An answer still on its way must not reopen the list we just closed.
      window.htmx.trigger(input, "htmx:abort");
    }
    listbox.innerHTML = "";
    sync(input, listbox);
    if (refocus) {
      input.focus();
    }
  }

  function focusOption(listbox, option) {
    if (!option) {
      return;
    }
    markSelected(listbox, option);
    option.focus();
    if (option.scrollIntoView) {
      option.scrollIntoView({ block: "nearest" });
    }
  }

  function isPrintable(event) {
    return event.key && event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey;
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) {
      return;
    }

    // Keys pressed in the search input
    if (target.matches(COMBOBOX)) {
      var box = listboxFor(target);
      var opts = optionsOf(box);
      if (event.key === "ArrowDown" && opts.length) {
        event.preventDefault();
        focusOption(box, opts[0]);
      } else if (event.key === "ArrowUp" && opts.length) {
        event.preventDefault();
        focusOption(box, opts[opts.length - 1]);
      } else if (event.key === "Escape" && opts.length) {
        // First Escape closes the list; a second one lets the browser clear the field.
        event.preventDefault();
        close(target, box, false);
      }
      return;
    }

    // Keys pressed on an option
    var option = target.closest(OPTION);
    if (!option) {
      return;
    }
    var listbox = option.closest('[role="listbox"]');
    var input = inputFor(listbox);
    if (!input) {
      return;
    }
    var options = optionsOf(listbox);
    var index = options.indexOf(option);

    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        focusOption(listbox, options[Math.min(index + 1, options.length - 1)]);
        break;
      case "ArrowUp":
        event.preventDefault();
        if (index <= 0) {
          markSelected(listbox, null);
          input.focus();
        } else {
          focusOption(listbox, options[index - 1]);
        }
        break;
      case "Home":
        event.preventDefault();
        focusOption(listbox, options[0]);
        break;
      case "End":
        event.preventDefault();
        focusOption(listbox, options[options.length - 1]);
        break;
      case "Escape":
        event.preventDefault();
        close(input, listbox, true);
        break;
      case "Backspace":
        // Back to the field; the key then edits the text there.
        markSelected(listbox, null);
        input.focus();
        break;
      case " ":
        // Space on an option follows it, like Enter (role="option" is not a button).
        event.preventDefault();
        option.click();
        break;
      default:
        if (isPrintable(event)) {
          // Typing while in the list continues the query: the character lands in the input.
          markSelected(listbox, null);
          input.focus();
        }
    }
  });

  // Close the list when focus leaves the search field and its list (Tab, click elsewhere).
  document.addEventListener("focusout", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) {
      return;
    }
    var field = target.closest(".portal-search__field");
    if (!field) {
      return;
    }
    var next = event.relatedTarget;
    if (next instanceof Element && field.contains(next)) {
      return;
    }
    var input = field.querySelector(COMBOBOX);
    if (!input) {
      return;
    }
    // Let a click on an option complete before the list goes away.
    window.setTimeout(function () {
      if (!field.contains(document.activeElement)) {
        var box = listboxFor(input);
        if (box && optionsOf(box).length) {
          close(input, box, false);
        }
      }
    }, 150);
  });

  // A press on an option keeps focus in the input (Safari does not focus links on click, and
  // the focusout handler above must not close the list before the click lands).
  document.addEventListener("mousedown", function (event) {
    var target = event.target;
    if (target instanceof Element && target.closest('.portal-search__field [role="listbox"]')) {
      event.preventDefault();
    }
  });

  // htmx filled (or emptied) a suggestion region.
  document.addEventListener("htmx:afterSwap", function (event) {
    var region = event.detail && event.detail.target;
    if (!(region instanceof Element) || region.getAttribute("role") !== "listbox") {
      return;
    }
    var input = inputFor(region);
    if (!input) {
      return;
    }
    // An answer that arrives after the person left the field stays closed.
    var field = input.closest(".portal-search__field");
    if (field && !field.contains(document.activeElement)) {
      region.innerHTML = "";
    }
    sync(input, region);
  });

  // ---------------------------------------------------------------------------------------
  // 2. data-autosubmit
  document.addEventListener("change", function (event) {
    var control = event.target;
    if (!(control instanceof Element) || !control.form) {
      return;
    }
    var form = control.form;
    if (!control.hasAttribute("data-autosubmit") && !form.hasAttribute("data-autosubmit")) {
      return;
    }
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else {
      form.submit();
    }
  });
})();

/* Upload progress: a plain form still works without JavaScript; with it, the file goes up with
   XMLHttpRequest so the <progress> bar moves, then the page reloads to show the result. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-upload-progress]")) { return; }
    var input = form.querySelector('input[type="file"]');
    if (!input || !input.files || !input.files.length || !window.XMLHttpRequest || !window.FormData) { return; }
    event.preventDefault();
    var bar = form.querySelector("progress");
    var button = form.querySelector('button[type="submit"]');
    if (bar) { bar.hidden = false; bar.value = 0; }
    if (button) { button.disabled = true; }
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", function (e) {
      if (bar && e.lengthComputable) { bar.value = Math.round((e.loaded / e.total) * 100); }
    });
    request.addEventListener("load", function () { window.location.href = request.responseURL || window.location.href; });
    request.addEventListener("error", function () { form.submit(); });
    request.send(new FormData(form));
  });
})();
