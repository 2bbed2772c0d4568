/*
 * The article form's background work: autosave, and "who else has this open" (a heartbeat every minute).
 *
 * Every few seconds, if the typed text changed, it is posted to the user's autosave (never to the article): the
 * fields the server lists in #autosave-fields (articles/fields.py, through json_script). CKEditor keeps a rich
 * text field in its own instance and only copies it to the textarea on submit, so that is read with getData().
 * The URLs come from #article-workflow (templates/admin/articles/article/change_form.html).
 */
(function () {
  "use strict";

  function start() {
    var config = document.getElementById("article-workflow");
    var form = document.getElementById("article_form");
    if (!config || !form) {
      return;
    }
    var fieldList = document.getElementById("autosave-fields");
    var FIELDS = fieldList ? JSON.parse(fieldList.textContent) : [];
    var AUTOSAVE_EVERY_MS = 5000;
    var HEARTBEAT_EVERY_MS = 60000; // the server forgets an editor after three silent minutes (EDITING_SECONDS)
    var status = document.getElementById("autosave-status");
    var lastSent = null;
    var stopped = false;

    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }

    function typed(name) {
      var editor = window.CKEDITOR && window.CKEDITOR.instances["id_" + name];
      if (editor) {
        return editor.getData();
      }
      var field = form.elements[name];
      return field ? field.value : "";
    }

    function snapshot() {
      var data = {};
      FIELDS.forEach(function (name) {
        data[name] = typed(name);
      });
      return data;
    }

    function post(url, data) {
      var body = new FormData();
      Object.keys(data).forEach(function (name) {
        body.append(name, data[name]);
      });
      return fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": form.elements.csrfmiddlewaretoken.value },
      });
    }

    function autosave() {
      var data = snapshot();
      var text = JSON.stringify(data);
      if (stopped || text === lastSent) {
        return;
      }
      post(config.dataset.autosaveUrl, data)
        .then(function (response) {
          // An expired session answers with the login page (after a redirect) instead of JSON.
          if (response.redirected || response.status === 403) {
            say("Phiên đăng nhập đã hết: chưa tự lưu được. Đăng nhập lại trong thẻ mới rồi quay lại đây.");
            return;
          }
          return response.json().then(function (answer) {
            if (response.ok) {
              lastSent = text;
              say("Đã tự lưu lúc " + answer.saved_at);
            } else {
              say(answer.error || "Chưa tự lưu được.");
            }
          });
        })
        .catch(function () {
          say("Mất kết nối: chưa tự lưu được, sẽ thử lại.");
        });
    }

    form.addEventListener("submit", function (event) {
      // Saving for real clears the autosave on the server; a late autosave must not bring it back.
      // The "Xem trước" button also submits the form, into a new tab: that is not a save.
      var submitter = event.submitter;
      if (!submitter || submitter.formTarget !== "_blank") {
        stopped = true;
      }
    });

    function heartbeat() {
      // Keeps "Đang được sửa bởi …" alive for others, and shows who else has the article open now.
      post(config.dataset.heartbeatUrl, {})
        .then(function (response) {
          return response.ok && !response.redirected ? response.json() : null;
        })
        .then(function (answer) {
          var notice = document.getElementById("editing-now");
          if (!answer || !notice) {
            return;
          }
          notice.querySelector("strong").textContent = answer.others.join(", ");
          notice.hidden = answer.others.length === 0;
        })
        .catch(function () {});
    }

    if (config.dataset.heartbeatUrl) {
      window.setInterval(heartbeat, HEARTBEAT_EVERY_MS);
    }
    if (config.dataset.autosaveUrl) {
      // What the form opened with is stored already (the article, or the restored autosave): not worth sending.
      lastSent = JSON.stringify(snapshot());
      window.setInterval(autosave, AUTOSAVE_EVERY_MS);
    }
  }

  // Admin media scripts load in <head>, before the form exists.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
