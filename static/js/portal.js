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

/* 3. Uploads (templates/dossiers/_component_upload.html, the supplement form on detail.html).
   Every form works without JavaScript: the server refuses a bad file and shows why beside its
   component. With JavaScript:
   - a file over the limit is refused before it is sent: the input carries the limit
     (data-max-bytes) and the server's own message (data-too-big, with {name} and {size});
   - a form marked data-upload-progress sends its file with XMLHttpRequest so the <progress> bar
     moves; the server answers with the component's block, which replaces the old one in place,
     and focus moves to its message (role="alert" for a refusal, role="status" for success). */
(function () {
  "use strict";

  function groupOf(input) {
    return input.closest("[data-upload-group]");
  }

  function slotOf(input) {
    var group = groupOf(input);
    return group ? group.querySelector("[data-upload-message]") : null;
  }

  function describedBy(input, id, add) {
    var ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    var at = ids.indexOf(id);
    if (add && at < 0) { ids.push(id); }
    if (!add && at >= 0) { ids.splice(at, 1); }
    input.setAttribute("aria-describedby", ids.join(" "));
  }

  function showError(input, text) {
    var slot = slotOf(input);
    if (!slot) { return; }
    slot.textContent = text;
    slot.hidden = false;
    groupOf(input).classList.add("usa-form-group--error");
    input.classList.add("usa-input--error");
    input.setAttribute("aria-invalid", "true");
    describedBy(input, slot.id, true);
    slot.focus();
  }

  function clearError(input) {
    var slot = slotOf(input);
    if (!slot || slot.hidden) { return; }
    slot.textContent = "";
    slot.hidden = true;
    groupOf(input).classList.remove("usa-form-group--error");
    input.classList.remove("usa-input--error");
    input.removeAttribute("aria-invalid");
    describedBy(input, slot.id, false);
  }

  function oversized(input) {
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    if (!max || !input.files) { return null; }
    for (var i = 0; i < input.files.length; i += 1) {
      if (input.files[i].size > max) { return input.files[i]; }
    }
    return null;
  }

  function tooBigMessage(input, file) {
    var separator = input.getAttribute("data-decimal") || ".";
    var size = (file.size / 1048576).toFixed(1).replace(".", separator);
    return (input.getAttribute("data-too-big") || "").replace("{name}", file.name).replace("{size}", size);
  }

  // Returns false (and shows the message) when an input of the form holds a file over the limit.
  function checkSizes(form) {
    var inputs = form.querySelectorAll('input[type="file"][data-max-bytes]');
    for (var i = 0; i < inputs.length; i += 1) {
      var big = oversized(inputs[i]);
      if (big) {
        showError(inputs[i], tooBigMessage(inputs[i], big));
        return false;
      }
    }
    return true;
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.hasAttribute("data-max-bytes")) {
      return;
    }
    var big = oversized(input);
    if (big) {
      showError(input, tooBigMessage(input, big));
    } else {
      clearError(input);
    }
  });

  function swapBlock(form, request) {
    var block = form.closest("[data-component-block]");
    if (!block || request.status !== 200 || request.getResponseHeader("X-Portal-Fragment") !== "component") {
      return false;
    }
    var holder = document.createElement("template");
    holder.innerHTML = request.responseText.trim();
    var fresh = holder.content.firstElementChild;
    if (!fresh) { return false; }
    block.replaceWith(fresh);
    var note = fresh.querySelector("[data-upload-message]:not([hidden])") || fresh.querySelector("[data-upload-status]");
    if (note) { note.focus(); }
    return true;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) { return; }
    if (!checkSizes(form)) {
      event.preventDefault();
      return;
    }
    if (!form.matches("form[data-upload-progress]")) { return; }
    var input = form.querySelector('input[type="file"]');
    if (!input || !input.files || !input.files.length || !window.XMLHttpRequest || !window.FormData) { return; }
    event.preventDefault();
    var bar = form.querySelector("progress");
    var button = form.querySelector('button[type="submit"]');
    if (bar) { bar.hidden = false; bar.value = 0; }
    if (button) { button.disabled = true; }
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-Portal-Fragment", "component");
    request.upload.addEventListener("progress", function (e) {
      if (bar && e.lengthComputable) { bar.value = Math.round((e.loaded / e.total) * 100); }
    });
    request.addEventListener("load", function () {
      if (!swapBlock(form, request)) {
        window.location.href = request.responseURL || window.location.href;
      }
    });
    request.addEventListener("error", function () { form.submit(); });
    request.send(new FormData(form));
  });
})();
