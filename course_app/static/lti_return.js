// Send the deep-linking answer back to the platform at once; the button stays for
// browsers without JavaScript.
"use strict";
document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
  form.submit();
});
