/*
 * Vietnamese-aware replacement for Django admin's URLify (admin/js/urlify.js).
 *
 * Django's URLify maps "đ" to "dj" and drops letters such as "ầ", "ư" and "ơ", so the
 * live slug preview disagreed with the slug the server saves. This file must load after
 * admin/js/urlify.js; it replaces window.URLify, which prepopulate.js looks up on every
 * keystroke. The rules mirror articles/text.py (fold + slugify) exactly, and
 * tests/test_text.py runs both on the same headlines: change one, change the other.
 */
(function (root) {
  "use strict";

  const DEFAULT_MAX_LENGTH = 200;
  const MARKS = /\p{Mn}+/gu;
  const NON_SLUG_RUN = /[^a-z0-9]+/g;
  const EDGE_HYPHENS = /^-+|-+$/g;
  const TRAILING_HYPHENS = /-+$/;
  const NON_ASCII = /[^\x00-\x7f]/;

  // Same rule as fold() in articles/text.py.
  function fold(text) {
    let folded = String(text).normalize("NFKD").toLowerCase().replace(MARKS, "");
    // "đ" has no Unicode decomposition; "ð" is the look-alike left by legacy encodings.
    folded = folded.replace(/[đð]/g, "d");
    return NON_ASCII.test(folded) ? folded.normalize("NFC") : folded;
  }

  // Same rule as slugify() in articles/text.py.
  function slugify(text, maxLength = DEFAULT_MAX_LENGTH) {
    const slug = fold(text).replace(NON_SLUG_RUN, "-").replace(EDGE_HYPHENS, "");
    return slug.slice(0, maxLength).replace(TRAILING_HYPHENS, "");
  }

  // Django's signature. prepopulate.js passes the input's maxlength attribute, a string
  // (or undefined when absent). allowUnicode is ignored: Newsroom slugs are always ASCII.
  function URLify(s, numChars, allowUnicode) {
    const n = parseInt(numChars, 10);
    return slugify(s, Number.isNaN(n) ? DEFAULT_MAX_LENGTH : n);
  }

  if (typeof module !== "undefined" && module.exports) {
    module.exports = { fold: fold, slugify: slugify, URLify: URLify };
  }
  if (root) {
    root.URLify = URLify;
  }
})(typeof window !== "undefined" ? window : null);
